"""Parameter offload (`--offload-params`): what leaves the GPU with the parameter shards.

- Every parameter shard goes to the host, the trainable ones too. PyTorch FSDP
  `CPUOffload(offload_params=True)` keeps each FlatParameter's `_local_shard` in host memory
  between uses (torch/distributed/fsdp/_flat_param.py `FlatParamHandle._use_sharded_flat_param`
  asserts the local shard is on CPU); DeepSpeed's `offload_param` partitions every parameter to
  the host (runtime/zero/partition_parameters.py). LoRA adapters are parameters like the base's:
  peft's FSDP wrap policy (utils/other.py `fsdp_auto_wrap_policy`) makes each trainable leaf its
  own FSDP unit, offloaded like the decoder layers.
- Under PyTorch FSDP the gradients follow and the optimizer steps on the host: torch's
  `CPUOffload` docstring (torch/distributed/fsdp/api.py): "If True, then this offloads gradients
  to CPU as well, meaning that the optimizer step runs on CPU" (FSDP1 keeps a pinned `_cpu_grad`
  per FlatParameter, `_runtime_utils._pre_forward`; FSDP2's `CPUOffloadPolicy` does the same:
  torchtune's `training.shard_model(cpu_offload=True)`, its recipes' one `fsdp_cpu_offload` switch,
  "will offload parameters, gradients, and optimizer states to CPU", torchtune/training/_distributed.py).
  The optimizer states (and a master copy) are built on the parameters it is given, so they sit
  on the host: the same placement as DeepSpeed's `offload_optimizer` (training.py).
  DeepSpeed's `offload_param` on its own leaves the optimizer partition on the GPU.
"""

from __future__ import annotations

from llmsize.estimate import deepspeed_step
from llmsize.estimate.workload import Offload, Workload


def optimizer_offload(wl: Workload, master: bool) -> Offload:
    """Where the optimizer step runs: --offload-optimizer, or the parameters' host under FSDP offload."""
    if wl.offload_optimizer is not Offload.NONE:
        return wl.offload_optimizer
    if wl.offload_params is not Offload.NONE and not deepspeed_step.runs_deepspeed(wl, master):
        return wl.offload_params
    return Offload.NONE


def adapters_on_host(wl: Workload) -> bool:
    """The LoRA adapter shards are offloaded with the base's (both FSDP and DeepSpeed)."""
    return wl.offload_params is not Offload.NONE
