"""DeepSpeed ZeRO's optimizer step: the fp32 gradient it builds for the partition it updates.

Under ZeRO with bf16/fp16 the gradient partitions are 16-bit and the master partition fp32, and the
step casts one to the other before the optimizer runs (DeepSpeed at edaa722, August 2026):

- ZeRO-3, runtime/zero/stage3.py `step`: for each sub-group, `_prepare_fp32_grad_for_sub_group`
  runs `self.flatten(self.averaged_gradients[i]).to(fp32)` (a 16-bit flat copy, then its fp32
  cast), hangs the fp32 copy on the master partition as `.grad` for `_optimizer_step`, and
  `_release_sub_group` sets it back to None. `_create_fp16_sub_groups` fills a sub-group with a
  param group's local partitions until it reaches `sub_group_size` (zero/config.py default 1e9
  elements; the zero3.json of ms-swift, accelerate and transformers' docs set 1e9 too).
- ZeRO-1/2, runtime/zero/stage_1_and_2.py `step`: `flat_grad_partition.to(fp32)` over the whole
  local partition of each param group, kept as `.grad` until after `_optimizer_step(i)`.

At the cast both copies are live: (2 + 4) bytes per element of the largest piece, on top of the
weights, gradient partitions, master copy and states. A sub-group may run past `sub_group_size` by
part of the parameter that crosses it; that part is not counted (a lower bound).

`--zero-impl` says which library shards the run; left at auto, a Hugging Face Trainer-family run
(`TrainingArguments.deepspeed`) with an fp32 master copy is taken as DeepSpeed and every other
--zero run (a plain loop, LoRA through accelerate's FSDP plugin) as PyTorch FSDP (fsdp_root.py).
"""

from __future__ import annotations

from llmsize.estimate.workload import Framework, Offload, Workload, ZeroImpl

# REFERENCE: DeepSpeed runtime/zero/config.py `sub_group_size: int = Field(pp_int(1e9), ge=0)`.
SUB_GROUP_SIZE = 1_000_000_000
FP32 = 4

# Frameworks that run DeepSpeed through transformers' Trainer when given a ZeRO stage.
HF_TRAINERS = frozenset({Framework.TRAINER, Framework.TRL, Framework.AXOLOTL, Framework.LLAMAFACTORY})


def runs_deepspeed(wl: Workload, master: bool) -> bool:
    """DeepSpeed shards this run: --zero-impl deepspeed, or (auto) a Trainer-family run with a ZeRO
    stage and an fp32 master copy (what frameworks.py assumes DeepSpeed keeps)."""
    if wl.zero < 1:
        return False
    if wl.zero_impl is not ZeroImpl.AUTO:
        return wl.zero_impl is ZeroImpl.DEEPSPEED
    return wl.framework in HF_TRAINERS and master


def casts_fp32_grads(wl: Workload, master: bool) -> bool:
    """DeepSpeed steps an fp32 master copy on the GPU (with offload_optimizer the cast is on the host)."""
    return runs_deepspeed(wl, master) and master and wl.offload_optimizer is Offload.NONE


def fp32_grad_bytes(local_numel: int, grad_elem: int, zero: int) -> int:
    """Bytes live at the cast: the 16-bit flat copy and its fp32 copy of the largest piece stepped at
    once (one ZeRO-3 sub-group, or the ZeRO-1/2 local partition)."""
    piece = min(local_numel, SUB_GROUP_SIZE) if zero == 3 else local_numel
    return piece * (grad_elem + FP32)
