"""Attention token mixers: MHA/GQA (fused SDPA, eager, sinks), Falcon's layouts, MLA, and the
DynamicCache update they make."""

from __future__ import annotations

from dataclasses import dataclass, field

from llmsize.estimate import arrays as np
from llmsize.estimate.activations.walk import (
    _T,
    Dims,
    Num,
    _Ctx,
    _linear,
    _rmsnorm,
    _rope,
    _Walk,
    rope_fp32,
)
from llmsize.estimate.engines.transformers import MEM_EFF_MASK_ALIGNMENT, Transformers
from llmsize.estimate.kv_cache import cache_kv_heads
from llmsize.specs.models import ModelSpec


def _repeat_kv(
    w: _Walk, d: Dims, k: _T, v: _T, heads: int, k_head_bytes: Num, dv: int, kv_tokens: Num
) -> tuple[_T, _T]:
    """transformers' `repeat_kv`: K and V copied out to every query head (GQA/MQA), one new tensor each."""
    kk = w.op("repeat_kv k", d.b * kv_tokens * heads * k_head_bytes, [k])
    vv = w.op("repeat_kv v", d.b * kv_tokens * heads * dv * d.e, [v])
    return kk, vv


def _fused_attention(
    w: _Walk,
    d: Dims,
    q: _T,
    k: _T,
    v: _T,
    mask: _T | None,
    heads: int,
    kv_heads: int,
    dv: int,
    kv_tokens: Num,
    repeat_kv: bool = True,
) -> _T:
    """transformers' sdpa_attention_forward with SDPA as the fused GPU kernel.

    No mask: `enable_gqa` lets the kernel read the shared KV heads. A mask: transformers repeats
    K/V to every head (`repeat_kv`; not Falcon, which calls torch's SDPA itself with its single
    K/V head broadcast, `repeat_kv=False`) and torch turns a boolean mask into an additive one in the
    compute dtype, padded to 16 columns for the memory-efficient kernel, which keeps it for
    backward. Returns the output transposed back to (batch, seq, heads*dv): the kernels write it
    as (batch, seq, heads, dv) and hand back a transposed view (flash: `empty_like` of the
    transposed query, which RoPE left in that layout; memory-efficient: `at::empty({B, M,
    num_heads, Kv})`; the CPU flash kernel likewise), so sdpa_attention_forward's
    `transpose(1, 2).contiguous()` is a view, not a copy (checked on CPU: measure/saved_tensors.py).
    """
    kk, vv = k, v
    if repeat_kv and mask is not None and kv_heads != heads and np.all(d.s > 1):  # one query token: no copy
        kk, vv = _repeat_kv(w, d, k, v, heads, k.nbytes // (d.b * kv_tokens * kv_heads), dv, kv_tokens)
    add_mask = None
    if mask is not None:
        cols = kv_tokens
        add_mask = w.new("sdpa additive mask", d.b * d.s * cols * d.e)
        pad = (-cols) % MEM_EFF_MASK_ALIGNMENT
        if np.any(pad):
            padded = w.new("sdpa mask padded", d.b * d.s * (cols + pad) * d.e)
            w.drop(add_mask)
            add_mask = padded
    lse = w.new("sdpa logsumexp", d.b * heads * d.s * 4)
    out = w.op(
        "sdpa out",
        d.T * heads * dv * d.e,
        [q, kk, vv],
        saves=[q, kk, vv, lse, *([add_mask] if add_mask is not None else [])],
        saves_out=True,
    )
    w.drop(lse, add_mask)
    if kk is not k:
        w.drop(kk, vv)
    o = w.op("attn transpose", d.T * heads * dv * d.e, [out], view_of=out)
    w.drop(out)
    return o


def _scaled_scores(
    w: _Walk,
    d: Dims,
    spec: ModelSpec,
    q: _T,
    k: _T,
    v: _T,
    heads: int,
    kv_heads: int,
    dv: int,
    kv_tokens: Num,
) -> tuple[_T, _T, Num, _T]:
    """The start both eager paths share: K/V repeated to every head (GQA/MQA), q @ k^T, times the
    scale. Returns the (repeated) K and V, the score count and the scaled scores."""
    kk, vv = k, v
    if kv_heads != heads:
        kk, vv = _repeat_kv(w, d, k, v, heads, spec.head_dim * d.e, dv, kv_tokens)
    n = d.b * heads * d.s * kv_tokens
    s = w.op("scores q@k", n * d.e, [q, kk], saves=[q, kk])
    scaled = w.op("scores *scale", n * d.e, [s])
    w.drop(s)
    return kk, vv, n, scaled


def _eager_attention(
    w: _Walk,
    d: Dims,
    spec: ModelSpec,
    q: _T,
    k: _T,
    v: _T,
    mask: _T | None,
    heads: int,
    kv_heads: int,
    dv: int,
    kv_tokens: Num,
) -> _T:
    """eager_attention_forward (modeling_llama.py / modeling_gemma2.py): scores and their fp32 softmax."""
    if spec.attn_logit_softcapping and d.fast:
        # Unsloth runs softcapped attention as its torch.compile'd gemma2_attention
        from llmsize.estimate.unsloth_gemma2_attention import compiled_softcap_attention

        kk, vv = (k, v)
        if kv_heads != heads:
            kk, vv = _repeat_kv(w, d, k, v, heads, spec.head_dim * d.e, dv, kv_tokens)
        o = compiled_softcap_attention(w, d, q, kk, vv, heads, dv, kv_tokens)
        if kk is not k:
            w.drop(kk, vv)
        return o
    kk, vv, n, s = _scaled_scores(w, d, spec, q, k, v, heads, kv_heads, dv, kv_tokens)
    if spec.attn_logit_softcapping:
        s3 = w.op("scores /cap", n * d.e, [s])
        w.drop(s)
        s4 = w.op("scores tanh", n * d.e, [s3], saves_out=True)
        w.drop(s3)
        s = w.op("scores *cap", n * d.e, [s4])
        w.drop(s4)
    if mask is not None:
        s5 = w.op("scores +mask", n * d.e, [s])
        w.drop(s)
        s = s5
    sf = w.op("scores fp32", n * 4, [s])
    p = w.op("softmax", n * 4, [sf], saves_out=True)
    w.drop(sf)
    pe = w.op("probs cast", n * d.e, [p])
    w.drop(p, s)
    out = w.op("probs@v", d.T * heads * dv * d.e, [pe, vv], saves=[pe, vv])
    # The probabilities are returned as attn_weights; the decoder layer binds them to `_` until it returns.
    w.held_until_layer_end.append(pe)
    if kk is not k:
        w.drop(kk, vv)
    o = w.op("attn transpose", d.T * heads * dv * d.e, [out])
    w.drop(out)
    return o


def _eager_attention_sinks(
    w: _Walk,
    d: Dims,
    spec: ModelSpec,
    q: _T,
    k: _T,
    v: _T,
    mask: _T | None,
    heads: int,
    kv_heads: int,
    dv: int,
    kv_tokens: Num,
) -> _T:
    """gpt-oss `eager_attention_forward` (modeling_gpt_oss.py): a sink logit per head is appended
    to the scores (torch.cat), the row max is subtracted and the softmax runs in the compute dtype
    (`dtype=combined_logits.dtype`, no fp32 upcast, unlike Llama's). The masked scores stay bound
    to `attn_weights` until the sliced probabilities replace them, and the max-subtracted logits
    stay bound to `combined_logits` until the function returns: three score-sized tensors at the
    softmax. Dropout is the identity (p=0), so the returned weights are a view of the probabilities."""
    kk, vv, n, scores = _scaled_scores(w, d, spec, q, k, v, heads, kv_heads, dv, kv_tokens)
    rows = d.b * heads * d.s
    if mask is not None:
        masked = w.op("scores +mask", n * d.e, [scores])
        w.drop(scores)
        scores = masked
    cat = w.op("scores + sinks cat", rows * (kv_tokens + 1) * d.e, [scores])
    idx = w.new("max indices", rows * 8)
    mx = w.op("row max", rows * d.e, [cat], saves=[idx])
    w.drop(idx)
    shifted = w.op("logits - max", rows * (kv_tokens + 1) * d.e, [cat, mx])
    w.drop(cat, mx)
    probs = w.op("softmax", rows * (kv_tokens + 1) * d.e, [shifted], saves_out=True)
    weights = w.op("probs without sink", n * d.e, [probs], view_of=probs)
    w.drop(scores, probs)
    out = w.op("probs@v", d.T * heads * dv * d.e, [weights, vv], saves=[weights, vv])
    o = w.op("attn transpose", d.T * heads * dv * d.e, [out])
    w.drop(out, shifted)
    if kk is not k:
        w.drop(kk, vv)
    # The weights are returned as attn_weights; the decoder layer binds them to `_` until it returns.
    w.held_until_layer_end.append(weights)
    return o


def _eager_attention_rebinding(
    w: _Walk,
    d: Dims,
    spec: ModelSpec,
    q: _T,
    k: _T,
    v: _T,
    mask: _T | None,
    heads: int,
    kv_heads: int,
    dv: int,
    kv_tokens: Num,
) -> _T:
    """MiMo-V2-Flash `eager_attention_forward` (modeling_mimo_v2_flash.py), on every block: a sink logit
    per head is appended only where the block has sinks (the sliding ones), the row max is subtracted
    and the softmax runs in the compute dtype, like gpt-oss; but each step rebinds `attn_weights`, so the
    masked scores are freed by the cat and the cat by the subtraction: two score-sized tensors at the
    softmax (the shifted logits and the probabilities), the shifted ones freed when the sliced
    probabilities are bound."""
    sink = spec.attention_sinks
    kk, vv, n, scores = _scaled_scores(w, d, spec, q, k, v, heads, kv_heads, dv, kv_tokens)
    rows = d.b * heads * d.s
    width = kv_tokens + 1 if sink else kv_tokens
    if mask is not None:
        masked = w.op("scores +mask", n * d.e, [scores])
        w.drop(scores)
        scores = masked
    if sink:
        cat = w.op("scores + sinks cat", rows * width * d.e, [scores])
        w.drop(scores)
        scores = cat
    idx = w.new("max indices", rows * 8)
    mx = w.op("row max", rows * d.e, [scores], saves=[idx])
    w.drop(idx)
    shifted = w.op("logits - max", rows * width * d.e, [scores, mx])
    w.drop(scores, mx)
    probs = w.op("softmax", rows * width * d.e, [shifted], saves_out=True)
    weights = w.op("probs without sink", n * d.e, [probs], view_of=probs) if sink else probs
    w.drop(shifted)
    if sink:
        w.drop(probs)
    out = w.op("probs@v", d.T * heads * dv * d.e, [weights, vv], saves=[weights, vv])
    o = w.op("attn transpose", d.T * heads * dv * d.e, [out])
    w.drop(out)
    if kk is not k:
        w.drop(kk, vv)
    # The weights are returned as attn_weights; the decoder layer binds them to `_` until it returns.
    w.held_until_layer_end.append(weights)
    return o


def _attend(
    w: _Walk,
    d: Dims,
    spec: ModelSpec,
    q: _T,
    k: _T,
    v: _T,
    mask: _T | None,
    heads: int,
    kv_heads: int,
    dv: int,
    kv_tokens: Num,
) -> _T:
    casts: list[_T] = []
    if q.elem == 4 and d.res:
        # fp32 q/k/v of a kbit-prepared QLoRA model: autocast (SDPA) or transformers' flash path
        # hands the kernel bf16 copies (kbit_upcast.py)
        from llmsize.estimate.kbit_upcast import autocast_qkv

        casts = autocast_qkv(w, d, q, k, v)
        q, k, v = casts
    if d.eager and spec.attention_sinks_sliding_only:
        o = _eager_attention_rebinding(w, d, spec, q, k, v, mask, heads, kv_heads, dv, kv_tokens)
    elif d.eager and spec.attention_sinks:
        o = _eager_attention_sinks(w, d, spec, q, k, v, mask, heads, kv_heads, dv, kv_tokens)
    elif d.eager:
        o = _eager_attention(w, d, spec, q, k, v, mask, heads, kv_heads, dv, kv_tokens)
    else:
        o = _fused_attention(w, d, q, k, v, mask, heads, kv_heads, dv, kv_tokens, spec.model_type != "falcon")
    w.drop(*casts)
    return o


@dataclass
class _Cache:
    """What one layer's cache holds before this forward (decode) and the bytes it adds."""

    old: list[_T] = field(default_factory=list)
    kept: list[_T] = field(default_factory=list)
    tokens: Num | None = None  # tokens a sliding layer concatenates (None: all kv tokens)


def _cache_update(
    w: _Walk, d: Dims, new: list[_T], widths: list[int], cache: _Cache | None, window: int | None
) -> list[_T]:
    """DynamicLayer.update (cache_utils.py): torch.cat of the old cache and the new states.

    Each concatenation is a new tensor of kv tokens; the old one goes when the cache rebinds.
    Sliding layers return the full concatenation and keep a view of its last window-1 tokens,
    so the storage of the whole concatenation stays (DynamicSlidingWindowLayer.update).
    """
    if cache is None:
        return new
    out = []
    tokens = d.kv if window is None or cache.tokens is None else cache.tokens
    for i, (t, width) in enumerate(zip(new, widths, strict=True)):
        full = w.new("cache cat", d.b * tokens * width * d.e)
        if window is None and i < len(cache.old):  # DynamicLayer rebinds self.keys before the values' cat
            w.drop(cache.old[i])
        w.drop(t)
        cache.kept.append(full)
        out.append(full)
    if window is not None:  # the sliding layer concatenates keys and values, then rebinds both
        w.drop(*cache.old)
    return out


def _falcon_broadcast(w: _Walk, d: Dims, q: _T, k: _T, v: _T, heads: int, hd: int) -> tuple[_T, _T, _T]:
    """Falcon's new decoder architecture (modeling_falcon.py `FalconAttention._split_heads` and
    `forward`): K and V are broadcast to every query head and flattened (a copy each, like the sliced
    query), then transposed and reshaped to [batch, heads, tokens, head_dim] (another copy each, the
    first freed); K and V stay that wide through RoPE, the cache and attention (see
    kv_cache.cache_kv_heads)."""
    out = []
    for name, t in (("q", q), ("k", k), ("v", v)):
        flat = w.op(f"{name} flatten copy", d.T * heads * hd * d.e, [t])
        w.drop(t)  # the view of the fused projection (which itself lives until attention returns)
        shaped = w.op(f"{name} transpose reshape", d.T * heads * hd * d.e, [flat])
        w.drop(flat)
        out.append(shaped)
    return out[0], out[1], out[2]


def _falcon_multi_query(w: _Walk, d: Dims, q: _T, k: _T, v: _T, heads: int, hd: int) -> tuple[_T, _T, _T]:
    """Multi-query Falcon (modeling_falcon.py `_split_heads`): K and V are taken with an index list
    (`fused_qkv[..., [-2], :]`), i.e. small copies, not views of the fused projection; the query
    slice is a view that `transpose(1, 2).reshape(...)` copies."""
    kc = w.op("k index copy", d.T * hd * d.e, [k])
    vc = w.op("v index copy", d.T * hd * d.e, [v])
    qc = w.op("q transpose reshape", d.T * heads * hd * d.e, [q])
    w.drop(q, k, v)
    return qc, kc, vc


def _mha(
    w: _Walk,
    d: Dims,
    spec: ModelSpec,
    x: _T,
    ctx: _Ctx,
    kind: str,
    cache: _Cache | None,
    *,
    key_multiplier: bool = False,
) -> _T:
    """Standard / GQA attention (Llama, Mistral, Qwen2/3, Phi-3, Gemma 2...); `key_multiplier`:
    FalconH1Attention scales the projected keys (a copy)."""
    h, heads, kvh, hd = spec.hidden_size, spec.num_attention_heads, spec.num_kv_heads, spec.head_dim
    gate = None
    if spec.fused_qkv:
        qkv = _linear(w, d, x, "qkv_proj", h, (heads + 2 * kvh) * hd)
        q = w.op("q", d.T * heads * hd * d.e, [qkv], view_of=qkv)
        k = w.op("k", d.T * kvh * hd * d.e, [qkv], view_of=qkv)
        v = w.op("v", d.T * kvh * hd * d.e, [qkv], view_of=qkv)
        cached = cache_kv_heads(spec, Transformers())
        if cached != kvh:
            q, k, v = _falcon_broadcast(w, d, q, k, v, heads, hd)
            kvh = cached
        elif spec.model_type == "falcon" and kvh == 1 < heads:
            q, k, v = _falcon_multi_query(w, d, q, k, v, heads, hd)
    else:
        qkv = None
        if spec.attn_output_gate:
            # Qwen3NextAttention: q_proj emits the query and a gate per head (torch.chunk views); the
            # gate is reshaped out of its strided half (a copy) and the projection goes once q_norm ran.
            qg = _linear(w, d, x, "q_proj", h, 2 * heads * hd)
            gate = w.op("gate reshape", d.T * heads * hd * d.e, [qg])
            q = w.op("q", d.T * heads * hd * d.e, [qg], view_of=qg)
            w.drop(qg)
        else:
            q = _linear(w, d, x, "q_proj", h, heads * hd)
        k = _linear(w, d, x, "k_proj", h, kvh * hd)
        v = _linear(w, d, x, "v_proj", h, kvh * hd)
    if spec.qk_norm != "none":
        width, rows_q, rows_k = (
            (hd, d.T * heads, d.T * kvh) if spec.qk_norm == "head" else (heads * hd, d.T, d.T)
        )
        g = spec.norm_unit_offset
        qn = _rmsnorm(
            w, d, q, width if spec.qk_norm == "head" else heads * hd, rows=rows_q, name="q_norm", gemma=g
        )
        w.drop(q)
        kn = _rmsnorm(
            w, d, k, width if spec.qk_norm == "head" else kvh * hd, rows=rows_k, name="k_norm", gemma=g
        )
        w.drop(k)
        q, k = qn, kn
    if key_multiplier:
        ks = w.op("k * key_multiplier", d.T * kvh * hd * d.e, [k])
        w.drop(k)
        k = ks
    if spec.rope_fp32 and not (d.fast or d.liger or d.compiled):
        qe, ke = rope_fp32(w, d, q, k, heads, kvh, hd, ctx.cos, ctx.sin)
        w.drop(q, k)
    else:
        qe = _rope(w, d, q, heads, hd, ctx.cos, ctx.sin)
        w.drop(q)
        ke = _rope(w, d, k, kvh, hd, ctx.cos, ctx.sin)
        w.drop(k)
    window = spec.sliding_window if kind == "sliding_attention" else None
    kc, vc = _cache_update(w, d, [ke, v], [kvh * hd, kvh * hd], cache, window)
    kv_tokens = d.kv if cache is None or cache.tokens is None or window is None else cache.tokens
    o = _attend(w, d, spec, qe, kc, vc, ctx.masks.get(kind), heads, kvh, hd, kv_tokens)
    w.drop(qe)
    if cache is None:
        w.drop(kc, vc)
    if gate is not None:
        sg = w.op("gate sigmoid", d.T * heads * hd * d.e, [gate], saves_out=True)
        w.drop(gate)
        gated = w.op("attn * sigmoid(gate)", d.T * heads * hd * d.e, [o, sg], saves=[o, sg])
        w.drop(o, sg)
        o = gated
    y = _linear(w, d, o, "o_proj", heads * hd, h)
    w.drop(o, qkv)  # Phi3Attention keeps the fused projection in a local until it returns
    return y


def _mla(w: _Walk, d: Dims, spec: ModelSpec, x: _T, ctx: _Ctx, kind: str, cache: _Cache | None) -> _T:
    """Multi-head latent attention (modeling_deepseek_v2.py DeepseekV2Attention): the cache keeps
    the compressed latent; K and V are decompressed per forward with kv_b_proj."""
    h, heads = spec.hidden_size, spec.num_attention_heads
    nope, rope, dv, rank = spec.qk_nope_head_dim, spec.qk_rope_head_dim, spec.v_head_dim, spec.kv_lora_rank
    qk = nope + rope
    dsa = spec.indexer is not None and spec.compressed is None and bool(spec.q_lora_rank)
    qan: _T | None = None
    if spec.q_lora_rank:
        qa = _linear(w, d, x, "q_a_proj", h, spec.q_lora_rank)
        qan = _rmsnorm(w, d, qa, spec.q_lora_rank, name="q_a_layernorm")
        w.drop(qa)
        q = _linear(w, d, qan, "q_b_proj", spec.q_lora_rank, heads * qk)
        if not dsa:  # the DSA indexer reads q_resid after the keys are expanded
            w.drop(qan)
    else:
        q = _linear(w, d, x, "q_proj", h, heads * qk)
    ckv = _linear(w, d, x, "kv_a_proj_with_mqa", h, rank + rope)
    kv_nope = w.op("kv_nope", d.T * rank * d.e, [ckv], view_of=ckv)
    k_pe = w.op("k_pe", d.T * rope * d.e, [ckv], view_of=ckv)
    w.drop(ckv)
    k_lat = _rmsnorm(w, d, kv_nope, rank, name="kv_a_layernorm")
    w.drop(kv_nope)
    # apply_rotary_emb: fp32 copies viewed as complex, multiplied by freqs_cis, cast back.
    qf = w.op("q_pe fp32", d.T * heads * rope * 4, [q])
    qc = w.op("q_pe*freqs", d.T * heads * rope * 4, [qf], saves=[ctx.cos])
    w.drop(qf)
    q_pe = w.op("q_pe", d.T * heads * rope * d.e, [qc])
    w.drop(qc)
    kf = w.op("k_pe fp32", d.T * rope * 4, [k_pe])
    w.drop(k_pe)
    kcx = w.op("k_pe*freqs", d.T * rope * 4, [kf], saves=[ctx.cos])
    w.drop(kf)
    k_rot = w.op("k_rot", d.T * rope * d.e, [kcx])
    w.drop(kcx)
    k_lat, k_rot = _cache_update(w, d, [k_lat, k_rot], [rank, rope], cache, None)
    query = w.op("query cat", d.T * heads * qk * d.e, [q, q_pe])
    if not dsa:  # DeepseekV32Attention.forward keeps q_states and q_rot (locals) until it returns
        w.drop(q, q_pe)
    kvb = _linear(w, d, k_lat, "kv_b_proj", rank, heads * (nope + dv), rows=d.b * d.kv)
    key = w.op("key states", d.b * d.kv * heads * qk * d.e, [kvb, k_rot])
    value = w.op("value states", d.b * d.kv * heads * dv * d.e, [kvb], view_of=kvb)
    w.drop(kvb)
    if cache is None:
        w.drop(k_lat, k_rot)
    masks: list[_T] = []
    if dsa and qan is not None:
        masks = _dsa_indexer(w, d, spec, x, qan)
        w.drop(qan, q, q_pe)
    o = _attend(w, d, spec, query, key, value, ctx.masks.get(kind), heads, heads, dv, d.kv)
    w.drop(query, key, value, *masks)
    y = _linear(w, d, o, "o_proj", heads * dv, h)
    w.drop(o)
    return y


def _dsa_indexer(w: _Walk, d: Dims, spec: ModelSpec, x: _T, q_resid: _T) -> list[_T]:
    """DeepSeek Sparse Attention's lightning indexer as transformers runs it (modeling_deepseek_v32.py
    DeepseekV32Indexer.forward, the same in glm_moe_dsa): after the keys are expanded it projects q_resid
    to index_n_heads x index_head_dim, scores every cached key in fp32 (matmul(q.float(), k.float()) x
    scale, then relu: two [batch, tokens, heads, kv] fp32 tensors at once; with batch > 1 the matmul also
    copies the keys broadcast to every query), weights and sums the heads
    and takes the top-k; the attention then masks the keys not picked (`index_mask`, a scattered bool
    [batch, tokens, kv], and the combined bool mask `attention_mask & ~index_mask`). The indexer gets no
    gradient (top-k indices), so autograd keeps nothing of it. Returns the masks the attention reads."""
    ix = spec.indexer
    if ix is None:
        return []
    heads, ihd = ix.num_heads, ix.head_dim
    rows = d.T * heads * ihd
    q = w.op("indexer.wq_b", rows * d.e, [q_resid])  # a local of forward: alive until it returns
    qr = w.op("indexer q rope+cat", rows * d.e, [q])
    kx = w.op("indexer.wk + k_norm", d.T * ihd * d.e, [x])
    qf = w.op("indexer q fp32", rows * 4, [qr])
    kf = w.op("indexer keys fp32", d.b * d.kv * ihd * 4, [kx])
    cells = d.T * heads * d.kv
    # torch.matmul folds q's batch dims into rows only when k's are all 1; with batch > 1 it expands the
    # [batch, 1, dim, kv] keys to [batch, tokens, dim, kv] and copies them for the bmm
    expanded = w.op("indexer keys broadcast", np.where(d.b > 1, d.T * ihd * d.kv * 4, 0), [kf])
    s = w.op("indexer scores", cells * 4, [qf, expanded])
    w.drop(qf, kf, kx, qr, expanded)
    sc = w.op("indexer *scale", cells * 4, [s])
    w.drop(s)
    r = w.op("indexer relu", cells * 4, [sc])
    w.drop(sc)
    wp = w.op("indexer weights_proj", d.T * heads * d.e, [x])
    wf = w.op("indexer weights fp32", d.T * heads * 4, [wp])
    w.drop(wp)
    summed = w.op("indexer weighted sum", d.T * d.kv * 4, [wf, r])
    w.drop(wf, r)
    masked = w.op("indexer masked scores", d.T * d.kv * 4, [summed])
    w.drop(summed, q)
    topk = np.minimum(ix.topk, d.kv)
    idx = w.op("indexer topk", d.T * topk * 8, [masked])
    w.drop(masked)
    idx32 = w.op("indexer topk int32", d.T * topk * 4, [idx])
    w.drop(idx)
    ones = w.op("index_mask ones", d.T * d.kv, [idx32])
    index_mask = w.op("index_mask scatter", d.T * d.kv, [ones, idx32])
    w.drop(ones, idx32)
    inverted = w.op("~index_mask", d.T * d.kv, [index_mask])
    combined = w.op("attention_mask & ~index_mask", d.T * d.kv, [inverted])
    w.drop(inverted)
    return [index_mask, combined]
