"""`fit --all`'s shortcuts (issue 15) against the plain computation they replace.

- A weight format whose weights alone exceed the card is passed over without an estimate
  (Planner.cannot_fit_one, BaseEngine.need_floor): the floor must never exceed the real need, and
  the catalog fit must be the one every format's full estimate gives.
- The models are planned in forked workers (hardware/fan_out.py): same answers, errors in order.
- A fit row's speed is kept per planner: the same as computing it again.
The whole catalog, byte for byte against the old code, is checked by bench/fit_all_identical.py.
"""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmsize.errors import BadInputError
from llmsize.estimate.engines import engine_for
from llmsize.estimate.workload import Engine, Workload
from llmsize.hardware.fan_out import fan_out, workers_for
from llmsize.hardware.fit import visible_memory_bytes
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import (
    Layout,
    Planner,
    _option_workload,
    default_estimator,
    fit_catalog,
    precision_options,
)
from llmsize.records import ValidationError
from llmsize.specs.resolve import resolve

# Dense, MoE, sliding-window (non-monotone need), hybrid state, a model whose bf16 fits a 24 GB
# card and ones whose bf16 (and more) does not.
MODELS = [
    "Qwen2.5-7B-Instruct",
    "Llama-3.1-70B",
    "Mixtral-8x7B-v0.1",
    "gemma-3-4b",
    "Qwen3.5-9B",
    "Falcon-H1-1.5B-Base",
    "Qwen3-30B-A3B",
]
GPUS = ["RTX-4090", "L4", "T4", "M4-Max-128GB"]
ENGINES = [Engine.TRANSFORMERS, Engine.VLLM, Engine.LLAMA_CPP]


def _rows(fits: list) -> list[tuple[str, str | None, dict | None]]:
    out = []
    for f in fits:
        best = f.best_result
        out.append((f.model, best.option.label if best else None, best.row.model_dump() if best else None))
    return out


@pytest.mark.parametrize("gpu", GPUS)
@pytest.mark.parametrize("engine", ENGINES)
def test_passing_over_formats_gives_the_fit_of_every_format_estimated(gpu: str, engine: Engine) -> None:
    specs = [resolve(m) for m in MODELS]
    wl = Workload(engine=engine)
    card = get_gpu(gpu)
    quick = fit_catalog(specs, wl, card, 1)
    # An explicit estimator turns the shortcut off: every format up to the first that fits is estimated.
    full = fit_catalog(specs, wl, card, 1, estimator=default_estimator())
    assert _rows(quick) == _rows(full)
    assert [f.best for f in quick if f.best is None] == [f.best for f in full if f.best is None]


@settings(max_examples=40, deadline=None)
@given(
    model=st.sampled_from(MODELS),
    gpu=st.sampled_from([*GPUS, "RTX-3060-12GB", "H100-SXM-80GB"]),
    context=st.sampled_from([512, 4096, 32_768]),
    batch=st.sampled_from([1, 4]),
)
def test_need_floor_never_exceeds_the_need(model: str, gpu: str, context: int, batch: int) -> None:
    spec, card = resolve(model), get_gpu(gpu)
    wl = Workload(context=context, batch=batch)
    for option in precision_options(spec, wl, card):
        planner = Planner(spec, _option_workload(wl, option))
        try:
            row = planner.plan(card, 1, limits=False)
        except BadInputError:
            continue
        if planner.cannot_fit_one(card):
            assert not row.fits, f"{model} {option.label} on {gpu} fits, yet was said not to"
        one = planner.workload(Layout())
        sub = planner.for_gpu(card)
        assert sub.wl == sub.workload(Layout())  # cannot_fit_one takes the workload as the one-GPU layout
        from llmsize.estimate.resolved import resolve_workload

        rs = resolve_workload(spec, one)
        floor = rs.engine.need_floor(min(rs.weights.per_stage))
        assert floor <= planner.need(card, one)


def test_need_floor_only_where_the_engine_budgets_the_whole_estimate() -> None:
    assert engine_for(Workload(engine=Engine.TRANSFORMERS)).need_floor(123) == 123
    for engine in (Engine.VLLM, Engine.SGLANG, Engine.LLAMA_CPP, Engine.OLLAMA):
        # their own budgets (KV pools, weights in host RAM): no floor is claimed
        assert engine_for(Workload(engine=engine)).need_floor(123) == 0


def test_a_format_over_the_card_is_passed_over_and_a_fitting_one_is_not() -> None:
    card = get_gpu("RTX-4090")
    spec = resolve("Llama-3.1-70B")
    bf16 = Planner(spec, Workload(dtype="bf16"))
    assert bf16.cannot_fit_one(card)  # 141 GB of weights, 24 GB card
    small = Planner(resolve("Qwen2.5-0.5B"), Workload(dtype="bf16"))
    assert not small.cannot_fit_one(card)
    assert visible_memory_bytes(card) < 30 * 2**30


def _square(x: int) -> int:
    if x == 7:
        raise BadInputError("seven is refused")
    if x == 9:
        raise ZeroDivisionError("nine")
    return x * x


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_fan_out_answers_in_order_with_errors_in_place(workers: int) -> None:
    got = fan_out(_square, list(range(40)), workers)
    assert [g for g in got if not isinstance(g, Exception)] == [x * x for x in range(40) if x not in (7, 9)]
    assert isinstance(got[7], BadInputError) and got[7].message == "seven is refused"
    assert isinstance(got[9], ZeroDivisionError)


def test_fan_out_redoes_what_a_dead_worker_or_an_unpicklable_answer_leaves() -> None:
    parent = os.getpid()

    def work(x: int) -> object:
        if os.getpid() != parent and x == 5:
            os._exit(3)  # the worker dies: the caller must do its whole share
        if x == 7:
            return lambda: x  # does not pickle: the worker's whole share (1, 4, 7, ...) is redone
        return x + 1

    got = fan_out(work, list(range(20)), 3)
    assert [g for i, g in enumerate(got) if i != 7] == [x + 1 for x in range(20) if x != 7]
    assert callable(got[7])


def _only_this_tests_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Threads an earlier test left running (a local Hub server, a watchdog) are not this test's:
    count only the ones started from here, on top of the main thread."""
    import threading

    real = threading.active_count
    before = real()
    monkeypatch.setattr(threading, "active_count", lambda: real() - before + 1)


def test_workers_follow_llmsize_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    _only_this_tests_threads(monkeypatch)
    monkeypatch.setenv("LLMSIZE_JOBS", "1")
    assert workers_for(150) == 1
    monkeypatch.setenv("LLMSIZE_JOBS", "3")
    assert workers_for(150) == 3
    assert workers_for(20) == 1  # too few items to share


def test_catalog_fit_is_the_same_serial_and_forked(monkeypatch: pytest.MonkeyPatch) -> None:
    specs = [resolve(m) for m in MODELS]
    card = get_gpu("RTX-4090")
    monkeypatch.setenv("LLMSIZE_JOBS", "1")
    serial = fit_catalog(specs, Workload(), card, 1)
    got = fan_out(lambda s: fit_catalog([s], Workload(), card, 1), specs, 2)
    assert _rows([f for one in got for f in one]) == _rows(serial)


def test_speed_is_kept_per_planner_and_equals_a_fresh_one() -> None:
    card = get_gpu("RTX-4090")
    planner = Planner(resolve("Qwen2.5-7B-Instruct"), Workload(dtype="bf16"))
    wl = planner.workload(Layout())
    est = planner.estimate(wl)
    first = planner.speed(card, Layout(), est, wl)
    assert planner.speed(card, Layout(), est, wl) is first
    assert planner._speed(card, Layout(), est, wl) == first


@settings(max_examples=60, deadline=None)
@given(
    model=st.sampled_from(MODELS),
    context=st.integers(1, 300_000),
    asked=st.sampled_from([512, 4096, 65_536]),
    prompt=st.sampled_from([None, 100, 2048]),
    batch=st.sampled_from([1, 3]),
)
def test_the_search_workload_is_the_validated_one(
    model: str, context: int, asked: int, prompt: int | None, batch: int
) -> None:
    from llmsize.hardware.plan import _at_context

    planner = Planner(
        resolve(model), Workload(context=asked, prompt_tokens=prompt and min(prompt, asked), batch=batch)
    )
    base = planner.workload(Layout(), batch=batch)
    fast = _at_context(base, context)
    slow = planner.workload(Layout(), context=context, batch=batch)
    assert fast == slow and hash(fast) == hash(slow) and list(fast.__dict__) == list(slow.__dict__)


@pytest.mark.parametrize("gpu", ["RTX-4090", "L4"])
@pytest.mark.parametrize("engine", ENGINES)
def test_the_longest_context_is_a_boundary_of_the_need(gpu: str, engine: Engine) -> None:
    """What any faster search must keep: the answer fits and one more token does not (or it is the
    model's window). The search itself is unchanged (docs/startup.md: `need()` is not monotone for
    the Gemma models whose SDPA mask is padded to 16 columns, so another search stops elsewhere)."""
    card = get_gpu(gpu)
    for fit in fit_catalog([resolve(m) for m in MODELS], Workload(engine=engine), card, 1):
        best = fit.best_result
        if best is None or best.row.max_context is None:
            continue
        spec = resolve(fit.model)
        planner = Planner(spec, _option_workload(Workload(engine=engine), best.option)).for_gpu(card)
        layout = Layout(best.row.tp, best.row.pp, best.row.dp)
        r = best.row.max_context
        budget = planner.budget(card, planner.workload(layout)).usable_bytes
        assert planner.need(card, planner.workload(layout, context=r)) <= budget
        if r < spec.max_position_embeddings:
            assert planner.need(card, planner.workload(layout, context=r + 1)) > budget


def test_no_workers_while_another_thread_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    _only_this_tests_threads(monkeypatch)
    monkeypatch.setenv("LLMSIZE_JOBS", "3")
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert workers_for(150) == 1  # a fork would copy the other thread's locks, not the thread
    finally:
        stop.set()
        other.join()
    assert workers_for(150) == 3


@settings(max_examples=40, deadline=None)
@given(
    model=st.sampled_from(MODELS),
    context=st.integers(1, 300_000),
    batch=st.integers(1, 64),
    tp=st.sampled_from([1, 2, 4]),
)
def test_kept_workload_equals_a_fresh_validation(model: str, context: int, batch: int, tp: int) -> None:
    """Planner.workload keeps the validated workload per layout and update (issue 15): asked again it
    is the same record, equal to validating the update anew, and a float is not taken for an int."""
    planner = Planner(resolve(model), Workload(prompt_tokens=2048))
    layout = Layout(tp=tp)
    try:
        first = planner.workload(layout, context=context, batch=batch)
    except BadInputError:
        return
    assert planner.workload(layout, context=context, batch=batch) is first
    fresh = Workload.model_validate(
        {
            **dict(planner.wl),
            "tp": tp,
            "pp": 1,
            "num_gpus": layout.count,
            "context": context,
            "batch": batch,
            "prompt_tokens": min(2048, context),
        }
    )
    assert fresh == first and hash(fresh) == hash(first)
    assert first.prompt_tokens == min(2048, context)
    with pytest.raises(BadInputError):
        planner.workload(layout, context=context + 0.5, batch=batch)


def test_layer_parts_counted_per_block_kind_equal_counting_every_block() -> None:
    """speed's per-part block counts, taken once per kind of block (issue 15), are the per-block
    count, key order included (the first block that has each part)."""
    from llmsize.hardware.plan import _block_parts, _layer_parts
    from llmsize.specs.catalog import specs

    for spec in specs():
        moe = spec.moe_layers if spec.num_experts else ()
        every: dict[str, int] = {}
        for i in range(spec.num_layers):
            for part, n in _block_parts(spec, i, moe).items():
                every[part] = every.get(part, 0) + n
        assert list(_layer_parts(spec).items()) == list(every.items()), spec.name


def test_bare_ollama_names_are_kept_and_equal_a_fresh_count() -> None:
    """`fit --all` asks each model's default engine, which asks the catalog's bare Ollama names: they
    are read once (as entries() is), and are the aliases a fresh walk of the catalog finds."""
    from llmsize.specs import catalog, ollama

    fresh = frozenset(
        a
        for e in catalog.entries()
        for a in e.model.aliases
        if ":" not in a and a == a.lower() and ollama.library(a) is not None
    )
    assert catalog._bare_ollama_names() is catalog._bare_ollama_names()
    assert catalog._bare_ollama_names() == fresh
    assert "qwen3" in fresh  # the catalog's Qwen3 entry carries Ollama's bare library name


@settings(max_examples=60, deadline=None)
@given(
    context=st.integers(1, 300_000),
    batch=st.one_of(st.integers(1, 64), st.booleans(), st.floats(0.5, 64.5)),
    dtype=st.sampled_from([None, "bf16", "fp16", "fp32", "nonsense"]),
    quant=st.sampled_from([None, "awq", "gptq", "bnb-nf4", "Q4_K_M", "not-a-quant"]),
    engine=st.sampled_from(list(Engine)),
)
def test_derived_workload_is_a_fresh_validation(
    context: int, batch: Any, dtype: str | None, quant: str | None, engine: Engine
) -> None:
    """A derived workload, validated once per process for `fit --all` (issue 15), is what validating
    its fields anew gives (value and field types: True and 1.0 are not taken for the int 1), and
    input validation refuses is refused on every call."""
    from llmsize.hardware.derived_workload import derived_workload

    base = Workload(engine=engine, prompt_tokens=1024, context=2048)
    changes: dict[str, Any] = {"context": context, "batch": batch}
    if dtype is not None:
        changes["dtype"] = dtype
    if quant is not None:
        changes["quant"] = quant
    try:
        fresh = Workload.model_validate({**dict(base), **changes})
    except ValidationError:
        for _ in range(2):
            with pytest.raises(ValidationError):
                derived_workload(base, changes)
        return
    kept = derived_workload(base, changes)
    assert kept == fresh and [type(v) for v in dict(kept).values()] == [type(v) for v in dict(fresh).values()]
    assert derived_workload(base, dict(changes)) is kept  # asked again (another model): the same record


@pytest.mark.parametrize(
    "options",
    [{}, {"engine": Engine.VLLM}, {"mode": "qlora"}, {"quant": "Q4_K_M"}, {"context": "32k", "batch": 4}],
)
def test_one_workload_per_engine_is_each_models_own(options: dict[str, Any]) -> None:
    """`fit --all` builds one workload per engine (workloads_for, issue 15): for every catalog model
    it equals the one workload_for builds for that model alone, refusals included."""
    from llmsize.cli.workload_options import workload_for, workloads_for
    from llmsize.specs.catalog import specs

    of = workloads_for(options, 1)
    engines = set()
    for spec in specs():
        try:
            own = workload_for(spec, options, 1)
        except BadInputError as err:
            with pytest.raises(BadInputError, match=re.escape(str(err))):
                of(spec)
            continue
        assert of(spec) == own
        engines.add(own.engine)
    assert engines  # some model takes every one of these workloads


def test_a_model_that_fits_in_no_format_is_listed_without_its_full_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`fit --all` shows a model that fits nowhere by name and size only: its one format keeps the
    quick row (which says why it does not fit) instead of a full plan nobody sees (issue 15). Which
    models fit, and their sizes, are those of the full plan."""
    from llmsize.hardware import precision

    asked: dict[str, int] = {}
    plain = precision.default_estimator

    def counting() -> Any:
        size = plain()

        def estimate(spec: Any, wl: Workload) -> Any:
            asked[spec.name] = asked.get(spec.name, 0) + 1
            return size(spec, wl)

        return estimate

    names = ["DeepSeek-V3", "gpt-oss-120b", "Devstral-Small-2-24B-Instruct-2512", "Qwen2.5-7B-Instruct"]
    specs = [resolve(m) for m in names]
    card = get_gpu("RTX-4090")
    full = fit_catalog(specs, Workload(), card, 1, estimator=default_estimator())
    monkeypatch.setattr(precision, "default_estimator", counting)
    quick = fit_catalog(specs, Workload(), card, 1)
    assert [(f.model, f.params, f.active_params, f.best) for f in quick] == [
        (f.model, f.params, f.active_params, f.best) for f in full
    ]
    assert _rows(quick) == _rows(full)
    nowhere = [(q, f) for q, f in zip(quick, full, strict=True) if f.best is None]
    assert len(nowhere) == 3  # the three pre-quantized checkpoints are over a 24 GB card
    for q, f in nowhere:
        assert len(q.options) == len(f.options) == 1
        assert not q.options[0].row.fits and q.options[0].row.reason == f.options[0].row.reason
        assert asked[q.model] == 1  # the one estimate at the asked context: no second, full plan
