"""Unsloth's pre-CCE cross-entropy, as the trace allocates it (estimate/loss_walk.py `inplace_loss`).

unsloth/kernels/cross_entropy_loss.py `Fast_CrossEntropyLoss` (commit d9ed4be, December 2024): a
Triton kernel writes an fp32 loss and log-sum-exp per row from the bf16 logits (one log-sum-exp per
65,536-wide vocabulary chunk, then reduced), saves the logits, and in backward overwrites them with
their gradient and returns them. Here in-place torch ops stand for the kernels; values are not
computed (the trace runs on fake tensors).
"""

from __future__ import annotations

from typing import Any

# REFERENCE: unsloth/kernels/cross_entropy_loss.py MAX_FUSED_SIZE = 65536
MAX_FUSED_SIZE = 65536


def inplace_cross_entropy(logits: Any, labels: Any) -> Any:
    """Mean loss over `logits` (rows x vocab, bf16) with the kernel's allocations and in-place backward."""
    import torch

    class _InPlace(torch.autograd.Function):
        @staticmethod
        def forward(ctx: Any, logits: Any, labels: Any) -> Any:
            rows, vocab = logits.shape
            chunks = -(-vocab // MAX_FUSED_SIZE)
            losses = torch.empty(rows, dtype=torch.float32, device=logits.device)
            lse = torch.empty((rows, chunks), dtype=torch.float32, device=logits.device)
            lse = torch.logsumexp(lse, dim=1) if chunks > 1 else lse.view(rows)
            ctx.save_for_backward(logits, lse, labels)
            return losses.sum() / rows

        @staticmethod
        def backward(ctx: Any, grad_out: Any) -> Any:
            logits, _lse, _labels = ctx.saved_tensors
            logits.mul_(1.0)  # the kernel writes the gradient of the logits into their storage
            return logits, None

    return _InPlace.apply(logits, labels)  # type: ignore[no-untyped-call]
