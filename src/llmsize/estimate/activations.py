"""Activations: the transient tensors of a forward (and backward) pass, walked op by op.

Why a walk and not one formula: what is live at the peak depends on the order in which the
Hugging Face modeling code creates and drops tensors (`modeling_llama.py` keeps the embeddings,
the layer input, the residual and the normed input alive while the MLP holds three
intermediate-sized tensors), on what autograd saves for backward (derivatives.yaml: `mm` keeps
its input only when the weight needs a gradient, `silu` its input, `mul` the other operand,
`softmax` its output...), and on views that keep a whole storage alive. So each architecture's
forward is written below as the sequence of allocations its transformers 5.23 code makes, in
bytes (`_Walk`). Training records a tape of the ops with what each saves, and backward is
simulated from that tape the way autograd runs it (`_backward`): grads of inputs appear, the
grad of the output and the saved tensors go. Nothing here is fitted to a measurement; the tracer
(`llmsize.measure.tracer`) checks it against the real modeling code.

Sizes may be numpy int64 arrays (a sweep over contexts and batches): every operation below is
plain arithmetic or `np.maximum`, so it broadcasts.

Model of the kernels (what a GPU does, not torch's CPU fallback): SDPA and flash attention are
fused (output + fp32 log-sum-exp, never the scores); a boolean mask passed to SDPA is turned into
an additive mask in the compute dtype (`convert_boolean_attn_mask`, aten attention.cpp); eager
attention materialises batch x heads x q x kv scores and their fp32 softmax; dropout keeps a
1-byte mask (`native_dropout`); the grouped MoE matmul (`integrations/moe.py`, transformers'
default experts implementation) works on tokens x top-k rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from llmsize.estimate import arrays as np
from llmsize.estimate.engines.transformers import Transformers
from llmsize.estimate.kv_cache import cache_kv_heads
from llmsize.estimate.workload import Attention, Mode, Workload
from llmsize.specs.models import ModelSpec

Num = Any  # int or numpy int64 array

# REFERENCE: torch aten/src/ATen/native/transformers/attention.cpp preprocess_mask(): the
# memory-efficient kernel needs the additive mask's last dim padded to a multiple of 16.
MEM_EFF_MASK_ALIGNMENT = 16
# REFERENCE: peft LoraConfig's default lora_dropout=0.0 (peft/tuners/lora/config.py), the only value
# peft 0.21 accepts for the MoE expert parameters it wraps (lora.ParamWrapper). With dropout, each
# wrapped layer would also keep a 1-byte mask of its input (native_dropout).
LORA_DROPOUT = 0.0
ADAPTER_BYTES = 4  # peft casts bf16/fp16 adapters to fp32 (autocast_adapter_dtype=True)

# Models whose routed-expert weights are multiplied in fp32 (router computed in fp32):
# modeling_mixtral.py (softmax(router_logits.float())), modeling_deepseek_v2/v3.py (fp32 router).
_FP32_ROUTING = frozenset({"mixtral", "deepseek_v2", "deepseek_v3", "gpt_oss"})


# ----------------------------------------------------------------------------- the walk machinery


@dataclass(eq=False)
class _Storage:
    nbytes: Num
    refs: int = 0  # python references + autograd saved references


@dataclass(eq=False)
class _T:
    """A tensor of the walk: its logical bytes, its storage, and whether it needs a gradient."""

    name: str
    nbytes: Num
    storage: _Storage
    rg: bool = False


@dataclass(eq=False)
class _Op:
    name: str
    out: _T
    inputs: tuple[_T, ...]
    saves: tuple[_T, ...]
    weight_grad: Num
    bwd_tmp: Num = 0  # a temporary its backward allocates (bitsandbytes dequantizes the weight again)
    reuse: _T | None = None  # a saved tensor backward returns as its input's gradient (fused CE)


@dataclass(eq=False)
class _Walk:
    """Live bytes while code runs: `new` allocates, `drop` releases a python reference.

    With `train`, ops that produce tensors needing a gradient are taped with what they save;
    a saved tensor's storage stays until backward has used it.
    """

    train: bool = False
    cur: Num = 0
    peak: Num = 0
    peak_at: str = ""
    grads: Num = 0  # weight gradients among `cur`
    peak_grads: Num = 0  # ... at the peak
    tape: list[_Op] = field(default_factory=list)
    held_until_layer_end: list[_T] = field(default_factory=list)

    def _bump(self, label: str) -> None:
        cur, peak = self.cur, self.peak  # plain ints skip the ndim call: the hottest line of `fit --all`
        if (type(cur) is int or np.ndim(cur) == 0) and (type(peak) is int or np.ndim(peak) == 0):
            if self.cur > self.peak:
                self.peak, self.peak_at, self.peak_grads = self.cur, label, self.grads
        else:
            higher = self.cur > self.peak
            self.peak_grads = np.where(higher, self.grads, self.peak_grads)
            self.peak = np.maximum(self.peak, self.cur)

    def reset_peak(self) -> None:
        self.peak, self.peak_at, self.peak_grads = self.cur, "", self.grads

    def _ref(self, st: _Storage) -> None:
        st.refs += 1

    def _unref(self, st: _Storage) -> None:
        st.refs -= 1
        if st.refs == 0:
            self.cur = self.cur - st.nbytes

    def new(self, name: str, nbytes: Num, rg: bool = False) -> _T:
        """A fresh tensor nobody computed from taped inputs (inputs, constants, cache copies)."""
        st = _Storage(nbytes, 1)
        self.cur = self.cur + nbytes
        self._bump(name)
        return _T(name, nbytes, st, rg)

    def op(
        self,
        name: str,
        nbytes: Num,
        inputs: Iterable[_T] = (),
        saves: Iterable[_T] = (),
        weight_grad: Num = 0,
        trainable: bool = False,
        view_of: _T | None = None,
        saves_out: bool = False,
        bwd_tmp: Num = 0,
        reuse: _T | None = None,
    ) -> _T:
        """The output of an op; a view shares `view_of`'s storage and allocates nothing.

        `saves`: the tensors autograd keeps for this op's backward; `saves_out`: it keeps its own
        output (rsqrt, tanh, softmax). Only recorded when the output needs a gradient.
        """
        ins = tuple(inputs)
        rg = self.train and (trainable or any(t.rg for t in ins))
        if view_of is not None:
            out = _T(name, nbytes, view_of.storage, rg)
            self._ref(view_of.storage)
        else:
            out = _T(name, nbytes, _Storage(nbytes, 1), rg)
            self.cur = self.cur + nbytes
            self._bump(name)
        if rg:
            kept = (*saves, out) if saves_out else tuple(saves)
            for t in kept:
                self._ref(t.storage)
            self.tape.append(_Op(name, out, ins, kept, weight_grad if trainable else 0, bwd_tmp, reuse))
        return out

    def tmp(self, name: str, nbytes: Num) -> None:
        """An allocation freed at once (a temporary inside one op)."""
        self.cur = self.cur + nbytes
        self._bump(name)
        self.cur = self.cur - nbytes

    def drop(self, *tensors: _T | None) -> None:
        for t in tensors:
            if t is not None:
                self._unref(t.storage)


def _backward(walk: _Walk, grad_of: _T, grad_bytes: Num) -> tuple[Num, Num]:
    """Simulate autograd over `walk.tape` from a gradient of `grad_of`.

    Returns (peak, end) live bytes. Input grads are allocated when a node runs, a second grad for
    the same input is a temporary summed into the first (autograd's InputBuffer), weight grads
    stay (they are `.grad`), and a saved tensor's storage goes when its last user has run.
    """
    grads: dict[int, _T] = {id(grad_of): grad_of}
    grad_size: dict[int, Num] = {id(grad_of): grad_bytes}
    walk.cur = walk.cur + grad_bytes
    walk._bump("grad of loss")
    for node in reversed(walk.tape):
        if id(node.out) not in grads:
            continue
        for t in node.inputs:
            if not t.rg:
                continue
            if id(t) in grads:
                walk.tmp(f"grad {t.name} (accumulate)", t.nbytes)
            else:
                grads[id(t)] = t
                grad_size[id(t)] = t.nbytes
                if node.reuse is None:
                    walk.cur = walk.cur + t.nbytes
        walk.cur = walk.cur + node.weight_grad
        walk.grads = walk.grads + node.weight_grad
        walk._bump(f"backward of {node.name}")
        if np.any(node.bwd_tmp):
            walk.tmp(f"backward of {node.name} (temporary)", node.bwd_tmp)
        walk.cur = walk.cur - grad_size.pop(id(node.out))
        grads.pop(id(node.out))
        for t in node.saves:
            if t is node.reuse:
                t.storage.refs -= 1  # its bytes now belong to the input's gradient
            else:
                walk._unref(t.storage)
    return walk.peak, walk.cur


# ----------------------------------------------------------------------------------- dimensions


@dataclass(frozen=True)
class Dims:
    """The sizes one forward works with (b, s may be arrays)."""

    b: Num
    s: Num  # query tokens per sequence in this forward
    kv: Num  # key/value tokens attended to (cache + new)
    e: int  # bytes of the compute dtype
    train: bool
    lora: bool
    gc: bool
    eager: bool
    targets: frozenset[str]
    rank: int
    logits_tokens: Num  # positions the lm_head is applied to, per sequence
    qlora: bool = False  # the frozen base linears are bitsandbytes 4-bit
    ab: int = ADAPTER_BYTES  # bytes per LoRA adapter element (peft: fp32; torchtune: model dtype)
    loss: str = "full"  # full | chunked | fused (frameworks.Recipe.loss)
    fast: bool = False  # Unsloth's Triton/autograd kernels (unsloth_kernels.py)
    compiled: bool = False  # the loss runs under torch.compile (loss_walk.compiled_cross_entropy)
    liger: bool = False  # Liger's RMSNorm, SwiGLU and RoPE kernels
    loss_chunks: int = 1

    @property
    def T(self) -> Num:
        return self.b * self.s


def _param_lora(d: Dims, param: str) -> bool:
    """peft wraps this stacked parameter (lora.ParamWrapper; see adapters.PEFT_MOE_CONVERTED)."""
    return d.lora and f"param:{param}" in d.targets


def _lora_on(d: Dims, module: str) -> bool:
    # the targets come from adapters.resolve_targets, which already applies PEFT's MoE conversion
    # (no gate_proj/up_proj/down_proj module is wrapped when the expert parameters are).
    name = module.rsplit(".", 1)[-1]
    return d.lora and name in d.targets


# ------------------------------------------------------------------------------- building blocks


def _linear(w: _Walk, d: Dims, x: _T, module: str, in_f: int, out_f: int, rows: Num | None = None) -> _T:
    """nn.Linear (or peft's lora.Linear around it) on `rows` rows of `x`.

    Base weights train only in full training; their input is saved only then. A QLoRA base layer
    (bitsandbytes Linear4bit, `MatMul4Bit`) dequantizes its weight for the matmul, in forward and
    again in backward, and keeps its input whenever that needs a gradient. A LoRA-wrapped layer
    (peft lora/layer.py Linear.forward) casts x to the fp32 adapter dtype, applies dropout,
    lora_A, lora_B, scales, adds in fp32 and casts the sum back.
    """
    n = d.T if rows is None else rows
    full = d.train and not d.lora
    if d.fast and _lora_on(d, module):
        from llmsize.estimate.unsloth_kernels import fast_lora_linear

        return fast_lora_linear(w, d, x, module, in_f, out_f, n)
    dequantized = None
    if d.qlora and module != "lm_head":
        dequantized = w.new(f"{module} dequantized", in_f * out_f * d.e)
    y = w.op(
        module,
        n * out_f * d.e,
        [x],
        saves=[x] if full or (dequantized is not None and x.rg) else [],
        weight_grad=in_f * out_f * d.e,
        trainable=full,
        bwd_tmp=in_f * out_f * d.e if dequantized is not None else 0,
    )
    w.drop(dequantized)
    if not _lora_on(d, module):
        return y
    # `.to(adapter dtype)` is a no-op (the same tensor) when the adapters are in the compute dtype
    same = d.ab == d.e
    xc = w.op(f"{module}.lora cast", n * in_f * d.ab, [x], view_of=x if same else None)
    mask = None
    if d.train and LORA_DROPOUT > 0:
        mask = w.new(f"{module}.lora dropout mask", n * in_f)
        xd = w.op(f"{module}.lora dropout", n * in_f * d.ab, [xc], saves=[mask])
    else:
        xd = xc
    a = w.op(
        f"{module}.lora_A",
        n * d.rank * d.ab,
        [xd],
        saves=[xd],
        weight_grad=in_f * d.rank * d.ab,
        trainable=True,
    )
    if xd is not xc:
        w.drop(xd)
    w.drop(mask)
    bo = w.op(
        f"{module}.lora_B",
        n * out_f * d.ab,
        [a],
        saves=[a],
        weight_grad=out_f * d.rank * d.ab,
        trainable=True,
    )
    w.drop(a)
    bs = w.op(f"{module}.lora scale", n * out_f * d.ab, [bo])
    w.drop(bo)
    y2 = w.op(f"{module}.lora add", n * out_f * d.ab, [y, bs])
    w.drop(bs, y)
    if same:
        w.drop(xc)
        return y2
    y3 = w.op(f"{module}.lora cast back", n * out_f * d.e, [y2])
    w.drop(y2, xc)
    return y3


def _rmsnorm(
    w: _Walk, d: Dims, x: _T, width: int, *, gemma: bool = False, rows: Num | None = None, name: str = "norm"
) -> _T:
    """RMSNorm as the modeling code writes it: an fp32 copy, x * rsqrt(mean(x^2) + eps), weight.

    Llama-style (modeling_llama.py LlamaRMSNorm): weight * x_normed.to(input_dtype).
    Gemma-style (modeling_gemma2.py Gemma2RMSNorm): (x_normed * (1 + weight)).type_as(x) in fp32.
    Saved for backward: the fp32 copy (pow, mul), rsqrt's output, and the normed input of the
    weight multiply when the weight trains.
    """
    n = d.T if rows is None else rows
    full = d.train and not d.lora
    if (d.fast or d.liger) and not gemma:
        # Unsloth's fast_rms_layernorm and Liger's LigerRMSNormFunction keep the same: X and rstd
        from llmsize.estimate.unsloth_kernels import fast_rmsnorm

        return fast_rmsnorm(w, d, x, width, n, name)
    xf = w.op(f"{name} fp32", n * width * 4, [x])
    sq = w.op(f"{name} pow", n * width * 4, [xf], saves=[xf])
    mean = w.op(f"{name} mean", n * 4, [sq])
    w.drop(sq)
    var = w.op(f"{name} +eps", n * 4, [mean])
    w.drop(mean)
    r = w.op(f"{name} rsqrt", n * 4, [var], saves_out=True)
    w.drop(var)
    normed = w.op(f"{name} x*rsqrt", n * width * 4, [xf, r], saves=[xf, r])
    w.drop(r, xf)
    if gemma:
        scaled = w.op(
            f"{name} *(1+w)",
            n * width * 4,
            [normed],
            saves=[normed] if full else [],
            weight_grad=width * d.e,
            trainable=full,
        )
        w.drop(normed)
        out = w.op(f"{name} out", n * width * d.e, [scaled])
        w.drop(scaled)
        return out
    cast = w.op(f"{name} cast", n * width * d.e, [normed])
    w.drop(normed)
    out = w.op(
        f"{name} out",
        n * width * d.e,
        [cast],
        saves=[cast] if full else [],
        weight_grad=width * d.e,
        trainable=full,
    )
    w.drop(cast)
    return out


def _rope(w: _Walk, d: Dims, x: _T, heads: int, dim: int, cos: _T, sin: _T, rows: Num | None = None) -> _T:
    """apply_rotary_pos_emb on one of q/k (modeling_llama.py): x*cos + rotate_half(x)*sin."""
    n = (d.T if rows is None else rows) * heads * dim * d.e
    if d.fast:
        # unsloth/kernels/rope_embedding.py: rotates Q and K in place (a view, nothing allocated)
        return w.op("rope (in place)", n, [x], view_of=x)
    if d.liger:
        # liger_kernel/ops/rope.py rope_forward: a contiguous copy of q (k), rotated in place
        return w.op("rope (liger)", n, [x], saves=[cos, sin])
    xc = w.op("rope x*cos", n, [x], saves=[cos])
    neg = w.op("rope neg", n // 2, [x])
    rot = w.op("rope rotate_half", n, [neg, x])
    w.drop(neg)
    xs = w.op("rope rot*sin", n, [rot], saves=[sin])
    w.drop(rot)
    out = w.op("rope add", n, [xc, xs])
    w.drop(xc, xs)
    return out


@dataclass
class _Ctx:
    """Per-forward tensors every layer reads: rotary tables and the attention masks."""

    cos: _T
    sin: _T
    masks: dict[str, _T | None]  # layer kind -> mask tensor the layers receive (None: no mask)


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
    backward. Returns the output transposed back to (batch, seq, heads*dv), contiguous.
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
    o = w.op("attn transpose", d.T * heads * dv * d.e, [out])
    w.drop(out)
    return o


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
    kk, vv = k, v
    if kv_heads != heads:
        kk, vv = _repeat_kv(w, d, k, v, heads, spec.head_dim * d.e, dv, kv_tokens)
    n = d.b * heads * d.s * kv_tokens
    s = w.op("scores q@k", n * d.e, [q, kk], saves=[q, kk])
    s2 = w.op("scores *scale", n * d.e, [s])
    w.drop(s)
    s = s2
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
    kk, vv = k, v
    if kv_heads != heads:
        kk, vv = _repeat_kv(w, d, k, v, heads, spec.head_dim * d.e, dv, kv_tokens)
    rows = d.b * heads * d.s
    n = rows * kv_tokens
    s = w.op("scores q@k", n * d.e, [q, kk], saves=[q, kk])
    scores = w.op("scores *scale", n * d.e, [s])
    w.drop(s)
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
    if d.eager and spec.attention_sinks:
        return _eager_attention_sinks(w, d, spec, q, k, v, mask, heads, kv_heads, dv, kv_tokens)
    if d.eager:
        return _eager_attention(w, d, spec, q, k, v, mask, heads, kv_heads, dv, kv_tokens)
    return _fused_attention(w, d, q, k, v, mask, heads, kv_heads, dv, kv_tokens, spec.model_type != "falcon")


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


def _mha(w: _Walk, d: Dims, spec: ModelSpec, x: _T, ctx: _Ctx, kind: str, cache: _Cache | None) -> _T:
    """Standard / GQA attention (Llama, Mistral, Qwen2/3, Phi-3, Gemma 2...)."""
    h, heads, kvh, hd = spec.hidden_size, spec.num_attention_heads, spec.num_kv_heads, spec.head_dim
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
        q = _linear(w, d, x, "q_proj", h, heads * hd)
        k = _linear(w, d, x, "k_proj", h, kvh * hd)
        v = _linear(w, d, x, "v_proj", h, kvh * hd)
    if spec.qk_norm != "none":
        width, rows_q, rows_k = (
            (hd, d.T * heads, d.T * kvh) if spec.qk_norm == "head" else (heads * hd, d.T, d.T)
        )
        qn = _rmsnorm(w, d, q, width if spec.qk_norm == "head" else heads * hd, rows=rows_q, name="q_norm")
        w.drop(q)
        kn = _rmsnorm(w, d, k, width if spec.qk_norm == "head" else kvh * hd, rows=rows_k, name="k_norm")
        w.drop(k)
        q, k = qn, kn
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
    y = _linear(w, d, o, "o_proj", heads * hd, h)
    w.drop(o, qkv)  # Phi3Attention keeps the fused projection in a local until it returns
    return y


def _mla(w: _Walk, d: Dims, spec: ModelSpec, x: _T, ctx: _Ctx, kind: str, cache: _Cache | None) -> _T:
    """Multi-head latent attention (modeling_deepseek_v2.py DeepseekV2Attention): the cache keeps
    the compressed latent; K and V are decompressed per forward with kv_b_proj."""
    h, heads = spec.hidden_size, spec.num_attention_heads
    nope, rope, dv, rank = spec.qk_nope_head_dim, spec.qk_rope_head_dim, spec.v_head_dim, spec.kv_lora_rank
    qk = nope + rope
    if spec.q_lora_rank:
        qa = _linear(w, d, x, "q_a_proj", h, spec.q_lora_rank)
        qan = _rmsnorm(w, d, qa, spec.q_lora_rank, name="q_a_layernorm")
        w.drop(qa)
        q = _linear(w, d, qan, "q_b_proj", spec.q_lora_rank, heads * qk)
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
    w.drop(q, q_pe)
    kvb = _linear(w, d, k_lat, "kv_b_proj", rank, heads * (nope + dv), rows=d.b * d.kv)
    key = w.op("key states", d.b * d.kv * heads * qk * d.e, [kvb, k_rot])
    value = w.op("value states", d.b * d.kv * heads * dv * d.e, [kvb], view_of=kvb)
    w.drop(kvb)
    if cache is None:
        w.drop(k_lat, k_rot)
    o = _attend(w, d, spec, query, key, value, ctx.masks.get(kind), heads, heads, dv, d.kv)
    w.drop(query, key, value)
    y = _linear(w, d, o, "o_proj", heads * dv, h)
    w.drop(o)
    return y


def _dense_mlp(
    w: _Walk, d: Dims, spec: ModelSpec, x: _T, inter: int, rows: Num | None = None, prefix: str = ""
) -> _T:
    """Gated MLP: down(act(gate(x)) * up(x)); Phi-3 computes gate and up in one projection."""
    n = d.T if rows is None else rows
    h = spec.hidden_size
    if not spec.mlp_gated:
        u = _linear(w, d, x, f"{prefix}up_proj", h, inter, rows=n)
        a = w.op("act", n * inter * d.e, [u], saves=[u])
        w.drop(u)
        y = _linear(w, d, a, f"{prefix}down_proj", inter, h, rows=n)
        w.drop(a)
        return y
    if spec.fused_gate_up:
        gu = _linear(w, d, x, f"{prefix}gate_up_proj", h, 2 * inter, rows=n)
        gate = w.op("gate", n * inter * d.e, [gu], view_of=gu)
        up = w.op("up", n * inter * d.e, [gu], view_of=gu)
        w.drop(gu)
        a = w.op("act", n * inter * d.e, [gate], saves=[gate])
        p = w.op("up*act", n * inter * d.e, [up, a], saves=[up, a])
        w.drop(gate, up, a)
    elif d.fast and all(_lora_on(d, f"{prefix}{m}") for m in ("gate_proj", "up_proj", "down_proj")):
        from llmsize.estimate.unsloth_kernels import fast_lora_mlp

        return fast_lora_mlp(w, d, x, h, inter, n)
    elif d.liger:
        # liger_kernel/ops/swiglu.py LigerSiLUMulFunction: one output, keeps gate and up (silu is
        # recomputed in backward)
        g = _linear(w, d, x, f"{prefix}gate_proj", h, inter, rows=n)
        u = _linear(w, d, x, f"{prefix}up_proj", h, inter, rows=n)
        p = w.op("silu(gate)*up (liger)", n * inter * d.e, [g, u], saves=[g, u])
        w.drop(g, u)
    else:
        g = _linear(w, d, x, f"{prefix}gate_proj", h, inter, rows=n)
        a = w.op("act", n * inter * d.e, [g], saves=[g])
        w.drop(g)
        u = _linear(w, d, x, f"{prefix}up_proj", h, inter, rows=n)
        p = w.op("act*up", n * inter * d.e, [a, u], saves=[a, u])
        w.drop(a, u)
    y = _linear(w, d, p, f"{prefix}down_proj", inter, h, rows=n)
    w.drop(p)
    return y


def _router(w: _Walk, d: Dims, spec: ModelSpec, x: _T) -> tuple[_T, list[_T]]:
    """The top-k router; returns the routing weights and tensors the block holds until it returns."""
    h, n_exp, k = spec.hidden_size, spec.num_experts, spec.num_experts_per_tok
    full = d.train and not d.lora
    held: list[_T] = []
    if spec.model_type in ("deepseek_v2", "deepseek_v3"):
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
    h, k, inter = spec.hidden_size, spec.num_experts_per_tok, spec.moe_intermediate_size
    full = d.train and not d.lora
    weights, held = _router(w, d, spec, x)
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
    w_gu = (
        _expert_weight(w, d, "gate_up_proj", n_exp, 2 * inter, h, 2 * d.rank)
        if _param_lora(d, "gate_up_proj")
        else None
    )
    # Expert biases (gpt-oss): `gate_up_proj_bias[expert_ids_g]` is gathered per row and added in
    # place to the grouped matmul's output; the gathered rows stay bound to `selected_biases`
    # until the down projection's bias rows replace them (integrations/moe.py).
    gu_bias = (
        _expert_bias(w, d, "gate_up bias gathered", S, 2 * inter, n_exp, full) if spec.expert_bias else None
    )
    gu = w.op(
        "experts gate_up",
        S * 2 * inter * d.e,
        [sel, *([w_gu] if w_gu else []), *([gu_bias] if gu_bias else [])],
        saves=[sel, *([w_gu] if w_gu else [])] if (full or w_gu) else [],
        weight_grad=n_exp * h * 2 * inter * d.e,
        trainable=full,
    )
    if spec.model_type == "gpt_oss":
        p = _gpt_oss_gate(w, d, gu, S * inter * d.e)
    else:
        gate = w.op("gate", S * inter * d.e, [gu], view_of=gu)
        up = w.op("up", S * inter * d.e, [gu], view_of=gu)
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


def _norm(w: _Walk, d: Dims, spec: ModelSpec, x: _T, name: str) -> _T:
    if spec.norm_type == "layernorm":
        # native_layer_norm keeps its input, mean and rstd (fp32 per row) for backward.
        full = d.train and not d.lora
        stats = w.new(f"{name} mean/rstd", d.T * 8)
        out = w.op(
            f"{name} out",
            d.T * spec.hidden_size * d.e,
            [x],
            saves=[x, stats],
            weight_grad=2 * spec.hidden_size * d.e,
            trainable=full,
        )
        w.drop(stats)
        return out
    gemma = spec.model_type.startswith("gemma")
    return _rmsnorm(w, d, x, spec.hidden_size, gemma=gemma, name=name)


def layer_kind(spec: ModelSpec, layer: int) -> tuple[str, bool]:
    """What distinguishes a block's activations: its attention span and whether it routes experts."""
    kind = "sliding_attention" if spec.layer_window(layer) is not None else "full_attention"
    return kind, spec.is_moe_layer(layer)


def _layer(w: _Walk, d: Dims, spec: ModelSpec, x: _T, ctx: _Ctx, layer: int, cache: _Cache | None) -> _T:
    """One decoder block (modeling_llama.py LlamaDecoderLayer; Gemma 2/3 add post-attention and
    post-feedforward norms, `norms_per_layer == 4`)."""
    if spec.parallel_block:
        return _parallel_layer(w, d, spec, x, ctx, layer, cache)
    kind, moe = layer_kind(spec, layer)
    sandwich = spec.norms_per_layer >= 4
    xn = _norm(w, d, spec, x, "input_layernorm")
    attn = (_mla if spec.is_mla else _mha)(w, d, spec, xn, ctx, kind, cache)
    w.drop(xn)
    if sandwich:
        an = _norm(w, d, spec, attn, "post_attention_layernorm")
        w.drop(attn)
        attn = an
    h1 = w.op("residual add", d.T * spec.hidden_size * d.e, [x, attn])
    w.drop(attn)
    xn2 = _norm(w, d, spec, h1, "pre_feedforward_layernorm" if sandwich else "post_attention_layernorm")
    m = _moe(w, d, spec, xn2) if moe else _dense_mlp(w, d, spec, xn2, spec.intermediate_size)
    w.drop(xn2)
    if sandwich:
        mn = _norm(w, d, spec, m, "post_feedforward_layernorm")
        w.drop(m)
        m = mn
    out = w.op("residual add", d.T * spec.hidden_size * d.e, [h1, m])
    w.drop(h1, m, *w.held_until_layer_end)
    w.held_until_layer_end.clear()
    return out


def _parallel_layer(
    w: _Walk, d: Dims, spec: ModelSpec, x: _T, ctx: _Ctx, layer: int, cache: _Cache | None
) -> _T:
    """Falcon's parallel block (modeling_falcon.py FalconDecoderLayer): attention and MLP read the
    normalised input (one shared LayerNorm, or ln_attn and ln_mlp, both computed before attention
    with `num_ln_in_parallel_attn == 2`); `mlp_output += attention_output` in place, then the
    residual add. Both norm outputs are locals of the block until it returns."""
    kind, moe = layer_kind(spec, layer)
    xa = _norm(w, d, spec, x, "ln_attn")
    xm = _norm(w, d, spec, x, "ln_mlp") if spec.norms_per_layer >= 2 else xa
    attn = (_mla if spec.is_mla else _mha)(w, d, spec, xa, ctx, kind, cache)
    m = _moe(w, d, spec, xm) if moe else _dense_mlp(w, d, spec, xm, spec.intermediate_size)
    summed = w.op("mlp += attention", d.T * spec.hidden_size * d.e, [m, attn], view_of=m)
    out = w.op("residual add", d.T * spec.hidden_size * d.e, [summed, x])
    w.drop(summed, m, attn, xa, *([xm] if xm is not xa else []), *w.held_until_layer_end)
    w.held_until_layer_end.clear()
    return out


def _mask_needed(spec: ModelSpec, d: Dims, kind: str, flash: bool) -> bool:
    """Whether transformers builds a mask tensor for layers of `kind` (masking_utils.py).

    Eager attention always gets an additive float mask. SDPA gets none for plain causal attention
    (`_ignore_causal_mask_sdpa`) unless a sliding window is at least the key length; flash
    attention handles windows itself and gets none.
    """
    if d.eager:
        return True
    if spec.model_type == "falcon" and not flash:
        # FalconModel.forward calls create_causal_mask(..., allow_is_causal_skip=False): "Always
        # materialize the mask so alibi can be added onto it" (modeling_falcon.py), rotary or not.
        return True
    if flash or kind != "sliding_attention" or not spec.sliding_window:
        return False
    return bool(np.any(d.kv >= spec.sliding_window))


def _prefix(w: _Walk, d: Dims, spec: ModelSpec, kinds: set[str], flash: bool) -> tuple[_Ctx, _T, list[_T]]:
    """Everything the model forward creates before the first block; returns (ctx, embeddings, held)."""
    h = spec.hidden_size
    full = d.train and not d.lora
    ids = w.new("input_ids", d.T * 8)
    emb = w.op(
        "embeddings", d.T * h * d.e, [ids], saves=[ids], weight_grad=spec.vocab_size * h * d.e, trainable=full
    )
    if spec.model_type.startswith("gemma"):  # Gemma*ScaledWordEmbedding: embedding * sqrt(hidden)
        scaled = w.op("embeddings * scale", d.T * h * d.e, [emb])
        w.drop(emb)
        emb = scaled
    if d.train and d.gc and not emb.rg:
        emb.rg = True  # enable_input_require_grads under gradient checkpointing
    w.tmp("position arange", d.s * 8)
    pos = w.new("position_ids", d.s * 8)
    held = [ids, pos]
    masks: dict[str, _T | None] = {}
    for kind in sorted(kinds):
        if not _mask_needed(spec, d, kind, flash):
            masks[kind] = None
            continue
        cells = d.s * d.kv
        w.tmp("mask parts", 2 * cells) if kind == "sliding_attention" else None
        boolean = w.new(f"{kind} mask (bool)", cells)
        if d.eager:
            fmask = w.new(f"{kind} mask (additive)", d.b * cells * d.e)
            w.drop(boolean)
            boolean = fmask
        masks[kind] = boolean
        held.append(boolean)
    if spec.is_mla:
        half = spec.qk_rope_head_dim // 2
        w.tmp("rotary freqs", 2 * d.s * half * 4)
        cos = w.new("freqs_cis", d.s * half * 8)
        sin = cos
        held.append(cos)
    else:
        dim = spec.head_dim
        freqs = w.new("rotary freqs", d.s * dim * 2)
        table = w.new("rotary emb", d.s * dim * 4)
        c32 = w.new("rotary cos fp32", d.s * dim * 4)
        w.tmp("rotary cos*scale", d.s * dim * 4)
        s32 = w.new("rotary sin fp32", d.s * dim * 4)
        w.tmp("rotary sin*scale", d.s * dim * 4)
        cos = w.new("cos", d.s * dim * d.e)
        sin = w.new("sin", d.s * dim * d.e)
        w.drop(freqs, table, c32, s32)
        held += [cos, sin]
    return _Ctx(cos, sin, masks), emb, held


def _head(w: _Walk, d: Dims, spec: ModelSpec, xn: _T) -> _T:
    """lm_head on the kept positions, then Gemma 2's final logit soft-capping (tanh)."""
    h, vocab = spec.hidden_size, spec.vocab_size
    full = d.train and not d.lora
    rows = d.b * d.logits_tokens
    keep = xn if np.all(d.logits_tokens == d.s) else w.op("last positions", rows * h * d.e, [xn], view_of=xn)
    logits = (
        _linear(w, d, keep, "lm_head", h, vocab, rows=rows)
        if _lora_on(d, "lm_head")
        else w.op(
            "logits",
            rows * vocab * d.e,
            [keep],
            saves=[keep] if full else [],
            weight_grad=vocab * h * d.e,
            trainable=full,
        )
    )
    if keep is not xn:
        w.drop(keep)
    if spec.final_logit_softcapping:
        l2 = w.op("logits /cap", rows * vocab * d.e, [logits])
        w.drop(logits)
        l3 = w.op("logits tanh", rows * vocab * d.e, [l2], saves_out=True)
        w.drop(l2)
        logits = w.op("logits *cap", rows * vocab * d.e, [l3])
        w.drop(l3)
    return logits


def _loss(w: _Walk, d: Dims, spec: ModelSpec, logits: _T) -> _T:
    """ForCausalLMLoss (loss/loss_utils.py): logits.float(), shifted labels, cross_entropy =
    log_softmax (kept for backward) + nll_loss."""
    vocab = spec.vocab_size
    padded = w.new("labels padded", d.b * (d.s + 1) * 8)
    target = w.new("shift_labels", d.T * 8)
    if d.compiled:
        from llmsize.estimate.loss_walk import compiled_cross_entropy

        loss = compiled_cross_entropy(w, logits, d.T, "cross_entropy (compiled)")
        w.drop(target, padded)
        return loss
    lf = w.op("logits fp32", d.T * vocab * 4, [logits])
    lsm = w.op("log_softmax", d.T * vocab * 4, [lf], saves_out=True)
    w.drop(lf)
    loss = w.op("nll_loss", 4, [lsm], saves=[target])
    w.drop(lsm, target, padded)
    return loss


# ------------------------------------------------------------------------------------ the phases


@dataclass(frozen=True)
class Candidate:
    """A moment that may be the peak: transient bytes, and the shares of the static KV cache and of
    the gradients that are live then (the rest of the static state is always live)."""

    phase: str
    activations: Num
    kv_fraction: Num
    grad_fraction: Num
    where: str
    host: Num = 0  # bytes offloaded to host RAM (activation offloading), the same for every moment


def _layers_by_kind(spec: ModelSpec, layers: tuple[int, ...]) -> dict[tuple[str, bool], list[int]]:
    out: dict[tuple[str, bool], list[int]] = {}
    for layer, kind in zip(layers, _kinds_of(spec, layers), strict=True):
        out.setdefault(kind, []).append(layer)
    return out


def _kinds_of(spec: ModelSpec, layers: tuple[int, ...]) -> list[tuple[str, bool]]:
    """layer_kind of each of `layers`, from one pass over the spec's per-block facts."""
    moe = spec.moe_layers
    if spec.layer_types is None:
        return [("full_attention", moe[layer]) for layer in layers]
    return [(layer_kind(spec, layer)[0], moe[layer]) for layer in layers]


def _before(order: list[tuple[str, bool]], per_kind: dict[tuple[str, bool], Num], upto: int) -> Num:
    """Sum of a per-kind quantity over the layers before position `upto` (0-based)."""
    total: Num = 0
    for kind in order[:upto]:
        total = total + per_kind[kind]
    return total


@dataclass(frozen=True)
class _LayerFwd:
    peak: Num  # live bytes at the layer's peak, its input included
    kept: Num  # bytes it leaves behind: KV cache (inference) or what backward needs (training)
    kv: Num  # the part of `kept` that is KV cache
    where: str


def _layer_forward(
    spec: ModelSpec, d: Dims, layer: int, ctx: _Ctx, *, cache: bool, saves: bool
) -> tuple[_LayerFwd, _Walk, _T]:
    w = _Walk(train=saves)
    x = w.new("layer input", d.T * spec.hidden_size * d.e, rg=saves)
    c = _Cache() if cache else None
    out = _layer(w, d, spec, x, ctx, layer, c)
    peak, where = w.peak, w.peak_at
    w.drop(x)
    kv = sum((t.nbytes for t in c.kept), start=0) if c is not None else 0
    return _LayerFwd(peak, w.cur - out.nbytes, kv, where), w, out


def _dims(
    spec: ModelSpec,
    wl: Workload,
    e: int,
    *,
    s: Num,
    kv: Num,
    batch: Num,
    logits_tokens: Num,
    attention: Attention | None,
    targets: frozenset[str],
) -> Dims:
    from llmsize.estimate.frameworks import recipe

    rc = recipe(wl)
    eager = spec.eager_attention_only if attention is None else attention is Attention.EAGER
    lora = wl.mode in (Mode.LORA, Mode.QLORA)
    return Dims(
        b=batch,
        s=s,
        kv=kv,
        e=e,
        train=wl.mode.trains,
        lora=lora,
        gc=rc.gradient_checkpointing,
        eager=eager,
        targets=targets,
        rank=wl.lora_rank,
        logits_tokens=logits_tokens,
        qlora=wl.mode is Mode.QLORA,
        ab=rc.adapter_bytes if lora else ADAPTER_BYTES,
        loss=str(rc.loss),
        loss_chunks=rc.loss_chunks,
        fast=rc.fast_kernels and wl.mode.trains,
        compiled=wl.compile and wl.mode.trains,
        liger=wl.liger and wl.mode.trains,
    )


def _ctx_only(
    spec: ModelSpec, d: Dims, kinds: set[str], flash: bool
) -> tuple[_Ctx, Num, Num, list[_T], _Walk]:
    w = _Walk(train=d.train)
    ctx, emb, held = _prefix(w, d, spec, kinds, flash)
    return ctx, w.peak, w.cur, [emb, *held], w


def inference_candidates(
    spec: ModelSpec,
    wl: Workload,
    e: int,
    layers: tuple[int, ...],
    *,
    head: bool,
    context: Num,
    prompt: Num,
    batch: Num,
    flash: bool = False,
) -> list[Candidate]:
    """Prefill (the whole prompt in one forward, as `generate` runs it) and the last decode step."""
    groups = _layers_by_kind(spec, layers)
    kinds = {k for k, _ in groups}
    order = _kinds_of(spec, layers)
    keep = 1 if wl.logits == "last" else prompt
    out: list[Candidate] = []
    h = spec.hidden_size

    # Prefill.
    d = _dims(
        spec,
        wl,
        e,
        s=prompt,
        kv=prompt,
        batch=batch,
        logits_tokens=keep,
        attention=wl.attention,
        targets=frozenset(),
    )
    ctx, pre_peak, pre_live, pre_held, _ = _ctx_only(spec, d, kinds, flash)
    out.append(Candidate("prefill", pre_peak, 0, 0, "embeddings, masks and rotary tables"))
    fwd: dict[tuple[str, bool], _LayerFwd] = {}
    for kind, members in groups.items():
        fwd[kind], _, _ = _layer_forward(spec, d, members[0], ctx, cache=True, saves=False)
    kv_per: dict[tuple[str, bool], Num] = {k: f.kv for k, f in fwd.items()}
    kv_all = _before(order, kv_per, len(order))
    x_bytes = d.T * h * e
    for kind, members in groups.items():
        pos = layers.index(members[-1])
        kv_before = _before(order, kv_per, pos)
        layer_peak = fwd[kind].peak if pos > 0 else fwd[kind].peak - x_bytes
        live = pre_live + kv_before + layer_peak
        kv_live = kv_before + fwd[kind].kv
        frac = _safe_div(kv_live, kv_all)
        out.append(Candidate("prefill", live - kv_live, frac, 0, f"layer {members[-1]}: {fwd[kind].where}"))
    if head:
        tw = _Walk()
        x = tw.new("last layer output", x_bytes)
        xn = _norm(tw, d, spec, x, "norm")
        peak_norm = tw.peak
        tw.drop(x)
        released = sum((t.nbytes for t in pre_held[:1] + pre_held[2:]), start=0)  # all but input_ids
        tw.cur = tw.cur - released
        tw.peak = tw.cur
        logits = _head(tw, d, spec, xn)
        tw.drop(xn)
        tw.new("next-token logits fp32", batch * spec.vocab_size * 4)
        tw.drop(logits)
        out.append(Candidate("prefill", pre_live + peak_norm, 1, 0, "final norm"))
        out.append(Candidate("prefill", pre_live + tw.peak, 1, 0, "lm_head logits"))

    # The last decode step: one token per sequence against a cache of context - 1 tokens.
    if np.any(context > prompt):
        dd = _dims(
            spec,
            wl,
            e,
            s=1,
            kv=context,
            batch=batch,
            logits_tokens=1,
            attention=wl.attention,
            targets=frozenset(),
        )
        ctx1, pre_peak1, pre_live1, _, _ = _ctx_only(spec, dd, kinds, flash)
        for members in groups.values():
            w = _Walk()
            x = w.new("layer input", batch * h * e)
            old = _old_cache(w, spec, dd, members[-1], prompt, context)
            window = spec.layer_window(members[-1])
            c = _Cache(
                old=old,
                tokens=None
                if window is None
                else np.where(context - 1 > prompt, np.minimum(context, window), prompt + 1),
            )
            _layer(w, dd, spec, x, ctx1, members[-1], c)
            extra = w.peak - sum((t.nbytes for t in c.kept), start=0)
            out.append(Candidate("decode", pre_live1 + extra, 1, 0, f"layer {members[-1]}: {w.peak_at}"))
        if head:
            tail = pre_live1 + batch * h * e * 3 + batch * spec.vocab_size * (e + 4)
            out.append(Candidate("decode", tail, 1, 0, "next-token logits"))
        _ = pre_peak1
    return out


def _old_cache(w: _Walk, spec: ModelSpec, d: Dims, layer: int, prompt: Num, context: Num) -> list[_T]:
    """The cache of one layer before the last decode step (DynamicLayer / DynamicSlidingWindowLayer)."""
    window = spec.layer_window(layer)
    held = context - 1
    if window is not None:
        held = np.where(context - 1 > prompt, np.minimum(context - 1, window), prompt)
    widths = (
        [spec.kv_lora_rank, spec.qk_rope_head_dim]
        if spec.is_mla
        else [cache_kv_heads(spec, Transformers()) * spec.head_dim] * 2
    )
    return [w.new("old cache", d.b * held * width * d.e) for width in widths]


def _safe_div(a: Num, b: Num) -> Num:
    if np.ndim(b) == 0:
        return a / b if b else 0
    return np.divide(a, b, out=np.zeros(np.broadcast(a, b).shape, dtype=float), where=np.asarray(b) != 0)


@dataclass(frozen=True)
class _LayerTrain:
    fwd_peak: Num  # forward: live bytes at the layer's peak, input included
    saved: Num  # what the layer leaves for backward (its input, under checkpointing)
    bwd_peak: Num  # backward (with recomputation): peak live bytes, the layer's saved set included
    bwd_grads: Num  # weight gradients live at that peak
    grads: Num  # all weight gradients of the layer
    where: str
    bwhere: str


def _layer_training(spec: ModelSpec, d: Dims, layer: int, ctx: _Ctx, x_rg: bool) -> _LayerTrain:
    x_bytes = d.T * spec.hidden_size * d.e
    if not d.gc:
        w = _Walk(train=True)
        x = w.new("layer input", x_bytes, rg=x_rg)
        out = _layer(w, d, spec, x, ctx, layer, None)
        fwd_peak, where = w.peak, w.peak_at
        w.drop(x, out)
        saved = w.cur
        w.reset_peak()
        peak, _end = _backward(w, out, out.nbytes)
        grads = sum((op.weight_grad for op in w.tape), start=0)
        return _LayerTrain(fwd_peak, saved, peak, w.peak_grads, grads, where, w.peak_at)
    # Gradient checkpointing (use_reentrant=False): the forward keeps only the block's input; the
    # backward reruns the block with autograd recording, while the incoming gradient waits.
    f = _Walk(train=False)
    x = f.new("layer input", x_bytes)
    out = _layer(f, d, spec, x, ctx, layer, None)
    fwd_peak, where = f.peak, f.peak_at
    w = _Walk(train=True)
    w.cur = x_bytes  # the gradient of the block's output
    x = w.new("layer input", x_bytes, rg=x_rg)
    out = _layer(w, d, spec, x, ctx, layer, None)
    w.drop(out)
    w.cur = w.cur - x_bytes
    peak, _end = _backward(w, out, out.nbytes)
    grads = sum((op.weight_grad for op in w.tape), start=0)
    return _LayerTrain(fwd_peak, x_bytes, peak, w.peak_grads, grads, where, w.peak_at or "recompute")


def training_candidates(
    spec: ModelSpec, wl: Workload, e: int, layers: tuple[int, ...], *, head: bool, targets: frozenset[str]
) -> tuple[list[Candidate], Num]:
    """Forward (per block, and the loss), backward (loss, per block); returns the candidates and the
    total weight-gradient bytes the walk counted (to turn live gradients into a share)."""
    groups = _layers_by_kind(spec, layers)
    kinds = {k for k, _ in groups}
    order = _kinds_of(spec, layers)
    d = _dims(
        spec,
        wl,
        e,
        s=wl.context,
        kv=wl.context,
        batch=wl.batch,
        logits_tokens=wl.context,
        attention=wl.attention,
        targets=targets,
    )
    from llmsize.estimate.frameworks import recipe

    offload = recipe(wl).activation_offloading
    full = not d.lora
    ctx, pre_peak, pre_live, pre_held, _ = _ctx_only(spec, d, kinds, wl.attention is Attention.FLASH)
    out = [Candidate("forward", pre_peak, 0, 0, "embeddings, masks and rotary tables")]
    per: dict[tuple[str, bool], _LayerTrain] = {}
    for kind, members in groups.items():
        per[kind] = _layer_training(spec, d, members[-1], ctx, x_rg=full or d.gc or members[-1] > 0)
    walks = [per[k] for k in order]
    if not (full or d.gc) and layers and layers[0] == 0:
        # LoRA without checkpointing: the first block's input needs no gradient, so its first norm
        # keeps nothing for backward.
        walks[0] = _layer_training(spec, d, 0, ctx, x_rg=False)
    if d.gc and layers and layers[0] == 0:
        # The first block's checkpointed input is the embeddings, already counted with the prefix.
        walks[0] = replace(walks[0], saved=walks[0].saved - d.T * spec.hidden_size * e)
    n = len(order)
    saved_before: list[Num] = [0]
    for wk in walks:
        saved_before.append(saved_before[-1] + wk.saved)
    host = saved_before[n]
    if offload:
        # Activation offloading (torchtune OffloadActivations, Unsloth's offloaded checkpointing):
        # saved tensors go to pinned host memory as the next block starts and come back one block
        # ahead of backward, so the GPU holds at most two blocks' saved sets.
        in_flight = (
            2 * max((wk.saved for wk in walks), default=0)
            if np.ndim(host) == 0
            else 2 * np.max(np.stack([np.broadcast_to(wk.saved, np.shape(host)) for wk in walks]), axis=0)
        )
        saved_before = [np.minimum(v, in_flight) for v in saved_before]
    else:
        host = 0
    grads_after: list[Num] = [0]
    for wk in reversed(walks):
        grads_after.append(grads_after[-1] + wk.grads)
    grads_after = grads_after[::-1][1:]  # grads_after[i]: blocks after position i
    saved_all, grads_layers = saved_before[n], grads_after[0] + walks[0].grads if walks else 0
    x_bytes = d.T * spec.hidden_size * e
    firsts = {layers.index(m[0]) for m in groups.values()}
    lasts = {layers.index(m[-1]) for m in groups.values()}
    for pos in sorted(lasts | ({0} if walks else set())):
        peak = walks[pos].fwd_peak - (x_bytes if pos == 0 else 0)
        out.append(
            Candidate(
                "forward",
                pre_live + saved_before[pos] + peak,
                0,
                0,
                f"layer {layers[pos]}: {walks[pos].where}",
            )
        )

    # Python references the model forward drops when it returns; cos/sin stay (kept by backward),
    # and under checkpointing so do the embeddings and the masks (inputs of checkpointed blocks).
    emb = pre_held[0]
    kept_names = {"cos", "sin", "freqs_cis"}
    released = sum(
        (
            t.nbytes
            for t in pre_held[2:]
            if t.name not in kept_names and not (d.gc and t.name.endswith(("(bool)", "(additive)")))
        ),
        start=0,
    )
    released = released + (0 if d.gc else emb.nbytes)
    grads_head: Num = 0
    if head:
        tw = _Walk(train=True)
        x = tw.new("last layer output", x_bytes, rg=True)
        xn = _norm(tw, d, spec, x, "norm")
        out.append(Candidate("forward", pre_live + saved_all + tw.peak, 0, 0, "final norm"))
        tw.drop(x)
        tw.cur = tw.cur - released
        tw.reset_peak()
        from llmsize.estimate.loss_walk import head_and_loss

        loss, logits = head_and_loss(tw, d, spec, xn)
        out.append(Candidate("forward", pre_live + saved_all + tw.peak, 0, 0, f"loss: {tw.peak_at}"))
        tw.drop(logits, xn)
        tw.reset_peak()
        _backward(tw, loss, 4)
        grads_head = sum((op.weight_grad for op in tw.tape), start=0)
        out.append(
            Candidate(
                "backward",
                pre_live + saved_all + tw.peak - tw.peak_grads,
                0,
                tw.peak_grads,
                f"loss backward: {tw.peak_at}",
            )
        )
    base = pre_live - released
    for pos in sorted(firsts | lasts | ({0} if walks else set())):
        wk = walks[pos]
        live = base + saved_before[pos] + wk.bwd_peak
        out.append(
            Candidate(
                "backward",
                live - wk.bwd_grads,
                0,
                grads_head + grads_after[pos] + wk.bwd_grads,
                f"layer {layers[pos]}: {wk.bwhere}",
            )
        )
    emb_grads = spec.vocab_size * spec.hidden_size * e if full and not spec.tie_word_embeddings else 0
    total_grads = grads_head + grads_layers + emb_grads
    if full:
        # The embedding's backward comes last, with every other gradient allocated; with tied
        # embeddings its dense gradient is added to the lm_head's out of place (AccumulateGrad:
        # old + new), so two more vocabulary x hidden tensors exist for a moment.
        tied_tmp = 2 * spec.vocab_size * spec.hidden_size * e if spec.tie_word_embeddings else 0
        out.append(
            Candidate(
                "backward", base + tied_tmp + d.T * spec.hidden_size * e, 0, total_grads, "embedding backward"
            )
        )
    fixed = [
        Candidate(
            c.phase, c.activations, c.kv_fraction, _safe_div(c.grad_fraction, total_grads), c.where, host
        )
        for c in out
    ]
    return fixed, total_grads
