"""`--scheduler-recv-interval`: SGLang's poll interval for new requests, which sets how a --concurrency run's
arriving prompts are batched (estimate/engines/sglang_arrivals.py); refused for the other engines."""

from __future__ import annotations

import json

import pytest
from test_hostile_inputs import run_cli

SWEEP = ["fit", "Qwen3-8B", "--gpu", "H100-SXM-80GB", "--context", "1280", "--prompt-tokens", "1024",
         "--concurrency", "1,64", "--format", "json"]


def _levels(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[dict[str, object], dict[int, dict]]:
    code, out, err = run_cli(argv, capsys)
    assert code == 0, err
    doc = json.JSONDecoder().raw_decode(out)[0]
    return doc, {row["concurrency"]: row for row in doc["concurrency"]}


def test_interval_is_taken_and_batches_the_arrivals(capsys: pytest.CaptureFixture[str]) -> None:
    doc, polled = _levels([*SWEEP, "--engine", "sglang", "--scheduler-recv-interval", "30"], capsys)
    _, every = _levels([*SWEEP, "--engine", "sglang"], capsys)
    assert doc["workload"]["scheduler_recv_interval"] == 30  # type: ignore[index]
    # one request in flight: nothing arrives while it decodes
    assert polled[1]["serving_tpot_s"] == pytest.approx(every[1]["serving_tpot_s"])
    # 64 in flight, 256 output tokens: a poll every step admits ~1.1 prompts a batch, every 30 steps ~7.8,
    # which read the weights once for all of them, so a request's decode waits less
    assert polled[64]["serving_tpot_s"] < every[64]["serving_tpot_s"]
    # ... while its own prompt joins a larger batch (SGLang's help: a longer interval may raise the TTFT)
    out = "serving_output_tokens_per_s"
    assert polled[64][out] != pytest.approx(every[64][out])


def test_help_documents_it(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["fit", "--help"], capsys)
    assert code == 0 and "--scheduler-recv-interval" in out


@pytest.mark.parametrize("engine", ["vllm", "llama.cpp", "transformers"])
def test_refused_for_other_engines(engine: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli([*SWEEP, "--engine", engine, "--scheduler-recv-interval", "30"], capsys)
    assert code == 2
    assert "--scheduler-recv-interval applies to SGLang" in err and "Traceback" not in err
    assert len([line for line in err.splitlines() if line.startswith("Error")]) == 1


def test_zero_is_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli([*SWEEP, "--engine", "sglang", "--scheduler-recv-interval", "0"], capsys)
    assert code == 2 and "Traceback" not in err
    assert "'--scheduler-recv-interval'" in err and "greater than or equal to 1" in err


def test_check_reads_it_from_an_sglang_command(capsys: pytest.CaptureFixture[str]) -> None:
    command = ["python", "-m", "sglang.launch_server", "--model-path", "Qwen/Qwen3-8B",
               "--scheduler-recv-interval", "10"]
    code, out, err = run_cli(["check", "--format", "json", "--gpu", "H100-SXM-80GB", "--", *command], capsys)
    assert code == 0, err
    assert json.loads(out)["workload"]["scheduler_recv_interval"] == 10


def test_plan_emits_it_in_the_sglang_command(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["plan", "Qwen3-8B", "--gpu", "H100-SXM-80GB", "--engine", "sglang"]
    code, out, err = run_cli([*argv, "--scheduler-recv-interval", "30"], capsys)
    assert code == 0, err
    assert "--scheduler-recv-interval 30" in out
    code, out, err = run_cli(argv, capsys)  # SGLang's default (1) is left out
    assert code == 0 and "--scheduler-recv-interval" not in out
