"""llama.cpp's HIP backend on RDNA 3.5 (gfx1150 / gfx1151, Strix Halo): the prompt mat-mul path and its rate.

REFERENCE: ggml/src/ggml-cuda/common.cuh `amd_wmma_available` is true on RDNA3 (RDNA 3.5 included) since
ggml-org/llama.cpp PR #17576 ("HIP: enable WMMA-MMQ INT kernels for RDNA 3", merged 2025-12), and
mmq.cu `ggml_cuda_should_use_mmq` then keeps every quantized prompt mat-mul of a dense model on MMQ for
the common types (its RDNA3 branch sends only Q2_K / Q6_K / IQ2 above 128-256 tokens to hipBLAS; PR
#18666 tuned that list for RDNA 3.5): activations quantized to q8_1, int8 tiles multiplied with WMMA
(V_WMMA_I32_16X16X16_IU8, the FP16 WMMA rate on RDNA 3: 512 ops per CU per clock, 59.4 TOPS on the
Radeon 8060S's 40 CUs at 2.9 GHz). That is not the Vulkan path whose rows set the 'amd-lpddr' share
(RADV cooperative matrices in FP16), so this kernel gets its own share of the int8 peak.

Priced from a published llama-bench table on a build with that path (not a held-out row):
ggml-org/llama.cpp PR #18666 (JohannesGaessler, 2026-01, "HIP: adjust RDNA3.5 MMQ kernel selction logic"),
"| Radeon 8060S Graphics | llama 8B Q5_0 | 512 | pp2048 | 1124.53 |" (master column). The share below is
the value at which this model's llama-bench prediction for that run (Llama-3.1-8B, Q5_0, pp2048, -ub 512)
gives 1124.53 t/s; cross-check: the mat-muls alone, 2 x 6.98e9 weights x 1124.53 t/s = 15.7 TOPS, are
0.264 of the 59.4 peak (the Vulkan share, 0.228, gives 932 t/s). Builds before PR #17576 ran a dense
prompt on dequantize + rocBLAS/hipBLASLt instead; not priced separately.
"""

from __future__ import annotations

# Key of llama_cpp.SPEED.prefill_compute for RDNA 3.5 (speed_profiles.prefill_compute: vendor-architecture),
# the one llama_cpp_hip_graphs keys gfx1151's graph replay with.
from llmsize.estimate.engines.llama_cpp_hip_graphs import RDNA35_KEY as RDNA35_KEY

# PR #18666, Radeon 8060S, llama 8B Q5_0, -ub 512, pp2048 (the run this share reproduces).
STRIX_HALO_LLAMA8B_Q5_0_PP2048_TPS = 1124.53
RDNA35_MMQ_SHARE = 0.275
# The keys of that share. Builds before PR #17576 (SpeedInputs.prefill_before_wmma_mmq, set from
# llama_cpp_mmid_host.GROUPED_MMQ_BUILD) did not run WMMA MMQ there, and BF16 weights never do (no MMQ
# for BF16: ggml_cuda_mul_mat sends them to MMF or the hipBLAS GEMM): both keep the device class's share.
WMMA_MMQ_KEYS = frozenset({RDNA35_KEY})
