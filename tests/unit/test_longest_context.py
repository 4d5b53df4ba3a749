"""The longest context is the last one before the first that does not fit (issue 15).

transformers' SDPA pads its additive mask to 16 columns (torch attention.cpp preprocess_mask), so a
context that is not a multiple of 16 holds two masks and the need dips at each multiple of 16: a
search for "a context that fits" could land on a multiple of 16 above a shorter prompt that does not
fit (gemma-3-4b-it on an RTX 4090 printed 45,248 tokens while 42,827 did not fit).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmsize.estimate.engines import engine_for
from llmsize.estimate.workload import Engine, Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, Planner, longest_before_over
from llmsize.specs.resolve import resolve


def _first_over_minus_one(f, budget: int, hi: int) -> int | None:  # type: ignore[no-untyped-def]
    for x in range(1, hi + 1):
        if f(x) > budget:
            return x - 1 if x > 1 else None
    return hi


def _padded_mask(base: int, slope: int, mask: int):  # type: ignore[no-untyped-def]
    """A need that grows with x plus a padded copy of the mask (16-column groups) when x % 16."""
    return lambda x: base + slope * x + (mask * 16 * math.ceil(x / 16) if x % 16 else 0)


@settings(max_examples=60, deadline=None)
@given(
    base=st.integers(0, 5000),
    slope=st.integers(1, 50),
    mask=st.integers(0, 40),
    budget=st.integers(0, 200_000),
    hi=st.integers(1, 3000),
)
def test_search_matches_brute_force_on_padded_masks(
    base: int, slope: int, mask: int, budget: int, hi: int
) -> None:
    f = _padded_mask(base, slope, mask)
    assert longest_before_over(f, budget, hi, 16, {}) == _first_over_minus_one(f, budget, hi)


@settings(max_examples=60, deadline=None)
@given(
    base=st.integers(0, 5000),
    slope=st.integers(1, 50),
    mask=st.integers(0, 40),
    chunk=st.sampled_from([1, 64, 256]),
    jump=st.integers(0, 5000),
    budget=st.integers(0, 200_000),
    hi=st.integers(1, 3000),
    guess=st.one_of(st.none(), st.integers(-3, 3100)),
)
def test_search_with_a_guess_and_chunk_steps_matches_brute_force(
    base: int, slope: int, mask: int, chunk: int, jump: int, budget: int, hi: int, guess: int | None
) -> None:
    """A state scan's per-chunk steps on top of the padded mask, searched from any first guess."""
    padded = _padded_mask(base, slope, mask)

    def f(x: int) -> int:
        return padded(x) + jump * ((x - 1) // chunk)

    assert longest_before_over(f, budget, hi, 16, {}, guess) == _first_over_minus_one(f, budget, hi)
    if mask == 0:  # monotone: the plain search
        assert longest_before_over(f, budget, hi, 1, {}, guess) == _first_over_minus_one(f, budget, hi)


@settings(max_examples=80, deadline=None)
@given(
    base=st.integers(0, 5000),
    slope=st.integers(0, 50),
    curve=st.integers(0, 3),
    chunk=st.sampled_from([1, 16, 64, 256]),
    hinted=st.sampled_from([2, 16, 64, 256]),
    jump=st.integers(0, 5000),
    budget=st.integers(0, 400_000),
    hi=st.integers(1, 3000),
    guess=st.one_of(st.none(), st.integers(-3, 3100)),
    known=st.lists(st.integers(1, 3000), max_size=4),
)
def test_search_by_chunks_matches_brute_force(
    base: int, slope: int, curve: int, chunk: int, hinted: int, jump: int, budget: int, hi: int,
    guess: int | None, known: list[int],
) -> None:
    """The chunk hint (a scan pads the prompt to whole chunks) only changes which contexts are
    probed: any non-decreasing need, jumps at the hinted chunk or elsewhere, any guess and any
    known points give the brute-force answer."""

    def f(x: int) -> int:
        padded = -(-x // chunk) * chunk
        return base + slope * x + curve * x * x // 100 + jump * padded // max(chunk, 1)

    seen = {x: f(x) for x in known}
    assert longest_before_over(f, budget, hi, 1, seen, guess, hinted) == _first_over_minus_one(f, budget, hi)


@settings(max_examples=80, deadline=None)
@given(
    base=st.integers(0, 5000),
    slope=st.integers(1, 50),
    mask=st.integers(0, 40),
    budget=st.integers(0, 200_000),
    hi=st.integers(1, 3000),
    asked=st.integers(1, 190),
    guess=st.one_of(st.none(), st.integers(-3, 3100)),
)
def test_search_from_a_known_aligned_fit_matches_brute_force(
    base: int, slope: int, mask: int, budget: int, hi: int, asked: int, guess: int | None
) -> None:
    """The asked context is usually a multiple of 16 that fits, whose estimate (no mask) only steers
    the first step below the guess (the envelope there is not known): any such start gives the
    brute-force answer."""
    f = _padded_mask(base, slope, mask)
    m = 16 * asked
    known = {m: f(m)} if m <= hi else {}
    assert longest_before_over(f, budget, hi, 16, known, guess) == _first_over_minus_one(f, budget, hi)


def test_a_secant_step_below_the_guess_spares_the_aligned_fits_neighbour() -> None:
    """gemma-like: the asked 4,096 tokens fit, the guess is over; the secant from f(4096) to the
    guess lands below the answer, a fitting lower end, so f(4097) is never estimated (issue 15:
    one estimate of each of ~20 padded-mask searches in `fit --all`)."""
    def f(x: int) -> int:  # the mask's bytes grow with the square of the padded context (eager scores)
        return 1_000_000 + 40 * x + ((16 * math.ceil(x / 16)) ** 2 // 64 if x % 16 else 0)

    budget = f(20_001) + 5  # 20,001 fits, and the envelope's first point over is past it
    probed: list[int] = []

    def counted(x: int) -> int:
        probed.append(x)
        return f(x)

    answer = longest_before_over(counted, budget, 131_072, 16, {4096: f(4096)}, 30_000)
    assert answer == _first_over_minus_one(f, budget, 131_072)
    assert 4097 not in probed
    assert probed[0] == 29_999  # the guess first (its unaligned neighbour), as before


@pytest.mark.parametrize(
    "f",
    [
        lambda x: 1000 + 37 * x,
        lambda x: 100 + 16 * math.ceil(x / 16) * 7,
        lambda x: 500 + 40 * min(x, 300) + 2 * x,
    ],
)
@pytest.mark.parametrize("align", [1, 16])
@pytest.mark.parametrize("budget", [50, 1037, 12345, 40000, 10**9])
def test_search_is_exact_on_monotone_needs(f, align: int, budget: int) -> None:  # type: ignore[no-untyped-def]
    """A monotone need satisfies any alignment's premise, so the answer does not depend on it."""
    assert longest_before_over(f, budget, 2000, align, {}) == _first_over_minus_one(f, budget, 2000)


def test_engines_that_preallocate_keep_the_plain_search() -> None:
    spec = resolve("Qwen2.5-7B-Instruct")
    for engine in (Engine.VLLM, Engine.SGLANG, Engine.LLAMA_CPP, Engine.OLLAMA):
        wl = Workload(engine=engine)
        assert engine_for(wl).context_alignment(spec, wl) == 1
    # transformers: no SDPA mask for plain causal attention, a padded one with a sliding window
    assert engine_for(Workload()).context_alignment(spec, Workload()) == 1
    gemma = resolve("gemma-3-4b-it")
    assert engine_for(Workload()).context_alignment(gemma, Workload()) == 16


@pytest.mark.parametrize("model", ["gemma-3-4b-it", "gemma-4-E4B-it", "Qwen2.5-7B"])  # base: 131072 positions
def test_longest_context_on_real_models_against_every_context(model: str) -> None:
    """Every context in a window around the answer, and a scan below it (each 16-token group's
    worst, unaligned end), on the default transformers workload."""
    spec = resolve(model)
    gpu = get_gpu("RTX-4090")
    planner = Planner(spec, Workload())
    row = planner.plan(gpu, 1)
    answer = row.max_context
    assert answer is not None and answer < spec.max_position_embeddings
    usable = row.usable_bytes

    def fits(context: int) -> bool:
        return planner.need(gpu, planner.workload(Layout(), context=context)) <= usable

    assert fits(answer) and not fits(answer + 1)
    assert all(fits(c) for c in range(max(1, answer - 64), answer + 1))
    step = max(16, (answer // 400) // 16 * 16)
    assert all(fits(c) for c in range(15, answer, step))
