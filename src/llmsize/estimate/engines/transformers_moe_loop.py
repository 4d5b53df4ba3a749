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
the dense layer's average call the per-call time comes from.

Hit and empty experts (`loop_seconds`): at decode only the experts the step's tokens picked get rows
(batch 1: top-k of them); the others run the same Python on empty tensors. Every torch call there is
a dispatch that launches no kernel (an empty index, a linear on zero rows, an empty index_add_), priced
at a bare op dispatch, 3.2 us (pytorch/pytorch#189573, the figure transformers_wrappers and
vllm_v0_graphs use); and torch.where's nonzero still reads its count back through a 4-byte
device-to-host copy and a stream synchronize (PyTorch aten/src/ATen/native/cuda/Nonzero.cu
`nonzero_cuda_out_impl`: cub reduce, `at::cuda::memcpy_and_sync`), measured at 31.35 us median
(kekzl/imp#1654: pinned 4-byte D2H + cudaStreamSynchronize, 2000 iterations). A hit expert keeps the
engine's per-call price for its calls and pays the same read-back. Which experts a batch hits follows
uniform routing, E(1 - (1 - k/E)^B), the rule hardware/moe_stream.py applies to the bytes.
An empty expert's linears are the weight format's wrapper on zero rows (`empty_linear_seconds`).
Not counted: nonzero's own small launches around the sync and the loop's five nn.Module calls per
expert (MLP, three linears, the activation); a prefill pass is priced at decode's hit count.
"""

from __future__ import annotations

from llmsize.estimate.engines import transformers_wrappers
from llmsize.estimate.engines.vllm_v0_graphs import BARE_OP_LAUNCH_S

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


# REFERENCE: https://github.com/kekzl/imp/issues/1654 (RTX 5090: 4-byte D2H into pinned memory +
# cudaStreamSynchronize, median 31.35 us over 2000 iterations): what torch.where's nonzero waits for.
NONZERO_READBACK_S = 31.35e-6
# Torch calls one expert's iteration issues (select, where: nonzero + unbind, the gather's unsqueeze,
# index and reshape, the MLP's 3 linears, act and mul, the routing weight's index and unsqueeze, the
# product, the cast, index_add_); on an empty expert each is a dispatch with no kernel behind it.
EMPTY_EXPERT_CALLS = PER_EXPERT_CALLS
# REFERENCE: https://github.com/triton-lang/triton/pull/3648 (a cached @triton.jit launch from
# Python: 49 -> 18 us, the launcher Triton 3.x ships with PyTorch 2.4+).
TRITON_LAUNCH_S = 18e-6
# transformers 4.51 integrations/finegrained_fp8.py FP8Linear.forward on zero rows: act_quant
# (empty_like, new_empty, a Triton launch), w8a8_block_fp8_matmul_triton (new_empty, a Triton launch),
# torch.cuda.synchronize with nothing queued, output.to: 4 calls and 2 Triton launches.
FP8_EMPTY_LINEAR = (4, 2)
# auto-gptq / AutoAWQ wrappers on zero rows: the exllama wrapper's 4 calls replace F.linear's one
# (transformers_wrappers), plus each format's own extra calls and autograd Functions.
EXLLAMA_WRAPPER_CALLS = 4


def experts_hit(num_experts: int, top_k: int, tokens: int) -> float:
    """Experts a step's `tokens` pick between them under uniform routing: E(1 - (1 - k/E)^tokens)."""
    if num_experts <= 0:
        return 0.0
    share = min(1.0, top_k / num_experts)
    return num_experts * (1.0 - (1.0 - share) ** max(1, tokens))


def empty_linear_seconds(kernel: str) -> float:
    """CPU seconds one expert linear costs on zero rows with weight kernel `kernel`'s wrapper."""
    if kernel == "fp8":
        calls, launches = FP8_EMPTY_LINEAR
        return calls * BARE_OP_LAUNCH_S + launches * TRITON_LAUNCH_S
    if kernel in ("16bit", ""):
        return BARE_OP_LAUNCH_S
    calls, functions = transformers_wrappers.EXTRA_CALLS.get(kernel, (0, 0))
    return (
        EXLLAMA_WRAPPER_CALLS + calls
    ) * BARE_OP_LAUNCH_S + functions * transformers_wrappers.AUTOGRAD_FUNCTION_S


def empty_expert_seconds(kernel: str) -> float:
    """CPU seconds of one loop iteration over an expert no token picked: its calls on empty tensors
    (the 3 linears through the weight wrapper) and nonzero's read-back."""
    other_calls = EMPTY_EXPERT_CALLS - PER_EXPERT_LINEARS
    return (
        other_calls * BARE_OP_LAUNCH_S
        + PER_EXPERT_LINEARS * empty_linear_seconds(kernel)
        + NONZERO_READBACK_S
    )


def split_loop_seconds(
    routed_layers: int,
    shared_layers: int,
    num_experts: int,
    top_k: int,
    tokens: int,
    launch_per_layer_s: float,
    kernel_launch_per_layer_s: float,
    kernel: str,
) -> float:
    """CPU seconds per forward pass of the expert loops with hit and empty experts priced apart.

    Hit experts cost what `loop_seconds` counts per expert plus nonzero's read-back; the others
    `empty_expert_seconds`. The router and the shared expert are counted as in `loop_seconds`.
    """
    if routed_layers <= 0 or num_experts <= 0:
        return 0.0
    hit = min(float(num_experts), experts_hit(num_experts, top_k, tokens))
    per_call = transformers_wrappers.per_call_s(launch_per_layer_s)
    per_linear = kernel_launch_per_layer_s / transformers_wrappers.LINEARS_PER_LAYER
    hit_expert = PER_EXPERT_CALLS * per_call + PER_EXPERT_LINEARS * per_linear + NONZERO_READBACK_S
    experts = hit * hit_expert + (num_experts - hit) * empty_expert_seconds(kernel)
    total = 0.0
    for layers, shared in ((routed_layers - shared_layers, False), (shared_layers, True)):
        if layers > 0:
            around = extra_calls(0, shared) * per_call + extra_linears(0, shared) * per_linear
            total += layers * (around + experts)
    return total
