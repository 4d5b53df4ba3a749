"""Record what a fixed set of llmsize commands print, to prove a speed-up changed no output.

Each command's stdout, stderr and exit code go to OUT/NNN.txt. Run it on the code before and after
a change and compare the two folders; any difference is a changed output:

    PYTHONPATH=<old checkout>/src python bench/cli_outputs.py /tmp/before
    PYTHONPATH=src python bench/cli_outputs.py /tmp/after
    diff -r -x .cache /tmp/before /tmp/after && echo identical

The set covers estimate, explain, compare, fit (one model and --all) and parse, human and JSON, for
dense, MoE, sliding-window, MLA and approximate (not in the catalog) models, with --engine vllm,
--mode qlora and GPU fits; then EDGES: errors, help, usage errors, other terminal widths, names with
markup or non-ASCII characters, YAML/CSV and --output (171 commands). The terminal width is fixed
(COLUMNS=100 unless a case sets it) and the cache folder is new, so the first command also
exercises the cold path that builds the catalog indexes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

MODELS = [
    "Qwen2.5-7B-Instruct-GPTQ-Int4",
    "Llama-3.1-8B-Instruct",
    "Mixtral-8x7B-Instruct-v0.1",  # MoE
    "Qwen3-30B-A3B",  # MoE, stated active size
    "Acme-Custom-13B-Chat",  # not in the catalog: approximated from the name
    "gemma-3-27b-it",  # sliding-window layers
    "DeepSeek-V3",  # MLA + MoE
]


def cases() -> list[list[str]]:
    out: list[list[str]] = []
    for model in MODELS:
        for fmt in ("human", "json"):
            out.append(["estimate", model, "--format", fmt])
            out.append(["explain", model] + (["--format", fmt] if fmt != "human" else []))
            out.append(["estimate", model, "--engine", "vllm", "--gpu", "H100", "--format", fmt])
            out.append(["estimate", model, "--mode", "qlora", "--context", "8k", "--format", fmt])
            out.append(["estimate", model, "--gpu", "RTX-4090,A100-80GB", "--format", fmt])
            out.append(["compare", model, "--gpus", "H100,A100-80GB,L40S,RTX-4090", "--format", fmt])
            out.append(["fit", model, "--gpu", "RTX-4090", "--format", fmt])
            out.append(["parse", model, "--format", fmt])
    for fmt in ("human", "json"):
        quants = ["Qwen2.5-7B-Instruct", "Qwen2.5-7B-Instruct-AWQ", "Qwen2.5-7B-Instruct-GGUF-Q4_K_M"]
        out.append(["compare", *quants, "--gpu", "4090", "--format", fmt])
        out.append(["fit", "--all", "--gpu", "RTX-4090", "--format", fmt])
        out.append(["fit", "--all", "--gpu", "H100", "--engine", "vllm", "--format", fmt])
        out.append(["fit", "--all", "--gpu", "A100-80GB", "--mode", "qlora", "--format", fmt])
        out.append(["gpus", "--format", fmt])
        out.append(["models", "--format", fmt])
        out.append(["estimate", "Llama-3.1-8B", "--mode", "lora", "--engine", "vllm", "--format", fmt])
        out.append(["estimate", "999999999999B", "--format", fmt])
    out.append(["--version"])
    out.append(["estimate", "Llama-3.1-8B-Instruct", "--format", "yaml"])
    out.append(["estimate", "Llama-3.1-8B-Instruct", "--format", "csv"])
    out += EDGES
    return out


# Errors, help, other widths (a leading COLUMNS=N sets the terminal width), names with markup or
# characters beyond ASCII, and the less common options of the commands cli/fast.py and
# report/plain.py run without typer and rich: each must print what typer and rich print.
EDGES: list[list[str]] = [
    ["--help"],
    ["estimate", "--help"],
    ["fit", "--help"],
    ["parse", "--help"],
    ["estimate"],
    ["fit"],
    ["estimate", "No-Such-Model-xyz"],
    ["estimate", "Llama-3.1-8B", "--batch", "0"],
    ["estimate", "Llama-3.1-8B", "--batch", "-1"],
    ["estimate", "Llama-3.1-8B", "--batch=2"],
    ["estimate", "Llama-3.1-8B", "--batch", "2", "--batch", "3"],
    ["estimate", "Llama-3.1-8B", "--mode", "QLORA"],
    ["estimate", "Llama-3.1-8B", "--zero", "4"],
    ["estimate", "Llama-3.1-8B", "--grad-accum", "0"],
    ["estimate", "Llama-3.1-8B", "--no-such-option"],
    ["estimate", "Llama-3.1-8B", "--context", "lots"],
    ["estimate", "Llama-3.1-8B", "--num-gpus", "3", "--tp", "2"],
    ["estimate", "Llama-3.1-8B", "extra-argument"],
    ["estimate", "Llama-3.1-8B", "--gpu-file", "/nonexistent/gpus.yaml", "--gpu", "X"],
    ["estimate", "Llama-3.1-8B", "--mode", "full", "--optimizer", "adamw-8bit", "--gradient-checkpointing"],
    ["estimate", "Qwen3-30B-A3B", "--engine", "sglang", "--gpu", "H100", "--concurrency", "1,8,64"],
    ["estimate", "Llama-3.1-8B", "--images", "2", "--format", "yaml"],
    ["estimate", "Llama-3.1-8B", "--format", "yaml", "--output", "/tmp/llmsize-cli-outputs.yaml", "--force"],
    ["parse", "Foo-[bold]x[/bold]-7B-Instruct"],
    ["parse", "Модель-7B-Instruct"],
    ["parse", "Qwen2.5-7B-Instruct-GPTQ-Int4", "--format", "yaml"],
    ["parse", "Qwen2.5-7B-Instruct-GPTQ-Int4", "--format", "csv"],
    ["parse", ""],
    ["estimate", "Acme-[x]-13B-Chat"],
    ["fit", "Llama-3.1-8B-Instruct", "--gpu", "RTX-4090", "--concurrency", "1,16"],
    ["fit", "Llama-3.1-70B-Instruct", "--gpu", "RTX-4090"],
    ["fit", "Llama-3.1-8B-Instruct", "--gpu", "H100", "--price-per-hour", "2.5", "--format", "yaml"],
    ["fit", "--all", "--gpu", "RTX-4090", "--format", "csv"],
    ["fit", "--all", "--gpu", "M2-Ultra"],
    ["COLUMNS=60", "fit", "--all", "--gpu", "RTX-4090"],
    ["COLUMNS=200", "fit", "--all", "--gpu", "H100"],
    ["COLUMNS=80", "estimate", "Qwen2.5-7B-Instruct-GPTQ-Int4", "--gpu", "RTX-4090,A100-80GB"],
    ["COLUMNS=30", "estimate", "Qwen2.5-7B-Instruct-GPTQ-Int4"],
    ["COLUMNS=40", "parse", "Qwen2.5-7B-Instruct-GPTQ-Int4"],
    ["COLUMNS=60", "fit", "Llama-3.1-8B-Instruct", "--gpu", "RTX-4090"],
]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path, help="folder for the NNN.txt files")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, COLUMNS="100", LLMSIZE_CACHE_DIR=str(args.out / ".cache"))
    all_cases = cases()
    for i, case in enumerate(all_cases):
        width = case[0].removeprefix("COLUMNS=") if case and case[0].startswith("COLUMNS=") else None
        argv = case[1:] if width else case
        done = subprocess.run(
            [sys.executable, "-m", "llmsize", *argv],
            capture_output=True,
            env=dict(env, COLUMNS=width) if width else env,
            text=True,
        )
        text = (
            f"{' '.join(case)}\n---stdout\n{done.stdout}\n---stderr\n{done.stderr}\n---rc {done.returncode}\n"
        )
        (args.out / f"{i:03d}.txt").write_text(text, encoding="utf-8")
    print(f"{len(all_cases)} commands recorded in {args.out}")


if __name__ == "__main__":
    main()
