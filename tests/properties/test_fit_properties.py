"""Invariants of fitting and planning (STYLE.md #11): headroom arithmetic, N -> N+1 GPUs, monotone limits."""

from __future__ import annotations

from functools import cache

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from llmsize.errors import BadInputError
from llmsize.estimate.result import Estimate
from llmsize.estimate.workload import Engine, Workload
from llmsize.hardware.fit import fit, usable_bytes
from llmsize.hardware.gpus import GpuSpec, bundled_gpus
from llmsize.hardware.plan import Layout, Planner, largest_within
from llmsize.specs.models import ModelSpec
from llmsize.specs.resolve import resolve

GPUS = bundled_gpus()
MODELS = ("Qwen2.5-7B", "Llama-3.1-8B", "Mistral-7B-v0.1", "gemma-2-9b", "Mixtral-8x7B-v0.1", "Llama-3.1-70B")

sizes = st.integers(min_value=0, max_value=200 * 2**30)


@cache
def _spec(name: str) -> ModelSpec:
    return resolve(name)


@given(w=sizes, kv=sizes, act=sizes, ovh=st.integers(0, 2**31), gpu=st.sampled_from(GPUS),
       engine=st.sampled_from(list(Engine)), util=st.floats(0.1, 1.0))
def test_headroom_is_usable_minus_peak(w: int, kv: int, act: int, ovh: int, gpu: GpuSpec, engine: Engine,
                                       util: float) -> None:
    est = Estimate(weights_bytes=w, kv_cache_bytes=kv, activations_bytes=act, gradients_bytes=0,
                   optimizer_bytes=0, adapters_bytes=0, overhead_bytes=ovh, params=1, active_params=1)
    row = fit(est, gpu, engine=engine, gpu_memory_utilization=util)
    usable = usable_bytes(gpu, engine, util)
    assert row.headroom_bytes == usable - est.total_bytes
    assert row.fits == (row.headroom_bytes >= 0)
    assert (row.reason is None) == row.fits


@settings(max_examples=40, deadline=None)
@given(model=st.sampled_from(MODELS), gpu=st.sampled_from(GPUS), n=st.integers(1, 7),
       context=st.sampled_from([512, 4096, 32768]), batch=st.integers(1, 8))
def test_fits_on_n_gpus_implies_fits_on_n_plus_one(model: str, gpu: GpuSpec, n: int, context: int,
                                                   batch: int) -> None:
    planner = Planner(_spec(model), Workload(dtype="bf16", context=context, batch=batch))
    try:
        here = planner.plan(gpu, n, limits=False)
        there = planner.plan(gpu, n + 1, limits=False)
    except BadInputError:
        assume(False)
        return
    if here.fits:
        assert there.fits, (here, there)


@settings(max_examples=25, deadline=None)
@given(model=st.sampled_from(MODELS[:4]), batch=st.integers(1, 4),
       budgets=st.lists(st.integers(8 * 2**30, 100 * 2**30), min_size=2, max_size=2, unique=True))
def test_max_context_grows_with_memory_and_shrinks_with_batch(model: str, batch: int,
                                                              budgets: list[int]) -> None:
    planner = Planner(_spec(model), Workload(dtype="bf16", batch=batch))
    small, big = sorted(budgets)
    a = planner.max_context(small, Layout(), batch)
    b = planner.max_context(big, Layout(), batch)
    assert (a or 0) <= (b or 0)
    more = planner.max_context(big, Layout(), batch + 1)
    assert (more or 0) <= (b or 0)


@given(steps=st.lists(st.integers(0, 50), min_size=1, max_size=300), budget=st.integers(0, 8000))
def test_largest_within_is_exact_for_any_monotone_function(steps: list[int], budget: int) -> None:
    values = [sum(steps[: i + 1]) for i in range(len(steps))]

    def f(x: int) -> int:
        return values[x - 1]

    expected = max((x for x in range(1, len(values) + 1) if f(x) <= budget), default=None)
    assert largest_within(f, budget, 1, len(values)) == expected


@given(
    steps=st.lists(st.integers(0, 50), min_size=2, max_size=300),
    budget=st.integers(0, 8000),
    guess=st.integers(-5, 320),
    seeds=st.lists(st.integers(1, 300), max_size=4),
)
def test_largest_within_answer_does_not_depend_on_guess_or_known_points(
    steps: list[int], budget: int, guess: int, seeds: list[int]
) -> None:
    """The search only picks which points to probe (Newton steps, round-number halving, a first
    guess, values already known): for a non-decreasing f the answer is the one brute force finds."""
    values = [sum(steps[: i + 1]) for i in range(len(steps))]

    def f(x: int) -> int:
        return values[x - 1]

    known = {x: f(x) for x in seeds if x <= len(values)}
    expected = max((x for x in range(1, len(values) + 1) if f(x) <= budget), default=None)
    assert largest_within(f, budget, 1, len(values), known, guess=guess) == expected
