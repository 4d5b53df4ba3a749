"""The first GPU row of `llmsize estimate … --format json`, as the speed-profile CLI tests read it.

One helper for the test files that check which engine release's speed profile a command picked
(tests/cli/test_cli_vllm_releases.py, tests/cli/test_cli_llama_cpp_build_eras.py)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from llmsize.cli import app

_runner = CliRunner()


def estimate_gpu_row(*args: str) -> dict[str, object]:
    """Run `llmsize estimate ARGS --format json` in-process; its first `gpus` row (exit 0 asserted)."""
    result = _runner.invoke(app, ["estimate", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    row = json.loads(result.stdout)["gpus"][0]
    assert isinstance(row, dict)
    return row


def speed_profile(row: dict[str, object]) -> str:
    """The engine speed profile that produced a row (JSON speed_constants.engine)."""
    constants = row["speed_constants"]
    assert isinstance(constants, dict)
    return str(constants["engine"])
