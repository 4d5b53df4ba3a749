"""Invariants of transformers 4.x's per-expert MoE loop pricing (engines/transformers_moe_loop.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from llmsize.estimate.engines import transformers_moe_loop as moe_loop

experts = st.sampled_from([8, 16, 60, 64, 128, 256])
kernels = st.sampled_from(["16bit", "fp8", "int4", "awq", "int8"])


@given(experts, st.integers(min_value=1, max_value=8), st.integers(min_value=1, max_value=512), kernels)
def test_more_tokens_never_cost_less(num_experts: int, top_k: int, tokens: int, kernel: str) -> None:
    # a hit expert costs at least an empty one, so hitting more experts never makes the loop cheaper
    def cost(t: int) -> float:
        return moe_loop.split_loop_seconds(48, 0, num_experts, top_k, t, 0.544e-3, 1.3e-3, kernel)

    assert cost(tokens + 1) >= cost(tokens) - 1e-12


@given(experts, st.integers(min_value=1, max_value=8), st.integers(min_value=1, max_value=512), kernels)
def test_hits_stay_within_the_experts(num_experts: int, top_k: int, tokens: int, kernel: str) -> None:
    hit = moe_loop.experts_hit(num_experts, top_k, tokens)
    assert min(top_k, num_experts) - 1e-9 <= hit <= num_experts + 1e-9
    assert moe_loop.empty_expert_seconds(kernel) > moe_loop.NONZERO_READBACK_S
