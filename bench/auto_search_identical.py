"""Check that `fit` / `compare` print the same JSON on this code and on an older checkout (issue 15).

The layout search of `--num-gpus auto` (hardware/planner.py choose_layout) skips layouts an engine
refuses before any estimate and shares one budget among the replicas of an inference layout; neither
may move an answer. This runs a grid of models (ones that fit and ones that fit no count), GPUs,
engines, GPU counts and contexts through the CLI, as JSON, in one process per source tree, and
compares every output.

    git archive main src model_specs gpu_specs | tar -x -C /tmp/old
    python bench/auto_search_identical.py --against /tmp/old/src

Exit 0 when every output is identical, 1 otherwise (the differing commands are listed).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[1] / "src")
MODELS = ("Llama-3.1-405B", "Llama-3.3-70B-Instruct", "Qwen3-8B", "gpt-oss-120b", "Qwen3-30B-A3B",
          "gemma-3-27b-it")
GPUS = ("T4", "RTX-4090", "L4", "A100-SXM-40GB", "H100-SXM-80GB", "MI300X", "RX-7900-XTX")
ENGINES = ("sglang", "vllm", "transformers")
SETTINGS: tuple[tuple[str, ...], ...] = (
    ("--num-gpus", "auto"), ("--num-gpus", "4"), ("--num-gpus", "24"),
    ("--num-gpus", "auto", "--context", "32k"), ("--num-gpus", "auto", "--context", "1m"),
    ("--num-gpus", "auto", "--batch", "16"),
)


def commands() -> list[list[str]]:
    out = []
    for model in MODELS:
        for engine in ENGINES:
            out.append(["compare", model, "--gpus", ",".join(GPUS), "--engine", engine, "--format", "json"])
            for gpu in GPUS:
                for setting in SETTINGS:
                    out.append(["fit", model, "--gpu", gpu, "--engine", engine, *setting, "--format", "json"])
    return out


def run_all() -> None:
    """The child: every command in this process, one JSON line each (exit code and output)."""
    from llmsize.cli import main

    for args in commands():
        buf, code = io.StringIO(), 0
        with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(io.StringIO()):
            try:
                sys.argv = ["llmsize", *args]
                main()
            except SystemExit as done:
                code = int(done.code or 0)
        print(json.dumps({"args": args, "code": code, "out": buf.getvalue()}), flush=True)


def outputs(src: str) -> list[dict[str, object]]:
    env = {**os.environ, "PYTHONPATH": src, "HF_HUB_OFFLINE": "1"}
    done = subprocess.run([sys.executable, __file__, "--child"], env=env, capture_output=True, text=True,
                          check=True)
    return [json.loads(line) for line in done.stdout.splitlines()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--against", help="the older checkout's src folder")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_all()
        return
    if not args.against:
        parser.error("--against is required")
    new, old = outputs(SRC), outputs(args.against)
    differ = [n["args"] for n, o in zip(new, old, strict=True) if n != o]
    for cmd in differ:
        print("DIFF", " ".join(map(str, cmd)))  # type: ignore[call-overload]
    print(f"{len(new)} rows, {len(differ)} differ")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
