"""reserved_view.py: the caching allocator's rounding, caching and best fit (CUDACachingAllocator.cpp)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from llmsize.estimate.reserved_view import CachingAllocator, reserved_peak_bytes, round_size, segment_size

MIB = 2**20


def test_requests_round_to_512_bytes() -> None:
    assert round_size(1) == 512
    assert round_size(512) == 512
    assert round_size(513) == 1024


def test_segment_sizes_follow_get_allocation_size() -> None:
    assert segment_size(1 * MIB) == 2 * MIB  # small pool: 2 MiB segments
    assert segment_size(1 * MIB + 512) == 20 * MIB  # 1-10 MiB: 20 MiB segments
    assert segment_size(10 * MIB) == 10 * MIB  # from 10 MiB: its own, in 2 MiB steps
    assert segment_size(10 * MIB + 512) == 12 * MIB


def test_a_freed_block_stays_reserved_and_serves_the_next_request() -> None:
    a = CachingAllocator()
    h = a.malloc(100 * MIB)
    a.free(h)
    assert (a.reserved, a.allocated) == (100 * MIB, 0)
    a.malloc(60 * MIB)
    assert a.reserved == 100 * MIB  # carved from the cached block, no new segment


def test_a_small_long_lived_tensor_carved_from_a_big_free_block_forces_a_new_segment() -> None:
    a = CachingAllocator()
    a.free(a.malloc(100 * MIB))
    a.malloc(30 * MIB)  # best fit: the only cached block, split
    a.malloc(100 * MIB)  # the 70 MiB remainder cannot serve it
    assert a.reserved == 200 * MIB


def test_best_fit_takes_the_smallest_block_that_fits() -> None:
    a = CachingAllocator()
    big, small = a.malloc(100 * MIB), a.malloc(40 * MIB)
    a.free(big)
    a.free(small)
    a.malloc(30 * MIB)  # from the 40 MiB block, which leaves the 100 MiB one whole
    a.malloc(100 * MIB)
    assert a.reserved == 140 * MIB


def test_neighbours_merge_when_freed() -> None:
    a = CachingAllocator()
    a.free(a.malloc(100 * MIB))
    x, y = a.malloc(50 * MIB), a.malloc(50 * MIB)
    a.free(x)
    a.free(y)
    a.malloc(100 * MIB)
    assert a.reserved == 100 * MIB


def test_small_requests_share_a_2_mib_segment() -> None:
    a = CachingAllocator()
    for _ in range(4):
        a.malloc(512 * 1024)
    assert a.reserved == 2 * MIB


def test_the_carried_cache_is_a_floor_of_the_reserved_peak() -> None:
    assert reserved_peak_bytes(5 * 2**30, carried_reserved=8 * 2**30) == 8 * 2**30
    assert reserved_peak_bytes(9 * 2**30 + 1, carried_reserved=8 * 2**30) == 9 * 2**30 + 2 * MIB


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 64 * MIB), st.booleans()), min_size=1, max_size=60))
def test_reserved_covers_allocated_never_shrinks_and_whole_segments(ops: list[tuple[int, bool]]) -> None:
    a = CachingAllocator()
    live: list[int] = []
    last = 0
    for size, free_one in ops:
        live.append(a.malloc(size))
        if free_one and live:
            a.free(live.pop(0))
        assert a.reserved >= a.allocated >= 0
        assert a.reserved >= last
        assert a.reserved % (2 * MIB) == 0
        last = a.reserved
    for h in live:
        a.free(h)
    assert a.allocated == 0
    assert a.reserved == last
