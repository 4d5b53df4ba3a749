"""llama.cpp SYCL with BF16 weights: every mat-mul converts its weights to FP32 and runs an FP32 GEMM.

The path, from ggml-org/llama.cpp's own words:
- ggml-sycl.cpp `ggml_sycl_mul_mat` sends a mat-mul to the quantized mat-vec kernels (MMVQ), the
  dequantize-mat-vec ones (DMMV, `ggml_sycl_supports_dmmv`) or else `ggml_sycl_op_mul_mat_sycl`. BF16 had
  neither mat-vec kernel, so one token's mat-vec fell through too: PR #21580 ("SYCL: add BF16 to DMMV
  kernel path", opened 2026-04-07, merged 2026-05-22) says BF16 "falls through to the generic
  ggml_sycl_op_mul_mat_sycl GEMM path, which dequantizes to FP32 and runs a full matrix multiply".
- In `ggml_sycl_op_mul_mat_sycl` the FP16 branch takes F16 or quantized weights only; PR #22119 ("sycl:
  Improve mul_mat_id memory efficiency and add BF16 fast path", 2026-04-22) says of BF16: "the existing f16
  path is skipped because bf16 isn't covered, and the f32 fallback dequantizes the entire src0 slab to f32
  in a single pool alloc (row_diff*ne00 floats)", then runs the FP32 GEMM (oneMKL's SGEMM in a build without
  oneDNN: the vector engines, not the XMX units). Its fix, a bf16 oneDNN matmul, is taken only "when DNNL
  and GGML_SYCL_HAS_BF16 are both available".
So each BF16 mat-mul reads its weights (2 bytes), writes them as FP32 (4), and the GEMM reads those (4).
A decode step moves 5x the BF16 bytes (DECODE_TRAFFIC); a prompt ubatch pays the conversion pass (read 2,
write 4: 3x the bytes, CONVERSION_TRAFFIC; the GEMM's FP32 read runs under its math) and an FP32 GEMM.

Which builds: before PR #21580 for decode, and for prompts every build without oneDNN or before #22119.
kyuz0's Arc Pro B70 SYCL toolbox (intel-b70-ai-toolboxes toolboxes/Dockerfile.sycl, the b9039 runs) installs
the DPC++ compiler and oneMKL but no oneDNN package (the two stored versions, commits e18919b2 and 1f6df15a,
alike), so its build has no DNNL path; its BF16 decodes, 15-16% of the B70's bandwidth (5.42 t/s for
Qwen3.5-9B's 16.68 GiB), read as PR #21580's 'before' column does (~14%). The profile that carries this
(llama.cpp-sycl-mmid-scan, builds before b9291: #21580's merge of 2026-05-22 falls within a few builds of
it, b9039 being 2026-05-06 at ~16 builds a day) prices that build; a build with oneDNN between #22119 and
#21580 runs BF16 through oneDNN's bf16 matmul instead, which no input here tells apart.

REFERENCE (the FP32 GEMM's share, and the checks): PR #21580's own table, "Qwen2.5-1.5B, Intel Arc Pro B70
(Xe2), single GPU", BF16 2.88 GiB: tg128 29.7 -> 123.9 t/s, pp512 2,580 -> 4,887 t/s. The PR adds BF16 to
DMMV, which `ggml_sycl_mul_mat` takes only for one column (src1->ne[1] == 1): the pp512 ubatch's mat-muls
(512 columns) run the FP32 fallback in both columns, only its head (one logit row) moves to DMMV. So the
"after" pp512 is the fallback's prompt path, and the "before" one carries ~93 ms that the PR's code does
not account for (the head's conversion and FP32 mat-vec, 2.3 GB at the 16-bit share, is ~4.5 ms of it);
the share is read off the "after" column. Its 1.31 B block weights (1.54 B less the tied 151,936 x 1,536
table, multiplied once as the head) convert at the speed model's 16-bit GDDR share (6 bytes each: 15.2
ms), the head streams once for DMMV (0.9 ms), and their 1.365 TFLOP with attention took the remaining
88.7 ms of the 104.8: 15.4 TFLOP/s, SGEMM_SHARE (0.67) of the B70's 22.94 TFLOPS FP32.
Decode is checked on the "before" tg128 (the whole model through the fallback): 1.54 B weights x 10
bytes = 15.4 GB a token, 29.8 ms at the 16-bit share against 33.7 ms published
(tests/golden/test_speed_sycl_bf16.py, with kyuz0's b9039 SYCL runs of Qwen3.5-9B and Ministral-3-14B
BF16, which are not table rows: tg128 5.42 / 3.37, pp512 910.98 / 568.07 t/s).
"""

from __future__ import annotations

BF16_BYTES = 2.0
FP32_BYTES = 4.0
# A decode mat-vec reads BF16, writes FP32, the GEMM reads FP32: bytes moved over the BF16 bytes.
DECODE_TRAFFIC = (BF16_BYTES + FP32_BYTES + FP32_BYTES) / BF16_BYTES
# A prompt ubatch's conversion pass: read BF16, write FP32 (the GEMM's read overlaps its math).
CONVERSION_TRAFFIC = (BF16_BYTES + FP32_BYTES) / BF16_BYTES
# The speed report's line for such a run.
NOTE = ("llama.cpp SYCL build before PR #21580, priced without oneDNN: BF16 weights have neither a mat-vec "
        "kernel nor the FP16 GEMM branch, so every mat-mul converts them to FP32 and runs an FP32 GEMM (5x "
        "the bytes a decode step; prompts at the FP32 rate); a build with oneDNN from PR #22119 on runs BF16 "
        "through oneDNN's bf16 matmul instead")
# The dtype whose peak prices the GEMM (GpuSpec.flops_for): oneMKL SGEMM on the vector engines.
GEMM_DTYPE = "fp32"

# REFERENCE: PR #21580's B70 Qwen2.5-1.5B BF16 pp512 after the PR (module docstring).
B70_FP32_FLOPS = 22.94e12  # gpu_specs/intel.yaml Arc-Pro-B70 fp32
B70_BANDWIDTH = 608e9
GDDR_16BIT_SHARE = 0.85  # hardware/speed_profiles.KERNEL_BANDWIDTH[("16bit", "gddr")]
QWEN25_1_5B_PARAMS = 1_543_714_304  # Qwen/Qwen2.5-1.5B safetensors total (tied embeddings)
QWEN25_1_5B_TABLE = 151_936 * 1_536
QWEN25_1_5B_ATTENTION_FLOP = 4 * 256.5 * 12 * 128 * 28  # 12 heads of 128, 28 layers, 256.5 keys at pp512
UBATCH = 512
PP512_TOKENS_PER_S = 4887.0


def _share() -> float:
    stream = B70_BANDWIDTH * GDDR_16BIT_SHARE
    blocks = QWEN25_1_5B_PARAMS - QWEN25_1_5B_TABLE
    conversion_s = blocks * (BF16_BYTES + FP32_BYTES) / stream
    head_s = QWEN25_1_5B_TABLE * BF16_BYTES / stream  # one logit row: DMMV after the PR
    flop = UBATCH * (2 * blocks + QWEN25_1_5B_ATTENTION_FLOP)
    gemm_s = UBATCH / PP512_TOKENS_PER_S - conversion_s - head_s
    return round(flop / gemm_s / B70_FP32_FLOPS, 3)


SGEMM_SHARE = _share()


def runs_fp32_gemm(profile_flag: bool, bf16_weights: bool) -> bool:
    """Whether a run's weight mat-muls take ggml-sycl's FP32 fallback (a profile of such builds, BF16
    weights)."""
    return profile_flag and bf16_weights
