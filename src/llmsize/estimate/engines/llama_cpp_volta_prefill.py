"""llama.cpp CUDA on Volta (compute capability 7.0): a quantized prompt dequantizes and runs cuBLAS FP16.

REFERENCE: ggml/src/ggml-cuda/mmq.cu ggml_cuda_should_use_mmq. MMQ is taken unconditionally only where
`turing_mma_available(cc)` (the int8 MMA of Turing and newer); for other NVIDIA GPUs it answers
`!fp16_mma_hardware_available(cc) || ne11 < MMQ_DP4A_MAX_BATCH_SIZE` (mmq.cuh: 64). Volta has FP16
tensor cores but no int8 MMA, so a quantized mat-mul of 64 or more columns leaves MMQ (ggml-cuda.cu
ggml_cuda_mul_mat: MMF takes only unquantized weights) for `ggml_cuda_op_mul_mat_cublas`, which converts
the weights to FP16 (`to_fp16_cuda`) and runs cublasGemmEx on the FP16 tensor cores: the path every
tensor-core card took before PR #8075 (estimate/engines/llama_cpp_cublas_prefill.py), which kept it for
Volta (its rule, `cc < CC_VOLTA || ne11 < MMQ_DP4A_MAX_BATCH_SIZE`, is the one above). A prompt's MoE
MUL_MAT_ID asks the same question with the ubatch's tokens (ggml_cuda_mul_mat_id), so its experts loop
through ggml_cuda_mul_mat too, each slice of 64 tokens or more on the same cuBLAS path.

So on Volta a prompt ubatch of 64 tokens or more costs what F16 weights cost (the profile's 16-bit
share of the FP16 tensor figure; V100 datasheet: 125 TFLOPS SXM2 / 112 TFLOPS PCIe, no int8 tensor
cores) plus the FP16 conversion pass of llama_cpp_cublas_prefill.dequant_pass_seconds. Nothing fitted.
"""

from __future__ import annotations

# The key speed_profiles.prefill_compute / class_value look up for a Volta card (vendor-architecture).
VOLTA_KEY = "nvidia-volta"
# mmq.cuh MMQ_DP4A_MAX_BATCH_SIZE: MMQ keeps ubatches of fewer columns; from 64 on they convert.
MMQ_DP4A_MAX_BATCH_SIZE = 64
# The profile's threshold is "more than this many tokens convert".
DEQUANT_ABOVE_TOKENS = MMQ_DP4A_MAX_BATCH_SIZE - 1
DEQUANT_ABOVE_BY_ARCH: dict[str, float] = {VOLTA_KEY: DEQUANT_ABOVE_TOKENS}


def quantized_share(share_16bit_by_class: dict[str, float]) -> dict[str, float]:
    """The prefill_compute entry for Volta: its quantized prompts at the cuBLAS FP16 share F16 weights get
    on an HBM card (every Volta card has HBM2)."""
    return {VOLTA_KEY: share_16bit_by_class["hbm"]}
