"""Render the GPU catalog (`llmsize gpus`): a table, or JSON/YAML/CSV of GpuSpec.to_json()."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from llmsize.hardware.gpus import GpuSpec
from llmsize.report.csv_text import csv_text
from llmsize.units import GIB

if TYPE_CHECKING:
    from rich.console import Console


def gpus_document(gpus: Sequence[GpuSpec]) -> list[dict[str, Any]]:
    """The `llmsize gpus --format json` list (DESIGN.md keys first in each object)."""
    return [gpu.to_json() for gpu in gpus]


def render_gpus(gpus: Sequence[GpuSpec], fmt: str, console: Console | None = None, *,
                asked: Sequence[str] = ()) -> None:
    """Write the catalog to stdout (or `console`) as human, json, yaml or csv; `asked` names the table's
    columns a filter asked about ("FP8" for --fp8), placed right after bandwidth so a narrow terminal
    keeps them (issue 15, newcomer round 10: `gpus --fp8` at 80 columns dropped the FP8 column)."""
    if fmt == "human":
        _human(gpus, console or _console(), asked)
        return
    doc = gpus_document(gpus)
    if fmt == "json":
        text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    elif fmt == "yaml":
        import yaml

        text = str(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
    elif fmt == "csv":
        text = _csv(doc)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    (console.file if console is not None else sys.stdout).write(text)


def _csv(doc: list[dict[str, Any]]) -> str:
    if not doc:
        return ""
    return csv_text(list(doc[0]), [{k: _cell(v) for k, v in row.items()} for row in doc])


def _cell(value: Any) -> Any:
    """A CSV cell: lists joined with ' | ', mappings (a price) as key=value pairs, None empty."""
    if isinstance(value, list):
        return " | ".join(map(str, value))
    if isinstance(value, dict):
        return "; ".join(f"{k}={v}" for k, v in value.items() if v not in (None, ""))
    return "" if value is None else value


def _console() -> Console:
    from llmsize.report.plain import rich_console

    return rich_console(highlight=False, soft_wrap=False)  # type: ignore[no-any-return]


def _tflops(value: float | None) -> str:
    return "-" if value is None else f"{value / 1e12:,.1f}"


def _human(gpus: Sequence[GpuSpec], console: Console, asked: Sequence[str] = ()) -> None:
    from rich.table import Table

    if not gpus:
        console.print("No GPU matches these filters.")
        return

    def memory(gpu: GpuSpec) -> str:
        if gpu.memory.unified:
            return f"{gpu.usable_memory_bytes / GIB:,.0f}/{gpu.memory.marketed_bytes / GIB:,.0f}"
        return f"{gpu.memory_bytes / GIB:,.1f}"

    def link(gpu: GpuSpec) -> str:
        speed = gpu.interconnect_bytes_per_s
        return f"{speed / 1e9:,.0f}" if speed else "-"

    columns: list[tuple[str, str, Any]] = [
        ("memory", "GiB", memory),
        ("bandwidth", "GB/s", lambda g: f"{g.bandwidth_gb_s:,.0f}"),
        ("BF16", "TFLOPS", lambda g: _tflops(g.bf16_flops)),
        ("FP16", "TFLOPS", lambda g: _tflops(g.fp16_flops)),
        ("FP8", "TFLOPS", lambda g: _tflops(g.fp8_flops)),
        ("FP4", "TFLOPS", lambda g: _tflops(g.fp4_flops)),
        ("link", "GB/s", link),
        ("TDP", "W", lambda g: f"{g.tdp_w:g}" if g.tdp_w else "-"),
    ]
    first = [c for c in columns if c[0] in asked]
    columns = [*columns[:2], *first, *(c for c in columns[2:] if c not in first)]
    table = Table(title=f"{len(gpus)} GPUs", title_justify="left")
    table.add_column("GPU", no_wrap=True)
    for name, unit, _ in columns:
        table.add_column(f"{name}\n{unit}", justify="right")
    for gpu in gpus:
        table.add_row(gpu.id, *(cell(gpu) for _, _, cell in columns))
    from llmsize.report.table_fit import print_fitted

    print_fitted(table, console)
    console.print("memory: what nvidia-smi/rocm-smi report where known, else the vendor's figure, in GiB "
                  "(2^30 bytes); unified memory: the GPU's default limit/RAM. Planning uses the runtime's "
                  "total (JSON visible_memory_bytes). TFLOPS: dense (no sparsity), '-' = not native. "
                  "link: NVLink/Infinity Fabric, else PCIe.")
