"""The hybrid block: attention and a Mamba-2 mixer side by side on the same normed input (Falcon-H1).

FalconH1DecoderLayer.forward (modeling_falcon_h1.py, transformers 5.23): the mixer runs first and
its output is scaled by ssm_out_multiplier; attention reads the normed input times
attention_in_multiplier and its output is scaled by attn_out_multiplier; the two are summed into the
residual, then pre_ff_layernorm and FalconH1MLP, whose gate projection and output are scaled by the
muP mlp_multipliers. Every multiply is a new tensor. The Mamba-2 half follows `mamba.mamba2` (torch
fallback; see there for what the mamba-ssm kernels change).
"""

from __future__ import annotations

from llmsize.estimate.activations.attention import _Cache, _mha
from llmsize.estimate.activations.mamba import mamba2
from llmsize.estimate.activations.walk import _T, Dims, _Ctx, _linear, _norm, _Walk
from llmsize.specs.models import ModelSpec


def _mup_mlp(w: _Walk, d: Dims, spec: ModelSpec, x: _T) -> _T:
    """FalconH1MLP: down(up(x) * act(gate(x) * gate_multiplier)) * down_multiplier."""
    h, inter = spec.hidden_size, spec.intermediate_size
    u = _linear(w, d, x, "up_proj", h, inter)
    g = _linear(w, d, x, "gate_proj", h, inter)
    gm = w.op("gate * multiplier", d.T * inter * d.e, [g])
    w.drop(g)
    a = w.op("act", d.T * inter * d.e, [gm], saves=[gm])
    w.drop(gm)
    p = w.op("up*act", d.T * inter * d.e, [u, a], saves=[u, a])
    w.drop(u, a)
    y = _linear(w, d, p, "down_proj", inter, h)
    w.drop(p)
    out = w.op("down * multiplier", d.T * h * d.e, [y])
    w.drop(y)
    return out


def hybrid_layer(w: _Walk, d: Dims, spec: ModelSpec, x: _T, ctx: _Ctx, cache: _Cache | None) -> _T:
    """One Falcon-H1 block: the mixer and attention share `cache` (its states and its K/V)."""
    n = d.T * spec.hidden_size * d.e
    xn = _norm(w, d, spec, x, "input_layernorm")
    m = mamba2(w, d, spec, xn, cache, mup=True)
    ms = w.op("mamba * ssm_out_multiplier", n, [m])
    w.drop(m)
    xa = w.op("x * attention_in_multiplier", n, [xn])
    a = _mha(w, d, spec, xa, ctx, "hybrid", cache, key_multiplier=True)
    w.drop(xa)
    a_s = w.op("attn * attn_out_multiplier", n, [a])
    w.drop(a)
    both = w.op("mamba + attention", n, [ms, a_s])
    w.drop(ms, a_s, xn)
    h1 = w.op("residual add", n, [x, both])
    w.drop(both)
    xn2 = _norm(w, d, spec, h1, "pre_ff_layernorm")
    f = _mup_mlp(w, d, spec, xn2)
    w.drop(xn2)
    out = w.op("residual add", n, [h1, f])
    w.drop(h1, f, *w.held_until_layer_end)
    w.held_until_layer_end.clear()
    return out
