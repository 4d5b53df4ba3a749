"""The caching allocator's segment rounding that SGLang's load line counts (engines/torch_alloc.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from llmsize.estimate.engines.torch_alloc import MIN_LARGE_ALLOC, ROUND_LARGE, segment_slack_bytes
from llmsize.units import MIB


@given(st.lists(st.integers(min_value=1, max_value=2**34), max_size=50))
def test_slack_is_below_one_rounding_step_per_large_tensor(sizes: list[int]) -> None:
    slack = segment_slack_bytes(sizes)
    large = [s for s in sizes if s >= MIN_LARGE_ALLOC]
    assert 0 <= slack < ROUND_LARGE * max(1, len(large))
    assert all((s + slack_of(s)) % ROUND_LARGE == 0 for s in large)


def slack_of(size: int) -> int:
    return segment_slack_bytes([size])


def test_qwen2_5_32b_block_at_tp4() -> None:
    # qkv 7168 x 5120 / 4, o_proj 5120 x 1280, gate_up 13824 x 5120, down 5120 x 6912, bf16, per rank:
    # 17.5, 12.5, 135 and 67.5 MiB round up to 18, 14, 136 and 68 MiB.
    block = [7168 * 1280 * 2, 5120 * 1280 * 2, 2 * 6912 * 5120 * 2, 5120 * 6912 * 2]
    assert [b / MIB for b in block] == [17.5, 12.5, 135.0, 67.5]
    assert segment_slack_bytes(block) == int(3.5 * MIB)
    assert segment_slack_bytes([4 * MIB, 9 * MIB + 1]) == 0  # below kMinLargeAlloc: shared segments
