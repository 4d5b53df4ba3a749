"""The walk: live bytes as the modeling code allocates and drops tensors, autograd's tape, and
the building blocks every block kind shares (linear layers with LoRA/QLoRA, RMSNorm, RoPE)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from llmsize.estimate import arrays as np
from llmsize.specs.models import ModelSpec

Num = Any  # int or numpy int64 array

# REFERENCE: peft LoraConfig's default lora_dropout=0.0 (peft/tuners/lora/config.py), the only value
# peft 0.21 accepts for the MoE expert parameters it wraps (lora.ParamWrapper). With a dropout above
# 0 (Workload.lora_dropout, Dims.dropout), each wrapped layer's `dropout(x)` is an nn.Dropout: a new
# tensor of x's size and dtype that lora_A keeps for its weight gradient, plus the 1-byte bool mask
# aten.native_dropout saves for backward (torch/_decomp/decompositions.py native_dropout).
LORA_DROPOUT = 0.0
ADAPTER_BYTES = 4  # peft casts bf16/fp16 adapters to fp32 (autocast_adapter_dtype=True)


# ----------------------------------------------------------------------------- the walk machinery


@dataclass(eq=False, slots=True)
class _Storage:
    nbytes: Num
    refs: int = 0  # python references + autograd saved references


@dataclass(eq=False, slots=True)
class _T:
    """A tensor of the walk: its logical bytes, its storage, and whether it needs a gradient."""

    name: str
    nbytes: Num
    storage: _Storage
    rg: bool = False
    elem: int = 0  # bytes per element when not the compute dtype's (4: the fp32 residual stream)


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

    def new(self, name: str, nbytes: Num, rg: bool = False, elem: int = 0) -> _T:
        """A fresh tensor nobody computed from taped inputs (inputs, constants, cache copies)."""
        st = _Storage(nbytes, 1)
        cur = self.cur = self.cur + nbytes
        if type(cur) is int and type(self.peak) is int:  # _bump's scalar case, inline (issue 15)
            if cur > self.peak:
                self.peak, self.peak_at, self.peak_grads = cur, name, self.grads
        else:
            self._bump(name)
        return _T(name, nbytes, st, rg, elem)

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
        elem: int = 0,
    ) -> _T:
        """The output of an op; a view shares `view_of`'s storage and allocates nothing.

        `saves`: the tensors autograd keeps for this op's backward; `saves_out`: it keeps its own
        output (rsqrt, tanh, softmax). Only recorded when the output needs a gradient.
        """
        if not self.train:  # nothing is taped, so the inputs need no look (every inference walk)
            ins: tuple[_T, ...] = ()
            rg = False
        else:
            ins = tuple(inputs)
            rg = trainable or any(t.rg for t in ins)
        if view_of is not None:
            out = _T(name, nbytes, view_of.storage, rg, elem)
            view_of.storage.refs += 1
        else:
            out = _T(name, nbytes, _Storage(nbytes, 1), rg, elem)
            cur = self.cur = self.cur + nbytes
            if type(cur) is int and type(self.peak) is int:  # _bump's scalar case, inline (issue 15)
                if cur > self.peak:
                    self.peak, self.peak_at, self.peak_grads = cur, name, self.grads
            else:
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
                st = t.storage  # _unref, inline: the walk's most frequent call (issue 15)
                st.refs -= 1
                if st.refs == 0:
                    self.cur = self.cur - st.nbytes


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
    lora_sum_tmp: bool = False  # ... of 2024: matmul_lora's output-sized LoRA temporary (unsloth_kernels.py)
    compiled: bool = False  # each decoder block runs under torch.compile (compiled_blocks.py)
    compiled_loss: bool = False  # ... and the loss (loss_walk.compiled_cross_entropy)
    liger: bool = False  # Liger's RMSNorm, SwiGLU and RoPE kernels
    loss_chunks: int = 1
    logits_fp32: bool = False  # the model's forward upcasts the logits (torchtune `output(h).float()`)
    gc_holds_output: bool = False  # the checkpoint keeps the recomputed block output through its backward
    packed: bool = False  # one row of several sequences (padding-free): attention must not cross them
    res: int = 0  # bytes of the residual stream when fp32 under bf16 compute (kbit_upcast.py), else 0
    autocast: bool = False  # the forward runs under bf16 autocast (frameworks.Recipe.autocast)
    fp8: str = ""  # torchao float8 training recipe of the trained linears (fp8_training.py), or ""
    dropout: float = LORA_DROPOUT  # peft lora_dropout of the wrapped layers (Workload.lora_dropout)

    @property
    def T(self) -> Num:
        return self.b * self.s


def _param_lora(d: Dims, param: str) -> bool:
    """peft wraps this stacked parameter (lora.ParamWrapper; see adapters.PEFT_MOE_CONVERTED)."""
    return d.lora and f"param:{param}" in d.targets


def lora_a_b(w: _Walk, d: Dims, module: str, xin: _T, n: Num, in_f: int, out_f: int, elem: int,
             release: tuple[_T | None, ...] = ()) -> _T:
    """peft's `lora_B(lora_A(xin))` with `elem`-byte activations: each mm keeps its input for its
    weight's gradient (the adapters' own dtype, d.ab); `release` is dropped once lora_A has run."""
    a = w.op(f"{module}.lora_A", n * d.rank * elem, [xin], saves=[xin], weight_grad=in_f * d.rank * d.ab,
             trainable=True)
    w.drop(*release)
    bo = w.op(f"{module}.lora_B", n * out_f * elem, [a], saves=[a], weight_grad=out_f * d.rank * d.ab,
              trainable=True)
    w.drop(a)
    return bo


def lora_dropout(w: _Walk, d: Dims, module: str, x: _T, n: Num, in_f: int) -> tuple[_T, _T | None]:
    """peft's `dropout(x)` before lora_A (lora/layer.py Linear.forward, lora/bnb.py Linear4bit.forward):
    nn.Identity at lora_dropout 0; above 0 an nn.Dropout, whose aten.native_dropout returns a new
    tensor of x's size and dtype and saves a 1-byte bool mask for backward. Returns (input of lora_A,
    mask); the caller drops both once lora_A has run (lora_A keeps its input for its gradient)."""
    if not (d.train and d.dropout > 0):
        return x, None
    mask = w.new(f"{module}.lora dropout mask", n * in_f)
    xd = w.op(f"{module}.lora dropout", x.nbytes, [x], saves=[mask], elem=x.elem)
    return xd, mask


def fast_lora(d: Dims) -> bool:
    """Unsloth's LoRA autograd kernels run (unsloth_kernels.py): `FastLlamaModel.patch_peft_model`
    (unsloth/models/llama.py at 015bdef) patches the LoRA MLP, QKV and O only `if lora_dropout == 0`;
    with dropout the LoRA layers keep peft's forward (its dropout included), the other kernels stay."""
    return d.fast and d.dropout == 0


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
    if d.fp8 and full:
        from llmsize.estimate import fp8_training

        if fp8_training.converted(module, in_f, out_f):
            return fp8_training.fp8_linear(w, d, x, module, in_f, out_f, n)
    if fast_lora(d) and _lora_on(d, module):
        from llmsize.estimate.unsloth_kernels import fast_lora_linear

        return fast_lora_linear(w, d, x, module, in_f, out_f, n)
    if d.res and (x.elem == 4 or _lora_on(d, module)):
        return _linear_fp32_stream(w, d, x, module, in_f, out_f, n)
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
    if d.autocast:
        from llmsize.estimate.kbit_upcast import autocast_lora

        return autocast_lora(w, d, x, y, module, in_f, out_f, n)
    # `.to(adapter dtype)` is a no-op (the same tensor) when the adapters are in the compute dtype
    same = d.ab == d.e
    xc = w.op(f"{module}.lora cast", n * in_f * d.ab, [x], view_of=x if same else None)
    xd, mask = lora_dropout(w, d, module, xc, n, in_f)
    bo = lora_a_b(w, d, module, xd, n, in_f, out_f, d.ab, release=(xd if xd is not xc else None, mask))
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


def _linear_fp32_stream(w: _Walk, d: Dims, x: _T, module: str, in_f: int, out_f: int, n: Num) -> _T:
    """A linear layer of a QLoRA model prepared by peft's prepare_model_for_kbit_training
    (kbit_upcast.py): bitsandbytes base on fp32 input, LoRA branch under bf16 autocast."""
    from llmsize.estimate import kbit_upcast as ku

    quantized = d.qlora and module != "lm_head"  # bitsandbytes leaves the head unquantized
    if x.elem == 4 and quantized:
        y = ku.bnb_base(w, d, x, module, in_f, out_f, n)
    else:
        deq = w.new(f"{module} dequantized", in_f * out_f * d.e) if quantized else None
        y = w.op(
            module,
            n * out_f * d.e,
            [x],
            saves=[x] if deq is not None and x.rg else [],
            bwd_tmp=in_f * out_f * d.e if deq is not None else 0,
        )
        w.drop(deq)
    if not _lora_on(d, module):
        return y
    return ku.autocast_lora(w, d, x, y, module, in_f, out_f, n)


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
    if x.elem == 4 and d.res:
        from llmsize.estimate.kbit_upcast import fp32_rmsnorm

        return fp32_rmsnorm(w, d, x, width, n, name)
    if d.compiled and not d.fast:
        from llmsize.estimate.compiled_blocks import compiled_rmsnorm

        return compiled_rmsnorm(w, d, x, width, n, name)
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
    n = (d.T if rows is None else rows) * heads * dim * (x.elem or d.e)
    if d.fast:
        # unsloth/kernels/rope_embedding.py: rotates Q and K in place (a view, nothing allocated)
        return w.op("rope (in place)", n, [x], view_of=x)
    if d.liger or d.compiled:
        # liger_kernel/ops/rope.py rope_forward: a contiguous copy of q (k), rotated in place;
        # under torch.compile one fused kernel writes the rotated copy (compiled_blocks.py)
        return w.op("rope (liger)" if d.liger else "rope (compiled)", n, [x], saves=[cos, sin], elem=x.elem)
    xc = w.op("rope x*cos", n, [x], saves=[cos])
    neg = w.op("rope neg", n // 2, [x])
    rot = w.op("rope rotate_half", n, [neg, x])
    w.drop(neg)
    xs = w.op("rope rot*sin", n, [rot], saves=[sin])
    w.drop(rot)
    out = w.op("rope add", n, [xc, xs], elem=x.elem)
    w.drop(xc, xs)
    return out


def rope_fp32(
    w: _Walk, d: Dims, q: _T, k: _T, heads: int, kv_heads: int, dim: int, cos: _T, sin: _T
) -> tuple[_T, _T]:
    """modeling_ernie4_5.py (and _moe) apply_rotary_pos_emb, in fp32: the fp32 cos/sin halves are
    repeat_interleave'd (two new tables), then per tensor q.float() * cos + rotate_half(q).float() * sin
    (rotate_half: a negated half and a stack in the model dtype); both fp32 results are cast back at the
    return, and the caller keeps q and k until then. Backward keeps only the repeated tables."""
    cr = w.op("rope cos repeat_interleave", d.s * dim * 4, [cos])
    sr = w.op("rope sin repeat_interleave", d.s * dim * 4, [sin])
    full32 = []
    for name, x, h in (("q", q, heads), ("k", k, kv_heads)):
        n = d.T * h * dim
        xf = w.op(f"rope {name}.float()", n * 4, [x])
        xc = w.op(f"rope {name}*cos", n * 4, [xf], saves=[cr])
        w.drop(xf)
        neg = w.op(f"rope -{name}2", n * d.e // 2, [x])
        st = w.op("rope stack", n * d.e, [neg, x])
        w.drop(neg)
        rf = w.op(f"rope rotate_half({name}).float()", n * 4, [st])
        w.drop(st)
        rs = w.op("rope rot*sin", n * 4, [rf], saves=[sr])
        w.drop(rf)
        full32.append(w.op(f"rope {name} fp32", n * 4, [xc, rs]))
        w.drop(xc, rs)
    qe = w.op("rope q cast", d.T * heads * dim * d.e, [full32[0]])
    ke = w.op("rope k cast", d.T * kv_heads * dim * d.e, [full32[1]])
    w.drop(*full32, cr, sr)
    return qe, ke


@dataclass
class _Ctx:
    """Per-forward tensors every layer reads: rotary tables and the attention masks."""

    cos: _T
    sin: _T
    masks: dict[str, _T | None]  # layer kind -> mask tensor the layers receive (None: no mask)


def _norm(w: _Walk, d: Dims, spec: ModelSpec, x: _T, name: str) -> _T:
    if spec.norm_type == "layernorm":
        # native_layer_norm keeps its input, mean and rstd (fp32 per row) for backward.
        full = d.train and not d.lora
        stats = w.new(f"{name} mean/rstd", d.T * 8)
        out = w.op(
            f"{name} out",
            d.T * spec.hidden_size * (x.elem or d.e),
            [x],
            saves=[x, stats],
            weight_grad=2 * spec.hidden_size * d.e,
            trainable=full,
            elem=x.elem,
        )
        w.drop(stats)
        return out
    gemma = spec.model_type.startswith("gemma") or spec.norm_unit_offset
    return _rmsnorm(w, d, x, spec.hidden_size, gemma=gemma, name=name)
