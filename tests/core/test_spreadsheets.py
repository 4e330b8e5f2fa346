"""The one formula guard every export uses, and the writer of the admin's XLSX exports (pure: no
database)."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from core.spreadsheets import CELL_TEXT_LIMIT, formula_safe, formula_unguarded, write_xlsx_table


@pytest.mark.parametrize("text", ["=1+1", "+31 20", "-2", "@SUM(A1)", "\t=cmd", "\r=cmd", "'=kept", "''@x"])
def test_text_a_spreadsheet_would_run_gets_an_apostrophe_and_comes_back_whole(text):
    guarded = formula_safe(text)
    assert guarded == "'" + text
    assert formula_unguarded(guarded) == text


@pytest.mark.parametrize("value", ["Hotline A", "it's fine", "'quoted'", "", " =spaced", 42, -3, None, 1.5])
def test_other_values_are_unchanged_both_ways(value):
    assert formula_safe(value) == value
    assert formula_unguarded(value) == value


def test_an_xlsx_table_keeps_each_value_as_what_it_is():
    """Text stays text (a formula, a number, a link or a date written as text is not turned into one),
    numbers, booleans, dates and times keep their type and a readable format, None is an empty cell,
    text beyond a cell's limit is cut there; read back with openpyxl, as a spreadsheet program would."""
    moment = datetime.datetime(2026, 3, 4, 5, 6, 7)
    row = [
        "=1+1",
        "0042",
        "https://example.org/x",
        "2026-01-02",
        7,
        Decimal("2.50"),
        1.5,
        True,
        None,
        datetime.date(2026, 1, 2),
        moment,
        datetime.time(9, 30),
        "x" * (CELL_TEXT_LIMIT + 10),
        float("nan"),
    ]
    output = io.BytesIO()
    write_xlsx_table(
        output, headings=[f"H{n}" for n in range(len(row))], rows=iter([row]), datetime_format="dd/mm/yyyy hh:mm"
    )
    sheet = load_workbook(io.BytesIO(output.getvalue())).active
    assert [cell.value for cell in sheet[1]] == [f"H{n}" for n in range(len(row))]
    cells = sheet[2]
    values = [cell.value for cell in cells]
    assert values[:4] == ["=1+1", "0042", "https://example.org/x", "2026-01-02"]
    assert all(cell.data_type == "s" for cell in cells[:4])
    assert not sheet._hyperlinks and not any(cell.hyperlink for cell in cells)
    assert values[4:8] == [7, 2.5, 1.5, True]
    assert values[8] is None
    assert values[9] == datetime.datetime(2026, 1, 2) and cells[9].number_format == "yyyy-mm-dd"
    assert values[10] == moment and cells[10].number_format == "dd/mm/yyyy hh:mm"
    assert values[11] == datetime.time(9, 30) and cells[11].number_format == "h:mm:ss"
    assert values[12] == "x" * CELL_TEXT_LIMIT
    assert values[13] == "nan"
    assert sheet.max_row == 2
