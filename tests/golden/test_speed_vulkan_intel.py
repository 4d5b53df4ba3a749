"""llama.cpp's Vulkan prompt path on Intel Xe2: the shares priced on Lunar Lake, checked on an Arc B580.

Both devices' runs are from ggml-org/llama.cpp PR #14001's description table (Windows 11 24H2, Intel driver
32.0.101.6795, gemma-2-2b-it Q4_K_M, llama-bench defaults): b5583 runs the scalar shaders ("matrix cores:
none"), b5589 KHR_coopmat. The shares (estimate/engines/llama_cpp_vulkan_intel.py) come from the Core
Ultra 7 268V's pp512 (416.53 / 148.60 t/s); the Arc B580 figures below never fed them.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.engines import llama_cpp_vulkan_intel
from llmsize.estimate.engines.llama_cpp_vulkan import VULKAN_SPEED
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import prefill_seconds, resolve_constants
from llmsize.hardware.speed_profiles import device_class
from llmsize.hardware.vulkan_paths import vulkan_prefill_share
from llmsize.specs.resolve import resolve

PR_14001 = "https://github.com/ggml-org/llama.cpp/pull/14001"


def _pp512(gpu: str, engine: str) -> float:
    spec = resolve("gemma-2-2b")
    wl = Workload.model_validate({"engine": "llama.cpp", "context": 513, "prompt_tokens": 512,
                                  "quant": "Q4_K_M", "flash_attn": "off", "backend": "vulkan"})
    inputs, device = speed_inputs(spec, wl, estimate(spec, wl), Layout(), engine=engine), get_gpu(gpu)
    seconds, _ = prefill_seconds(inputs, device, resolve_constants(inputs, device), 512)
    return 512 / seconds


def test_xe2_takes_its_own_share_and_other_vendors_keep_theirs() -> None:
    b580, rtx = get_gpu("Arc-B580"), get_gpu("RTX-5090")
    table = VULKAN_SPEED.prefill_compute
    xe2_coopmat = vulkan_prefill_share(table, b580, "coopmat", device_class(b580), 0.0)
    xe2_scalar = vulkan_prefill_share(table, b580, "scalar", device_class(b580), 0.0)
    nvidia = vulkan_prefill_share(table, rtx, "coopmat", device_class(rtx), 0.0)
    assert xe2_coopmat < 0.1 and xe2_scalar < 0.1
    assert nvidia == table["coopmat"]


@pytest.mark.parametrize(
    ("engine", "published"),
    [
        ("llama.cpp-vulkan-scalar", 490.89),  # b5583, "matrix cores: none"
        ("llama.cpp-vulkan-coopmat1", 1631.44),  # b5589, "matrix cores: KHR_coopmat"
    ],
)
def test_arc_b580_gemma2_pp512(engine: str, published: float) -> None:
    # Held-out check: the NVIDIA-fitted KHR share (0.25) put these at 1,291 and 5,139 t/s.
    assert _pp512("Arc-B580", engine) == pytest.approx(published, rel=0.25), PR_14001


def test_coopmat_still_beats_the_scalar_shaders_on_xe2() -> None:
    # PR #14001: 1,631.44 vs 490.89 t/s on the B580 (3.3x), 416.53 vs 148.60 on the 268V (2.8x).
    ratio = _pp512("Arc-B580", "llama.cpp-vulkan-coopmat1") / _pp512("Arc-B580", "llama.cpp-vulkan-scalar")
    assert 2.0 < ratio < 4.0, PR_14001


# REFERENCE: ggml-org/llama.cpp PR #22461 (merged 2026-05), description, "After" run on Linux: "Intel(R)
# Graphics (LNL) (Intel open-source Mesa driver) | uma: 1 | fp16: 1 | bf16: 1 | ... | matrix cores:
# KHR_coopmat", "gemma4 E2B BF16 | 8.66 GiB | 4.65 B | Vulkan | 99 | pp512 | 451.90 ± 1.56", "build:
# b0b62b64e (8997)": a Lunar Lake run after PR #18178's Xe2 warptiles (merged 2026-01), not a held-out row.
PR_22461 = "https://github.com/ggml-org/llama.cpp/pull/22461"
# Gemma 4 E2B's text decoder (google/gemma-4-E2B-it config.json text_config): hidden 1536, 35 layers in
# ([sliding] x 4 + [full]) x 7, 8 query heads and 1 KV head of 256 (512 on full layers), FFN 6144 doubled
# on the 20 KV-shared layers (use_double_wide_mlp; those layers have no K/V projections), per-layer inputs
# of 256 (a 1536 x 35*256 projection, a 1536 -> 256 gate and a 256 -> 1536 projection per layer); tied
# 262,144 x 1536 head. Summed: 1,876,819,968 block parameters (with the 2,348,810,240-entry per-layer
# table and the head, 4.63 B: llama-bench prints 4.65 B).
E2B_BLOCK_PARAMS, E2B_HEAD = 1_876_819_968, 262_144 * 1536
# Attention at pp512 as prefill_seconds counts it (256.5 keys on average; the 512-token window covers it).
E2B_ATTENTION = 4 * 256.5 * 8 * (256 * 28 + 512 * 7)


def test_post_retune_lunar_lake_run_reads_the_same_xe2_share() -> None:
    # The share was priced on June 2025 builds (b5589); the b8997 run, after the retuned tiles, reaches
    # 451.90 x 3.84 GFLOP = 1.74 TFLOP/s = 0.053 of the Arc 140V's 32.77 TFLOPS (BF16 XMX runs at the
    # FP16 rate on Xe2): within 2% of the 0.052 it takes, so the retune left Lunar Lake's share unchanged.
    flop_per_token = 2 * E2B_BLOCK_PARAMS + 2 * E2B_HEAD / 512 + E2B_ATTENTION
    share = 451.90 * flop_per_token / llama_cpp_vulkan_intel.LNL_XMX_FP16
    priced = llama_cpp_vulkan_intel.XE2_PREFILL_SHARES["coopmat-xe2"]
    assert share == pytest.approx(priced, rel=0.05), PR_22461
