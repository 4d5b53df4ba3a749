"""Golden: time to first token with an image, the vision tower's pass included (hardware/encoder_time.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import speed_validation as sv


def _row(row_id: str) -> dict[str, object]:
    return next(r for r in sv.load_rows() if r["id"] == row_id)


def test_qwen25_vl_7b_1080p_vllm_h100_model_prefill() -> None:
    # https://github.com/vllm-project/vllm/issues/41267 (vLLM v0.19.1, Qwen2.5-VL-7B on an H100 80 GB, a
    # 1080p image): "gen_ai.latency.time_in_model_prefill | 0.126 seconds", prompt_tokens 2718.
    case = sv.build_case(_row("heldout10-vlm-vllm-h100-qwen25vl7b-1080p"))
    assert case.inputs.prompt_tokens == 2718  # 2,693 image tokens + 25 of text: the processor's grid
    assert sv.predict(case) == pytest.approx(126.0, rel=0.25)
    # without the tower's pass and the image tokens the model said 9 ms
    text_only = sv.build_case({**_row("heldout10-vlm-vllm-h100-qwen25vl7b-1080p"), "images": 0})
    assert sv.predict(text_only) < 126.0 / 5
