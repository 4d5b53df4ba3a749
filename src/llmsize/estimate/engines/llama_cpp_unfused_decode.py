"""llama.cpp decode without flash attention on 2024 builds: every query head reads its KV head again.

With flash attention off (llama-bench's `-fa 0`, the default of every 2024 build; Ollama before v0.12.4)
llama.cpp's graph builds a decode token's attention from separate ops (llm_build_kqv in llama.cpp of
May 2024, src/llama-graph.cpp build_attn_mha today): `kq = ggml_mul_mat(k, q)`, `ggml_soft_max_ext`, and
`kqv = ggml_mul_mat(v, kq)` with V stored transposed in the cache. How those mat-muls read the cache is
the backend's choice:

- CUDA, builds of May 2024 (REFERENCE: ggml-cuda.cu `ggml_cuda_mul_mat`): on a GPU with fast FP16
  (every Volta or newer card) the one-token KQ and KQV do not take `mul_mat_vec_p021` / `mul_mat_vec_nc`
  (those branches are guarded by `any_gpus_with_slow_fp16`) but `ggml_cuda_mul_mat_batched_cublas`
  ("KQ + KQV multi-batch without FlashAttention", src1->ne[2] = n_head > 1). With grouped-query attention
  (r2 = n_head / n_head_kv > 1) it builds one pointer per *query* head (`k_compute_batched_ptrs`: the
  src0 pointer of batch i12 is head i12 / r2) and runs `cublasGemmBatchedEx`, one GEMM per query head,
  each streaming its KV head: n_rep reads of the cache. The GEMM runs at FP16 in and out
  (GGML_PREC_DEFAULT): src1 is converted to FP16 first and the F16 result back to F32 (`to_fp32_cuda`).
  ggml-org/llama.cpp PR #10318 (2024-11, "CUDA: remove DMMV, consolidate F16 mult mat vec") replaced the
  FP16 batch-1 paths with one mat-vec kernel (its table: RX 6800 llama 8B Q4_0 without FA, tg8192 14.16
  -> 35.14 t/s), so the rule stops there. It is keyed to the speed profile of the builds before PR #8075
  (llama_cpp_speed.CUBLAS_PREFILL_SPEED, before about b3216), the era whose source was read; builds from
  b3216 to PR #10318 share a profile with later ones and keep the one-read pricing (not verified).
  The copy Ollama v0.11.5-v0.12.3 vendored (e54d41be, Aug 2025) was read too: its mmf.cu / mmvf.cu
  kernels and batched cuBLAS also read KV head channel_dst / channel_ratio per query head, so Ollama's
  profiles of those releases take this rule (estimate/engines/ollama_vendored.py).
- Metal, builds of the same era (REFERENCE: ggml-metal.m / ggml-metal.metal, `kernel_mul_mv_f16_f32`
  and its `_l4` / `_1row` variants): the grid's z axis walks the query heads (im = i12 + i13 ne12) and
  each threadgroup reads row r0 of src0 head i12 / r2: again one read of a KV head per query head.

Traffic per cached token and attention layer: n_head x (K + V of one head) for the mat-muls, plus the
scores of the n_head query heads through memory: the F16 KQ result (2 bytes written), its conversion to
F32 (2 read + 4 written), soft_max_ext (4 + 4), the conversion of the probabilities to F16 for the KQV
GEMM (4 + 2) and that GEMM's read (2): 24 bytes a score. Priced at the device's element-wise 16-bit
bandwidth share, like the prefill scores (llama_cpp_scores.py): no constant of its own.

Checked against a timing of the op group itself, not against the rows it is used on: test-backend-ops
`-o ATTN` (mul_mat + soft_max_ext + mul_mat, head size 128, 32 heads without GQA, one query) on a V100 in
ggml-org/llama.cpp PR #6165 (2024-03-20): 45.56 us/run at n_kv 512 and 62.33 us/run at n_kv 1024, i.e.
16.77 us per 512 more keys, 32.8 ns a key for 32 x 256 B of K and V plus 32 scores (tests/golden).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmsize.estimate.workload import Workload
    from llmsize.specs.models import ModelSpec

# REFERENCE: the ops after the batched cuBLAS KQ GEMM, per score element: F16 result written (2),
# to_fp32 read + write (2 + 4), soft_max_ext read + write (4 + 4), the F32 -> F16 conversion of src1 in
# ggml_cuda_mul_mat_batched_cublas read + write (4 + 2), the KQV GEMM's read of it (2).
DECODE_SCORE_BYTES = 24
# REFERENCE: ggml-org/llama.cpp PR #10318, merged 2024-11-17 (about b4120): the batch-1 FP16 mat-muls,
# KQ/KQV without FA included, run one mat-vec kernel; builds before it ran the paths above.
MMV_CONSOLIDATED_PR = 10318


def query_head_read_factor(num_heads: int, num_kv_heads: int, kv_bytes_per_head_token: float) -> float:
    """Bytes one decode step's unfused attention moves per byte of cache read once.

    `kv_bytes_per_head_token`: K and V of one KV head for one cached token (2 x head_dim x element size).
    Each query head reads its KV head (n_rep = num_heads / num_kv_heads reads) and moves its scores
    (DECODE_SCORE_BYTES each) through memory.
    """
    if num_heads <= 0 or num_kv_heads <= 0 or kv_bytes_per_head_token <= 0:
        return 1.0
    n_rep = num_heads / num_kv_heads
    return n_rep * (1.0 + DECODE_SCORE_BYTES / kv_bytes_per_head_token)


# Cache element bytes of the 16/32-bit caches the FP16 mat-mul paths read (a quantized K cache takes the
# quantized mat-vec kernels instead: not modelled here).
_CACHE_ELEMENT_BYTES = {"fp16": 2, "bf16": 2, "fp32": 4}


def unfused_decode_factor(spec: ModelSpec, wl: Workload) -> float:
    """query_head_read_factor for `spec`'s standard attention and `wl`'s cache type (0: not this path)."""
    if spec.kv_lora_rank or not spec.num_kv_heads:
        return 0.0  # MLA decodes through its own graph (not the per-head K/V mat-vecs)
    elem = _CACHE_ELEMENT_BYTES.get(str(wl.kv_dtype) if wl.kv_dtype is not None else "fp16")
    if elem is None:
        return 0.0
    per_head = (spec.head_dim + (spec.v_head_dim or spec.head_dim)) * elem
    return query_head_read_factor(spec.num_attention_heads, spec.num_kv_heads, per_head)
