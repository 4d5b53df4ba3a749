"""The context searches' shortcuts (issue 15: fewer estimates in `fit --all`) against plain
bisection: the largest x whose (envelope) need fits is one integer, whichever points are probed."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmsize.estimate.engines import engine_for
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.limit_search import longest_before_over
from llmsize.hardware.plan import Layout, Planner
from llmsize.specs.resolve import resolve


def _bisect(g, budget: int, hi: int) -> int | None:  # type: ignore[no-untyped-def]
    """Largest x in [1, hi] with g(x) <= budget for non-decreasing g (None: g(1) over)."""
    if g(1) > budget:
        return None
    lo, top = 1, hi
    while lo < top:
        mid = (lo + top + 1) // 2
        lo, top = (mid, top) if g(mid) <= budget else (lo, mid - 1)
    return lo


def _staircase(steps: list[tuple[int, int]], slope: int):  # type: ignore[no-untyped-def]
    """A non-decreasing need: a line (slope may be 0: plateaus) plus jumps after given points."""
    return lambda x: slope * x + sum(jump for at, jump in steps if x > at)


@settings(max_examples=150, deadline=None)
@given(
    steps=st.lists(st.tuples(st.integers(0, 3000), st.integers(0, 4000)), max_size=8),
    slope=st.integers(0, 30),
    chunk=st.sampled_from([1, 16, 64, 256]),
    budget=st.integers(0, 120_000),
    hi=st.integers(1, 3000),
    guess=st.one_of(st.none(), st.integers(-3, 3100)),
    known=st.lists(st.integers(1, 3000), max_size=3),
)
def test_shortcuts_match_bisection_on_stepped_monotone_needs(
    steps: list[tuple[int, int]], slope: int, chunk: int, budget: int, hi: int, guess: int | None,
    known: list[int],
) -> None:
    """Step functions and plateaus, with and without a chunk hint or an alignment (a monotone need
    meets every alignment's premise), any guess, any points already known."""
    f = _staircase(steps, slope)
    expected = _bisect(f, budget, hi)
    assert longest_before_over(f, budget, hi, 1, {x: f(x) for x in known}, guess, chunk) == expected
    assert longest_before_over(f, budget, hi, 16, {x: f(x) for x in known}, guess) == expected


@settings(max_examples=100, deadline=None)
@given(
    base=st.integers(0, 5000),
    slope=st.integers(1, 40),
    chunk=st.sampled_from([64, 128, 256]),
    jump=st.integers(0, 3000),
    budget=st.integers(1000, 200_000),
    hi=st.integers(300, 4000),
    miss=st.integers(-300, 300),
)
def test_chunk_search_from_a_guess_near_the_answer(
    base: int, slope: int, chunk: int, jump: int, budget: int, hi: int, miss: int
) -> None:
    """The Newton step from the guess's chunk lands on the last fitting multiple, whose neighbour
    (padded to the next chunk) is now probed first: the answer is unchanged."""
    def f(x: int) -> int:
        return base + slope * x + jump * -(-x // chunk)

    expected = _bisect(f, budget, hi)
    guess = (expected or 1) + miss
    assert longest_before_over(f, budget, hi, 1, {}, guess, chunk) == expected


@pytest.mark.parametrize("model", ["gemma-3-4b-it", "Qwen2.5-7B-Instruct", "Mamba-Codestral-7B-v0.1",
                                   "gemma-2-9b-it"])
@pytest.mark.parametrize("gpu_name", ["RTX-4090", "L4", "H100-SXM-80GB"])
def test_planned_longest_context_equals_bisection(model: str, gpu_name: str) -> None:
    """The planner's answer (guess, chunk hint, alignment) against bisection of the need's
    envelope, g(x) = need(x + 1) at multiples of the alignment, over the engine's limit."""
    spec = resolve(model)
    gpu = get_gpu(gpu_name)
    planner = Planner(spec, Workload())
    row = planner.plan(gpu, 1)
    if row.max_context is None:
        pytest.skip("does not fit")
    wl = planner.workload(Layout())
    eng = engine_for(wl)
    align = eng.context_alignment(spec, wl)

    def need(context: int) -> int:
        return planner.need(gpu, planner.workload(Layout(), context=context))

    def envelope(x: int) -> int:
        return need(x + 1 if align > 1 and x % align == 0 else x)

    hi = eng.context_limit(spec, wl)
    top = hi - 1 if align > 1 and hi % align == 0 else hi
    expected = _bisect(envelope, row.usable_bytes, top)
    # past the envelope's last fit only an aligned next context can fit (longest_before_over)
    nxt = None if expected is None else (expected + 1 if expected < top else hi)
    usable = row.usable_bytes
    if nxt is not None and nxt > expected and align > 1 and nxt % align == 0 and need(nxt) <= usable:
        expected = nxt
    assert row.max_context == expected
