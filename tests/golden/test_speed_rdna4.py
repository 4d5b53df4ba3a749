"""llama.cpp's HIP prompt on RDNA4 runs WMMA MMQ at its own measured rate (engines/llama_cpp_rdna4.py)."""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import prefill_seconds, resolve_constants
from llmsize.specs.resolve import resolve

# R9700, llama 8B, -ub 512, pp2048: Q4_1 3396.83 t/s (#18816); Q4_K_M 3853.91 t/s (#26284 baseline column)
PR_18816 = "https://github.com/ggml-org/llama.cpp/pull/18816"
PR_26284 = "https://github.com/ggml-org/llama.cpp/pull/26284"


def _pp2048(gpu: str, quant: str) -> float:
    spec = resolve("Llama-3.1-8B")
    wl = Workload.model_validate({"engine": "llama.cpp", "context": 2049, "prompt_tokens": 2048,
                                  "ubatch": 512, "quant": quant})
    inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout(), engine="llama.cpp")
    card = get_gpu(gpu)
    seconds, bound = prefill_seconds(inputs, card, resolve_constants(inputs, card))
    assert bound == "compute"
    return 2048 / seconds


def test_r9700_prompt_runs_wmma_mmq_at_its_published_rate() -> None:
    # The run the share is priced from, then a later master's Q4_K_M run on the same card (not priced).
    assert _pp2048("Radeon-AI-PRO-R9700", "Q4_1") == pytest.approx(3396.83, rel=0.10), PR_18816
    assert _pp2048("Radeon-AI-PRO-R9700", "Q4_K_M") == pytest.approx(3853.91, rel=0.20), PR_26284

