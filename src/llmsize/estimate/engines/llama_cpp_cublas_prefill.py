"""llama.cpp CUDA builds before MMQ became the default: a quantized prompt mat-mul dequantizes its weights.

REFERENCE: ggml-cuda.cu of those builds (e.g. b2796-b2843, May 2024), `ggml_cuda_mul_mat`: on a GPU with
tensor cores (compute capability >= Volta) a quantized mat-mul of more than MMQ_MAX_BATCH_SIZE (32) columns
leaves MMQ (`use_mul_mat_q = false`, PR #3776: "use cuBLAS for large batch sizes when tensor cores are
available") for `ggml_cuda_op_mul_mat_cublas`, which first converts the whole weight matrix to FP16 in a pool
buffer (`to_fp16_cuda(src0_dd_i, src0_as_f16.get(), ne, stream)`: reads the quantized blocks, writes 2 bytes
per weight) and then runs cublasGemmEx on the FP16 copy. Every ubatch of a prompt repeats the conversion.
ggml-org/llama.cpp PR #8075 ("CUDA: use MMQ instead of cuBLAS by default", merged 2024-06-24) sent these
mat-muls to the int8 tensor-core MMQ kernels of PR #7676 / #8062 instead.

So on such a build a quantized prompt costs the 16-bit GEMM (the profile already prices GGUF prompt
mat-muls, F16 ones included, at one share of the int8 figure, twice the FP16-accumulate rate of every NVIDIA
card with int8 tensor cores) plus one streaming pass per ubatch over the quantized bytes read and 2 bytes
per weight written, priced at the device's element-wise 16-bit bandwidth share (no constant of its own).
A check, not a fit: on an RTX 4090, PR #4766's table (Jan 2024) has codellama-7B F16 pp512 at 11,048 t/s
and Q4_0 at 7,980 t/s; 512 / 11,048 s plus (3.56 + 2 x 6.74) GB at ~1 TB/s gives ~7,900 t/s for Q4_0.
"""

from __future__ import annotations

# ggml-cuda/common.cuh of those builds: "#define MMQ_MAX_BATCH_SIZE 32 // max batch size to use MMQ kernels
# when tensor cores are available".
MMQ_MAX_BATCH_SIZE = 32
# The first build with MMQ as the default (PR #8075, merged 2024-06-24, about b3216).
MMQ_DEFAULT_BUILD = 3216
# Bytes of the FP16 copy the conversion writes per weight.
FP16_BYTES = 2.0
# ggml's quantized types stay below this many bytes a weight (Q8_0: 1.06); F16 / BF16 / F32 weights go to
# cuBLAS as they are (src0->type == GGML_TYPE_F16 skips the conversion; F32 runs cublasSgemm).
QUANTIZED_MAX_BYTES = 1.5
# Vendors whose backend converts: ggml-cuda (NVIDIA) and ggml-sycl (Intel; llama_cpp_sycl.py).
CONVERTING_VENDORS = ("nvidia", "intel")

# The cuBLAS FP16 GEMM's share of the FP16 tensor peak on Ampere data-center (HBM) cards: the key
# speed_profiles.prefill_compute looks up first for such a card (vendor-architecture-class). The 'hbm'
# share (0.23) was set on Hopper rows; an A100 reaches more of its (lower) peak on the same cuBLAS path.
# REFERENCE, fitted on the fit rows only (bench/speed_tables.yaml table llama.cpp-a100-cublas-6017):
# ggerganov's single A100 80GB PCIe run in https://github.com/ggml-org/llama.cpp/pull/6017 (2024-03,
# LLAMA_CUBLAS, GGML_CUDA_FORCE_MMQ no), codellama-7B "F16 ... pp 512 | 8668.24" and
# "Q8_0 ... pp 512 | 6914.08" t/s. The same share puts both within 0.3% (the Q8_0 row with the FP16
# conversion pass above), so the conversion and the GEMM share agree on that card.
AMPERE_HBM_KEY = "nvidia-ampere-hbm"
# 0.406 before the head ran on the logit rows only (hardware/head_params.py; the PR #6017 run predates
# PR #6122, so its head ran on every token: llama_cpp_logits.py).
AMPERE_HBM_FP16_SHARE = 0.401
# The profile prices a quantized prompt's GEMM against the int8 figure (quantized_peak_dtype), which on
# A100 / A30 / A800 is twice the FP16 one (NVIDIA A100 datasheet: 624 / 312 TFLOPS dense): the same
# cuBLAS FP16 GEMM at that share of the int8 figure.
AMPERE_HBM_INT8_SHARE = AMPERE_HBM_FP16_SHARE / 2


def dequantizes_prompt(build: int | None) -> bool:
    """Whether a llama.cpp CUDA build converts quantized weights to FP16 for a prompt's mat-muls."""
    return build is not None and build < MMQ_DEFAULT_BUILD


def converted_share(params: float, gathered_params: float) -> float:
    """Share of the held weights a prompt mat-mul converts: all but the tables it only gathers rows of.

    REFERENCE: src/llama-arch.cpp LLM_TENSOR_INFOS lists LLM_TENSOR_TOKEN_EMBD and the per-layer tables of
    Gemma 3n / 4 (LLM_TENSOR_PER_LAYER_TOKEN_EMBD) as {LLM_TENSOR_LAYER_INPUT, GGML_OP_GET_ROWS}: their
    op is a row gather (get_rows), never a mat-mul, so ggml_cuda_op_mul_mat_cublas never converts them
    (and llama-model.cpp load_tensors keeps the input layer in host memory). A head multiplied on at most
    `above_tokens` logit rows stays on MMQ/MMVQ too; `gathered_params` counts what no ubatch converts.
    """
    if params <= 0:
        return 0.0
    return max(0.0, 1.0 - gathered_params / params)


def dequant_pass_seconds(vendor: str, bandwidth_bytes_per_s: float, above_tokens: int, weight_bytes: float,
                         params: float, chunk_sizes: list[int], bandwidth_share: float,
                         gathered_params: float = 0.0) -> float:
    """Seconds of the FP16 conversions a prompt's ubatches of `chunk_sizes` tokens run on a GPU of
    `vendor` with `bandwidth_bytes_per_s` of memory bandwidth.

    `weight_bytes` / `params`: the quantized weights one GPU holds and their count; `gathered_params` of
    them are tables no mat-mul of the ubatch multiplies (converted_share). A ubatch of at most
    `above_tokens` tokens stays on MMQ (no conversion); unquantized weights need none;
    `above_tokens` 0: the build has no such path. Only on NVIDIA devices (ggml-cuda's cuBLAS branch) and
    Intel ones (ggml-sycl's oneDNN branch, llama_cpp_sycl.py: the only Intel profile with a threshold).
    """
    unquantized = weight_bytes >= QUANTIZED_MAX_BYTES * params
    if not above_tokens or vendor not in CONVERTING_VENDORS or params <= 0 or unquantized:
        return 0.0
    passes = sum(1 for size in chunk_sizes if size > above_tokens)
    bandwidth = bandwidth_bytes_per_s * bandwidth_share
    share = converted_share(params, gathered_params)
    return passes * share * (weight_bytes + FP16_BYTES * params) / bandwidth

