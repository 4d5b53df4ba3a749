"""`llmsize gpus`: filters, the JSON contract keys, user catalogs and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import llmsize.cli
from llmsize.cli import app

runner = CliRunner()
# DESIGN.md: every object of `llmsize gpus --format json` has at least these keys.
CONTRACT_KEYS = {"id", "name", "vendor", "memory_bytes", "bandwidth_bytes_per_s", "bf16_flops", "fp8_flops"}


@pytest.fixture(autouse=True)
def _no_user_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMSIZE_GPU_DIR", str(tmp_path / "none"))


def _json(*args: str) -> list[dict[str, object]]:
    result = runner.invoke(app, ["gpus", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert isinstance(doc, list)
    return doc


def test_json_lists_the_catalog_with_contract_keys() -> None:
    doc = _json()
    assert len(doc) >= 40
    for entry in doc:
        assert entry.keys() >= CONTRACT_KEYS
        assert isinstance(entry["memory_bytes"], int)
    h100 = next(e for e in doc if e["id"] == "H100-SXM-80GB")
    assert h100["bf16_flops"] == pytest.approx(989.5e12)
    a100 = next(e for e in doc if e["id"] == "A100-SXM-80GB")
    assert a100["fp8_flops"] is None


def test_filters_combine() -> None:
    doc = _json("--min-memory", "24GiB", "--vendor", "nvidia", "--fp8")
    ids = {e["id"] for e in doc}
    assert "RTX-4090" in ids and "H100-SXM-80GB" in ids
    assert "A100-SXM-80GB" not in ids  # no FP8
    assert "RTX-4080" not in ids  # 16 GB
    assert all(e["vendor"] == "nvidia" for e in doc)


def test_yaml_is_the_same_document() -> None:
    result = runner.invoke(app, ["gpus", "--vendor", "amd", "--format", "yaml"])
    assert result.exit_code == 0
    assert yaml.safe_load(result.stdout) == _json("--vendor", "amd")


def test_human_table_names_units() -> None:
    result = runner.invoke(app, ["gpus", "--vendor", "apple"], env={"COLUMNS": "120"})
    assert result.exit_code == 0
    assert "M2-Ultra-192GB" in result.stdout
    assert "GiB" in result.stdout and "dense" in result.stdout


def test_user_gpu_file(tmp_path: Path) -> None:
    path = tmp_path / "lab.yaml"
    path.write_text("gpus:\n  - id: Lab-Card\n    memory: 48GiB\n    bandwidth_gb_s: 900\n"
                    "    tflops: {fp32: 50}\n")
    doc = _json("--gpu-file", str(path))
    assert any(e["id"] == "Lab-Card" and e["memory_bytes"] == 48 * 2**30 for e in doc)


def test_malformed_user_file_exits_2_naming_file_and_field(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "lab.yaml"
    path.write_text("gpus:\n  - id: Lab-Card\n    memory: 48GiB\n    bandwidth_gb_s: -1\n"
                    "    tflops: {fp32: 50}\n")
    with pytest.raises(SystemExit) as info:
        llmsize.cli.main(["gpus", "--gpu-file", str(path)])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "lab.yaml" in err and "bandwidth_gb_s" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("args", [["--min-memory", "lots"], ["--vendor", "voodoo"]])
def test_bad_filters_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        llmsize.cli.main(["gpus", *args])
    assert info.value.code == 2
    assert capsys.readouterr().err.startswith("Error:")
