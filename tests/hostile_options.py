"""Hostile option values: every value-taking option of every command, fed values an attacker tries.

The options are read from the live CLI, so an option added later is fuzzed without a change here.
Each argv must end in a result or one clear line with exit 2 (issue 15). The CI test runs a seeded
sample (tests/cli/test_hostile_inputs.py); `python bench/fuzz.py --options N` runs many more.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

# Text a shell can pass: empty, blank, non-finite, negative, zero, overflowing (float and int),
# fractional, non-ASCII digits, other bases, a trailing newline, an escape sequence.
VALUES: tuple[str, ...] = (
    "",
    " ",
    "nan",
    "inf",
    "-inf",
    "-1",
    "0",
    "-0",
    "1e309",
    "9" * 30,
    "9" * 400,
    "1.5",
    "\u0661\u0662",  # Arabic-Indic digits: int() reads them
    "\uff11\uff12",  # full-width digits
    "0x10",
    "1_000",
    "+5",
    "5\n",
    "\x1b[31m",
    "2147483648",
    "1099511627777",  # one past MAX_TOKENS / MAX_COUNT
    "1e18",
    "a,b,,",
    "\u202eevil",
    # the third round (tests/hostile_round3.py): other spellings of nothing, tiny, and non-ASCII digits
    "NaN",
    "-0.0",
    "1e-320",
    "\u0663",
    "\t",
    "--",
)

MODEL = "Qwen2.5-0.5B"

# What each command needs before an option can matter (a model, a GPU, the launch command).
_BASE: dict[str, tuple[list[str], list[str]]] = {
    "parse": (["parse", "Qwen2.5-7B"], []),
    "estimate": (["estimate", MODEL], []),
    "explain": (["explain", MODEL], []),
    "fit": (["fit", MODEL, "--gpu", "H100"], []),
    "compare": (["compare", MODEL, "--gpus", "H100,L40S"], []),
    "gpus": (["gpus"], []),
    "models": (["models"], []),
    "plan": (["plan", MODEL, "--gpu", "H100"], []),
    "check": (["check", "--gpu", "H100"], ["--", "vllm", "serve", "Qwen/Qwen2.5-0.5B"]),
}

# Options that only matter with another one set (the engine that reads them, a training mode).
_NEEDS: dict[str, list[str]] = {
    "--max-num-seqs": ["--engine", "vllm", "--gpu", "H100"],
    "--max-num-batched-tokens": ["--engine", "vllm", "--gpu", "H100"],
    "--block-size": ["--engine", "vllm", "--gpu", "H100"],
    "--kv-cache-memory": ["--engine", "vllm", "--gpu", "H100"],
    "--gpu-memory-utilization": ["--engine", "vllm", "--gpu", "H100"],
    "--mem-fraction-static": ["--engine", "sglang", "--gpu", "H100"],
    "--ubatch": ["--engine", "llama.cpp", "--gpu", "RTX-4090"],
    "--n-batch": ["--engine", "llama.cpp", "--gpu", "RTX-4090"],
    "--n-cpu-moe": ["--engine", "llama.cpp", "--gpu", "RTX-4090"],
    "--gpu-layers": ["--engine", "llama.cpp", "--gpu", "RTX-4090"],
    "--lora-rank": ["--mode", "lora"],
    "--lora-targets": ["--mode", "lora"],
    "--loss-chunks": ["--mode", "full", "--loss", "chunked"],
    "--grad-accum": ["--mode", "full"],
    "--optimizer": ["--mode", "full"],
    "--turns": ["--prompt-tokens", "500", "--output-tokens", "400"],
    "--output-tokens": ["--prompt-tokens", "500", "--turns", "5"],
    "--system-tokens": ["--prompt-tokens", "500", "--output-tokens", "400", "--turns", "5"],
}
# Files and paths are fuzzed elsewhere (write_model_dirs, cli_misuses); --output would write here.
_SKIP = {"--output", "--help", "--gpu-file", "--revision"}


def _value_options(command: Any) -> list[str]:
    return [
        p.opts[0]
        for p in command.params
        if getattr(p, "param_type_name", "") == "option"
        and not getattr(p, "is_flag", False)
        and p.opts[0] not in _SKIP
    ]


def option_cases() -> Iterator[list[str]]:
    """Every (command, value-taking option, hostile value) as an argv list, in a fixed order."""
    import typer

    from llmsize.cli import load_commands

    root: Any = typer.main.get_command(load_commands())
    for name, (head, tail) in _BASE.items():
        for option in _value_options(root.commands[name]):
            needs = [] if name in ("gpus", "models", "parse", "check") else _NEEDS.get(option, [])
            if "--gpu" in head and "--gpu" in needs:  # the command already names its GPU
                needs = needs[: needs.index("--gpu")]
            for value in VALUES:
                yield [*head, option, value, *needs, *tail]


def misplaced_cases() -> Iterator[list[str]]:
    """Each command given every other command's value options (a usage error, exit 2), and each of
    its own options twice (the last wins, as click does), in a fixed order."""
    import typer

    from llmsize.cli import load_commands

    root: Any = typer.main.get_command(load_commands())
    own = {name: set(_value_options(root.commands[name])) for name in _BASE}
    for name, (head, tail) in _BASE.items():
        foreign = sorted(set().union(*own.values()) - own[name])
        for option in foreign:
            yield [*head, option, "1", *tail]
        for option in sorted(own[name]):
            yield [*head, option, "nan", option, "1", *tail]


def sample(seed: int, n: int) -> list[list[str]]:
    """A reproducible sample of `n` option cases (the CI run)."""
    cases = list(option_cases())
    return random.Random(seed).sample(cases, min(n, len(cases)))


# Launch commands for `check`: each tool's flags with hostile values.
_LAUNCH_FLAGS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("vllm", "serve", "Qwen/Qwen2.5-0.5B"): (
        "--max-model-len",
        "--tensor-parallel-size",
        "--pipeline-parallel-size",
        "--data-parallel-size",
        "--gpu-memory-utilization",
        "--max-num-seqs",
        "--max-num-batched-tokens",
        "--block-size",
        "--kv-cache-dtype",
        "--kv-cache-memory",
        "--cpu-offload-gb",
        "--quantization",
        "--dtype",
    ),
    ("llama-server", "-m", "Qwen3-8B-Q4_K_M.gguf"): (
        "-c",
        "-np",
        "-ngl",
        "-b",
        "-ub",
        "--n-cpu-moe",
        "-ctk",
        "-ctv",
        "-fa",
    ),
    ("python", "-m", "sglang.launch_server", "--model-path", "Qwen/Qwen2.5-0.5B"): (
        "--context-length",
        "--tp",
        "--mem-fraction-static",
        "--max-running-requests",
        "--chunked-prefill-size",
        "--kv-cache-dtype",
    ),
}
_OLLAMA_ENV = (
    "OLLAMA_CONTEXT_LENGTH",
    "OLLAMA_NUM_PARALLEL",
    "OLLAMA_KV_CACHE_TYPE",
    "OLLAMA_FLASH_ATTENTION",
    "OLLAMA_GPU_OVERHEAD",
    "OLLAMA_MAX_LOADED_MODELS",
)


def launch_cases() -> Iterator[list[str]]:
    """`check` with every modelled flag of each tool (and Ollama's variables) set to hostile values."""
    for command, flags in _LAUNCH_FLAGS.items():
        gpu = "RTX-4090" if command[0] == "llama-server" else "H100"
        for flag in flags:
            for value in VALUES:
                yield ["check", "--gpu", gpu, "--", *command, flag, value]
    for variable in _OLLAMA_ENV:
        for value in VALUES:
            yield [
                "check",
                "--gpu",
                "RTX-3090",
                "--env",
                f"{variable}={value}",
                "--",
                "ollama",
                "run",
                "qwen3:8b",
            ]
