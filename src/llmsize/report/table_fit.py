"""Fit a rich Table to the terminal by hiding whole columns, never by cutting values ("1,30…").

Rich shrinks every column of a table wider than the console and ends cut cells with an ellipsis,
which turns numbers into nonsense at 80 columns (issue 15). Here the table keeps its natural
widths; the rightmost columns (the least important, by the order tables are built in) go until
it fits, and a note names them. --format json/csv and a wider terminal always show everything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderableType
    from rich.table import Table


def natural_width(table: Table, console: Console) -> int:
    from rich.measure import Measurement

    return Measurement.get(console, _natural_options(console), table).maximum


def _natural_options(console: Console) -> ConsoleOptions:
    return console.options.update(width=10_000)


def _measured_copy(table: Table, console: Console) -> Table:
    """A copy of `table` for measuring only: each text cell already turned into the Text that
    rich's Measurement.get turns it into (console.render_str without highlighting), so measuring
    the copy gives the same widths without parsing every cell's markup again on each try."""
    from copy import copy
    from dataclasses import replace

    markup = _natural_options(console).markup

    def text(cell: RenderableType) -> RenderableType:
        return console.render_str(cell, markup=markup, highlight=False) if isinstance(cell, str) else cell

    measured = copy(table)
    measured.columns = [
        replace(column, header=text(column.header), footer=text(column.footer),
                _cells=[text(cell) for cell in column._cells])
        for column in table.columns
    ]
    return measured


def stacked_header(header: object) -> object:
    """A header of several words on two lines, split where the wider line is narrowest (the later split
    on a tie, so a unit goes below: "per GPU" / "GiB"); anything else as it is.

    At 80 columns a GPU table's headers ("per GPU GiB", "decode tok/s") were wider than every value
    under them, and the speed columns went for want of the few characters the headers took (issue 15:
    `compare` recommended "decodes 4.9x faster" beside a table without a speed column). A header with
    markup is left whole: a split could fall inside a tag.
    """
    if not isinstance(header, str) or "[" in header or "\n" in header:
        return header
    words = header.split(" ")
    if len(words) < 2 or not all(words):
        return header
    cut = min(range(1, len(words)),
              key=lambda i: (max(len(" ".join(words[:i])), len(" ".join(words[i:]))), -i))
    return " ".join(words[:cut]) + "\n" + " ".join(words[cut:])


def _stack_headers(table: Table) -> bool:
    """Put every multi-word header of `table` on two lines; whether any changed."""
    changed = False
    for column in table.columns:
        stacked = stacked_header(column.header)
        if stacked is not column.header:
            column.header, changed = stacked, True  # type: ignore[assignment]
    return changed


def fit_columns(table: Table, console: Console, keep: int = 1) -> list[str]:
    """Drop columns from the right (never the first `keep`) until `table` fits; return their headers.

    Before anything narrows, a table wider than the console puts its multi-word headers on two lines
    (stacked_header); then a folding column narrows; then columns go from the right."""
    hidden: list[str] = []
    # a column built to fold (overflow "fold" with a min_width: compare's model names) wraps its long
    # values onto more lines before any column is hidden (issue 15, round 8: comparing three models at
    # 80 columns hid every number and kept a 33-character name whole)
    folding = [i for i, column in enumerate(table.columns) if column.overflow == "fold" and column.min_width]
    for column in table.columns:
        column.no_wrap = True
        column.overflow = "ellipsis"  # only a cell alone wider than the whole console is ever cut
    measured = _measured_copy(table, console)  # the same widths, measured faster (issue 15)
    widths = _column_widths(measured, console)

    def width_now() -> int:
        return natural_width(measured, console) if widths is None else sum(widths) + measured._extra_width

    if width_now() > console.width and _stack_headers(table):
        measured = _measured_copy(table, console)
        widths = _column_widths(measured, console)
    if widths is not None and folding:
        _fold(table, measured, widths, folding, console.width)
    while len(table.columns) > keep and width_now() > console.width:
        column = table.columns.pop()
        measured.columns.pop()
        if widths is not None:
            widths.pop()
        hidden.append(" ".join(str(column.header).split()))
    return hidden[::-1]


def _fold(table: Table, measured: Table, widths: list[int], folding: list[int], width: int) -> None:
    """Narrow the folding columns (down to their min_width) by what the table is over `width`."""
    for i in folding:
        over = sum(widths) + measured._extra_width - width
        if over <= 0:
            return
        _, right, _, left = table.padding  # rich Table.padding: (top, right, bottom, left)
        padding = left + right
        floor = (table.columns[i].min_width or 1) + padding
        narrowed = max(floor, widths[i] - over)
        if narrowed >= widths[i]:
            continue
        for column in (table.columns[i], measured.columns[i]):
            column.width = narrowed - padding
            column.no_wrap, column.overflow = False, "fold"
        _fold_cells(table.columns[i], narrowed - padding)
        widths[i] = narrowed


def _fold_cells(column: Any, width: int) -> None:
    """The column's plain names pre-folded after a hyphen (plain.fold_name), as the plain renderer folds
    them, so both print the same lines; a cell of markup or several lines is left to rich."""
    from llmsize.report.plain import fold_name, foldable_name

    column._cells = ["\n".join(fold_name(cell, width)) if foldable_name(cell) else cell
                     for cell in column._cells]


def _column_widths(table: Table, console: Console) -> list[int] | None:
    """Each column's natural width with its padding, measured once; None where rich's table width is
    not their sum plus the borders (a set width or minimum, expansion, edge-dependent padding).

    rich 13/14 Table.__rich_measure__ sums `_measure_column(...).maximum` over the columns and adds
    `_extra_width` (the borders); at an unbounded width nothing is shrunk, and with padding on
    every edge a column's measure does not depend on which column is last. Measuring each column
    once instead of the whole table again after every dropped column is most of the saving.
    """
    if table.width is not None or table.min_width is not None or table.expand or not table.pad_edge:
        return None
    options = _natural_options(console)
    widths = [table._measure_column(console, options, column).maximum for column in table.columns]
    if sum(widths) + table._extra_width > options.max_width:
        return None  # wider than the unbounded width: rich would shrink columns, so ask it
    return widths


def shown_columns(table: Table, console: Console, keep: int = 1) -> int:
    """How many columns, from the left, print_fitted prints of `table` on `console` (the table is
    left as print_fitted leaves it: the hidden columns removed)."""
    from llmsize.report.plain import PlainConsole
    from llmsize.report.plain import shown_columns as plain_shown

    if isinstance(console, PlainConsole):
        return plain_shown(table, console, keep)
    return len(table.columns) - len(fit_columns(table, console, keep))


def print_fitted(table: Table, console: Console, keep: int = 1) -> None:
    """Print `table` fitted to the console, with one line naming what did not fit."""
    from llmsize.report.plain import PlainConsole
    from llmsize.report.plain import print_fitted as print_plain

    if isinstance(console, PlainConsole):
        print_plain(table, console, keep)
        return
    from rich.text import Text

    hidden = fit_columns(table, console, keep)
    console.print(table)
    if hidden:
        console.print(
            Text(
                f"(not shown at {console.width} columns: {', '.join(hidden)}; widen the terminal or "
                "use --format json)",
                style="dim",
            )
        )
