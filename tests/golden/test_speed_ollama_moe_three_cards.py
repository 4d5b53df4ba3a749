"""Golden: one harness, one Ollama release, one MoE model on three cards, against the model's ordering.

gparemsky/48gb4090 ran chigkim/prompt-test through Ollama 0.11.x (September 2025) with qwen3-coder:latest
(Qwen3-Coder-30B-A3B Q4_K_M: 48 blocks of 8 of 128 routed experts, ~2,500 CUDA kernels a token on the
llama.cpp copy those releases vendored) on an RTX 4090, an RTX A6000 and an A100 80 GB. The A6000, with 38%
of the A100's memory bandwidth, decoded it faster than the A100, while the same harness's dense
mistral-small3.2 ran 1.56x faster on the A100 than on the A6000. The model orders the MoE runs by bandwidth.
What the three runs take a token beyond their weight reads at the model's bandwidth shares (~6.1 / 7.8 /
9.8 ms on the RTX 4090 / A6000 / A100, where the model prices ~4.9 ms on each) grows as the cards' boost
clocks fall (2520 / 1800 / 1410 MHz), but a per-node time in SM cycles does not fit llama.cpp's own fit
rows (tests/golden/test_speed_node_clock.py), and a slower host CPU on the other two machines would give
the same order; docs/validation-speed.md FINDINGS (issue 11, ollamamoe pass).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import speed_validation as sv

# TG/s at a 488-token prompt, num_ctx 4096 (the report lines, commit f42049f9 of gparemsky/48gb4090):
# - RTX A6000: ML_WORKLOADS/a6000_tests/report-A6000_24GB-qwen3_coder_latest.txt
#   '| A6000-24GB | qwen3-coder:latest | 488 | 1637.11 | 0.30 | 517 | 97.17 |'
# - A100 80 GB: ML_WORKLOADS/a100_tests/benchmark_comparison_20250904_105257.md
#   '| A100-24GB | qwen3-coder:latest | 488 | 1520.12 | 0.32 | 596 | 88.91 |'
# - dense mistral-small3.2 on the same two cards, 469-token prompt:
#   a6000_tests/report-A6000_24GB-mistral_small3_2_latest.txt '| ... | 469 | 1169.37 | 0.40 | 1028 | 35.88 |'
#   a100_tests/benchmark_comparison_20250904_105257.md '| ... | 469 | 1198.33 | 0.39 | 598 | 55.96 |'
A6000_MOE_TG, A100_MOE_TG = 97.17, 88.91
A6000_DENSE_TG, A100_DENSE_TG = 35.88, 55.96

# The rows as bench/speed_tables.yaml holds them (heldout11-ollama-pt-*), written out here: reading that
# table takes seconds.
_ROW = {"use": "holdout", "table": "heldout11-ollama-prompt-test-48gb4090", "engine": "ollama",
        "engine_version": "Ollama (release not stated), chigkim/prompt-test through the OpenAI-compatible "
        "endpoint, streaming", "num_gpus": 1, "quant_label": "Ollama library default (Q4_K_M; gpt-oss MXFP4)",
        "metric": "decode_tps", "concurrency": 1, "num_ctx": 4096, "release": "0.11.8"}


def _predict(device: str, model: str, prompt: int, gen_tokens: int, published: float) -> float:
    row = {**_ROW, "id": f"{device}-{model}-p{prompt}-tg", "device": device, "model": model,
           "prompt_tokens": prompt, "gen_tokens": gen_tokens, "measured": published}
    return sv.predict(sv.build_case(row))


def test_the_dense_model_runs_faster_on_the_a100_as_published() -> None:
    a6000 = _predict("RTX-A6000", "mistral-small3.2:latest", 469, 1028, A6000_DENSE_TG)
    a100 = _predict("A100-SXM-80GB", "mistral-small3.2:latest", 469, 598, A100_DENSE_TG)
    assert a6000 == pytest.approx(A6000_DENSE_TG, rel=0.15)
    assert a100 == pytest.approx(A100_DENSE_TG, rel=0.15)
    assert a100 / a6000 == pytest.approx(A100_DENSE_TG / A6000_DENSE_TG, rel=0.1)


GAP = ("the model decodes qwen3-coder 1.2x faster on the A100 than on the A6000 (bandwidth); the harness "
       "measured 0.91x: the MoE step's per-kernel time, not its bytes, set these runs, and what makes it "
       "slower on the A100 is not priced (module docstring)")


@pytest.mark.xfail(strict=True, reason=GAP)
def test_the_moe_runs_slower_on_the_a100_than_on_the_a6000() -> None:
    a6000 = _predict("RTX-A6000", "qwen3-coder:latest", 488, 517, A6000_MOE_TG)
    a100 = _predict("A100-SXM-80GB", "qwen3-coder:latest", 488, 596, A100_MOE_TG)
    assert a100 / a6000 == pytest.approx(A100_MOE_TG / A6000_MOE_TG, rel=0.15)
