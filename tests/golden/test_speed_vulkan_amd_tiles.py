"""llama.cpp Vulkan on AMD coopmat: PR #18749's large MUL_MAT tile (engines/llama_cpp_vulkan_amd_tiles.py)."""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.engines import llama_cpp_vulkan_amd_tiles as tiles
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import prefill_seconds, resolve_constants
from llmsize.specs.resolve import resolve

# kyuz0/amd-strix-halo-toolboxes, Radeon 8060S, Vulkan RADV (KHR_coopmat), llama-bench -fa 1, Llama-2-7B Q4_0
# pp512: build 9c142e3a2 (7670), 2026-01-09: 1126.16 t/s; build e0c93af2a (7938), 2026-02-04: 1355.55 t/s.
KYUZ0 = ("https://github.com/kyuz0/amd-strix-halo-toolboxes/tree/2d09b9e/benchmark/results/"
         "{09-01-2026,04-02-2026}/llama-2-7b.Q4_0__vulkan_radv__fa1.log")
STRIX = "Ryzen-AI-Max-395-128GB"


def _pp512(model: str, quant: str, version: str | None, gpu: str = STRIX, backend: str = "vulkan") -> float:
    spec = resolve(model)
    wl = Workload.model_validate({"engine": "llama.cpp", "context": 513, "prompt_tokens": 512, "quant": quant,
                                  "engine_version": version, "backend": backend})
    inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout(), engine="llama.cpp")
    seconds, _ = prefill_seconds(inputs, get_gpu(gpu), resolve_constants(inputs, get_gpu(gpu)))
    return 512 / seconds


def test_large_tile_reproduces_kyuz0_step_across_pr_18749() -> None:
    before = _pp512("Llama-2-7b", "Q4_0", "b7670")
    after = _pp512("Llama-2-7b", "Q4_0", "b7938")
    assert after / before == pytest.approx(1355.55 / 1126.16, rel=0.01), KYUZ0
    assert _pp512("Llama-2-7b", "Q4_0", None) == pytest.approx(after)  # no build given: the current one


def test_routed_experts_keep_the_medium_tile() -> None:
    # mul_mat_id_l stays false on AMD: a MoE prompt gains far less than a dense one (the same kyuz0 pair: MoE
    # models 0.91-1.02x, dense 1.13-1.25x).
    dense = _pp512("Llama-2-7b", "Q4_0", "b7938") / _pp512("Llama-2-7b", "Q4_0", "b7670")
    moe = _pp512("Qwen3-30B-A3B", "Q4_K_M", "b7938") / _pp512("Qwen3-30B-A3B", "Q4_K_M", "b7670")
    assert 1.0 < moe < 1.0 + (dense - 1.0) / 2


def test_not_applied_off_the_pre_pr_amd_share() -> None:
    # The discrete-AMD Vulkan share was fitted on a b9174 run (already the large tile); HIP runs no Vulkan
    # tiles.
    assert _pp512("Llama-2-7b", "Q4_0", "b7670", gpu="RX-9070-XT") == pytest.approx(
        _pp512("Llama-2-7b", "Q4_0", "b7938", gpu="RX-9070-XT"))
    assert _pp512("Llama-2-7b", "Q4_0", "b7670", backend="auto") == pytest.approx(
        _pp512("Llama-2-7b", "Q4_0", "b7938", backend="auto"))
    assert not tiles.runs_large_tile(7670)
    assert tiles.runs_large_tile(7938)
    assert tiles.runs_large_tile(None)
