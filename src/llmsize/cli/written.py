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


def stdout_shows(ctx: Any, output: Path | None, fmt: str = "") -> bool:
    """Whether the command prints its --format output: always without --output; with it, only when
    --format was given too (then the file and stdout are two asks). `--format html -o page.html` is one
    ask, the page in that file: the same page on stdout is some 10 kB of markup in the terminal, which
    `estimate Qwen3-8B --format html -o x.html` printed after its "Wrote x.html" line (issue 15,
    newcomer round 14)."""
    if output is not None and page_named_twice(ctx, output, fmt):
        return False
    return output is None or format_given(ctx)


def page_named_twice(ctx: Any, output: Path, fmt: str) -> bool:
    """`--format html` (`fmt`) beside an `--output` that is an .html file: both name the page's file."""
    return format_given(ctx) and str(fmt) == "html" and output.suffix.lower() == ".html"


def say_written(ctx: Any, output: Path, summary: str = "", *, err: bool = False, fmt: str = "") -> None:
    """One line after the file is written: where it went, the answer in brief, and how to read it
    (on stderr when stdout carries an output of its own: a --format, or plan's launch command)."""
    from llmsize.errors import one_line

    how = "open it in a browser" if output.suffix.lower() == ".html" else ""
    parts = [p for p in (summary.rstrip("."), how) if p]
    line = f"Wrote {output}" + (f": {'; '.join(parts)}" if parts else "")
    echo(one_line(line), err=err or (format_given(ctx) and not page_named_twice(ctx, output, fmt)))


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
