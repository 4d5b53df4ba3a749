"""Check that `compare --gpus all` prints the same JSON on this code and on an older checkout (issue 15).

A planner sizes one estimate for the GPUs whose workloads differ only in what the engine says its
estimate does not read of the card's architecture and segment (BaseEngine.gpu_facts_read; SGLang:
SM100, Ampere, CDNA3). That may move no number: this runs `compare` over every catalog GPU for the
models whose SGLang estimate does read those facts (gpt-oss's SWA pool and page on SM100, its MXFP4
experts, FP8 weights through Marlin on Ampere, DeepSeek's MLA and FP8, a vision tower) and for plain
dense and MoE models, under SGLang, vLLM and transformers, at a few workloads (a long context, a
batch, a concurrency sweep, fixed GPU counts), as JSON, in one process per source tree, and compares
every output.

    git archive main src model_specs gpu_specs | tar -x -C /tmp/old
    python bench/compare_identical.py --against /tmp/old/src

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
MODELS = ("Llama-3.1-405B", "Qwen3-8B", "gpt-oss-20b", "gpt-oss-120b", "DeepSeek-V3",
          "Ministral-3-8B-Instruct-2512", "Qwen3-30B-A3B", "gemma-3-27b",
          "Devstral-Small-2-24B-Instruct-2512")
ENGINES = ("sglang", "vllm", "transformers")
SETTINGS: tuple[tuple[str, ...], ...] = (
    (), ("--context", "32k"), ("--batch", "8"), ("--num-gpus", "2"), ("--concurrency", "1,16"),
)
SGLANG_ONLY = (("--num-gpus", "8", "--context", "128k"), ("--kv-dtype", "fp8"))


def commands() -> list[list[str]]:
    out = []
    for model in MODELS:
        for engine in ENGINES:
            for setting in SETTINGS + (SGLANG_ONLY if engine == "sglang" else ()):
                out.append(["compare", model, "--gpus", "all", "--engine", engine, *setting,
                            "--format", "json"])
    return out


def run_all() -> None:
    """The child: every command in this process, one JSON line each (exit code and output)."""
    from llmsize.cli import main

    for args in commands():
        buf, err, code = io.StringIO(), io.StringIO(), 0
        with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(err):
            try:
                sys.argv = ["llmsize", *args]
                main()
            except SystemExit as done:
                code = int(done.code or 0)
        line = {"args": args, "code": code, "out": buf.getvalue(), "err": err.getvalue()}
        print(json.dumps(line), flush=True)


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
    codes = sorted({int(str(n["code"])) for n in new})
    print(f"{len(new)} commands (exit codes {codes}), {len(differ)} differ")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
