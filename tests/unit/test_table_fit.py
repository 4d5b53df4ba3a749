"""report/table_fit.py: the column-by-column width sum is exactly rich's own table measure (issue 15)."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.table import Table

from llmsize.report.table_fit import _column_widths, _measured_copy, fit_columns, natural_width

_cells = st.text(alphabet="ab ,.0123456789/—é", min_size=0, max_size=30)  # no markup: rich would reject "[/]"


def _table(headers: list[str], rows: list[list[str]], show_edge: bool, min_width: int | None) -> Table:
    table = Table(show_edge=show_edge)
    for i, header in enumerate(headers):
        table.add_column(header, min_width=min_width if i == 0 else None)
    for row in rows:
        table.add_row(*row)
    return table


@settings(max_examples=60, deadline=None)
@given(
    ncols=st.integers(1, 6),
    data=st.data(),
    show_edge=st.booleans(),
    min_width=st.one_of(st.none(), st.integers(1, 20)),
)
def test_column_sum_is_richs_measure_after_each_drop(
    ncols: int, data: st.DataObject, show_edge: bool, min_width: int | None
) -> None:
    headers = data.draw(st.lists(_cells, min_size=ncols, max_size=ncols))
    rows = data.draw(st.lists(st.lists(_cells, min_size=ncols, max_size=ncols), max_size=5))
    console = Console(file=io.StringIO(), width=80, color_system=None)
    measured = _measured_copy(_table(headers, rows, show_edge, min_width), console)
    widths = _column_widths(measured, console)
    assert widths is not None
    while measured.columns:
        assert sum(widths) + measured._extra_width == natural_width(measured, console)
        measured.columns.pop()
        widths.pop()


def test_fit_columns_hides_the_rightmost_columns_that_do_not_fit() -> None:
    # Each column is 10 characters + 2 of padding; the borders add 2 edges and 1 per separator.
    console = Console(file=io.StringIO(), width=39, color_system=None)
    table = _table(["model", "a", "b", "c"], [["x" * 10, "1" * 10, "2" * 10, "3" * 10]], True, None)
    assert fit_columns(table, console) == ["b", "c"]  # 3 columns: 2 + 36 + 2 = 40 > 39
    assert natural_width(table, console) == 2 + 24 + 1
