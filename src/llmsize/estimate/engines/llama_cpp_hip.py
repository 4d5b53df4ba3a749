"""llama.cpp's HIP backend on CDNA3 (MI300X, MI325X): the prompt mat-mul path and its measured rate.

REFERENCE: ggml/src/ggml-cuda/mmq.cu `ggml_cuda_should_use_mmq` sends every quantized mat-mul on CDNA3 to
MMQ (`amd_mfma_available(cc)` and `GGML_CUDA_CC_IS_CDNA3(cc)`: "rocblas/tensile performs very poorly on
CDNA3"); before PR #14624 (ggml-org/llama.cpp, "HIP: Enable Matrix cores for MMQ Kernels, Enable stream-K
for CDNA 3", merged 2025-07) CDNA left MMQ for dequantize + rocBLAS at 64+ tokens
(`!GGML_CUDA_CC_IS_CDNA(cc) || ne11 < MMQ_DP4A_MAX_BATCH_SIZE`). With the PR, MMQ multiplies int8 tiles with
MFMA (V_MFMA_I32_16X16X16I8) and splits them with stream-k.

Its rate is not CUDA's: on an MI300X the PR's test-backend-ops MUL_MAT q4_0, m=4096 n=512 k=14336 (a
Llama FFN at one 512-token ubatch) ran 223.52 TFLOPS with MFMA (82.51 before; the rocBLAS path 55.61),
8.5% of the card's 2,614.9 dense int8 TOPS, where the CUDA profile's HBM share (0.115, fitted on A100 and
H100 rows) would give 300. The share below is that kernel rate over the peak: measured, not fitted.
Figures: PR #14624's benchmark comment (rocBLAS path) and its summary table as quoted in
https://news.lavx.hu/article/amd-matrix-cores-supercharge-llama-cpp-mfma-and-stream-k-unlock-9-5k-tokens-sec-on-mi300x
"""

from __future__ import annotations

MFMA_MMQ_Q4_0_TFLOPS = 223.52  # PR #14624, MI300X, MUL_MAT q4_0 m=4096 n=512 k=14336
MI300X_INT8_TOPS = 2614.9  # AMD's MI300X datasheet, dense INT8
# Key of llama_cpp.SPEED.prefill_compute for CDNA3 (speed_profiles.prefill_compute: vendor-architecture).
CDNA3_KEY = "amd-cdna3"
CDNA3_MMQ_SHARE = MFMA_MMQ_Q4_0_TFLOPS / MI300X_INT8_TOPS
