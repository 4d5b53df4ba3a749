"""Test cases that run only with LLMSIZE_TESTS=long (tests/conftest.py skips them otherwise).

Each is a slower sibling of a case the default run keeps, and its benchmark regenerates the
published comparison (docs/), so CI's 20-minute budget on 2 cores keeps the coverage without the
minutes. Seconds are `pytest --durations` on the project's idle 2-core AVX2 EPYC (2026-12-05).
"""

from __future__ import annotations

LONG_CASES: dict[str, str] = {
    # 43.0 s: a 45 s clip through the Qwen2-Audio tower and the whole prefill; the 10 s clip stays
    # (same code path, fewer frames); bench/validate_audio.py runs both (docs/validation.md, "Audio").
    "tests/trace/test_audio_trace.py::test_whole_qwen2_audio_prefill_matches_the_model[45.0]": "43.0 s",
    # 27.9 s: gemma-3n's USM tower on 45 s; the Gemma 4 cases of the same test stay, and
    # bench/validate_audio.py runs gemma-3n at 4, 30 and 45 s.
    "tests/trace/test_audio_trace.py::test_frames_tokens_and_tower_peak_match_the_model"
    "[gemma-3n-E2B-it-audio0-45.0-1]": "27.9 s",
}
