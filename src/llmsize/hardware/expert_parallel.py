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

Where the MoE layer serves several engine cores or attention groups (vLLM --data-parallel-size, SGLang
--enable-dp-attention), their tokens are brought to the experts and back each MoE layer, beside the
attention's own TP all-reduces. The default paths move them with collectives: vLLM's
`device_communicators/all2all.py` AgRsAll2AllManager (VLLM_ALL2ALL_BACKEND=allgather_reducescatter, the
default since 0.10.2; `naive` before it broadcasts each rank's tokens and all-reduces the result: the same
bytes) all-gathers the hidden states over the DP group in `dispatch` and reduce-scatters the expert
output in `combine`; SGLang without --moe-a2a-backend gathers the groups' tokens before the MLP and
scatters them after (`srt/layers/communicator.py` LayerCommunicator, `dp_attention.py` dp_gather /
dp_scatter; all_gather_into_tensor / reduce_scatter_tensor since sgl-project/sglang#8279). Each is priced
as a ring all-gather plus a ring reduce-scatter of the gathered tokens over the N ranks: each rank moves
(N - 1) / N of the gathered message per collective (NCCL docs, "Collective operations": AllGather and
ReduceScatter move (N-1)/N of the output per rank), one direction of its link, plus the all-reduce's
per-call latency. DeepEP / pplx all-to-all backends (tokens sent only to the ranks of their experts) are
not priced: their published timings (DeepEP docs/legacy.md, H800: low-latency dispatch 77 us and combine
114 us at EP 8 with 128 tokens a rank, hidden 7168, top-8; normal kernels 153 / 158 GB/s NVLink at EP 8)
are kept here for that step.
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


def step_weight_reads(inputs: SpeedInputs) -> tuple[int, float]:
    """(all weight bytes, routed-expert bytes) one decode step reads on the busiest GPU: the uniform
    routed read of hardware/moe_stream.routed_read_bytes, replaced by the busiest EP rank's where the
    experts are whole per rank, over the tokens of every engine core that feeds the MoE layer."""
    uniform = routed_read_bytes(inputs.routed_weight_bytes_per_gpu, inputs.expert_pick_share, inputs.batch)
    if (inputs.expert_ranks <= 1 and inputs.expert_token_ranks <= 1) or not inputs.experts_per_token:
        return inputs.active_weight_bytes_per_gpu, uniform
    tokens = inputs.batch * inputs.expert_token_ranks
    experts = round(inputs.experts_per_token / inputs.expert_pick_share)
    if inputs.expert_ranks > 1:
        routed = busiest_rank_routed_bytes(inputs.routed_weight_bytes_per_gpu, experts,
                                           inputs.experts_per_token, tokens, inputs.expert_ranks)
    else:
        routed = routed_read_bytes(inputs.routed_weight_bytes_per_gpu, inputs.expert_pick_share, tokens)
    return round(inputs.active_weight_bytes_per_gpu + routed - uniform), routed


def dispatch_combine_seconds(inputs: SpeedInputs, link_bytes_per_s: float | None, fraction: float,
                             latency_s: float, tokens: int) -> float:
    """Seconds a step spends gathering the MoE layers' tokens from the engine cores / attention groups
    and scattering the expert output back (all-gather + reduce-scatter of the gathered tokens)."""
    cores = inputs.expert_token_ranks
    moe_layers = inputs.layer_parts.get("moe_ffn", 0)
    if cores <= 1 or not moe_layers:
        return 0.0
    ranks = inputs.tp * cores
    message = tokens * cores * inputs.hidden_size * inputs.activation_bytes_per_element
    moved = message * (ranks - 1) / ranks
    per_call = latency_s + (moved / (link_bytes_per_s / 2 * fraction) if link_bytes_per_s else 0.0)
    return 2 * moe_layers * per_call
