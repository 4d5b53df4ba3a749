"""Linear-attention token mixers: the gated delta-net of Qwen3-Next and Qwen3.5.

Modelled path: transformers 5.23's torch fallbacks, the code that runs when `flash-linear-attention`
and `causal-conv1d` are not installed (always on CPU, and on a GPU without those packages):
`causal_conv1d_fn` (a depthwise F.conv1d) and `torch_chunk_gated_delta_rule`
(modeling_qwen3_next.py / modeling_qwen3_5.py). That fallback works in fp32 on [batch, heads,
tokens padded to a multiple of 64, head_dim] tensors and keeps about ten of them as locals until it
returns, plus three [.., 64, 64] chunk matrices: per linear-attention layer the prefill transient is
roughly 40 bytes x tokens x value heads x head_dim, several times what the layer's own
projections weigh. With fla's Triton kernels (`chunk_gated_delta_rule`, what vLLM/SGLang and a GPU
install with `flash-linear-attention` run) the intermediates stay in the input dtype and per
chunk, so the mixer's transient is little more than its q/k/v/output: this walk is an upper bound
for those runs.

One decode token takes `torch_recurrent_gated_delta_rule` and `causal_conv1d_update`: a few
state-sized fp32 tensors per sequence.
"""

from __future__ import annotations

from llmsize.estimate import arrays as np
from llmsize.estimate.activations.attention import _Cache
from llmsize.estimate.activations.walk import _T, Dims, Num, _linear, _Walk
from llmsize.specs.models import ModelSpec, RecurrentSpec

# REFERENCE: modeling_qwen3_next.py torch_chunk_gated_delta_rule(chunk_size=64), the default the
# mixer calls it with.
DELTA_RULE_CHUNK = 64


def _padded(s: Num, chunk: int) -> Num:
    """Tokens padded up to a multiple of `chunk` (F.pad in the chunked scans)."""
    return -(-s // chunk) * chunk


def causal_conv(
    w: _Walk, d: Dims, x: _T, channels: int, kernel: int, cache: _Cache | None, *, silu: bool = True
) -> _T:
    """causal_conv1d_fn's torch path: depthwise conv1d padded by kernel-1 on both sides (an output of
    tokens + kernel - 1 columns, sliced), then SiLU. The prefill also allocates the conv state the
    cache keeps (`LinearAttentionLayer.lazy_initialization`, [batch, channels, kernel])."""
    if cache is not None and np.all(d.s > 1):
        cache.kept.append(w.new("conv state", d.b * channels * kernel * d.e))
    conv = w.op("conv1d", d.b * (d.s + kernel - 1) * channels * d.e, [x], saves=[x])
    if not silu:  # the sliced convolution output itself
        return conv
    out = w.op("conv silu", d.T * channels * d.e, [conv], saves=[conv])
    w.drop(conv)
    return out


def _gated_norm(w: _Walk, d: Dims, o: _T, z: _T, width: int) -> _T:
    """Qwen3NextRMSNormGated: fp32 RMSNorm of the core output per head, weight in the input dtype,
    times SiLU of the fp32 gate, cast back."""
    n = d.T * width
    of = w.op("gated norm fp32", n * 4, [o])
    sq = w.op("gated norm pow", n * 4, [of], saves=[of])
    w.tmp("gated norm mean", n * 4 // max(width, 1))
    w.drop(sq)
    normed = w.op("gated norm x*rsqrt", n * 4, [of], saves=[of])
    w.drop(of)
    cast = w.op("gated norm cast", n * d.e, [normed])
    w.drop(normed)
    scaled = w.op("gated norm *w", n * d.e, [cast], saves=[cast])
    w.drop(cast)
    zf = w.op("gate fp32", n * 4, [z])
    act = w.op("gate silu", n * 4, [zf], saves=[zf])
    w.drop(zf)
    prod = w.op("norm*silu(gate)", n * 4, [scaled, act], saves=[scaled, act])
    w.drop(scaled, act)
    out = w.op("gated norm out", n * d.e, [prod])
    w.drop(prod)
    return out


def _chunk_delta_rule(w: _Walk, d: Dims, r: RecurrentSpec, q: _T, k: _T, v: _T, cache: _Cache | None) -> _T:
    """torch_chunk_gated_delta_rule: every local it binds stays until it returns."""
    hv, hk, dk, dv = r.num_heads, r.num_key_heads, r.key_head_dim, r.value_head_dim
    c = DELTA_RULE_CHUNK
    p = d.b * _padded(d.s, c)  # padded rows
    locals_: list[_T] = []
    if hk != hv:  # grouped value heads: q and k repeated to every value head
        q = w.op("q repeat_interleave", d.T * hv * dk * d.e, [q])
        k = w.op("k repeat_interleave", d.T * hv * dk * d.e, [k])
        held = [q, k]
    else:
        held = []
    qf = w.op("q fp32", d.T * hv * dk * 4, [q])
    kf = w.op("k fp32", d.T * hv * dk * 4, [k])
    vf = w.op("v fp32", d.T * hv * dv * 4, [v])
    w.drop(*held)
    for name, t in (("q", qf), ("k", kf)):  # l2norm: x * rsqrt(sum(x*x) + eps)
        sq = w.op(f"{name} x*x", d.T * hv * dk * 4, [t], saves=[t])
        w.tmp(f"{name} l2 sum", d.T * hv * 4)
        w.drop(sq)
    qn = w.op("q l2norm", d.T * hv * dk * 4, [qf], saves=[qf])
    kn = w.op("k l2norm", d.T * hv * dk * 4, [kf], saves=[kf])
    w.drop(qf, kf)
    qs = w.op("q scaled", d.T * hv * dk * 4, [qn])
    w.drop(qn)
    qp = w.op("q padded", p * hv * dk * 4, [qs])
    kp = w.op("k padded", p * hv * dk * 4, [kn])
    vp = w.op("v padded", p * hv * dv * 4, [vf])
    w.drop(qs, kn, vf)
    v_beta = w.op("v*beta", p * hv * dv * 4, [vp], saves=[vp])
    k_beta = w.op("k*beta", p * hv * dk * 4, [kp], saves=[kp])
    locals_ += [vp, v_beta, k_beta]
    cells = p * hv * c * 4  # one [chunk, chunk] matrix per chunk and head, fp32
    diff = w.op("pairwise decay", cells, [])
    masked = w.op("pairwise masked", cells, [diff])
    w.drop(diff)
    decay = w.op("pairwise exp", cells, [masked], saves_out=True)
    w.drop(masked)
    mm = w.op("k_beta@k^T", cells, [k_beta, kp], saves=[k_beta, kp])
    ut = w.op("ut system", cells, [mm, decay], saves=[mm, decay])
    w.drop(mm)
    mm = w.op("q@k^T", cells, [qp, kp], saves=[qp, kp])
    intra = w.op("intra-chunk attn", cells, [mm, decay], saves=[mm, decay])
    w.drop(mm)
    dkb = w.op("decayed k_beta", p * hv * dk * 4, [k_beta])
    new_v = w.op("solve values", p * hv * dv * 4, [ut, v_beta], saves=[ut], saves_out=True)
    k_cum = w.op("solve keys", p * hv * dk * 4, [ut, dkb], saves=[ut], saves_out=True)
    state = w.new("recurrent state", d.b * hv * dk * dv * 4)
    out = w.op("core out", p * hv * dv * 4, [new_v, k_cum, intra])
    qd = w.op("q decayed", p * hv * dk * 4, [qp])
    w.drop(qp)
    kd = w.op("k decayed", p * hv * dk * 4, [kp])
    w.drop(kp)
    locals_ += [decay, ut, intra, dkb, new_v, k_cum, out, qd, kd]
    # The scan over chunks: per chunk two [heads, chunk, head_dim] products (v_new, the intra-chunk
    # read) and the state update's three state-sized tensors (decayed state, k^T @ v_new, their sum).
    w.tmp("chunk scan", 2 * d.b * hv * c * dv * 4 + 3 * d.b * hv * dk * dv * 4)
    w.tmp("core out contiguous fp32", d.T * hv * dv * 4)
    res = w.op("core out cast", d.T * hv * dv * d.e, [out])
    if cache is not None:
        cache.kept.append(w.new("recurrent state (cache)", d.b * hv * dk * dv * 4))
    w.drop(state, *locals_)
    return res


def _recurrent_step(w: _Walk, d: Dims, r: RecurrentSpec, q: _T, k: _T, v: _T) -> _T:
    """torch_recurrent_gated_delta_rule on one token: fp32 q/k/v and a few state-sized products."""
    hv, dk, dv = r.num_heads, r.key_head_dim, r.value_head_dim
    qkv = w.new("q/k/v fp32", d.T * hv * (2 * dk + dv) * 4)
    w.tmp("state updates", 3 * d.b * hv * dk * dv * 4)
    out = w.op("core out", d.T * hv * dv * d.e, [q, k, v])
    w.drop(qkv)
    return out


def gated_deltanet(w: _Walk, d: Dims, spec: ModelSpec, x: _T, cache: _Cache | None) -> _T:
    """Qwen3NextGatedDeltaNet / Qwen3_5GatedDeltaNet.forward: input projections, causal conv over
    q/k/v, the delta rule, the gated norm, out_proj."""
    r = spec.recurrent
    assert r is not None  # a linear_attention layer always has its state sizes (ModelSpec validator)
    h, hv, hk, dk, dv = spec.hidden_size, r.num_heads, r.num_key_heads, r.key_head_dim, r.value_head_dim
    kd, vd = hk * dk, hv * dv
    conv_dim = 2 * kd + vd
    held: list[_T] = []
    if r.split_projections:
        qkv = _linear(w, d, x, "in_proj_qkv", h, conv_dim)
        z = _linear(w, d, x, "in_proj_z", h, vd)
        b = _linear(w, d, x, "in_proj_b", h, hv)
        a = _linear(w, d, x, "in_proj_a", h, hv)
        mixed = qkv
        held += [z, b, a]
    else:
        qkvz = _linear(w, d, x, "in_proj_qkvz", h, 2 * kd + 2 * vd)
        ba = _linear(w, d, x, "in_proj_ba", h, 2 * hv)
        held += [qkvz, ba]  # the projections stay bound until the mixer returns
        # fix_query_key_value_ordering: v, z, b and a are reshaped out of strided splits (copies).
        v = w.op("v reshape", d.T * vd * d.e, [qkvz])
        z = w.op("z reshape", d.T * vd * d.e, [qkvz])
        b = w.op("b reshape", d.T * hv * d.e, [ba])
        a = w.op("a reshape", d.T * hv * d.e, [ba])
        q = w.op("q reshape", d.T * kd * d.e, [qkvz])
        k = w.op("k reshape", d.T * kd * d.e, [qkvz])
        mixed = w.op("qkv cat", d.T * conv_dim * d.e, [q, k, v])
        w.drop(q, k, v)
        held += [z, b, a]
    conv = causal_conv(w, d, mixed, conv_dim, r.conv_kernel, cache)
    w.drop(mixed)
    q = w.op("q", d.T * kd * d.e, [conv], view_of=conv)
    k = w.op("k", d.T * kd * d.e, [conv], view_of=conv)
    v = w.op("v", d.T * vd * d.e, [conv], view_of=conv)
    beta = w.op("beta sigmoid", d.T * hv * d.e, [b], saves_out=True)
    af = w.op("a fp32", d.T * hv * 4, [a])
    ab = w.op("a + dt_bias", d.T * hv * 4, [af])
    w.drop(af)
    sp = w.op("softplus", d.T * hv * 4, [ab], saves=[ab])
    w.drop(ab)
    g = w.op("g", d.T * hv * 4, [sp], saves=[sp])
    w.drop(sp)
    if cache is not None and np.all(d.s == 1):
        core = _recurrent_step(w, d, r, q, k, v)
    else:
        core = _chunk_delta_rule(w, d, r, q, k, v, cache)
    w.drop(q, k, v, conv, beta, g)
    normed = _gated_norm(w, d, core, z, dv)
    w.drop(core)
    y = _linear(w, d, normed, "out_proj", vd, h)
    w.drop(normed, *held)
    return y


def _kimi_chunk_rule(
    w: _Walk, d: Dims, r: RecurrentSpec, q: _T, k: _T, v: _T, g: _T, cache: _Cache | None
) -> _T:
    """chunk_kimi_delta_attention (modeling_kimi_linear.py torch path). The decay is per channel, so
    the intra-chunk decay mask is [tokens, heads, chunk, head_dim] in fp32 (64 x the size of q), and
    building the chunk attention multiplies two more tensors of that size: three live at once."""
    hh, dk = r.num_heads, r.key_head_dim
    c = DELTA_RULE_CHUNK
    p = d.b * _padded(d.s, c)
    width = hh * dk
    big = p * hh * c * dk * 4
    fp = []
    for name, t in (("q", q), ("k", k), ("v", v)):
        w.tmp(f"{name} contiguous", d.T * width * d.e)
        fp.append(w.op(f"{name} fp32", d.T * width * 4, [t]))
    gf = w.op("g contiguous", d.T * width * 4, [g])
    qn = w.op("q l2norm", d.T * width * 4, [fp[0]], saves=[fp[0]])
    kn = w.op("k l2norm", d.T * width * 4, [fp[1]], saves=[fp[1]])
    w.drop(fp[0], fp[1])
    w.tmp("q padded", p * width * 4)
    qs = w.op("q padded * scale", p * width * 4, [qn])
    kp = w.op("k padded", p * width * 4, [kn])
    vp = w.op("v padded", p * width * 4, [fp[2]])
    gp = w.op("g padded", p * width * 4, [gf])
    w.drop(qn, kn, fp[2], gf)
    v_beta = w.op("v*beta", p * width * 4, [vp], saves=[vp])
    k_beta = w.op("k*beta", p * width * 4, [kp], saves=[kp])
    gc = w.op("g cumsum", p * width * 4, [gp])
    w.drop(gp)
    diff = w.op("decay diff", big, [gc])
    masked = w.op("decay masked", big, [diff])
    w.drop(diff)
    decay = w.op("decay mask", big, [masked], saves_out=True)
    w.drop(masked)
    kk = w.op("k_beta * k", big, [k_beta, kp], saves=[k_beta, kp])
    kkd = w.op("* decay mask", big, [kk, decay], saves=[kk, decay])
    w.drop(kk)
    attn = w.op("chunk attn", p * hh * c * 4, [kkd])
    w.drop(kkd)
    new_v = w.op("attn @ v_beta", p * width * 4, [attn, v_beta], saves=[attn, v_beta])
    ge = w.op("g exp", p * width * 4, [gc], saves_out=True)
    kbg = w.op("k_beta * exp(g)", p * width * 4, [k_beta, ge], saves=[k_beta, ge])
    w.drop(ge)
    k_cum = w.op("attn @ k_beta*exp(g)", p * width * 4, [attn, kbg], saves=[attn, kbg])
    w.drop(kbg)
    state = w.new("recurrent state", d.b * hh * dk * dk * 4)
    loop_terms: list[_T] = []
    if w.train:
        # Under autograd the python loops keep what they multiply: the per-chunk q_i * k_i products
        # (one decay-mask size over all chunks) and the forward substitution's row/sub clones
        # (sum of i^2 over the chunk: chunk^3 / 3 per chunk and head).
        qk = w.op("chunk q*k (all chunks)", big, [qs, kp], saves=[qs, kp])
        intra = w.op("intra-chunk attn", p * hh * c * 4, [qk, decay], saves=[qk, decay])
        w.drop(qk)
        subs = w.op("substitution clones", p * hh * c * c // 3 * 4, [attn])
        rows = w.op("substitution rows", p * hh * c // 2 * 4, [attn])
        fixed = w.op("substituted attn", p * hh * c * 4, [subs, rows], saves=[subs, rows])
        w.drop(subs, rows)
        loop_terms = [intra, fixed]
    out = w.op("core out", p * width * 4, [new_v, k_cum, qs, *loop_terms])
    w.drop(*loop_terms)
    w.tmp("chunk scan", 2 * big // max(1, _padded(d.s, c) // c) + 3 * d.b * hh * c * dk * 4)
    w.tmp("core out contiguous fp32", d.T * width * 4)
    res = w.op("core out cast", d.T * width * d.e, [out])
    if cache is not None:
        cache.kept.append(w.new("recurrent state (cache)", d.b * hh * dk * dk * 4))
    w.drop(state, qs, kp, vp, v_beta, k_beta, gc, decay, attn, new_v, k_cum, out)
    return res


def kimi_delta(w: _Walk, d: Dims, spec: ModelSpec, x: _T, cache: _Cache | None) -> _T:
    """KimiLinearDeltaAttention.forward: q/k/v projections concatenated, causal conv, the low-rank
    per-channel forget gate (fp32), the chunked KDA rule, a sigmoid-gated fp32 RMSNorm, o_proj."""
    r = spec.recurrent
    assert r is not None
    h, hh, dk = spec.hidden_size, r.num_heads, r.key_head_dim
    width = hh * dk
    parts = [_linear(w, d, x, f"{n}_proj", h, width) for n in ("q", "k", "v")]
    mixed = w.op("qkv cat", d.T * 3 * width * d.e, parts)
    w.drop(*parts)
    conv = causal_conv(w, d, mixed, 3 * width, r.conv_kernel, cache)
    w.drop(mixed)
    q = w.op("q", d.T * width * d.e, [conv], view_of=conv)
    k = w.op("k", d.T * width * d.e, [conv], view_of=conv)
    v = w.op("v", d.T * width * d.e, [conv], view_of=conv)
    # KimiLinearForgetGate: f_b(f_a(x)) in fp32 plus dt_bias, a guarded softplus, times -exp(A_log).
    fa = _linear(w, d, x, "f_a_proj", h, dk)
    fb = _linear(w, d, fa, "f_b_proj", dk, width)
    w.drop(fa)
    n = d.T * width
    ff = w.op("gate fp32", n * 4, [fb])
    gb = w.op("gate + dt_bias", n * 4, [ff])
    w.drop(ff)
    ex = w.op("exp(g)", n * 4, [gb], saves_out=True)
    one = w.op("1 + exp(g)", n * 4, [ex])
    w.drop(ex)
    lg = w.op("log", n * 4, [one], saves=[one])
    w.drop(one)
    big = w.new("g > 20", n)
    sp = w.op("softplus", n * 4, [gb, lg], saves=[big])
    w.drop(big, lg, gb, fb)
    g = w.op("-decay * softplus", n * 4, [sp])
    w.drop(sp)
    bp = _linear(w, d, x, "b_proj", h, hh)
    beta = w.op("beta sigmoid", d.T * hh * d.e, [bp], saves_out=True)
    w.drop(bp)
    if cache is not None and np.all(d.s == 1):
        core = _recurrent_step(w, d, r, q, k, v)
    else:
        core = _kimi_chunk_rule(w, d, r, q, k, v, g, cache)
    w.drop(q, k, v, conv, g, beta)
    ga = _linear(w, d, x, "g_a_proj", h, dk)
    gate = _linear(w, d, ga, "g_b_proj", dk, width)
    w.drop(ga)
    # KimiLinearRMSNormGated: fp32 norm, fp32 weight, times sigmoid of the fp32 gate, cast back.
    of = w.op("o_norm fp32", n * 4, [core])
    w.tmp("o_norm pow", n * 4)
    nm = w.op("o_norm x*rsqrt", n * 4, [of], saves=[of])
    w.drop(of)
    wt = w.op("o_norm *w", n * 4, [nm], saves=[nm])
    w.drop(nm)
    gf = w.op("gate fp32", n * 4, [gate])
    sg = w.op("gate sigmoid", n * 4, [gf], saves_out=True)
    w.drop(gf)
    prod = w.op("norm * sigmoid(gate)", n * 4, [wt, sg], saves=[wt, sg])
    w.drop(wt, sg)
    o = w.op("o_norm out", n * d.e, [prod])
    w.drop(prod, gate, core)
    y = _linear(w, d, o, "o_proj", width, h)
    w.drop(o)
    return y


def short_conv(w: _Walk, d: Dims, spec: ModelSpec, x: _T, cache: _Cache | None) -> _T:
    """Lfm2ShortConv.slow_forward (modeling_lfm2.py; the torch path without causal-conv1d):
    in_proj to B, C and x (held until return), B*x, a depthwise causal conv without activation,
    C times it, a contiguous transpose, out_proj."""
    r = spec.recurrent
    assert r is not None
    h = spec.hidden_size
    bcx = _linear(w, d, x, "in_proj", h, 3 * h)
    bx = w.op("B*x", d.T * h * d.e, [bcx], saves=[bcx])
    conv = causal_conv(w, d, bx, h, r.conv_kernel, cache, silu=False)
    w.drop(bx)
    y = w.op("C*conv", d.T * h * d.e, [bcx, conv], saves=[bcx, conv])
    w.drop(conv)
    yt = w.op("transpose contiguous", d.T * h * d.e, [y])
    w.drop(y)
    out = _linear(w, d, yt, "out_proj", h, h)
    w.drop(yt, bcx)
    return out
