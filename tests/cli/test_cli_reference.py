"""docs/cli.md is the `--help` of every command, generated; this fails when it is stale."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_cli_reference", DOCS / "gen_cli_reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_reference_is_up_to_date() -> None:
    expected = _generator().render()
    current = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert current == expected, "docs/cli.md is stale: run `python docs/gen_cli_reference.py` and commit it"


def test_every_command_is_documented() -> None:
    paths = _generator().command_paths()
    titles = {" ".join(["llmsize", *p]) for p in paths}
    assert {"llmsize estimate", "llmsize measure", "llmsize report show", "llmsize report diff"} <= titles
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    for title in titles:
        assert f"## `{title}`" in text
