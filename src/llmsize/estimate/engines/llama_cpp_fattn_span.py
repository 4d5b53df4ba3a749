"""Query-key pairs llama.cpp's attention scores for a prompt: every cell of the cache view, masked,
not the causal triangle nor a sliding window's band.

Why: the speed model counts a prompt's attention as the pairs a causal kernel that skips masked tiles
scores (hardware/attention_flops.attention_pair_count: Σ_i min(i, window)), which is what vLLM's
FlashAttention (window_size) and SGLang's FlashInfer (window_left) run. llama.cpp builds each ubatch's
attention over the view of its cache (src/llama-kv-cache.cpp get_n_kv: the used cells padded to 256,
at most the cache's size) and masks what a query may not see (set_input_kq_mask); ggml-cuda's flash
attention then runs every K/V tile of that view (fattn-mma-f16.cuh / fattn-tile.cu loop over ne11).
The only skip is fattn-common.cuh launch_fattn's flash_attn_mask_to_KV_max pre-pass, which trims the
trailing all-masked 256-cell tiles of each query tile, and only when a ubatch has 1,024 queries or more
(`Q->ne[1] >= 1024`) or several sequences; it scans backwards, so the older cells a sliding window
masks at the front (and anywhere in its ring of reused cells) are always scored.

So a full-attention layer scores, per ubatch of u queries ending at cell e, u x GGML_PAD(e, 256) pairs
(the diagonal box, not the triangle) below 1,024-token ubatches; a sliding layer u x its SWA cache's
view, which holds window + n_ubatch cells padded to 256 (llama_cpp.tokens_held): for gpt-oss's
128-token window at -ub 512, 768 keys a query where a window-skipping kernel scores 128.
"""

from __future__ import annotations

from collections.abc import Callable

FATTN_KQ_STRIDE = 256  # REFERENCE: ggml-cuda/fattn-common.cuh FATTN_KQ_STRIDE
KV_MAX_MIN_QUERIES = 1024  # REFERENCE: fattn-common.cuh launch_fattn: KV_max when Q->ne[1] >= 1024


def _pad(n: int) -> int:
    return -(-n // FATTN_KQ_STRIDE) * FATTN_KQ_STRIDE


def _trimmed_rows(start: int, end: int, view: int) -> int:
    """Σ over query positions q in [start, end) of min(view, GGML_PAD(q + 1, 256)): each query tile
    scores up to the tile holding its own position (KV_max), whole 256-cell tiles."""
    total, q = 0, start
    while q < end:
        tile_end = min(end, _pad(q + 1))  # queries up to tile_end - 1 share GGML_PAD(q + 1, 256)
        total += (tile_end - q) * min(view, _pad(q + 1))
        q = tile_end
    return total


def prompt_pairs(tokens: int, ubatch: int, view: Callable[[int], int], full_attention: bool) -> int:
    """Pairs one sequence's prompt of `tokens` scores in one layer, ubatch by ubatch. `view(end)`:
    the cells the layer's cache view spans once the ubatch ending at position `end` is stored."""
    total, start = 0, 0
    ubatch = max(1, ubatch)
    while start < tokens:
        end = min(tokens, start + ubatch)
        cells = view(end)
        if full_attention and end - start >= KV_MAX_MIN_QUERIES:
            total += _trimmed_rows(start, end, cells)
        else:
            total += (end - start) * cells
        start = end
    return total
