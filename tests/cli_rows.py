"""The first GPU row of `llmsize estimate … --format json`, as the speed-profile CLI tests read it, and
`llmsize.cli.main` run in-process the two ways several CLI test files read it.

One helper for the test files that check which engine release's speed profile a command picked
(tests/cli/test_cli_vllm_releases.py, tests/cli/test_cli_llama_cpp_build_eras.py)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from llmsize.cli import app, main

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


def main_result(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """`main(argv)` in-process: its exit code, stdout and stderr."""
    try:
        main(argv)
        code = 0
    except SystemExit as ex:
        code = int(ex.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def wide_output(argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> str:
    """`main(argv)` at 200 columns (no table folded): its stdout, exit 0 asserted."""
    monkeypatch.setenv("COLUMNS", "200")
    try:
        main(argv)
    except SystemExit as ex:
        assert not ex.code, capsys.readouterr()
    return capsys.readouterr().out
