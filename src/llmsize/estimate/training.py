"""Gradients, optimizer states and trainable parameters of a training workload, per GPU.

Precision recipes:
- mixed precision with master weights (the default for fp16/bf16 full training): bf16/fp16
  weights and gradients, an fp32 master copy and fp32 optimizer states. With AdamW that is
  2 + 2 + (4 + 4 + 4) = 16 bytes per parameter, the ZeRO paper's accounting, which files the
  master copy under the optimizer states (K = 12; Rajbhandari et al. 2019, arXiv:1910.02054 s3.1).
  llmsize does the same: the master copy is part of `optimizer`.
- pure low precision (--no-master-weights): torch AdamW creates its states with
  `torch.zeros_like(param)`, i.e. in the parameter dtype (torch/optim/adamw.py `_init_group`).
- fp32 training: everything fp32, no separate master copy.
LoRA/QLoRA train only the adapters (fp32 in PEFT), so gradients and states cover only them.
ZeRO stage 1 shards optimizer states (master copy included), stage 2 also gradients, stage 3
also weights, across the data-parallel GPUs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from llmsize.estimate import param_offload
from llmsize.estimate.frameworks import recipe
from llmsize.estimate.weights import Shard
from llmsize.estimate.workload import Offload, Optimizer, Workload
from llmsize.specs.models import ModelSpec
from llmsize.units import bytes_per_element

if TYPE_CHECKING:  # imported for LoRA only (issue 15: a plain estimate's cold start)
    from llmsize.estimate.adapters import LoraFactors

BNB_MIN_8BIT_SIZE = 4096  # REFERENCE: bitsandbytes Optimizer2State min_8bit_size=4096 (optim/optimizer.py)
BNB_BLOCK = 2048  # REFERENCE: bitsandbytes init_state: one fp32 absmax per 2048 values when block_wise
BNB_QMAP_BYTES = 2 * 256 * 4  # the shared signed and unsigned 8-bit dynamic maps (fp32, 256 entries each)
# REFERENCE: torchao optim AdamW4bit (torchao/optim/adam.py, subclass_4bit.py): 4-bit states in
# blocks of 128 values with one scale each (in the parameter dtype, taken as 4 B here to stay on the
# safe side); tensors under 4096 values keep plain fp32 states.
AO_4BIT_BLOCK = 128
AO_MIN_QUANT_SIZE = 4096
SGD_MOMENTUM = 0.9  # assumed: torch SGD keeps a momentum buffer only when momentum != 0
FP32 = "fp32"


@dataclass(frozen=True)
class Tensor:
    """`count` trainable tensors of one shape (rows x cols; cols == 0 for vectors)."""

    rows: int
    cols: int
    count: int

    @property
    def numel(self) -> int:
        return self.rows * max(self.cols, 1)


def shard_tensors(spec: ModelSpec, shards: Iterable[Shard]) -> list[Tensor]:
    """Every parameter tensor of the placed groups: linear weights [out, in], their biases, the rest.

    Embedding tables are [rows, hidden]; everything else without in/out features is a vector.
    """
    out: list[Tensor] = []
    for s in shards:
        g = s.group
        if g.elem_bytes or g.no_grad:  # an index table (a buffer), or weights no gradient reaches
            continue
        if g.is_linear:
            out.append(Tensor(s.out_features, s.in_features, s.instances))
            if s.bias_each:
                out.append(Tensor(s.bias_each, 0, s.instances))
        elif g.kind == "embedding" and s.numel_each % spec.hidden_size == 0:
            out.append(Tensor(s.numel_each // spec.hidden_size, spec.hidden_size, s.instances))
        else:
            out.append(Tensor(s.numel_each, 0, s.instances))
    return out


def lora_tensors(factors: Iterable[LoraFactors]) -> list[Tensor]:
    """lora_A [r, in] and lora_B [out, r] of every adapter pair on the GPU (`adapters.lora_factors`)."""
    out: list[Tensor] = []
    for f in factors:
        out.append(Tensor(f.rank, f.in_features, f.count))
        out.append(Tensor(f.out_features, f.rank, f.count))
    return out


def master_weights_on(wl: Workload, param_dtype: str) -> bool:
    """--master-weights, else on for fp16/bf16 full training and off otherwise."""
    if param_dtype == FP32:
        return False
    if wl.master_weights is not None:
        return wl.master_weights
    return recipe(wl).master_weights


def state_bytes(tensors: Iterable[Tensor], optimizer: Optimizer, state_dtype: str) -> int:
    """Optimizer states of the given tensors (without a master copy).

    - AdamW: exp_avg and exp_avg_sq, each like the parameter (Loshchilov & Hutter, arXiv:1711.05101).
    - 8-bit AdamW (bitsandbytes, also paged): tensors of >= 4096 values keep two uint8 states and
      one fp32 absmax per 2048 values for each; smaller tensors keep two fp32 states
      (bitsandbytes optim/optimizer.py Optimizer2State.init_state; Dettmers et al. arXiv:2110.02861).
      Paged states live in unified memory and move to the CPU only under memory pressure.
    - SGD with momentum 0.9: one momentum buffer like the parameter.
    - Adafactor without first moment: a row and a column second-moment vector per matrix, a full
      vector for 1-D parameters (Shazeer & Stern 2018, arXiv:1804.04235; transformers Adafactor).
    """
    elem = bytes_per_element(state_dtype)
    tensors = list(tensors)
    if optimizer.is_adamw_torch or optimizer is Optimizer.PAGED_ADAMW_32BIT:
        return math.ceil(2 * sum(t.numel * t.count for t in tensors) * elem)
    if optimizer is Optimizer.SGD:
        return math.ceil(sum(t.numel * t.count for t in tensors) * elem)
    if optimizer is Optimizer.ADAFACTOR:
        n = sum((t.rows + t.cols if t.cols else t.rows) * t.count for t in tensors)
        return math.ceil(n * elem)
    if optimizer is Optimizer.ADAMW_4BIT:
        total4 = 0
        for t in tensors:
            if t.numel < AO_MIN_QUANT_SIZE:
                total4 += t.count * 2 * t.numel * 4
            else:
                total4 += t.count * 2 * (math.ceil(t.numel / 2) + math.ceil(t.numel / AO_4BIT_BLOCK) * 4)
        return total4
    total = BNB_QMAP_BYTES if tensors else 0
    for t in tensors:
        if t.numel < BNB_MIN_8BIT_SIZE:
            total += t.count * 2 * t.numel * 4
        else:
            total += t.count * 2 * (t.numel + math.ceil(t.numel / BNB_BLOCK) * 4)
    return total


def optimizer_label(optimizer: Optimizer) -> str:
    return {
        Optimizer.ADAMW: "AdamW (foreach): 2 states",
        Optimizer.ADAMW_FUSED: "AdamW (fused): 2 states",
        Optimizer.ADAMW_FOREACH: "AdamW (foreach): 2 states",
        Optimizer.ADAMW_4BIT: "4-bit AdamW (torchao): 2 x 0.5 B + scale/128",
        Optimizer.ADAMW_8BIT: "8-bit AdamW: 2 x 1 B + absmax/2048",
        Optimizer.PAGED_ADAMW_8BIT: "paged 8-bit AdamW: 2 x 1 B + absmax/2048",
        Optimizer.PAGED_ADAMW_32BIT: "paged 32-bit AdamW (bitsandbytes): 2 fp32 states",
        Optimizer.SGD: f"SGD momentum {SGD_MOMENTUM}: 1 state",
        Optimizer.ADAFACTOR: "Adafactor: row + column",
    }[optimizer]


@dataclass(frozen=True)
class TrainingBytes:
    """Per-GPU gradient and optimizer bytes, and what shaped them."""

    trainable_params: int
    gradients: int
    optimizer: int
    master: int
    param_dtype: str
    state_dtype: str
    grad_formula: str
    optimizer_formula: str
    notes: tuple[str, ...]
    full_gradients: int = 0  # all gradients of one step, before optimizer-in-backward frees them
    paged: int = 0  # paged optimizer states: unified memory outside torch's allocator
    host: int = 0  # optimizer states (and master copy) offloaded to host RAM / NVMe


def training_bytes(wl: Workload, tensors: list[Tensor], param_dtype: str) -> TrainingBytes:
    """Gradients (parameter dtype) and optimizer states (+ master copy) of one GPU's trainable tensors.

    - Optimizer step fused into backward (torchtune `optimizer_in_bwd`, a
      `register_post_accumulate_grad_hook` per parameter): each gradient is stepped and freed as soon
      as it is accumulated, so at most one parameter's gradient is live (the largest is counted).
    - Paged 8-bit AdamW (bitsandbytes `GlobalPageManager`, `cudaMallocManaged`): the states are
      unified memory, outside torch's caching allocator, so `max_memory_allocated` never sees them;
      they are reported as `paged` beside the total.
    - DeepSpeed `offload_optimizer` (ZeRO-Offload, arXiv:2101.06840): states and the fp32 master
      copy live in host RAM (or NVMe); the GPU keeps none. PyTorch FSDP's parameter offload steps
      on the host too (param_offload.py).
    """
    if not wl.mode.trains or not tensors:
        return TrainingBytes(0, 0, 0, 0, param_dtype, param_dtype, "", "", ())
    rc = recipe(wl)
    numel = sum(t.numel * t.count for t in tensors)
    master_on = master_weights_on(wl, param_dtype)
    # bitsandbytes' 32-bit optimizers keep fp32 states whatever the parameter dtype
    # (optim/optimizer.py Optimizer2State.init_state, optim_bits=32)
    fp32_states = master_on or param_dtype == FP32 or rc.optimizer is Optimizer.PAGED_ADAMW_32BIT
    state_dtype = FP32 if fp32_states else param_dtype
    notes: list[str] = []
    elem = bytes_per_element(param_dtype)
    full_grads = math.ceil(numel * elem)
    grads = full_grads
    states = state_bytes(tensors, rc.optimizer, state_dtype)
    master = numel * 4 if master_on else 0
    if wl.master_weights and not master_on:
        notes.append("--master-weights has no effect: the trained parameters are already fp32")
    if rc.optimizer is Optimizer.SGD:
        notes.append(f"SGD keeps one momentum buffer (momentum {SGD_MOMENTUM} assumed)")
    dp = wl.dp
    grad_formula = f"{numel:,} trainable params x {param_dtype}"
    opt_formula = f"{optimizer_label(rc.optimizer)} in {state_dtype}"
    if master_on:
        opt_formula += " + fp32 master copy (4 B/param)"
    if wl.zero >= 2 and dp > 1:
        grads = math.ceil(grads / dp)
        full_grads = grads
        grad_formula += f" / {dp} (ZeRO-{wl.zero})"
    if rc.optimizer_in_backward:
        grads = min(grads, math.ceil(max(t.numel for t in tensors) * elem))
        grad_formula = (
            f"optimizer in backward: largest gradient, {grads // max(1, round(elem)):,} x {param_dtype}"
        )
    optimizer = states + master
    if wl.zero >= 1 and dp > 1:
        optimizer = math.ceil(optimizer / dp)
        master = math.ceil(master / dp)
        opt_formula += f" / {dp} (ZeRO-{wl.zero})"
    paged = host = 0
    if rc.optimizer in (Optimizer.PAGED_ADAMW_8BIT, Optimizer.PAGED_ADAMW_32BIT):
        paged, optimizer = optimizer - master, master
        notes.append(
            f"paged optimizer states ({paged:,} B) live in CUDA unified memory outside torch's allocator: "
            "not in the total (max_memory_allocated); bitsandbytes prefetches them to the GPU at each step, "
            "so nvidia-smi shows total + paged while the card has room, and they page to host RAM under "
            "pressure (paged_resident.py)"
        )
        opt_formula += " (states paged, outside the total)"
    off = param_offload.optimizer_offload(wl, master_on)
    if off is not Offload.NONE:
        # ZeRO-Offload (and FSDP CPUOffload, param_offload.py): gradients are copied to the host as
        # they are reduced, the step runs there; the GPU keeps about one tensor's gradient in flight.
        in_flight = min(grads, math.ceil(max(t.numel for t in tensors) * elem))
        host, optimizer = optimizer + paged + grads - in_flight, 0
        grads, paged = in_flight, 0
        why = "" if wl.offload_optimizer is not Offload.NONE else " with the FSDP parameter shards"
        notes.append(f"optimizer states, master copy and gradients offloaded to {off}{why} ({host:,} B)")
        opt_formula += f" (offloaded to {off})"
        grad_formula += " (offloaded; one tensor in flight)"
    return TrainingBytes(
        numel,
        grads,
        optimizer,
        master,
        param_dtype,
        state_dtype,
        grad_formula,
        opt_formula,
        tuple(notes),
        full_grads,
        paged,
        host,
    )
