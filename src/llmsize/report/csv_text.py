"""CSV text for every command's `--format csv`, with cells a spreadsheet would run made inert.

Model names, GPU ids and paths come from the user or from a config, and llmsize treats them as data.
A CSV cell that starts with =, +, -, @, a tab or a carriage return is read by Excel, LibreOffice and
Google Sheets as a formula (OWASP, "CSV Injection"), so such a cell gets a leading apostrophe, which
those programs show as text. A cell that is a plain number keeps its sign: "-1.5" stays a number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert_cell(value: Any) -> Any:
    """The cell as written, or prefixed with an apostrophe when a spreadsheet would evaluate it."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if value != value.strip():  # float() skips whitespace: "\r0" is not a plain number here
        return "'" + value
    try:
        float(value)
    except ValueError:
        return "'" + value
    return value


def listed_cell(value: Any) -> Any:
    """A list as `a;b`, None as an empty cell (the catalog rows' and a parsed name's lists)."""
    if isinstance(value, list):
        return ";".join(map(str, value))
    return "" if value is None else value


def csv_text(fieldnames: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    """A header row and one line per row (missing keys empty, extra keys left out), newline-ended."""
    import csv  # only for --format csv (issue 15: import what the command needs)
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([inert_cell(name) for name in fieldnames])
    for row in rows:
        writer.writerow([inert_cell(row.get(name, "")) for name in fieldnames])
    return buf.getvalue()
