"""transformers 5.x MoE decode: the experts interface's `batched_mm` path, what it launches and copies.

5.x stores a routed FFN's experts as 3-D tensors (`gate_up_proj` [E, 2I, H], `down_proj` [E, H, I]) and
dispatches them through the experts interface (integrations/moe.py `use_experts_implementation`,
`ExpertsInterface`). A model loads with `grouped_mm` (modeling_utils.py
`get_correct_experts_implementation`: None -> "grouped_mm"), and `generate` swaps every `grouped_mm` for
`batched_mm` while it decodes on a GPU (generation/utils.py `_optimize_model_for_decode`: "much more
performant than 'grouped_mm' on smaller inputs"). Read from the 5.23.0 wheel (constraints.txt):

- `batched_mm_experts_forward` gathers the picked experts' weights per (token, expert) pair,
  `self.gate_up_proj[expert_ids]` and `self.down_proj[expert_ids]`: index copies that read the experts'
  bytes and write them again (the comment there: "duplicating selected experts weights"), then
  `torch.bmm` reads the copies. A decode step moves each picked expert's bytes three times, per pair:
  two tokens picking one expert copy it twice. `gather_traffic` counts the two extra passes.
- No host sync and no per-expert Python: the router (Qwen3MoeTopKRouter.forward: reshape, linear,
  softmax, topk, sum, the in-place div, to: 7 calls; the sparse block's view and reshape: 2) and the
  experts (repeat_interleave, 2 reshapes, the gate_up gather, unsqueeze, bmm, squeeze, chunk, act, mul,
  the down gather, unsqueeze, bmm, squeeze, the weights' unsqueeze, mul, view, sum, to: 19 calls) are
  launched like the rest of the layer, 28 calls where a dense FFN issues 5 (gate, up, act, mul, down).
"""

from __future__ import annotations

from llmsize.estimate.engines import transformers_fp8_linear, transformers_wrappers

ROUTER_CALLS = 9
EXPERT_CALLS = 19
DENSE_FFN_CALLS = 5
# The gather's read and write of each picked expert's bytes, beyond bmm's own read of the copy.
GATHER_COPY_PASSES = 2.0


def extra_calls() -> int:
    """Torch calls one routed FFN issues on the batched_mm path beyond a dense FFN's."""
    return ROUTER_CALLS + EXPERT_CALLS - DENSE_FFN_CALLS


def launch_per_layer(routed_layers: int, num_layers: int, launch_per_layer_s: float) -> float:
    """Extra CPU launch seconds per decoder layer (averaged over all layers) the routed FFNs add."""
    if routed_layers <= 0 or num_layers <= 0:
        return 0.0
    per_call = transformers_wrappers.per_call_s(launch_per_layer_s)
    return routed_layers * extra_calls() * per_call / num_layers


def gather_passes(kernel: str) -> float:
    """Extra passes over each picked expert's bytes on the decode path of weight kernel `kernel`: the
    16-bit gather's read and write; none for FP8, whose batched Triton kernel reads the experts in place
    (transformers_fp8_linear.copies_experts)."""
    return GATHER_COPY_PASSES if transformers_fp8_linear.copies_experts(kernel) else 0.0


def gather_bytes(routed_weight_bytes: int, pick_share: float, tokens: int, passes: float) -> float:
    """Bytes a decode step's expert gathers move beyond bmm's read: every (token, expert) pair copies its
    expert's weights (`passes`: read + write, 2), distinct or not."""
    return passes * routed_weight_bytes * min(1.0, pick_share) * max(1, tokens)
