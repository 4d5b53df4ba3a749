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
output in `combine`. SGLang without --moe-a2a-backend gathers the groups' tokens before the MoE
(`srt/layers/communicator.py` CommunicateWithAllReduceAndLayerNormFn._gather_hidden_states_and_residual ->
`dp_attention.py` dp_gather_partial: all_gather_into_tensor over the TP group in the decode graphs'
MAX_LEN padding, since sgl-project/sglang#8279). After the experts the MoE block all-reduces its output
over the TP group on all the gathered tokens (`models/gpt_oss.py` GptOssSparseMoeBlock.forward_normal:
tensor_model_parallel_all_reduce when tp_size > 1), and LayerCommunicator.postprocess_layer ->
CommunicateSummableTensorPairFn._scatter_hidden_states takes the group's rows back with dp_scatter, a local
copy; only models built with LayerCommunicator(allow_reduce_scatter=True) skip that all-reduce and
reduce-scatter there instead (dp_reduce_scatter_tensor, `models/qwen2_moe.py` / `qwen3_moe.py`), which is
vLLM's pattern (the engine says which: SpeedInputs.expert_output_all_reduced). Each collective is a ring
over the N ranks on the gathered message: all-gather and reduce-scatter move (N - 1) / N of it per rank,
an all-reduce twice that (NCCL docs, "Collective operations"; a ring all-reduce is a reduce-scatter then an
all-gather), one direction of the link, plus the all-reduce's per-call latency.
Where the engine runs an all-to-all backend instead (SpeedInputs.expert_all_to_all: SGLang
--moe-a2a-backend deepep), each MoE layer's dispatch and combine are DeepEP's, priced in
hardware/expert_all_to_all.py (low-latency kernels in decode, normal kernels for prompts).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from llmsize.hardware import expert_all_to_all
from llmsize.hardware.moe_stream import routed_read_bytes

if TYPE_CHECKING:
    from llmsize.hardware.speed_records import SpeedInputs


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
                             latency_s: float, tokens: int, decode: bool = False) -> float:
    """Seconds a step spends gathering the MoE layers' tokens from the engine cores / attention groups
    and bringing the expert output back: per MoE layer an all-gather of the gathered tokens, then a
    reduce-scatter of them, or an all-reduce of them where the engine all-reduces the expert output;
    with an all-to-all backend, its dispatch and combine instead (`decode`: the low-latency kernels)."""
    cores = inputs.expert_token_ranks
    moe_layers = inputs.layer_parts.get("moe_ffn", 0)
    if cores <= 1 or not moe_layers:
        return 0.0
    if inputs.expert_all_to_all and inputs.experts_per_token and inputs.expert_pick_share:
        # Each attention-TP rank dispatches its share of its group's tokens (SGLang's scattered mode).
        per_rank = math.ceil(tokens / max(1, inputs.tp))
        experts = round(inputs.experts_per_token / inputs.expert_pick_share)
        return moe_layers * expert_all_to_all.layer_seconds(
            per_rank, inputs.hidden_size, experts, inputs.experts_per_token, inputs.tp * cores,
            link_bytes_per_s, latency_s, low_latency=_low_latency(inputs, decode))
    return moe_layers * sum(latency_s + ring_seconds(inputs, link_bytes_per_s, fraction, tokens, passes)
                            for passes in gather_combine_passes(inputs))


def _low_latency(inputs: SpeedInputs, decode: bool) -> bool:
    """Whether this step runs DeepEP's low-latency kernels: in decode under SGLang's --deepep-mode auto,
    in every step or none where the backend names one family (vLLM deepep_low_latency /
    deepep_high_throughput)."""
    if inputs.expert_all_to_all_kernels == "auto":
        return decode
    return inputs.expert_all_to_all_kernels == "low_latency"


def gather_combine_passes(inputs: SpeedInputs) -> tuple[int, int]:
    """Ring passes of the two collectives each MoE layer runs on the gathered tokens: the all-gather
    (one), then the reduce-scatter (one) or the all-reduce (two: a reduce-scatter and an all-gather)."""
    return 1, 2 if inputs.expert_output_all_reduced else 1


def ring_seconds(inputs: SpeedInputs, link_bytes_per_s: float | None, fraction: float, tokens: int,
                 passes: int) -> float:
    """Transfer time of `passes` ring passes over the tp x cores ranks of the message of every core's
    `tokens` tokens: each pass moves (N - 1) / N of it per rank, one direction of the link."""
    if not link_bytes_per_s:
        return 0.0
    ranks = inputs.tp * inputs.expert_token_ranks
    message = tokens * inputs.expert_token_ranks * inputs.hidden_size * inputs.activation_bytes_per_element
    return passes * message * (ranks - 1) / ranks / (link_bytes_per_s / 2 * fraction)
