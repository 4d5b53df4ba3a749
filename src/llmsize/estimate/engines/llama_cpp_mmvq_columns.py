"""ggml-cuda's quantized mat-vec (MMVQ) at 2-8 columns: every column repeats the whole dot product.

A llama.cpp CUDA decode step of B sequences (llama-server -np B, llama-batched-bench) multiplies each
quantized weight matrix by B activation columns. Up to MMVQ_MAX_BATCH_SIZE (8) columns ggml_cuda_mul_mat
runs the mat-vec kernel (ggml/src/ggml-cuda/ggml-cuda.cu ggml_cuda_should_use_mmvq; mmvq.cuh
MMVQ_MAX_BATCH_SIZE), above it MMQ tiles. REFERENCE: ggml/src/ggml-cuda/mmvq.cu mul_mat_vec_q, the inner
loop `for (j < ncols_dst) for (i < rows_per_cuda_block) tmp[j][i] += vec_dot_q_cuda(vx, &y[j*stride_col_y
+ kby], ...)`: the vec-dot function is called once per (column, row) pair, and each call loads its
weight ints, decodes the block's scales and runs the dp4a chain again; only the weight bytes come from
cache the second time. A MoE's expert mat-vecs of several tokens take the same kernel's multi-token id
path (mul_mat_vec_q<..., is_multi_token_id>: blockIdx.z = token, each token's own experts as one column),
so the column work is B x the active weights a token multiplies, whatever the experts overlap.

So the weight read of a step stays one read, but its instruction count grows B-fold. Counted from
vecdotq.cuh vec_dot_q4_K_q8_1 + vec_dot_q4_K_q8_1_impl_vmmq (Q4_K, VDR_Q4_K_Q8_1_MMVQ = 2: 16 weights a
call), per call: index and address arithmetic ~8; weight loads (2 ints, 2-3 scale u16, dm) ~5.5; scale
and min decode (masks / shifts of the 6-bit scales, 4 byte extracts) ~9; the column's q8_1 loads (4 ints,
2 ds with their half->float conversions, addresses) ~12; the dot itself (nibble masks 6, dp4a 8, integer
scale products 4, int->float 4, FMA 4, dm conversion and the final two products 4) ~30; the accumulation
into tmp 1. About 64 instructions, 4 per weight and column. Q8_0 (vec_dot_q8_0_q8_1, 8 weights a call:
2 weight ints and d, 2 activation ints and ds with its conversion, 2 dp4a, int->float, 2 products, the
accumulation, ~4 index) ~18, 2.25 per weight and column. Each instruction is one issue slot of a warp
scheduler (4 per SM, one warp instruction a clock), 128 lanes a clock per SM, which is the FP32 lane count
of the GA10x / AD10x / GB20x SMs that the catalog's fp32 figure counts as 2 FLOPs each: the issue rate is
taken as fp32 FLOP/s / 2 (it undercounts SMs with 64 FP32 lanes, GA100 / GH100, by half).

These are counts read from the source, not SASS, and no constant is fitted. Priced as a roofline: the
mat-vec takes the larger of its weight read and its B columns' arithmetic (hardware/decode_time.py), so
a bandwidth-poor device hides it (a DGX Spark: 7.6e9 Q8_0 weights x 8 columns x 2.25 / 15.5e12 = 8.8 ms
under a 28 ms read; its llama-batched-bench rows do not move) and a GDDR card does not (an RTX 3090:
27e9 K-quant weights x 8 x 4 / 17.8e12 = 49 ms against a 22 ms read). Not priced: the published 3090
sweeps grow from the second column on with no flat stretch where the arithmetic would hide under the
read (ggml-org/llama.cpp PR #5351, RTX 3090, pp512 at -ub 1/2/4/8, llama 7B Q2_K_M 102.80 / 177.01 /
248.26 / 297.62 t/s, i.e. 9.7 / 11.3 / 16.1 / 26.9 ms a ubatch; the insiderllm -np 4 / 8 steps 40 / 69
ms against 24 at -np 1), so on those cards the two overlap less than the roofline says; adding the
columns beyond the first after the read instead fits the 3090 but makes the DGX Spark rows 10-26% slow,
and nothing in the source says how much overlaps. Upstream says the same of the kernel: 2026 builds of
mmvq.cu ggml_cuda_should_use_mmvq carry per-architecture tables ('k-quants cost more to decode and mvq
redoes that per column, so MMQ wins sooner'; RTX 4090: Q4_K / Q5_K to 7 columns, RTX 5090: to 5), with
none for Ampere, so a 3090 keeps the mat-vec to 8. Beyond 8 columns MMQ runs: its whole tiles are priced in
llama_cpp_mmq_decode.py.
"""

from __future__ import annotations

# REFERENCE: ggml/src/ggml-cuda/mmvq.cuh `#define MMVQ_MAX_BATCH_SIZE 8`; ggml-cuda.cu
# ggml_cuda_should_use_mmvq (src1->ne[1] <= MMVQ_MAX_BATCH_SIZE) and, for MUL_MAT_ID,
# MMVQ_MMID_MAX_BATCH_SIZE: the token counts the mat-vec kernel takes.
MMVQ_MAX_BATCH_SIZE = 8
# REFERENCE: the module docstring's tally of vecdotq.cuh vec_dot_q4_K_q8_1 (64 instructions a call of 16
# weights) and vec_dot_q8_0_q8_1 (18 a call of 8): lane instructions per weight and column.
OPS_PER_WEIGHT_COLUMN_KQUANT = 64 / 16
OPS_PER_WEIGHT_COLUMN_Q8_0 = 18 / 8
# Bytes per weight from which a GGUF is read as Q8_0 (8.5 bits; the 4-6 bit K-quant mixes sit far below).
Q8_0_MIN_BYTES_PER_WEIGHT = 1.0
# REFERENCE: one warp instruction per scheduler per clock, 4 schedulers x 32 lanes per SM = the 128 FP32
# lanes of a GA10x SM, whose FP32 FLOP/s count an FMA as 2 (NVIDIA GA102 whitepaper, SM diagram).
ISSUE_LANES_PER_FP32_FLOP = 0.5


def ops_per_weight_column(bytes_per_weight: float) -> float:
    """Lane instructions one weight costs per column in mmvq.cu: Q8_0's count for an 8-bit GGUF, else the
    K-quant count (Q4_K; Q5_K / Q6_K / IQ4_XS decode likewise per call)."""
    return OPS_PER_WEIGHT_COLUMN_Q8_0 if bytes_per_weight >= Q8_0_MIN_BYTES_PER_WEIGHT \
        else OPS_PER_WEIGHT_COLUMN_KQUANT


def column_seconds_per_param(fp32_flops: float, bytes_per_weight: float) -> float:
    """Seconds one weight's dot product takes in one more column of the mat-vec kernel on a GPU of
    `fp32_flops` (0 when the rate is unknown)."""
    if fp32_flops <= 0:
        return 0.0
    return ops_per_weight_column(bytes_per_weight) / (fp32_flops * ISSUE_LANES_PER_FP32_FLOP)


def column_seconds(batch: int, params_per_token: float, seconds_per_param: float) -> float:
    """Seconds the mat-vec kernel's arithmetic takes for a decode step of `batch` sequences: batch x the
    weights a token multiplies, at 2-8 columns (1: the calibrated one-sequence step; MMQ above: not
    priced here)."""
    if batch <= 1 or batch > MMVQ_MAX_BATCH_SIZE or seconds_per_param <= 0:
        return 0.0
    return batch * params_per_token * seconds_per_param
