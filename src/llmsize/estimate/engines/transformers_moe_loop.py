"""CPU time of transformers 4.x's eager MoE block: a Python loop over every expert, each step synced.

transformers 4.40-4.51 run a routed FFN as `for expert_idx in range(self.num_experts)` (4.40.2 and
4.47.1 models/qwen2_moe/modeling_qwen2_moe.py `Qwen2MoeSparseMoeBlock.forward`, 4.51.3
models/qwen3_moe/modeling_qwen3_moe.py `Qwen3MoeSparseMoeBlock.forward`, Mixtral's likewise). No expert
is skipped: an expert no token picked still runs its MLP on an empty tensor. Per expert, counted from
that source: expert_mask[i] (1), torch.where (nonzero + unbind: 2), hidden_states[None, top_x] and its
reshape (3), the MLP (gate, up, act, mul, down: 5), routing_weights[top_x, idx, None] (2), the product,
the dtype cast and index_add_ (3): 16 torch calls and 3 linears. Around the loop: the router (gate,
softmax, topk, sum and div for the top-k norm, to, zeros, one_hot, permute: 9) and, for Qwen2-MoE, the
shared expert (its MLP, shared_expert_gate, sigmoid, product, add: 9, 4 linears). A dense FFN's 5 calls
and 3 linears are already in the engine's per-layer time (transformers_wrappers.DENSE_LAYER_CALLS).

Each call costs the engine's own per-call time (its calibrated per-layer launch over a dense layer's
calls, transformers_wrappers.per_call_s), each linear its weight wrapper's extra launch; nothing is
fitted. torch.where on a CUDA tensor syncs the host with the GPU (nonzero reads the count back), so the
loop's CPU time cannot run ahead of the GPU: it adds to the step rather than hiding under it. Most of
the loop's calls are selects, views, casts and ops on empty tensors (no kernel launched), cheaper than
the dense layer's average call the per-call time comes from; no figure for them was found, so every
call is priced alike (an upper bound: Qwen's MoE rows run about 2x faster than counted).
"""

from __future__ import annotations

from llmsize.estimate.engines import transformers_wrappers

ROUTER_CALLS = 9
PER_EXPERT_CALLS = 16
PER_EXPERT_LINEARS = 3
SHARED_EXPERT_CALLS = 9
SHARED_EXPERT_LINEARS = 4
# The dense FFN's calls and linears, already counted in the engine's per-layer launch time.
DENSE_FFN_CALLS = 5
DENSE_FFN_LINEARS = 3


def extra_calls(num_experts: int, shared: bool) -> int:
    """Torch calls one routed FFN issues beyond a dense FFN's (router, every expert, the shared one)."""
    shared_calls = SHARED_EXPERT_CALLS if shared else 0
    return ROUTER_CALLS + num_experts * PER_EXPERT_CALLS + shared_calls - DENSE_FFN_CALLS


def extra_linears(num_experts: int, shared: bool) -> int:
    """Linear layers one routed FFN runs beyond a dense FFN's (the router's gate counts as one)."""
    shared_linears = SHARED_EXPERT_LINEARS if shared else 0
    return 1 + num_experts * PER_EXPERT_LINEARS + shared_linears - DENSE_FFN_LINEARS


def loop_seconds(
    routed_layers: int,
    shared_layers: int,
    num_experts: int,
    launch_per_layer_s: float,
    kernel_launch_per_layer_s: float,
) -> float:
    """CPU seconds per forward pass the expert loops of `routed_layers` routed FFNs add.

    `kernel_launch_per_layer_s`: the weight format's extra launch time per dense layer (its 7 linears).
    """
    if routed_layers <= 0 or num_experts <= 0:
        return 0.0
    per_call = transformers_wrappers.per_call_s(launch_per_layer_s)
    per_linear = kernel_launch_per_layer_s / transformers_wrappers.LINEARS_PER_LAYER
    plain = routed_layers - shared_layers
    total = 0.0
    for layers, shared in ((plain, False), (shared_layers, True)):
        if layers > 0:
            per_layer = (
                extra_calls(num_experts, shared) * per_call + extra_linears(num_experts, shared) * per_linear
            )
            total += layers * per_layer
    return total
