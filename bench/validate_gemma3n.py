"""Gemma 3n and Gemma 4 E2B/E4B: estimate vs trace at full depth, for docs/validation.md.

    python bench/validate_gemma3n.py                          # the four catalog entries
    python bench/validate_gemma3n.py --models gemma-4-E2B-it  # one

bench/validate.py extrapolates from two reduced depths, which needs every layer kind to repeat with
the depth; the KV-shared layers of these models sit at the end (the last 10 to 20 layers), so a
shallower model is a different sharing split. The trace is cheap enough (fake tensors) to run the
whole depth instead, so nothing is extrapolated here. Gemma 3n is traced as its text model
(Gemma3nForCausalLM): its MobileNetV5 vision tower needs timm, which the measure extra does not
install; Gemma 4 E2B/E4B are traced whole (vision and audio towers included). Writes
docs/validation/gemma3n.yaml and prints the markdown rows.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MODELS = ("gemma-3n-E2B-it", "gemma-3n-E4B-it", "gemma-4-E2B-it", "gemma-4-E4B-it")
WORKLOADS = tuple((ctx, batch) for ctx in (1024, 8192, 32768) for batch in (1, 8))
GIB = 2**30


def _config(name: str) -> dict[str, Any]:
    from llmsize.specs import catalog

    entry = catalog.get(name)
    if entry is None:
        raise SystemExit(f"{name}: not in the catalog")
    cfg = dict(entry.model.config)
    if cfg.get("model_type") == "gemma3n":
        cfg = {**cfg["text_config"], "dtype": "bfloat16"}
    return cfg


def run(name: str, ctx: int, batch: int) -> dict[str, Any]:
    from llmsize.estimate.workload import Workload
    from llmsize.measure.trace_check import compare

    t0 = time.time()
    c = compare(
        _config(name), Workload(context=ctx, prompt_tokens=ctx // 2, batch=batch, dtype="bf16"), name=name
    )
    return {
        "model": name,
        "workload": f"inference {ctx // 1024}k b{batch}",
        "layers": c.num_layers,
        "weights": [c.est_weights, c.trace_params],
        "kv_prefill": [c.est_kv_prefill, c.trace_kv_prefill],
        "kv_full": [c.est_kv_full, c.trace_kv_full],
        "peak": [c.est_peak, c.trace_peak],
        "phase": [c.est_phase, c.trace_phase],
        "error": c.peak_error,
        "where": c.where,
        "seconds": round(time.time() - t0),
    }


def row(r: dict[str, Any]) -> str:
    same = "=" if r["weights"][0] == r["weights"][1] else "≠"
    kv = "=" if r["kv_prefill"][0] == r["kv_prefill"][1] and r["kv_full"][0] == r["kv_full"][1] else "≠"
    return (
        f"| {r['model']} | {r['workload']} | {r['layers']} | {r['weights'][1]:,} {same} | "
        f"{r['kv_full'][1]:,} {kv} | {r['peak'][0] / GIB:.2f} | {r['peak'][1] / GIB:.2f} | "
        f"{100 * r['error']:+.2f}% | {r['phase'][1]} |"
    )


def main(argv: list[str] | None = None) -> int:
    import yaml

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models", type=lambda s: s.split(","), default=list(MODELS))
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "validation" / "gemma3n.yaml")
    args = parser.parse_args(argv)
    rows = []
    for name in args.models:
        for ctx, batch in WORKLOADS:
            r = run(name, ctx, batch)
            rows.append(r)
            print(row(r), f"[{r['seconds']}s]", flush=True, file=sys.stderr)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        yaml.safe_dump({"method": __doc__.strip().splitlines()[0], "rows": rows}, sort_keys=False)
    )
    print(
        "| model | workload | layers | weight bytes (trace; = estimate) "
        "| KV bytes at full context (= estimate) | estimated GiB | measured GiB | error | peak phase |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        print(row(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
