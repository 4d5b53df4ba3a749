"""The lm_head and the loss of a training step, as each loss implementation allocates them.

- full: transformers' `ForCausalLMLoss` on all logits (activations/model.py `_head` and `_loss`): bf16
  logits, their fp32 copy, and the fp32 log-softmax kept for backward.
- full-shifted: the same loss as transformers 4.46-4.48 wrote it (`shifted_full_loss`): a contiguous
  fp32 copy of the shifted logits besides.
- chunked: TRL's `chunked_nll` (trl/trainer/sft_trainer.py) and torchtune's
  `LinearCrossEntropyLoss` (modules/loss/cross_entropy_loss.py, 8 chunks) without torch.compile:
  the kept positions are gathered (`index_select`, a copy), then per chunk of tokens the lm_head,
  `.float()` and `cross_entropy`. Each chunk's fp32 log-softmax is still kept for backward; what
  chunking saves is the full-size bf16 logits and fp32 copy.
- chunked-recompute: TRL's `chunked_nll` (trl/trainer/sft_trainer.py `_chunked_cross_entropy_loss`
  and `_chunk`, commit 016013e): the shifted hidden states are flattened (a copy when batch > 1) and
  the valid tokens gathered (`hidden[order]`, a copy checkpointing then keeps); chunks of 256 tokens
  (`_CHUNKED_LM_HEAD_CHUNK_SIZE`) each run `h.float() @ w.float().t()`, log-softmax, nll and the
  entropy under non-reentrant `torch.utils.checkpoint`, so their logits exist only while that
  chunk runs: once in forward, and again in backward, recomputed up to what the loss's backward
  needs (the fp32 copy of the head, the log-probabilities) beside the gradients of the logits.
- fused: Liger's `LigerFusedLinearCrossEntropyFunction` (liger_kernel/ops/fused_linear_cross_entropy.py)
  and Unsloth's fused loss: the gradient is computed in the forward, chunk by chunk (chunk rows =
  next power of two of BT / ceil(V / H)); only `grad_input` (BT x H) and, when the head trains,
  `grad_weight` (V x H) are kept, and backward hands `grad_input` back as the hidden states' gradient.
- inplace: Unsloth's Triton cross-entropy as its models ran it before Apple's CCE (`inplace_loss`).

Under torch.compile (torchtune `compile: True` compiles the loss), inductor fuses the upcast,
log-softmax and nll into reductions: no fp32 copy or fp32 log-softmax of the logits is made, and
its partitioner (torch/_functorch/partitioners.py `min_cut_rematerialization_partition`) keeps the
cheapest tensors for backward: the logits as they came in (bf16, or fp32 when the model upcast
them) and an fp32 max and log-sum-exp per row (checked on CPU with torch 2.13); backward makes
the gradient of the logits directly. What compile does to the blocks: compiled_blocks.py.
"""

from __future__ import annotations

import math

import numpy as np

from llmsize.estimate.activations import _T, Dims, Num, _head, _linear, _loss, _Walk
from llmsize.specs.models import ModelSpec


def _next_pow2(x: Num) -> Num:
    if np.ndim(x) == 0:
        return 1 << max(0, math.ceil(math.log2(max(1, int(x)))))
    return np.power(2, np.ceil(np.log2(np.maximum(1, x)))).astype(np.int64)


def compiled_cross_entropy(w: _Walk, logits: _T, rows: Num, name: str) -> _T:
    """cross_entropy(logits.float()) compiled by inductor: keeps logits and the per-row lse."""
    lse = w.new(f"{name} lse (fp32)", rows * 4)
    loss = w.op(name, 4, [logits], saves=[logits, lse])
    w.drop(lse)
    return loss


def _chunked(w: _Walk, d: Dims, spec: ModelSpec, xn: _T) -> _T:
    h, vocab = spec.hidden_size, spec.vocab_size
    full = d.train and not d.lora
    rows = d.b * d.logits_tokens
    n = max(1, d.loss_chunks)
    if np.ndim(rows) == 0:  # a chunk holds at least one row (torch.chunk returns no more chunks than rows)
        n = min(n, max(1, int(rows)))
    kept = w.op("kept positions (index_select)", rows * h * d.e, [xn])
    r = rows / n
    total: _T | None = None
    for i in range(n):
        hc = w.op(f"hidden chunk {i}", r * h * d.e, [kept], view_of=kept)
        last = i == n - 1
        if "lm_head" in d.targets and d.lora:
            logits = _linear(w, d, hc, "lm_head", h, vocab, rows=r)
        else:
            logits = w.op(
                f"logits chunk {i}",
                r * vocab * d.e,
                [hc],
                saves=[hc] if full else [],
                weight_grad=vocab * h * d.e if last else 0,
                trainable=full,
                # backward of the other chunks: a fresh weight gradient summed into .grad
                bwd_tmp=vocab * h * d.e if full and not last else 0,
            )
        w.drop(hc)
        if d.compiled_loss:
            part = compiled_cross_entropy(w, logits, r, f"chunk {i} cross_entropy (compiled)")
            w.drop(logits)
            total = part if total is None else _sum(w, total, part)
            continue
        # `cross_entropy(logits.float(), ...)`: the chunk's bf16 logits stay referenced until the
        # call returns, beside the fp32 copy and the log-softmax
        lf = w.op(f"chunk {i} fp32", r * vocab * 4, [logits])
        lsm = w.op(f"chunk {i} log_softmax", r * vocab * 4, [lf], saves_out=True)
        w.drop(lf)
        w.drop(logits)
        part = w.op(f"chunk {i} nll", 4, [lsm])
        w.drop(lsm)
        total = part if total is None else _sum(w, total, part)
    w.drop(kept)
    return total if total is not None else kept


def _sum(w: _Walk, total: _T, part: _T) -> _T:
    summed = w.op("loss sum", 4, [total, part])
    w.drop(total, part)
    return summed


def _fused(w: _Walk, d: Dims, spec: ModelSpec, xn: _T) -> _T:
    h, vocab = spec.hidden_size, spec.vocab_size
    full = d.train and not d.lora
    rows = d.b * d.logits_tokens
    per_row = -(-vocab // h)  # ceil(V / H)
    chunk = np.minimum(_next_pow2(-(-rows // per_row)), rows)
    grad_in = w.new("fused CE grad_input", rows * h * d.e)
    grad_w = w.new("fused CE grad_weight", vocab * h * d.e) if full else None
    loss_1d = w.new("loss per token (fp32)", rows * 4)
    # one chunk's logits (overwritten in place by their gradient) and its grad_input block
    w.tmp("logits chunk + grad_input chunk", chunk * vocab * d.e + chunk * h * d.e)
    saves = [grad_in] if grad_w is None else [grad_in, grad_w]
    loss = w.op(
        "fused linear cross-entropy",
        4,
        [xn],
        saves=saves,
        weight_grad=vocab * h * d.e,
        trainable=full,
        reuse=grad_in,
    )
    w.drop(grad_in, grad_w, loss_1d)
    return loss


# REFERENCE: TRL trl/trainer/sft_trainer.py `_CHUNKED_LM_HEAD_CHUNK_SIZE = 256` (valid tokens per chunk)
TRL_CHUNK_TOKENS = 256


def _chunked_recompute(w: _Walk, d: Dims, spec: ModelSpec, xn: _T) -> _T:
    h, vocab = spec.hidden_size, spec.vocab_size
    full = d.train and not d.lora
    rows = d.b * d.logits_tokens
    c = np.minimum(rows, TRL_CHUNK_TOKENS)
    eh = xn.elem or d.e  # fp32 hidden states after prepare_model_for_kbit_training (kbit_upcast.py)
    # `.float()` copies the head unless it is fp32 already (the kbit-prepared QLoRA head)
    head32 = 0 if d.res else vocab * h * 4
    # hidden_states[..., :-1, :].reshape(-1, H) copies unless the batch is one row
    flat = w.new("shifted hidden flattened", np.where(np.asarray(d.b) > 1, rows * h * eh, 0))
    order = w.new("argsort order", rows * 8)
    gathered = w.op("valid tokens gathered", rows * h * eh, [xn])
    w.drop(flat)
    if d.autocast:
        return _chunked_recompute_autocast(w, d, spec, xn, gathered, order, c, head32)
    # forward, no grad: the fp32 head copy beside the chunk's fp32 logits, then log_p, exp and the
    # entropy product
    w.tmp("chunk: head .float() + logits", head32 + c * h * 4 + c * vocab * 4)
    w.tmp("chunk: logits, log_softmax, exp, entropy", 4 * c * vocab * 4)
    # backward of a chunk: the recomputation stops once the loss's saved tensors exist (checkpoint's
    # early stop; the entropy branch needs no gradient). log_softmax's backward holds the head copy,
    # log_p and the gradients of log_p and of the logits; with a trained head, mm's backward then
    # holds the head copy, the logits' gradient and the head's fp32 gradient, and the cast back
    # that fp32 gradient beside its bf16 copy (the `.grad` the walk already counts)
    logits_bwd = head32 + 3 * c * vocab * 4
    if full:
        mm_bwd = head32 + c * vocab * 4 + vocab * h * 4
        # after the first chunk, each chunk's bf16 gradient is a fresh tensor summed into `.grad`
        fresh = np.where(rows > c, vocab * h * d.e, 0)
        recompute = np.maximum(np.maximum(logits_bwd, mm_bwd), vocab * h * 4 + fresh)
    else:
        recompute = logits_bwd
    return _recomputed_loss(w, d, spec, "chunked cross-entropy (recomputed per chunk)", gathered, order,
                            recompute)


def _chunked_recompute_autocast(
    w: _Walk, d: Dims, spec: ModelSpec, xn: _T, gathered: _T, order: _T, c: Num, head32: Num
) -> _T:
    """TRL's `_chunk` under the bf16 autocast its SFTConfig defaults to (frameworks.py): autocast
    puts matmul on its lower-precision list, so `h.float() @ w.float().t()` casts both fp32 copies
    back to bf16 (the head's copy is not a leaf, so autocast does not cache it) and the logits are
    bf16; log_softmax is on the fp32 list, so it reads an fp32 copy of them. The mm keeps the bf16
    copies of the chunk and of the head for backward."""
    h, vocab = spec.hidden_size, spec.vocab_size
    full = d.train and not d.lora
    rows = d.b * d.logits_tokens
    head16 = vocab * h * d.e
    mm = head32 + head16 + c * h * (4 + d.e) + c * vocab * d.e
    # forward, no grad: the mm with its casts, then log_softmax on the fp32 copy of the bf16 logits,
    # then exp and the entropy product beside log_p
    w.tmp("chunk: head .float() and bf16 casts + bf16 logits (autocast)", mm)
    w.tmp("chunk: bf16 logits, log_softmax, exp, entropy", c * vocab * d.e + 3 * c * vocab * 4)
    # backward: recomputation (the same mm), then log_softmax's backward beside the kept bf16 head
    # and log_p; with a trained head, mm's bf16 weight gradient (the bytes the walk counts as
    # `.grad`) goes back through both casts: an fp32 copy, then the bf16 one `.grad` receives (a
    # fresh tensor summed into it after the first chunk). The kept head copy is gone by then.
    logits_bwd = np.maximum(mm, head16 + c * h * d.e + 3 * c * vocab * 4)
    if full:
        fresh = np.where(rows > c, vocab * h * d.e, 0)
        # the walk counts `.grad` from the node's start; the first chunk's recomputation runs before
        # it exists, so with a single chunk its mm peak is that much lower
        first = np.maximum(mm - vocab * h * d.e + fresh, head16 + c * h * d.e + 3 * c * vocab * 4)
        recompute = np.maximum(np.maximum(first, head16 + c * vocab * d.e), vocab * h * 4 + fresh)
    else:
        recompute = logits_bwd
    return _recomputed_loss(w, d, spec, "chunked cross-entropy (recomputed per chunk, autocast)", gathered,
                            order, recompute)


def _recomputed_loss(w: _Walk, d: Dims, spec: ModelSpec, label: str, gathered: _T, order: _T,
                     recompute: Num) -> _T:
    """The loss node of TRL's recomputing chunks: it keeps only the gathered hidden states (the
    logits are recomputed in backward, whose peak is `recompute`); a trained head gets its gradient."""
    loss = w.op(label, 4, [gathered], saves=[gathered], weight_grad=spec.vocab_size * spec.hidden_size * d.e,
                trainable=d.train and not d.lora, bwd_tmp=recompute)
    w.drop(gathered, order)
    return loss


def shifted_full_loss(w: _Walk, d: Dims, spec: ModelSpec, logits: _T) -> _T:
    """transformers 4.46-4.48 `ForCausalLMLoss` (loss/loss_utils.py): `logits = logits.float()`, then
    `shift_logits = logits[..., :-1, :].contiguous()`, a second fp32 copy of all but the last
    position, and `cross_entropy` on it; both copies stay referenced until the function returns,
    beside the caller's bf16 logits and the fp32 log-softmax kept for backward. Backward turns the
    gradient of the shifted copy back into a full-size one (the slice's backward). transformers
    PR #35646 (merged 2025-01-13, first released in 4.49) pads the labels instead of shifting the
    logits: that is the `full` loss (activations/model.py `_loss`). Before 4.46 the model itself
    upcast the logits (PR #33902 removed it), so 4.45 holds the same fp32 tensors without the bf16."""
    vocab = spec.vocab_size
    rows = d.b * (d.s - 1)
    target = w.new("shift_labels", rows * 8)
    lf = logits if spec.logits_fp32 or d.logits_fp32 else w.op("logits fp32", d.T * vocab * 4, [logits])
    shifted = w.op("shift_logits contiguous (fp32)", rows * vocab * 4, [lf])
    lsm = w.op("log_softmax", rows * vocab * 4, [shifted], saves_out=True)
    loss = w.op("nll_loss", 4, [lsm], saves=[target])
    w.drop(shifted, lsm, target)
    if lf is not logits:
        w.drop(lf)
    return loss


def inplace_loss(w: _Walk, d: Dims, spec: ModelSpec, logits: _T) -> _T:
    """Unsloth's `Fast_CrossEntropyLoss` (unsloth/kernels/cross_entropy_loss.py, read at commit
    d9ed4be of December 2024), which `CausalLM_fast_forward` (unsloth/models/llama.py) ran on the
    lm_head's bf16 logits when Apple's cut_cross_entropy was absent (Unsloth before December 2024;
    still for 1,024 tokens or fewer): the shifted labels are `torch.hstack`ed (int64), the kernel
    writes an fp32 loss and log-sum-exp per row (for a vocabulary over 65,536, one per 65,536-wide
    chunk, reduced with `torch.logsumexp`) and saves the logits themselves; backward writes the
    gradient of the logits into their storage and returns it (`return logits, ...`). No fp32 copy
    of the logits is made; the caller adds accelerate's fp32 copy of the returned logits."""
    rows = d.b * d.s
    chunks = -(-spec.vocab_size // 65536)  # REFERENCE: cross_entropy_loss.py MAX_FUSED_SIZE = 65536
    labels = w.new("shift_labels (hstack)", rows * 8)
    losses = w.new("losses (fp32)", rows * 4)
    if chunks > 1:
        w.tmp("logsumexp per chunk (fp32)", rows * chunks * 4)
    lse = w.new("logsumexp (fp32)", rows * 4)
    loss = w.op("Fast_CrossEntropyLoss", 4, [logits], saves=[logits, lse, labels], reuse=logits)
    w.drop(losses, lse, labels)
    return loss


def head_and_loss(w: _Walk, d: Dims, spec: ModelSpec, xn: _T) -> tuple[_T, _T | None]:
    """The loss of a training step from the final hidden states; also the logits if it keeps them."""
    if d.loss == "full-shifted":
        logits = _head(w, d, spec, xn)
        return shifted_full_loss(w, d, spec, logits), logits
    if d.loss == "chunked":
        return _chunked(w, d, spec, xn), None
    if d.loss == "chunked-recompute":
        return _chunked_recompute(w, d, spec, xn), None
    if d.loss == "fused":
        return _fused(w, d, spec, xn), None
    if d.loss == "inplace":
        logits = _head(w, d, spec, xn)
        return inplace_loss(w, d, spec, logits), logits
    logits = _head(w, d, spec, xn)
    return _loss(w, d, spec, logits), logits
