"""`llmsize measure`: the JSON contract, the YAML report, refusals, and errors -> exit codes.

Runs Qwen2.5-0.5B (bundled catalog config) with 2 of its 24 layers, so each call takes seconds.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

import llmsize.cli
from llmsize.cli import app
from llmsize.report.load import MEASURED_KEYS, load_report

runner = CliRunner()
SMALL = ["Qwen2.5-0.5B", "--layers", "2", "--context", "256"]


def _exit(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        llmsize.cli.main(argv)
    captured = capsys.readouterr()
    return int(info.value.code or 0), captured.out, captured.err


@pytest.mark.trace
def test_json_has_the_design_contract_keys() -> None:
    result = runner.invoke(app, ["measure", *SMALL, "--prompt-tokens", "128", "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)  # nothing but the document on stdout: no progress bar
    assert {"estimate", "measured", "device", "environment"} <= doc.keys()
    assert doc["device"] == "trace"
    assert set(doc["measured"]) == set(MEASURED_KEYS)
    assert doc["estimate"]["memory"]["total"] == sum(
        v for k, v in doc["estimate"]["memory"].items() if k != "total"
    )
    assert doc["estimate"]["workload"]["context"] == 256
    assert doc["measurement"]["num_layers"] == 2 and doc["measurement"]["layers_of"] == 24
    assert doc["environment"]["torch"]
    peak = doc["comparison"]["peak"]
    assert peak["measured"] == doc["measured"]["peak"] > 0
    # The estimate predicts this 2-layer model's peak closely (docs/validation.md has the full matrix).
    assert abs(peak["error"]) < 0.05


@pytest.mark.trace
def test_output_writes_a_yaml_report_and_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "measured.yaml"
    result = runner.invoke(app, ["measure", *SMALL, "--output", str(target)])
    assert result.exit_code == 0, result.output
    doc = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert doc["kind"] == "measurement"
    for key in ("workload", "estimate", "measured", "environment", "comparison"):
        assert key in doc
    loaded = load_report(target)
    assert loaded.measurement is not None and loaded.measurement.device == "trace"
    again = runner.invoke(app, ["measure", *SMALL, "--output", str(target)])
    assert again.exit_code != 0
    assert "already exists" in str(again.exception) or "already exists" in again.output
    forced = runner.invoke(app, ["measure", *SMALL, "--output", str(target), "--force"])
    assert forced.exit_code == 0, forced.output


@pytest.mark.trace
def test_cpu_really_runs_and_shows_speed() -> None:
    result = runner.invoke(
        app, ["measure", *SMALL, "--prompt-tokens", "192", "--device", "cpu"], env={"COLUMNS": "160"}
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "measured on cpu" in out
    for words in ("weights", "KV cache", "peak, live tensors", "time to first token", "resident set"):
        assert words in out


def test_missing_torch_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)
    code, out, err = _exit(["measure", "Qwen2.5-0.5B"], capsys)
    assert code == 2
    assert 'pip install "llmsize[measure]"' in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert out == ""


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["measure", "Qwen2.5-7B-Instruct-GPTQ-Int4"], "--quant none"),
        (["measure", *SMALL, "--format", "csv"], "human, json or yaml"),
        (["measure", "Qwen2.5-0.5B", "--layers", "99"], "exceeds the model's 24 layers"),
        (["measure", *SMALL, "--device", "cuda"], "no CUDA device"),
        (["measure", *SMALL, "--mode", "full", "--master-weights"], "--no-master-weights"),
        (["measure", *SMALL, "--output", "x.txt"], ".yaml"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    argv: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = _exit(argv, capsys)
    assert code == 2
    assert words in err
    assert len(err.strip().splitlines()) == 1


def test_too_big_for_this_machine_is_refused_before_allocating(capsys: pytest.CaptureFixture[str]) -> None:
    # DeepSeek-V3's 671B parameters need over 1.2 TiB in bf16; the estimate refuses it in seconds.
    code, out, err = _exit(
        ["measure", "DeepSeek-V3", "--quant", "none", "--device", "cpu", "--context", "1k"], capsys
    )
    assert code == 3
    assert "nothing was allocated" in err and "--device trace" in err
    assert out == ""


def test_cuda_oom_is_a_reported_result(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An out-of-memory prints the comparison, writes the report, says estimate vs device, exits 3."""
    from llmsize.measure import cuda_probe, harness
    from llmsize.measure.environment import collect
    from llmsize.measure.models import CudaStats, Measurement, Outcome
    from llmsize.units import GIB

    message = cuda_probe.oom_message(90 * GIB, 80 * GIB, 79 * GIB, 78 * GIB)

    def fake_measure(*_a: Any, **_k: Any) -> Measurement:  # what harness returns after a CUDA OOM
        return Measurement(
            device="cuda",
            weights_bytes=0,
            kv_cache_bytes=0,
            activations_bytes=0,
            gradients_bytes=0,
            optimizer_bytes=0,
            adapters_bytes=0,
            overhead_bytes=0,
            peak_bytes=78 * GIB,
            peak_phase="run",
            not_measured=(
                "weights",
                "kv_cache",
                "activations",
                "gradients",
                "optimizer",
                "adapters",
                "overhead",
            ),
            num_layers=0,
            outcome=Outcome(status="oom", message=message),
            cuda=CudaStats(
                max_allocated_bytes=78 * GIB,
                max_reserved_bytes=79 * GIB,
                device_total_bytes=80 * GIB,
                device_free_bytes_at_start=79 * GIB,
            ),
            environment=collect("cuda", device_name="test GPU"),
        )

    monkeypatch.setattr(harness, "measure", fake_measure)
    target = tmp_path / "oom.yaml"
    code, out, err = _exit(["measure", *SMALL, "--device", "cuda", "-o", str(target)], capsys)
    assert code == 3
    assert "estimate said 90.00 GiB" in err and "device has 80.00 GiB" in err
    assert "not measured" in out
    doc = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert doc["measurement"]["outcome"]["status"] == "oom"
    assert doc["comparison"]["peak"]["error"] is None
