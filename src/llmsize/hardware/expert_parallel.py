"""Expert parallelism in a decode step: the busiest rank's expert reads.

Under tensor parallelism every GPU holds a 1/tp slice of every expert, so it reads a slice of each
expert the step's tokens pick: the same bytes on every GPU. Under expert parallelism each of the `ep`
ranks holds whole experts (vLLM `vllm/model_executor/layers/fused_moe/layer.py` determine_expert_map:
ceil(E / ep) on the busiest rank; SGLang `srt/layers/moe/fused_moe_triton/layer.py` FusedMoE.__init__:
num_local_experts = num_experts // moe_ep_size) and runs only those of its own the tokens picked. The
ranks' picked counts differ from step to step and the step waits for the rank with the most (the
kernels of the next layer start after the combine / all-reduce that joins them all), so at small
batches EP reads more per step than TP's even slice: one token's top-8 of 256 experts over 8 ranks
puts on average one expert on each rank, but the busiest holds ~2.6 of them.

With uniform routing (the rule of hardware/moe_stream.routed_read_bytes), each of a rank's L local
experts is hit by at least one of T tokens with p = 1 - (1 - k/E)^T, so its hit count is
D ~ Binomial(L, p) (the experts treated as independent), and the busiest of ep ranks runs
E[max D] = sum_{m<L} (1 - P(D <= m)^ep) experts (the ranks treated as independent). TP's even read is
L * p of them. EPLB's redundant experts and a skewed router are not modelled.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from llmsize.hardware.moe_stream import routed_read_bytes

if TYPE_CHECKING:
    from llmsize.hardware.speed import SpeedInputs


def busiest_rank_experts(local_experts: int, ranks: int, hit_probability: float) -> float:
    """Expected experts the busiest of `ranks` ranks runs, each holding `local_experts` that are
    hit independently with `hit_probability` (the expected maximum of `ranks` Binomial draws)."""
    n, p = max(0, local_experts), min(1.0, max(0.0, hit_probability))
    if n == 0 or p == 0.0:
        return 0.0
    if p == 1.0 or ranks <= 1:
        return n * p
    cdf, expected = 0.0, 0.0
    for m in range(n):
        cdf += math.comb(n, m) * p**m * (1 - p) ** (n - m)
        expected += 1 - min(1.0, cdf) ** ranks
    return expected


def busiest_rank_routed_bytes(routed_weight_bytes: int, num_experts: int, experts_per_token: int,
                              tokens: int, ranks: int) -> float:
    """Routed-expert bytes the busiest of `ranks` EP ranks reads in one step: `routed_weight_bytes` are
    its ceil(E / ep) local experts' bytes, `tokens` the tokens the MoE layer routes (each picks k of E)."""
    if routed_weight_bytes <= 0 or num_experts <= 0 or experts_per_token <= 0:
        return 0.0
    hit = 1 - (1 - min(1.0, experts_per_token / num_experts)) ** max(1, tokens)
    local = math.ceil(num_experts / max(1, ranks))
    return routed_weight_bytes * busiest_rank_experts(local, ranks, hit) / local


def step_weight_reads(inputs: SpeedInputs) -> tuple[float, float]:
    """(all weight bytes, routed-expert bytes) one decode step reads on the busiest GPU: the uniform
    routed read of hardware/moe_stream.routed_read_bytes, replaced by the busiest EP rank's where the
    experts are whole per rank, over the tokens of every engine core that feeds the MoE layer."""
    uniform = routed_read_bytes(inputs.routed_weight_bytes_per_gpu, inputs.expert_pick_share, inputs.batch)
    if (inputs.expert_ranks <= 1 and inputs.expert_token_ranks <= 1) or not inputs.experts_per_token:
        return float(inputs.active_weight_bytes_per_gpu), uniform
    tokens = inputs.batch * inputs.expert_token_ranks
    experts = round(inputs.experts_per_token / inputs.expert_pick_share)
    if inputs.expert_ranks > 1:
        routed = busiest_rank_routed_bytes(inputs.routed_weight_bytes_per_gpu, experts,
                                           inputs.experts_per_token, tokens, inputs.expert_ranks)
    else:
        routed = routed_read_bytes(inputs.routed_weight_bytes_per_gpu, inputs.expert_pick_share, tokens)
    return inputs.active_weight_bytes_per_gpu + routed - uniform, routed
