"""What PyTorch's CUDA caching allocator adds to a serving engine's weights: segment rounding.

REFERENCE: pytorch c10/cuda/CUDACachingAllocator.cpp (2.5 and later): `get_allocation_size` gives a
request of at least kMinLargeAlloc (10 MiB) a cudaMalloc segment of its own, rounded up to kRoundLarge
(2 MiB). Engines build the model on the GPU one tensor after another and never free a weight, so every
large weight keeps its segment's rounding. A free-memory measure sees whole segments: SGLang's "Load
weight end ... mem usage" is the drop of `get_available_gpu_memory` (torch.cuda.empty_cache, then
cudaMemGetInfo; python/sglang/srt/model_executor/model_runner.py `load_model`, 0.4.3).
The tensors are the fused ones vLLM-style layers allocate: qkv_proj (QKVParallelLinear), gate_up_proj
(MergedColumnParallelLinear), o_proj, down_proj, the vocabulary-parallel embedding and head, and in a
MoE layer the two FusedMoE tensors w13 and w2 (all experts of the rank in one tensor each).
Not modelled: tensors between 1 and 10 MiB (they share 20 MiB segments) and quantized layouts.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from llmsize.units import MIB

if TYPE_CHECKING:
    from llmsize.estimate.placement import Stage
    from llmsize.estimate.workload import Workload
    from llmsize.specs.models import ModelSpec, WeightFormat

MIN_LARGE_ALLOC = 10 * MIB  # REFERENCE: CUDACachingAllocator.cpp kMinLargeAlloc
ROUND_LARGE = 2 * MIB  # REFERENCE: CUDACachingAllocator.cpp kRoundLarge
SMALL_SIZE = 1 * MIB  # REFERENCE: CUDACachingAllocator.cpp kSmallSize
MIN_BLOCK = 512  # REFERENCE: CUDACachingAllocator.cpp kMinBlockSize
SMALL_BUFFER = 2 * MIB  # REFERENCE: CUDACachingAllocator.cpp kSmallBuffer (small-pool segment)
LARGE_BUFFER = 20 * MIB  # REFERENCE: CUDACachingAllocator.cpp kLargeBuffer (requests of 1-10 MiB)
_FUSED = {"q_proj": "qkv_proj", "k_proj": "qkv_proj", "v_proj": "qkv_proj", "gate_proj": "gate_up_proj",
          "up_proj": "gate_up_proj"}  # fmt: skip


def weight_tensor_counts(
    spec: ModelSpec, wl: Workload, fmt: WeightFormat, stage: Stage
) -> list[tuple[int, int]]:
    """(bytes, how many) of the weight tensors on one rank of `stage`: the per-block tensors of a kind
    are alike, so a stage of 65,536 blocks is a few pairs, not half a million sizes (issue 15)."""
    from llmsize.estimate.weights import shard_bytes, stage_shards

    if fmt.quant is not None:
        return []
    per_layer: dict[tuple[str, str], int] = defaultdict(int)
    layers: dict[tuple[str, str], int] = {}
    whole: list[tuple[int, int]] = []
    for shard in stage_shards(spec, wl, stage):
        size = shard_bytes(spec, shard, fmt)
        if not shard.layers:
            whole.append((size // max(1, shard.instances), shard.instances))
            continue
        key = (shard.group.kind, _FUSED.get(shard.group.name, shard.group.name))
        per_layer[key] += size // len(shard.layers)  # experts: every expert of the layer in one tensor
        layers[key] = len(shard.layers)
    return whole + [(size, layers[key]) for key, size in per_layer.items()]


def weights_segment_slack(spec: ModelSpec, wl: Workload, fmt: WeightFormat, stage: Stage) -> int:
    """segment_slack_bytes of the stage's weight tensors, counted per size."""
    counts = weight_tensor_counts(spec, wl, fmt, stage)
    return sum(segment_slack_bytes([size]) * count for size, count in counts)


def weights_block_slack(spec: ModelSpec, wl: Workload, fmt: WeightFormat, stage: Stage) -> int:
    """block_slack_bytes of the stage's weight tensors, counted per size."""
    counts = weight_tensor_counts(spec, wl, fmt, stage)
    return sum(block_slack_bytes([size]) * count for size, count in counts)


def segment_slack_bytes(sizes: list[int]) -> int:
    """Device memory the segments of these tensors hold beyond the tensors themselves."""
    return sum(-size % ROUND_LARGE for size in sizes if size >= MIN_LARGE_ALLOC)


def block_slack_bytes(sizes: list[int]) -> int:
    """What torch.cuda.memory_allocated counts beyond these tensors: a large block is split off its
    segment only when more than kSmallSize (1 MiB) would remain (`should_split`), else it keeps the
    rounding. vLLM's "Model loading took" is that measure (vllm/utils/mem_utils.py DeviceMemoryProfiler)."""
    slack = 0
    for size in sizes:
        rest = -size % ROUND_LARGE
        if size >= MIN_LARGE_ALLOC and rest <= SMALL_SIZE:
            slack += rest
    return slack
