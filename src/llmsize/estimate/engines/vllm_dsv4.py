"""DeepSeek V4's cache as vLLM lays it out: one packed block pool shared by five kinds of pages.

vLLM serves DeepSeek V4 (DeepseekV4ForCausalLM) with its own cache specs per layer; the hybrid
allocator cannot give them one page size, so it packs them into "layer tuples" (vLLM 0.2x,
vllm-project/vllm `vllm/v1/core/kv_cache_utils.py` `group_and_unify_kv_cache_specs`,
`_get_kv_cache_groups_uniform_groups`, `_approximate_gcd`, `_get_kv_cache_config_deepseek_v4`).
Per decoder layer (`vllm/model_executor/layers/deepseek_v4_attention.py`):
- every layer: the sliding window of the shared key/value (`DeepseekV4SWACache`,
  `vllm/v1/attention/backends/mla/sparse_swa.py`: blocks of 64 tokens, window = sliding_window);
- compressed layers (ratio 4 = CSA, 128 = HCA): the pooled entries (`DeepseekV4MLAAttention.
  get_kv_cache_spec`: `MLAAttentionSpec(compress_ratio=ratio, alignment=576)`, block_size //
  ratio entries of 584 bytes per block: 448 fp8 NoPE + 64 bf16 RoPE values + 7 scale bytes + 1 pad,
  the `head_bytes` of `DeepseekV4MultiHeadLatentAttentionWrapper`), and the compressor's running
  state (`vllm/model_executor/layers/deepseek_compressor.py` `CompressorStateCache`: fp32, kv +
  score of coff = 1 + (ratio == 4) overlapping series of head_dim, a window of coff x ratio tokens
  in blocks of 4 (CSA) or 8 (HCA) tokens);
- CSA layers also: the lightning indexer's keys (`DeepseekV4IndexerCache`: index_head_dim fp8
  values + one fp32 scale per 128, pooled like the layer's entries) and the indexer compressor's
  own state (the same CompressorStateCache at index_head_dim).
Every page is rounded up to 576 bytes (`kv_cache_interface.py` `_apply_alignment_padding`). The
pooled specs form one full-attention group; the window-like specs (sliding window and compressor
states) are bucketed by block size, each page padded to the nearest larger pooled page size, and
split into groups of about as many layers as the pooled group has "tuples" (the chunk size that
pads the bucket counts least, `_approximate_gcd`). All groups draw block ids from one pool whose
block costs (sum of the pooled page sizes) x (largest per-page-size layer count of any group):
num_blocks = available // that stride. Checked: DeepSeek-V4-Flash at TP 2, max_model_len 30,000,
16,384 batched tokens: "6.66 GiB KV cache is needed ... estimated maximum model length is 13528"
at 5.44 GiB available (vllm-project/vllm#44376, vLLM 0.22).
Later mains pack the groups at their dense widths instead (`_get_packed_kv_cache_layout`: the block
stride is the widest group's sum of pages, 1,002,240 B for Flash, about 5% more blocks); no published
log of those releases with its settings was found to check against, so 0.22's rule is the one modelled.
Not modelled: the MTP layer's window cache (only with speculative decoding), the FP4 indexer cache
(`use_fp4_indexer_cache` keeps the FP8 allocation), prefix-caching retention.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from llmsize.errors import BadInputError
from llmsize.specs.models import ModelSpec

# The releases this layout is read from (the 0.19 the rest of vllm.py models has no DeepSeek V4).
VLLM_RELEASES = "0.22"
# REFERENCE: vllm/model_executor/layers/deepseek_v4_attention.py: "FlashMLA requires 576B alignment"
ALIGNMENT = 576
# REFERENCE: the DEEPSEEK_SPARSE_SWA backend's preferred block size; vLLM logs "Setting kv cache block
# size to 256 for DEEPSEEK_SPARSE_SWA backend." (vllm-project/vllm#51041, vLLM 0.26.0)
DEFAULT_BLOCK_TOKENS = 256
SWA_BLOCK_TOKENS = 64  # REFERENCE: sparse_swa.py DeepseekV4SWACache: self.block_size = 64
# REFERENCE: deepseek_compressor.py CompressorStateCache: block_size 4 for ratio 4, 8 for ratio 128
STATE_BLOCK_TOKENS = {4: 4, 128: 8}
RATIOS = (4, 128)  # REFERENCE: CompressorStateCache: assert compress_ratio in [4, 128]
INDEXER_SCALE_BLOCK = 128  # REFERENCE: DeepseekV4Indexer.quant_block_size = 128 (one fp32 scale each)
FP32 = 4
_KIND_RATIO = {"compressed_sparse_attention": 4, "heavily_compressed_attention": 128}


@dataclass(frozen=True)
class Group:
    """One KV cache group of the pool: its block size in tokens and, for window-like groups, the
    tokens it must keep (None: the whole context, one block per `block_tokens`)."""

    block_tokens: int
    window: int | None

    def blocks(self, context: int, batched_tokens: int) -> int:
        """Blocks one request of `context` tokens needs (FullAttentionSpec / SlidingWindowSpec
        `max_memory_usage_bytes` over the page: the window keeps window - 1 + the batched tokens of
        a chunked-prefill step, plus one block for an unaligned start)."""
        if self.window is None:
            return -(-context // self.block_tokens)
        held = min(self.window - 1 + batched_tokens, context)
        return -(-held // self.block_tokens) + 1


@dataclass(frozen=True)
class Layout:
    """The packed pool: the bytes one block id costs and the groups that draw from it."""

    stride_bytes: int
    groups: tuple[Group, ...]
    tuples: int  # largest per-page-size layer count of any group (the stride's multiplier)
    page_sizes: tuple[int, ...]  # the pooled (full) group's distinct page sizes

    def blocks_per_request(self, context: int, batched_tokens: int) -> int:
        return sum(g.blocks(context, batched_tokens) for g in self.groups)


def align(nbytes: int) -> int:
    return -(-nbytes // ALIGNMENT) * ALIGNMENT


def entry_bytes(spec: ModelSpec) -> int:
    """One pooled / window entry in fp8_ds_mla: fp8 NoPE, bf16 RoPE, a scale byte per 64 NoPE values
    and one pad byte (584 for head_dim 512 with 64 rotary channels)."""
    nope = spec.head_dim - spec.qk_rope_head_dim
    return nope + 2 * spec.qk_rope_head_dim + nope // 64 + 1


def indexer_entry_bytes(spec: ModelSpec) -> int:
    hd = spec.indexer.head_dim if spec.indexer is not None else 0
    return hd + hd // INDEXER_SCALE_BLOCK * FP32


def state_page_bytes(ratio: int, head_dim: int) -> int:
    """One block of compressor state: kv + score, coff series of head_dim fp32 values per token."""
    coff = 1 + (ratio == 4)
    return align(STATE_BLOCK_TOKENS[ratio] * 2 * coff * head_dim * FP32)


def check(spec: ModelSpec, block_tokens: int) -> None:
    """What vLLM's DeepSeek V4 path asserts, as one line (exit 2)."""
    c = spec.compressed
    if c is None:
        return
    if (c.csa_rate, c.hca_rate) != RATIOS:
        raise BadInputError(
            f"vLLM runs DeepSeek V4 with compression ratios 4 and 128 only (this config: "
            f"{c.csa_rate} / {c.hca_rate}; CompressorStateCache asserts it)",
            hint="use --engine transformers for other ratios",
        )
    if block_tokens % max(RATIOS) or block_tokens < DEFAULT_BLOCK_TOKENS:
        raise BadInputError(
            f"--block-size {block_tokens} does not fit vLLM's DeepSeek V4 layout (its 64-token "
            "sliding-window page must fit the largest pooled page)",
            hint=f"leave --block-size out (the backend uses {DEFAULT_BLOCK_TOKENS})",
        )


def approximate_gcd(values: list[int], lower_bound: int) -> int:
    """The chunk size d >= lower_bound that pads sum(ceil(x / d) x d - x) least, ties to the larger
    (kv_cache_utils.py `_approximate_gcd`)."""
    best_d, best_pad = lower_bound, None
    for d in range(max(lower_bound, 1), max(values) + 1):
        padding = sum(-(-x // d) * d - x for x in values)
        if best_pad is None or padding < best_pad or (padding == best_pad and d > best_d):
            best_d, best_pad = d, padding
    return best_d


def layout(spec: ModelSpec, layers: tuple[int, ...] | range, block_tokens: int) -> Layout:
    """The groups and the block stride of the layers on one GPU (each rank holds every layer's cache:
    one shared key/value head is replicated by tensor parallelism)."""
    check(spec, block_tokens)
    entry, index_entry = entry_bytes(spec), indexer_entry_bytes(spec)
    index_hd = spec.indexer.head_dim if spec.indexer is not None else 0
    pooled: list[int] = []  # page sizes of the full-attention (pooled) specs
    windowed: dict[tuple[int, int], list[int]] = {}  # (block tokens, window) -> page sizes
    window = spec.sliding_window or 0
    for layer in layers:
        kind = spec.layer_type(layer)
        windowed.setdefault((SWA_BLOCK_TOKENS, window), []).append(align(SWA_BLOCK_TOKENS * entry))
        ratio = _KIND_RATIO.get(kind)
        if ratio is None:
            continue  # a sliding-window-only layer (compress ratio 0): its window cache alone
        pooled.append(align(block_tokens // ratio * entry))
        state_key = (STATE_BLOCK_TOKENS[ratio], (1 + (ratio == 4)) * ratio)
        windowed.setdefault(state_key, []).append(state_page_bytes(ratio, spec.head_dim))
        if ratio == 4 and index_hd:
            pooled.append(align(block_tokens // ratio * index_entry))
            windowed[state_key].append(state_page_bytes(ratio, index_hd))
    sizes = sorted(set(pooled)) or sorted({p for pages in windowed.values() for p in pages})
    full_tuples = max(Counter(pooled).values(), default=0)
    # each window page is padded to the nearest larger pooled page size, then counted per size
    buckets = []
    for (block, win), pages in windowed.items():
        counts = Counter(_padded(p, sizes) for p in pages)
        buckets.append((block, win, max(counts.values())))
    d = approximate_gcd([full_tuples, *(n for _, _, n in buckets)], lower_bound=max(full_tuples, 1))
    groups = [Group(block_tokens, None)] if pooled else []
    tuples = full_tuples
    for block, win, n in buckets:
        parts = -(-n // d)
        groups += [Group(block, win)] * parts
        tuples = max(tuples, -(-n // parts))  # layer_tuples[i::parts]: the first part is the longest
    return Layout(sum(sizes) * tuples, tuple(groups), tuples, tuple(sizes))


def _padded(page: int, sizes: list[int]) -> int:
    """A window page padded to the nearest larger pooled page (vLLM asserts one exists)."""
    larger = [s for s in sizes if s >= page]
    if not larger:
        raise BadInputError(
            "vLLM cannot pack these DeepSeek V4 layers: a window page is larger than every pooled page "
            "(kv_cache_utils._get_kv_cache_groups_uniform_groups asserts it)",
            hint="keep CSA layers on every pipeline stage, or use --engine transformers",
        )
    return min(larger)


def prefill_workspace_bytes(spec: ModelSpec, context: int, batched_tokens: int) -> int:
    """The bf16 gather workspace the dummy run reserves for chunked prefill (deepseek_v4_attention.py
    `attention_impl`: PREFILL_CHUNK_SIZE 4 requests x (cdiv(max_model_len, smallest ratio) + window
    + max_num_batched_tokens) x head_dim); it stays in vLLM's workspace manager."""
    if spec.compressed is None:
        return 0
    n = math.ceil(context / min(RATIOS))
    return 4 * (n + (spec.sliding_window or 0) + batched_tokens) * spec.head_dim * 2
