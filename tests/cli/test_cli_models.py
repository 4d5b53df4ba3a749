"""`llmsize models`: filters, JSON/YAML rows with exact counts, the table, and bad input."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from llmsize.cli import app

runner = CliRunner()
ROW_KEYS = {"name", "family", "params", "active_params", "moe", "layers", "context", "source"}


def _json(*args: str) -> list[dict[str, Any]]:
    result = runner.invoke(app, ["models", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert isinstance(doc, list)
    return doc


def test_json_lists_every_entry_with_exact_counts() -> None:
    doc = _json()
    names = {row["name"] for row in doc}
    assert {"Qwen2.5-7B", "Qwen3-30B-A3B", "Llama-3.1-8B", "CodeLlama-7B"} <= names
    for row in doc:
        assert row.keys() >= ROW_KEYS
        assert isinstance(row["params"], int) and row["params"] > 0
        assert row["source"].startswith("https://")
    qwen = next(r for r in doc if r["name"] == "Qwen2.5-7B")
    assert (qwen["params"], qwen["active_params"], qwen["layers"], qwen["moe"]) == (
        7_615_616_512,
        7_615_616_512,
        28,
        False,
    )


def test_family_filter() -> None:
    doc = _json("--family", "QWEN3")
    assert doc and {row["family"] for row in doc} == {"qwen3"}


def test_search_matches_names_aliases_and_repos() -> None:
    assert {row["name"] for row in _json("--search", "instruct-1m")} == {"Qwen2.5-7B-Instruct-1M"}
    assert "Llama-3.1-8B" in {row["name"] for row in _json("--search", "meta-llama-3.1-8b-instruct")}
    assert _json("--search", "no-such-model-anywhere") == []


def test_param_range_and_moe_filters() -> None:
    doc = _json("--min-params", "7B", "--max-params", "8.1B")
    assert doc and all(7e9 <= row["params"] <= 8.1e9 for row in doc)
    assert "Qwen2.5-7B" in {row["name"] for row in doc}
    moe = _json("--moe")
    assert moe and all(row["moe"] and row["active_params"] < row["params"] for row in moe)
    assert "Qwen3-30B-A3B" in {row["name"] for row in moe}
    dense = _json("--dense", "--family", "qwen3")
    assert dense and not any(row["moe"] for row in dense)
    assert len(dense) + len(_json("--moe", "--family", "qwen3")) == len(_json("--family", "qwen3"))


def test_yaml_is_the_same_document() -> None:
    result = runner.invoke(app, ["models", "--family", "llama", "--format", "yaml"])
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(result.stdout) == _json("--family", "llama")


def test_human_table_names_the_models() -> None:
    result = runner.invoke(app, ["models", "--search", "Qwen2.5-72B"], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert "Qwen2.5-72B" in result.stdout and "72.71B" in result.stdout


def test_no_match_says_so() -> None:
    result = runner.invoke(app, ["models", "--min-params", "10T"])
    assert result.exit_code == 0
    assert "No bundled model matches" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--family", "nope"], "no bundled family 'nope'"),
        (["--min-params", "lots"], "--min-params"),
        (["--min-params", "70B", "--max-params", "7B"], "larger than"),
    ],
)
def test_bad_input_exits_2_with_one_line(args: list[str], message: str) -> None:
    from llmsize.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["models", *args])
    assert exit_info.value.code == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--family", "nope"], "no bundled family 'nope'"),
        (["--min-params", "lots"], "cannot read 'lots'"),
        (["--min-params", "70B", "--max-params", "7B"], "larger than"),
    ],
)
def test_bad_input_message(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    from llmsize.cli import main

    with pytest.raises(SystemExit):
        main(["models", *args])
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and err.count("\n") == 1
