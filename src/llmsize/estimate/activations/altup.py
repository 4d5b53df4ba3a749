"""Gemma 3n's AltUp block and the per-layer input embeddings of Gemma 3n and Gemma 4 E2B/E4B, walked
as transformers 5.23 runs them (modeling_gemma3n.py Gemma3nTextModel / Gemma3nTextDecoderLayer,
modeling_gemma4.py Gemma4TextModel.project_per_layer_inputs and the decoder layer's per-layer tail).

What makes these blocks different in memory: the residual stream is `altup_inputs` copies of the
hidden state ([n, batch, tokens, hidden]), the model keeps the per-layer inputs ([batch, tokens,
layers, p]) and AltUp's n-1 projected copies of the embeddings for the whole forward, and Gemma 3n's
MLP keeps its gate, activation and up projection bound to names until it returns, with a gaussian
top-k (mean, std, cutoff, relu(x - cutoff)) on the gate of its sparse layers. A KV-shared block
projects no K/V and writes no cache: it attends over the stored K/V of its source block.
"""

from __future__ import annotations

from llmsize.estimate.activations.attention import _attend, _Cache, _mha
from llmsize.estimate.activations.walk import _T, Dims, _Ctx, _linear, _norm, _rmsnorm, _rope, _Storage, _Walk
from llmsize.specs.models import ModelSpec


def stream_width(spec: ModelSpec) -> int:
    """Values per token of the residual stream a block reads and writes: AltUp (Gemma 3n) stacks n
    copies of the hidden state, DeepSeek V4's hyper-connections keep hc_mult streams of it."""
    streams = spec.compressed.hc_mult if spec.compressed is not None else 1
    return spec.hidden_size * max(spec.altup_inputs, 1) * streams


def prefix_extras(w: _Walk, d: Dims, spec: ModelSpec, emb: _T) -> list[_T]:
    """What the model forward builds before the first block beside the embeddings; the tensors it
    keeps until the blocks are done. The block input itself (AltUp's stack) is the caller's."""
    held: list[_T] = []
    L, p, h = spec.num_layers, spec.per_layer_input_size, spec.hidden_size
    wrapper = not spec.altup_inputs and (spec.architecture or "").endswith("ForConditionalGeneration")
    if p and wrapper:
        # Gemma4Model.forward: `llm_inputs_embeds = torch.where(multimodal_mask, pad, inputs_embeds)`, a
        # copy of the embeddings the multimodal wrapper keeps until it returns.
        held.append(w.op("llm_inputs_embeds (where)", d.T * h * d.e, [emb]))
    if p:
        # get_per_layer_inputs: the scaled per-layer embedding ([tokens, layers * p], times its scale);
        # project_per_layer_inputs: the projection, its scale, the RMSNorm over p, the sum and the scale.
        n = d.T * L * p
        raw = w.new("per-layer embedding", n * d.e)
        tok = w.op("per-layer embedding * scale", n * d.e, [raw])
        w.drop(raw)
        proj = _linear(w, d, emb, "per_layer_model_projection", h, L * p)
        if not spec.altup_inputs:  # Gemma 4 multiplies out of place, Gemma 3n in place (*=)
            scaled = w.op("projection * scale", n * d.e, [proj])
            w.drop(proj)
            proj = scaled
        normed = _rmsnorm(w, d, proj, p, gemma=True, rows=d.T * L, name="per_layer_projection_norm")
        w.drop(proj)
        summed = w.op("projection + per-layer embedding", n * d.e, [normed, tok])
        w.drop(normed)
        if wrapper:  # the wrapper computed the token part itself and keeps it in a local (Gemma4Model)
            held.append(tok)
        else:
            w.drop(tok)
        out = w.op("per-layer inputs * scale", n * d.e, [summed])
        w.drop(summed)
        held.append(out)
    if spec.altup_inputs > 1:
        # Gemma3nTextModel.forward: the RMS magnitude of the embeddings, then n-1 projections rescaled
        # to it; the list `temp_hidden_states` keeps them (and the embeddings) past the blocks.
        th = d.T * h * d.e
        sq = w.op("embeddings ** 2", th, [emb])
        mag = w.op("target magnitude", d.T * d.e, [sq])
        w.drop(sq)
        last: _T | None = None
        for i in range(1, spec.altup_inputs):
            w.drop(last)  # the local `altup_proj` is rebound each iteration
            last = _linear(w, d, emb, f"altup_projections.{i - 1}", h, h)
            sq2 = w.op("projection ** 2", th, [last])
            new_mag = w.op("new magnitude", d.T * d.e, [sq2])
            w.drop(sq2)
            times = w.op("projection * target", th, [last, mag])
            ratio = w.op("/ new magnitude", th, [times, new_mag])
            w.drop(times, new_mag)
            held.append(ratio)
        held.append(mag)
        if last is not None:
            held.append(last)  # the last `altup_proj` stays bound until the forward returns
    return held


def stack_input(w: _Walk, d: Dims, spec: ModelSpec) -> _T:
    """torch.stack of the embeddings and the n-1 projections: the first block's input."""
    return w.new("altup stack", d.T * stream_width(spec) * d.e)


def _shared_attention(w: _Walk, d: Dims, spec: ModelSpec, x: _T, ctx: _Ctx, kind: str) -> _T:
    """A KV-shared block (is_kv_shared_layer): q_proj, q_norm and RoPE on the query, then attention over
    the K/V its source block stored (already counted with that block's cache), then o_proj."""
    h, heads, kvh, hd = spec.hidden_size, spec.num_attention_heads, spec.num_kv_heads, spec.head_dim
    q = _linear(w, d, x, "q_proj", h, heads * hd)
    qn = _rmsnorm(w, d, q, hd, gemma=True, rows=d.T * heads, name="q_norm")
    w.drop(q)
    qe = _rope(w, d, qn, heads, hd, ctx.cos, ctx.sin)
    w.drop(qn)
    # The source block's K/V: their bytes are its cache's (counted there), so no storage of their own.
    kv_bytes = d.b * d.kv * kvh * hd * d.e
    k = _T("shared keys", kv_bytes, _Storage(0, 1))
    v = _T("shared values", kv_bytes, _Storage(0, 1))
    o = _attend(w, d, spec, qe, k, v, ctx.masks.get(kind), heads, kvh, hd, d.kv)
    w.drop(qe)
    y = _linear(w, d, o, "o_proj", heads * hd, h)
    w.drop(o)
    return y


def attention(
    w: _Walk, d: Dims, spec: ModelSpec, x: _T, ctx: _Ctx, kind: str, layer: int, cache: _Cache | None
) -> _T:
    """The block's attention: its own K/V (and cache), or its source block's."""
    view = spec.attention_view(layer)
    if spec.shares_kv(layer):
        return _shared_attention(w, d, view, x, ctx, kind)
    return _mha(w, d, view, x, ctx, kind, cache)


def gemma3n_mlp(w: _Walk, d: Dims, spec: ModelSpec, x: _T, layer: int) -> _T:
    """Gemma3nTextMLP.forward: gate_proj, the gaussian top-k on sparse layers, act, up_proj, their
    product and down_proj, with gate/activations/up bound to locals until it returns."""
    h, inter = spec.hidden_size, spec.mlp_width(layer)
    n = d.T * inter * d.e
    gate = _linear(w, d, x, "gate_proj", h, inter)
    if layer in spec.activation_sparse_layers:
        stats = [w.new("gate mean", d.T * d.e), w.new("gate std", d.T * d.e)]
        cutoff = w.op("cutoff", d.T * d.e, stats)
        w.drop(*stats)
        diff = w.op("gate - cutoff", n, [gate, cutoff])
        w.drop(cutoff)
        sparse = w.op("relu", n, [diff], saves_out=True)
        w.drop(diff, gate)
        gate = sparse
    act = w.op("act", n, [gate], saves=[gate])
    up = _linear(w, d, x, "up_proj", h, inter)
    prod = w.op("act*up", n, [act, up], saves=[act, up])
    y = _linear(w, d, prod, "down_proj", inter, h)
    w.drop(prod, gate, act, up)
    return y


def per_layer_tail(w: _Walk, d: Dims, spec: ModelSpec, x: _T) -> _T:
    """per_layer_input_gate, the activation, times the block's per-layer input, per_layer_projection
    and post_per_layer_input_norm: the block's last step (Gemma 4 adds it to the residual stream)."""
    h, p = spec.hidden_size, spec.per_layer_input_size
    g = _linear(w, d, x, "per_layer_input_gate", h, p)
    a = w.op("per-layer act", d.T * p * d.e, [g], saves=[g])
    w.drop(g)
    m = w.op("* per-layer input", d.T * p * d.e, [a], saves=[a])
    w.drop(a)
    y = _linear(w, d, m, "per_layer_projection", p, h)
    w.drop(m)
    yn = _norm(w, d, spec, y, "post_per_layer_input_norm")
    w.drop(y)
    return yn


def altup_layer(
    w: _Walk, d: Dims, spec: ModelSpec, x: _T, ctx: _Ctx, layer: int, kind: str, cache: _Cache | None
) -> _T:
    """Gemma3nTextDecoderLayer.forward over the [n, tokens, hidden] stream `x`."""
    n = spec.altup_inputs
    th = d.T * spec.hidden_size * d.e
    stream = n * th
    # AltUp predict: a [tokens, hidden, n] matmul, += the input, .contiguous() of the permuted result.
    mm = w.op("altup predict matmul", stream, [x], saves=[x])
    predictions = w.op("altup predictions contiguous", stream, [mm])
    w.drop(mm)
    normed = _norm(w, d, spec, predictions, "input_layernorm")
    # LAuReL: linear_left, linear_right, post_laurel_norm, + input
    left = _linear(w, d, normed, "laurel.linear_left", spec.hidden_size, spec.laurel_rank)
    right = _linear(w, d, left, "laurel.linear_right", spec.laurel_rank, spec.hidden_size)
    w.drop(left)
    rn = _norm(w, d, spec, right, "post_laurel_norm")
    w.drop(right)
    laurel = w.op("laurel + input", th, [normed, rn])
    w.drop(rn)
    attn = attention(w, d, spec, normed, ctx, kind, layer, cache)
    attn_n = _norm(w, d, spec, attn, "post_attention_layernorm")
    w.drop(attn)
    gated = w.op("active + attn", th, [predictions, attn_n])
    summed = w.op("gated + laurel", th, [gated, laurel])
    attn_laurel = w.op("/ sqrt(2)", th, [summed])
    w.drop(summed)
    ffn_in = _norm(w, d, spec, attn_laurel, "pre_feedforward_layernorm")
    ffw = gemma3n_mlp(w, d, spec, ffn_in, layer)
    ffw_n = _norm(w, d, spec, ffw, "post_feedforward_layernorm")
    w.drop(ffw, ffn_in)
    activated = w.op("attn_laurel + ffw", th, [attn_laurel, ffw_n])
    w.drop(ffw_n)
    # AltUp correct: innovation repeated n times, times the coefficients, += predictions.
    innovation = w.op("innovation", th, [activated, predictions])
    repeated = w.op("innovation repeat", stream, [innovation])
    w.drop(innovation)
    corrected = w.op("corrected", stream, [repeated], saves=[repeated])
    w.drop(repeated)
    first = w.op("first prediction clone", th, [corrected])
    if spec.per_layer_input_size:
        scaled = w.op("* correct_output_scale", th, [first], saves=[first])
        w.drop(first)
        tail = per_layer_tail(w, d, spec, scaled)
        w.drop(scaled)
        w.drop(tail)  # added in place into corrected[1:]
    else:
        w.drop(first)
    w.drop(predictions, normed, laurel, attn_n, gated, attn_laurel, activated, *w.held_until_layer_end)
    w.held_until_layer_end.clear()
    return corrected
