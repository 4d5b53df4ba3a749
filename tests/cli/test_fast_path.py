"""cli/fast.py runs parse, estimate and fit without typer (issue 15: instant). It must hand a command
exactly the values typer would, decline whatever it cannot read the same way (typer then answers, so
help and usage errors are typer's), and keep typer, rich and pydantic out of the process."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st

from llmsize.cli import load_commands
from llmsize.cli.app import Typer
from llmsize.cli.declare import COMMANDS
from llmsize.cli.fast import FAST_COMMANDS, Grammar

# Importing the submodule llmsize.cli.app makes `llmsize.cli.app` that module; the package's own
# `app` (the typer app with every command, which other tests import) is put back.
load_commands()


def _command(name: str) -> Any:
    import_module(f"llmsize.cli.{FAST_COMMANDS[name]}")
    return COMMANDS[name]


def _typer_kwargs(name: str, argv: list[str]) -> dict[str, Any] | str:
    """What typer passes the command for argv (its Context shown as the sources of the options),
    or "error" where typer rejects argv."""
    command = _command(name)
    seen: dict[str, Any] = {}
    signature = inspect.signature(command, eval_str=True)

    def probe(**kwargs: Any) -> None:
        seen.update(kwargs)

    probe.__signature__ = signature  # type: ignore[attr-defined]
    probe.__annotations__ = {p.name: p.annotation for p in signature.parameters.values()}
    app = Typer()
    app.command(name)(probe)
    app.command("other")(lambda: None)  # two commands: argv[0] names the one to run, as in llmsize
    try:
        app(args=[name, *argv], standalone_mode=False)
    except (typer.Exit, Exception):
        return "error"
    return _comparable(seen)


def _comparable(kwargs: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in kwargs.items():
        if hasattr(value, "get_parameter_source"):
            value = value.get_parameter_source("context")
            value = value.name if value is not None else None
        out[key] = (type(value).__name__, value)
    return out


def _fast_kwargs(name: str, argv: list[str]) -> dict[str, Any] | None:
    parsed = Grammar(_command(name)).parse(argv)
    return None if parsed is None else _comparable(parsed)


CASES = [
    ("parse", ["Qwen2.5-7B-Instruct-GPTQ-Int4"]),
    ("parse", ["Qwen2.5-7B", "--format", "json"]),
    ("parse", ["--format", "yaml", "Llama-3.1-8B"]),
    ("estimate", ["Qwen2.5-7B-Instruct-GPTQ-Int4"]),
    ("estimate", ["Llama-3.1-8B", "--mode", "qlora", "--context", "8k", "--format", "json"]),
    ("estimate", ["Llama-3.1-8B", "--batch", "4", "--tp", "2", "--num-gpus", "2", "--engine", "vllm"]),
    (
        "estimate",
        ["x", "--gpu-memory-utilization", "0.85", "--master-weights", "--no-gradient-checkpointing"],
    ),
    ("estimate", ["x", "--gpu-file", "a.yaml", "--gpu-file", "b.yaml", "-o", "out.json", "-f", "csv"]),
    ("estimate", ["x", "--compile", "--liger", "--zero", "3", "--offload-optimizer", "cpu", "--force"]),
    ("estimate", ["x", "--host-bandwidth", "50", "--concurrency", "1,8", "--kv-dtype", "fp8"]),
    ("fit", ["--all", "--gpu", "RTX-4090"]),
    ("fit", ["Llama-3.1-8B", "--gpu", "H100", "--format", "json", "--check"]),
    ("fit", ["--all", "--gpu", "A100-80GB", "--mode", "qlora", "--bandwidth-efficiency", "0.5"]),
    ("fit", []),
    ("explain", ["Mixtral-8x7B", "--mode", "lora", "--context", "8k", "--num-gpus", "2"]),
]


@pytest.mark.parametrize(("name", "argv"), CASES)
def test_fast_parse_hands_the_command_what_typer_does(name: str, argv: list[str]) -> None:
    fast = _fast_kwargs(name, argv)
    assert fast is not None, "the fast path should read this argv"
    assert fast == _typer_kwargs(name, argv)


DECLINED = [
    ("estimate", ["x", "--help"]),
    ("estimate", ["--help"]),
    ("estimate", ["x", "--batch=2"]),  # --name=value: typer's
    ("estimate", ["x", "--batch", "-1"]),  # a value that looks like an option
    ("estimate", ["x", "--batch", " 2"]),  # typer strips it; only typer should decide
    ("estimate", ["x", "--grad-accum", "0"]),  # below min: typer's range error
    ("estimate", ["x", "--zero", "4"]),  # above max
    ("estimate", ["x", "--mode", "QLORA"]),  # not a choice: typer's error lists them
    ("estimate", ["x", "--no-such-option"]),
    ("estimate", ["x", "--batch", "2", "--batch", "3"]),
    ("estimate", ["x", "y"]),  # one argument too many
    ("estimate", []),  # the model is missing
    ("estimate", ["x", "--", "y"]),
    ("estimate", ["x", "--batch"]),  # no value
    ("fit", ["--all", "--bandwidth-efficiency", "1.5"]),
]


@pytest.mark.parametrize(("name", "argv"), DECLINED)
def test_fast_parse_declines_what_only_typer_answers(name: str, argv: list[str]) -> None:
    assert _fast_kwargs(name, argv) is None


_ESTIMATE_OPTIONS = sorted(n for n in Grammar(_command("estimate")).options if n.startswith("--"))


VALUES = ["1", "2", "0.5", "8k", "fp8", "vllm", "qlora", "none", "cpu", "a.yaml", "-3", "x"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(_ESTIMATE_OPTIONS),
            st.sampled_from(
                ["1", "2", "0.5", "8k", "fp8", "vllm", "qlora", "none", "cpu", "a.yaml", "-3", "x"]
            ),
        ),
        max_size=4,
    )
)
def test_any_argv_the_fast_path_reads_typer_reads_the_same(pairs: list[tuple[str, str]]) -> None:
    """Property: whenever the fast parser accepts an argv, typer accepts it too, with the same values."""
    grammar = Grammar(_command("estimate"))
    argv = ["Llama-3.1-8B"]
    for option, value in pairs:
        argv.append(option)
        if grammar.options[option][1] is None:  # takes a value
            argv.append(value)
    fast = _fast_kwargs("estimate", argv)
    if fast is not None:
        assert fast == _typer_kwargs("estimate", argv)


HOT = [
    ["--version"],
    ["parse", "Qwen2.5-7B-Instruct-GPTQ-Int4"],
    ["estimate", "Qwen2.5-7B-Instruct-GPTQ-Int4"],
    ["estimate", "Llama-3.1-8B-Instruct", "--format", "json"],
    ["fit", "Llama-3.1-8B-Instruct", "--gpu", "RTX-4090"],
    ["explain", "Llama-3.1-8B-Instruct"],
]
_PROBE = """
import json, sys
sys.argv = ["llmsize", *json.loads(sys.argv[1])]
try:  # what `python -m llmsize` runs before it ends the process (cli/quick_exit.py)
    from llmsize.cli import main
    main()
except SystemExit as done:
    code = done.code
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"typer", "click", "rich", "pydantic"})
print("HEAVY=" + json.dumps([code, heavy]), file=sys.stderr)
"""


@pytest.mark.parametrize("argv", HOT, ids=" ".join)
def test_hot_commands_import_no_typer_pydantic_or_rich(argv: list[str], tmp_path: Path) -> None:
    src = Path(__file__).resolve().parents[2] / "src"
    env = dict(os.environ, PYTHONPATH=str(src), LLMSIZE_CACHE_DIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(argv)], capture_output=True, text=True, env=env, timeout=120
    )
    line = next(ln for ln in done.stderr.splitlines() if ln.startswith("HEAVY="))
    code, heavy = json.loads(line.removeprefix("HEAVY="))
    assert code in (0, None), done.stderr
    assert heavy == [], f"{' '.join(argv)} imported {heavy}"
