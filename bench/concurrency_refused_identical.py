"""The concurrency sweep's shortcuts under --num-gpus auto give the rows the full search gives.

hardware/concurrency.py concurrency_rows: once a level is refused at every count of `--num-gpus auto`, a
larger level takes the widest layout's row without searching (more sequences never need less memory).
This compares each such row with `Planner.plan(gpu, None)` at that level, over models, engines and
small GPUs where large models fit no count (engines without a KV pool, and SGLang where none is sized).
Run: python bench/concurrency_refused_identical.py [--quick]
"""

from __future__ import annotations

import sys

from llmsize.estimate.workload import Workload
from llmsize.hardware.concurrency import concurrency_rows
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.planner import Planner
from llmsize.specs.resolve import resolve

MODELS = ("Llama-3.1-405B", "DeepSeek-V3", "Qwen3-235B-A22B", "Llama-3.1-70B")
ENGINES = ("sglang", "llama.cpp", "ollama", "transformers")
GPUS = ("T4", "RTX-3060", "L4")
LEVELS = (1, 4, 3, 64, 4096, 64, 2**20, 2, 2**30)

FIELDS = ("fits", "count", "tp", "pp", "dp", "peak_bytes_per_gpu", "reason", "gpu_layers", "max_context")


def main() -> int:
    quick = "--quick" in sys.argv
    checked = differ = 0
    for model in MODELS[:2] if quick else MODELS:
        spec = resolve(model)
        for engine in ENGINES:
            for gpu_id in GPUS[:1] if quick else GPUS:
                gpu = get_gpu(gpu_id)
                wl = Workload(engine=engine)
                base = Planner(spec, wl)
                layout, _ = base.choose_layout(gpu, None)
                one = base.fit_layout(gpu, layout, limits=False, batch_limit=False)
                if one.max_concurrent_seqs is not None:
                    continue  # a KV pool (vLLM, SGLang): every level reads the pool, not a search
                rows = concurrency_rows(spec, wl, [gpu], LEVELS, None, limits=False)
                for level, row in zip(LEVELS, rows, strict=True):
                    full = Planner(spec, wl.model_copy(update={"batch": level})).plan(
                        gpu, None, limits=False, batch_limit=False)
                    checked += 1
                    a = {f: getattr(row, f, None) for f in FIELDS}
                    b = {f: getattr(full, f, None) for f in FIELDS}
                    if a != b:
                        differ += 1
                        print(f"DIFFER {model} {engine} {gpu_id} level {level}: {a} != {b}")
    print(f"{checked} rows, {differ} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
