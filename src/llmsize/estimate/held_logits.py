"""The logits a training loop keeps referenced after the loss (`--held-logits`).

A causal-LM forward with labels returns an output object holding the logits. The memory model
drops them once the loss is taken (activations/candidates.py `tw.drop(logits, xn)`), which is what
transformers' Trainer does: `compute_loss` keeps `outputs` as a local and returns only the loss
(trainer.py `compute_loss`, `training_step`). A hand-written loop that binds the output to a name
keeps the logits allocated for as long as that name lives, and autograd's own references do not
matter (the fp32 upcast's backward and the shifted slice keep nothing):

- step: through backward and the optimizer step, released before the next forward.
  Answer.AI fsdp_qlora train.py (commit 4cd6923, `fsdp_main`): `output = model(input_ids,
  labels=..., attention_mask=None)`, `loss = output.loss`, `loss.backward()`, `optimizer.step()`,
  and only then "Delete the output so more memory frees up before the next forward pass"
  (`output = None`). With transformers before 4.46 those are the fp32 logits the model returned
  (logits_upcast.py). torchtune recipes before v0.3 (recipes/lora_finetune_single_device.py at
  fef3ed10d and 0217d44c2, `train`): `logits = self._model(input_ids)` (fp32: TransformerDecoder's
  `output(h).float()`), then `logits = logits[..., :-1, :].contiguous()`, so the shifted fp32 copy
  stays bound to `logits` through `loss.backward()`; torchtune PR #1235 (8a98fba, first in v0.3.0,
  "delete logits before bwd") added `del logits`, "free logits otherwise it peaks backward memory".
- always: the name is rebound only when the next forward returns, so the previous step's logits
  are live through that forward too. PEFT's MetaMathQA method comparison run.py (`train`):
  `outputs = model(**batch, num_items_in_batch=...)`, `loss = outputs.loss`, backward and the step,
  nothing deleted.

Sized as the head's output: every kept position of every sequence (GRPO's completion positions,
DPO's two sequences per example: preference.py), in the dtype the loop holds. That is fp32 when the
model upcasts (transformers < 4.46, NemotronH, torchtune's unembed) or accelerate's bf16 autocast
copies the outputs to fp32 (`convert_outputs_to_fp32`), else the compute dtype. Losses that never
materialise the logits (chunked, fused) return none to hold. Only the pipeline stage with the head
holds them.
"""

from __future__ import annotations

from dataclasses import replace

from llmsize.estimate.activations.candidates import Candidate
from llmsize.estimate.activations.walk import Num
from llmsize.estimate.frameworks import recipe
from llmsize.estimate.workload import Framework, HeldLogits, Loss, Workload
from llmsize.specs.models import ModelSpec

# Losses whose model forward returns the full logits (loss_walk.head_and_loss).
_RETURNS_LOGITS = frozenset({Loss.FULL, Loss.FULL_SHIFTED, Loss.INPLACE})
# The phases each setting holds the logits through (the loss's own forward already counts them).
_PHASES = {
    HeldLogits.NONE: frozenset(),
    HeldLogits.STEP: frozenset({"backward", "optimizer"}),
    HeldLogits.ALWAYS: frozenset({"forward", "backward", "optimizer"}),
}


def held_bytes(spec: ModelSpec, wl: Workload, e: int) -> Num:
    """Bytes of the logits the loop keeps referenced after the loss (0 when it keeps none)."""
    from llmsize.estimate.preference import logits_positions, sequences_per_example

    rc = recipe(wl)
    if wl.held_logits is HeldLogits.NONE or rc.loss not in _RETURNS_LOGITS:
        return 0
    seqs = wl.batch * sequences_per_example(wl)
    rows, tokens = (1, seqs * wl.context) if wl.padding_free else (seqs, wl.context)
    positions = logits_positions(wl, tokens, seqs if wl.padding_free else 1)
    torchtune = rc.framework is Framework.TORCHTUNE
    if torchtune and rc.loss is Loss.FULL_SHIFTED:
        positions = positions - rows  # the recipe rebinds `logits` to the shifted copy (one position less)
    fp32 = spec.logits_fp32 or rc.logits_fp32 or rc.autocast or torchtune
    return rows * positions * spec.vocab_size * (4 if fp32 else e)


def hold(cands: list[Candidate], wl: Workload, held: Num) -> list[Candidate]:
    """The candidates with the held logits added to each moment that falls while they are held."""
    phases = _PHASES[wl.held_logits]
    if not phases:
        return cands
    return [replace(c, activations=c.activations + held) if c.phase in phases else c for c in cands]


def note(wl: Workload) -> str | None:
    """The assumption line for a loop that holds its logits, or None when it holds none."""
    if wl.held_logits is HeldLogits.NONE:
        return None
    if recipe(wl).loss not in _RETURNS_LOGITS:
        return f"--held-logits {wl.held_logits}: the {recipe(wl).loss} loss returns no logits to hold"
    span = "backward and the optimizer step" if wl.held_logits is HeldLogits.STEP else "every phase"
    return f"the loop keeps the model's logits referenced through {span} (--held-logits; held_logits.py)"
