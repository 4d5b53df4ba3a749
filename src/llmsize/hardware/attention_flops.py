"""Attention FLOPs of a prompt and of one new token, block by block (each block's own head sizes).

Why a module of its own: hardware/speed.py prices FLOPs; what a block's attention costs depends on the
model's shape alone (windows, MLA's latent widths, Gemma 4's wider global heads).
"""

from __future__ import annotations

from collections.abc import Callable

from llmsize.estimate.engines.vllm_wide_heads import FLASH_ATTENTION_MAX_HEAD_DIM
from llmsize.estimate.memo import memo
from llmsize.specs.models import ModelSpec


def attention_pair_count(tokens: int, window: int | None) -> int:
    """Query-key pairs a causal prompt of `tokens` scores: Σ_i min(i, window)."""
    if window is None or window >= tokens:
        return tokens * (tokens + 1) // 2
    return window * (window + 1) // 2 + (tokens - window) * window


def _attention_dims(spec: ModelSpec) -> tuple[int, int, int]:
    """(query heads, q·k width, v width) of one attention layer; MLA uses its own head dims."""
    if spec.is_mla:
        return (spec.num_attention_heads, spec.qk_nope_head_dim + spec.qk_rope_head_dim,
                spec.v_head_dim or spec.head_dim)
    return spec.num_attention_heads, spec.head_dim, spec.head_dim


def attention_flops_prefill(
    spec: ModelSpec, tokens: int, absorbed_mla: bool = False,
    pairs: Callable[[int | None], int | None] | None = None,
) -> float:
    """Score and value matmuls of one causal prompt: 2·heads·(d_qk + d_v) per query-key pair, per layer.

    QKᵀ costs 2·d_qk FLOPs per pair and P·V 2·d_v (multiply + add), as in the Chinchilla paper's
    FLOP accounting (Hoffmann et al. 2022, appendix F); causal masking halves the pairs. Each block
    counts its own head sizes (ModelSpec.attention_view: Gemma 4's global blocks score 512-wide heads).
    `absorbed_mla`: the engine runs an MLA prompt in the absorbed (latent) form, as decode does, so
    each pair costs attention_flops_per_key (llama.cpp: estimate/engines/llama_cpp_mla.py).
    `pairs(window)`: the pairs the engine's kernel scores in a layer of that window (the engine's
    prefill_attention_pairs; None: the causal pairs within the window).
    """
    counted: dict[int | None, int] = {}

    def count(window: int | None) -> int:
        if window not in counted:
            own = pairs(window) if pairs is not None else None
            counted[window] = attention_pair_count(tokens, window) if own is None else own
        return counted[window]

    if absorbed_mla and spec.is_mla and spec.kv_lora_rank:
        blocks = _absorbed_blocks(spec)
        return sum(per_key * count(window) for window, per_key in blocks)
    total = 0.0
    for window, per_pair, _, _ in _blocks(spec):
        total += per_pair * count(window)
    return 2.0 * total


def attention_flops_prefill_wide(spec: ModelSpec, tokens: int) -> float:
    """The part of attention_flops_prefill in blocks whose head dim exceeds FlashAttention's largest
    (vllm_wide_heads.FLASH_ATTENTION_MAX_HEAD_DIM): Gemma 4's 512-wide full_attention blocks."""
    total = 0.0
    for window, _, per_key, wide in _blocks(spec):
        if wide:
            total += per_key * attention_pair_count(tokens, window)
    return total


def attention_flops_decode(spec: ModelSpec, context: int) -> float:
    """One new token attending to `context` cached tokens (or its window), all layers.

    MLA decodes in the absorbed form: the query is mapped into the latent, so each head scores the
    cached latent + rope key (kv_lora_rank + qk_rope_head_dim) and sums latent values (kv_lora_rank)
    instead of its own 192/128-wide K/V (DeepSeek-V2 paper, section 2.1.3; vLLM's MLA backends, e.g.
    vllm/v1/attention/backends/mla/common.py, run decode on the latent cache this way).
    """
    total = 0.0
    for window, _, per_key, _ in _blocks(spec):
        total += per_key * (min(context, window) if window else context)
    return total


def _blocks(spec: ModelSpec) -> tuple[tuple[int | None, int, float, bool], ...]:
    """Per block, in order: (window, heads·(d_qk + d_v) of the prompt's pairs, attention_flops_per_key,
    wider than FlashAttention's heads). The shape alone sets them, so they are read once per model
    (estimate/memo.py) and summed in block order as before (issue 15: `fit --all` walked the blocks'
    views ~28,000 times for 187 speed estimates)."""
    return memo(spec, ("attention flops blocks",),
                lambda: tuple(_block(spec, i) for i in range(spec.num_layers)))


def _absorbed_blocks(spec: ModelSpec) -> tuple[tuple[int | None, float], ...]:
    """Per block: (window, attention_flops_per_key): the latent form's FLOPs per pair (memoized)."""
    return memo(spec, ("attention flops absorbed blocks",),
                lambda: tuple((spec.layer_window(i), attention_flops_per_key(spec, i))
                              for i in range(spec.num_layers)))


def _block(spec: ModelSpec, layer: int) -> tuple[int | None, int, float, bool]:
    if not spec.has_attention(layer):  # a recurrent or MLP-only block scores no query-key pairs
        return spec.layer_window(layer), 0, 0.0, False
    view = spec.attention_view(layer)
    heads, d_qk, d_v = _attention_dims(view)
    wide = max(view.head_dim, view.value_head_dim) > FLASH_ATTENTION_MAX_HEAD_DIM and not view.is_mla
    return spec.layer_window(layer), heads * (d_qk + d_v), attention_flops_per_key(spec, layer), wide


def attention_flops_per_key(spec: ModelSpec, layer: int) -> float:
    """FLOPs block `layer` spends on one query-key pair: 2·heads·(d_qk + d_v), with that block's own
    head sizes (Gemma 4's full_attention blocks: global_head_dim 512 against 256 on the sliding ones,
    transformers modeling_gemma4.py Gemma4TextAttention; ModelSpec.attention_view) and MLA's absorbed
    latent widths in decode.

    0 for a block with no attention (linear_attention / mamba / conv / none: ModelSpec.has_attention): its
    token mixer carries a fixed state instead of scoring cached keys. llama.cpp's Qwen3.5 / 3.6 graph
    (src/models/qwen35moe.cpp graph: `hparams.is_recr(il)` blocks run build_layer_attn_linear on the
    recurrent memory, llm_build_delta_net_base, the others build_layer_attn's flash attention over the KV
    cache) and vLLM's / transformers' GatedDeltaNet (chunk_gated_delta_rule) cost linear in the tokens;
    Mamba's selective scan the same. Counting them as full attention priced a 3:1 hybrid's context term
    4x (issue 11, lcppdepth25)."""
    if not spec.has_attention(layer):
        return 0.0
    heads, d_qk, d_v = _attention_dims(spec.attention_view(layer))
    if spec.is_mla and spec.kv_lora_rank:
        d_qk, d_v = spec.kv_lora_rank + spec.qk_rope_head_dim, spec.kv_lora_rank
    return 2.0 * heads * (d_qk + d_v)
