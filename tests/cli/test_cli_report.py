"""`llmsize report show|diff`: saved reports render as they were made; bad files exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import llmsize.cli
from llmsize.cli import app

runner = CliRunner()
WIDE = {"COLUMNS": "200"}


def _estimate(tmp_path: Path, name: str, *args: str) -> Path:
    target = tmp_path / name
    result = runner.invoke(app, ["estimate", "Qwen2.5-7B", *args, "--output", str(target)])
    assert result.exit_code == 0, result.output
    return target


def test_show_renders_the_same_table_as_the_estimate(tmp_path: Path) -> None:
    saved = _estimate(tmp_path, "a.yaml", "--context", "32k")
    original = runner.invoke(app, ["estimate", "Qwen2.5-7B", "--context", "32k"], env=WIDE)
    shown = runner.invoke(app, ["report", "show", str(saved)], env=WIDE)
    assert shown.exit_code == 0, shown.output
    assert shown.stdout == original.stdout


def test_show_json_is_the_saved_document(tmp_path: Path) -> None:
    saved = _estimate(tmp_path, "a.json", "--mode", "lora", "--context", "2k")
    shown = runner.invoke(app, ["report", "show", str(saved), "--format", "json"])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout) == json.loads(saved.read_text(encoding="utf-8"))


def test_diff_shows_workload_components_and_total(tmp_path: Path) -> None:
    a = _estimate(tmp_path, "a.yaml", "--context", "4k")
    b = _estimate(tmp_path, "b.yaml", "--context", "32k")
    result = runner.invoke(app, ["report", "diff", str(a), str(b)], env=WIDE)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "context" in out and "4,096" in out and "32,768" in out
    for label in ("KV cache", "activations", "total"):
        assert label in out
    doc = json.loads(runner.invoke(app, ["report", "diff", str(a), str(b), "--format", "json"]).stdout)
    assert doc["identical"] is False
    assert doc["workload"] == [{"field": "context", "a": 4096, "b": 32768}]
    kv = next(m for m in doc["memory"] if m["name"] == "kv_cache")
    assert kv["b"] == 8 * kv["a"]  # the KV cache is linear in context
    assert next(m for m in doc["memory"] if m["name"] == "weights")["delta"] == 0


def test_diff_of_a_report_with_itself_is_identical(tmp_path: Path) -> None:
    a = _estimate(tmp_path, "a.yaml")
    result = runner.invoke(app, ["report", "diff", str(a), str(a)])
    assert result.exit_code == 0
    assert "identical" in result.stdout


@pytest.mark.trace
def test_show_a_measurement(tmp_path: Path) -> None:
    target = tmp_path / "m.yaml"
    made = runner.invoke(
        app, ["measure", "Qwen2.5-0.5B", "--layers", "2", "--context", "256", "-o", str(target),
              "--format", "human"], env=WIDE  # the table as well as the file (cli/written.py)
    )
    assert made.exit_code == 0, made.output
    shown = runner.invoke(app, ["report", "show", str(target)], env=WIDE)
    assert shown.exit_code == 0, shown.output
    assert shown.stdout == made.stdout


def _bad(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["show", "diff"])
def test_bad_files_exit_2_with_one_line(
    tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    good = _estimate(tmp_path, "good.yaml")
    data = yaml.safe_load(good.read_text(encoding="utf-8"))
    wrong_version = _bad(tmp_path, "v.yaml", yaml.safe_dump({**data, "schema_version": 7}))
    missing = _bad(tmp_path, "m.yaml", yaml.safe_dump({k: v for k, v in data.items() if k != "model"}))
    cases = [
        (_bad(tmp_path, "x.yaml", "memory: [oops\n"), "not valid YAML"),
        (wrong_version, "schema_version 7"),
        (missing, "missing key model"),
        (tmp_path / "absent.yaml", "does not exist"),
    ]
    for path, words in cases:
        argv = ["report", command, str(path)] + ([str(good)] if command == "diff" else [])
        with pytest.raises(SystemExit) as info:
            llmsize.cli.main(argv)
        err = capsys.readouterr().err
        assert info.value.code == 2, err
        assert words in err
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
