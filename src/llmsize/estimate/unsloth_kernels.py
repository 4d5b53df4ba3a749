"""Unsloth's training kernels, as walks of what they allocate and keep (Unsloth 2025.x, read at
unslothai/unsloth commit 015bdef).

- `matmul_lora` (unsloth/kernels/utils.py): out = X @ W^T (a QLoRA weight dequantized into one
  reused global buffer, `fast_dequantize(use_global_buffer=True)`), then `out.addmm_(X @ A, B)` in
  the compute dtype: no fp32 copies of X or of the output, unlike peft's lora.Linear.
- `LoRA_W` / `LoRA_QKV` (kernels/fast_lora.py): keep X (and the small A, B) for backward.
- `LoRA_MLP` (kernels/fast_lora.py): e = gate(X), g = up(X), h = swiglu(e, g), i = down(h); keeps
  X, e and g; backward makes DW = dY @ down^T, turns DW, e, g into h, df, de in place
  (`swiglu_DWf_DW_dfg_kernel`) and writes dX into X's storage (`inplace=True`).
- `fast_rms_layernorm` (kernels/rms_layernorm.py): one output and the fp32 inverse RMS per row.
These run only where every module of the block carries LoRA (Unsloth's patched forward), which
the callers in activations/ (walk.py, ffn.py) check.

Unsloth of 2024 (`--unsloth-2024`; read at unsloth d9ed4be, December 2024; changed by 4f16602 of
March 2025) added the LoRA term as `out += (X @ A) @ (s * B)` in `matmul_lora`: the product is an
output-sized temporary beside `out`, in every forward of LoRA_W / LoRA_QKV / LoRA_MLP and in
LoRA_MLP's backward `DW = matmul_lora(dY, downW.t(), ...)`, where it sits beside DW, e and g.
The backwards of that code also sum their input gradient as `dX += dY @ W.t()` and
`dX += dY @ B.t() @ (s * A.t())`, each an input-sized temporary.
"""

from __future__ import annotations

from llmsize.estimate.activations import _T, Dims, Num, _Walk


def _dequant(w: _Walk, d: Dims, in_f: int, out_f: int) -> _T | None:
    return w.new("dequantized weight (global buffer)", in_f * out_f * d.e) if d.qlora else None


def fast_lora_linear(w: _Walk, d: Dims, x: _T, module: str, in_f: int, out_f: int, n: Num) -> _T:
    deq = _dequant(w, d, in_f, out_f)
    w.tmp(f"{module} X@A", n * d.rank * d.e)
    y = w.op(
        f"{module} (unsloth matmul_lora)",
        n * out_f * d.e,
        [x],
        saves=[x],
        weight_grad=(in_f + out_f) * d.rank * d.ab,
        trainable=True,
        bwd_tmp=(in_f * out_f * d.e if d.qlora else 0) + n * (in_f if d.lora_sum_tmp else d.rank) * d.e,
    )
    if d.lora_sum_tmp:
        w.tmp(f"{module} (X@A)@(s*B) (unsloth 2024 matmul_lora)", n * out_f * d.e)
    w.drop(deq)
    return y


def fast_lora_mlp(w: _Walk, d: Dims, x: _T, h: int, inter: int, n: Num) -> _T:
    deq = _dequant(w, d, h, inter)
    e = w.new("gate e (unsloth)", n * inter * d.e)
    g = w.new("up g (unsloth)", n * inter * d.e)
    if d.lora_sum_tmp:
        w.tmp("up (X@A)@(s*B) (unsloth 2024 matmul_lora)", n * inter * d.e)
    hh = w.new("swiglu h (unsloth)", n * inter * d.e)
    grads = 3 * (h + inter) * d.rank * d.ab
    # backward: DW = dY @ down^T, beside it (2024) the LoRA term of that matmul_lora
    dw = (2 if d.lora_sum_tmp else 1) * n * inter * d.e
    out = w.op(
        "down (unsloth LoRA_MLP)",
        n * h * d.e,
        [x],
        saves=[x, e, g],
        weight_grad=grads,
        trainable=True,
        bwd_tmp=dw + (h * inter * d.e if d.qlora else 0),
        reuse=x,
    )
    if d.lora_sum_tmp:
        w.tmp("down (X@A)@(s*B) (unsloth 2024 matmul_lora)", n * h * d.e)
    w.drop(hh, e, g, deq)
    return out


def fast_rmsnorm(w: _Walk, d: Dims, x: _T, width: int, n: Num, name: str) -> _T:
    r = w.new(f"{name} inverse rms (fp32)", n * 4)
    out = w.op(f"{name} (unsloth rms_layernorm)", n * width * d.e, [x], saves=[x, r])
    w.drop(r)
    return out
