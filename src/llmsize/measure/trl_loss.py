"""TRL's chunked NLL: 256 rows at a time under checkpointing, as the trace runs it.

Split out of tracer.py, beside unsloth_loss.py and liger_loss.py. torch is imported inside.
"""

from __future__ import annotations

from typing import Any


def trl_chunked_nll(flat: Any, weight: Any, labels: Any) -> Any:
    """TRL's chunked_nll (trl/trainer/sft_trainer.py `_chunked_cross_entropy_loss`, `_chunk`): the
    valid rows gathered, then 256 at a time under non-reentrant checkpointing."""
    import torch
    from torch.nn import functional as F

    from llmsize.estimate.loss_walk import TRL_CHUNK_TOKENS

    def chunk(h: Any, w: Any, lbl: Any) -> tuple[Any, Any]:
        logits = h.float() @ w.float().t()
        log_p = F.log_softmax(logits, dim=-1)
        part = F.nll_loss(log_p, lbl, ignore_index=-100, reduction="sum")
        entropy = (-(log_p.exp() * log_p).sum(dim=-1)).sum()
        return part, entropy

    order = torch.arange(flat.shape[0])  # every position is a valid label here
    hidden = flat[order]
    del flat
    total: Any = None
    for start in range(0, hidden.shape[0], TRL_CHUNK_TOKENS):
        part, _entropy = torch.utils.checkpoint.checkpoint(
            chunk,
            hidden[start : start + TRL_CHUNK_TOKENS],
            weight,
            labels[start : start + TRL_CHUNK_TOKENS],
            use_reentrant=False,
        )
        total = part if total is None else total + part
    return total
