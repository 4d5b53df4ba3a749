"""Unsloth's 4-bit gpt-oss experts, as a walk of what their training loop allocates and keeps.

unsloth_zoo temporary_patches/gpt_oss.py (`patch_gpt_oss_linearized` and its `GptOssExperts`, read
at unsloth-zoo commits 7d410bc of August 2025 and 294179a of December 2025, the same training
branch in both): a `-bnb-4bit` gpt-oss gets one bitsandbytes `Linear4bit` gate_up and one down
projection per expert, and in training `forward` loops over the experts:

    next_states = zeros_like(hidden_states, dtype=float32)
    for each expert: token_idx = torch.where(router_indices == e)
        current_state = hidden_states[token_idx]                      # a gathered copy
        gate_up = gate_up_projs[e](current_state)                     # MatMul4Bit keeps its input
        gated = swiglu_torch_forward(gate_up, alpha, limit)           # torch.compile'd: keeps gate_up
        out = down_projs[e](gated)                                    # keeps gated
        next_states.index_add_(0, token_idx, out * routing_weights[token_idx, e, None].float())
    return next_states.to(hidden_states.dtype)

So over the k experts a token visits, backward keeps the gathered input (hidden), gate_up
(2 x intermediate), the activation (intermediate) and the expert output the fp32 weighting needs
(hidden), all in the compute dtype, plus each expert's int64 token indices. Each expert's fp32
weighted output lives one iteration. bitsandbytes' `MatMul4Bit` saves its input whenever it needs
a gradient (`ctx.tensors = (A, B)`) and dequantizes the whole weight for each matmul, forward and
backward. In backward the incoming gradient turns fp32 (the `.to(dtype)` cast's backward) and lives
through the loop, each expert's chain runs on its own tokens, and `hidden_states[token_idx]`'s
backward scatters into a fresh zeros tensor of the full input's size that autograd then adds up.
The walk assumes the router spreads the tokens evenly, so one expert handles T x k / experts rows.
"""

from __future__ import annotations

from llmsize.estimate.activations import _T, Dims, _Walk
from llmsize.specs.models import ModelSpec


def linearized_experts(w: _Walk, d: Dims, spec: ModelSpec, x: _T, weights: _T) -> _T:
    """The loop's output (T x hidden, compute dtype); what it keeps is owned by one taped node."""
    h, inter, n_exp = spec.hidden_size, spec.moe_intermediate_size, spec.num_experts
    rows = d.T * spec.num_experts_per_tok
    per_expert = (rows + n_exp - 1) // n_exp
    deq = 2 * inter * h * d.e  # the larger (gate_up) dequantized expert weight, one at a time
    nxt = w.new("next_states (fp32)", d.T * h * 4)
    one = per_expert * (h * d.e + 2 * inter * d.e + inter * d.e + h * d.e + h * 4) + deq
    w.tmp("one expert: gathered rows, gate_up, swiglu, down, fp32 weighted (+ weight dequantized)", one)
    kept: list[_T] = []
    if w.train:
        kept = [
            w.new("experts: token indices (int64)", rows * 8),
            w.new("experts: gathered rows (MatMul4Bit input)", rows * h * d.e),
            w.new("experts: gate_up (swiglu input)", rows * 2 * inter * d.e),
            w.new("experts: swiglu output (MatMul4Bit input)", rows * inter * d.e),
            w.new("experts: down output (kept by the fp32 weighting)", rows * h * d.e),
        ]
    # backward: the fp32 gradient of next_states lives through the loop; per expert, the gradient
    # chain on its rows and the scatter of its input gradient into a full-size zeros tensor
    bwd = d.T * h * 4 + d.T * h * d.e + deq
    bwd = bwd + per_expert * (h * 4 + h * 4 + h * d.e + inter * d.e + 2 * inter * d.e + h * d.e)
    out = w.op(
        "experts (Unsloth 4-bit loop)",
        d.T * h * d.e,
        [x, weights],
        saves=kept,
        bwd_tmp=bwd,
    )
    w.drop(nxt, *kept)
    return out
