"""`--dp` / `--ep` on the command line: vLLM's --data-parallel-size / --enable-expert-parallel
(estimate/engines/vllm_expert_parallel.py). The layout uses tp x pp x dp GPUs; plan emits the flags, check
reads them; engines that have no such setting refuse it with exit 2."""

from __future__ import annotations

import pytest
from test_hostile_inputs import json_doc, run_cli

QWEN_EXPERTS_BYTES = 48 * 128 * 3 * 2048 * 768 * 2  # Qwen3-30B-A3B config.json: every routed expert, bf16


def test_fit_rows_count_tp_x_dp_gpus(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["estimate", "Qwen3-30B-A3B", "--engine", "vllm", "--context", "4096", "--gpu", "H100"]
    tp4 = json_doc([*argv, "--tp", "4"], capsys)
    doc = json_doc([*argv, "--tp", "4", "--dp", "2", "--ep"], capsys)
    (row,) = doc["gpus"]  # type: ignore[misc]
    assert row["count"] == 8 and row["fits"] is True
    workload = doc["workload"]
    assert workload["data_parallel"] == 2 and workload["expert_parallel"] is True  # type: ignore[index]
    assert workload["num_gpus"] == 8 and workload["tp"] == 4  # type: ignore[index]
    moved = tp4["memory"]["weights"] - doc["memory"]["weights"]  # type: ignore[index,operator]
    assert moved == pytest.approx(QWEN_EXPERTS_BYTES // 8, rel=0.002)  # 32 -> 16 experts a GPU


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--engine", "sglang", "--dp", "2"], "--dp applies to vLLM"),
        (["--engine", "llama.cpp", "--ep"], "--ep applies to vLLM"),
        (["--engine", "vllm", "--tp", "4", "--dp", "2", "--num-gpus", "4"], "tp x pp x dp"),
        (["--engine", "vllm", "--dp", "5"], "do not divide moe_intermediate_size"),
    ],
)
def test_impossible_settings_exit_2(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(["estimate", "Qwen3-30B-A3B", *argv], capsys)
    assert code == 2
    assert says in err and "Traceback" not in err


def test_plan_emits_the_flags(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(
        ["plan", "Qwen3-30B-A3B", "--gpu", "H100", "--engine", "vllm", "--dp", "2", "--ep"], capsys
    )
    assert code == 0, err
    assert "--data-parallel-size 2 --enable-expert-parallel" in out


def test_check_reads_the_flags(capsys: pytest.CaptureFixture[str]) -> None:
    command = ["vllm", "serve", "Qwen/Qwen3-30B-A3B", "--tensor-parallel-size", "2", "--data-parallel-size",
               "2", "--enable-expert-parallel", "--max-model-len", "8192"]
    code, out, err = run_cli(["check", "--gpu", "H100", "--format", "json", "--", *command], capsys)
    assert code == 0, err
    assert '"data_parallel": 2' in out and '"expert_parallel": true' in out
    assert '"num_gpus": 4' in out


def test_check_refuses_an_sglang_ep_size_that_does_not_divide_tp(
    capsys: pytest.CaptureFixture[str]
) -> None:
    command = ["python", "-m", "sglang.launch_server", "--model-path", "Qwen/Qwen3-30B-A3B", "--tp", "4",
               "--ep-size", "3"]
    code, _, err = run_cli(["check", "--gpu", "H100", "--", *command], capsys)
    assert code == 2
    assert "--ep-size to divide --tp-size" in err


def test_check_refuses_zero_data_parallel_engine_cores(capsys: pytest.CaptureFixture[str]) -> None:
    command = ["vllm", "serve", "Qwen/Qwen3-30B-A3B", "-dp", "0"]
    code, _, err = run_cli(["check", "--gpu", "H100", "--", *command], capsys)
    assert code == 2
    assert "vLLM needs 1 or more" in err
