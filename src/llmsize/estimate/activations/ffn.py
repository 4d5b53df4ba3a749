"""Feed-forward parts of a block: the dense (gated) MLP, the router and the routed experts."""

from __future__ import annotations

from llmsize.estimate.activations.walk import (
    _T,
    Dims,
    Num,
    _linear,
    _lora_on,
    _param_lora,
    _Walk,
    fast_lora,
)
from llmsize.specs.models import ModelSpec

# Models whose routed-expert weights are multiplied in fp32 (router computed in fp32):
# modeling_mixtral.py (softmax(router_logits.float())), modeling_deepseek_v2/v3.py (fp32 router),
# modeling_gemma4.py Gemma4TextRouter (softmax in fp32, top-k weights times per_expert_scale).
_FP32_ROUTING = frozenset(
    {
        "mixtral", "deepseek_v2", "deepseek_v3", "deepseek_v32", "glm4_moe", "glm4_moe_lite", "glm_moe_dsa",
        "gpt_oss", "gemma4", "gemma4_text", "exaone_moe", "solar_open", "mimo_v2_flash", "mimo_v2",
    }
)
# Routers computed as DeepSeek-V2/V3's: F.linear(x.float(), weight.float()), sigmoid/softmax, top-k in fp32
# (DeepseekV32, Glm4Moe, Glm4MoeLite, GlmMoeDsa, ExaoneMoe, SolarOpen and MiMoV2Flash TopkRouters restate
# DeepseekV3TopkRouter; their fp32 top-k weights make the weighted expert outputs fp32).
_FP32_ROUTER_INPUT = frozenset(
    {
        "deepseek_v2", "deepseek_v3", "deepseek_v32", "glm4_moe", "glm4_moe_lite", "glm_moe_dsa",
        "exaone_moe", "solar_open", "mimo_v2_flash", "mimo_v2",
    }
)


def _dense_mlp(
    w: _Walk, d: Dims, spec: ModelSpec, x: _T, inter: int, rows: Num | None = None, prefix: str = ""
) -> _T:
    """Gated MLP: down(act(gate(x)) * up(x)); Phi-3 computes gate and up in one projection."""
    n = d.T if rows is None else rows
    h = spec.hidden_size
    if not spec.mlp_gated:
        u = _linear(w, d, x, f"{prefix}up_proj", h, inter, rows=n)
        # the caller's reference (`hidden_states = self.fc1(...)`, or the argument of
        # `self.act_fn(self.up_proj(x))`) keeps the input alive until the activation returns
        a = activation(w, d, spec.mlp_activation, u, n * inter)
        w.drop(u)
        y = _linear(w, d, a, f"{prefix}down_proj", inter, h, rows=n)
        w.drop(a)
        return y
    if spec.fused_gate_up:
        gu = _linear(w, d, x, f"{prefix}gate_up_proj", h, 2 * inter, rows=n)
        gate = w.op("gate", n * inter * d.e, [gu], view_of=gu)
        up = w.op("up", n * inter * d.e, [gu], view_of=gu)
        w.drop(gu)
        if d.compiled:
            p = w.op("act*up (compiled)", n * inter * d.e, [gate, up], saves=[gate, up])
            w.drop(gate, up)
        else:
            a = activation(w, d, spec.mlp_activation, gate, n * inter)
            p = w.op("up*act", n * inter * d.e, [up, a], saves=[up, a])
            w.drop(gate, up, a)
    elif fast_lora(d) and all(_lora_on(d, f"{prefix}{m}") for m in ("gate_proj", "up_proj", "down_proj")):
        from llmsize.estimate.unsloth_kernels import fast_lora_mlp

        return fast_lora_mlp(w, d, x, h, inter, n)
    elif d.liger or d.compiled:
        # liger_kernel/ops/swiglu.py LigerSiLUMulFunction: one output, keeps gate and up (silu is
        # recomputed in backward); torch.compile's partitioner keeps the same (compiled_blocks.py)
        g = _linear(w, d, x, f"{prefix}gate_proj", h, inter, rows=n)
        u = _linear(w, d, x, f"{prefix}up_proj", h, inter, rows=n)
        label = "silu(gate)*up (liger)" if d.liger else "act*up (compiled)"
        p = w.op(label, n * inter * (g.elem or d.e), [g, u], saves=[g, u], elem=g.elem)
        w.drop(g, u)
    else:
        g = _linear(w, d, x, f"{prefix}gate_proj", h, inter, rows=n)
        # the gate is fp32 when a kbit-prepared QLoRA base returns its input's dtype (kbit_upcast.py)
        eb = g.elem or d.e
        a = activation(w, d, spec.mlp_activation, g, n * inter, elem=g.elem)
        w.drop(g)
        u = _linear(w, d, x, f"{prefix}up_proj", h, inter, rows=n)
        p = w.op("act*up", n * inter * eb, [a, u], saves=[a, u], elem=g.elem)
        w.drop(a, u)
    y = _linear(w, d, p, f"{prefix}down_proj", inter, h, rows=n)
    w.drop(p)
    return y


def activation(w: _Walk, d: Dims, act: str, x: _T, elems: Num, elem: int = 0) -> _T:
    """The MLP activation `act` (a transformers ACT2FN name) on `x`, `elems` elements wide, as its eager
    ops allocate and free; the caller still holds `x` and drops it. One fused op unless listed here
    (activations.py: F.silu, F.gelu (also approximate="tanh"), nn.ReLU are single kernels). Under
    torch.compile the elementwise chain is one fused kernel (compiled_blocks.py)."""
    if d.compiled:
        return w.op("act (compiled)", elems * (elem or d.e), [x], saves=[x], elem=elem)
    if act == "relu2":
        return _relu_squared(w, d, x, elems, elem)
    if act in ("gelu_new", "gelu_accurate", "gelu_python_tanh"):
        return _gelu_tanh_chain(w, d, x, elems, elem)
    if act == "gelu_fast":
        return _gelu_fast(w, d, x, elems, elem)
    if act == "quick_gelu":
        return _quick_gelu(w, d, x, elems, elem)
    if act == "xielu":
        return _xielu_python(w, d, x, elems)
    return w.op("act", elems * (elem or d.e), [x], saves=[x], elem=elem)


def _relu_squared(w: _Walk, d: Dims, x: _T, elems: Num, elem: int) -> _T:
    """activations.py `ReLUSquaredActivation.forward`: relu_applied = F.relu(x), then
    torch.square(relu_applied): the input, the relu output and the square are alive together (three
    tensors of the MLP width). Autograd keeps relu's output only (relu's backward reads its result,
    square's its input, which is that same tensor)."""
    size = elems * (elem or d.e)
    r = w.op("relu", size, [x], saves_out=True, elem=elem)
    out = w.op("relu²", size, [r], saves=[r], elem=elem)
    w.drop(r)
    return out


def _gelu_tanh_chain(w: _Walk, d: Dims, x: _T, elems: Num, elem: int) -> _T:
    """activations.py `NewGELUActivation.forward` (gelu_new; AccurateGELUActivation and GELUTanh's
    `_gelu_tanh_python` are the same expression): 0.5 * x * (1.0 + tanh(sqrt(2 / pi) * (x + 0.044715 *
    pow(x, 3.0)))), evaluated left to right, so `0.5 * x` is alive while the bracket is built: the
    input, 0.5*x, pow(x, 3) and its scaled copy make four tensors of the MLP width at the peak.
    Autograd keeps the input (pow), tanh's output and both factors of the last product."""
    size = elems * (elem or d.e)
    half = w.op("gelu 0.5*x", size, [x], elem=elem)
    cube = w.op("gelu pow(x, 3)", size, [x], saves=[x], elem=elem)
    scaled = w.op("gelu 0.044715*x^3", size, [cube], elem=elem)
    w.drop(cube)
    inner = w.op("gelu x + 0.044715*x^3", size, [x, scaled], elem=elem)
    w.drop(scaled)
    arg = w.op("gelu sqrt(2/pi)*(...)", size, [inner], elem=elem)
    w.drop(inner)
    th = w.op("gelu tanh", size, [arg], saves_out=True, elem=elem)
    w.drop(arg)
    one = w.op("gelu 1 + tanh", size, [th], elem=elem)
    w.drop(th)
    out = w.op("gelu 0.5*x*(1 + tanh)", size, [half, one], saves=[half, one], elem=elem)
    w.drop(half, one)
    return out


def _gelu_fast(w: _Walk, d: Dims, x: _T, elems: Num, elem: int) -> _T:
    """activations.py `FastGELUActivation.forward` (gelu_fast, GPT-NeoX-20B's):
    0.5 * x * (1.0 + tanh(x * 0.7978845608 * (1.0 + 0.044715 * x * x))), left to right: 0.5*x and
    x*0.797 are alive while 0.044715*x and its product with x are built (five MLP-wide tensors with the
    input). Autograd keeps both factors of the three tensor products and tanh's output."""
    size = elems * (elem or d.e)
    half = w.op("gelu_fast 0.5*x", size, [x], elem=elem)
    lin = w.op("gelu_fast x*0.797", size, [x], elem=elem)
    sc = w.op("gelu_fast 0.044715*x", size, [x], elem=elem)
    sq = w.op("gelu_fast 0.044715*x*x", size, [sc, x], saves=[sc, x], elem=elem)
    w.drop(sc)
    one = w.op("gelu_fast 1 + ...", size, [sq], elem=elem)
    w.drop(sq)
    arg = w.op("gelu_fast x*0.797*(...)", size, [lin, one], saves=[lin, one], elem=elem)
    w.drop(lin, one)
    th = w.op("gelu_fast tanh", size, [arg], saves_out=True, elem=elem)
    w.drop(arg)
    one_th = w.op("gelu_fast 1 + tanh", size, [th], elem=elem)
    w.drop(th)
    out = w.op("gelu_fast 0.5*x*(1 + tanh)", size, [half, one_th], saves=[half, one_th], elem=elem)
    w.drop(half, one_th)
    return out


def _quick_gelu(w: _Walk, d: Dims, x: _T, elems: Num, elem: int) -> _T:
    """activations.py `QuickGELUActivation.forward`: x * sigmoid(1.702 * x); three MLP-wide tensors
    with the input; autograd keeps the input and sigmoid's output."""
    size = elems * (elem or d.e)
    sc = w.op("quick_gelu 1.702*x", size, [x], elem=elem)
    sg = w.op("quick_gelu sigmoid", size, [sc], saves_out=True, elem=elem)
    w.drop(sc)
    out = w.op("quick_gelu x*sigmoid", size, [x, sg], saves=[x, sg], elem=elem)
    w.drop(sg)
    return out


def _xielu_python(w: _Walk, d: Dims, u: _T, elems: Num) -> _T:
    """transformers activations.py `XIELUActivation._xielu_python`: torch.where(x > 0, alpha_p * x * x +
    beta * x, (expm1(min(x, eps)) - x) * alpha_n + beta * x), evaluated left to right, so the positive
    branch is alive while the negative one is built (the input, the bool mask, both branches and the
    last two temporaries: five tensors of the MLP width and the mask at the peak). Autograd keeps the
    input, the mask and expm1's result (its backward reads its output)."""
    size = elems * d.e
    mask = w.op("xielu x>0", elems, [u])
    xx = w.op("xielu x*x", size, [u], saves=[u])
    t2 = w.op("xielu alpha_p*x*x", size, [xx])
    w.drop(xx)
    t3 = w.op("xielu beta*x", size, [u])
    pos = w.op("xielu positive branch", size, [t2, t3])
    w.drop(t2, t3)
    lo = w.op("xielu min(x, eps)", size, [u], saves=[u])
    ex = w.op("xielu expm1", size, [lo], saves_out=True)
    w.drop(lo)
    t6 = w.op("xielu expm1 - x", size, [ex, u])
    w.drop(ex)
    t7 = w.op("xielu * alpha_n", size, [t6])
    w.drop(t6)
    t8 = w.op("xielu beta*x", size, [u])
    neg = w.op("xielu negative branch", size, [t7, t8])
    w.drop(t7, t8)
    out = w.op("xielu where", size, [mask, pos, neg], saves=[mask])
    w.drop(mask, pos, neg)
    return out


def _router(w: _Walk, d: Dims, spec: ModelSpec, x: _T) -> tuple[_T, list[_T]]:
    """The top-k router; returns the routing weights and tensors the block holds until it returns."""
    h, n_exp, k = spec.hidden_size, spec.num_experts, spec.num_experts_per_tok
    full = d.train and not d.lora
    held: list[_T] = []
    if spec.model_type in _FP32_ROUTER_INPUT:
        # modeling_deepseek_v2.py DeepseekV2TopkRouter: F.linear(x.float(), weight.float()).
        xf = w.op("router x fp32", d.T * h * 4, [x])
        w.tmp("router weight fp32", n_exp * h * 4)
        logits = w.op(
            "router logits",
            d.T * n_exp * 4,
            [xf],
            saves=[xf] if full else [],
            weight_grad=n_exp * h * d.e,
            trainable=full,
        )
        w.drop(xf)
        probs = w.op("router softmax", d.T * n_exp * 4, [logits], saves_out=True)
        idx = w.new("topk idx", d.T * k * 8)
        vals = w.op("router topk", d.T * k * 4, [probs], saves=[idx])
        weights = w.op("router scale", d.T * k * 4, [vals])
        w.drop(vals, probs)
        held += [logits, idx]
        return weights, held
    logits = w.op(
        "router logits",
        d.T * n_exp * d.e,
        [x],
        saves=[x] if full else [],
        weight_grad=n_exp * h * d.e,
        trainable=full,
    )
    held.append(logits)
    lf = w.op("router fp32", d.T * n_exp * 4, [logits])
    probs = w.op("router softmax", d.T * n_exp * 4, [lf], saves_out=True)
    w.drop(lf)
    idx = w.new("topk idx", d.T * k * 8)
    vals = w.op("router topk", d.T * k * 4, [probs], saves=[idx])
    w.drop(probs)
    w.tmp("router topk sum", d.T * 4)
    held.append(idx)
    if spec.model_type in _FP32_ROUTING:
        return vals, held
    cast = w.op("router weights cast", d.T * k * d.e, [vals])
    w.drop(vals)
    return cast, held


def _expert_weight(w: _Walk, d: Dims, name: str, experts: int, out_f: int, in_f: int, rank: int) -> _T:
    """peft ParamWrapper on a stacked expert parameter (lora/layer.py _LoraFactorsProxy): the LoRA
    factors cast to the weight dtype and folded into a full copy, baddbmm(W, B, A), which the
    grouped matmul then uses (and autograd keeps)."""
    lhs = w.op(
        f"{name} lora_B cast",
        experts * out_f * rank * d.e,
        [],
        trainable=True,
        weight_grad=experts * out_f * rank * d.ab,
    )
    rhs = w.op(
        f"{name} lora_A cast",
        experts * rank * in_f * d.e,
        [],
        trainable=True,
        weight_grad=experts * rank * in_f * d.ab,
    )
    merged = w.op(f"{name} W+BA", experts * out_f * in_f * d.e, [lhs, rhs], saves=[lhs, rhs])
    w.drop(lhs, rhs)
    return merged


def _expert_bias(w: _Walk, d: Dims, name: str, rows: Num, width: int, experts: int, full: bool) -> _T:
    """One bias row per (token, expert) pair, gathered from the [experts, width] bias parameter."""
    return w.op(name, rows * width * d.e, [], trainable=full, weight_grad=experts * width * d.e)


def _gpt_oss_gate(w: _Walk, d: Dims, gu: _T, nbytes: Num) -> _T:
    """GptOssExperts._apply_gate (modeling_gpt_oss.py): the interleaved gate and up halves are
    clamped (new tensors), glu = gate * sigmoid(gate * alpha), out = (up + 1) * glu; gate, up and
    glu are locals until it returns, so five intermediate-sized tensors meet at the last product."""
    gate_v = w.op("gate", nbytes, [gu], view_of=gu)
    up_v = w.op("up", nbytes, [gu], view_of=gu)
    gate = w.op("gate clamp", nbytes, [gate_v], saves=[gate_v])
    up = w.op("up clamp", nbytes, [up_v], saves=[up_v])
    w.drop(gate_v, up_v)
    scaled = w.op("gate * alpha", nbytes, [gate])
    sig = w.op("sigmoid", nbytes, [scaled], saves_out=True)
    w.drop(scaled)
    glu = w.op("glu", nbytes, [gate, sig], saves=[gate, sig])
    w.drop(sig)
    up1 = w.op("up + 1", nbytes, [up])
    out = w.op("(up + 1) * glu", nbytes, [up1, glu], saves=[up1, glu])
    w.drop(up1, gate, up, glu)
    return out


def _moe(w: _Walk, d: Dims, spec: ModelSpec, x: _T) -> _T:
    """Routed experts with transformers' default `grouped_mm_experts_forward` (integrations/moe.py):
    tokens sorted by expert, gathered (tokens x top-k rows), two grouped matmuls, weighted,
    unsorted and summed over the top-k; shared experts run on every token."""
    k, inter = spec.num_experts_per_tok, spec.moe_intermediate_size
    full = d.train and not d.lora
    weights, held = _router(w, d, spec, x)
    if d.fast and d.qlora and spec.model_type == "gpt_oss" and not spec.num_shared_experts:
        # Unsloth swaps a 4-bit gpt-oss's experts for a loop of per-expert Linear4bit modules
        from llmsize.estimate.unsloth_moe import linearized_experts

        out = linearized_experts(w, d, spec, x, weights)
        w.drop(weights, *held)
        return out
    x_hidden = x
    # Nemotron 3 Super's LatentMoE (modeling_nemotron_h.py NemotronHMoE): the router and the shared
    # expert read the hidden state; the routed experts read fc1_latent_proj(x) and their sum goes
    # through fc2_latent_proj back to the hidden width.
    h = spec.moe_latent_size or spec.hidden_size
    if spec.moe_latent_size:
        x = _linear(w, d, x, "fc1_latent_proj", spec.hidden_size, h)
    S = d.T * k
    wbytes = 4 if spec.model_type in _FP32_ROUTING else d.e
    ids_sorted = w.new("expert ids sorted", S * 8)
    perm = w.new("sort perm", S * 8)
    w.tmp("perm // top_k", S * 8)
    gather_idx = w.new("gather index", S * 8)
    sel = w.op("tokens gathered", S * h * d.e, [x], saves=[gather_idx])
    w.drop(gather_idx)
    sw = w.op("weights gathered", S * wbytes, [weights], saves=[perm])
    histc = w.new("histc input", S * 4)  # expert ids as float (CPU) or int32 (CUDA): 4 bytes either way
    n_exp = spec.num_experts
    # Non-gated experts (NemotronHExperts, has_gate=False) run up_proj and the activation alone.
    up_name, up_width = ("gate_up_proj", 2 * inter) if spec.mlp_gated else ("up_proj", inter)
    w_gu = (
        _expert_weight(w, d, up_name, n_exp, up_width, h, up_width // inter * d.rank)
        if _param_lora(d, up_name)
        else None
    )
    # Expert biases (gpt-oss): `gate_up_proj_bias[expert_ids_g]` is gathered per row and added in
    # place to the grouped matmul's output; the gathered rows stay bound to `selected_biases`
    # until the down projection's bias rows replace them (integrations/moe.py).
    gu_bias = (
        _expert_bias(w, d, "gate_up bias gathered", S, up_width, n_exp, full) if spec.expert_bias else None
    )
    gu = w.op(
        "experts gate_up" if spec.mlp_gated else "experts up",
        S * up_width * d.e,
        [sel, *([w_gu] if w_gu else []), *([gu_bias] if gu_bias else [])],
        saves=[sel, *([w_gu] if w_gu else [])] if (full or w_gu) else [],
        weight_grad=n_exp * h * up_width * d.e,
        trainable=full,
    )
    if not spec.mlp_gated:
        # Nemotron-H's non-gated experts: act_fn(up_proj) (integrations/moe.py, has_gate=False)
        p = activation(w, d, spec.mlp_activation, gu, S * inter)
    elif spec.model_type == "gpt_oss":
        p = _gpt_oss_gate(w, d, gu, S * inter * d.e)
    else:
        gate = w.op("gate", S * inter * d.e, [gu], view_of=gu)
        up = w.op("up", S * inter * d.e, [gu], view_of=gu)
        if d.compiled:
            p = w.op("experts act*up (compiled)", S * inter * d.e, [gate, up], saves=[gate, up])
            w.drop(gate, up)
        else:
            a = w.op("experts act", S * inter * d.e, [gate], saves=[gate])
            p = w.op("experts act*up", S * inter * d.e, [a, up], saves=[a, up])
            w.drop(a, gate, up)
    w.drop(gu)
    dn_bias = _expert_bias(w, d, "down bias gathered", S, h, n_exp, full) if spec.expert_bias else None
    w.drop(gu_bias)
    w_dn = _expert_weight(w, d, "down_proj", n_exp, h, inter, d.rank) if _param_lora(d, "down_proj") else None
    dn = w.op(
        "experts down",
        S * h * d.e,
        [p, *([w_dn] if w_dn else []), *([dn_bias] if dn_bias else [])],
        saves=[p, *([w_dn] if w_dn else [])] if (full or w_dn) else [],
        weight_grad=n_exp * inter * h * d.e,
        trainable=full,
    )
    w.drop(p)
    wo = w.op("experts weighted", S * h * wbytes, [dn, sw], saves=[dn, sw] if sw.rg else [sw])
    inv = w.new("inverse perm", S * 8)
    w.tmp("arange", S * 8)
    wi = w.op("experts unsorted", S * h * wbytes, [wo], saves=[inv])
    w.drop(wo)
    fs = w.op("experts sum", d.T * h * wbytes, [wi])
    out = fs
    if wbytes != d.e:
        out = w.op("experts cast", d.T * h * d.e, [fs])
        w.drop(fs)
    # grouped_mm_experts_forward's locals (the gathered tokens, the down projection, the unsorted
    # rows, the permutations) live until it returns.
    w.drop(sel, dn, wi, inv, sw, ids_sorted, perm, weights, histc, w_gu, w_dn, dn_bias)
    if spec.moe_latent_size:
        up = _linear(w, d, out, "fc2_latent_proj", h, spec.hidden_size)
        w.drop(out, x)
        out, x, h = up, x_hidden, spec.hidden_size
    if spec.num_shared_experts:
        shared_inter = spec.shared_expert_intermediate_size
        sh = _dense_mlp(w, d, spec, x, shared_inter, prefix="shared_experts.")
        if spec.shared_expert_gate:
            g = _linear(w, d, x, "shared_expert_gate", h, 1)
            sg = w.op("shared gate sigmoid", d.T * d.e, [g], saves_out=True)
            w.drop(g)
            sh2 = w.op("shared gated", d.T * h * d.e, [sg, sh], saves=[sg, sh])
            w.drop(sg, sh)
            sh = sh2
        total = w.op("experts + shared", d.T * h * d.e, [out, sh])
        w.drop(out, sh)
        out = total
    w.drop(*held)
    return out
