"""One cell: read into a Python value (`parse_cell`, by the column's kind), or written (`cell_value`).

A written text cell passes the one formula guard (`core.spreadsheets`); a read one loses it again."""

from __future__ import annotations

import functools
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from core.spreadsheets import formula_safe

if TYPE_CHECKING:
    from core.workbook.sheets import Column


SEPARATOR = "; "

TRUE_WORDS = {"true", "yes", "y", "1", "x"}
FALSE_WORDS = {"false", "no", "n", "0", ""}


def parse_cell(raw: Any, column: Column, model: type[models.Model] | None, *, check_required: bool = True) -> Any:
    """Turn a cell into a Python value, or raise ValidationError naming what is wrong."""
    if isinstance(raw, str):
        raw = raw.strip()
    empty = raw is None or raw == ""
    if empty:
        if column.required and check_required:
            raise ValidationError("A value is required.")
        if column.kind == "refs":
            return []
        if column.kind == "bool":
            return False
        if column.kind in ("str", "choice") and column.field and model is not None:
            field_obj = model._meta.get_field(column.field)
            return None if field_obj.null else ""
        return None
    kind = column.kind
    if kind == "str":
        return str(raw) if not isinstance(raw, float) or not raw.is_integer() else str(int(raw))
    if kind == "int":
        if isinstance(raw, bool):
            raise ValidationError("Expected a whole number.")
        try:
            number = Decimal(str(raw))
        except InvalidOperation as exc:
            raise ValidationError(f"“{raw}” is not a whole number.") from exc
        if number != number.to_integral_value():
            raise ValidationError(f"“{raw}” is not a whole number.")
        return int(number)
    if kind == "decimal":
        try:
            return Decimal(str(raw))
        except InvalidOperation as exc:
            raise ValidationError(f"“{raw}” is not a number.") from exc
    if kind == "date":
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        try:
            return date.fromisoformat(str(raw))
        except ValueError as exc:
            raise ValidationError(f"“{raw}” is not a date (use YYYY-MM-DD).") from exc
    if kind == "datetime":
        if isinstance(raw, datetime):
            value = raw
        else:
            try:
                value = datetime.fromisoformat(str(raw))
            except ValueError as exc:
                raise ValidationError(f"“{raw}” is not a date and time (use YYYY-MM-DD HH:MM).") from exc
        # Spreadsheets keep seconds, not microseconds: compare and store to the second.
        value = value.replace(microsecond=0)
        return timezone.make_aware(value) if timezone.is_naive(value) else value
    if kind == "bool":
        word = str(raw).strip().lower()
        if isinstance(raw, bool):
            return raw
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValidationError(f"“{raw}” is not yes or no (use TRUE or FALSE).")
    if kind == "choice":
        value = str(raw)
        choices = _choice_keys(model, column.field) if model else []
        if value not in choices:
            raise ValidationError(f"“{value}” is not one of: {', '.join(choices)}.")
        return value
    if kind == "ref":
        return str(raw) if not isinstance(raw, float) else str(int(raw))
    if kind == "refs":
        return [part.strip() for part in str(raw).split(";") if part.strip()]
    raise ValueError(f"Unknown column kind {kind}")


@functools.cache
def _choice_keys(model: type[models.Model], field_name: str) -> list[str]:
    return [str(key) for key, _label in model._meta.get_field(field_name).choices]


def cell_value(value: Any) -> Any:
    """A value as the workbook's cell holds it: lists of keys joined, text guarded against formulas."""
    if isinstance(value, tuple):
        value = SEPARATOR.join(str(v) for v in value)
    return formula_safe(value)  # never let a stored text become a spreadsheet formula on export
