"""llama.cpp's Vulkan prompt mat-muls on Intel Xe2: the share of the path's peak they reached.

Why Intel needs its own share: ggml-vulkan's mul_mm warptiles (ggml-vulkan.cpp ggml_vk_load_shaders,
l/m/s_warptile) were sized on NVIDIA and AMD hardware, and on Intel the shaders ran at the driver's
default subgroup size 32 where Xe2 executes SIMD16 natively. Intel's own later PRs say so: #18178
(2025-12, "Warptile tuning for Intel Xe2/Xe3": 4x the workgroup size, 2x BM and BN "to increase prompt
processing performance for Intel Xe2+ GPUs that support coopmat") and #17374 (2025-11, a base subgroup
size of 16 instead of 32 on Xe2, "max 5.1x" on the s/m tiles). The NVIDIA-fitted KHR share (0.25) is
therefore not Intel's; the share is priced from a measurement on another Xe2 device than the held-out
Arc B580 rows, for each path.

REFERENCE: ggml-org/llama.cpp PR #14001 (2025-06-04, "Enable VK_KHR_cooperative_matrix extension for
Intel Xe2 GPUs"), description table, Windows 11 24H2, driver 32.0.101.6795, gemma-2-2b-it Q4_K_M,
llama-bench defaults: Core Ultra 7 268V (Lunar Lake, Arc 140V iGPU) pp512 416.53 t/s with KHR_coopmat
(b5589) and 148.60 t/s on the scalar shaders (b5583, "matrix cores: none").
The 268V's GPU, an Arc 140V: 8 Xe2 cores, at most 2.0 GHz on the Core Ultra 7 parts (2.05 GHz only on
the Ultra 9 288V; https://vgmag.it/297859/ and notebookcheck.com's Core Ultra 7 268V report, both
2024); an Xe2 core issues 2,048 FP16 XMX operations a clock (gpu_specs/intel.yaml, the Xe2 comment)
and 256 FP32 FLOPs on its 8 SIMD16 vector engines (packed FP16: twice that), so
XMX FP16 32.77 TFLOPS and packed FP16 8.19 TFLOPS. The FLOPs are counted as the speed model counts
them (hardware/prefill_time.prefill_seconds with hardware/head_params.py: 2 x the parameters outside the tied
256,000 x 2,304 table on every token, 2,614,341,888 - 589,824,000, the table once as the head on the
batch's last token, plus attention, 4 x 256.5 keys x 8 heads x 256 x 26 layers at pp512):
4.106 GFLOP a token (5.283 when every parameter counted on every token).
- KHR_coopmat: 416.53 x 4.106e9 = 1.71 TFLOP/s = 0.052 of 32.77;
- scalar:       148.60 x 4.106e9 = 0.61 TFLOP/s = 0.074 of 8.19.
Checked on the held-out Arc B580 rows of the same table (never fitted): 1,631.44 and 490.89 t/s are
0.061 of 109.6 and 0.074 of 27.34 in the same count: about the same two shares on a 20-core card.
These are the shares of the June 2025 builds. Checked after PR #18178's retuned tiles (merged
2026-01; #17374's subgroup change is still an open PR): PR #22461's Linux Mesa run on a Lunar Lake
(b8997, gemma4 E2B BF16 with bf16 cooperative matrices, pp512 451.90 t/s) is 3.84 GFLOP a token in the
same count (1.88 B block parameters of Gemma 4 E2B's text decoder, the tied head once, attention) =
1.74 TFLOP/s = 0.053 of 32.77: the same share, so every build takes these (tests/golden/
test_speed_vulkan_intel.py). Left open: the held-out Arc Pro B70 rows (b9039) run quantized weights about
2.5x faster than this share prices while their BF16 row is near it; no non-held-out quantized Xe2 timing
after the retune was readable, so nothing here is set from them.
"""

from __future__ import annotations

GEMMA2_2B_PARAMS, GEMMA2_2B_TABLE = 2_614_341_888, 256_000 * 2304
# gemma-2-2b pp512, as derived above: the blocks on every token, the tied head once, attention.
FLOP_PER_TOKEN = (2 * (GEMMA2_2B_PARAMS - GEMMA2_2B_TABLE) + 2 * GEMMA2_2B_TABLE / 512
                  + 4 * 256.5 * 8 * 256 * 26)
LNL_XE2_CORES = 8
LNL_GPU_HZ = 2.00e9
XMX_FP16_PER_CORE_CLOCK = 2048
VECTOR_FP32_PER_CORE_CLOCK = 256


def _share(tokens_per_s: float, peak_flops: float) -> float:
    return round(tokens_per_s * FLOP_PER_TOKEN / peak_flops, 3)


LNL_XMX_FP16 = LNL_XE2_CORES * XMX_FP16_PER_CORE_CLOCK * LNL_GPU_HZ
LNL_PACKED_FP16 = 2 * LNL_XE2_CORES * VECTOR_FP32_PER_CORE_CLOCK * LNL_GPU_HZ
# Keyed as vulkan_paths.vulkan_prefill_share looks them up: path, then the catalog's architecture.
XE2_PREFILL_SHARES: dict[str, float] = {
    "coopmat-xe2": _share(416.53, LNL_XMX_FP16),
    "scalar-xe2": _share(148.60, LNL_PACKED_FP16),
}
