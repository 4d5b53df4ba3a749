"""Render a ReportDiff (`llmsize report diff A B`): tables of what changed, or the diff as JSON/YAML."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

from llmsize.report.diff import ByteChange, ReportDiff
from llmsize.units import GIB

if TYPE_CHECKING:
    from rich.console import Console

_LABELS = {
    "weights": "weights",
    "kv_cache": "KV cache",
    "activations": "activations",
    "gradients": "gradients",
    "optimizer": "optimizer states",
    "adapters": "adapters (LoRA)",
    "overhead": "runtime overhead",
    "total": "total",
    "peak": "peak (live tensors)",
}


def render_diff(diff: ReportDiff, fmt: str, console: Console | None = None) -> None:
    """Write `diff` as a human table, JSON or YAML."""
    if fmt == "human":
        _human(diff, console or _console())
        return
    data = diff.model_dump(mode="json")
    data["identical"] = diff.identical
    if fmt == "json":
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    elif fmt == "yaml":
        import yaml

        text = str(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    else:
        from llmsize.errors import BadInputError

        raise BadInputError(f"report diff prints human, json or yaml, not {fmt}", hint="drop --format csv")
    (console.file if console is not None else sys.stdout).write(text)


# Rows a human table shows before it says how many more differ: two real reports differ in a few dozen
# fields and GPU rows at most, while a saved report edited to hold 10,000 workload keys took 2.5 s to lay
# out as a 10,000-row table (issue 15, round 18). --format json/yaml still lists every change.
_MAX_ROWS = 60


def _more(hidden: int, what: str) -> Any:
    from rich.text import Text

    return Text(f"… and {hidden:,} more {what} (--format json lists every one)")


def _console() -> Console:
    from llmsize.report.plain import rich_console

    return rich_console(highlight=False, soft_wrap=False)  # type: ignore[no-any-return]


def _value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


def _gib(n: int) -> str:
    return f"{n / GIB:.2f}"


def _change(c: ByteChange) -> str:
    sign = "+" if c.delta > 0 else ""
    rel = f" ({sign}{100 * c.relative:.1f}%)" if c.relative is not None and c.delta else ""
    return f"{sign}{c.delta / GIB:.2f}{rel}" if c.delta else "="


def _bytes_table(title: str, rows: tuple[ByteChange, ...], diff: ReportDiff) -> Any:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, title_justify="left")
    table.add_column("component")
    table.add_column(Text(f"A GiB\n{diff.a}"), justify="right")
    table.add_column(Text(f"B GiB\n{diff.b}"), justify="right")
    table.add_column("change GiB", justify="right")
    for c in rows:
        if c.a == 0 and c.b == 0:
            continue
        style = "bold" if c.name in ("total", "peak") else ""
        table.add_row(Text(_LABELS.get(c.name, c.name), style=style), _gib(c.a), _gib(c.b), _change(c))
    return table


def _human(diff: ReportDiff, console: Console) -> None:
    from rich.table import Table
    from rich.text import Text

    console.print(Text(f"A: {diff.a}\nB: {diff.b}"))
    if diff.identical:
        console.print(Text("The two reports are identical in model, workload, memory and fits."))
        return
    inputs = [("model", c) for c in diff.model] + [("workload", c) for c in diff.workload]
    if diff.peak_phase is not None:
        inputs.append(("result", diff.peak_phase))
    if inputs:
        table = Table(title="Inputs that differ", title_justify="left")
        from llmsize.report.links import short_hub_links

        for col in ("", "field", "A", "B"):
            # fold, not "…": a provenance path or URL cut at 80 columns lost the part that differs
            table.add_column(col, overflow="fold")
        for group, c in inputs[:_MAX_ROWS]:
            a, b = (Text(short_hub_links(_value(side))) for side in (c.a, c.b))
            table.add_row(group, c.field, a, b)
        console.print(table)
        if len(inputs) > _MAX_ROWS:
            console.print(_more(len(inputs) - _MAX_ROWS, "inputs that differ"))
    else:
        console.print(Text("Same model and workload."))
    console.print(_bytes_table("Memory (estimate)", diff.memory, diff))
    if diff.measured:
        console.print(_bytes_table("Measured", diff.measured, diff))
    if diff.fits:
        table = Table(title="Fits", title_justify="left")
        for col in ("gpu", "count", "A", "B", "headroom A GiB", "headroom B GiB"):
            table.add_column(col)
        for f in diff.fits[:_MAX_ROWS]:
            marker = "" if f.a == f.b else " *"
            table.add_row(
                f.gpu,
                str(f.count),
                _value(f.a),
                _value(f.b) + marker,
                _gib(f.a_headroom_bytes) if f.a_headroom_bytes is not None else "—",
                _gib(f.b_headroom_bytes) if f.b_headroom_bytes is not None else "—",
            )
        console.print(table)
        if len(diff.fits) > _MAX_ROWS:
            console.print(_more(len(diff.fits) - _MAX_ROWS, "GPU rows"))
