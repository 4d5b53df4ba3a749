"""Wall time of `llmsize parse` and `llmsize estimate <catalog model>` against `python -c pass`.

The target (issue 2): well under 0.25 s wall for these commands on the 2-core CI machine.
Run: python bench/cli_startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
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
}
TARGET_S = 0.25


def _median_wall(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, check=False)
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
        verdict = "" if label == "python -c pass" else ("ok" if wall < TARGET_S else f"over {TARGET_S}s")
        print(f"{label:34} {wall * 1000:9.1f} ms {wall / baseline:8.2f}x  {verdict}")


if __name__ == "__main__":
    main()
