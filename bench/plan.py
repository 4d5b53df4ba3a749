"""Time the planner: `fit --all` over the model catalog on one GPU, and `compare` over every GPU.

The target (issue 4): each answers in under a second. Run: python bench/plan.py [--runs 3]
It reports the library time (what the commands spend planning) and the wall time of the CLI.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

TARGET_S = 1.0


def _fit_all(gpu: str) -> Callable[[], int]:
    def run() -> int:
        from llmsize.estimate.workload import Workload
        from llmsize.hardware.gpus import get_gpu
        from llmsize.hardware.plan import fit_catalog
        from llmsize.specs.catalog import specs

        fits = fit_catalog(specs(), Workload(), get_gpu(gpu), 1)
        return len(fits)

    return run


def _compare_all(model: str) -> Callable[[], int]:
    def run() -> int:
        from llmsize.estimate.workload import Workload
        from llmsize.hardware.gpus import load_catalog
        from llmsize.hardware.plan import compare
        from llmsize.specs.resolve import resolve

        rows = compare([(resolve(model), Workload())], list(load_catalog()), None)
        return len(rows)

    return run


def _library(label: str, fn: Callable[[], int], runs: int) -> float:
    times = []
    n = 0
    for _ in range(runs):
        start = time.perf_counter()
        n = fn()
        times.append(time.perf_counter() - start)
    best = min(times)
    print(f"{label:58} {n:4} rows  median {statistics.median(times):6.3f} s  best {best:6.3f} s")
    return best


def _cli(args: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "llmsize", *args], capture_output=True, check=False)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 3):
            raise SystemExit(f"llmsize {' '.join(args)} failed: {done.stderr.decode()[-400:]}")
    wall = statistics.median(times)
    print(f"{'wall: llmsize ' + ' '.join(args):58}       median {wall:6.3f} s")
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--gpu", default="RTX-4090")
    parser.add_argument("--model", default="Llama-3.1-70B")
    args = parser.parse_args()
    worst = max(
        _library(f"fit --all --gpu {args.gpu} (library)", _fit_all(args.gpu), args.runs),
        _library(f"compare {args.model} --gpus all (library)", _compare_all(args.model), args.runs),
    )
    _cli(["fit", "--all", "--gpu", args.gpu, "--format", "json"], args.runs)
    _cli(["compare", args.model, "--gpus", "all", "--format", "json"], args.runs)
    verdict = "OK" if worst < TARGET_S else "SLOW"
    print(f"{verdict}: slowest planning {worst:.3f} s (target < {TARGET_S:.1f} s)")


if __name__ == "__main__":
    main()
