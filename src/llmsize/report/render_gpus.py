"""Render the GPU catalog (`llmsize gpus`): a table, or JSON/YAML/CSV of GpuSpec.to_json()."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from llmsize.hardware.gpus import GpuSpec
from llmsize.units import GIB

if TYPE_CHECKING:
    from rich.console import Console


def gpus_document(gpus: Sequence[GpuSpec]) -> list[dict[str, Any]]:
    """The `llmsize gpus --format json` list (DESIGN.md keys first in each object)."""
    return [gpu.to_json() for gpu in gpus]


def render_gpus(gpus: Sequence[GpuSpec], fmt: str, console: Console | None = None) -> None:
    """Write the catalog to stdout (or `console`) as human, json, yaml or csv."""
    if fmt == "human":
        _human(gpus, console or _console())
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
    buf = io.StringIO()
    if not doc:
        return ""
    writer = csv.DictWriter(buf, fieldnames=list(doc[0]), lineterminator="\n")
    writer.writeheader()
    for row in doc:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return buf.getvalue()


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


def _human(gpus: Sequence[GpuSpec], console: Console) -> None:
    from rich.table import Table

    if not gpus:
        console.print("No GPU matches these filters.")
        return
    table = Table(title=f"{len(gpus)} GPUs", title_justify="left")
    table.add_column("GPU", no_wrap=True)
    table.add_column("memory\nGiB", justify="right")
    table.add_column("bandwidth\nGB/s", justify="right")
    table.add_column("BF16\nTFLOPS", justify="right")
    table.add_column("FP16\nTFLOPS", justify="right")
    table.add_column("FP8\nTFLOPS", justify="right")
    table.add_column("FP4\nTFLOPS", justify="right")
    table.add_column("link\nGB/s", justify="right")
    table.add_column("TDP\nW", justify="right")
    for gpu in gpus:
        memory = f"{gpu.memory_bytes / GIB:,.1f}"
        if gpu.memory.unified:
            memory = f"{gpu.usable_memory_bytes / GIB:,.0f}/{gpu.memory.marketed_bytes / GIB:,.0f}"
        link = gpu.interconnect_bytes_per_s
        table.add_row(
            gpu.id, memory, f"{gpu.bandwidth_gb_s:,.0f}", _tflops(gpu.bf16_flops), _tflops(gpu.fp16_flops),
            _tflops(gpu.fp8_flops), _tflops(gpu.fp4_flops), f"{link / 1e9:,.0f}" if link else "-",
            f"{gpu.tdp_w:g}" if gpu.tdp_w else "-",
        )
    from llmsize.report.table_fit import print_fitted

    print_fitted(table, console)
    console.print("memory: what nvidia-smi/rocm-smi report where known, else the vendor's figure, in GiB "
                  "(2^30 bytes); unified memory: the GPU's default limit/RAM. Planning uses the runtime's "
                  "total (JSON visible_memory_bytes). TFLOPS: dense (no sparsity), '-' = not native. "
                  "link: NVLink/Infinity Fabric, else PCIe.")
