"""Text in the spreadsheets we write: a cell a spreadsheet program would run as a formula is inert.

One guard for every export (CSV and XLSX): the admin's list exports and site history, the
dashboards' tables, the network workbook. A text cell that starts with `=`, `+`, `-`, `@`, a tab or
a carriage return (OWASP's list for CSV injection) is written with a leading apostrophe, which
spreadsheet programs show as text. So that an export read back by the workbook import loses
nothing, a text that already starts with apostrophes before one of those characters gets one more,
and `formula_unguarded` removes exactly one.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _needs_guard(text: str) -> bool:
    return text.lstrip("'").startswith(FORMULA_STARTS)


def formula_safe(value: Any) -> Any:
    """`value` as a spreadsheet cell: guarded text, anything else unchanged."""
    if isinstance(value, str) and _needs_guard(value):
        return "'" + value
    return value


def formula_unguarded(value: Any) -> Any:
    """The text `formula_safe` was given (for reading our own exports back)."""
    if isinstance(value, str) and value.startswith("'") and _needs_guard(value):
        return value[1:]
    return value


# The longest text a spreadsheet cell holds (Excel's limit); longer text is cut there.
CELL_TEXT_LIMIT = 32767


def write_xlsx_table(
    output: IO[bytes],
    *,
    headings: Iterable[str],
    rows: Iterable[Iterable[Any]],
    datetime_format: str = "yyyy-mm-dd hh:mm:ss",
    title: str = "Sheet1",
) -> None:
    """One sheet of a heading row and `rows` written to `output` as XLSX, row by row (XlsxWriter: about
    a third of openpyxl's time, in constant memory). Text is always written as text (never as a formula,
    a number or a link); numbers, booleans, dates and times keep their type, dates as yyyy-mm-dd and
    date-times in `datetime_format` (as naive date-times: Wagtail's preprocessing has made them UTC);
    a number that is not finite is written as text; None is an empty cell."""
    import xlsxwriter

    options = {
        "constant_memory": True,
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
    }
    workbook = xlsxwriter.Workbook(output, options)
    sheet = workbook.add_worksheet(title)
    formats = {
        datetime.datetime: workbook.add_format({"num_format": datetime_format}),
        datetime.date: workbook.add_format({"num_format": "yyyy-mm-dd"}),
        datetime.time: workbook.add_format({"num_format": "h:mm:ss"}),
    }
    for column, heading in enumerate(headings):
        sheet.write_string(0, column, str(heading)[:CELL_TEXT_LIMIT])
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            _write_cell(sheet, number, column, value, formats)
    workbook.close()


def _write_cell(sheet: Any, row: int, column: int, value: Any, formats: dict[type, Any]) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, column, value)
    elif isinstance(value, int | float | Decimal):
        number = float(value)
        if math.isfinite(number):
            sheet.write_number(row, column, number)
        else:
            sheet.write_string(row, column, str(value))
    elif isinstance(value, datetime.datetime):
        sheet.write_datetime(row, column, value.replace(tzinfo=None), formats[datetime.datetime])
    elif isinstance(value, datetime.date | datetime.time):
        kind = datetime.time if isinstance(value, datetime.time) else datetime.date
        sheet.write_datetime(row, column, value, formats[kind])
    else:
        sheet.write_string(row, column, str(value)[:CELL_TEXT_LIMIT])


class FormulaSafeExportMixin:
    """For Wagtail's spreadsheet exports (`SpreadsheetExportMixin`: list views, reports): every cell,
    whatever preprocessing made it text (labels, related objects, lists), passes the guard; XLSX files
    are written by `write_xlsx_table` (Wagtail writes them through openpyxl, three times slower)."""

    def preprocess_field_value(self, field: str, value: Any, export_format: str) -> Any:
        return formula_safe(super().preprocess_field_value(field, value, export_format))

    def write_xlsx(self, queryset: Any, output: IO[bytes]) -> None:
        from wagtail.admin.views.mixins import ExcelDateFormatter

        fields = list(self.list_export)
        write_xlsx_table(
            output,
            headings=[self.get_heading(queryset, field) for field in fields],
            rows=(
                [
                    self.preprocess_field_value(field, value, self.FORMAT_XLSX)
                    for field, value in self.to_row_dict(item).items()
                ]
                for item in queryset
            ),
            datetime_format=ExcelDateFormatter().get(),
        )
