"""--quant replaces the format a name states: the name's Unsloth Dynamic warnings go with it (issue 15)."""

from __future__ import annotations

import json
from typing import Any

from typer.testing import CliRunner

from llmsize.cli import app

runner = CliRunner()
NAME = "unsloth/Qwen3.5-9B-GGUF:UD-Q8_K_XL"


def _json(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["estimate", NAME, "--engine", "llama.cpp", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _said(doc: dict[str, Any]) -> str:
    return "\n".join([*doc["warnings"], *doc["assumptions"]])


def test_plain_quant_on_a_ud_name_drops_its_bf16_warning() -> None:
    """`--quant Q8_0` on a UD-Q8_K_XL name is llama.cpp's own Q8_0 file (no BF16 attention or mixers,
    specs/unsloth.py hybrid_q8_format): smaller weights, and nothing left saying the BF16 pins or the UD
    mix were sized. It printed "UD-Q8_K_XL sized with those at BF16" over the plain Q8_0 bytes."""
    named, plain = _json(), _json("--quant", "Q8_0")
    assert plain["memory"]["weights"] < named["memory"]["weights"]
    assert "at BF16" in _said(named) and "Unsloth Dynamic per-tensor mix" in _said(named)
    assert "at BF16" not in _said(plain) and "Unsloth" not in _said(plain)


def test_ud_quant_on_a_ud_name_still_says_its_rule() -> None:
    doc = _json("--quant", "UD-Q8_K_XL")
    assert doc["memory"]["weights"] == _json()["memory"]["weights"]
    assert "at BF16" in _said(doc)
