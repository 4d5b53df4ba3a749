"""The speed's own notes reach the user: JSON `speed_notes` on each GPU row and one line each in the
human output (issue 11: "show every speed with ... the constants that produced it").

hardware/speed.py estimate_speed writes a note for each engine path that moves the speed beyond the
roofline (no CUDA graphs, layers in host RAM, CPU sampling time, ...); they used to be computed and
shown nowhere.
"""

from __future__ import annotations

import json

from typer.testing import CliRunner

from cli_rows import estimate_gpu_row
from llmsize.cli import app

runner = CliRunner()
EAGER = ("Qwen2.5-7B-Instruct", "--engine", "vllm", "--gpu", "H100-SXM-80GB")


def test_enforce_eager_is_said_in_the_rows_speed_notes() -> None:
    eager = estimate_gpu_row(*EAGER, "--enforce-eager")
    graphs = estimate_gpu_row(*EAGER)
    notes = eager["speed_notes"]
    assert isinstance(notes, list)
    assert any("no CUDA graphs" in n for n in notes)
    assert not any("no CUDA graphs" in n for n in graphs["speed_notes"])  # type: ignore[union-attr]
    # The note explains a real difference: eager decodes slower than captured graphs.
    assert float(eager["decode_tokens_per_s"]) < float(graphs["decode_tokens_per_s"])  # type: ignore[arg-type]


def test_layers_in_host_ram_are_explained_under_the_table() -> None:
    result = runner.invoke(
        app,
        ["estimate", "Llama-3.1-70B", "--engine", "llama.cpp", "--quant", "Q4_K_M", "--gpu", "RTX-4090",
         "--gpu-layers", "40"],
        env={"COLUMNS": "200"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.output.splitlines() if ln.startswith("  speed: ")]
    assert len(lines) == 1 and "host RAM" in lines[0], result.output


def test_a_row_that_does_not_fit_has_no_speed_and_no_notes() -> None:
    row = estimate_gpu_row("Llama-3.1-70B", "--gpu", "RTX-4090", "--enforce-eager", "--engine", "vllm")
    assert row["fits"] is False
    assert row["decode_tokens_per_s"] is None and row["speed_notes"] == []


def test_each_concurrency_level_carries_its_own_notes() -> None:
    result = runner.invoke(
        app, ["estimate", *EAGER, "--enforce-eager", "--concurrency", "1,4096", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    levels = {row["concurrency"]: row for row in json.loads(result.stdout)["gpus"]}
    assert levels[1]["fits"] and any("no CUDA graphs" in n for n in levels[1]["speed_notes"])
    # 4,096 sequences of the full context exceed vLLM's KV pool on one H100: no speed, no notes.
    assert levels[4096]["fits"] is False and levels[4096]["speed_notes"] == []
