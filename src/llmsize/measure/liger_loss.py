"""Liger's fused linear cross-entropy, as the allocations it makes (values are not computed).

Split out of tracer.py, beside unsloth_loss.py and trl_loss.py. torch is imported inside.
"""

from __future__ import annotations

from typing import Any


def fused_linear_cross_entropy(x: Any, weight: Any, target: Any) -> Any:
    """The allocation pattern of Liger's fused linear cross-entropy, for the trace.

    liger_kernel/ops/fused_linear_cross_entropy.py `fused_linear_cross_entropy_forward`: chunks of
    next_pow2(ceil(BT / ceil(V / H))) rows; each chunk's logits are overwritten in place by their
    gradient (a Triton kernel; here an in-place op stands for it), grad_input is filled block by
    block and grad_weight accumulated in place; backward returns the saved gradients. Values are
    not computed (the trace runs on fake tensors).
    """
    import math

    import torch

    class _Fused(torch.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any, weight: Any, target: Any) -> Any:
            bt, h = x.shape
            v = weight.shape[0]
            chunk = min(bt, 1 << max(0, math.ceil(math.log2(max(1, -(-bt // -(-v // h)))))))
            grad_x = torch.empty_like(x)
            grad_w = torch.zeros_like(weight) if weight.requires_grad else None
            loss_1d = torch.zeros(bt, dtype=torch.float32, device=x.device)
            for start in range(0, bt, chunk):
                xc = x[start : start + chunk]
                logits = xc @ weight.t()
                logits.mul_(1.0)  # the kernel's in-place softmax gradient
                grad_x[start : start + chunk] = logits @ weight
                if grad_w is not None:
                    grad_w.addmm_(logits.t(), xc)
                del logits
            ctx.save_for_backward(grad_x, grad_w)
            return loss_1d.sum()

        @staticmethod
        def backward(ctx: Any, grad_out: Any) -> Any:
            grad_x, grad_w = ctx.saved_tensors
            return grad_x, grad_w, None

    return _Fused.apply(x, weight, target)  # type: ignore[no-untyped-call]
