"""This machine (detected from recorded tool outputs, never a real device), cost, and bad GPU input."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import llmsize.cli
from llmsize.cli import app
from llmsize.hardware import detect as detect_module

sys.path.insert(0, str(Path(__file__).parents[1] / "unit"))
from test_detect import LINUX_RAM, fake_probe, fixture

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_user_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMSIZE_GPU_DIR", str(tmp_path / "none"))


def _machine(monkeypatch: pytest.MonkeyPatch, tools: dict[str, str | Exception]) -> None:
    """Make detection answer from recorded outputs (the real machine is never probed in tests)."""
    real = detect_module.detect
    monkeypatch.setattr(detect_module, "detect", lambda probe=None: real(fake_probe(tools, LINUX_RAM)))


def test_fit_without_gpu_sizes_against_detected_gpus(monkeypatch: pytest.MonkeyPatch) -> None:
    _machine(monkeypatch, {"nvidia-smi": fixture("nvidia-smi/2x-rtx-4090.csv")})
    result = runner.invoke(app, ["fit", "Qwen2.5-7B-Instruct", "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["gpu"]["id"] == "RTX-4090"
    assert doc["gpu"]["visible_memory_bytes"] == 24564 * 2**20  # what nvidia-smi reported
    assert doc["machine"]["gpus"][0]["source"] == "nvidia-smi"
    assert doc["gpus"][0]["count"] == 2  # both cards
    assert "this machine: 2x NVIDIA GeForce RTX 4090" in result.stderr
    assert "free now" in result.stderr


def test_gpu_local_falls_back_to_ram_with_one_note(monkeypatch: pytest.MonkeyPatch) -> None:
    _machine(monkeypatch, {"nvidia-smi": fixture("nvidia-smi/garbage.txt")})
    result = runner.invoke(app, ["fit", "Qwen2.5-0.5B", "--gpu", "local"])
    assert result.exit_code == 0, result.output
    assert "no GPU detected" in result.stderr
    assert "nvidia-smi: cannot read" in result.stderr
    assert "Traceback" not in result.output
    assert "speed not estimated" in result.stdout
    # no GPU to hold layers: "llama.cpp: all 24 layers fit on the GPU" was printed (issue 15, round 8)
    assert "on the GPU" not in result.stdout


def test_cpu_only_fit_table_speaks_of_ram_not_gpus(monkeypatch: pytest.MonkeyPatch) -> None:
    # `fit Qwen3-8B` on a machine without a GPU: "weights/GPU GiB", a GPUs column of 1s and "15.1 GiB per
    # GPU" read as if a GPU had been found (issue 15, newcomer round 14)
    _machine(monkeypatch, {"nvidia-smi": fixture("nvidia-smi/garbage.txt")})
    result = runner.invoke(app, ["fit", "Qwen2.5-0.5B", "--gpu", "local"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "GPU" not in result.stdout.split("Best that fits")[0].split("\n", 1)[1]
    assert "GiB of RAM" in result.stdout and "per GPU" not in result.stdout


def test_estimate_gpu_local(monkeypatch: pytest.MonkeyPatch) -> None:
    _machine(monkeypatch, {"rocm-smi": fixture("rocm-smi/mi300x.json")})
    result = runner.invoke(app, ["estimate", "Qwen2.5-7B-Instruct", "--gpu", "local", "--format", "json"])
    assert result.exit_code == 0, result.output
    row = json.loads(result.stdout)["gpus"][0]
    assert row["gpu"] == "MI300X" and row["fits"] is True
    assert row["usable_bytes"] == 206141652992  # rocm-smi's VRAM total


def test_models_fits_lists_what_runs_here(monkeypatch: pytest.MonkeyPatch) -> None:
    _machine(monkeypatch, {"nvidia-smi": fixture("nvidia-smi/mixed-5090-3090.csv")})
    result = runner.invoke(app, ["models", "--fits", "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    fitting = [m for m in doc["models"] if m["fits"]]
    assert fitting and len(fitting) < len(doc["models"])  # small models run, a 405B does not
    assert "mixed GPUs" in result.stderr


def test_llama_cpp_offload_says_whether_host_ram_suffices(monkeypatch: pytest.MonkeyPatch) -> None:
    _machine(monkeypatch, {"nvidia-smi": fixture("nvidia-smi/2x-rtx-4090.csv").splitlines()[0] + "\n"})
    result = runner.invoke(
        app,
        ["fit", "Llama-3.1-70B", "--engine", "llama.cpp", "--quant", "Q4_K_M", "--gpu-layers", "40"],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "Host RAM: " in result.stdout and "stay in CPU RAM" in result.stdout
    assert "this machine has 125.0 GiB" in result.stdout


def test_compare_cost_and_sort(monkeypatch: pytest.MonkeyPatch) -> None:
    result = runner.invoke(app, ["compare", "Qwen2.5-7B-Instruct", "--gpus", "L40S,H100,RTX-4090",
                                 "--sort", "cost", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rows"]
    # Only the H100 has a catalog price (a dated market median); it sorts first, the others unpriced.
    assert rows[0]["gpu"] == "H100-SXM-80GB"
    assert rows[0]["usd_per_hour"] == pytest.approx(2.95 * rows[0]["count"])
    assert "2026-05-20" in rows[0]["price_source"]
    tokens_per_hour = (rows[0]["aggregate_tokens_per_s"] or rows[0]["decode_tokens_per_s"]) * 3600
    per_mtok = rows[0]["usd_per_hour"] / tokens_per_hour * 1e6
    assert rows[0]["usd_per_million_output_tokens"] == pytest.approx(per_mtok)
    assert all(r["usd_per_hour"] is None for r in rows[1:])
    # A price given on the command line applies to every GPU and ranks them by $ per token.
    result = runner.invoke(app, ["compare", "Qwen2.5-7B-Instruct", "--gpus", "L40S,RTX-4090,H100,TPU-v6e",
                                 "--price-per-hour", "2", "--sort", "cost", "--format", "json"])
    rows = json.loads(result.stdout)["rows"]
    costs = [r["usd_per_million_output_tokens"] for r in rows]
    assert costs == sorted(costs)
    assert {r["price_source"] for r in rows} == {"--price-per-hour (given)"}
    # At one price per hour, the fastest GPU is the cheapest per token.
    speeds = [r["aggregate_tokens_per_s"] or r["decode_tokens_per_s"] for r in rows]
    assert speeds == sorted(speeds, reverse=True)


def test_unknown_gpu_suggests_close_ids(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        llmsize.cli.main(["fit", "Qwen2.5-0.5B", "--gpu", "rtx-5070-tie"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "RTX-5070-Ti" in err
    assert "Traceback" not in err


def test_malformed_gpu_file_names_file_entry_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "lab.yaml"
    path.write_text(
        "gpus:\n  - id: Lab-Card\n    memory: 48GiB\n    bandwidth_gb_s: fast\n    tflops: {fp32: 10}\n"
    )
    with pytest.raises(SystemExit) as info:
        llmsize.cli.main(["fit", "Qwen2.5-0.5B", "--gpu", "Lab-Card", "--gpu-file", str(path)])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert str(path) in err and "Lab-Card" in err and "bandwidth_gb_s" in err


def test_fits_but_not_free_now_warns(monkeypatch: pytest.MonkeyPatch) -> None:
    # The RTX 3090 of club-3090#741 had 1,224 MiB free while 23,352 MiB were in use.
    _machine(monkeypatch, {"nvidia-smi": fixture("nvidia-smi/mixed-5090-3090.csv").splitlines()[1] + "\n"})
    result = runner.invoke(app, ["fit", "Qwen2.5-7B-Instruct"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "free now on the busiest" in result.stdout


def test_compare_this_machine_with_a_catalog_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    _machine(monkeypatch, {"nvidia-smi": fixture("nvidia-smi/2x-rtx-4090.csv")})
    args = ["compare", "Qwen2.5-7B-Instruct", "--gpus", "local,H100", "--format", "json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert [r["gpu"] for r in json.loads(result.stdout)["rows"]] == ["RTX-4090", "H100-SXM-80GB"]


def test_gpus_local_shows_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    _machine(monkeypatch, {"nvidia-smi": fixture("nvidia-smi/gb10.csv")})
    result = runner.invoke(app, ["gpus", "--local", "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert (doc["plan_gpu"], doc["plan_count"]) == ("DGX-Spark", 1)
    assert doc["gpus"][0]["unified"] is True
    assert doc["plan_memory_bytes"] == 131072000 * 1024  # the RAM the kernel reports
    human = runner.invoke(app, ["gpus", "--local"])
    assert "plans as: 1x DGX-Spark" in human.stdout
