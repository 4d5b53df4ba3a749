"""Check the series search of `--num-gpus N` against trying every smaller count in turn (issue 15).

When no layout of all N GPUs fits, the planner takes the largest count below N with a layout that
fits (hardware/fewer_gpus.py: by bisection along each series of pipeline degrees). This plans
catalog models, GPUs, engines, modes and GPU counts where the fallback runs, both ways, and lists
every (model, setting) whose layout differs. Exit 0 when none does.

    python bench/fewer_gpus_identical.py [--models N] [--seed 13]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from typing import Any

from llmsize import Workload, resolve
from llmsize.errors import BadInputError
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.planner import Planner
from llmsize.specs.catalog import entries

GPUS = ("T4", "RTX-4090", "L4", "A100-SXM-40GB", "H100-SXM-80GB", "MI300X")
COUNTS = (3, 5, 6, 7, 12, 24, 64)
SETTINGS: list[dict[str, Any]] = [
    {}, {"engine": "vllm"}, {"engine": "sglang"}, {"engine": "vllm", "context": 1 << 20},
    {"engine": "vllm", "context": 131072, "batch": 64}, {"context": 131072, "batch": 8},
    {"mode": "lora", "context": 131072}, {"mode": "qlora", "context": 262144},
    {"mode": "full", "context": 32768}, {"engine": "sglang", "context": 1 << 20},
]


def both(planner: Planner, gpu_id: str, n: int) -> tuple[Any, Any]:
    gpu = get_gpu(gpu_id)
    sub = planner.for_gpu(gpu)
    candidates = sub.layouts(n)
    known: dict[Any, Any] = {}
    usable = sub.usable(gpu)
    if candidates and sub._first_fit(candidates, usable, gpu, known)[1]:
        return None, None  # all N fit: no fallback
    return sub._fewer_gpus(gpu, n, usable, {}), sub.fewer_gpus_one_by_one(gpu, n, usable, {})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--models", type=int, default=40, help="catalog models sampled (default 40)")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"
    names = sorted({e.name for e in entries()})
    picked = random.Random(args.seed).sample(names, min(args.models, len(names)))
    compared = differ = 0
    start = time.perf_counter()
    for name in picked:
        try:
            spec = resolve(name)
        except BadInputError:
            continue
        for setting in SETTINGS:
            try:
                planner = Planner(spec, Workload(**setting))
            except (BadInputError, ValueError):
                continue
            for gpu_id in GPUS:
                for n in COUNTS:
                    try:
                        new, old = both(planner, gpu_id, n)
                    except BadInputError:
                        continue
                    if new is None and old is None:
                        continue
                    compared += 1
                    if new != old:
                        differ += 1
                        print(f"DIFF {name} {setting} {gpu_id} x{n}: series {new} one-by-one {old}")
    took = time.perf_counter() - start
    print(f"{compared:,} fallbacks that found a layout compared, {differ} differ ({took:.0f} s)")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
