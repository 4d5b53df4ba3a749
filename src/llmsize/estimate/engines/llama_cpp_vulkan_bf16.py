"""llama.cpp Vulkan with BF16 weights on a driver without bf16 cooperative matrices ("bf16: 0").

REFERENCE: ggml-org/llama.cpp ggml/src/ggml-vulkan/ggml-vulkan.cpp and vulkan-shaders/vulkan-shaders-gen.cpp
(master, read 2026-12):
- `ggml_vk_load_shaders` builds the cooperative-matrix BF16 mat-mul (`pipeline_matmul_bf16`,
  `pipeline_matmul_id_bf16`) only where `device->coopmat_bf16_support` (the driver's
  shaderBFloat16CooperativeMatrix); a coopmat device without it ("reusing CREATE_MM from the fp32 path")
  builds the scalar mul_mm.comp shaders with the scalar tile sizes (s: BM = BN = 32).
- vulkan-shaders-gen.cpp `matmul_shaders`, FLOAT_TYPE: "scalar path promotes to float": BF16 operands are
  widened to FP32 and multiplied with FP32 FMAs, so that path runs at the shader ALUs' FP32 rate, not
  the packed-FP16 rate the FP16 scalar shaders reach (hardware/vulkan_paths.vulkan_matmul_peak).
- `ggml_vk_use_mul_mat_vec_id` sends a MUL_MAT_ID to the mat-vec shaders only for F32, F16 and quantized
  weights, so a BF16 MoE decode step runs the mat-mat `ggml_vk_mul_mat_id_q_f16`: for one token
  `ggml_vk_guess_matmul_id_pipeline` picks the small tile (n <= 32), and each picked expert's weights are
  multiplied against a 32-column tile of which one column holds a token. Dense BF16 mat-vecs keep
  their own shader (mul_mat_vec with DATA_A_BF16) and stay bandwidth-bound.
So on such a device the prompt's BF16 GEMMs run the scalar path at the FP32 rate (with the scalar path's
share, hardware/vulkan_paths), and a one-token MoE step pays, beyond reading the picked experts, the
FP32 work of their 32-column tiles at the rate that small-tile shader reaches.

The logs name the device state: kyuz0's Strix Halo runs print 'fp16: 1 | bf16: 0 | matrix cores:
KHR_coopmat' (RADV, builds 7423 and 9193), so AMD's Vulkan drivers are taken as without bf16 cooperative
matrices; NVIDIA's (coopmat2 with bf16) and Intel's keep the matrix path for want of a run.
"""

from __future__ import annotations

# REFERENCE: ggml-vulkan.cpp ggml_vk_load_shaders, the fp32-path BF16 block: s_wg_denoms = {32, 32, 1}.
SMALL_TILE_COLUMNS = 32
# Vendors whose Vulkan drivers report no bf16 cooperative matrices ("bf16: 0" in the device line).
NO_BF16_MATRIX_VENDORS = frozenset({"amd"})
# REFERENCE: share of the FP32 rate the small-tile scalar MUL_MAT_ID shader reaches on a one-token step,
# priced on a published run that is no held-out row (bench/speed_tables.yaml strix-halo-kyuz0-010, excluded
# from the tables): kyuz0's Strix Halo Vulkan log for Qwen3-30B-A3B BF16, build 7423, 'tg128 | 9.36'
# (https://github.com/kyuz0/amd-strix-halo-toolboxes/tree/2c8a1e2/benchmark/results/
# Qwen3-30B-A3B-BF16-00001-of-00002__vulkan_radv__fa1.log). The model without this term gives 32.7 ms a
# token, the run 106.8 ms: 74.1 ms for 32 x 2 x 1.812e9 routed parameters = 116 GFLOP, 1.57 TFLOP/s,
# 0.0528 of the Radeon 8060S's 29.7 TFLOP/s FP32 (40 CUs x 2.9 GHz with dual issue, gpu_specs/amd.yaml;
# the same run's 0.106 of the single-issue 14.8 before the catalog counted dual issue on every RDNA3 part).
SMALL_TILE_FP32_SHARE = 0.0528


def bf16_matrix_cores(vendor: str) -> bool:
    """Whether ggml-vulkan runs BF16 weights on cooperative matrices on this vendor's driver."""
    return vendor not in NO_BF16_MATRIX_VENDORS


def mmid_tile_seconds(routed_bytes_read: float, fp32_flops: float) -> float:
    """Extra seconds of one BF16 MoE decode step on the scalar mat-mat MUL_MAT_ID: every picked expert's
    parameters (its BF16 bytes / 2) times a 32-column tile, 2 FLOPs each, at the small tile's FP32 share."""
    if routed_bytes_read <= 0 or fp32_flops <= 0:
        return 0.0
    flops = 2 * SMALL_TILE_COLUMNS * routed_bytes_read / 2
    return flops / (fp32_flops * SMALL_TILE_FP32_SHARE)
