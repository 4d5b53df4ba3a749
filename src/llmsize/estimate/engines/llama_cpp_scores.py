"""llama.cpp prefill without flash attention: the attention scores it writes to memory and reads back.

With `--flash-attn off` (llama-bench's default until ggml-org/llama.cpp PR #23714, May 2026, which
kept `-fa off` as its default; llama-server/-cli switched to `auto` with PR #15434, Aug 2025)
src/llama-graph.cpp `build_attn_mha` builds attention from separate ops: `kq = ggml_mul_mat(k, q)`
(an F32 tensor of n_kv x n_tokens x n_head, GGML_PREC_F32), `ggml_soft_max_ext(kq, kq_mask, ...)`
(a new F32 tensor of the same shape) and `kqv = ggml_mul_mat(v, kq)`. Each ubatch therefore writes
the scores (4 bytes an element), the soft-max reads them and writes its result (4 + 4), and the
K·V product reads that (4): 16 bytes per score element, a count of the graph's F32 tensors, whatever
the backend (a backend that converts the F32 scores to F16 before its GEMM moves more: a lower
bound). The scores span every cached key of the ubatch's KV view, masked or not (the causal mask
is applied inside the soft-max), so ubatch i of a prompt scores n_ubatch x (i + 1) x n_ubatch
elements per head and layer, not half of that. A sliding-window layer's view stops at its window
plus the ubatch (llama_kv_cache_iswa keeps window + n_ubatch cells for it).

Memory-bound passes (a K=head_dim GEMM writes 4 bytes per 2 x head_dim FLOPs), so they cost bytes over
bandwidth, serially after the weight GEMMs. Flash attention (CUDA, Vulkan, Metal FA kernels) keeps the
scores on chip and moves none of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmsize.specs.models import ModelSpec

# REFERENCE: src/llama-graph.cpp build_attn_mha (non-FA branch): kq F32 written (4), soft_max_ext reads
# it and writes an F32 result (4 + 4), ggml_mul_mat(v, kq) reads that (4).
SCORE_BYTES_PER_ELEMENT = 16


def materialized_score_elements(spec: ModelSpec, prompt_tokens: int, ubatch: int) -> int:
    """Score elements (all heads, all attention layers) a prompt's ubatches materialise without FA."""
    if prompt_tokens <= 0 or ubatch <= 0:
        return 0
    per_window: dict[int | None, int] = {}
    for layer in range(spec.num_layers):
        if spec.has_attention(layer):
            window = spec.layer_window(layer)
            per_window[window] = per_window.get(window, 0) + 1
    total = sum(
        layers * _layer_scores(prompt_tokens, ubatch, window) for window, layers in per_window.items()
    )
    return total * spec.num_attention_heads


def _layer_scores(prompt: int, ubatch: int, window: int | None) -> int:
    """Scores of one head in one layer: ubatch k (1-based, full) scores u x min(k u, window + u) keys.

    Closed form, so a long prompt in tiny ubatches costs no loop over its ubatches.
    """
    full, rest = divmod(prompt, ubatch)
    # Ubatches whose key view still grows with the prompt: all of them without a window.
    growing = full if window is None else min(full, (window + ubatch) // ubatch)
    total = ubatch * ubatch * growing * (growing + 1) // 2
    if window is not None:
        total += (full - growing) * ubatch * (window + ubatch)
    if rest:
        total += rest * (prompt if window is None else min(prompt, window + rest))
    return total
