"""The fifth hostile and newcomer round (issue 15: "I will try inputs beyond this list"): input classes
the first four audits (tests/hostile.py, hostile_options.py, hostile_round3.py, hostile_round4.py) did
not try.

- names a 2026 user types or pastes: Hub page addresses ("https://huggingface.co/Qwen/Qwen3-8B",
  ".../tree/main"), the `hf.co/{user}/{repo}:{quant}` references Ollama and llama.cpp pull GGUF files
  by, repo ids with `@revision`, GGUF split parts ("-00001-of-00003.gguf"), QAT and "unquantized"
  checkpoints, Ollama tags with quantization suffixes, the 2025-2026 families (Qwen3.5/3.6, Gemma 4,
  DeepSeek-V3.2, Kimi-K2, GLM-4.6, Llama 4, gpt-oss, Nemotron);
- every choice option with a value outside its choices, every number option written with Python's
  digit separators or another script's digits, and options that contradict each other;
- environment variables llmsize itself reads as numbers (LLMSIZE_JOBS, LLMSIZE_HUB_TIMEOUT) set to
  '²', '1_0' and 5,000 digits; LLMSIZE_GPU_DIR at a device;
- model folders named with spaces, non-ASCII letters, '@' and ':' (an Ollama tag's shape), a FIFO
  where config.json or model.safetensors should be, a symbolic-link loop, a folder named `x.gguf`.
A reader that leaves early (`| head`) is tested with real pipes in tests/cli/test_hostile_round5.py.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from enum import Enum
from pathlib import Path

from hostile import llama_config

NAMES: tuple[str, ...] = (
    "https://huggingface.co/Qwen/Qwen3-8B",
    "https://huggingface.co/Qwen/Qwen3-8B/tree/main",
    "https://huggingface.co/Qwen/Qwen3-8B/blob/main/config.json",
    "https://hf.co/Qwen/Qwen3-8B?library=transformers",
    "huggingface.co/Qwen",
    "hf.co/Qwen/Qwen3-8B-GGUF:Q8_0",
    "hf.co/unsloth/Qwen3-30B-A3B-GGUF:UD-Q4_K_XL",
    "hf.co/bartowski/google_gemma-3-27b-it-GGUF:IQ4_XS",
    "Qwen/Qwen2.5-7B@main",
    "Qwen/Qwen2.5-7B@",
    "Qwen/Qwen2.5-7B@a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
    "org/name@rev@rev2",
    "@main",
    "@",
    "Qwen3-235B-A22B-Q4_K_M-00001-of-00003",
    "Qwen3-235B-A22B-Q4_K_M-00002-of-00003.gguf",
    "Qwen3-235B-A22B-Q4_K_M-99999-of-00000.gguf",
    "gemma-3-27b-it-qat-q4_0-gguf",
    "google/gemma-3-12b-it-qat-q4_0-gguf",
    "google/gemma-3-27b-it-qat-q4_0-unquantized",
    "gemma3:27b-it-qat",
    "gemma3:27b-it-qat-q4_K_M",
    "gemma3:1b-it-qat",
    "gemma3:27b-it-fp16",
    "qwen3:30b-a3b-q8_0",
    "qwen3:30b-a3b-Q8_0",
    "qwen3:30b-a3b-instruct-2507-q4_K_M",
    "qwen3:30b-a3b-q9_9",
    "QWEN3:30B-A3B",
    "gpt-oss:20b-q4_K_M",
    "gpt-oss:120b-cloud",
    "kimi-k2:1t-cloud",
    "deepseek-v3.2:671b",
    "glm-4.6:355b",
    "llama4:scout",
    "gemma4:31b",
    "Qwen3.5-27B",
    "Qwen3.5-397B-A17B",
    "Qwen3.6-35B-A3B",
    "Qwen3.6-35B-A3B-FP8",
    "gemma-4-31B-it",
    "google/gemma-4-26B-A4B-it",
    "DeepSeek-V3.2",
    "DeepSeek-V3.2-Speciale",
    "deepseek-ai/DeepSeek-V3.2-Exp",
    "Kimi-K2-Instruct-0905",
    "moonshotai/Kimi-K2-Thinking",
    "GLM-4.6",
    "zai-org/GLM-4.6-FP8",
    "GLM-4.6-Air",
    "Llama-4-Scout-17B-16E-Instruct",
    "Llama-4-Maverick-17B-128E-Instruct-FP8",
    "Llama-4-Behemoth",
    "gpt-oss-120b",
    "gpt-oss-240b",
    "Nemotron-H-8B-Base-8K",
    "NVIDIA-Nemotron-H-47B-Reasoning-128K",
    "nvidia/NVIDIA-Nemotron-Nano-9B-v2",
)

# (variable, value): what llmsize itself reads from the environment as a number, and its GPU folder.
ENVIRONMENT: tuple[tuple[str, str], ...] = (
    ("LLMSIZE_JOBS", "\u00b2"),  # str.isdigit() takes a superscript two, int() does not
    ("LLMSIZE_JOBS", "1_0"),
    ("LLMSIZE_JOBS", "9" * 5000),  # past int()'s 4,300 digits
    ("LLMSIZE_JOBS", "-3"),
    ("LLMSIZE_HUB_TIMEOUT", "1_0"),
    ("LLMSIZE_GPU_DIR", "/dev/null"),
    ("LLMSIZE_GPU_DIR", "/etc"),
    ("COLUMNS", "5"),
    ("COLUMNS", "100000"),
)
ENV_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("fit", "--all", "--gpu", "H100"),
    ("estimate", "Qwen2.5-0.5B"),
    ("gpus",),
)


def choice_options() -> Iterator[tuple[list[str], str, tuple[str, ...]]]:
    """(command path, option, its choices) for every option of the CLI whose value is an Enum."""
    from typer.main import get_command

    from llmsize.cli import app

    def walk(command: object, path: list[str]) -> Iterator[tuple[list[str], object]]:
        children = getattr(command, "commands", None)
        if not children:
            yield path, command
        for name, child in (children or {}).items():
            yield from walk(child, [*path, name])

    for path, command in walk(get_command(app), []):
        for param in getattr(command, "params", []):
            annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
            if (
                isinstance(annotation, type)
                and issubclass(annotation, Enum)
                and param.opts[0].startswith("-")
            ):
                yield path, param.opts[0], tuple(str(m.value) for m in annotation)


def number_misuses() -> Iterator[tuple[list[str], str]]:
    """(argv, value): a number written against the one rule (llmsize.units), in each kind of option."""
    m = "Qwen2.5-0.5B"
    for value in ("1_000", "\u0663", "1,000"):
        yield ["estimate", m, "--batch", value], value  # an int option (typer)
        yield ["estimate", m, f"--batch={value}"], value  # the same, never through the fast path
        yield ["estimate", m, "--context", value], value  # a token count (workload_options.parse_tokens)
        yield ["estimate", m, "--gpu", "H100", "--num-gpus", value], value
        yield ["gpus", "--min-memory", f"{value}GiB"], value  # a size (units.parse_size)
        yield ["estimate", m, "--engine", "vllm", "--kv-cache-memory", f"{value}GiB"], value
        yield ["estimate", m, "--gpu", "H100", "--concurrency", value], value
    for value in ("0.9_0", "0,9", "\u0660.\u0669"):
        yield ["estimate", m, "--engine", "vllm", "--gpu-memory-utilization", value], value  # a float option


def conflicts() -> Iterator[list[str]]:
    """Options that contradict each other or the model: each must be refused in one line, or said."""
    m = "Qwen2.5-0.5B"
    yield ["estimate", "Qwen/Qwen2.5-0.5B@main", "--revision", "v2"]
    yield ["plan", m, "--gpu", "H100", "--engine", "transformers"]
    yield ["fit", m, "--all"]
    yield ["estimate", m, "--mode", "lora", "--engine", "vllm"]
    yield ["estimate", m, "--kv-dtype", "q4_0", "--engine", "vllm"]
    yield ["estimate", m, "--kv-dtype", "nvfp4", "--engine", "llama.cpp"]
    yield ["models", "--min-params", "70B", "--max-params", "7B"]


def write_odd_paths(root: Path) -> Iterator[tuple[str, Path]]:
    """Model folders and files under odd names or of odd kinds; yield (label, path to pass to `estimate`)."""
    config = json.dumps(llama_config())
    for label, name in (
        ("a space", "my model"),
        ("non-ASCII letters", "模型 ü"),
        ("an '@'", "my@model"),
        ("an Ollama tag's shape", "qwen3:8b"),
        ("a split part's shape", "Qwen3-8B-Q4_K_M-00001-of-00003"),
    ):
        folder = root / f"r5 {name}"
        folder.mkdir()
        (folder / "config.json").write_text(config, encoding="utf-8")
        yield f"folder with {label}", folder
    fifo = root / "r5-fifo"
    fifo.mkdir()
    os.mkfifo(fifo / "config.json")  # reading a FIFO with no writer blocks forever
    yield "config.json a FIFO", fifo
    yield "config.json a FIFO, named", fifo / "config.json"
    weights = root / "r5-fifo-weights"
    weights.mkdir()
    (weights / "config.json").write_text(config, encoding="utf-8")
    os.mkfifo(weights / "model.safetensors")
    yield "model.safetensors a FIFO", weights
    os.mkfifo(root / "r5-fifo.gguf")
    yield "a FIFO named .gguf", root / "r5-fifo.gguf"
    loop = root / "r5-loop"
    loop.mkdir()
    (loop / "config.json").symlink_to("other.json")
    (loop / "other.json").symlink_to("config.json")
    yield "config.json a symbolic-link loop", loop
    (root / "r5-dir.gguf").mkdir()
    yield "a folder named .gguf", root / "r5-dir.gguf"
