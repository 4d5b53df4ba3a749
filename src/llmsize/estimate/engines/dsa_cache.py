"""DeepSeek Sparse Attention (DeepSeek-V3.2, GLM-5) as vLLM and SGLang page it: two caches per layer.

Both serving engines keep the lightning indexer's keys in a cache of their own, stored as bytes
(uint8) whatever --kv-cache-dtype says: index_head_dim fp8 values and one fp32 scale per 128 of them,
132 B per token and layer for index_head_dim 128.
- SGLang: `srt/mem_cache/memory_pool.py` NSATokenToKVPool (index_k_with_scale_buffer, uint8,
  quant_block_size 128: "page_size * head_dim + page_size * 4" bytes a page).
- vLLM: `model_executor/models/deepseek_v2.py` DeepseekV32IndexerCache (head_dim = index_head_dim +
  index_head_dim // quant_block_size * 4, dtype uint8), in the same uniform-type group as the latent.
The latent itself: the compute dtype's 576 values, or with an fp8 cache the FlashMLA sparse row of 656
bytes (512 fp8 values, 4 fp32 scales of 128, the 64 RoPE values kept in bf16): SGLang's NSA pool
(kv_cache_dim 656, `rope_storage_dtype = torch.bfloat16`), vLLM's `fp8_ds_mla` format, which V3.2
selects for any fp8 --kv-cache-dtype.
Check: SGLang on 8xB200 printed "KV Cache is allocated. #tokens: 975424, KV size: 43.67 GB"
(sgl-project/sglang#11309) = 975,424 x 61 layers x (656 + 132) B = 43.67 GiB; before that PR the
line left the indexer out: "#tokens: 1462784, KV size: 54.52 GB" = 1,462,784 x 61 x 656 B.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmsize.specs.models import ModelSpec

QUANT_BLOCK = 128  # values per fp32 scale, in the indexer keys and in the fp8 latent row
SCALE_BYTES = 4
ROPE_BYTES = 2  # the fp8 row keeps the RoPE part in bf16


def uses_dsa_pages(spec: ModelSpec) -> bool:
    """MLA with a lightning indexer on every layer (V3.2, GLM-5); V4's compressed layers page otherwise."""
    return spec.is_mla and spec.indexer is not None and spec.compressed is None


def indexer_key_bytes(spec: ModelSpec) -> int:
    """One token's indexer key in one layer: fp8 values and their fp32 scales, as bytes."""
    hd = spec.indexer.head_dim if spec.indexer is not None else 0
    return hd + -(-hd // QUANT_BLOCK) * SCALE_BYTES


def latent_bytes(spec: ModelSpec, element: Fraction) -> Fraction:
    """One token's MLA row in one layer: the 16-bit latent, or the fp8 row with scales and bf16 RoPE."""
    if element == 1:
        rank = spec.kv_lora_rank
        return Fraction(rank + -(-rank // QUANT_BLOCK) * SCALE_BYTES + spec.qk_rope_head_dim * ROPE_BYTES)
    return (spec.kv_lora_rank + spec.qk_rope_head_dim) * element


def layer_bytes(spec: ModelSpec, element: Fraction) -> Fraction:
    """Per token and layer on every rank (the latent is not split by tensor parallelism)."""
    return latent_bytes(spec, element) + indexer_key_bytes(spec)


def sparse_topk(spec: ModelSpec) -> int | None:
    """Tokens one query's sparse MLA attends where the engine runs DSA's sparse kernels (V3.2, GLM-5):
    the indexer's index_topk (2048), None for every other model."""
    return spec.indexer.topk if uses_dsa_pages(spec) and spec.indexer is not None else None


def decode_read_bytes(spec: ModelSpec, element: Fraction, tokens: int, topk: int) -> Fraction:
    """What one decode step reads of one layer's two caches for one sequence of `tokens` cached tokens.

    The lightning indexer scores every cached token, so it reads every fp8 index key; the sparse MLA
    kernel then gathers the latent rows of the `topk` tokens it picked, never the rest:
    - vLLM: `model_executor/models/deepseek_v2.py` sparse_attn_indexer (DeepGEMM
      fp8_paged_mqa_logits over the whole paged index cache, then the top-k of the logits) and
      `v1/attention/backends/mla/flashmla_sparse.py` (FlashMLA's sparse decode on the topk_indices);
    - SGLang: `srt/layers/attention/nsa/nsa_indexer.py` Indexer (the same fp8 paged MQA logits and
      top-k) and `srt/layers/attention/nsa_backend.py` NativeSparseAttnBackend (flash_mla_sparse_fwd /
      flashmla_kv on the page table of the picked tokens).
    """
    return indexer_key_bytes(spec) * tokens + latent_bytes(spec, element) * min(tokens, topk)


# The indexer's q.k products run on fp8 operands (DeepGEMM fp8_mqa_logits / fp8_paged_mqa_logits in
# both engines): twice the 16-bit tensor-core rate on the GPUs that run it (H100/H200 SXM datasheets:
# 1,979 dense FP8 TFLOPS against 989 BF16; B200 likewise 2x).
FP8_OVER_16BIT_RATE = 2


def indexer_flops_per_key(spec: ModelSpec) -> float:
    """FLOPs the lightning indexer spends on one (query, cached token) pair in one layer, in 16-bit
    mat-mul equivalents (the speed model prices attention at the 16-bit rate): a q.k dot product of
    index_head_dim for each of its index_n_heads heads, on fp8 operands (the per-head weights and ReLU
    are a few more, left out)."""
    if spec.indexer is None:
        return 0.0
    return 2.0 * spec.indexer.num_heads * spec.indexer.head_dim / FP8_OVER_16BIT_RATE


def prefill_pairs(tokens: int, topk: int) -> int:
    """(query, key) pairs one layer's sparse MLA scores over a causal prompt: query i attends
    min(i, topk) keys (the indexer's picks), so past topk the work grows linearly, not quadratically."""
    if tokens <= topk:
        return tokens * (tokens + 1) // 2
    return topk * (topk + 1) // 2 + (tokens - topk) * topk
