"""DeepSeek V4's block: hyper-connection streams around a shared-KV attention with pooled KV
(compressed_sparse_attention / heavily_compressed_attention), its lightning indexer, and the MoE.

Restates transformers 5.23 `models/deepseek_v4/modeling_deepseek_v4.py` op by op, in the dtypes
`from_pretrained` gives it (`_keep_in_fp32_modules_strict`: norms, hyper-connections, sinks and
position biases in fp32, so the products they enter are fp32 too):
- the residual is `hc_mult` streams wide ([tokens, hc_mult, hidden]); `DeepseekV4HyperConnection`
  collapses them for each sub-layer in fp32 (flatten + `.float()`, an unweighted RMSNorm, the mixing
  projection, `pre * streams` summed) and `post * out + comb^T @ streams` expands them back;
- `DeepseekV4Attention`: q_a_proj / q_a_norm / q_b_proj, an unweighted RMSNorm over each head
  (`x.float().square()`), interleaved partial RoPE (`apply_rotary_pos_emb`: fp32 halves, a stack,
  a cat), one key/value head kv_proj / kv_norm, the cache update, the compressor's pooled entries
  concatenated onto the keys, eager attention with a sink per head (`eager_attention_forward`:
  the fp32 sinks promote the concatenated logits to fp32), RoPE undone on the output, the grouped
  output projection (a bmm per group) and o_b_proj;
- the compressors (`DeepseekV4HCACompressor`, `DeepseekV4CSACompressor` with `DeepseekV4Indexer`):
  kv/gate projections kept by the cache, a softmax over each window in fp32, the pooled entries,
  and the indexer's [tokens, heads, entries] fp32 scores;
- `DeepseekV4SparseMoeBlock`: sqrt(softplus) scores, top-k or the token-id table, the grouped
  expert matmul with V4's clamped SwiGLU, one shared expert.
The kernels are what transformers runs: V4 sets `_supports_sdpa = False`, so attention is eager.
"""

from __future__ import annotations

from llmsize.estimate import arrays as np
from llmsize.estimate.activations.attention import _Cache
from llmsize.estimate.activations.walk import _T, Dims, Num, _Ctx, _linear, _Walk
from llmsize.specs.models import COMPRESSED_KINDS, ModelSpec

CSA = "compressed_sparse_attention"


def stream_bytes(spec: ModelSpec, d: Dims, elem: int = 0) -> Num:
    """Bytes of the residual: hidden_size per token (DeepSeek V4: hc_mult streams of it), in `elem`
    bytes an element (default the compute dtype's)."""
    from llmsize.estimate.activations.altup import stream_width

    return d.T * stream_width(spec) * (elem or d.e)


def _norm_fp32_weight(w: _Walk, d: Dims, x: _T, width: int, rows: Num, name: str, trains: bool = True) -> _T:
    """DeepseekV4RMSNorm: fp32 copy, x * rsqrt(mean(x^2) + eps), then the fp32 weight times it (fp32)
    and one cast back."""
    full = d.train and not d.lora and trains
    xf = w.op(f"{name} fp32", rows * width * 4, [x])
    sq = w.op(f"{name} pow", rows * width * 4, [xf], saves=[xf])
    mean = w.op(f"{name} mean", rows * 4, [sq])
    w.drop(sq)
    r = w.op(f"{name} rsqrt", rows * 4, [mean], saves_out=True)
    w.drop(mean)
    normed = w.op(f"{name} x*rsqrt", rows * width * 4, [xf, r], saves=[xf, r])
    w.drop(xf, r)
    # the product keeps the normed input only for the weight's gradient (full training)
    scaled = w.op(
        f"{name} weight*x",
        rows * width * 4,
        [normed],
        saves=[normed] if full else [],
        weight_grad=width * 4,
        trainable=full,
    )
    w.drop(normed)
    out = w.op(f"{name} cast", rows * width * d.e, [scaled])
    w.drop(scaled)
    return out


def _unweighted_norm(w: _Walk, d: Dims, x: _T, width: int, rows: Num, name: str) -> _T:
    """DeepseekV4UnweightedRMSNorm on a compute-dtype x: `x.float().square()` (two fp32 copies),
    the mean, rsqrt cast back, x times it."""
    xf = w.op(f"{name} fp32", rows * width * 4, [x])
    sq = w.op(f"{name} square", rows * width * 4, [xf], saves=[xf])
    w.drop(xf)
    mean = w.op(f"{name} mean", rows * 4, [sq])
    w.drop(sq)
    r32 = w.op(f"{name} rsqrt", rows * 4, [mean], saves_out=True)
    w.drop(mean)
    r = w.op(f"{name} rsqrt cast", rows * d.e, [r32])
    w.drop(r32)
    out = w.op(f"{name} out", rows * width * d.e, [x, r], saves=[x, r])
    w.drop(r)
    return out


def _rope(w: _Walk, d: Dims, x: _T, rows: Num, heads: int, dim: int, rd: int, positions: Num) -> _T:
    """apply_rotary_pos_emb (V4, interleaved, on the last `rd` channels): cos/sin repeated to the
    rope width, the rope slice in fp32 times cos, rotate_half (a negation and a stack) in fp32 times
    sin, the sum cast back, and a cat with the untouched channels."""
    cos = w.new("rope cos repeat", positions * rd * d.e)
    sin = w.new("rope sin repeat", positions * rd * d.e)
    nr = rows * heads * rd
    rf = w.op("rope x fp32", nr * 4, [x])
    a = w.op("rope x*cos", nr * 4, [rf], saves=[cos])
    w.drop(rf)
    neg = w.op("rope neg", nr * d.e // 2, [x])
    st = w.op("rope stack", nr * d.e, [neg, x])
    w.drop(neg)
    sf = w.op("rope rot fp32", nr * 4, [st])
    w.drop(st)
    b = w.op("rope rot*sin", nr * 4, [sf], saves=[sin])
    w.drop(sf)
    s = w.op("rope sum", nr * 4, [a, b])
    w.drop(a, b)
    rot = w.op("rope cast", nr * d.e, [s])
    w.drop(s)
    out = w.op("rope cat", rows * heads * dim * d.e, [x, rot])
    w.drop(rot, cos, sin)
    return out


def hyper_connection(w: _Walk, d: Dims, spec: ModelSpec, x: _T) -> tuple[_T, list[_T]]:
    """DeepseekV4HyperConnection.forward: returns the collapsed block input and the post/comb weights."""
    c = spec.compressed
    assert c is not None
    n, h = c.hc_mult, spec.hidden_size
    wide = d.T * n * h * 4
    full = d.train and not d.lora
    xf = w.op("hc streams fp32", wide, [x])
    sq = w.op("hc norm square", wide, [xf], saves=[xf])
    mean = w.op("hc norm mean", d.T * 4, [sq])
    w.drop(sq)
    r = w.op("hc norm rsqrt", d.T * 4, [mean], saves_out=True)
    w.drop(mean)
    normed = w.op("hc norm out", wide, [xf, r], saves=[xf, r])
    w.drop(xf, r)
    mix_weights = (2 + n) * n * n * h
    mixes = w.op(
        "hc mixes",
        d.T * (2 + n) * n * 4,
        [normed],
        saves=[normed] if full else [],
        weight_grad=mix_weights * 4,
        trainable=full,
    )
    w.drop(normed)
    post = w.op("hc post", d.T * n * 4, [mixes], saves_out=True)
    # Sinkhorn-Knopp: hc_sinkhorn_iters row and column normalisations of [tokens, n, n], each
    # division keeping its operands for backward (about 2 x iters small tensors).
    iters = 2 * 20 * d.T * (n * n + n) * 4
    kept = w.new("sinkhorn operands", iters) if d.train else None
    comb = w.op("hc comb (sinkhorn)", d.T * n * n * 4, [mixes], saves=[kept] if kept is not None else [])
    w.drop(kept)
    pre = w.op("hc pre", d.T * n * 4, [mixes], saves_out=True)
    w.drop(mixes)
    weighted = w.op("hc pre*streams", wide, [pre, x], saves=[pre, x])
    summed = w.op("hc collapse", d.T * h * 4, [weighted])
    w.drop(weighted, pre)
    collapsed = w.op("hc collapse cast", d.T * h * d.e, [summed])
    w.drop(summed)
    return collapsed, [post, comb]


def _expand(w: _Walk, d: Dims, spec: ModelSpec, out: _T, streams: _T, weights: list[_T]) -> _T:
    """post * out + comb^T @ streams (the decoder layer, in the compute dtype)."""
    c = spec.compressed
    assert c is not None
    wide = stream_bytes(spec, d)
    post = w.op("post cast", d.T * c.hc_mult * d.e, [weights[0]])
    scaled = w.op("post*out", wide, [post, out], saves=[post, out])
    w.drop(post)
    comb = w.op("comb cast", d.T * c.hc_mult * c.hc_mult * d.e, [weights[1]])
    mixed = w.op("comb^T@streams", wide, [comb, streams], saves=[comb, streams])
    w.drop(comb)
    new = w.op("streams add", wide, [scaled, mixed])
    w.drop(scaled, mixed, *weights)
    return new


def deepseek_v4_layer(
    w: _Walk, d: Dims, spec: ModelSpec, x: _T, ctx: _Ctx, layer: int, cache: _Cache | None
) -> _T:
    """DeepseekV4DecoderLayer.forward on the streams `x` (held by the caller)."""
    h = spec.hidden_size
    # `collapsed` stays bound in the layer's forward until the next hyper-connection rebinds it
    col, weights = hyper_connection(w, d, spec, x)
    xn = _norm_fp32_weight(w, d, col, h, d.T, "input_layernorm")
    attn = _attention(w, d, spec, xn, ctx, spec.layer_type(layer), cache)
    w.drop(xn)
    h1 = _expand(w, d, spec, attn, x, weights)
    w.drop(attn)
    col2, weights2 = hyper_connection(w, d, spec, h1)
    w.drop(col)
    xn2 = _norm_fp32_weight(w, d, col2, h, d.T, "post_attention_layernorm")
    m = _moe(w, d, spec, xn2, layer)
    w.drop(xn2)
    out = _expand(w, d, spec, m, h1, weights2)
    w.drop(m, h1, col2)
    return out


def _attention(w: _Walk, d: Dims, spec: ModelSpec, x: _T, ctx: _Ctx, kind: str, cache: _Cache | None) -> _T:
    """DeepseekV4Attention.forward."""
    c = spec.compressed
    assert c is not None
    h, heads, hd, q_rank, rd = (
        spec.hidden_size,
        spec.num_attention_heads,
        spec.head_dim,
        spec.q_lora_rank,
        spec.qk_rope_head_dim,
    )
    qa = _linear(w, d, x, "q_a_proj", h, q_rank)
    q_res = _norm_fp32_weight(w, d, qa, q_rank, d.T, "q_a_norm")
    w.drop(qa)
    q1 = _linear(w, d, q_res, "q_b_proj", q_rank, heads * hd)
    q2 = _unweighted_norm(w, d, q1, hd, d.T * heads, "q_b_norm")
    w.drop(q1)
    q = _rope(w, d, q2, d.T, heads, hd, rd, d.s)
    w.drop(q2)
    kv0 = _linear(w, d, x, "kv_proj", h, hd)
    kv1 = _norm_fp32_weight(w, d, kv0, hd, d.T, "kv_norm")
    w.drop(kv0)
    kv = _rope(w, d, kv1, d.T, 1, hd, rd, d.s)
    w.drop(kv1)
    keys, window = _window_update(w, d, spec, kv, kind, cache)
    w.drop(kv)
    pooled: Num = 0
    extra: list[_T] = []
    if kind in COMPRESSED_KINDS:
        pooled, extra = _compressor(w, d, spec, x, q_res, kind, cache)
    kv_tokens = window + pooled
    full = w.op("keys + pooled cat", d.b * kv_tokens * hd * d.e, [keys]) if kind in COMPRESSED_KINDS else keys
    mask = ctx.masks.get("deepseek_v4")
    if mask is not None and kind in COMPRESSED_KINDS and np.any(d.s > 1):
        mask2 = w.op("mask + block bias cat", d.b * d.s * kv_tokens * d.e, [mask, *extra])
    else:
        mask2 = None
    w.drop(*extra)
    o = _eager_sinks(w, d, heads, hd, q, full, mask2 if mask2 is not None else mask, kv_tokens)
    w.drop(q, mask2)
    if full is not keys:
        w.drop(full)
    if cache is None:
        w.drop(keys)
    neg = w.new("-sin", d.s * rd * d.e // 2)
    o2 = _rope(w, d, o, d.T, heads, hd, rd, d.s)
    w.drop(o, neg)
    grouped = w.op("grouped reshape", d.T * heads * hd * d.e, [o2])
    w.drop(o2)
    full_ft = d.train and not d.lora
    ga = w.op(
        "o_a_proj bmm",
        d.T * c.o_groups * c.o_lora_rank * d.e,
        [grouped],
        saves=[grouped] if full_ft else [],
        weight_grad=heads * hd * c.o_lora_rank * d.e,
        trainable=full_ft,
    )
    gc = w.op("o_a_proj reshape", d.T * c.o_groups * c.o_lora_rank * d.e, [ga])
    w.drop(ga, grouped)
    y = _linear(w, d, gc, "o_b_proj", c.o_groups * c.o_lora_rank, h)
    w.drop(gc, q_res)
    return y


def _window_update(
    w: _Walk, d: Dims, spec: ModelSpec, kv: _T, kind: str, cache: _Cache | None
) -> tuple[_T, Num]:
    """The sliding window's cache update: DynamicSlidingWindowLayer concatenates keys and values
    separately (two tensors) on sliding-only layers; V4's HCA/CSA cache one shared tensor. Returns
    the keys attention reads and their number of positions."""
    hd = spec.head_dim
    if cache is None:  # training: attention reads the projection itself (a second reference)
        return w.op("window keys", kv.nbytes, [kv], view_of=kv), d.s
    tokens = d.s if cache.tokens is None else cache.tokens
    copies = 1 if kind in COMPRESSED_KINDS else 2
    news = [w.new("window cat", d.b * tokens * hd * d.e) for _ in range(copies)]
    w.drop(*[t for t in cache.old if t.name.startswith("old window")])
    cache.kept.extend(news)
    return news[0], tokens


def _compressor(
    w: _Walk, d: Dims, spec: ModelSpec, x: _T, q_res: _T, kind: str, cache: _Cache | None
) -> tuple[Num, list[_T]]:
    """DeepseekV4HCACompressor / DeepseekV4CSACompressor.forward: returns the pooled positions the
    keys gain and the block bias it hands attention (prefill)."""
    c = spec.compressed
    assert c is not None
    rate, hd = c.rate(kind), spec.head_dim
    keep: list[_T] = []
    held: list[_T] = []
    entries = _pool(w, d, spec, x, hd, rate, c.overlapping(kind), cache, "compressor", keep, held)
    extra: list[_T] = []
    if kind == CSA and spec.indexer is not None:
        ix = spec.indexer
        ientries = _pool(w, d, spec, x, ix.head_dim, rate, True, cache, "indexer", keep, held)
        topk = _indexer_scores(w, d, spec, q_res, ientries)
        if np.any(d.s > 1):
            valid = w.new("indexer valid", d.b * d.s * topk)
            safe = w.op("safe indices", d.b * d.s * topk * 8, [valid])
            fill = w.new("full_like", d.b * d.s * topk * 8)
            w.drop(fill)
            bias = w.new("block bias", d.b * d.s * (entries + 1) * d.e)
            w.drop(valid, safe)
            extra.append(bias)
        held.append(w.new("top-k indices", d.b * d.s * topk * 8))
    elif np.any(d.s > 1):
        thr = w.new("causal threshold", d.b * d.s * 8)
        flag = w.new("entry >= threshold", d.b * d.s * entries)
        zeros = w.new("block bias zeros", d.b * d.s * entries * d.e)
        bias = w.op("block bias", d.b * d.s * entries * d.e, [zeros])
        w.drop(thr, flag, zeros)
        extra.append(bias)
    w.drop(*held)
    if cache is not None:
        cache.kept.extend(keep)
    else:
        w.drop(*keep)
    return entries, extra


def _pool(
    w: _Walk,
    d: Dims,
    spec: ModelSpec,
    x: _T,
    width: int,
    rate: int,
    overlap: bool,
    cache: _Cache | None,
    name: str,
    keep: list[_T],
    held: list[_T],
) -> Num:
    """One compressor's projections and pooled entries; returns the entries attention (or the
    indexer) reads. The projections stay in the cache (`buffer_kv` / `buffer_gate` are views of
    them); the window softmax runs in fp32 over chunk_gate + position_bias."""
    h = spec.hidden_size
    series = 2 if overlap else 1
    if name == "indexer":  # its keys only feed the top-k: no gradient ever reaches these weights
        proj = w.op(f"{name}.kv_proj", d.T * series * width * d.e, [x])
        gate = w.op(f"{name}.gate_proj", d.T * series * width * d.e, [x])
    else:
        proj = _linear(w, d, x, f"{name}.kv_proj", h, series * width)
        gate = _linear(w, d, x, f"{name}.gate_proj", h, series * width)
    if cache is not None and cache.tokens is not None:  # decode: one token joins the buffer
        keep.append(_decode_pending(w, cache, name))
        keep.extend(t for t in cache.old if t.name in (f"old {name} pooled", f"old {name} overlap"))
        w.drop(proj, gate)
        return d.kv // rate
    usable = (d.s // rate) * rate
    nw = d.s // rate
    u = d.b * usable
    g32 = w.op(f"{name} gate+position_bias", u * series * width * 4, [gate])
    held.append(g32)
    if overlap:
        new_kv = w.new(f"{name} new_kv", u * 2 * width * d.e)
        new_gate = w.new(f"{name} new_gate", u * 2 * width * 4)
        if cache is not None:
            ov = w.new(f"{name} overlap kv", np.where(nw > 0, d.b * rate * width * d.e, 0))
            og = w.new(f"{name} overlap gate", np.where(nw > 0, d.b * rate * width * 4, 0))
            keep += [ov, og]
        soft_n = u * 2 * width
        held += [new_kv, new_gate]
    else:
        soft_n = u * width
    sm = w.op(f"{name} softmax", soft_n * 4, [g32], saves_out=True)
    smc = w.op(f"{name} softmax cast", soft_n * d.e, [sm])
    w.drop(sm)
    src = held[-2] if overlap else proj  # new_kv (CSA's two series laid out per window) or the projection
    prod = w.op(f"{name} kv*softmax", soft_n * d.e, [smc, src], saves=[smc, src])
    w.drop(smc)
    summed = w.op(f"{name} window sum", d.b * nw * width * d.e, [prod])
    w.drop(prod)
    normed = _norm_fp32_weight(w, d, summed, width, d.b * nw, f"{name}.kv_norm", trains=name != "indexer")
    w.drop(summed)
    pooled = _rope(w, d, normed, d.b * nw, 1, width, spec.qk_rope_head_dim, nw)
    w.drop(normed)
    keep += [proj, gate, pooled]
    return nw


def _decode_pending(w: _Walk, cache: _Cache, name: str) -> _T:
    """Decode: the new token's projections join the buffer (a concatenation); the old one goes."""
    for t in cache.old:
        if t.name == f"old {name} pending":
            new = w.new(f"{name} pending cat", t.nbytes)
            w.drop(t)
            return new
    return w.new(f"{name} pending", 0)


def _indexer_scores(w: _Walk, d: Dims, spec: ModelSpec, q_res: _T, entries: Num) -> Num:
    """DeepseekV4Indexer's query and DeepseekV4IndexerScorer: fp32 [tokens, heads, entries] scores,
    ReLU, scale, times the per-head weights, summed; then the top-k. Returns k."""
    ix = spec.indexer
    assert ix is not None
    heads, ihd = ix.num_heads, ix.head_dim
    q = w.op("indexer.q_b_proj", d.T * heads * ihd * d.e, [q_res])  # no gradient reaches it (top-k)
    qr = _rope(w, d, q, d.T, heads, ihd, spec.qk_rope_head_dim, d.s)
    w.drop(q)
    qf = w.op("indexer q fp32", d.T * heads * ihd * 4, [qr])
    w.drop(qr)
    kf = w.new("indexer keys fp32", d.b * entries * ihd * 4)
    cells = d.T * heads * entries
    s = w.op("indexer scores", cells * 4, [qf, kf])
    w.drop(qf, kf)
    r = w.op("indexer relu", cells * 4, [s])
    w.drop(s)
    sc = w.op("indexer *scale", cells * 4, [r])
    w.drop(r)
    wp = w.op("indexer weights_proj", d.T * heads * d.e, [q_res])
    wf = w.op("indexer weights fp32", d.T * heads * 4, [wp])
    w.drop(wp)
    ws = w.op("indexer weights scaled", d.T * heads * 4, [wf])
    w.drop(wf)
    prod = w.op("indexer scores*weights", cells * 4, [sc, ws])
    w.drop(sc, ws)
    total = w.op("indexer sum over heads", d.T * entries * 4, [prod])
    w.drop(prod)
    topk = np.minimum(ix.topk, entries)
    masked = w.op("indexer masked", d.T * entries * 4, [total])
    w.drop(total)
    w.tmp("indexer top-k", d.T * topk * 12)
    w.drop(masked)
    return topk


def _eager_sinks(
    w: _Walk, d: Dims, heads: int, hd: int, q: _T, kv: _T, mask: _T | None, kv_tokens: Num
) -> _T:
    """V4's eager_attention_forward: one key/value head broadcast to every query head (a view),
    scores and their scaled, masked copies in the compute dtype, the fp32 sink column concatenated
    (fp32 logits), the row max subtracted, an fp32 softmax, the probabilities without the sink cast
    back (returned as attn_weights, dropped when the attention module returns)."""
    rows = d.b * heads * d.s
    n = rows * kv_tokens
    # torch.matmul folds the batch and head dims into one for bmm: with more than one sequence the
    # broadcast key/value head cannot be viewed that way and is copied to every head (a clone).
    copy = np.where(d.b > 1, d.b * heads * kv_tokens * hd * d.e, 0)
    kc = w.new("k broadcast copy", copy)
    s = w.op("scores q@k", n * d.e, [q, kv], saves=[q, kv, kc])
    w.drop(kc)
    scaled = w.op("scores *scale", n * d.e, [s])
    w.drop(s)
    if mask is not None:
        masked = w.op("scores +mask", n * d.e, [scaled])
        w.drop(scaled)
        scaled = masked
    cat = w.op("scores + sinks cat (fp32)", rows * (kv_tokens + 1) * 4, [scaled])
    mx = w.new("row max", rows * 4)
    idx = w.new("row max indices", rows * 8)
    mxo = w.op("row max (op)", 0, [cat], saves=[idx])
    w.drop(idx, mxo)
    shifted = w.op("logits - max", rows * (kv_tokens + 1) * 4, [cat, mx])
    w.drop(cat, mx)
    probs = w.op("softmax", rows * (kv_tokens + 1) * 4, [shifted], saves_out=True)
    weights = w.op("probs cast", n * d.e, [probs])
    w.drop(scaled)
    vc = w.new("v broadcast copy", copy)
    out = w.op("probs@v", d.T * heads * hd * d.e, [weights, kv], saves=[weights, kv, vc])
    w.drop(vc)
    o = w.op("attn transpose", d.T * heads * hd * d.e, [out])
    w.drop(out, shifted, probs, weights)
    return o


def _moe(w: _Walk, d: Dims, spec: ModelSpec, x: _T, layer: int) -> _T:
    """DeepseekV4SparseMoeBlock: router, grouped expert matmul (integrations/moe.py), shared expert."""
    h, k, inter, n_exp = (
        spec.hidden_size,
        spec.num_experts_per_tok,
        spec.moe_intermediate_size,
        spec.num_experts,
    )
    full = d.train and not d.lora
    logits = _linear(w, d, x, "gate", h, n_exp)
    sp = w.op("softplus", d.T * n_exp * d.e, [logits], saves=[logits])
    scores = w.op("sqrt", d.T * n_exp * d.e, [sp], saves_out=True)
    w.drop(sp)
    if layer in spec.hash_moe_layers:
        idx = w.new("tid2eid[input_ids]", d.T * k * 8)
    else:
        biased = w.op("scores + correction bias", d.T * n_exp * 4, [scores])
        vals = w.new("topk values", d.T * k * 4)
        idx = w.new("topk indices", d.T * k * 8)
        w.drop(biased, vals)
    g = w.op("scores gather", d.T * k * d.e, [scores], saves=[idx])
    total = w.op("weights sum", d.T * d.e, [g])
    weights = w.op("weights normalised", d.T * k * d.e, [g, total], saves=[g, total])
    w.drop(g, total)
    scaled = w.op("weights * routed_scaling_factor", d.T * k * d.e, [weights])
    w.drop(weights, scores)
    rows = d.T * k
    srt = w.new("sort values+indices", rows * 16)
    perm = w.op("perm // top_k", rows * 8, [srt])
    sel = w.op("tokens gathered", rows * h * d.e, [x], saves=[perm])
    w.drop(perm)
    inv_w = w.new("weights index", rows * 8)
    sw = w.op("weights gathered", rows * d.e, [scaled], saves=[inv_w])
    w.drop(inv_w)
    hist = w.new("histc input", rows * 4)
    gu = w.op(
        "experts gate_up",
        rows * 2 * inter * d.e,
        [sel],
        saves=[sel] if full else [],
        weight_grad=n_exp * 2 * inter * h * d.e,
        trainable=full,
    )
    gate = w.op("gate clamp", rows * inter * d.e, [gu], saves=[gu])
    up = w.op("up clamp", rows * inter * d.e, [gu], saves=[gu])
    act = w.op("silu", rows * inter * d.e, [gate], saves=[gate])
    p = w.op("silu*up", rows * inter * d.e, [act, up], saves=[act, up])
    w.drop(gu, gate, up, act)
    dn = w.op(
        "experts down",
        rows * h * d.e,
        [p],
        saves=[p] if full else [],
        weight_grad=n_exp * inter * h * d.e,
        trainable=full,
    )
    w.drop(p)
    wo = w.op("experts weighted", rows * h * d.e, [dn, sw], saves=[dn, sw])
    inv = w.new("inverse perm", rows * 8)
    wi = w.op("experts unsorted", rows * h * d.e, [wo], saves=[inv])
    w.drop(wo)
    routed = w.op("experts sum", d.T * h * d.e, [wi])
    w.drop(sel, dn, wi, inv, sw, srt, hist, scaled, idx)
    sg = _linear(w, d, x, "shared_experts.gate_proj", h, inter)
    sgc = w.op("shared gate clamp", d.T * inter * d.e, [sg], saves=[sg])
    w.drop(sg)
    su = _linear(w, d, x, "shared_experts.up_proj", h, inter)
    suc = w.op("shared up clamp", d.T * inter * d.e, [su], saves=[su])
    w.drop(su)
    sa = w.op("shared silu", d.T * inter * d.e, [sgc], saves=[sgc])
    sp2 = w.op("shared silu*up", d.T * inter * d.e, [sa, suc], saves=[sa, suc])
    w.drop(sa, sgc, suc)
    shared = _linear(w, d, sp2, "shared_experts.down_proj", inter, h)
    w.drop(sp2)
    out = w.op("routed + shared", d.T * h * d.e, [routed, shared])
    w.drop(routed, shared, logits)
    return out


def prefix(w: _Walk, d: Dims, spec: ModelSpec) -> tuple[_Ctx, _T, list[_T]]:
    """DeepseekV4Model.forward before the blocks: embeddings (kept in `inputs_embeds`), positions,
    one sliding-window mask every layer shares (eager: additive, compute dtype), the "main" and
    "compress" rotary tables. The hc_mult streams are the first block's input (the caller's)."""
    h, half = spec.hidden_size, spec.qk_rope_head_dim // 2
    ids = w.new("input_ids", d.T * 8)
    emb = w.op("embeddings", d.T * h * d.e, [ids])
    pos = w.new("position_ids", d.s * 8)
    cells = d.s * d.kv
    w.tmp("mask parts", 2 * cells)
    boolean = w.new("sliding mask (bool)", cells)
    mask = w.new("sliding mask (additive)", d.b * cells * d.e)
    w.drop(boolean)
    held = [ids, pos, mask]
    tables = []
    for name in ("main", "compress"):
        w.tmp(f"{name} rotary freqs", 3 * d.s * half * 4)
        tables += [w.new(f"{name} cos", d.s * half * d.e), w.new(f"{name} sin", d.s * half * d.e)]
    held += tables
    return _Ctx(tables[2], tables[3], {"deepseek_v4": mask}), emb, held


def head_input(w: _Walk, d: Dims, spec: ModelSpec, x: _T) -> _T:
    """DeepseekV4HyperHead (fp32 collapse of the streams) then the final norm; returns its output."""
    c = spec.compressed
    assert c is not None
    h = spec.hidden_size
    wide = d.T * c.hc_mult * h * 4
    full = d.train and not d.lora
    xf = w.op("hc_head streams fp32", wide, [x])
    sq = w.op("hc_head norm square", wide, [xf], saves=[xf])
    mean = w.op("hc_head norm mean", d.T * 4, [sq])
    w.drop(sq)
    r = w.op("hc_head norm rsqrt", d.T * 4, [mean], saves_out=True)
    w.drop(mean)
    normed = w.op("hc_head norm out", wide, [xf, r], saves=[xf, r])
    w.drop(xf, r)
    mixes = w.op(
        "hc_head mixes",
        d.T * c.hc_mult * 4,
        [normed],
        saves=[normed] if full else [],
        weight_grad=c.hc_mult * c.hc_mult * h * 4,
        trainable=full,
    )
    w.drop(normed)
    pre = w.op("hc_head pre (sigmoid)", d.T * c.hc_mult * 4, [mixes], saves_out=True)
    w.drop(mixes)
    weighted = w.op("hc_head pre*streams", wide, [pre, x], saves=[pre, x])
    summed = w.op("hc_head collapse", d.T * h * 4, [weighted])
    w.drop(weighted, pre)
    collapsed = w.op("hc_head cast", d.T * h * d.e, [summed])
    w.drop(summed)
    out = _norm_fp32_weight(w, d, collapsed, h, d.T, "norm")
    w.drop(collapsed)
    return out


def old_cache(w: _Walk, spec: ModelSpec, d: Dims, layer: int, prompt: Num, context: Num) -> list[_T]:
    """A V4 layer's cache before the last decode step (context - 1 tokens), as the transformers
    engine lays it out (engines/transformers.py `compressed_terms`)."""
    c = spec.compressed
    assert c is not None and spec.sliding_window is not None
    kind, hd = spec.layer_type(layer), spec.head_dim
    held = context - 1
    window = np.where(held > prompt, np.minimum(held, spec.sliding_window), prompt)
    if kind not in COMPRESSED_KINDS:
        return [w.new("old window", d.b * window * hd * d.e) for _ in range(2)]
    rate = c.rate(kind)
    out = [w.new("old window", d.b * window * hd * d.e)]
    pending = np.where(held > prompt, (held - 1) % rate + 1, prompt)
    names = [("compressor", hd)]
    if kind == CSA and spec.indexer is not None:
        names.append(("indexer", spec.indexer.head_dim))
    series = 2 if c.overlapping(kind) else 1
    for name, width in names:
        out.append(w.new(f"old {name} pooled", d.b * (held // rate) * width * d.e))
        out.append(w.new(f"old {name} pending", d.b * pending * 2 * series * width * d.e))
        if series == 2:
            out.append(
                w.new(f"old {name} overlap", np.where(held >= rate, d.b * rate * width * (d.e + 4), 0))
            )
    return out
