"""The training forward and loss as each recipe computes it (estimate/loss_walk.py walks the same).

Split out of tracer.py; the trace and the real cpu/cuda runs (real_run.py) call the same loss code.
The kernels with their own allocation pattern sit beside it: liger_loss.py, trl_loss.py,
unsloth_loss.py. torch is imported inside the functions.
"""

from __future__ import annotations

from typing import Any

from llmsize.estimate.workload import Loss
from llmsize.measure.liger_loss import fused_linear_cross_entropy
from llmsize.measure.trl_loss import trl_chunked_nll


def forward_autocast(model: Any, on: bool, device: str = "cpu") -> Any:
    """accelerate's bf16 autocast around the forward (frameworks.Recipe.autocast), for 16-bit models.

    torch's CPU autocast puts linear/matmul on its lower-precision list as CUDA's does; the other
    ops the decoders run see bf16 or fp32 inputs either way."""
    import contextlib

    import torch

    dtype = next(model.parameters()).dtype
    if not on or dtype not in (torch.bfloat16, torch.float16):
        return contextlib.nullcontext()
    return torch.autocast(device, dtype=dtype)


def _shifted_logits_loss(model: Any, ids: Any) -> Any:
    """transformers 4.46-4.48 `ForCausalLMLoss`: fp32 copy of the logits, a contiguous copy of the
    shifted ones, cross-entropy on that (estimate/loss_walk.py `shifted_full_loss`)."""
    import torch

    logits = model(input_ids=ids, use_cache=False).logits
    upcast = logits.float()
    shifted = upcast[..., :-1, :].contiguous()
    labels = ids[..., 1:].contiguous()
    value = torch.nn.functional.cross_entropy(shifted.view(-1, shifted.shape[-1]), labels.view(-1))
    del logits, upcast, shifted
    return value


def forward_loss(model: Any, ids: Any, loss: Loss, chunks: int, autocast: bool = False) -> Any:
    """The training loss as the recipe computes it (see estimate/loss_walk.py for the three)."""
    if loss is Loss.FULL:
        out = model(input_ids=ids, labels=ids, use_cache=False)
        value = out.loss
        if autocast and out.logits is not None and out.logits.element_size() == 2:
            # accelerate's convert_outputs_to_fp32 (utils/operations.py) copies the returned logits
            logits32 = out.logits.float()
            del out
            del logits32
        else:
            del out
        return value
    import torch

    if loss is Loss.FULL_SHIFTED:
        return _shifted_logits_loss(model, ids)
    if loss is Loss.INPLACE:
        from llmsize.measure.unsloth_loss import inplace_cross_entropy

        # Unsloth's forward takes the loss on its bf16 logits and returns them; accelerate then copies them
        logits = model(input_ids=ids, use_cache=False).logits
        labels = torch.hstack((ids[..., 1:], ids[..., :1]))
        value = inplace_cross_entropy(logits.view(-1, logits.shape[-1]), labels)
        if autocast and logits.element_size() == 2:
            logits32 = logits.float()
            del logits32
        del logits
        return value
    base = model.get_base_model() if hasattr(model, "get_base_model") else model
    hidden = base.model(input_ids=ids, use_cache=False).last_hidden_state
    flat = hidden.reshape(-1, hidden.shape[-1])
    del hidden
    labels = ids.reshape(-1)
    if loss is Loss.FUSED:
        return fused_linear_cross_entropy(flat, base.lm_head.weight, labels)
    if loss is Loss.CHUNKED_RECOMPUTE:
        return trl_chunked_nll(flat, base.lm_head.weight, labels)
    # chunked: TRL chunked_nll / torchtune LinearCrossEntropyLoss (kept positions gathered first)
    kept = flat.index_select(0, torch.arange(flat.shape[0]))
    del flat
    total: Any = None
    for hc, lc in zip(kept.chunk(chunks), labels.chunk(chunks), strict=True):
        # F.linear, not the module: MemTracker refuses a module called twice in one iteration
        logits = torch.nn.functional.linear(hc, base.lm_head.weight)
        part = torch.nn.functional.cross_entropy(logits.float(), lc, reduction="sum")
        del logits
        total = part if total is None else total + part
    return total
