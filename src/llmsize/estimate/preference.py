"""TRL's preference and RL objectives (DPO, GRPO): what they change in a training step's memory.

Modelled on TRL's DPOTrainer (trl/trainer/dpo_trainer.py, main of July 2026, commit f2cd577):

- Concatenated batch. The collator stacks each example's chosen and rejected completions into one
  batch, `torch.cat(pad([chosen_ids, rejected_ids]))` (the chosen rows first, then the rejected), and
  `_compute_loss` runs the policy once on it: every activation is sized for 2 x `--batch` sequences
  of `--context` tokens (prompt + the longer completion, both padded to it). The same layout since
  the first DPOTrainer (`concatenated_forward`, "to avoid doing two forward passes").
- Reference model. `DPOTrainer.__init__` loads a second copy of the model (`create_model_from_path`
  with the policy's init kwargs: same dtype and quantization) unless the policy is a PEFT model or
  `precompute_ref_log_probs` is set. With PEFT the reference is the policy with its adapters turned
  off (`use_adapter(model, adapter_name=None)`): no second copy. Under DeepSpeed the copy goes
  through `trl.models.prepare_deepspeed`, which shards it with ZeRO-3 and otherwise keeps it whole on
  every rank (stage 0); FSDP shards it like the policy (`prepare_fsdp`). So the copy costs what the
  policy's frozen weights cost under ZeRO-3, and the whole model under ZeRO 0-2.
- Reference forward. Unless the log-probabilities were precomputed, `_compute_loss` runs the reference
  under `torch.no_grad()` *after* the policy's forward and log-softmax, while `outputs.logits` and
  what the policy's loss saved for backward are still referenced: the reference's logits for the
  2 x batch rows (fp32 when accelerate's bf16 autocast wraps the forward, `convert_outputs_to_fp32`,
  beside the 16-bit tensor being copied) join that live set. `selective_log_softmax`
  (trl/trainer/utils.py) then loops over rows, one row's temporary at a time (not modelled).
- The policy's loss is `selective_log_softmax` over every position's logits, not SFTTrainer's chunked
  NLL: the framework presets give DPO the full loss (frameworks.py).

Precomputed log-probabilities (`precompute_ref_log_probs=True`) run the reference over the dataset
before training: neither the copy nor the reference forward are live during the step.

GRPO, modelled on TRL's GRPOTrainer (trl/trainer/grpo_trainer.py and grpo_config.py, same commit):

- `--batch` counts completions per device (`per_device_train_batch_size` has meant generations since
  TRL PR #2776), each a prompt plus its completion: `--context` tokens.
- The policy's forward (`_get_per_token_logps_and_entropies`) passes `logits_to_keep =
  max_completion_length + 1`, so the lm_head and `selective_log_softmax` run on the completion's
  positions only: `--completion-tokens` (TRL's default 512).
- `beta` (`--kl-beta`, default 0.0) decides the reference: at 0 none is loaded; above 0 a PEFT policy
  disables its adapters and full training loads a frozen copy (`create_model_from_path`, prepared like
  DPO's). Its log-probabilities are taken under `torch.no_grad()` in `_generate_and_score_completions`,
  before the policy's forward, so only the copy's weights coincide with the training step.
- Generation is not modelled: `model.generate` (no vLLM) runs before the step, and vLLM in colocate
  mode keeps `vllm_gpu_memory_utilization` (default 0.3) of the card unless its sleep mode is on,
  which a card-independent estimate cannot express.
"""

from __future__ import annotations

from typing import Any

from llmsize.estimate.workload import Mode, Objective, Workload

Num = Any  # an int, or a numpy array over a sweep

GRPO_DEFAULT_COMPLETION = 512  # GRPOConfig.max_completion_length

__all__ = [
    "logits_positions",
    "notes",
    "reference_forward_bytes",
    "reference_weight_bytes",
    "runs_reference_forward",
    "sequences_per_example",
]


def sequences_per_example(wl: Workload) -> int:
    """Rows the policy's forward runs per example of `--batch`: DPO concatenates chosen and rejected."""
    return 2 if wl.objective is Objective.DPO else 1


def _needs_reference(wl: Workload) -> bool:
    """The step scores against a reference: DPO unless precomputed, GRPO with a KL term."""
    if wl.objective is Objective.DPO:
        return not wl.precompute_ref_log_probs
    return wl.objective is Objective.GRPO and wl.kl_beta > 0


def _has_reference_copy(wl: Workload) -> bool:
    """A second model is loaded: a reference is needed and there are no adapters to disable."""
    return _needs_reference(wl) and wl.mode not in (Mode.LORA, Mode.QLORA)


def logits_positions(wl: Workload, tokens: Num, sequences_in_row: Num = 1) -> Num:
    """Positions per row the lm_head runs on: GRPO keeps each completion's (+1), else every token."""
    if wl.objective is not Objective.GRPO:
        return tokens
    return min(wl.context, (wl.completion_tokens or GRPO_DEFAULT_COMPLETION) + 1) * sequences_in_row


def reference_weight_bytes(wl: Workload, policy_weight_bytes: int) -> int:
    """Bytes of the frozen reference copy on one GPU: what the policy's own weights take there.

    prepare_deepspeed shards the copy under ZeRO-3 (with the same parameter offload) and keeps it
    whole under ZeRO 0-2, where the policy's weights are whole too; FSDP's `prepare_fsdp` shards it
    like the policy. Either way the copy matches `policy_weight_bytes` (the shard or the whole stage,
    without the all-gather buffers, which the sequential forwards share).
    """
    return policy_weight_bytes if _has_reference_copy(wl) else 0


def runs_reference_forward(wl: Workload) -> bool:
    """The training step runs the reference: DPO without precomputed log-probabilities."""
    return wl.objective is Objective.DPO and not wl.precompute_ref_log_probs


def reference_forward_bytes(logits_bytes: Num, elem: int, fp32_copy: bool) -> Num:
    """What the reference forward adds to the live set it runs in: its logits for the concatenated
    batch (`logits_bytes`, in the model's `elem` bytes), and their fp32 copy when the forward returns
    through accelerate's `convert_outputs_to_fp32` (both exist while the copy is made)."""
    return logits_bytes + (logits_bytes // elem * 4 if fp32_copy and elem != 4 else 0)


def notes(wl: Workload) -> tuple[str, ...]:
    """Assumption lines for the report."""
    if wl.objective is Objective.SFT:
        return ()
    if wl.objective is Objective.DPO:
        out = [
            f"DPO (TRL DPOTrainer): chosen and rejected run as one batch of {2 * wl.batch} sequences of "
            f"{wl.context:,} tokens"
        ]
    else:
        out = [
            f"GRPO (TRL GRPOTrainer) policy step: {wl.batch} completions of {wl.context:,} tokens, logits "
            f"over the last {logits_positions(wl, wl.context):,} positions; generation (model.generate or "
            "vLLM) not counted"
        ]
    if wl.precompute_ref_log_probs:
        out.append("reference log-probabilities precomputed: no reference model during training")
    elif _has_reference_copy(wl):
        out.append(
            "reference: a frozen copy of the model ("
            + ("ZeRO-3 shards it like the policy" if wl.zero == 3 else "whole on every GPU")
            + ")"
        )
    elif _needs_reference(wl):
        out.append("reference: the policy with its adapters disabled (no second copy)")
    else:
        out.append("no reference model (beta 0)")
    return tuple(out)
