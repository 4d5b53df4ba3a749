"""FSDP's root unit stays unsharded from the start of the forward to the end of its backward.

The wrap policies wrap each decoder block in its own FSDP unit; what no block holds (the token
embeddings, the final norm, the lm_head) belongs to the root unit. FSDP never reshards the root
after its forward, so those parameters stay all-gathered through the whole forward, the loss and
the backward, and go back to their shard only in the root's post-backward, before the step:

- FSDP1: torch/distributed/fsdp/_runtime_utils.py `_post_forward_reshard`:
  `free_unsharded_flat_param = not state._is_root and ...` (the root's unsharded flat parameter is
  kept "with the intention that they are immediately used for backward").
- FSDP2: torch/distributed/fsdp/_fully_shard/_fsdp_state.py `FSDPState._lazy_init`: "For the root,
  do not reshard after forward", `post_forward_mesh_info = None`.

Per GPU that adds the root's unsharded bytes less the shard already counted with the weights (all
of them with CPU offload, whose shard lives on the host, or with an fp32 base under mixed precision,
whose fp32 shard is a buffer apart from the bf16 gather: fp32_base.py). The wrap policies of transformers'
Trainer (accelerate TRANSFORMER_BASED_WRAP, peft's fsdp_auto_wrap_policy), Answer.AI's train.py
and torchtitan leave the embeddings and the head in the root. torchtune's `shard_model` may shard
them as units of their own (`custom_sharded_layers`, set per config), so torchtune is left out.
A Trainer-family ZeRO-3 run with an fp32 master copy is DeepSpeed (deepspeed_step.py), which
gathers module by module and has no root unit.
"""

from __future__ import annotations

from llmsize.estimate import deepspeed_step, fp32_base
from llmsize.estimate.placement import Stage
from llmsize.estimate.weights import effective_format, stage_weight_bytes
from llmsize.estimate.workload import Framework, Offload, Workload
from llmsize.specs.models import ModelSpec, WeightFormat


def applies(wl: Workload, master: bool) -> bool:
    """ZeRO-3 over more than one rank, run by PyTorch FSDP (not torchtune's, not DeepSpeed)."""
    return (
        wl.zero == 3
        and wl.dp > 1
        and wl.pp == 1
        and wl.framework is not Framework.TORCHTUNE
        and not deepspeed_step.runs_deepspeed(wl, master)
    )


def root_gather_bytes(spec: ModelSpec, wl: Workload, master: bool, fmt: WeightFormat | None = None) -> int:
    """Bytes the unsharded root adds on one GPU during forward, loss and backward (0 when FSDP does not
    run the workload)."""
    if not applies(wl, master):
        return 0
    whole = wl.model_copy(
        update={"zero": 0, "num_gpus": wl.tp, "offload_params": "none", "fp8_all_gather": False}
    )
    fmt = fmt if fmt is not None else effective_format(spec, wl)[0]
    root = stage_weight_bytes(spec, whole, fmt, Stage(0, (), True, True))
    if wl.offload_params is not Offload.NONE or fp32_base.applies(wl, fmt):
        return root  # the shard is on the host, or an fp32 buffer apart from this bf16 gather
    return root - -(-root // wl.dp)
