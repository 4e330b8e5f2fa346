"""Text in the spreadsheets we write: a cell a spreadsheet program would run as a formula is inert.

One guard for every export (CSV and XLSX): the admin's list exports and site history, the
dashboards' tables, the network workbook. A text cell that starts with `=`, `+`, `-`, `@`, a tab or
a carriage return (OWASP's list for CSV injection) is written with a leading apostrophe, which
spreadsheet programs show as text. So that an export read back by the workbook import loses
nothing, a text that already starts with apostrophes before one of those characters gets one more,
and `formula_unguarded` removes exactly one.
"""

from __future__ import annotations

from typing import Any

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


class FormulaSafeExportMixin:
    """For Wagtail's spreadsheet exports (`SpreadsheetExportMixin`: list views, reports): every cell,
    whatever preprocessing made it text (labels, related objects, lists), passes the guard."""

    def preprocess_field_value(self, field: str, value: Any, export_format: str) -> Any:
        return formula_safe(super().preprocess_field_value(field, value, export_format))
