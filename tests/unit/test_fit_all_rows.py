"""`fit --all`'s human table from rows planned without longest context or speed (cli/fit_all_rows.py,
issue 15): the same bytes as from full rows wherever the table hides those columns, full rows
wherever it shows them, and a kept sizes-only file that is stale, corrupt or of the other kind is
ignored, with the same output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import llmsize.cli
import llmsize.cli.catalog_specs_cache as specs_cache
from llmsize.cli.workload_options import workload_for
from llmsize.hardware.efficiency import Efficiency
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.model_fit import fit_catalog
from llmsize.report.plain import PlainConsole
from llmsize.report.render_plan import fit_all_shows_limits, render_fit_all
from llmsize.specs.models import ModelSpec
from llmsize.specs.resolve import resolve

GPU = get_gpu("RTX-4090")
# A long name (the model column is 30 wide, so at 80 columns headroom and what follows are hidden),
# a small model, a sliding-window one and one that does not fit in any format.
NAMES = ("DeepSeek-R1-Distill-Qwen-7B", "SmolLM2-135M", "gemma-2-2b", "Llama-3.1-70B")


@pytest.fixture(scope="module")
def specs() -> list[ModelSpec]:
    return [resolve(name) for name in NAMES]


def _plan(specs: list[ModelSpec], sizes_only: bool) -> list[Any]:
    return fit_catalog(specs, lambda spec: workload_for(spec, {}, 1), GPU, 1, sizes_only=sizes_only)


def _table(fits: list[Any], capsys: pytest.CaptureFixture[str]) -> str:
    render_fit_all(fits, GPU, workload_for(None, {}, 1), Efficiency(), PlainConsole())
    return capsys.readouterr().out


def test_sizes_only_rows_print_the_full_rows_table_where_it_hides_the_limits(
        specs: list[ModelSpec], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    full, sized = _plan(specs, False), _plan(specs, True)
    shown = [f.best_result.row for f in full if f.best is not None]
    assert len(shown) == 3 and all(row.max_context and row.decode_tokens_per_s for row in shown)
    assert all(f.best_result.row.max_context is None and f.best_result.row.decode_tokens_per_s is None
               for f in sized if f.best is not None)  # nothing searched, no speed
    # the columns the sizes-only rows hold are the full plan's
    assert [(f.model, f.best, f.params) for f in sized] == [(f.model, f.best, f.params) for f in full]
    assert [(r.row.per_gpu_bytes, r.row.headroom_bytes, r.option) for f in sized for r in f.options] == [
        (r.row.per_gpu_bytes, r.row.headroom_bytes, r.option) for f in full for r in f.options]
    # the headers on two lines where the table is too wide (table_fit.stacked_header): 10 columns fewer
    monkeypatch.setenv("COLUMNS", "70")
    assert not fit_all_shows_limits(sized, PlainConsole())
    narrow = _table(full, capsys)
    assert "(not shown at 70 columns: headroom GiB, max context, tokens/s;" in narrow
    assert _table(sized, capsys) == narrow
    monkeypatch.setenv("COLUMNS", "80")  # headroom fits; max context, at least its header's width, does not
    assert not fit_all_shows_limits(sized, PlainConsole())
    middle = _table(full, capsys)
    assert "(not shown at 80 columns: max context, tokens/s;" in middle
    assert _table(sized, capsys) == middle
    monkeypatch.setenv("COLUMNS", "200")
    assert fit_all_shows_limits(sized, PlainConsole())  # wide: the full rows are needed ...
    assert _table(sized, capsys) != _table(full, capsys)  # ... as they print other values there


def test_a_table_of_short_names_shows_max_context_at_70_columns(
        specs: list[ModelSpec], monkeypatch: pytest.MonkeyPatch) -> None:
    # SmolLM2-135M and gemma-2-2b, the headers on two lines (table_fit.stacked_header): 14 + 8 + 11 +
    # 10 + 10 columns and 6 borders, then max context's 9 and a border: 69 (the long name above needs 84)
    monkeypatch.setenv("COLUMNS", "60")
    short = [s for s in specs if len(s.name) <= 12]
    assert not fit_all_shows_limits(_plan(short, True), PlainConsole())
    monkeypatch.setenv("COLUMNS", "70")
    assert fit_all_shows_limits(_plan(short, True), PlainConsole())
    assert not fit_all_shows_limits(_plan(short[:0], True), PlainConsole())  # no row: headers only


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        llmsize.cli.main(args)
    out = capsys.readouterr()
    return int(info.value.code or 0), out.out, out.err


ARGS = ["fit", "--all", "--gpu", "RTX-4090"]


@pytest.fixture
def small_catalog(specs: list[ModelSpec], monkeypatch: pytest.MonkeyPatch) -> Path:
    """The CLI's catalog cut to NAMES (each test plans a few models, not the whole catalog); the
    rows folder of this test's private cache (tests/conftest.py)."""
    import os

    monkeypatch.setattr(specs_cache, "catalog_specs", lambda: list(specs))
    return Path(os.environ["LLMSIZE_CACHE_DIR"]) / "fit-all"


def _files(folder: Path) -> dict[Path, dict[str, Any]]:
    return {p: json.loads(p.read_bytes()) for p in folder.glob("*.json")}


def test_a_narrow_table_is_planned_sizes_only_and_prints_the_same_bytes(
        small_catalog: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    sized = _run(ARGS, capsys)
    assert sized[0] == 0 and "(not shown at 80 columns: max context, tokens/s" in sized[1]
    assert [doc["sizes_only"] for doc in _files(small_catalog).values()] == [True]
    assert _run(ARGS, capsys) == sized  # read back
    for path in list(_files(small_catalog)):
        path.unlink()
    as_json = _run([*ARGS, "--format", "json"], capsys)  # full rows planned and kept ...
    assert [doc["sizes_only"] for doc in _files(small_catalog).values()] == [False]
    assert _run(ARGS, capsys) == sized  # ... and the table from them is the same bytes
    assert all(m["fit"]["max_context"] for m in json.loads(as_json[1])["models"] if m["fits"])


def test_a_wide_table_with_only_sizes_kept_is_planned_in_full(
        small_catalog: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    wide = _run(ARGS, capsys)  # the reference: full rows, planned at once (nothing hidden at 200)
    assert "not shown" not in wide[1]
    for path in list(_files(small_catalog)):
        path.unlink()
    monkeypatch.setenv("COLUMNS", "80")
    _run(ARGS, capsys)
    monkeypatch.setenv("COLUMNS", "200")
    assert _run(ARGS, capsys) == wide  # the sizes-only file is not enough here: planned in full
    assert sorted(doc["sizes_only"] for doc in _files(small_catalog).values()) == [False, True]


@pytest.mark.parametrize("spoil", ["garbage", "truncated", "other kind", "old format", "bad row"])
def test_a_spoilt_sizes_only_file_is_ignored_with_the_same_output(
        spoil: str, small_catalog: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    sized = _run(ARGS, capsys)
    (path, doc), = _files(small_catalog).items()
    text = path.read_text()
    if spoil == "garbage":
        path.write_bytes(b"\x80\x04\x95 not json")
    elif spoil == "truncated":
        path.write_text(text[: len(text) // 2])
    elif spoil == "other kind":  # a sizes-only file is never read as full rows, nor the reverse
        path.write_text(json.dumps({**doc, "sizes_only": False}))
    elif spoil == "old format":
        path.write_text(json.dumps({**doc, "format": "fit-all-rows/1"}))
    else:
        doc["models"][0]["options"][0]["row"]["count"] = -1  # FitRow.count must be > 0
        path.write_text(json.dumps(doc))
    assert _run(ARGS, capsys) == sized
    assert json.loads(path.read_bytes())["sizes_only"] is True  # planned again and written whole


def test_a_sizes_only_file_under_the_full_rows_name_is_not_read(
        small_catalog: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    as_json = _run([*ARGS, "--format", "json"], capsys)
    (full_path, _), = _files(small_catalog).items()
    full_path.unlink()
    monkeypatch.setenv("COLUMNS", "80")
    _run(ARGS, capsys)
    (sized_path, _), = _files(small_catalog).items()
    full_path.write_bytes(sized_path.read_bytes())  # rows without limits where full rows belong
    assert _run([*ARGS, "--format", "json"], capsys) == as_json
