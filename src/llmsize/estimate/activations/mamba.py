"""Mamba-2 token mixers (Nemotron-H, Granite 4.0-H, Falcon-H1's SSM half).

Modelled path: transformers 5.23's torch fallback `mamba2_chunk_scan` (modeling_nemotron_h.py, the
same SSD algorithm as modeling_bamba.py / modeling_falcon_h1.py `torch_forward`), which runs when
`mamba-ssm` and `causal-conv1d` are not installed (always on CPU). It works in fp32 on the padded
sequence: B and C repeated to every head ([tokens, heads, state]), the intra-chunk decay matrix L
and the scores G and M ([tokens, heads, chunk]), and one [heads, head_dim, state] state per chunk.
At the peak (`C_times_states`) about eight such tensors are live, so one Mamba-2 layer's prefill
transient is several times its projections: 4 x tokens x heads x (5 x state + 3 x chunk + 6 x
head_dim) bytes, roughly. The fused `mamba_chunk_scan_combined` kernel of mamba-ssm (what GPU
installs and vLLM run) keeps the per-chunk states and the output only, so this walk is an upper
bound for those runs. One decode token uses `mamba2_selective_state_update` on the state in place.
"""

from __future__ import annotations

from llmsize.estimate import arrays as np
from llmsize.estimate.activations.attention import _Cache
from llmsize.estimate.activations.linear_attention import _padded, causal_conv
from llmsize.estimate.activations.walk import _T, Dims, _linear, _rmsnorm, _Walk
from llmsize.specs.models import ModelSpec, RecurrentSpec


def _chunk_scan(
    w: _Walk, d: Dims, r: RecurrentSpec, x: _T, dt: _T, cache: _Cache | None
) -> tuple[_T, _T | None]:
    """mamba2_chunk_scan on x [tokens, heads, head_dim]; returns the fp32 output and the view of the
    final state the caller keeps (it pins the [chunks + 1] states until the mixer returns)."""
    hh, hd, n, g = r.num_heads, r.value_head_dim, r.state_size, r.n_groups
    inner = hh * hd
    cl = r.chunk_size or 256
    rows = d.b * _padded(d.s, cl)
    chunks = _padded(d.s, cl) // cl
    st = d.b * hh * hd * n * 4  # one state, fp32
    dt1 = w.op("dt + bias", d.T * hh * d.e, [dt])
    dt2 = w.op("dt softplus", d.T * hh * d.e, [dt1], saves=[dt1])
    w.drop(dt1)
    dt3 = w.op("dt clamp", d.T * hh * d.e, [dt2], saves=[dt2])
    w.drop(dt2)
    xf = w.op("x fp32", d.T * inner * 4, [x])
    bc = []
    for name in ("B", "C"):
        f = w.op(f"{name} fp32", d.T * g * n * 4, [x])
        bc.append(w.op(f"{name} repeat", d.T * hh * n * 4, [f]))
        w.drop(f)
    pad = w.op("x padded", rows * inner * 4, [xf])
    d_res = w.op("D residual", rows * inner * 4, [pad], saves=[pad])
    w.drop(pad)
    w.tmp("dt fp32", d.T * hh * 4)
    xdt = w.op("x * dt", d.T * inner * 4, [xf, dt3], saves=[xf, dt3])
    w.drop(xf)
    w.tmp("dt fp32", d.T * hh * 4)
    a = w.op("A * dt", d.T * hh * 4, [dt3], saves=[dt3])
    xc = w.op("x chunks", rows * inner * 4, [xdt])
    ac = w.op("A chunks", rows * hh * 4, [a])
    bch = w.op("B chunks", rows * hh * n * 4, [bc[0]])
    cch = w.op("C chunks", rows * hh * n * 4, [bc[1]])
    w.drop(xdt, a, *bc)
    acum = w.op("A cumsum", rows * hh * 4, [ac])
    cells = rows * hh * cl * 4
    seg = w.op("segsum fill", cells, [ac])
    seg2 = w.op("segsum cumsum", cells, [seg])
    w.drop(seg)
    seg3 = w.op("segsum mask", cells, [seg2])
    w.drop(seg2)
    big_l = w.op("L = exp(segsum)", cells, [seg3], saves_out=True)
    w.drop(seg3)
    w.tmp("einsum C copy", rows * hh * n * 4)
    gg = w.op("G = C.B", cells, [cch, bch], saves=[cch, bch])
    m = w.op("M = G * L", cells, [gg, big_l], saves=[gg, big_l])
    x_copy = w.op("einsum x copy", rows * inner * 4, [xc])
    y_diag = w.op("Y_diag", rows * inner * 4, [m, x_copy], saves=[m, x_copy])
    w.tmp("decay diff", rows * hh * 4)
    decay = w.op("decay states", rows * hh * 4, [acum], saves_out=True)
    b_decay = w.op("B decayed", rows * hh * n * 4, [bch, decay], saves=[bch, decay])
    states = w.op("chunk states", chunks * st, [b_decay, xc], saves=[b_decay, xc])
    prev = w.new("initial state", st)
    cat = w.op("states cat", (chunks + 1) * st, [states, prev])
    w.drop(states)
    new_states = w.op("new states", (chunks + 1) * st, [cat], saves=[cat])
    w.drop(cat)
    out_decay = w.op("state decay out", rows * hh * 4, [acum], saves_out=True)
    c_copy = w.op("einsum C copy", rows * hh * n * 4, [cch])
    cts = w.op("C x states", rows * inner * 4, [c_copy, new_states], saves=[c_copy, new_states])
    w.drop(c_copy)  # einsum's contiguous copy of its operand goes when it returns
    y_off = w.op("Y_off", rows * inner * 4, [cts, out_decay], saves=[cts, out_decay])
    w.drop(cts)
    y = w.op("Y_diag + Y_off", rows * inner * 4, [y_diag, y_off])
    w.drop(y_diag, y_off)
    out = w.op("+ D residual", rows * inner * 4, [y, d_res])
    w.drop(y, d_res, xc, ac, bch, cch, acum, big_l, gg, m, x_copy, decay, b_decay, prev, out_decay, dt3)
    final = None
    if cache is not None:
        cache.kept.append(w.new("ssm state (cache)", st))
        final = new_states
    else:
        w.drop(new_states)
    return out, final


def mamba2(w: _Walk, d: Dims, spec: ModelSpec, x: _T, cache: _Cache | None, *, mup: bool = False) -> _T:
    """NemotronHMamba2Mixer.forward (torch path): in_proj, causal conv over x/B/C, the chunked scan,
    the gated group RMSNorm in fp32, out_proj. With `mup` (FalconH1Mixer): the input is scaled by
    ssm_in_multiplier and the projection by the muP vector (copies), and without mamba_rms_norm the
    scan output is gated by silu(gate) alone."""
    r = spec.recurrent
    assert r is not None
    h, hh, hd, n, g = spec.hidden_size, r.num_heads, r.value_head_dim, r.state_size, r.n_groups
    inner = r.inner_size or hh * hd
    conv_dim = inner + 2 * g * n
    xs = w.op("x * ssm_in_multiplier", d.T * h * d.e, [x]) if mup else x
    proj = _linear(w, d, xs, "in_proj", h, inner + conv_dim + hh)
    if mup:
        scaled = w.op("proj * mup_vector", d.T * (inner + conv_dim + hh) * d.e, [proj])
        w.drop(proj)
        proj = scaled
    dt = w.op("dt", d.T * hh * d.e, [proj], view_of=proj)
    xbc = w.op("xBC", d.T * conv_dim * d.e, [proj], view_of=proj)
    conv = causal_conv(w, d, xbc, conv_dim, r.conv_kernel, cache)
    w.drop(xbc)
    if xs is not x:
        w.drop(xs)  # FalconH1Mixer rebinds hidden_states when it splits the conv output
    final = None
    if cache is not None and np.all(d.s == 1):
        w.tmp("selective state update", 3 * d.b * hh * hd * n * 4)
        scan = w.op("scan out", d.T * inner * 4, [conv])
    else:
        scan, final = _chunk_scan(w, d, r, conv, dt, cache)
        if not mup and np.any(_padded(d.s, r.chunk_size or 256) != d.s):
            cut = w.op("scan out reshape", d.T * inner * 4, [scan])  # padded rows sliced off: a copy
            w.drop(scan)
            scan = cut
    if r.gated_norm:
        # NemotronHRMSNormGated on the (fp32) scan output: silu(gate) product, group RMSNorm, weight.
        gf = w.op("gate fp32", d.T * inner * 4, [proj])
        act = w.op("gate silu", d.T * inner * 4, [gf], saves=[gf])
        w.drop(gf)
        prod = w.op("y * silu(gate)", d.T * inner * 4, [scan, act], saves=[scan, act])
        w.drop(act, scan)
        sq = w.op("norm pow", d.T * inner * 4, [prod], saves=[prod])
        w.drop(sq)
        normed = w.op("norm x*rsqrt", d.T * inner * 4, [prod], saves=[prod])
        w.drop(prod)
        gated = w.op("norm *w", d.T * inner * 4, [normed])
        w.drop(normed)
    else:
        act = w.op("gate silu", d.T * inner * d.e, [proj], saves=[proj])
        gated = w.op("y * silu(gate)", d.T * inner * 4, [scan, act], saves=[scan, act])
        w.drop(act, scan)
    cast = w.op("to compute dtype", d.T * inner * d.e, [gated])
    w.drop(gated)
    y = _linear(w, d, cast, "out_proj", inner, h)
    w.drop(cast, conv, dt, proj, final)
    return y


def mamba1(w: _Walk, d: Dims, spec: ModelSpec, x: _T, cache: _Cache | None) -> _T:
    """JambaMambaMixer.forward with the torch `mamba_selective_scan` (modeling_jamba.py, transformers
    5.23): RMSNorms on dt, B and C, then the discretised A, B and B*u materialised for every token,
    channel and state in fp32 ([tokens, d_inner, d_state] each, three live at once), then a python
    loop over the tokens. Each step makes a new fp32 state (`discrete_A[:, :, i] * state + deltaB_u[:,
    :, i]`) and a copy of it in the input dtype for the matmul with C; in training autograd keeps both
    for every step (the next step's mul saves the fp32 state, the matmul the copy), so the loop keeps
    6 bytes per [token, d_inner, d_state] cell on top of discrete_A and discrete_B (exp and the B*u
    mul save those). Its backward builds full-size fp32 gradients of discrete_A and deltaB_u: each
    step's select backward allocates a zero-filled [tokens, d_inner, d_state] tensor that autograd's
    input buffer adds into the first. mamba-ssm's `selective_scan_fn` (the GPU kernel) never
    materialises these tensors."""
    r = spec.recurrent
    assert r is not None
    h, inner, n, rank = spec.hidden_size, r.inner_size, r.state_size, r.dt_rank
    full = d.train and not d.lora
    proj = _linear(w, d, x, "in_proj", h, 2 * inner)
    xbc = w.op("x", d.T * inner * d.e, [proj], view_of=proj)
    conv = causal_conv(w, d, xbc, inner, r.conv_kernel, cache)
    w.drop(xbc)
    xp = _linear(w, d, conv, "x_proj", inner, rank + 2 * n)
    parts = []
    for name, width in (("dt_layernorm", rank), ("b_layernorm", n), ("c_layernorm", n)):
        part = w.op(name.split("_")[0], d.T * width * d.e, [xp], view_of=xp)
        parts.append(_rmsnorm(w, d, part, width, name=name))
        w.drop(part)
    w.drop(xp)
    tn, bn, cn = parts
    # `self.dt_proj.weight @ time_step`: the bare weight, so peft's adapter on dt_proj never runs
    dt = w.op(
        "dt_proj",
        d.T * inner * d.e,
        [tn],
        saves=[tn] if full else [],
        weight_grad=rank * inner * d.e,
        trainable=full,
    )
    w.drop(tn)
    if cache is not None and np.all(d.s == 1):
        w.tmp("selective state update", 3 * d.b * inner * n * 4)
        scan = w.op("scan out", d.T * inner * 4, [conv, dt])
        w.drop(bn, cn, dt)
    else:
        cells = d.T * inner * n * 4
        dtb = w.op("dt + bias", d.T * inner * d.e, [dt])
        w.drop(dt)
        dts = w.op("dt softplus", d.T * inner * d.e, [dtb], saves=[dtb])
        w.drop(dtb)
        adt = w.op("A * dt", cells, [dts], saves=[dts])
        da = w.op("discrete A", cells, [adt], saves_out=True)
        w.drop(adt)
        bf = w.op("B fp32", d.T * n * 4, [bn])
        w.drop(bn)
        db = w.op("discrete B", cells, [dts, bf], saves=[dts, bf])
        w.drop(bf)
        uf = w.op("u fp32", d.T * inner * 4, [conv])
        dbu = w.op("deltaB_u", cells, [db, uf], saves=[db, uf])
        w.drop(uf)
        # the per-step states, fp32 and their input-dtype copies: autograd keeps every step's
        steps = d.T if d.train else d.b  # without a tape only the newest state lives
        states = w.new("ssm states (fp32)", steps * inner * n * 4)
        copies = w.new("ssm states (copies)", steps * inner * n * d.e)
        cols = w.op(
            "scan outputs",
            d.T * inner * d.e,
            [da, dbu, cn],
            saves=[da, states, copies, cn],
            bwd_tmp=cells,  # one step's select backward: a zero-filled full-size gradient
        )
        w.drop(states, copies, cn)
        stacked = w.op("scan stack", d.T * inner * d.e, [cols])
        ud = w.op("u * D", d.T * inner * 4, [conv], saves=[conv] if full else [])  # D trains
        sd = w.op("+ u * D", d.T * inner * 4, [stacked, ud])
        w.drop(ud, stacked)
        act = w.op("silu(z)", d.T * inner * d.e, [proj], saves=[proj])
        scan = w.op("* silu(z)", d.T * inner * 4, [sd, act], saves=[sd, act])
        w.drop(sd, act)
        if cache is not None:
            cache.kept.append(w.new("ssm state (cache)", d.b * inner * n * 4))
        w.drop(cols, da, db, dbu, dts)  # the scan's locals go when it returns
    cast = w.op("to compute dtype", d.T * inner * d.e, [scan])
    y = _linear(w, d, cast, "out_proj", inner, h)
    w.drop(cast, scan, conv, proj)  # the fp32 scan output stays a local of the mixer's forward
    return y
