"""How many estimates per second the vectorised sweep computes (issue 3 asks for >= 100,000).

    python bench/sweep.py [MODEL ...]

A grid of contexts x batches x dtypes for one model, timed over a few repeats; the figure is
grid points divided by the best wall time.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from llmsize.estimate.sweep import sweep
from llmsize.estimate.workload import Workload
from llmsize.specs.resolve import resolve

CONTEXTS = np.unique(np.geomspace(128, 131072, 96).astype(int))
BATCHES = np.arange(1, 65)
DTYPES = ("bf16", "fp16", "fp32")
REPEATS = 5


def bench(model: str) -> float:
    spec = resolve(model)
    base = Workload()
    best = float("inf")
    points = 0
    for _ in range(REPEATS):
        start = time.perf_counter()
        grid = sweep(spec, base, CONTEXTS.tolist(), BATCHES.tolist(), DTYPES)
        best = min(best, time.perf_counter() - start)
        points = grid.size
    rate = points / best
    print(f"{model:28s} {points:>7,} estimates in {best * 1e3:7.1f} ms = {rate:>12,.0f} estimates/s")
    return rate


def main(argv: list[str]) -> int:
    models = argv or [
        "Qwen2.5-7B-Instruct",
        "Llama-3.1-8B",
        "gemma-2-9b",
        "Mixtral-8x7B-v0.1",
        "DeepSeek-V2-Lite",
    ]
    rates = [bench(m) for m in models]
    print(f"slowest: {min(rates):,.0f} estimates/s (target 100,000)")
    return 0 if min(rates) >= 100_000 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
