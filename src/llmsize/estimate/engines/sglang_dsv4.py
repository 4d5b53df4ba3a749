"""DeepSeek V4 as SGLang sizes its pools: one token budget split between five pools by fixed ratios.

SGLang (2026 releases with DeepseekV4ForCausalLM) gives the model its own `DeepSeekV4TokenToKVPool`
(`python/sglang/srt/mem_cache/deepseek_v4_memory_pool.py`) and sizes it from one number, the "full"
token count (`DSv4MemoryCalculator`, later `pool_configurator.py` `_compute_dsv4_sizes`):
  full_token = available_bytes / bytes_per_full_token, rounded down to the 256-token page;
  SWA pool = swa_full_tokens_ratio x full_token; C4 pool = full_token / 4; C128 pool = full_token / 128;
  compressor-state rings = SWA pages x ring rows (8 for ratio 4, 128 for ratio 128).
So every full token costs (`get_bytes_per_full_token`)
  swa_ratio x 584 B x layers                                  (SWA rows: fp8 NoPE + bf16 RoPE + scales)
  + 584 / 4 x CSA layers + 584 / 128 x HCA layers             (compressed rows)
  + 132 / 4 x CSA layers                                      (fp8 indexer keys + fp32 scale)
  + swa_ratio x (8 / window) x 2 x 2 x head_dim x 4 B x CSA layers     (CSA compressor state, fp32)
  + swa_ratio x (128 / window) x 2 x head_dim x 4 B x HCA layers       (HCA compressor state)
  + swa_ratio x (8 / window) x 2 x 2 x index_head_dim x 4 B x CSA layers (indexer compressor state)
with the model-specific defaults of `deepseek_v4_hook` / `arg_groups/overrides.py`: swa_full_tokens_ratio
0.1, page_size 256, an fp8 cache, max_running_requests 256. SGLang logs the figure as
"DSv4 memory calculation: bytes_per_full_token=..., full_token=...", and max_total_num_tokens is the full
token count. Not modelled: speculative decoding (its larger rings and the draft layer's share), the
online C128 compressor (SGLANG_OPT_USE_ONLINE_COMPRESS), HiSparse and the unified-KV ROCm pool.
"""

from __future__ import annotations

from fractions import Fraction

from llmsize.specs.models import ModelSpec

# The releases whose pool sizing this follows (SGLang 0.4.6, the rest of sglang.py, has no DeepSeek V4).
RELEASE = "SGLang's DSv4MemoryCalculator (2026)"
# REFERENCE: sglang arg_groups/overrides.py (DeepSeek V4 defaults): swa_full_tokens_ratio 0.1 when unset.
SWA_FULL_TOKENS_RATIO = Fraction(1, 10)
PAGE_TOKENS = 256  # REFERENCE: DeepSeek V4's paged SWA mode: "page_size must be 256"
MAX_RUNNING_REQUESTS = 256  # REFERENCE: the DeepSeek V4 defaults: max_running_requests 256 when unset
# REFERENCE: deepseek_v4_memory_pool.py get_compress_state_ring_size (non-speculative): 8 / 128 rows
RING_ROWS = {4: 8, 128: 128}
STATE_BYTES = 4  # fp32 compressor state (SGLANG_DSV4_COMPRESS_STATE_DTYPE unset)
_KIND_RATIO = {"compressed_sparse_attention": 4, "heavily_compressed_attention": 128}


def row_bytes(spec: ModelSpec) -> int:
    """One SWA / compressed row: fp8 NoPE, bf16 RoPE and 8 scale bytes (584 for V4's 448 + 64)."""
    nope = spec.head_dim - spec.qk_rope_head_dim
    return nope + 2 * spec.qk_rope_head_dim + 8


def bytes_per_full_token(spec: ModelSpec, layers: tuple[int, ...] | range) -> Fraction:
    """`DSv4MemoryCalculator.get_bytes_per_full_token` over the layers of this GPU's stage, exact."""
    ratios = [_KIND_RATIO.get(spec.layer_type(i), 0) for i in layers]
    n, n4, n128 = len(ratios), ratios.count(4), ratios.count(128)
    kv = row_bytes(spec)
    ihd = spec.indexer.head_dim if spec.indexer is not None else 0
    indexer = ihd + ihd // 128 * 4
    hd = spec.head_dim
    window = spec.sliding_window or 1
    swa = SWA_FULL_TOKENS_RATIO
    c4_state, c128_state, idx_state = (
        2 * 2 * hd * STATE_BYTES,
        2 * hd * STATE_BYTES,
        2 * 2 * ihd * STATE_BYTES,
    )
    c4_ring, c128_ring = Fraction(RING_ROWS[4], window), Fraction(RING_ROWS[128], window)
    return (
        swa * kv * n
        + Fraction(kv, 4) * n4
        + Fraction(kv, 128) * n128
        + Fraction(indexer, 4) * n4
        + swa * c4_ring * c4_state * n4
        + swa * c128_ring * c128_state * n128
        + swa * c4_ring * idx_state * n4
    )


def full_tokens(available_bytes: int, per_token: Fraction) -> int:
    """`calculate_pool_sizes`: int(available / bytes_per_full_token), rounded down to a 256-token page."""
    if available_bytes <= 0 or per_token <= 0:
        return 0
    return int(available_bytes / per_token) // PAGE_TOKENS * PAGE_TOKENS
