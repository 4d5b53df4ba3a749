"""llama_cpp_placement.largest_fitting takes secant steps and a guess, but must return the count a plain
search returns: the most blocks (at most `top`) whose split's bytes stay within the room, else 0, for
any non-decreasing need (a split's bytes grow with its blocks: weights and cache per block)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from llmsize.estimate.engines.llama_cpp_placement import largest_fitting


def _plain(room: int, needs: list[int]) -> int:
    fitting = [n for n, need in enumerate(needs) if need <= room]
    return max(fitting) if fitting else 0


@st.composite
def _needs(draw: st.DrawFn) -> list[int]:
    steps = draw(st.lists(st.integers(0, 5_000), min_size=1, max_size=130))
    start = draw(st.integers(0, 50_000))
    out, total = [], start
    for step in steps:  # plateaus (0), jumps and near-linear runs alike
        total += step
        out.append(total)
    return out


@settings(max_examples=300, deadline=None)
@given(_needs(), st.data())
def test_same_count_as_a_plain_search(needs: list[int], data: st.DataObject) -> None:
    top = len(needs) - 1
    room = data.draw(st.integers(0, needs[-1] + 10_000))
    guess = data.draw(st.one_of(st.none(), st.integers(0, top + 3)))
    calls: list[int] = []

    def need_at(n: int) -> int:
        assert 0 <= n <= top
        calls.append(n)
        return needs[n]

    assert largest_fitting(room, need_at, top, guess) == _plain(room, needs)
    assert len(calls) == len(set(calls))  # no split is estimated twice


def test_a_linear_need_settles_in_few_estimates() -> None:
    needs = [1_000 + 37 * n for n in range(100)]  # one block's share a block, the usual partial split
    calls: list[int] = []

    def need_at(n: int) -> int:
        calls.append(n)
        return needs[n]

    assert largest_fitting(2_500, need_at, 99, guess=10) == 40
    assert len(calls) <= 4
