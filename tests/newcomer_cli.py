"""What the newcomer-audit test files share (tests/cli/test_new_user_round6/10/11.py): the catalog as a new
user has it (no GPU files of their own, no Hub) and a command's JSON document read from stdout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from llmsize.cli import load_commands

# load_commands() returns the typer app itself: `from llmsize.cli import app` gives the submodule
# llmsize.cli.app instead once a test file has imported that submodule by name (the import system binds it).
app = load_commands()

runner = CliRunner()


@pytest.fixture(autouse=True)
def offline_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No user GPU catalog and no Hub: every answer comes from the bundled catalog."""
    monkeypatch.setenv("LLMSIZE_GPU_DIR", str(tmp_path / "none"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


def json_doc(*args: str) -> dict:
    """`llmsize ARGS --format json` in-process: its stdout parsed (exit 0 asserted; stderr holds notes)."""
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)
