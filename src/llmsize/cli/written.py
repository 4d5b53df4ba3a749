"""What a command prints when `--output FILE` took its answer (issue 15, round 8).

`-o FILE` is where the answer goes, as `curl -o`, `pandoc -o` and `ruff --output-file` take it: the
whole document lands in the file and the terminal gets one line saying where, with the answer in
brief (every command printed its full table as well, and never said where it wrote). A `--format`
given beside `-o` is an explicit ask for stdout too: that output is printed as asked and the
"wrote" line goes to stderr, so `--format json -o a.json | jq` still reads one JSON document.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from llmsize.cli.declare import echo


def format_given(ctx: Any) -> bool:
    """Whether `--format` was on the command line (not its default)."""
    return ctx is not None and getattr(ctx.get_parameter_source("fmt"), "name", "") not in ("DEFAULT", "")


def stdout_shows(ctx: Any, output: Path | None) -> bool:
    """Whether the command prints its --format output: always without --output; with it, only when
    --format was given too (then the file and stdout are two asks)."""
    return output is None or format_given(ctx)


def say_written(ctx: Any, output: Path, summary: str = "", *, err: bool = False) -> None:
    """One line after the file is written: where it went, the answer in brief, and how to read it
    (on stderr when stdout carries an output of its own: a --format, or plan's launch command)."""
    from llmsize.errors import one_line

    how = "open it in a browser" if output.suffix.lower() == ".html" else ""
    parts = [p for p in (summary.rstrip("."), how) if p]
    line = f"Wrote {output}" + (f": {'; '.join(parts)}" if parts else "")
    echo(one_line(line), err=err or format_given(ctx))


def estimate_summary(report: Any, output: Path) -> str:
    """An estimate document in brief: the model, its peak, each GPU asked for, and how to print it."""
    from llmsize.units import GIB

    text = f"{report.model.name} needs {report.memory['total'] / GIB:,.2f} GiB at its peak"
    rows = [f"{'fits' if row.fits else 'does not fit'} {row.gpu}" for row in report.gpus[:4]]
    if rows:
        text += f" ({', '.join(rows)}{', ...' if len(report.gpus) > 4 else ''})"
    if output.suffix.lower() != ".html":
        text += f"; `llmsize report show {output}` prints the table"
    return text
