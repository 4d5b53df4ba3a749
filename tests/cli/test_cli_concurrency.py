"""`--concurrency` on fit and compare: one row per level, the KV pool's cap, the compute-bound point."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import llmsize.cli
from llmsize.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_user_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMSIZE_GPU_DIR", str(tmp_path / "none"))


def _json(*args: str) -> Any:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _check_sweep(rows: list[dict[str, Any]], levels: list[int]) -> None:
    assert [r["concurrency"] for r in rows] == levels
    per_seq = [r["decode_tokens_per_s"] for r in rows]
    total = [r["aggregate_tokens_per_s"] for r in rows]
    # Sharing each weight read among more sequences: each one slows, all together go faster.
    assert per_seq == sorted(per_seq, reverse=True)
    assert total == sorted(total)
    for r in rows:
        assert r["aggregate_tokens_per_s"] == pytest.approx(r["decode_tokens_per_s"] * r["concurrency"])
    caps = {r["max_concurrent_seqs"] for r in rows}
    assert len(caps) == 1 and caps.pop() > levels[-1]
    assert all(r["compute_bound_concurrency"] > 1 for r in rows)


def test_fit_concurrency_sweeps_the_best_precision() -> None:
    doc = _json("fit", "Qwen3-8B", "--gpu", "H100", "--engine", "vllm", "--concurrency", "1,8,32")
    rows = doc["concurrency"]
    _check_sweep(rows, [1, 8, 32])
    assert doc["gpus"][0]["decode_tokens_per_s"] == pytest.approx(rows[0]["decode_tokens_per_s"])


def test_compare_concurrency_gives_a_row_per_model_gpu_and_level() -> None:
    doc = _json(
        "compare",
        "Qwen3-8B",
        "--gpus",
        "H100,L40S",
        "--engine",
        "vllm",
        "--num-gpus",
        "1",
        "--concurrency",
        "1,8",
    )
    rows = doc["rows"]
    assert len(rows) == 4
    for gpu in ("H100-SXM-80GB", "L40S"):
        _check_sweep([r for r in rows if r["gpu"] == gpu], [1, 8])


def test_compare_concurrency_human_says_the_cap_and_the_compute_bound_point() -> None:
    result = runner.invoke(
        app,
        ["compare", "Qwen3-8B", "--gpus", "H100", "--engine", "vllm", "--concurrency", "1,16"],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "concurrency" in result.output and "total tok/s" in result.output
    assert "the KV pool holds at most" in result.output
    assert "compute-bound from" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["fit", "--all", "--gpu", "H100", "--concurrency", "1,8"],
        ["fit", "Qwen3-8B", "--gpu", "H100", "--concurrency", "0,8"],
        ["compare", "Qwen3-8B", "--gpus", "H100", "--concurrency", "x"],
    ],
)
def test_bad_concurrency_exits_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        llmsize.cli.main(args)
    assert info.value.code == 2
    assert "concurrency" in capsys.readouterr().err


def test_vllm_levels_share_one_preallocated_pool() -> None:
    """vLLM sizes its KV pool once (inside gpu_memory_utilization): every level shares one pool and
    budget, and a level runs only while the pool holds that many sequences of the context."""
    doc = _json("estimate", "Qwen3-8B", "--engine", "vllm", "--gpu", "L40S", "--concurrency", "1,8,64")
    rows = doc["gpus"]
    assert {(r["usable_bytes"], r["kv_pool_bytes"]) for r in rows} == {(rows[0]["usable_bytes"],
                                                                        rows[0]["kv_pool_bytes"])}
    cap = rows[0]["max_concurrent_seqs"]
    assert 8 < cap < 64
    assert [r["fits"] for r in rows] == [True, True, False]
    assert rows[2]["decode_tokens_per_s"] is None and "KV pool" in rows[2]["reason"]


# REFERENCE: vLLM v0.10 benchmark_latency on 8 x MI300X, Llama-3.1-70B-Instruct FP8, 128 prompt tokens
# and 2048 new ones per sequence: 17.236 s (batch 1), 19.677 s (batch 8), 24.932 s (batch 32) for the
# whole batch (https://github.com/ROCm/vllm/blob/040de12d45c16d6de6ad386cc57dd68b8c5b805e/docs/dev-docker/
# README.md). Seconds / 2048 is the mean step (prefill included, so a little above the mean decode step);
# the sweep reports the step at the last token (context 2176), a little above the mean too.
@pytest.mark.parametrize(("level", "batch_seconds"), [(1, 17.236), (8, 19.677), (32, 24.932)])
def test_concurrency_sweep_matches_a_published_multi_batch_table(level: int, batch_seconds: float) -> None:
    doc = _json("estimate", "Llama-3.1-70B-Instruct", "--quant", "fp8", "--gpu", "MI300X", "--num-gpus", "8",
                "--tp", "8", "--engine", "vllm", "--context", "2176", "--prompt-tokens", "128",
                "--concurrency", "1,8,32")
    row = next(r for r in doc["gpus"] if r["concurrency"] == level)
    assert row["tpot_s"] == pytest.approx(batch_seconds / 2048, rel=0.25)
    assert row["aggregate_tokens_per_s"] == pytest.approx(level / row["tpot_s"], rel=1e-6)
