"""`fit` / `estimate --engine vllm` refuse a start whose CUDA graphs do not fit outside the budget.

vLLM 0.19 captures its graphs after the KV pool has taken the whole --gpu-memory-utilization share
(vllm/v1/worker/gpu_worker.py compile_or_warm_up_model; estimate/engines/vllm_post_kv.py), so at 0.99
on an 80 GB card the ~0.8 GiB outside, less the CUDA context, is what the graphs get.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from llmsize.cli import main

BASE = ["gpt-oss-20b", "--engine", "vllm", "--gpu", "H100-SXM-80GB"]


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as ex:
        main(args)
    out = capsys.readouterr()
    return int(ex.value.code or 0), out.out, out.err


def _gpu(args: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code, out, err = _run(["estimate", *BASE, *args, "--format", "json"], capsys)
    assert code == 0, err
    doc: dict[str, Any] = json.loads(out)
    return {**doc["gpus"][0], "graphs": doc["engine"]["cuda_graph_bytes"]}


def test_graphs_past_the_share_outside_the_budget_are_exit_3_with_the_fix(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["fit", *BASE, "--gpu-memory-utilization", "0.99", "--check"], capsys)
    assert code == 3
    line = err.strip()
    assert "\n" not in line and "CUDA graphs" in line and "--enforce-eager" in line
    # the utilization it names leaves the graph pool its room, and that start fits
    suggested = line.split("--gpu-memory-utilization ")[-1].split(" or less")[0]
    code, _, err = _run(["fit", *BASE, "--gpu-memory-utilization", suggested, "--check"], capsys)
    assert code == 0, err


def test_the_refusal_is_the_estimate_verdict_too(capsys: pytest.CaptureFixture[str]) -> None:
    gpu = _gpu(["--gpu-memory-utilization", "0.99"], capsys)
    assert gpu["fits"] is False and "CUDA graphs" in gpu["reason"]
    # at 0.95 the same graphs fit: 4 GiB outside the budget
    assert _gpu(["--gpu-memory-utilization", "0.95"], capsys)["fits"] is True


def test_no_graphs_no_refusal(capsys: pytest.CaptureFixture[str]) -> None:
    gpu = _gpu(["--gpu-memory-utilization", "0.99", "--enforce-eager"], capsys)
    assert gpu["fits"] is True and gpu["graphs"] == 0


def test_from_0_21_the_graphs_come_off_the_kv_pool_instead(capsys: pytest.CaptureFixture[str]) -> None:
    # VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS is on by default from 0.21.0: the pool shrinks by the
    # graph estimate and the capture no longer needs the share outside the budget.
    old = _gpu(["--gpu-memory-utilization", "0.99"], capsys)
    new = _gpu(["--gpu-memory-utilization", "0.99", "--engine-version", "0.21.0"], capsys)
    assert new["fits"] is True
    assert new["kv_pool_bytes"] == old["kv_pool_bytes"] - old["graphs"]


def test_check_offers_the_changes_that_leave_the_graphs_room(capsys: pytest.CaptureFixture[str]) -> None:
    serve = ["vllm", "serve", "openai/gpt-oss-20b", "--gpu-memory-utilization", "0.99"]
    code, out, _ = _run(["check", "--gpu", "H100", "--", *serve], capsys)
    assert code == 3
    offered = [line.strip() for line in out.splitlines() if line.strip().startswith("vllm serve")]
    assert "vllm serve openai/gpt-oss-20b --gpu-memory-utilization 0.95" in offered
    assert any(line.endswith("--enforce-eager") for line in offered)
    for line in offered:  # each one starts
        code, _, err = _run(["check", "--gpu", "H100", "--", *line.split()], capsys)
        assert code == 0, (line, err)


def test_sglang_graphs_past_its_static_share_are_exit_3_with_its_own_advice(
        capsys: pytest.CaptureFixture[str]) -> None:
    # SGLang captures its graphs after the pools took mem_fraction_static of the card; a failed capture
    # tells the user to lower --mem-fraction-static or --cuda-graph-max-bs (cuda_graph_runner.py)
    args = ["fit", "Qwen2.5-7B", "--engine", "sglang", "--gpu", "H100-SXM-80GB", "--check"]
    code, _, err = _run([*args, "--mem-fraction-static", "0.99"], capsys)
    assert code == 3
    assert "CUDA graphs" in err and "--mem-fraction-static" in err and "--cuda-graph-max-bs" in err
    code, _, err = _run(args, capsys)  # SGLang's own default share leaves them room
    assert code == 0, err
