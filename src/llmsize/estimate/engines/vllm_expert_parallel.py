"""vLLM's data parallelism and expert parallelism for MoE models: what the busiest GPU holds.

`vllm serve X --tensor-parallel-size T --data-parallel-size D [--enable-expert-parallel]` starts D engine
cores (vllm/v1/engine/core.py DPEngineCoreProc, one per DP rank), each with its own T-way tensor-parallel
copy of the non-expert weights, its own KV pool sized from its own free memory and its own max_num_seqs;
only the MoE layers span the D x T GPUs. Read from vllm-project/vllm:
- `vllm/model_executor/layers/fused_moe/config.py` FusedMoEParallelConfig.make: the MoE layers flatten TP
  across DP (flatten_tp_across_dp_and_pcp: tp_size = dp_size x tp_size). Without
  --enable-expert-parallel every expert is split on its intermediate dimension over those T x D ranks
  (the docstring's "TP = 2, DP = 2, EP = False" case); with it ep_size = T x D and tp_size = 1: "each
  device owns a set of experts fully".
- `vllm/model_executor/layers/fused_moe/layer.py` determine_expert_map: base = E // ep_size, and the
  first E % ep_size ranks own one more (local_num_experts = base + 1 if ep_rank < remainder), so the
  busiest GPU holds ceil(E / ep_size) whole experts.
- the shared experts (DeepseekV2MoE / Qwen2MoeSparseMoeBlock shared_expert) are plain MLPs with
  column/row-parallel linears on the attention's TP group: split over T as before. The router
  (ReplicatedLinear gate) stays whole.
- `vllm/config/parallel.py` ParallelConfig: world_size = pp x tp; the DP ranks are extra processes,
  so the deployment uses pp x T x D GPUs.
A dense model has no FusedMoE layer: --data-parallel-size runs D independent replicas.
Not modelled: the all-to-all dispatch buffers (DeepEP / pplx backends) and EPLB's redundant experts.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmsize.estimate.placement import Stage
    from llmsize.estimate.workload import Workload
    from llmsize.specs.models import ModelSpec, WeightFormat


def moe_ranks(wl: Workload) -> int:
    """The ranks the MoE layers span: T x D (FusedMoEParallelConfig.flatten_tp_across_dp_and_pcp)."""
    return wl.tp * wl.data_parallel


def local_experts(num_experts: int, ep_size: int) -> int:
    """Experts on the busiest EP rank: determine_expert_map gives the first E % ep_size ranks one more."""
    return math.ceil(num_experts / ep_size)


def speed_ranks(spec: ModelSpec, wl: Workload) -> tuple[int, int]:
    """(EP ranks, DP engine cores) for the speed model: with --enable-expert-parallel the T x D ranks hold
    whole experts (determine_expert_map); with D > 1 each MoE layer runs the tokens of all D engine cores
    (the DP ranks' hidden states are gathered into the flattened MoE group: FusedMoE.forward_impl's
    dispatch / naive_multicast across the DP group), so it routes D x the batch of one core."""
    if not spec.is_moe:
        return 1, 1
    return (moe_ranks(wl) if wl.expert_parallel else 1), wl.data_parallel


def problem(spec: ModelSpec, wl: Workload) -> str | None:
    """Why vLLM refuses this DP/EP layout, or None. Without EP the experts' intermediate dimension is
    split over T x D ranks (MergedColumnParallelLinear-style `divide` in FusedMoE asserts it)."""
    ranks = moe_ranks(wl)
    if not spec.is_moe or wl.expert_parallel or ranks == 1:
        return None
    width = spec.moe_intermediate_size
    if width % ranks:
        return (f"--tp {wl.tp} x --dp {wl.data_parallel} = {ranks} MoE ranks do not divide "
                f"moe_intermediate_size ({width}); add --ep to split whole experts instead")
    return None


def extra_weight_bytes(spec: ModelSpec, wl: Workload, fmt: WeightFormat, stage: Stage) -> int:
    """Bytes the busiest GPU holds beyond the plain T-way split of `stage` (0 when neither DP nor EP
    changes it, negative when the experts are spread over more ranks): the routed experts only."""
    ranks = moe_ranks(wl)
    if not spec.is_moe or (ranks == wl.tp and not wl.expert_parallel):
        return 0
    from llmsize.estimate.weights import shard_bytes, stage_shards

    plain = [s for s in stage_shards(spec, wl, stage) if s.group.kind == "expert"]
    if not plain:
        return 0
    now = sum(shard_bytes(spec, s, fmt) for s in plain)
    if wl.expert_parallel:  # whole experts, ceil(E / ep_size) of them on the busiest rank
        whole = wl.model_copy(update={"tp": 1, "data_parallel": 1, "expert_parallel": False})
        held = 0
        for shard in stage_shards(spec, whole, stage):
            if shard.group.kind != "expert":
                continue
            local = local_experts(shard.per_layer, ranks)
            layers = max(1, shard.instances // max(1, shard.per_layer))
            held += shard_bytes(spec, replace(shard, per_layer=local, instances=local * layers), fmt)
        return held - now
    flat = wl.model_copy(update={"tp": ranks, "data_parallel": 1})  # experts TP-split over T x D
    return sum(shard_bytes(spec, s, fmt) for s in stage_shards(spec, flat, stage)
               if s.group.kind == "expert") - now
