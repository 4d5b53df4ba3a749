"""DeepSpeed ZeRO's gradient reduce bucket: a flat buffer of `reduce_bucket_size` elements per GPU.

With `contiguous_gradients` (zero/config.py default True) DeepSpeed copies each gradient into a
flat bucket before it reduce-scatters it, and the bucket is allocated whole, whatever the trainable
parameters add up to (a LoRA run holds the same bucket as a full fine-tune). DeepSpeed at edaa722
(August 2026):

- ZeRO-3, runtime/zero/stage3.py `DeepSpeedZeroOptimizer_Stage3._setup_for_real_optimizer`:
  `bucket.buffer = torch.empty(self.reduce_bucket_size, dtype=dtype, ...)` for each communication
  dtype in `self.ipg_buckets` (one, the bf16/fp16 model dtype, unless torch autocast is on), at
  optimizer init: live in every forward, backward and step after it. DeepSpeed of 2024 (047bcf6)
  did the same in `__init__` (`self.__ipg_bucket_flat_buffer = torch.empty(self.reduce_bucket_size,
  dtype=self.dtype, ...)`).
- ZeRO-1/2, runtime/zero/stage_1_and_2.py `backward_prologue`: `buf_0` of `reduce_bucket_size`
  elements in the optimizer's 16-bit dtype, and `buf_1` too when `overlap_comm` (zero/config.py
  `overlap_comm_valid`: on by default only for stage 3); cleared and made again at the next
  backward, so held through the step and the next forward as well.

`reduce_bucket_size` (elements): zero/config.py default `pp_int(5e8)`, what runs whose DeepSpeed config
leaves it out get (accelerate's `deepspeed_config:` YAML block builds a config without it:
accelerate utils/dataclasses.py `DeepSpeedPlugin.__post_init__`). A config that says "auto" (the
zero3.json of transformers' docs and ms-swift) gets `hidden_size * hidden_size` (accelerate
accelerator.py `_prepare_deepspeed`, transformers integrations/deepspeed.py `trainer_config_finalize`).
"""

from __future__ import annotations

from llmsize.estimate import deepspeed_step
from llmsize.estimate.workload import Workload
from llmsize.specs.models import ModelSpec
from llmsize.units import bytes_per_element

# REFERENCE: DeepSpeed runtime/zero/config.py `reduce_bucket_size: int = Field(pp_int(5e8), ge=0)`.
DEFAULT_REDUCE_BUCKET = 500_000_000


def bucket_numel(spec: ModelSpec, wl: Workload) -> int:
    """`reduce_bucket_size` in elements: as given, "auto" = hidden_size², or DeepSpeed's default."""
    if wl.ds_reduce_bucket == "auto":
        return spec.hidden_size * spec.hidden_size
    return DEFAULT_REDUCE_BUCKET if wl.ds_reduce_bucket is None else wl.ds_reduce_bucket


def reduce_bucket_bytes(spec: ModelSpec, wl: Workload, master: bool, compute: str) -> int:
    """Bytes of DeepSpeed's contiguous-gradient bucket on one GPU; 0 when DeepSpeed does not run the
    job (no ZeRO stage, or PyTorch FSDP behind it). The bucket takes the model's (compute) dtype:
    DeepSpeed's `communication_data_type` defaults to it (bf16/fp16 config blocks, else fp32)."""
    if not wl.mode.trains or not deepspeed_step.runs_deepspeed(wl, master):
        return 0
    # ZeRO-3: one bucket per communication dtype; ZeRO-1/2: one (overlap_comm off by default)
    return int(bucket_numel(spec, wl) * bytes_per_element(compute))
