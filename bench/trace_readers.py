"""Trace rows for config readers added after the published matrix: markdown rows for docs/validation.md.

bench/validate.py rewrites the whole of docs/validation.md from its own model list; this prints the rows
of a few more catalog entries (their config.json cut to a layer count that keeps every kind of block)
so they can be pasted into their own section:

    PYTHONPATH=src python bench/trace_readers.py                       # apertus, ministral3, glm4_moe_lite
    PYTHONPATH=src python bench/trace_readers.py --models Apertus-8B-2509
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from llmsize.estimate.workload import Workload
from llmsize.measure.trace_check import Comparison, compare
from llmsize.specs import catalog

# (catalog entry, layers traced: enough for every kind of block, the config key holding the decoder)
MODELS: tuple[tuple[str, int], ...] = (
    ("Apertus-8B-2509", 2),  # apertus: ungated xIELU MLP, per-head q/k norm
    ("Ministral-3-3B-Instruct-2512", 2),  # mistral3 wrapper: Pixtral tower + ministral3 decoder
    ("GLM-4.7-Flash", 3),  # glm4_moe_lite: MLA, one dense block, then MoE + shared expert
)
# (context, prompt tokens or None for the whole context, batch, mode)
WORKLOADS: tuple[tuple[int, int | None, int, str], ...] = (
    (40, 24, 2, "inference"),
    (4096, None, 1, "inference"),
    (8192, 128, 4, "inference"),
    (1024, None, 1, "lora"),
)


def workload(context: int, prompt: int | None, batch: int, mode: str) -> Workload:
    if mode == "inference":
        return Workload(context=context, prompt_tokens=prompt, batch=batch)
    return Workload(mode=mode, framework="plain", context=context, batch=batch, lora_rank=16)


def row(c: Comparison, mode: str) -> str:
    wl = c.workload
    prompt = wl.prompt_tokens or wl.context
    kv = "—" if mode != "inference" else f"{c.est_kv_full:,} / {c.trace_kv_full:,}"
    weights = "=" if c.est_weights == c.trace_params else f"{c.est_weights - c.trace_params:+,d} B"
    return (
        f"| {c.name} | {c.num_layers} | {mode} | {wl.context} | {prompt} | {wl.batch} | {c.trace_phase} | "
        f"{c.trace_params:,} ({weights}) | {kv} | {c.est_peak:,} | {c.trace_peak:,} | "
        f"{100 * c.peak_error:+.2f}% |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models", type=lambda s: s.split(","), default=[m for m, _ in MODELS])
    args = parser.parse_args(argv)
    layers = dict(MODELS)
    print(
        "| model | layers | mode | context | prompt | batch | peak phase | params bytes (estimate) | "
        "cache at full context est. / model (B) | peak est. (B) | peak trace (B) | error |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    start = time.time()
    for name in args.models:
        entry = catalog.get(name)
        if entry is None:
            print(f"{name}: not in the catalog", file=sys.stderr)
            return 2
        config: dict[str, Any] = {k: v for k, v in entry.model.config.items() if k != "quantization_config"}
        for context, prompt, batch, mode in WORKLOADS:
            wl = workload(context, prompt, batch, mode)
            try:
                c = compare(config, wl, name=entry.name, num_layers=layers.get(name, 2))
            except Exception as exc:  # a trace that cannot run is reported, not hidden
                print(
                    f"| {entry.name} | {mode} {context}/{prompt}/b{batch} | "
                    f"FAILED: {type(exc).__name__}: {exc} |"
                )
                continue
            print(row(c, mode), flush=True)
    print(f"({time.time() - start:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
