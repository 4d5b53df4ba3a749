"""What `fit --all`'s rows leave out under llama.cpp / Ollama (issue 15): the --gpu-layers split of a
format that does not fit, and the later formats of a model whose K/V cache alone is over the card
(LlamaCpp.format_free_need). `fit --all` shows only the first format that fits (the table and JSON
alike), so it must print the same bytes from these rows as from rows planned in full, and the row it
shows must be the full plan's (`fit_model` without stop_at_first plans every format in full)."""

from __future__ import annotations

import pytest

from llmsize.cli.workload_options import workload_for
from llmsize.estimate.core import estimate
from llmsize.estimate.engines import engine_for
from llmsize.hardware.efficiency import Efficiency
from llmsize.hardware.fit import visible_memory_bytes
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.model_fit import fit_catalog, fit_model
from llmsize.report.plain import PlainConsole
from llmsize.report.render_plan import fit_all_shows_limits, render_fit_all
from llmsize.specs.resolve import resolve

T4 = get_gpu("T4")
# fits in fp16; fits from Q8_0 on; fits from Q6_K on (a 16 GB card)
NAMES = ("SmolLM2-135M", "Llama-3.1-8B", "Qwen2.5-14B")


def _plan(engine: str, context: int | None, sizes_only: bool) -> list:
    options = {"engine": engine, **({"context": context} if context else {})}
    specs = [resolve(name) for name in NAMES]
    return fit_catalog(specs, lambda spec: workload_for(spec, options, 1), T4, 1, sizes_only=sizes_only)


def _planned_in_full(engine: str, context: int | None) -> list:
    """Every format of each model planned in full (`fit MODEL`'s rows: a split for those that do not fit)."""
    options = {"engine": engine, **({"context": context} if context else {})}
    return [fit_model(spec, workload_for(spec, options, 1), T4, 1, batch_limit=False)  # as fit --all
            for spec in map(resolve, NAMES)]


def _table(fits: list, engine: str, context: int | None, capsys: pytest.CaptureFixture[str]) -> str:
    options = {"engine": engine, **({"context": context} if context else {})}
    render_fit_all(fits, T4, workload_for(None, options, 1), Efficiency(), PlainConsole())
    return capsys.readouterr().out


@pytest.mark.parametrize("engine", ["llama.cpp", "ollama"])
def test_a_format_that_does_not_fit_gets_no_split_in_fit_all_rows(
        engine: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    whole_plans = _planned_in_full(engine, None)
    listed, sized = _plan(engine, None, False), _plan(engine, None, True)
    assert [f.best for f in whole_plans] == [f.best for f in listed] == [f.best for f in sized] == [0, 1, 2]
    for f, full_rows, s in zip(whole_plans, listed, sized, strict=True):
        assert len(full_rows.options) == len(s.options) == f.best + 1  # up to the first that fits
        for whole, row, short in zip(f.options, full_rows.options, s.options, strict=False):
            for kept in (row, short):
                assert (kept.row.fits, kept.row.per_gpu_bytes) == (whole.row.fits, whole.row.per_gpu_bytes)
            if whole.row.fits:  # the row `fit --all --format json` shows: the full plan's, field by field
                assert row == whole
                assert short.row.gpu_layers == whole.row.gpu_layers
            else:  # the full plan says how many blocks to keep on the GPU; `fit --all` never shows it
                assert whole.row.gpu_layers is not None
                assert row.row.gpu_layers is None and short.row.gpu_layers is None
    # rows planned with sizes only are printed where the table hides max context and tokens/s (the CLI
    # plans in full where it shows them: fit_all_rows.py); since two-line headers keep those columns
    # from 70 columns on (report/table_fit.py), that is a narrower terminal than 80
    monkeypatch.setenv("COLUMNS", "60")
    assert not fit_all_shows_limits(sized, PlainConsole())
    assert _table(sized, engine, None, capsys) == _table(whole_plans, engine, None, capsys)
    assert _table(listed, engine, None, capsys) == _table(whole_plans, engine, None, capsys)


@pytest.mark.parametrize("name", ["Llama-3.1-8B", "Falcon-H1-0.5B-Base"])
def test_llama_cpp_kv_cache_is_the_same_in_every_weight_format_and_within_the_need(name: str) -> None:
    # Falcon-H1: a hybrid whose recurrent state is f32 whatever the weights (llama-memory-recurrent.cpp)
    spec = resolve(name)
    free = set()
    for quant in ("fp16", "Q8_0", "Q4_K_M", "Q2_K"):
        option = {"dtype": "fp16"} if quant == "fp16" else {"quant": quant}
        wl = workload_for(spec, {"engine": "llama.cpp", "context": 65536, **option}, 1)
        est = estimate(spec, wl)
        eng = engine_for(wl)
        assert est.kv_cache_bytes > 0
        assert eng.format_free_need(est) == est.kv_cache_bytes
        assert eng.format_free_need(est) <= eng.budget(est, visible_memory_bytes(T4), wl).need_bytes
        free.add(eng.format_free_need(est))
    assert len(free) == 1


def test_other_engines_claim_no_format_free_need() -> None:
    spec = resolve("Llama-3.1-8B")
    for engine in ("vllm", "transformers"):
        wl = workload_for(spec, {"engine": engine}, 1)
        assert engine_for(wl).format_free_need(estimate(spec, wl)) == 0


def test_later_formats_are_passed_over_once_the_kv_cache_alone_is_over_the_card(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    context = 1 << 20  # a million tokens: the K/V of every model here is over 16 GB
    whole_plans = _planned_in_full("llama.cpp", context)
    listed, sized = _plan("llama.cpp", context, False), _plan("llama.cpp", context, True)
    assert [f.best for f in whole_plans] == [f.best for f in listed] == [f.best for f in sized] == [None] * 3
    assert all(len(f.options) == 7 and not any(r.row.fits for r in f.options) for f in whole_plans)
    # the first format is planned; its K/V alone says none of the other six can fit (JSON rows too)
    for rows in (listed, sized):
        assert [len(f.options) for f in rows] == [1, 1, 1]
        assert [s.options[0].row.per_gpu_bytes for s in rows] == [
            f.options[0].row.per_gpu_bytes for f in whole_plans]
    monkeypatch.setenv("COLUMNS", "80")
    table = _table(sized, "llama.cpp", context, capsys)
    assert table.startswith("0 of 3 catalog models run on")
    assert table == _table(whole_plans, "llama.cpp", context, capsys)
    assert table == _table(listed, "llama.cpp", context, capsys)
