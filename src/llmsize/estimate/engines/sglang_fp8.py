"""SGLang's FP8 checkpoints as they lie on the GPU: segment rounding, and Marlin on Ampere.

Modelled release: SGLang 0.5.19 (the wheel on PyPI; the same code in 0.5.23). Two mechanisms:

- Segments. "Load weight end ... mem usage" is a drop in free memory (model_runner.py `load_model`:
  `get_available_gpu_memory`, which empties the cache and reads cudaMemGetInfo), so every weight tensor
  of at least 10 MiB keeps its 2 MiB segment rounding (torch_alloc.py). The tensors are the fused
  ones SGLang builds: qkv_proj, gate_up_proj and, in Qwen3.5 / Qwen3-Next Gated DeltaNet layers,
  in_proj_qkvz ([q, k, v, z]) and in_proj_ba (srt/models/qwen3_5.py `Qwen3_5GatedDeltaNet`
  `create_qkvz_proj` / `create_ba_proj`, MergedColumnParallelLinear). An FP8 linear layer holds its
  8-bit weight and its scales as two tensors.
- Marlin. On compute capability 8.0-8.8 (Ampere: no FP8 tensor cores) `Fp8LinearMethod.__init__`
  sets use_marlin (fp8_utils.py `can_auto_enable_marlin_fp8`: 80 <= sm < 89), and
  `process_weights_after_loading` calls marlin_utils_fp8.py `prepare_fp8_layer_for_marlin`: the weight
  is repacked at the same size, the fp32 block scales (weight_scale_inv, one per 128 x 128 tile) are
  deleted, and per-group scales in the model dtype take their place: a 128 x 128 block's scale is
  repeated over its 128 output columns, size_k / 128 x size_n values (per-tensor and per-channel
  scales become one per output column). The per-layer workspace (one int32 per SM) is ignored, and
  routed MoE experts keep their scales (their Marlin repack needs --moe-runner-backend marlin).
Not modelled: the MTP draft layer's own FP8 tensors (a few MiB), tensors of 1-10 MiB (they share
20 MiB segments), and where the repack's freed blocks leave the caching allocator's segments.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import TYPE_CHECKING

from llmsize.estimate.engines.torch_alloc import segment_slack_bytes
from llmsize.specs.models import QuantMethod

if TYPE_CHECKING:
    from llmsize.estimate.placement import Stage
    from llmsize.estimate.weights import Shard
    from llmsize.estimate.workload import Workload
    from llmsize.specs.models import ModelSpec, WeightFormat

MARLIN_ARCHITECTURES = frozenset({"ampere"})  # sm_80, sm_86, sm_87: 80 <= sm < 89 (Ada is sm_89)
FP32_SCALE_BYTES = 4  # weight_scale_inv / weight_scale as the checkpoint stores them
MARLIN_SCALE_BYTES = 2  # layer.orig_dtype: the model's bf16 / fp16
# Routed experts go through Fp8MoEMethod, which repacks for Marlin only with --moe-runner-backend marlin
# (fp8.py `Fp8MoEMethod.process_weights_after_loading`): their scales are left as stored here.
FUSED_MOE_KINDS = frozenset({"expert"})
# SGLang's fused linear layers (tensor name -> the parameter it is loaded into).
FUSED = {
    "q_proj": "qkv_proj", "k_proj": "qkv_proj", "v_proj": "qkv_proj",
    "gate_proj": "gate_up_proj", "up_proj": "gate_up_proj",
    "in_proj_qkv": "in_proj_qkvz", "in_proj_z": "in_proj_qkvz",
    "in_proj_b": "in_proj_ba", "in_proj_a": "in_proj_ba",
}  # fmt: skip


def uses_marlin(fmt: WeightFormat, architecture: str | None) -> bool:
    """Whether SGLang serves these FP8 weights through the FP8 Marlin kernel on this GPU."""
    return fmt.quant == QuantMethod.FP8 and fmt.expert_quant is None and architecture in MARLIN_ARCHITECTURES


def checkpoint_scale_bytes(in_features: int, out_features: int, block: int | None) -> int:
    """One FP8 linear's fp32 scales as loaded: per 128 x 128 tile, per output channel (-1) or one."""
    if block is not None and block > 0:
        return math.ceil(out_features / block) * math.ceil(in_features / block) * FP32_SCALE_BYTES
    return (out_features if block == -1 else 1) * FP32_SCALE_BYTES


def marlin_scale_bytes(in_features: int, out_features: int, block: int | None) -> int:
    """One FP8 linear's scales after `prepare_fp8_layer_for_marlin`: (size_k / block_k) x size_n
    group scales for a block-quantized weight, else one per output column, in the model dtype."""
    groups = math.ceil(in_features / block) if block is not None and block > 0 else 1
    return groups * out_features * MARLIN_SCALE_BYTES


def _fp8_shard(spec: ModelSpec, shard: Shard, fmt: WeightFormat) -> bool:
    """Whether this group is an FP8 linear layer of the checkpoint (weights.shard_bytes' rule)."""
    from llmsize.estimate.weights import _group_layers, _quantized

    layers = _group_layers(spec, shard.group) if fmt.modules_not_converted else None
    return _quantized(shard, fmt, layers[0] if layers else 0)


def fp8_tensor_bytes(
    spec: ModelSpec, wl: Workload, fmt: WeightFormat, stage: Stage, marlin: bool
) -> list[int]:
    """Bytes of each tensor SGLang holds for an FP8 checkpoint on one rank of `stage`: per layer, each
    fused FP8 weight (1 byte a value) and its scales; every other group as stored."""
    from llmsize.estimate import quant_formats as qf
    from llmsize.estimate.weights import shard_bytes, stage_shards

    block = qf.default_group(fmt)
    per_layer: dict[tuple[str, str, str], int] = defaultdict(int)
    layers: dict[tuple[str, str, str], int] = {}
    whole: list[int] = []
    for shard in stage_shards(spec, wl, stage):
        fused = FUSED.get(shard.group.name, shard.group.name)
        if not _fp8_shard(spec, shard, fmt):
            size = shard_bytes(spec, shard, fmt)
            if not shard.layers:
                whole.extend([size // max(1, shard.instances)] * shard.instances)
                continue
            parts = {(shard.group.kind, fused, "w"): size // len(shard.layers)}
        else:
            each = shard.instances // max(1, len(shard.layers))
            i, o = shard.in_features, shard.out_features
            repacked = marlin and shard.group.kind not in FUSED_MOE_KINDS
            scales = marlin_scale_bytes(i, o, block) if repacked else checkpoint_scale_bytes(i, o, block)
            parts = {
                (shard.group.kind, fused, "w"): each * i * o,
                (shard.group.kind, fused, "s"): each * scales,
            }
            if not shard.layers:
                whole.extend(parts.values())
                continue
        for key, size in parts.items():
            per_layer[key] += size
            layers[key] = len(shard.layers)
    return whole + [size for key, size in per_layer.items() for _ in range(layers[key])]


def extra_bytes(spec: ModelSpec, wl: Workload, fmt: WeightFormat, stage: Stage) -> int:
    """What an FP8 checkpoint holds on one SGLang rank beyond its stored bytes: the segments' rounding
    and, on Ampere, the Marlin scales in place of the block scales."""
    from llmsize.estimate import quant_formats as qf
    from llmsize.estimate.weights import stage_shards

    if fmt.quant != QuantMethod.FP8 or fmt.expert_quant is not None or fmt.kind_quant:
        return 0
    marlin = uses_marlin(fmt, wl.gpu_architecture)
    extra = segment_slack_bytes(fp8_tensor_bytes(spec, wl, fmt, stage, marlin))
    if not marlin:
        return extra
    block = qf.default_group(fmt)
    for shard in stage_shards(spec, wl, stage):
        if _fp8_shard(spec, shard, fmt) and shard.group.kind not in FUSED_MOE_KINDS:
            i, o = shard.in_features, shard.out_features
            extra += shard.instances * (marlin_scale_bytes(i, o, block) - checkpoint_scale_bytes(i, o, block))
    return extra
