"""Cold wall time of llmsize commands as ratios to `python -c pass` measured in the same run.

Targets (issue 15): `estimate` and `parse` within 15x `python -c pass`, `fit --all` within 35x.
Ratios, not seconds, so a loaded or slower machine still compares like with like.
Run: python bench/cli_startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

COMMANDS: dict[str, list[str]] = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "llmsize --version": [sys.executable, "-m", "llmsize", "--version"],
    "llmsize parse": [sys.executable, "-m", "llmsize", "parse", "Qwen2.5-7B-Instruct-GPTQ-Int4"],
    "llmsize estimate": [sys.executable, "-m", "llmsize", "estimate", "Qwen2.5-7B-Instruct-GPTQ-Int4"],
    "llmsize estimate --format json": [
        sys.executable, "-m", "llmsize", "estimate", "Llama-3.1-8B-Instruct", "--format", "json",
    ],
    "llmsize fit --all": [sys.executable, "-m", "llmsize", "fit", "--all", "--gpu", "RTX-4090"],
}
TARGET_RATIO = {"llmsize parse": 15.0, "llmsize estimate": 15.0, "llmsize estimate --format json": 15.0,
                "llmsize fit --all": 35.0}


# Cold means a new process, as a user runs it: with the bytecode pip writes at install time.
# PYTHONDONTWRITEBYTECODE would make every run compile every module and measure the compiler.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _median_wall(cmd: list[str], runs: int) -> float:
    subprocess.run(cmd, capture_output=True, check=False, env=ENV)  # writes the bytecode once
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, check=False, env=ENV)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr.decode()[-400:]}")
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    baseline = _median_wall(COMMANDS["python -c pass"], args.runs)
    print(f"{'command':34} {'median wall':>12} {'x python':>9}  target")
    for label, cmd in COMMANDS.items():
        wall = _median_wall(cmd, args.runs)
        target = TARGET_RATIO.get(label)
        ratio = wall / baseline
        verdict = "" if target is None else ("ok" if ratio <= target else "over") + f" ({target:g}x)"
        print(f"{label:34} {wall * 1000:9.1f} ms {ratio:8.2f}x  {verdict}")


if __name__ == "__main__":
    main()
