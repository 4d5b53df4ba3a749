"""Human output stays readable at 80 and 120 columns: no line wider than the terminal, no value cut
with an ellipsis, no repeated truncated names; the breakdown bar is there; completion offers the catalogs."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from llmsize.cli import app
from llmsize.report.render_estimate import BAR_CHARS

runner = CliRunner()

COMMANDS = [
    ["gpus"],
    ["models"],
    ["fit", "--all", "--gpu", "RTX-4090"],
    ["fit", "Qwen2.5-7B-Instruct", "--gpu", "RTX-4090"],
    ["compare", "Llama-3.1-70B-Instruct", "--gpus", "H100,A100-80GB,L40S,RTX-4090"],
    [
        "compare",
        "Qwen2.5-7B-Instruct",
        "Qwen2.5-7B-Instruct-AWQ",
        "Qwen2.5-7B-Instruct-GGUF-Q4_K_M",
        "--gpu",
        "4090",
    ],
    ["estimate", "Qwen2.5-7B-Instruct", "--gpu", "RTX-4090,H100"],
    ["estimate", "Mixtral-8x7B-Instruct-v0.1", "--mode", "qlora"],
    # issue 15 "Readable": fit's Host RAM line, Ollama's notes, explain's rules, check's settings
    ["fit", "Qwen2.5-7B-Instruct-GGUF-Q4_K_M", "--gpu", "RTX-4090", "--engine", "llama.cpp"],
    ["fit", "gpt-oss-120b", "--gpu", "RTX-4090", "--engine", "llama.cpp", "--n-cpu-moe", "30"],
    ["estimate", "llama3.1:8b", "--gpu", "RTX-4090"],
    ["explain", "gpt-oss-120b", "--gpu", "RTX-4090", "--engine", "llama.cpp", "--n-cpu-moe", "30"],
    ["check", "--gpu", "H100", "--", "vllm", "serve", "Qwen/Qwen3-8B", "--max-model-len", "32768"],
    ["estimate", "--help"],
    ["fit", "--help"],
]


def _run(args: list[str], width: int) -> str:
    result = runner.invoke(app, args, env={"COLUMNS": str(width), "TERM": "dumb"})
    assert result.exit_code in (0, 3), result.output
    return result.stdout  # the tables; notes on stderr are plain lines the terminal wraps


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a)[:40])
def test_fits_the_terminal_without_cutting_values(args: list[str], width: int) -> None:
    out = _run(args, width)
    for line in out.splitlines():
        assert len(line) <= width, f"{len(line)} > {width}: {line!r}"
        assert "…" not in line, f"a value was cut at {width} columns: {line!r}"


@pytest.mark.parametrize("width", [80, 120])
def test_fit_all_names_every_model_once(width: int) -> None:
    out = _run(["fit", "--all", "--gpu", "RTX-4090"], width)
    names = [line.split("│")[1].strip() for line in out.splitlines() if line.startswith("│")]
    assert names and len(names) == len(set(names)), names


def test_help_shows_no_type_on_flags_and_whole_option_names() -> None:
    out = _run(["estimate", "--help"], 80)
    assert "<bool>" not in out
    assert "--gradient-checkpointing" in out and "--no-master-weights" in out


def test_compare_names_the_model() -> None:
    out = _run(["compare", "Llama-3.1-70B-Instruct", "--gpus", "H100,L40S"], 80)
    assert out.splitlines()[0].startswith("Llama-3.1-70B-Instruct")


def test_estimate_draws_a_one_line_breakdown_bar() -> None:
    out = _run(["estimate", "Qwen2.5-7B-Instruct", "--mode", "lora"], 80)
    bars = [line for line in out.splitlines() if line and set(line) <= set(BAR_CHARS.values())]
    assert len(bars) == 1
    bar = bars[0]
    assert 70 <= len(bar) <= 80
    # LoRA at 4k tokens: weights and activations dominate; both are drawn, in that order.
    assert bar.index(BAR_CHARS["weights"]) < bar.index(BAR_CHARS["activations"])


def _complete(words: str, cword: int) -> list[str]:
    env = {"_LLMSIZE_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    return runner.invoke(app, [], prog_name="llmsize", env=env).output.split()


def test_completion_offers_catalog_models_and_gpus() -> None:
    assert "Qwen2.5-7B-Instruct" in _complete("llmsize estimate Qwen2.5-7B-I", 2)
    assert "RTX-4090" in _complete("llmsize fit Qwen2.5-7B --gpu RTX-40", 4)
    assert "H100-SXM-80GB,A100-SXM-80GB" in _complete("llmsize compare x --gpus H100-SXM-80GB,A100-S", 4)


def _header_words(out: str) -> str:
    return " ".join(line for line in out.splitlines() if line.startswith("┃"))


@pytest.mark.parametrize(
    "args",
    [
        ["compare", "Llama-3.1-70B-Instruct", "--gpus", "H100-SXM-80GB,A100-SXM-80GB,L40S,RTX-4090"],
        ["estimate", "Qwen2.5-7B-Instruct", "--gpu", "RTX-4090,H100-SXM-80GB"],
    ],
    ids=["compare", "estimate"],
)
def test_speed_columns_stay_at_80_columns(args: list[str]) -> None:
    # issue 15: at 80 columns the headers ("per GPU GiB", "decode tok/s") were wider than their values and
    # the speed columns were hidden, beside a recommendation that quotes the speed; two-line headers
    # leave room for them
    out = _run(args, 80)
    assert "decode tok/s" not in out.partition("not shown")[2], out
    headers = _header_words(out)
    assert "decode" in headers and "tok/s" in headers and "TTFT" in headers, out
    assert all(len(line) <= 80 for line in out.splitlines())


def test_headers_stay_on_one_line_where_the_table_fits() -> None:
    out = _run(["compare", "Llama-3.1-70B-Instruct", "--gpus", "H100-SXM-80GB,L40S"], 120)
    header_lines = [line for line in out.splitlines() if line.startswith("┃")]
    assert len(header_lines) == 1 and "decode tok/s" in header_lines[0], out


HELP_COMMANDS = ["parse", "estimate", "explain", "gpus", "fit", "compare", "models", "measure", "check",
                 "plan"]


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("command", HELP_COMMANDS)
def test_help_examples_are_whole_shell_commands(command: str, width: int) -> None:
    # issue 15: click rewrapped the examples, so `... --output-tokens 400` / `--turns 50` printed the last
    # flag on a line of its own, which a paste runs as a second command; now a wrapped example ends its
    # line with " \" and the next line continues it
    out = _run([command, "--help"], width)
    block = out.split("Examples:", 1)[1].split("\nArguments:", 1)[0].split("\nOptions:", 1)[0]
    lines = [line for line in block.splitlines() if line.startswith("    ")]  # prose after them: 2 spaces
    assert lines, out
    for before, line in zip(["", *lines], lines, strict=False):
        assert len(line) <= width, line
        continued = before.endswith(" \\")
        assert line.startswith("    llmsize ") != continued, (before, line)
