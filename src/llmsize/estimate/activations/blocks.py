"""One decoder block: its norms and residuals around the token mixer of its kind and its FFN."""

from __future__ import annotations

from llmsize.estimate.activations import altup
from llmsize.estimate.activations.attention import _Cache, _mha, _mla
from llmsize.estimate.activations.compressed_attention import deepseek_v4_layer
from llmsize.estimate.activations.ffn import _dense_mlp, _moe
from llmsize.estimate.activations.hybrid import hybrid_layer
from llmsize.estimate.activations.linear_attention import gated_deltanet, kimi_delta, short_conv
from llmsize.estimate.activations.mamba import mamba1, mamba2
from llmsize.estimate.activations.walk import _T, Dims, _Ctx, _norm, _Walk
from llmsize.specs.models import ModelSpec


def layer_kind(spec: ModelSpec, layer: int) -> tuple[str, str]:
    """What distinguishes a block's activations: its token mixer (attention span, or the recurrent
    kind) and its FFN ("dense", "moe" or "none")."""
    mixer = spec.layer_type(layer)
    if spec.compressed is not None:  # DeepSeek V4: the kind itself, and whether the router hashes
        return mixer, "hash_moe" if layer in spec.hash_moe_layers else "moe"
    if mixer in ("full_attention", "sliding_attention", "chunked_attention"):
        mixer = "sliding_attention" if spec.layer_window(layer) is not None else "full_attention"
    if spec.is_moe_layer(layer):
        ffn = "moe"
    elif spec.ffn_types is not None and spec.ffn_types[layer] == "none":
        ffn = "none"
    else:
        ffn = "dense"
    # Blocks of one kind that still differ: KV-shared ones (no K/V, no cache), other MLP widths,
    # Gemma 3n's sparse MLP gates. The tag keeps them apart; `_ffn` reads only "moe"/"none".
    if spec.shares_kv(layer):
        ffn += "|shared-kv"
    if spec.intermediate_sizes is not None:
        ffn += f"|{spec.mlp_width(layer)}"
    if layer in spec.activation_sparse_layers:
        ffn += "|sparse"
    return mixer, ffn


def _mixer(
    w: _Walk, d: Dims, spec: ModelSpec, x: _T, ctx: _Ctx, kind: str, cache: _Cache | None
) -> _T | None:
    """The token mixer of a block of `kind` (one module per mixer family); None when it has none."""
    if kind == "none":
        return None
    if kind == "linear_attention" and spec.recurrent is not None and spec.recurrent.kind == "gated_deltanet":
        return gated_deltanet(w, d, spec, x, cache)
    if kind == "linear_attention" and spec.recurrent is not None and spec.recurrent.kind == "kimi_delta":
        return kimi_delta(w, d, spec, x, cache)
    if kind == "conv":
        return short_conv(w, d, spec, x, cache)
    if kind == "mamba" and spec.recurrent is not None and spec.recurrent.kind == "mamba2":
        return mamba2(w, d, spec, x, cache)
    if kind == "mamba" and spec.recurrent is not None and spec.recurrent.kind == "mamba":
        return mamba1(w, d, spec, x, cache)
    return (_mla if spec.is_mla else _mha)(w, d, spec, x, ctx, kind, cache)


def _ffn(w: _Walk, d: Dims, spec: ModelSpec, x: _T, ffn: str, layer: int = 0) -> _T:
    return _moe(w, d, spec, x) if ffn.startswith("moe") else _dense_mlp(w, d, spec, x, spec.mlp_width(layer))


def _layer(w: _Walk, d: Dims, spec: ModelSpec, x: _T, ctx: _Ctx, layer: int, cache: _Cache | None) -> _T:
    """One decoder block (modeling_llama.py LlamaDecoderLayer; Gemma 2/3 add post-attention and
    post-feedforward norms, `norms_per_layer == 4`)."""
    if spec.parallel_block:
        return _parallel_layer(w, d, spec, x, ctx, layer, cache)
    if spec.compressed is not None:  # DeepSeek V4: hyper-connection streams, pooled-KV attention
        return deepseek_v4_layer(w, d, spec, x, ctx, layer, cache)
    kind, ffn = layer_kind(spec, layer)
    if spec.altup_inputs:
        return altup.altup_layer(w, d, spec, x, ctx, layer, kind, cache)
    if kind == "hybrid":
        return hybrid_layer(w, d, spec, x, ctx, cache)
    if kind == "none" or ffn.startswith("none"):
        return _single_layer(w, d, spec, x, ctx, kind, ffn, cache)
    sandwich = spec.norms_per_layer >= 4
    xn = _norm(w, d, spec, x, "input_layernorm")
    # Gemma 4: a full_attention block projects to its own head size and KV heads (attention_view);
    # a KV-shared block (E2B/E4B) attends over its source block's K/V
    if spec.kv_shared_layers and spec.has_attention(layer):
        attn: _T | None = altup.attention(w, d, spec, xn, ctx, kind, layer, cache)
    else:
        attn = _mixer(w, d, spec.attention_view(layer), xn, ctx, kind, cache)
    assert attn is not None
    w.drop(xn)
    if sandwich:
        an = _norm(w, d, spec, attn, "post_attention_layernorm")
        w.drop(attn)
        attn = an
    h1 = w.op("residual add", d.T * spec.hidden_size * (d.res or d.e), [x, attn], elem=d.res)
    w.drop(attn)
    xn2 = _norm(w, d, spec, h1, "pre_feedforward_layernorm" if sandwich else "post_attention_layernorm")
    m = _ffn(w, d, spec, xn2, ffn, layer)
    w.drop(xn2)
    if sandwich:
        mn = _norm(w, d, spec, m, "post_feedforward_layernorm")
        w.drop(m)
        m = mn
    out = w.op("residual add", d.T * spec.hidden_size * (d.res or d.e), [h1, m], elem=d.res)
    w.drop(h1, m, *w.held_until_layer_end)
    w.held_until_layer_end.clear()
    if spec.per_layer_input_size:  # Gemma 4 E2B/E4B: residual + the per-layer input's projection
        tail = altup.per_layer_tail(w, d, spec, out)
        out2 = w.op("residual add", d.T * spec.hidden_size * d.e, [out, tail])
        w.drop(out, tail)
        out = out2
    return out


def _parallel_layer(
    w: _Walk, d: Dims, spec: ModelSpec, x: _T, ctx: _Ctx, layer: int, cache: _Cache | None
) -> _T:
    """Falcon's parallel block (modeling_falcon.py FalconDecoderLayer): attention and MLP read the
    normalised input (one shared LayerNorm, or ln_attn and ln_mlp, both computed before attention
    with `num_ln_in_parallel_attn == 2`); `mlp_output += attention_output` in place, then the
    residual add. Both norm outputs are locals of the block until it returns."""
    kind, ffn = layer_kind(spec, layer)
    xa = _norm(w, d, spec, x, "ln_attn")
    xm = _norm(w, d, spec, x, "ln_mlp") if spec.norms_per_layer >= 2 else xa
    attn = (_mla if spec.is_mla else _mha)(w, d, spec, xa, ctx, kind, cache)
    m = _ffn(w, d, spec, xm, ffn)
    summed = w.op("mlp += attention", d.T * spec.hidden_size * d.e, [m, attn], view_of=m)
    out = w.op("residual add", d.T * spec.hidden_size * (d.res or d.e), [summed, x], elem=d.res)
    w.drop(summed, m, attn, xa, *([xm] if xm is not xa else []), *w.held_until_layer_end)
    w.held_until_layer_end.clear()
    return out


def _single_layer(
    w: _Walk, d: Dims, spec: ModelSpec, x: _T, ctx: _Ctx, kind: str, ffn: str, cache: _Cache | None
) -> _T:
    """A block with one sub-layer: a mixer without an MLP, or an MLP/MoE without a mixer
    (modeling_nemotron_h.py NemotronHBlock: norm, the block's one mixer, residual add)."""
    xn = _norm(w, d, spec, x, "norm")
    y = _mixer(w, d, spec, xn, ctx, kind, cache)
    if y is None:
        y = _ffn(w, d, spec, xn, ffn)
    w.drop(xn)
    out = w.op("residual add", d.T * spec.hidden_size * (d.res or d.e), [x, y], elem=d.res)
    w.drop(y, *w.held_until_layer_end)
    w.held_until_layer_end.clear()
    return out
