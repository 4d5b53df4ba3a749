"""llama.cpp's Vulkan decode on Intel Xe2: the quantized mat-vecs' share, from Lunar Lake, checked on a B580.

ggml-org/llama.cpp PR #14001's description table (Windows 11 24H2, Intel driver 32.0.101.6795,
gemma-2-2b-it Q4_K_M, llama-bench defaults) times tg128 on a Core Ultra 7 268V (36.87 / 37.86 t/s, b5583 /
b5589), which sets the share (estimate/engines/llama_cpp_vulkan_intel.py dmmv_share), and on an i5-13400 +
Arc B580 (129.95 / 126.69 t/s), which never fed it.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.engines import llama_cpp_vulkan_intel
from llmsize.estimate.engines.llama_cpp_vulkan import VULKAN_SPEED
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import GpuSpec, get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import decode_step, prefill_seconds, resolve_constants
from llmsize.hardware.speed_profiles import kernel_bandwidth
from llmsize.hardware.speed_records import SpeedConstants, SpeedInputs
from llmsize.specs.resolve import resolve

PR_14001 = "https://github.com/ggml-org/llama.cpp/pull/14001"


def _case(model: str, quant: str, gpu: str, prompt: int = 1) -> tuple[SpeedInputs, GpuSpec, SpeedConstants]:
    spec = resolve(model)
    wl = Workload.model_validate({"engine": "llama.cpp", "context": prompt + 128, "prompt_tokens": prompt,
                                  "quant": quant, "backend": "vulkan"})
    inputs, device = speed_inputs(spec, wl, estimate(spec, wl), Layout()), get_gpu(gpu)
    return inputs, device, resolve_constants(inputs, device)


def _tg128(gpu: str) -> float:
    inputs, device, c = _case("gemma-2-2b", "Q4_K_M", gpu)
    step, _ = decode_step(inputs, device, c, 64)
    return 1 / step


def test_lunar_lake_tg128_gives_about_half_the_datasheet() -> None:
    # 1.59 GiB a token at 37.4 t/s on 136.5 GB/s, less 0.9 ms of the profile's per-token latency: 0.48.
    share = VULKAN_SPEED.dequant_kernel_bandwidth["xe2"]
    assert share == pytest.approx(0.484, abs=0.002), PR_14001
    assert share == llama_cpp_vulkan_intel.dmmv_share(VULKAN_SPEED.gpu_per_layer_s, VULKAN_SPEED.step_fixed_s)


@pytest.mark.parametrize("published", [129.95, 126.69])  # b5583, b5589 (the PR changes prompts only)
def test_arc_b580_gemma2_tg128(published: float) -> None:
    # Held-out check: the shared GDDR 'gguf' share (0.80) put these at 178 t/s (+37 / +40%).
    assert _tg128("Arc-B580") == pytest.approx(published, rel=0.15), PR_14001


def test_only_block_quantized_weights_on_xe2_take_it() -> None:
    _, b580, quantized = _case("gemma-2-2b", "Q4_K_M", "Arc-B580")
    _, _, bf16 = _case("gemma-2-2b", "BF16", "Arc-B580")
    _, rtx, nvidia = _case("gemma-2-2b", "Q4_K_M", "RTX-4090")
    assert quantized.bandwidth_fraction == VULKAN_SPEED.dequant_kernel_bandwidth["xe2"]
    assert bf16.bandwidth_fraction == kernel_bandwidth("gguf", b580)
    assert nvidia.bandwidth_fraction == kernel_bandwidth("gguf", rtx)


def test_prompts_keep_the_mat_mul_share() -> None:
    # A prompt streams its weights through mul_mm's tiles, not the decode mat-vecs.
    inputs, b580, c = _case("gemma-2-2b", "Q4_K_M", "Arc-B580", prompt=512)
    assert c.prompt_bandwidth_fraction == kernel_bandwidth("gguf", b580)
    full = c.model_copy(update={"bandwidth_fraction": c.prompt_bandwidth_fraction})
    assert prefill_seconds(inputs, b580, c, 512) == prefill_seconds(inputs, b580, full, 512)
