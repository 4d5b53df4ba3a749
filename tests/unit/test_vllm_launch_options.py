"""vLLM launch options that move the KV pool: --decode-context-parallel-size, --language-model-only and
--cudagraph-mode (estimate/engines/vllm_dcp.py, vllm_language_only.py, vllm_cudagraph_mode.py).

The published lines these rules reproduce are rows of tests/golden/engine_logs.yaml (Kimi-K2-Thinking
715,072 / 5,721,088 tokens at TP 8 / TP 8 + DCP 8, vllm-project/recipes PR #115; Qwen3.6-27B text-only
"Model loading took 50.22 GiB" and MiniMax-M2.7 PIECEWISE 244,576 tokens, genn888/MASS_delivery).
Here: the relations each rule implies, and the refusals.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import llmsize.cli


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, Any]:
    with pytest.raises(SystemExit) as ex:
        llmsize.cli.main([*args, "--format", "json"])
    out = capsys.readouterr().out
    return int(ex.value.code or 0), (json.loads(out) if out.strip() else None)


# An MLA model small enough to estimate quickly; the published check is Kimi-K2-Thinking's row.
MLA = ["estimate", "DeepSeek-V2-Lite-Chat", "--engine", "vllm", "--tp", "2", "--num-gpus", "2", "--gpu",
       "H100-SXM-80GB", "--kv-cache-memory", "20GiB", "--engine-version", "0.11.1"]  # fmt: skip


def test_dcp_multiplies_the_tokens_a_pool_holds(capsys: pytest.CaptureFixture[str]) -> None:
    _, one = _run(MLA, capsys)
    _, two = _run([*MLA, "--decode-context-parallel-size", "2"], capsys)
    g1, g2 = one["gpus"][0], two["gpus"][0]
    assert g2["kv_blocks"] == g1["kv_blocks"]  # the same blocks a rank
    assert g2["kv_tokens"] == 2 * g1["kv_tokens"]  # each holds every other token of a request
    assert g2["max_concurrency"] == pytest.approx(2 * g1["max_concurrency"], rel=0.01)


def test_dcp_must_divide_tp(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = _run([*MLA, "--decode-context-parallel-size", "3"], capsys)
    assert code == 2


QWEN = ["estimate", "Qwen3.6-27B", "--engine", "vllm", "--gpu", "A100-SXM-80GB", "--context", "32768",
        "--engine-version", "0.20.1"]  # fmt: skip


def test_language_model_only_drops_the_tower_and_its_profile(capsys: pytest.CaptureFixture[str]) -> None:
    _, full = _run(QWEN, capsys)
    _, text = _run([*QWEN, "--language-model-only"], capsys)
    dropped = full["engine"]["device_weights_bytes"] - text["engine"]["device_weights_bytes"]
    assert 0.7e9 < dropped < 1.1e9  # the 0.46 B-parameter vision tower in bf16
    assert any(ln.startswith("Encoder cache") for ln in full["engine"]["lines"])
    assert not any(ln.startswith("Encoder cache") for ln in text["engine"]["lines"])
    assert text["memory"]["activations"] < full["memory"]["activations"]
    assert text["gpus"][0]["kv_pool_bytes"] > full["gpus"][0]["kv_pool_bytes"]


def test_language_model_only_refuses_images(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = _run([*QWEN, "--language-model-only", "--images", "1"], capsys)
    assert code == 2


MINIMAX = ["estimate", "MiniMax-M2.7", "--engine", "vllm", "--tp", "4", "--num-gpus", "4", "--gpu",
           "A100-SXM-80GB", "--context", "131072", "--engine-version", "0.22.1"]  # fmt: skip


def test_cudagraph_mode_changes_what_the_budget_takes(capsys: pytest.CaptureFixture[str]) -> None:
    pools, graphs = {}, {}
    for mode in ("FULL_AND_PIECEWISE", "PIECEWISE", "FULL_DECODE_ONLY", "none"):
        _, doc = _run([*MINIMAX, "--cudagraph-mode", mode], capsys)
        pools[mode.upper()] = doc["gpus"][0]["kv_pool_bytes"]
        graphs[mode.upper()] = doc["engine"]["cuda_graph_bytes"]
    assert graphs["NONE"] == 0
    assert graphs["FULL_AND_PIECEWISE"] > graphs["PIECEWISE"] > 0
    assert graphs["FULL_AND_PIECEWISE"] > graphs["FULL_DECODE_ONLY"] > 0
    # from 0.20 the estimate comes off the pool: the smaller the graph set, the larger the pool
    assert pools["NONE"] - pools["PIECEWISE"] == graphs["PIECEWISE"]
    full_extra = graphs["FULL_AND_PIECEWISE"] - graphs["PIECEWISE"]
    assert pools["PIECEWISE"] - pools["FULL_AND_PIECEWISE"] == full_extra


def test_an_unknown_cudagraph_mode_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = _run([*MINIMAX, "--cudagraph-mode", "sometimes"], capsys)
    assert code == 2


def test_check_reads_the_launch_flags() -> None:
    from llmsize.preflight.launch import parse_launch

    words = ["vllm", "serve", "MiniMaxAI/MiniMax-M2.7", "-tp", "4", "-dcp", "2", "--language-model-only",
             "--compilation-config", '{"cudagraph_mode": "PIECEWISE"}']  # fmt: skip
    setup = parse_launch(words)
    assert setup.get("decode_context_parallel") == 2
    assert setup.get("language_model_only") is True
    assert setup.get("cudagraph_mode") == "PIECEWISE"
