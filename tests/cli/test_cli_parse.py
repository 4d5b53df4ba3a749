"""`llmsize parse NAME`: JSON contract keys, YAML/CSV/human output, and bad input -> exit 2."""

from __future__ import annotations

import csv
import io
import json

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

import llmsize.cli
from llmsize.cli import app

runner = CliRunner()

# DESIGN.md: the keys `llmsize parse NAME --format json` promises.
CONTRACT_KEYS = {"org", "series", "version", "params", "active_params", "experts", "training_type",
                 "quant_method", "bits", "gguf_type", "context", "extra"}


def test_json_has_the_contract_keys_and_values() -> None:
    result = runner.invoke(app, ["parse", "Qwen2.5-7B-Instruct-GPTQ-Int4", "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc.keys() >= CONTRACT_KEYS
    assert doc["series"] == "qwen"
    assert doc["version"] == "2.5"
    assert doc["params"] == 7_000_000_000
    assert doc["active_params"] is None
    assert doc["training_type"] == "instruct"
    assert doc["quant_method"] == "gptq"
    assert doc["bits"] == 4
    assert doc["extra"] == []


def test_json_moe_and_ollama() -> None:
    doc = json.loads(runner.invoke(app, ["parse", "Qwen3-30B-A3B", "-f", "json"]).stdout)
    assert (doc["params"], doc["active_params"]) == (30_000_000_000, 3_000_000_000)
    doc = json.loads(runner.invoke(app, ["parse", "qwen2.5:7b-instruct-q4_K_M", "-f", "json"]).stdout)
    assert (doc["series"], doc["gguf_type"], doc["quant_method"]) == ("qwen", "Q4_K_M", "gguf")


def test_unknown_parts_show_in_extra() -> None:
    doc = json.loads(runner.invoke(app, ["parse", "Foo-7B-Wibble", "--format", "json"]).stdout)
    assert doc["extra"] == ["Wibble"]
    assert doc["params"] == 7_000_000_000


def test_yaml_is_the_same_document_as_json() -> None:
    name = "meta-llama/Llama-3.2-3B"
    as_json = json.loads(runner.invoke(app, ["parse", name, "--format", "json"]).stdout)
    result = runner.invoke(app, ["parse", name, "--format", "yaml"])
    assert result.exit_code == 0
    assert yaml.safe_load(result.stdout) == as_json


def test_csv_has_one_header_and_one_row() -> None:
    result = runner.invoke(app, ["parse", "Mixtral-8x7B-Instruct-v0.1", "--format", "csv"])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 1
    assert rows[0]["series"] == "mixtral"
    assert rows[0]["experts"] == "8"
    assert rows[0]["size_label"] == "8x7B"


def test_human_table_shows_the_parts() -> None:
    result = runner.invoke(app, ["parse", "Phi-3-mini-4k-instruct"])
    assert result.exit_code == 0
    out = result.stdout
    assert "Phi-3-mini-4k-instruct" in out
    assert "phi" in out
    assert "mini" in out
    assert "4,096 tokens" in out
    assert "instruct" in out


@given(st.text(min_size=1).filter(lambda t: bool(t.strip()) and not t.startswith("-")))
def test_human_output_never_fails_on_any_name(name: str) -> None:
    result = runner.invoke(app, ["parse", name])
    assert result.exit_code == 0, result.output


def test_rich_markup_in_a_name_prints_as_written() -> None:
    result = runner.invoke(app, ["parse", "foo-[/x]-[bold]7b"])
    assert result.exit_code == 0, result.output
    assert "[/x]" in result.stdout
    assert "[bold]7b" in result.stdout


def test_help_lists_examples() -> None:
    result = runner.invoke(app, ["parse", "--help"])
    assert result.exit_code == 0
    assert "Examples" in result.stdout


@pytest.mark.parametrize("blank", ["", "   "])
def test_empty_name_exits_2_with_one_line(blank: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        llmsize.cli.main(["parse", blank])
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert "empty model name" in lines[0]
    assert "Traceback" not in captured.err
    assert captured.out == ""


def test_bad_format_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        llmsize.cli.main(["parse", "Qwen2.5-7B", "--format", "xml"])
    assert exit_info.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_main_succeeds_with_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        llmsize.cli.main(["parse", "deepseek-r1:14b", "--format", "json"])
    assert exit_info.value.code == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["series"], doc["version"], doc["params"]) == ("deepseek", "r1", 14_000_000_000)
