"""llama.cpp CUDA with F32 weights: the prompt's mat-muls run cuBLAS SGEMM in TF32, not MMQ or an FP16 GEMM.

REFERENCE: ggml-org/llama.cpp ggml/src/ggml-cuda/ggml-cuda.cu `ggml_cuda_op_mul_mat_cublas`: its FP16
branch (`use_fp16`) needs F16 or quantized src0 (and a fast-FP16 device); an F32 weight takes the other
branch, `cublasSgemm` on F32 operands. `ggml_cuda_should_use_mmq` is false for F32 (not a quantized type),
so every prompt mat-mul of an all-F32 GGUF takes that SGEMM. The cuBLAS handle is created in
ggml/src/ggml-cuda/common.cuh `ggml_backend_cuda_context::cublas_handle` with
`cublasSetMathMode(..., CUBLAS_TF32_TENSOR_OP_MATH)` (upstream since the 2024-03-27 "sync : adapt to CUDA
changes"), which lets cuBLAS run that SGEMM on the tensor cores in TF32 where the GPU has them (Ampere and
later); older GPUs run it on the FP32 CUDA cores.

So an F32 prompt is priced at the GPU's TF32 tensor rate (GpuSpec.tf32_flops: the FP32 figure where the
GPU has no TF32) instead of the int8 figure that MMQ reaches. The share of that peak is the engine's
16-bit cuBLAS share (the GEMM is the same ggml_cuda_op_mul_mat_cublas call), held at most at the peak: a
GEMM cannot pass it, and on GeForce cards the 16-bit share exceeds 1 only because the FP16 figure is the
FP32-accumulate one while ggml's FP16 GEMM accumulates in FP16 (a 2x path TF32 lacks).

Checked on: ggml-org/llama.cpp PR #24216's table, 'RTX 4090 | llama 1B all F32 | 512 | pp512 | 31088.91 |
31255.26': with the tied 263M-parameter table gathered and multiplied as the head on the last token only
(hardware/head_params.py), 1.95 GFLOP a token x 31,255 t/s = 61 TFLOP/s, 74% of the RTX 4090's 82.6 TF32
TFLOPS (Ada whitepaper, equal to its FP32 figure); the share here (the 16-bit one, capped at 1) prices it
+29% (it was 2.47 GFLOP a token, 93%, when every parameter counted on every token); the int8 share priced
it at 188 TFLOP/s (+119%).
Metal, Vulkan and HIP keep their own paths (not read): the rule is for NVIDIA's CUDA backend only.
"""

from __future__ import annotations

# The dtype whose peak prices an F32 weight's prompt GEMM (GpuSpec.flops_for: TF32 or, without it, FP32).
F32_GEMM_DTYPE = "tf32"


def runs_sgemm(f32_weights: bool, vendor: str, vulkan: bool) -> bool:
    """Whether a prompt's weight GEMMs take ggml-cuda's cuBLAS SGEMM (F32 weights on an NVIDIA GPU, CUDA)."""
    return f32_weights and vendor == "nvidia" and not vulkan


def sgemm_share(cublas_16bit_share: float) -> float:
    """The SGEMM's share of its (TF32 or FP32) peak: the engine's 16-bit cuBLAS share, at most the peak."""
    return min(1.0, cublas_16bit_share)
