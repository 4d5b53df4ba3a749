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

So a sliding layer scores, per ubatch of u queries, u x its SWA cache's view, which holds window +
n_ubatch cells padded to 256 (llama_cpp.tokens_held): for gpt-oss's 128-token window at -ub 512, 768
keys a query where a window-skipping kernel scores 128. Vulkan's and Metal's flash-attention shaders
were not read; the rule is CUDA/HIP's. Full-attention layers likewise score the
ubatch's diagonal box rather than its triangle (u x GGML_PAD(end, 256) below 1,024-query ubatches);
that is not priced here: llama.cpp's prompt shares were fitted with the triangle count
(speed_profiles), and counting the box moves every prompt row by 1-4% (llama.cpp fit median 4.1% ->
4.9%, held-out 9.7% -> 9.9%), which needs those shares refitted first.
"""

from __future__ import annotations

from collections.abc import Callable


def prompt_pairs(tokens: int, ubatch: int, view: Callable[[int], int]) -> int:
    """Pairs one sequence's prompt of `tokens` scores in one sliding layer, ubatch by ubatch: every
    query against every cell of the view, `view(end)` (the cells the layer's cache view spans once
    the ubatch ending at position `end` is stored), but never more than the causal pairs a full layer
    is counted with (before the window slides, a sliding layer is a full one)."""
    total, start = 0, 0
    ubatch = max(1, ubatch)
    while start < tokens:
        end = min(tokens, start + ubatch)
        queries = end - start
        total += min(queries * view(end), queries * start + queries * (queries + 1) // 2)
        start = end
    return total
