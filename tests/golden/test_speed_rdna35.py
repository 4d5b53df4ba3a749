"""llama.cpp's HIP prompt on RDNA 3.5 runs WMMA MMQ at its own measured rate (engines/llama_cpp_rdna35.py)."""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import SpeedConstants, SpeedInputs, prefill_seconds, resolve_constants
from llmsize.specs.resolve import resolve

# Radeon 8060S (Strix Halo), llama 8B, pp2048, master column of PR #18666's table (ROCm, WMMA MMQ):
# Q5_0 -ub 512 1124.53 t/s (the run the share is priced from), Q5_0 -ub 1024 1167.65 t/s.
PR_18666 = "https://github.com/ggml-org/llama.cpp/pull/18666"
STRIX = "Ryzen-AI-Max-395-128GB"


def _constants(quant: str, ubatch: int, version: str | None = None,
               backend: str = "auto") -> tuple[SpeedInputs, SpeedConstants]:
    spec = resolve("Llama-3.1-8B")
    wl = Workload.model_validate({"engine": "llama.cpp", "context": 2049, "prompt_tokens": 2048,
                                  "ubatch": ubatch, "quant": quant, "engine_version": version,
                                  "backend": backend})
    inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout(), engine="llama.cpp")
    return inputs, resolve_constants(inputs, get_gpu(STRIX))


def _pp2048(quant: str, ubatch: int, version: str | None = None, backend: str = "auto") -> float:
    inputs, c = _constants(quant, ubatch, version, backend)
    seconds, bound = prefill_seconds(inputs, get_gpu(STRIX), c)
    assert bound == "compute"
    return 2048 / seconds


def test_strix_halo_prompt_runs_wmma_mmq_at_its_published_rate() -> None:
    assert _pp2048("Q5_0", 512) == pytest.approx(1124.53, rel=0.05), PR_18666
    assert _pp2048("Q5_0", 1024) == pytest.approx(1167.65, rel=0.10), PR_18666


def test_wmma_mmq_share_is_hip_only_and_from_pr_17576() -> None:
    # Vulkan runs RADV's FP16 cooperative matrices, and HIP builds before PR #17576 (b7300 here) had no
    # WMMA MMQ on gfx1151: both keep the device class's share, below the WMMA MMQ one.
    # (Vulkan at b7670: the medium-tile share, before PR #18749's large AMD tile:
    # llama_cpp_vulkan_amd_tiles.py)
    now = _pp2048("Q5_0", 512)
    assert _pp2048("Q5_0", 512, version="b7670", backend="vulkan") < 0.9 * now
    assert _pp2048("Q5_0", 512, version="b5882") < 0.9 * now
    # BF16 weights have no MMQ kernel (MMF or the hipBLAS GEMM): not the WMMA MMQ share either.
    assert _constants("BF16", 512)[1].compute_fraction < 0.9 * _constants("Q5_0", 512)[1].compute_fraction
