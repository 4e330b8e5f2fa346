"""The network workbook: one XLSX file, one sheet per entity, natural keys instead of database ids.

Apps declare their sheets in `<app>/workbook.py` as `SHEETS = [ModelSheet(...), ...]`; the
registry collects them in `order`. A sheet's columns map to model fields; references to other
entities are written as the referenced sheet's natural key (an organisation's name, a country's
code), many-to-many references as keys separated by "; ". Choices appear as their stable keys
(`full_member`).

Import is all or nothing. Every row of every sheet is parsed, resolved and validated (the model's
`full_clean`, so its rules and constraints apply) inside one transaction; if any row is wrong the
transaction is rolled back, nothing is written, and the report names sheet, row, column and
problem. A dry run does the same and always rolls back: that is the preview. Rows whose key
exists are updated, others created; nothing is deleted.
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from core.spreadsheets import formula_safe, formula_unguarded

SEPARATOR = "; "


class ImportAborted(Exception):
    """Raised inside the import transaction to roll it back."""


@dataclass(frozen=True)
class CellError:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.sheet}, row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class SheetChanges:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportResult:
    errors: list[CellError] = field(default_factory=list)
    changes: dict[str, SheetChanges] = field(default_factory=dict)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class Column:
    """One column: `header` in the sheet, `field` on the model (or a custom reader/writer)."""

    header: str
    field: str | None = None
    kind: str = "str"  # str, int, decimal, date, datetime, bool, choice, ref, refs
    required: bool = False
    help: str = ""
    ref: str | None = None  # the referenced sheet's name (kinds ref and refs)
    export: Callable[[Any], Any] | None = None  # custom value for export
    # Custom import: apply(obj, values_of_the_row, ctx) sets what this column means on obj.
    apply: Callable[[Any, dict[str, Any], ImportContext], None] | None = None

    def __post_init__(self) -> None:
        if self.kind in ("ref", "refs") and not self.ref:
            raise ValueError(f"Column {self.header}: reference columns need `ref`")


class ImportContext:
    """What the import knows while it runs: the objects written so far, by sheet and key."""

    def __init__(self) -> None:
        self.by_key: dict[str, dict[tuple, models.Model]] = {}
        self.failed_keys: dict[str, set[tuple]] = {}

    def resolve(self, sheet: Sheet, key: tuple) -> models.Model | None:
        if key in self.by_key.get(sheet.name, {}):
            return self.by_key[sheet.name][key]
        obj = sheet.lookup(key)
        if obj is not None:
            self.by_key.setdefault(sheet.name, {})[key] = obj
        return obj


class Sheet:
    """Base class: subclasses say how to list, key, find and write their rows."""

    name: str
    order: int
    description: str
    columns: Sequence[Column]
    key_headers: Sequence[str]

    def export_rows(self) -> Iterable[list[Any]]:
        raise NotImplementedError

    def lookup(self, key: tuple) -> models.Model | None:
        raise NotImplementedError

    def import_row(self, values: dict[str, Any], ctx: ImportContext, *, row: int) -> tuple[str, models.Model]:
        """Write one parsed row; returns ("created" | "updated" | "unchanged", object)."""
        raise NotImplementedError

    def key_of(self, values: dict[str, Any]) -> tuple:
        return tuple(_key_part(values.get(header)) for header in self.key_headers)


def _key_part(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class ModelSheet(Sheet):
    """A sheet mapped onto one model, declared with columns.

    `key_headers` name the columns that identify a row (its natural key); `lookup_fields` the
    model lookups for them (defaults to the columns' fields, with `__<ref sheet key>` for
    references). `export_queryset` and `defaults` customise the rest.
    """

    def __init__(
        self,
        *,
        name: str,
        model: type[models.Model] | str,
        order: int,
        columns: Sequence[Column],
        key_headers: Sequence[str],
        description: str = "",
        queryset: Callable[[], models.QuerySet] | None = None,
        lookup: Callable[[tuple], models.Model | None] | None = None,
        allow_create: bool = True,
    ) -> None:
        self.name = name
        self._model = model
        self.order = order
        self.columns = list(columns)
        self.key_headers = list(key_headers)
        self.description = description
        self._queryset = queryset
        self._lookup = lookup
        self.allow_create = allow_create
        headers = [c.header for c in self.columns]
        if len(set(headers)) != len(headers) or not set(self.key_headers) <= set(headers):
            raise ValueError(f"Sheet {name}: duplicate headers or key headers not among the columns")

    @property
    def model(self) -> type[models.Model]:
        if isinstance(self._model, str):
            self._model = apps.get_model(self._model)
        return self._model

    def queryset(self) -> models.QuerySet:
        if self._queryset is not None:
            return self._queryset()
        qs = self.model._default_manager.all()
        related = [c.field for c in self.columns if c.kind == "ref" and c.field]
        many = [c.field for c in self.columns if c.kind == "refs" and c.field]
        if related:
            qs = qs.select_related(*related)
        return qs.prefetch_related(*many) if many else qs

    # -- export ---------------------------------------------------------------------------
    def export_rows(self) -> Iterable[list[Any]]:
        for obj in self.queryset():
            yield [self.export_value(obj, column) for column in self.columns]

    def export_value(self, obj: models.Model, column: Column) -> Any:
        if column.export is not None:
            return column.export(obj)
        value = getattr(obj, column.field) if column.field else None
        if column.kind == "ref":
            return _natural_label(value, column)
        if column.kind == "refs":
            labels = sorted(str(_natural_label(item, column)) for item in value.all())
            return SEPARATOR.join(labels)
        if isinstance(value, datetime):
            return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
        if isinstance(value, Decimal):
            return float(value)
        return value

    # -- import ---------------------------------------------------------------------------
    def lookup(self, key: tuple) -> models.Model | None:
        if self._lookup is not None:
            return self._lookup(key)
        filters = {}
        for header, part in zip(self.key_headers, key, strict=True):
            column = self._column(header)
            if column.kind == "ref":
                target = registry().get(column.ref)
                filters[f"{column.field}__{_key_lookup(target)}"] = part
            else:
                filters[column.field] = part
        return self.model._default_manager.filter(**filters).first()

    def import_row(self, values: dict[str, Any], ctx: ImportContext, *, row: int) -> tuple[str, models.Model]:
        key = self.key_of(values)
        existing = ctx.resolve(self, key)
        if existing is None and not self.allow_create:
            raise ValidationError(
                {self.key_headers[0]: "No such entry exists; this sheet can only update existing rows."}
            )
        obj = existing if existing is not None else self.model()
        before = _snapshot(obj, self.columns) if existing is not None else None
        many: dict[str, list[models.Model]] = {}
        errors: dict[str, list[str]] = {}
        for column in self.columns:
            if column.header not in values:
                continue
            value = values[column.header]
            try:
                if column.apply is not None:
                    column.apply(obj, values, ctx)
                elif column.kind == "ref":
                    setattr(obj, column.field, self._resolve_ref(column, value, ctx))
                elif column.kind == "refs":
                    many[column.field] = [self._resolve_ref(column, part, ctx) for part in value or []]
                elif column.field:
                    setattr(obj, column.field, value)
            except ValidationError as exc:
                errors.setdefault(column.header, []).extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        try:
            obj.full_clean(validate_unique=True)
        except ValidationError as exc:
            raise ValidationError(self._errors_by_header(exc)) from exc
        changed = before is None or before != _snapshot(obj, self.columns)
        if changed:
            obj.save()
        m2m_changed = False
        for field_name, targets in many.items():
            manager = getattr(obj, field_name)
            if {t.pk for t in targets} != set(manager.values_list("pk", flat=True)):
                manager.set(targets)
                m2m_changed = True
        ctx.by_key.setdefault(self.name, {})[key] = obj
        if existing is None:
            return "created", obj
        return ("updated" if changed or m2m_changed else "unchanged"), obj

    def _resolve_ref(self, column: Column, value: Any, ctx: ImportContext) -> models.Model | None:
        if value in (None, ""):
            return None
        target = registry().get(column.ref)
        key = (value,) if not isinstance(value, tuple) else value
        obj = ctx.resolve(target, key)
        if obj is None:
            if key in ctx.failed_keys.get(target.name, set()):
                raise ValidationError(f"“{value}” has errors in the {target.name} sheet.")
            raise ValidationError(f"“{value}” is not in the {target.name} sheet nor already recorded.")
        return obj

    def _column(self, header: str) -> Column:
        return next(c for c in self.columns if c.header == header)

    def _errors_by_header(self, exc: ValidationError) -> dict[str, list[str]]:
        by_field = {c.field: c.header for c in self.columns if c.field}
        result: dict[str, list[str]] = {}
        for name, messages in exc.message_dict.items():
            header = by_field.get(name, "" if name == "__all__" else name)
            result.setdefault(header, []).extend(messages)
        return result


def _natural_label(obj: models.Model | None, column: Column) -> Any:
    if obj is None:
        return None
    return getattr(obj, _key_lookup(registry().get(column.ref)))


def _key_lookup(sheet: Sheet) -> str:
    """The model field holding a single-column natural key of `sheet`."""
    if len(sheet.key_headers) != 1:
        raise ValueError(f"Sheet {sheet.name} has a composite key and cannot be referenced by one cell")
    column = next(c for c in sheet.columns if c.header == sheet.key_headers[0])
    return column.field


def _snapshot(obj: models.Model, columns: Sequence[Column]) -> dict[str, Any]:
    values = {}
    for column in columns:
        if column.field and column.kind != "refs":
            attname = obj._meta.get_field(column.field).attname
            values[column.field] = getattr(obj, attname)
    return values


# -- cell parsing -----------------------------------------------------------------------------
TRUE_WORDS = {"true", "yes", "y", "1", "x"}
FALSE_WORDS = {"false", "no", "n", "0", ""}


def parse_cell(raw: Any, column: Column, model: type[models.Model] | None) -> Any:
    """Turn a cell into a Python value, or raise ValidationError naming what is wrong."""
    if isinstance(raw, str):
        raw = raw.strip()
    empty = raw is None or raw == ""
    if empty:
        if column.required:
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
        choices = [str(key) for key, _label in model._meta.get_field(column.field).choices] if model else []
        if value not in choices:
            raise ValidationError(f"“{value}” is not one of: {', '.join(choices)}.")
        return value
    if kind == "ref":
        return str(raw) if not isinstance(raw, float) else str(int(raw))
    if kind == "refs":
        return [part.strip() for part in str(raw).split(";") if part.strip()]
    raise ValueError(f"Unknown column kind {kind}")


# -- registry ---------------------------------------------------------------------------------
WORKBOOK_APPS = ["network", "onboarding", "reports"]


class Registry:
    def __init__(self) -> None:
        self._sheets: dict[str, Sheet] | None = None

    def sheets(self) -> list[Sheet]:
        if self._sheets is None:
            found: list[Sheet] = []
            for app_label in WORKBOOK_APPS:
                try:
                    module = importlib.import_module(f"{app_label}.workbook")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{app_label}.workbook":
                        raise
                    continue
                found.extend(module.SHEETS)
            names = [s.name for s in found]
            if len(set(names)) != len(names):
                raise ValueError(f"Duplicate sheet names: {names}")
            self._sheets = {s.name: s for s in sorted(found, key=lambda s: s.order)}
        return list(self._sheets.values())

    def get(self, name: str | None) -> Sheet:
        self.sheets()
        assert self._sheets is not None
        return self._sheets[name]


_registry = Registry()


def registry() -> Registry:
    return _registry


# -- export -----------------------------------------------------------------------------------
def export_workbook() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for sheet in registry().sheets():
        ws = book.create_sheet(sheet.name)
        ws.append([c.header for c in sheet.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for row in sheet.export_rows():
            ws.append([_cell_value(v) for v in row])
        for index, column in enumerate(sheet.columns, start=1):
            letter = ws.cell(row=1, column=index).column_letter
            ws.column_dimensions[letter].width = max(12, min(40, len(column.header) + 4))
            if column.kind == "date":
                for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = "yyyy-mm-dd"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell_value(value: Any) -> Any:
    if isinstance(value, tuple):
        value = SEPARATOR.join(str(v) for v in value)
    return formula_safe(value)  # never let a stored text become a spreadsheet formula on export


def _uncell(value: Any) -> Any:
    return formula_unguarded(value)


# -- import -----------------------------------------------------------------------------------
def import_workbook(data: bytes | io.BufferedIOBase, *, dry_run: bool = False) -> ImportResult:
    """Validate and (unless `dry_run`, and only when every row is valid) write a workbook."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    result = ImportResult()
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        result.errors.append(CellError("(file)", 0, "", f"Not a readable XLSX workbook ({type(exc).__name__})."))
        return result
    except Exception as exc:  # zipfile.BadZipFile and friends
        result.errors.append(CellError("(file)", 0, "", f"Not a readable XLSX workbook ({type(exc).__name__})."))
        return result

    known = {s.name: s for s in registry().sheets()}
    for title in book.sheetnames:
        if title not in known:
            result.errors.append(CellError(title, 0, "", f"Unknown sheet; expected sheets are: {', '.join(known)}."))
    parsed: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for sheet in known.values():
        if sheet.name not in book.sheetnames:
            continue
        parsed[sheet.name] = _parse_sheet(book[sheet.name], sheet, result)
    book.close()
    if any(error.row <= 1 for error in result.errors):
        return result  # the workbook's shape is wrong (sheets, columns): rows cannot be read reliably
    # Rows with unreadable cells or duplicate keys are reported already; the others are still
    # validated below so that one run reports every problem.
    bad_rows = {(error.sheet, error.row) for error in result.errors}

    ctx = ImportContext()
    try:
        with transaction.atomic():
            for sheet in registry().sheets():
                rows = parsed.get(sheet.name)
                if rows is None:
                    continue
                changes = result.changes.setdefault(sheet.name, SheetChanges())
                for row_number, values in rows:
                    if (sheet.name, row_number) in bad_rows:
                        ctx.failed_keys.setdefault(sheet.name, set()).add(sheet.key_of(values))
                        continue
                    try:
                        with transaction.atomic():
                            outcome, _obj = sheet.import_row(values, ctx, row=row_number)
                    except ValidationError as exc:
                        ctx.failed_keys.setdefault(sheet.name, set()).add(sheet.key_of(values))
                        _record(result, sheet.name, row_number, exc)
                        continue
                    setattr(changes, outcome, getattr(changes, outcome) + 1)
            if result.errors or dry_run:
                raise ImportAborted
            result.written = True
    except ImportAborted:
        result.written = False
    return result


def _parse_sheet(ws: Any, sheet: Sheet, result: ImportResult) -> list[tuple[int, dict[str, Any]]]:
    rows = ws.iter_rows(values_only=True)
    header_row = next(rows, None)
    headers = [str(h).strip() if h is not None else "" for h in (header_row or [])]
    while headers and headers[-1] == "":
        headers.pop()
    expected = {c.header: c for c in sheet.columns}
    for index, header in enumerate(headers):
        if header not in expected:
            result.errors.append(CellError(sheet.name, 1, header or f"#{index + 1}", "Unknown column."))
    missing = [c.header for c in sheet.columns if c.required and c.header not in headers]
    missing += [h for h in sheet.key_headers if h not in headers and h not in missing]
    for header in missing:
        result.errors.append(CellError(sheet.name, 1, header, "This column is missing."))
    if any(e.sheet == sheet.name for e in result.errors):
        return []
    model = getattr(sheet, "model", None)
    parsed: list[tuple[int, dict[str, Any]]] = []
    seen: dict[tuple, int] = {}
    for row_number, raw_row in enumerate(rows, start=2):
        cells = list(raw_row or [])[: len(headers)]
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        values: dict[str, Any] = {}
        for header, raw in zip(headers, cells + [None] * (len(headers) - len(cells)), strict=True):
            column = expected[header]
            try:
                values[header] = parse_cell(_uncell(raw), column, model)
            except ValidationError as exc:
                result.errors.append(CellError(sheet.name, row_number, header, " ".join(exc.messages)))
        key = sheet.key_of(values)
        if all(part not in (None, "") for part in key):
            if key in seen:
                result.errors.append(
                    CellError(
                        sheet.name,
                        row_number,
                        sheet.key_headers[0],
                        f"Duplicate of row {seen[key]}.",
                    )
                )
            seen[key] = row_number
        parsed.append((row_number, values))
    return parsed


def _record(result: ImportResult, sheet: str, row: int, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for column, errors in exc.message_dict.items():
            for message in errors:
                result.errors.append(CellError(sheet, row, "" if column == "__all__" else column, message))
    else:
        for message in exc.messages:
            result.errors.append(CellError(sheet, row, "", message))


# -- documentation ------------------------------------------------------------------------------
KIND_TEXT = {
    "str": "text",
    "int": "whole number",
    "decimal": "number",
    "date": "date (YYYY-MM-DD)",
    "datetime": "date and time (YYYY-MM-DD HH:MM)",
    "bool": "TRUE / FALSE",
    "choice": "one key of a fixed list",
    "ref": "natural key of a row in another sheet",
    "refs": "natural keys of rows in another sheet, separated by “; ”",
}


def workbook_markdown() -> str:
    """docs/data-format.md, generated from the sheet declarations (`manage.py workbook_docs`)."""
    lines = [
        "# The network workbook",
        "",
        "<!-- Generated by `python manage.py workbook_docs` from the sheet declarations in each app's",
        "     workbook.py. Do not edit by hand: a test fails when this file is out of date. -->",
        "",
        "`python manage.py export_network FILE.xlsx` writes one XLSX workbook with one sheet per entity;",
        "`python manage.py import_network FILE.xlsx [--dry-run]` reads one back. The first row of each",
        "sheet holds the column headers below (in any order); each further row is one entity.",
        "",
        "- Rows are identified by their **natural key** (marked ★), never by database ids. A row whose",
        "  key exists is updated; any other row is created. Import never deletes.",
        "- References to other entities are written as that entity's natural key (an organisation's",
        "  name, a country's ISO code). Choices are written as their stable keys (e.g. `full_member`).",
        "- Import is all or nothing: every row is validated first (with the same rules as the forms);",
        "  if any row is wrong nothing is written and each problem is reported by sheet, row and column.",
        "- Sheets are read in the order below, so a row may refer to rows of earlier sheets in the",
        "  same workbook. A sheet may be left out; an unknown sheet or column is an error.",
        "- Text that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is written with a",
        "  leading `'` so that no spreadsheet treats it as a formula; import removes that quote.",
        "",
    ]
    for sheet in registry().sheets():
        lines += [f"## {sheet.name}", "", sheet.description, ""]
        lines += ["| Column | Type | Required | Meaning |", "|---|---|---|---|"]
        model = getattr(sheet, "model", None)
        for column in sheet.columns:
            kind = KIND_TEXT[column.kind]
            if column.kind == "choice" and model is not None and column.field:
                keys = [str(key) for key, _label in model._meta.get_field(column.field).choices]
                kind = "one of " + ", ".join(f"`{key}`" for key in keys)
            elif column.kind in ("ref", "refs"):
                kind = f"{kind} ({column.ref})"
            star = " ★" if column.header in sheet.key_headers else ""
            required = "yes" if column.required or column.header in sheet.key_headers else ""
            lines.append(f"| `{column.header}`{star} | {kind} | {required} | {column.help} |")
        lines.append("")
    return "\n".join(lines)
