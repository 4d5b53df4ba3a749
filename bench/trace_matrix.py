"""Estimate vs trace over the full matrix: architectures x inference contexts/batches x training recipes.

The CI subset lives in tests/trace/; this runs everything and prints one row per workload:
the estimated and traced peak (weights + KV + activations + gradients + optimizer states, no
runtime overhead), the error, and the error of every phase. Needs torch, transformers and peft.

    python bench/trace_matrix.py                      # everything (takes a while)
    python bench/trace_matrix.py --models Qwen2.5-7B --inference-only
    python bench/trace_matrix.py --layers 4 --contexts 128,32768 --batches 1,8
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from typing import Any

from llmsize.estimate.workload import Workload
from llmsize.measure.trace_check import Comparison, compare, spec_of
from llmsize.specs import catalog

GIB = 2**30

# The architectures the issue names, by catalog entry: Llama 3.x (untied 8B, tied 1B), Qwen2.5
# (qkv bias; tied 0.5B/1.5B, untied 7B), Mistral v0.1 (sliding window), Mixtral (MoE), Qwen3-MoE,
# Gemma 2 (interleaved windows, 256k vocabulary, eager attention), Phi-3 (fused projections),
# DeepSeek-V2-Lite (MLA + MoE with a dense first block); beyond the list: Falcon (parallel
# block; multi-query 7b, K/V broadcast to every head in 40b) and gpt-oss (eager attention with
# sinks, expert biases; traced as a bf16 model, its MXFP4 quantization_config dropped).
MODELS = (
    "Llama-3.1-8B",
    "Llama-3.2-1B",
    "Qwen2.5-0.5B",
    "Qwen2.5-1.5B",
    "Qwen2.5-7B",
    "Mistral-7B-v0.1",
    "Mixtral-8x7B-v0.1",
    "Qwen3-30B-A3B",
    "gemma-2-9b",
    "Phi-3-mini-4k-instruct",
    "DeepSeek-V2-Lite",
    "falcon-7b",
    "falcon-40b",
    "gpt-oss-20b",
)
CONTEXTS = (128, 1024, 4096, 8192, 16384, 32768)
BATCHES = (1, 8)
TRAIN_CONTEXTS = (1024, 4096)
TRAIN_BATCHES = (1, 2)


def layers_for(config: dict[str, Any], minimum: int) -> int:
    """Enough blocks to hold every kind of block the model has (sliding/full, dense/MoE)."""
    full = spec_of(config, "probe")
    first: dict[tuple[Any, bool], int] = {}
    for layer in range(full.num_layers):
        first.setdefault((full.layer_window(layer), full.is_moe_layer(layer)), layer)
    return min(full.num_layers, max(minimum, max(first.values()) + 1))


def workloads(args: argparse.Namespace, dtype: str | None) -> Iterator[Workload]:
    extra: dict[str, Any] = {"dtype": dtype} if dtype else {}
    if not args.training_only:
        for ctx in args.contexts:
            for batch in args.batches:
                yield Workload(mode="inference", context=ctx, batch=batch, **extra)
                if ctx > 128:  # a short prompt decoded to the full context: the decode phase
                    yield Workload(mode="inference", context=ctx, prompt_tokens=128, batch=batch, **extra)
    if not args.inference_only:
        for ctx in args.train_contexts:
            for batch in args.train_batches:
                for gc in (False, True):
                    yield Workload(
                        mode="full",
                        framework="plain",
                        context=ctx,
                        batch=batch,
                        gradient_checkpointing=gc,
                        master_weights=False,
                        **extra,
                    )
                    yield Workload(
                        mode="lora",
                        framework="plain",
                        context=ctx,
                        batch=batch,
                        gradient_checkpointing=gc,
                        lora_rank=16,
                        lora_targets=("all-linear",),
                        **extra,
                    )


def describe(wl: Workload) -> str:
    parts = [str(wl.mode), f"ctx {wl.context}"]
    if wl.prompt_tokens:
        parts.append(f"prompt {wl.prompt_tokens}")
    parts.append(f"b{wl.batch}")
    if wl.gradient_checkpointing:
        parts.append("gc")
    return " ".join(parts)


def row(c: Comparison) -> str:
    phase_errs = " ".join(f"{p}:{100 * c.phase_error(p):+.2f}%" for p in c.trace_phases if p in c.est_phases)
    flags = []
    if c.est_weights != c.trace_params:
        flags.append(f"weights {c.est_weights - c.trace_params:+,d} B")
    if not c.workload.mode.trains:
        if c.est_kv_prefill != c.trace_kv_prefill or c.est_kv_full != c.trace_kv_full:
            flags.append(
                f"kv {c.est_kv_prefill - c.trace_kv_prefill:+,d}/{c.est_kv_full - c.trace_kv_full:+,d} B"
            )
    elif c.est_optimizer != c.trace_optimizer:
        flags.append(f"optimizer {c.est_optimizer - c.trace_optimizer:+,d} B")
    return (
        f"{c.name:24s} L{c.num_layers:<2d} {describe(c.workload):34s} "
        f"{c.est_peak / GIB:9.3f} {c.trace_peak / GIB:9.3f} {100 * c.peak_error:+7.2f}%  "
        f"{c.trace_phase:9s} {phase_errs}  {'; '.join(flags)}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models", type=lambda s: s.split(","), default=list(MODELS))
    parser.add_argument("--layers", type=int, default=2, help="minimum decoder layers traced (real widths)")
    parser.add_argument("--contexts", type=lambda s: [int(x) for x in s.split(",")], default=list(CONTEXTS))
    parser.add_argument("--batches", type=lambda s: [int(x) for x in s.split(",")], default=list(BATCHES))
    parser.add_argument(
        "--train-contexts", type=lambda s: [int(x) for x in s.split(",")], default=list(TRAIN_CONTEXTS)
    )
    parser.add_argument(
        "--train-batches", type=lambda s: [int(x) for x in s.split(",")], default=list(TRAIN_BATCHES)
    )
    parser.add_argument("--inference-only", action="store_true")
    parser.add_argument("--training-only", action="store_true")
    args = parser.parse_args(argv)

    print(
        f"{'model':24s} {'L':3s} {'workload':34s} {'est GiB':>9s} {'trace GiB':>9s} {'error':>8s}  "
        f"{'peak at':9s} per-phase errors"
    )
    worst = 0.0
    start = time.time()
    for name in args.models:
        entry = catalog.get(name)
        if entry is None:
            print(f"{name}: not in the catalog", file=sys.stderr)
            continue
        # from_config builds float weights: compare with the same architecture stored unquantized.
        config = {k: v for k, v in entry.model.config.items() if k != "quantization_config"}
        # Gemma 2 checkpoints declare float32; people run them in bf16.
        dtype = "bf16" if str(config.get("torch_dtype", config.get("dtype", ""))) == "float32" else None
        layers = layers_for(config, args.layers)
        for wl in workloads(args, dtype):
            try:
                c = compare(config, wl, name=entry.name, num_layers=layers)
            except Exception as exc:
                print(f"{entry.name:24s} {describe(wl):34s} FAILED: {type(exc).__name__}: {exc}", flush=True)
                continue
            worst = max(worst, abs(c.peak_error))
            print(row(c), flush=True)
    print(f"worst peak error {100 * worst:.2f}% ({time.time() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
