"""QLoRA as transformers (and TRL before 0.26) run it: the fp32 residual stream that peft's
`prepare_model_for_kbit_training` leaves behind, under the Trainer's bf16 autocast.

prepare_model_for_kbit_training (peft 0.21 utils/other.py) casts every fp16/bf16 parameter that is
not a bitsandbytes `Params4bit` to fp32: the embeddings, every norm and the lm_head (weights.py
counts them at 4 bytes). What that does to the activations, read from the code that runs:
- the embedding lookup returns fp32, so the residual stream, every block's input (the tensor
  gradient checkpointing keeps) and the rotary tables (`cos.to(x.dtype)`) are fp32;
- RMSNorm (modeling_llama.py LlamaRMSNorm) gets fp32 in: its `.to(torch.float32)` is a no-op and
  `weight * hidden.to(input_dtype)` with an fp32 weight returns fp32;
- bitsandbytes `Linear4bit.forward` casts its input to the compute dtype (a bf16 copy, which
  `MatMul4Bit` keeps when the input needs a gradient) and casts the product back to the input's
  dtype: q/k/v, gate/up and down return fp32 when fed fp32; o_proj, fed the attention output,
  stays bf16;
- peft's LoRA branch casts x to the fp32 adapter dtype (`_cast_input_dtype`, a copy only for a bf16
  x), autocast casts it to bf16 for lora_A (the copy mm keeps for lora_A's gradient), lora_B and
  the scaling run in bf16 and the sum with the base output takes the base output's dtype;
- SiLU and the gate product run in fp32 on fp32 inputs (neither is on autocast's lists);
- SDPA and flash attention get bf16 copies of the fp32 q/k/v (autocast's lower-precision list;
  transformers' flash path casts fp32 inputs to the autocast dtype) and keep those;
- the lm_head under autocast multiplies bf16 copies of its fp32 input and of its fp32 weight; the
  weight copy is not cached (autocast caches only leaves that require grad) and is what `mm`
  keeps to give the hidden states their gradient, so a bf16 copy of the head lives until the
  loss backward.
Only the full cross-entropy's head is walked this way; a chunked or fused loss is walked as usual.
"""

from __future__ import annotations

from llmsize.estimate.activations.walk import _T, Dims, Num, _Walk, lora_a_b, lora_dropout

FP32 = 4


def is_fp32(t: _T) -> bool:
    return t.elem == FP32


def fp32_rmsnorm(w: _Walk, d: Dims, x: _T, width: int, n: Num, name: str) -> _T:
    """RMSNorm on an fp32 input with an fp32 weight: no upcast copy, an fp32 output."""
    full = d.train and not d.lora
    sq = w.op(f"{name} pow", n * width * FP32, [x], saves=[x])
    mean = w.op(f"{name} mean", n * 4, [sq])
    w.drop(sq)
    var = w.op(f"{name} +eps", n * 4, [mean])
    w.drop(mean)
    r = w.op(f"{name} rsqrt", n * 4, [var], saves_out=True)
    w.drop(var)
    normed = w.op(f"{name} x*rsqrt", n * width * FP32, [x, r], saves=[x, r], elem=FP32)
    w.drop(r)
    out = w.op(
        f"{name} out (fp32 weight)",
        n * width * FP32,
        [normed],
        saves=[normed] if full else [],
        weight_grad=width * FP32,
        trainable=full,
        elem=FP32,
    )
    w.drop(normed)
    return out


def bnb_base(w: _Walk, d: Dims, x: _T, module: str, in_f: int, out_f: int, n: Num) -> _T:
    """bitsandbytes Linear4bit on an fp32 input: a bf16 copy in, the product cast back to fp32."""
    deq = w.new(f"{module} dequantized", in_f * out_f * d.e)
    xb = w.op(f"{module} input .to(bf16)", n * in_f * d.e, [x])
    yb = w.op(
        module,
        n * out_f * d.e,
        [xb],
        saves=[xb] if xb.rg else [],
        bwd_tmp=in_f * out_f * d.e,
    )
    w.drop(deq, xb)
    y = w.op(f"{module} .to(fp32)", n * out_f * FP32, [yb], elem=FP32)
    w.drop(yb)
    return y


def autocast_lora(w: _Walk, d: Dims, x: _T, y: _T, module: str, in_f: int, out_f: int, n: Num) -> _T:
    """peft's lora.Linear branch under bf16 autocast, added to the base output `y`.

    peft 0.21 lora/layer.py Linear.forward: `x = self._cast_input_dtype(x, lora_A.weight.dtype)`
    (a copy only when the dtypes differ; the rebound `x` lives until forward returns), then
    `result + lora_B(lora_A(dropout(x))) * scaling`: autocast gives lora_A a bf16 copy of an fp32 x
    (kept by mm for lora_A's gradient; none when x is already bf16), lora_B and the scaling run in
    bf16, and the sum takes the base output's dtype.
    """
    adapter_fp32 = d.ab == FP32
    xc = x
    if adapter_fp32 and not is_fp32(x):
        xc = w.op(f"{module}.lora x.to(fp32)", n * in_f * FP32, [x], elem=FP32)
    elif not adapter_fp32 and is_fp32(x):
        xc = w.op(f"{module}.lora x.to(bf16)", n * in_f * d.e, [x])
    xd, mask = lora_dropout(w, d, module, xc, n, in_f)  # in the dtype dropout sees
    xa = xd if not is_fp32(xd) else w.op(f"{module}.lora_A input (autocast bf16)", n * in_f * d.e, [xd])
    bo = lora_a_b(w, d, module, xa, n, in_f, out_f, d.e,
                  release=(xa if xa is not xd else None, xd if xd is not xc else None, mask))
    bs = w.op(f"{module}.lora scale", n * out_f * d.e, [bo])
    w.drop(bo)
    elem = y.elem
    out = w.op(f"{module}.lora add", n * out_f * (elem or d.e), [y, bs], elem=elem)
    w.drop(bs, y)
    if xc is not x:
        w.drop(xc)
    return out


def autocast_qkv(w: _Walk, d: Dims, q: _T, k: _T, v: _T) -> list[_T]:
    """The bf16 copies of fp32 q/k/v the attention kernel gets (and keeps) under autocast."""
    return [w.op(f"{t.name} .to(bf16)", t.nbytes * d.e // FP32, [t]) for t in (q, k, v)]


def autocast_head(w: _Walk, d: Dims, x: _T, rows: Num, hidden: int, vocab: int) -> _T:
    """The frozen fp32 lm_head under autocast: bf16 copies of input and weight; mm keeps the weight's."""
    weight = w.new("lm_head weight .to(bf16) (autocast)", vocab * hidden * d.e)
    xb = w.op("final norm .to(bf16) (autocast)", rows * hidden * d.e, [x])
    logits = w.op("logits", rows * vocab * d.e, [xb], saves=[weight])
    w.drop(xb, weight)
    return logits
