"""SDPA as the fused GPU kernel allocates it, for tracing on a CPU under FakeTensorMode.

Why: on CPU, `torch.nn.functional.scaled_dot_product_attention` falls back to the math kernel,
which materialises batch x heads x q x kv scores whenever a mask is passed or the head dims are
unusual. CUDA's flash / memory-efficient kernels never do. While tracing we therefore replace
SDPA with a custom op whose fake implementation allocates what the fused kernels allocate:

- forward: the output (batch, heads, q, v_dim) in the query dtype, laid out as (batch, q, heads,
  v_dim) like the kernels' own output (flash `empty_like` of the transposed query; memory-efficient
  `at::empty({B, M, num_heads, Kv})`), and the log-sum-exp
  (batch, heads, q) in fp32 (flash_attn `mha_fwd` and the memory-efficient kernel both return it);
- saved for backward: q, k, v, output, log-sum-exp (and the additive mask, which
  `_scaled_dot_product_efficient_attention` keeps as `attn_bias`);
- backward: dq, dk, dv shaped like q, k, v.

What torch's SDPA dispatcher itself does on the GPU before calling the kernel is kept, because it
allocates real memory there too: a boolean mask is converted to an additive mask in the query
dtype (`convert_boolean_attn_mask` in aten/src/ATen/native/transformers/attention.cpp: `at::where`
over the broadcast mask shape), and the memory-efficient kernel pads the mask's last dim to a
multiple of 16 (`preprocess_mask` / `pad_bias`, same file) when it is not aligned. Kernel-internal
workspaces (flash backward's fp32 dq accumulator) are not modelled.

torch is imported lazily: this module is imported only by the tracer.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import Any

# REFERENCE: aten/src/ATen/native/transformers/attention.cpp, preprocess_mask(): mem_eff_alignment = 16.
MEM_EFF_MASK_ALIGNMENT = 16

_OP_NAMESPACE = "llmsize_trace"


@functools.cache
def _register_ops() -> None:
    """Define `llmsize_trace::fused_sdpa` and its backward once per process."""
    import torch

    def _math_forward(
        q: torch.Tensor,
        k: torch.Tensor,
        v: torch.Tensor,
        mask: torch.Tensor | None,
        is_causal: bool,
        scale: float,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        # Real tensors only (never reached under FakeTensorMode): the math kernel, for correctness.
        if k.shape[-3] != q.shape[-3]:
            k = k.repeat_interleave(q.shape[-3] // k.shape[-3], dim=-3)
            v = v.repeat_interleave(q.shape[-3] // v.shape[-3], dim=-3)
        scores = (q.float() @ k.float().transpose(-1, -2)) * scale
        if is_causal:
            ql, kl = q.shape[-2], k.shape[-2]
            causal = torch.ones(ql, kl, dtype=torch.bool, device=q.device).tril(kl - ql)
            scores = scores.masked_fill(~causal, float("-inf"))
        if mask is not None:
            scores = scores + mask.float()
        lse = torch.logsumexp(scores, dim=-1)
        out = (torch.softmax(scores, dim=-1) @ v.float()).to(q.dtype)
        return out, lse

    @torch.library.custom_op(
        f"{_OP_NAMESPACE}::fused_sdpa",
        mutates_args=(),
        schema="(Tensor q, Tensor k, Tensor v, Tensor? mask, bool is_causal, float scale)"
        " -> (Tensor, Tensor)",
    )
    def fused_sdpa(
        q: torch.Tensor,
        k: torch.Tensor,
        v: torch.Tensor,
        mask: torch.Tensor | None,
        is_causal: bool,
        scale: float,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        return _math_forward(q, k, v, mask, is_causal, scale)

    @fused_sdpa.register_fake
    def _(
        q: torch.Tensor,
        k: torch.Tensor,
        v: torch.Tensor,
        mask: torch.Tensor | None,
        is_causal: bool,
        scale: float,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        # the CUDA kernels write (batch, seq, heads, dim) and return it transposed, so the
        # caller's transpose(1, 2).contiguous() is free
        b, h, s = q.shape[:-1]
        out = q.new_empty((b, s, h, v.shape[-1])).transpose(1, 2)
        lse = q.new_empty(q.shape[:-1], dtype=torch.float32)
        return out, lse

    @torch.library.custom_op(
        f"{_OP_NAMESPACE}::fused_sdpa_backward",
        mutates_args=(),
        schema="(Tensor grad_out, Tensor q, Tensor k, Tensor v, Tensor out, Tensor lse, Tensor? mask,"
        " bool is_causal, float scale) -> (Tensor, Tensor, Tensor)",
    )
    def fused_sdpa_backward(
        grad_out: torch.Tensor,
        q: torch.Tensor,
        k: torch.Tensor,
        v: torch.Tensor,
        out: torch.Tensor,
        lse: torch.Tensor,
        mask: torch.Tensor | None,
        is_causal: bool,
        scale: float,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        with torch.enable_grad():
            qq, kk, vv = (t.detach().requires_grad_(True) for t in (q, k, v))
            o, _ = _math_forward(qq, kk, vv, mask, is_causal, scale)
            dq, dk, dv = torch.autograd.grad(o, (qq, kk, vv), grad_out)
        return dq, dk, dv

    @fused_sdpa_backward.register_fake
    def _(
        grad_out: torch.Tensor,
        q: torch.Tensor,
        k: torch.Tensor,
        v: torch.Tensor,
        out: torch.Tensor,
        lse: torch.Tensor,
        mask: torch.Tensor | None,
        is_causal: bool,
        scale: float,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        return torch.empty_like(q), torch.empty_like(k), torch.empty_like(v)

    def _setup_context(ctx: Any, inputs: tuple[Any, ...], output: tuple[torch.Tensor, torch.Tensor]) -> None:
        q, k, v, mask, is_causal, scale = inputs
        out, lse = output
        ctx.set_materialize_grads(False)  # lse gets no gradient; do not build a zero tensor for it
        ctx.has_mask = mask is not None
        ctx.save_for_backward(q, k, v, out, lse, *([mask] if mask is not None else []))
        ctx.is_causal, ctx.scale = is_causal, scale

    def _backward(ctx: Any, grad_out: torch.Tensor, _grad_lse: Any) -> tuple[Any, ...]:
        q, k, v, out, lse, *rest = ctx.saved_tensors
        mask = rest[0] if ctx.has_mask else None
        dq, dk, dv = fused_sdpa_backward(grad_out, q, k, v, out, lse, mask, ctx.is_causal, ctx.scale)
        return dq, dk, dv, None, None, None

    fused_sdpa.register_autograd(_backward, setup_context=_setup_context)


def fused_scaled_dot_product_attention(
    query: Any,
    key: Any,
    value: Any,
    attn_mask: Any = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
    enable_gqa: bool = False,
) -> Any:
    """Drop-in for `torch.nn.functional.scaled_dot_product_attention` with fused-kernel allocations.

    `enable_gqa`: the flash kernel reads the shared KV heads directly, so k/v are not repeated.
    Without it, k and v must already have as many heads as q (HF repeats them itself).
    """
    import torch

    _register_ops()
    if scale is None:
        scale = query.shape[-1] ** -0.5
    if not enable_gqa and key.shape[-3] not in (1, query.shape[-3]):
        # SDPA broadcasts a single K/V head (Falcon's multi-query attention); anything else is an error.
        raise ValueError("k/v heads differ from q heads and enable_gqa is False")
    mask = attn_mask
    if mask is not None:
        if mask.dtype == torch.bool:
            # convert_boolean_attn_mask: an additive mask over the broadcast mask shape, in q's dtype.
            zero = torch.zeros((), dtype=query.dtype, device=query.device)
            mask = torch.where(mask, zero, float("-inf"))
        if mask.shape[-1] % MEM_EFF_MASK_ALIGNMENT:
            # pad_bias(): pad the last dim up to the alignment, keep a view of the original width.
            pad = MEM_EFF_MASK_ALIGNMENT - mask.shape[-1] % MEM_EFF_MASK_ALIGNMENT
            mask = torch.nn.functional.pad(mask, (0, pad))[..., : mask.shape[-1]]
    out, _lse = torch.ops.llmsize_trace.fused_sdpa(query, key, value, mask, bool(is_causal), float(scale))
    return out


@contextlib.contextmanager
def fused_sdpa_patched() -> Iterator[None]:
    """Within the block, `torch.nn.functional.scaled_dot_product_attention` is the fused model."""
    import torch

    _register_ops()
    original = torch.nn.functional.scaled_dot_product_attention
    torch.nn.functional.scaled_dot_product_attention = fused_scaled_dot_product_attention
    try:
        yield
    finally:
        torch.nn.functional.scaled_dot_product_attention = original
