"""GPU and planning options shared by `gpus`, `fit`, `compare` (and `estimate --gpu`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from llmsize.cli.completion import complete_gpu
from llmsize.errors import BadInputError

_PANEL = "GPUs"

GpuOpt = Annotated[str | None, typer.Option(
    "--gpu", help="GPU by catalog id or alias (H100, RTX-4090, a100-80gb, M2-Ultra...); see `llmsize gpus`.",
    rich_help_panel=_PANEL, autocompletion=complete_gpu)]
GpusOpt = Annotated[str | None, typer.Option(
    "--gpus", help="Comma-separated GPUs to compare, e.g. H100,A100-80GB,L40S,RTX-4090 (or 'all').",
    rich_help_panel=_PANEL, autocompletion=complete_gpu)]
NumGpusOpt = Annotated[str, typer.Option(
    "--num-gpus", help="GPUs in total, or 'auto' for the smallest count (and layout) that fits.",
    rich_help_panel=_PANEL)]
GpuFileOpt = Annotated[list[Path] | None, typer.Option(
    "--gpu-file", help="Extra GPU catalog YAML (repeatable); also read: ~/.config/llmsize/gpus/ or "
                       "$LLMSIZE_GPU_DIR.", rich_help_panel=_PANEL)]
GpuMemoryUtilOpt = Annotated[float, typer.Option(
    "--gpu-memory-utilization", min=0.05, max=1.0,
    help="vLLM: share of the card it pre-allocates (weights, activations, then KV blocks).",
    rich_help_panel=_PANEL)]
GpuLayersOpt = Annotated[int | None, typer.Option(
    "--gpu-layers", min=0, help="llama.cpp: layers on the GPU (default: all; the rest run from CPU RAM).",
    rich_help_panel=_PANEL)]
BandwidthEffOpt = Annotated[float | None, typer.Option(
    "--bandwidth-efficiency", min=0.01, max=1.0,
    help="Speed model: achieved share of peak memory bandwidth (default 0.7).", rich_help_panel=_PANEL)]
ComputeEffOpt = Annotated[float | None, typer.Option(
    "--compute-efficiency", min=0.01, max=1.0,
    help="Speed model: achieved share of peak tensor FLOP/s (default 0.5).", rich_help_panel=_PANEL)]
OutputTokensOpt = Annotated[int | None, typer.Option(
    "--output-tokens", min=0, help="Chat budget: tokens each reply adds.", rich_help_panel=_PANEL)]
TurnsOpt = Annotated[int | None, typer.Option(
    "--turns", min=1, help="Chat budget: turns of a conversation whose history grows each turn.",
    rich_help_panel=_PANEL)]
SystemTokensOpt = Annotated[int, typer.Option(
    "--system-tokens", min=0, help="Chat budget: tokens of the system prompt.", rich_help_panel=_PANEL)]


# The largest training jobs run on ~100k GPUs, as data-parallel replicas of a far smaller layout;
# one model's memory plan never needs more GPUs than this (and the planner walks the counts).
MAX_GPUS = 4096


def parse_num_gpus(text: str | int | None) -> int | None:
    """'auto' -> None (the planner picks); a positive integer -> itself; anything else: BadInputError."""
    if text is None:
        return 1
    if isinstance(text, int):
        value = text
    elif text.strip().lower() == "auto":
        return None
    else:
        try:
            value = int(text.strip())
        except ValueError:
            raise BadInputError(f"--num-gpus {text!r} is neither a number nor 'auto'",
                                hint="write e.g. --num-gpus 4 or --num-gpus auto") from None
    if value < 1:
        raise BadInputError(
            f"--num-gpus {value} is impossible: at least one GPU is needed",
            hint="use --num-gpus 1 or more, or --num-gpus auto",
        )
    if value > MAX_GPUS:
        raise BadInputError(
            f"--num-gpus {value:,} is more GPUs than llmsize plans for (up to {MAX_GPUS:,})",
            hint="use --num-gpus auto for the smallest count that fits",
        )
    return value


def split_gpu_list(text: str, option: str = "--gpus") -> list[str]:
    """'H100, A100-80GB,,L40S' -> ['H100', 'A100-80GB', 'L40S']; an empty list is bad input."""
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        raise BadInputError(f"{option} is empty", hint=f"name GPUs, e.g. {option} H100,A100-80GB,RTX-4090")
    return names
