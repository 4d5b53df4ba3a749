"""--format csv never hands a spreadsheet a formula (hostile round 20 left this: a model name that
starts with `=` went into the CSV as is, and Excel/LibreOffice/Sheets evaluate such a cell; OWASP
"CSV Injection" recommends a leading apostrophe)."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from llmsize.cli import app
from llmsize.report.csv_text import FORMULA_STARTS, csv_text, inert_cell


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_parse_csv_of_a_formula_name_is_inert() -> None:
    result = CliRunner().invoke(app, ["parse", "=HYPERLINK(\"http://x\")-7B", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = _cells(result.output)
    assert len(rows) == 2
    for cell in rows[1]:
        assert not cell.startswith(FORMULA_STARTS) or _is_number(cell), cell
    assert any(cell.startswith("'=HYPERLINK") for cell in rows[1])


def test_numbers_keep_their_sign() -> None:
    assert inert_cell("-1.5") == "-1.5"
    assert inert_cell(-3) == -3
    assert inert_cell("+2") == "+2"
    assert inert_cell("-x") == "'-x"
    assert inert_cell("@SUM(A1)") == "'@SUM(A1)"


def _is_number(cell: str) -> bool:
    if cell != cell.strip():
        return False
    try:
        float(cell)
    except ValueError:
        return False
    return True


@given(st.lists(st.text(max_size=12), min_size=1, max_size=5))
def test_no_cell_a_spreadsheet_would_evaluate(values: list[str]) -> None:
    names = [f"k{i}" for i in range(len(values))]
    rows = _cells(csv_text(names, [dict(zip(names, values, strict=True))]))
    for cell in rows[-1] if len(rows) > 1 else []:
        assert not cell.startswith(FORMULA_STARTS) or _is_number(cell)
