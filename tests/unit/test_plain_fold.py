"""report/plain.py lays out a table with a folding column (compare's model names: overflow "fold" with
a min_width) as rich does: the column narrows before any column is hidden, its cells wrap, and a row
is as tall as its tallest cell. Off a terminal `compare` printed 1,730 rows through rich for this
alone (issue 15: `compare <10 models> --gpus all` took ~5 s); the bytes must stay rich's own."""

from __future__ import annotations

import contextlib
import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from llmsize.report import plain
from llmsize.report.table_fit import print_fitted as rich_print_fitted

_words = st.text(alphabet="abcXYZ-.0123456789/ ", min_size=0, max_size=40)
_numbers = st.text(alphabet="0123456789,.", min_size=0, max_size=12)


def _table(names: list[str], values: list[list[str]], ncols: int, min_width: int) -> plain.Table:
    table = plain.Table()
    table.add_column("model", overflow="fold", min_width=min_width)
    for k in range(ncols):
        table.add_column(f"col {k}", justify="right" if k % 2 else "left")
    for name, row in zip(names, values, strict=False):
        table.add_row(name, *row[:ncols])
    return table


def _plain_text(table: plain.Table, width: int) -> str:
    con = plain.PlainConsole()
    con.width = width
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        plain.print_fitted(table, con)
    return out.getvalue()


def _rich_text(table: plain.Table, width: int) -> str:
    out = io.StringIO()
    rich_print_fitted(table.to_rich(), Console(file=out, width=width, color_system=None))
    return out.getvalue()


@settings(max_examples=80, deadline=None)
@given(
    ncols=st.integers(1, 5),
    width=st.integers(30, 140),
    min_width=st.integers(1, 24),
    data=st.data(),
)
def test_folding_column_prints_richs_bytes(ncols: int, width: int, min_width: int,
                                           data: st.DataObject) -> None:
    rows = data.draw(st.integers(1, 6))
    names = data.draw(st.lists(_words, min_size=rows, max_size=rows))
    cells = st.lists(_numbers, min_size=ncols, max_size=ncols)
    values = data.draw(st.lists(cells, min_size=rows, max_size=rows))
    table = _table(names, values, ncols, min_width)
    assert _plain_text(table, width) == _rich_text(table, width)


def test_a_long_name_wraps_and_a_column_is_hidden() -> None:
    # 80 columns: "model" (min 20) folds the 30-character name, then the last column still goes
    table = _table(["Llama-3.1-70B-Instruct-AWQ-INT4", "x"], [["1" * 20, "2" * 20, "3" * 20]] * 2, 3, 20)
    text = _plain_text(table, 80)
    assert text == _rich_text(table, 80)
    # folded after a hyphen, never mid-word (issue 15, newcomer round 12: "Llama-3.1-8B-Instruc" / "t")
    assert "│ Llama-3.1-70B-       │" in text and "│ Instruct-AWQ-INT4    │" in text
    assert "(not shown at 80 columns: col 2;" in text.replace("\n", " ")
