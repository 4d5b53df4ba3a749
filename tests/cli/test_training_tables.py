"""Training tables say nothing about speed: no decode, no first token (issue 15, round 8).

`fit --all --mode qlora` printed a "tokens/s" column of "-" under "Speeds are rough estimates ...";
`compare --mode lora` a "decode tok/s", "TTFT s" and "$/M out tok" column of "-"; `estimate --mode lora
--gpu X` the same two columns. llmsize models no training throughput, so those columns are left out.
"""

from __future__ import annotations

import pytest

from cli_rows import wide_output as _run
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import load_catalog
from llmsize.hardware.local_gpu import _memory_only_spec

SPEED_WORDS = ("tokens/s", "tok/s", "TTFT", "Speeds are", "$/M out")


@pytest.mark.parametrize("argv", [
    ["compare", "Qwen2.5-0.5B", "--mode", "lora", "--gpus", "RTX-4090,H100"],
    ["estimate", "Qwen2.5-0.5B", "--mode", "full", "--gpu", "RTX-4090,H100"],
    ["fit", "Qwen2.5-0.5B", "--mode", "qlora", "--gpu", "RTX-4090"],
])
def test_training_tables_leave_speed_out(argv: list[str], capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    out = _run(argv, capsys, monkeypatch)
    assert "headroom GiB" in out  # the table is there
    assert not [w for w in SPEED_WORDS if w in out], out


@pytest.mark.parametrize("argv", [
    ["compare", "Qwen2.5-0.5B", "--gpus", "RTX-4090,H100"],
    ["estimate", "Qwen2.5-0.5B", "--gpu", "RTX-4090,H100"],
])
def test_inference_tables_keep_speed(argv: list[str], capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    out = _run(argv, capsys, monkeypatch)
    assert "tok" in out and "Speeds are" in out


def test_estimate_without_a_gpu_names_the_next_step(capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # "what GPU do I need to serve Llama-3.3-70B at 32k with vLLM": the estimate alone named no way to ask
    out = _run(["estimate", "Qwen2.5-0.5B", "--engine", "vllm", "--context", "32k"], capsys, monkeypatch)
    assert "Which GPUs it fits: add --gpu NAME" in out and "llmsize compare" in out
    out = _run(["estimate", "Qwen2.5-0.5B", "--gpu", "L4"], capsys, monkeypatch)
    assert "Which GPUs it fits" not in out  # the fit table answers it


def _fit_all_table(mode: str, gpu: object, capsys: pytest.CaptureFixture[str],
                   monkeypatch: pytest.MonkeyPatch) -> str:
    """`fit --all`'s table over two small catalog models (the whole catalog takes seconds)."""
    from llmsize.hardware.efficiency import Efficiency
    from llmsize.hardware.model_fit import fit_model
    from llmsize.report.render_plan import render_fit_all
    from llmsize.specs.resolve import resolve

    monkeypatch.setenv("COLUMNS", "200")
    wl = Workload(mode=mode, context=1024, engine="llama.cpp" if mode == "inference" else "transformers")
    fits = [fit_model(resolve(m), wl, gpu, 1) for m in ("Qwen2.5-0.5B", "SmolLM2-135M")]  # type: ignore[arg-type]
    render_fit_all(fits, gpu, wl, Efficiency())  # type: ignore[arg-type]
    return capsys.readouterr().out


def test_fit_all_training_leaves_speed_out(capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    out = _fit_all_table("qlora", load_catalog().get("RTX-4090"), capsys, monkeypatch)
    assert "2 of 2 catalog models" in out and "headroom GiB" in out
    assert not [w for w in SPEED_WORDS if w in out], out
    out = _fit_all_table("inference", load_catalog().get("RTX-4090"), capsys, monkeypatch)
    assert "tokens/s" in out and "Speeds are" in out


def test_fit_all_on_a_device_of_unknown_speed_leaves_speed_out(capsys: pytest.CaptureFixture[str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # `models --fits` on a CPU-only machine: "speed not estimated" in the title, then a tokens/s column of "-"
    cpu = _memory_only_spec("local-cpu", "CPU (system RAM)", "other", 16 * 2**30, False)
    out = _fit_all_table("inference", cpu, capsys, monkeypatch)
    assert "speed not estimated" in out and "headroom GiB" in out
    assert not [w for w in SPEED_WORDS if w in out], out


def test_estimate_says_why_the_vllm_row_is_not_the_total(capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # "Total: 17.46 GiB" above a vLLM row of 16.3 GiB: the row is vLLM's budget accounting
    # (gpu_worker.py determine_available_memory, within --gpu-memory-utilization), the total the whole card's
    out = _run(["estimate", "Qwen2.5-0.5B", "--gpu", "RTX-4090", "--engine", "vllm"], capsys, monkeypatch)
    assert "per GPU GiB is what vllm counts against its budget" in out
    out = _run(["estimate", "Qwen2.5-0.5B", "--gpu", "RTX-4090"], capsys, monkeypatch)
    assert "counts against its budget" not in out  # transformers: the row is the total
