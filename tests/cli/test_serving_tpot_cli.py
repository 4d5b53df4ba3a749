"""The concurrency sweep's serving TPOT, as the JSON document reports it."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from llmsize.cli import app


def test_concurrency_sweep_reports_serving_tpot() -> None:
    result = CliRunner().invoke(
        app,
        [
            "estimate",
            "Qwen2.5-7B-Instruct",
            "--engine",
            "vllm",
            "--gpu",
            "H100-SXM-80GB",
            "--context",
            "2304",
            "--prompt-tokens",
            "2048",
            "--concurrency",
            "1,16",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = {row["concurrency"]: row for row in json.loads(result.stdout)["gpus"]}
    assert rows[1]["serving_tpot_s"] == pytest.approx(rows[1]["tpot_s"])
    # 15 other 2048-token prompts prefilled during one request's 256 output tokens.
    extra = 15 * rows[16]["ttft_s"] / 16 / 256
    assert rows[16]["serving_tpot_s"] == pytest.approx(rows[16]["tpot_s"] + extra)
    assert rows[16]["serving_tpot_s"] > rows[16]["tpot_s"]


SWEEP_4090 = "https://mushfiqrahman.dev/?p=1668"


def test_concurrency_sweep_output_throughput_as_published() -> None:
    # SWEEP_4090: vLLM on one RTX 4090, Mistral-7B-Instruct-v0.3 BF16, 256 -> 128 tokens, 300 prompts at an
    # unlimited rate with at most C in flight: output tokens/s 210 (C = 4), 644 (16), 1,190 (48).
    result = CliRunner().invoke(
        app,
        [
            "estimate",
            "Mistral-7B-Instruct-v0.3",
            "--engine",
            "vllm",
            "--gpu",
            "RTX-4090",
            "--context",
            "384",
            "--prompt-tokens",
            "256",
            "--concurrency",
            "4,16,48",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = {row["concurrency"]: row for row in json.loads(result.stdout)["gpus"]}
    for level, published in ((4, 210.0), (16, 644.0), (48, 1190.0)):
        got = rows[level]["serving_output_tokens_per_s"]
        assert got == pytest.approx(published, rel=0.25), SWEEP_4090
        assert got < rows[level]["aggregate_tokens_per_s"]  # the prompts' prefills take their share
