"""llmsize/monotone_search.py: the one search behind the longest context, the largest batch and the
block count of a llama.cpp / Ollama split (llama_cpp_placement.largest_fitting, Planner.fit_layout).

Its probes (a caller's guess, the Newton step from the guess's neighbour pair, secants, halvings) only
decide how many estimates a search spends: for a non-decreasing f the answer must be the one a scan of
every x finds, whatever the guess, the known points and the range (issue 15)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from llmsize.estimate.engines.llama_cpp_placement import largest_fitting
from llmsize.hardware.limit_search import largest_within as planner_search
from llmsize.monotone_search import largest_within


def _scan(values: list[int], budget: int, lo: int, hi: int) -> int | None:
    return max((x for x in range(lo, hi + 1) if values[x] <= budget), default=None)


@st.composite
def _curve(draw: st.DrawFn) -> list[int]:
    """A non-decreasing f over 0..n-1: plateaus (0), jumps and near-linear runs alike."""
    steps = draw(st.lists(st.one_of(st.integers(0, 3), st.integers(0, 5_000)), min_size=1, max_size=160))
    start = draw(st.integers(0, 50_000))
    out, total = [], start
    for step in steps:
        total += step
        out.append(total)
    return out


@settings(max_examples=400, deadline=None)
@given(_curve(), st.data())
def test_same_answer_as_a_scan_whatever_is_probed(values: list[int], data: st.DataObject) -> None:
    n = len(values)
    lo = data.draw(st.integers(0, n - 1))
    hi = data.draw(st.integers(lo, n - 1))
    budget = data.draw(st.integers(values[0] - 10, values[-1] + 10))
    guess = data.draw(st.one_of(st.none(), st.integers(lo - 2, hi + 2)))
    grain = data.draw(st.sampled_from([1, 1, 16]))
    seeds = data.draw(st.lists(st.integers(0, n - 1), max_size=4))
    known = {x: values[x] for x in seeds}
    probed: list[int] = []

    def f(x: int) -> int:
        assert lo <= x <= hi or x in known, f"probed {x} outside [{lo}, {hi}]"
        probed.append(x)
        return values[x]

    assert largest_within(f, budget, lo, hi, known, grain, guess) == _scan(values, budget, lo, hi)
    assert len(probed) == len(set(probed))  # each x estimated once
    assert not set(probed) & set(seeds)  # known values are not estimated again


@settings(max_examples=300, deadline=None)
@given(_curve(), st.data())
def test_block_count_and_planner_search_agree_with_a_scan(values: list[int], data: st.DataObject) -> None:
    """largest_fitting (the estimate layer's: 0 where no count fits) is the shared search too."""
    top = len(values) - 1
    room = data.draw(st.integers(values[0] - 10, values[-1] + 10))
    guess = data.draw(st.one_of(st.none(), st.integers(0, top + 2)))
    scan = _scan(values, room, 0, top)
    calls: list[int] = []

    def need_at(n: int) -> int:
        assert 0 <= n <= top
        calls.append(n)
        return values[n]

    assert largest_fitting(room, need_at, top, guess) == (scan or 0)
    assert len(calls) == len(set(calls))  # no split is estimated twice
    assert planner_search(values.__getitem__, room, 0, top, guess=guess) == scan


def _linear(per_block: int, fixed: int, blocks: int) -> list[int]:
    return [fixed + per_block * n for n in range(blocks + 1)]


def test_a_linear_need_settles_in_few_estimates() -> None:
    """(From test_largest_fitting_search.py, folded in with the search.) A guess 30 blocks short."""
    needs = [1_000 + 37 * n for n in range(100)]  # one block's share a block, the usual partial split
    calls: list[int] = []

    def need_at(n: int) -> int:
        calls.append(n)
        return needs[n]

    assert largest_fitting(2_500, need_at, 99, guess=10) == 40
    assert len(calls) <= 4


def test_a_guess_off_by_a_block_settles_in_four_estimates() -> None:
    """A split's bytes grow by one block's share a block: the guess, its neighbour (the pair gives the
    slope), the Newton step and its neighbour. Before, the search probed the range's far end next."""
    needs = _linear(400, 10_000, 80)
    probed: list[int] = []

    def need_at(n: int) -> int:
        probed.append(n)
        return needs[n]

    for answer in range(3, 77):
        room = needs[answer] + 150
        for guess in (answer - 3, answer - 1, answer + 1, answer + 3):
            probed.clear()
            assert largest_fitting(room, need_at, 80, guess) == answer
            assert len(probed) <= 4, (answer, guess, probed)


def test_a_right_guess_settles_in_two_estimates_with_nothing_known() -> None:
    """No fitting point needs to be known for the guess to be probed first (issue 15: the planner's
    block-count search skipped it and bracketed from both ends of the range)."""
    needs = _linear(400, 10_000, 80)
    probed: list[int] = []

    def need_at(n: int) -> int:
        probed.append(n)
        return needs[n]

    assert largest_within(need_at, needs[42] + 399, 0, 80, guess=42) == 42
    assert probed == [42, 43]


def test_nothing_fits_when_the_guess_is_the_lower_end_and_is_over() -> None:
    probed: list[int] = []

    def f(x: int) -> int:
        probed.append(x)
        return 100 + x

    assert largest_within(f, 99, 0, 50, guess=0) is None
    assert probed == [0]
