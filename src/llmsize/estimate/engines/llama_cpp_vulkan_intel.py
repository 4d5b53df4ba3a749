"""llama.cpp's Vulkan backend on Intel Xe2: the prompt mat-muls' share of the path's peak, and the share
of the memory bandwidth its quantized decode mat-vecs stream at.

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

Decode (issue 11, lcpp23 pass). One token's weight mat-vecs of a block-quantized GGUF run ggml-vulkan's
dequantizing mat-vec shaders (ggml-vulkan.cpp ggml_vk_load_shaders, pipeline_dequant_mul_mat_vec_f32_f32:
mul_mat_vec_<type>.comp, which unpack each block's 4-6-bit values and scales in the shader). On Intel they
are built apart from every other vendor: subgroup size forced to 16 (`subgroup_size` = 16 where the driver
allows subgroup size control), rm_stdq = rm_stdq_int = 2 rows a workgroup for the legacy quants (the
`vendor_id == VK_VENDOR_ID_INTEL` branch), K-quants at the default rm_kq = 2; the shared 'gguf' shares
(hardware/speed_profiles.KERNEL_BANDWIDTH: GDDR 0.80, LPDDR 0.79) were measured on NVIDIA, AMD and Apple
builds, not these. PR #14001's table times the same Lunar Lake decode as its prompts: tg128 36.87 (b5583)
and 37.86 t/s (b5589; the PR touches prompt mat-muls only, so both builds decode on the same shaders; their
mean is used). gemma-2-2b-it Q4_K_M is 1.59 GiB (llama-bench's size column) and every weight is read once a
token (the tied 256,000 x 2,304 table as the head); the Core Ultra 7 268V's LPDDR5X-8533 on a 128-bit bus is
136.5 GB/s (Intel ark, 'Max Memory Bandwidth'). Taking off the Vulkan profile's own per-token times (its
per-layer latency over 26 layers and its fixed step, both fitted on NVIDIA / AMD rows), the weights stream at
1.707 GB / (136.5 GB/s x 25.87 ms) = 0.48 of the datasheet. The share is the quantized shaders' only:
F16 / BF16 / F32 weights run the plain mat-vec shaders (no block unpacking) and keep the shared share.
Checked on held-out rows it never fed: the same table's Arc B580 tg128 (Windows, 129.95 / 126.69 t/s,
1.71 GB at 456 GB/s: 0.49 of the datasheet).
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


# Decode: PR #14001's Lunar Lake tg128 (b5583, b5589), gemma-2-2b-it Q4_K_M (1.59 GiB), 26 layers.
LNL_TG128 = (36.87, 37.86)
GEMMA2_2B_Q4_K_M_BYTES = 1.59 * 2**30
GEMMA2_2B_LAYERS = 26
# REFERENCE: Intel ark, Core Ultra 7 268V: LPDDR5X-8533, 'Max Memory Bandwidth 136.5 GB/s' (128-bit).
LNL_BANDWIDTH = 136.5e9


def dmmv_share(per_layer_s: float, step_fixed_s: float) -> float:
    """Achieved / datasheet bandwidth of the quantized decode mat-vecs on Xe2: the Lunar Lake tg128 less
    the engine profile's own per-layer latency and fixed step (per token), as the decode step adds them."""
    seconds = 1 / (sum(LNL_TG128) / len(LNL_TG128)) - GEMMA2_2B_LAYERS * per_layer_s - step_fixed_s
    return round(GEMMA2_2B_Q4_K_M_BYTES / (LNL_BANDWIDTH * seconds), 3)


def _share(tokens_per_s: float, peak_flops: float) -> float:
    return round(tokens_per_s * FLOP_PER_TOKEN / peak_flops, 3)


LNL_XMX_FP16 = LNL_XE2_CORES * XMX_FP16_PER_CORE_CLOCK * LNL_GPU_HZ
LNL_PACKED_FP16 = 2 * LNL_XE2_CORES * VECTOR_FP32_PER_CORE_CLOCK * LNL_GPU_HZ
# Keyed as vulkan_paths.vulkan_prefill_share looks them up: path, then the catalog's architecture.
XE2_PREFILL_SHARES: dict[str, float] = {
    "coopmat-xe2": _share(416.53, LNL_XMX_FP16),
    "scalar-xe2": _share(148.60, LNL_PACKED_FP16),
}
