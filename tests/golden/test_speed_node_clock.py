"""Golden: one harness's A100 and RTX 4090 runs of the same MoE model under Ollama, against the model's ratio.

Kept as a strict xfail: the model puts the A100 ahead, the published runs put it 31% behind. Pricing
llama.cpp's per-node GPU time in SM cycles at each card's boost clock (A100 1410 MHz, RTX 4090 2520 MHz)
was tried for it (issue 11, gpuclock pass) and not landed: refitted through bench/speed_validation.py --fit
it fits the fit rows worse than seconds do (loss 0.07457 vs 0.07432), because the RTX 3090 and RTX 4090 MoE
rows imply about the same per-node seconds at 1695 and 2520 MHz (docs/validation-speed.md FINDINGS).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import speed_validation as sv

# gparemsky/48gb4090, one prompt-test harness through Ollama 0.11 (September 2025), qwen3-coder:latest
# (Qwen3-Coder-30B-A3B Q4_K_M, 48 blocks of 8 of 128 routed experts), 488-token prompt, TG/s:
# - A100: ML_WORKLOADS/a100_tests/benchmark_comparison_20250904_105257.md (commit f42049f9)
#   '| A100-24GB | qwen3-coder:latest | 488 | 1520.12 | 0.32 | 596 | 88.91 |'
# - RTX 4090: RESULTS/4090-24-tests/benchmark_comparison_20250906_095504.md (commit f42049f9)
#   '| RTX4090 | qwen3-coder:latest | 488 | 2440.51 | 0.20 | 517 | 128.58 |'
A100_TG, RTX4090_TG = 88.91, 128.58

# The two rows as bench/speed_tables.yaml holds them (heldout11-ollama-pt-*-qwen3coder30b-p488-tg), written
# out here: reading that table takes seconds.
_ROW = {"use": "holdout", "table": "heldout11-ollama-prompt-test-48gb4090", "engine": "ollama",
        "engine_version": "Ollama (release not stated), chigkim/prompt-test through the OpenAI-compatible "
        "endpoint, streaming", "num_gpus": 1, "model": "qwen3-coder:latest",
        "quant_label": "Ollama library default (Q4_K_M; gpt-oss MXFP4)", "metric": "decode_tps",
        "prompt_tokens": 488, "concurrency": 1, "num_ctx": 4096, "release": "0.11.8"}


def _predict(device: str, gen_tokens: int, published: float) -> float:
    row = {**_ROW, "id": f"{device}-qwen3coder-p488-tg", "device": device, "gen_tokens": gen_tokens,
           "measured": published}
    return sv.predict(sv.build_case(row))


@pytest.mark.xfail(strict=True, reason="the model decodes this MoE 1.05x faster on the A100 than on the RTX "
                   "4090; the harness measured 0.69x (the A100 streams twice the bytes per second). Not the "
                   "SM clock on its own: see the module docstring")
def test_a100_decodes_a_moe_slower_than_an_rtx_4090() -> None:
    a100 = _predict("A100-SXM-80GB", 596, A100_TG)
    ada = _predict("RTX-4090", 517, RTX4090_TG)
    assert a100 / ada == pytest.approx(A100_TG / RTX4090_TG, rel=0.15)
