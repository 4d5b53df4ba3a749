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
