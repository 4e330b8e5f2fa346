"""The network workbook: one XLSX file, one sheet per entity, natural keys instead of database ids.

Apps declare their sheets in `<app>/workbook.py` as `SHEETS = [ModelSheet(...), ...]`; the
registry collects them in `order`. A sheet's columns map to model fields; references to other
entities are written as the referenced sheet's natural key (an organisation's name, a country's
code), many-to-many references as keys separated by "; ". Choices appear as their stable keys
(`full_member`).

Import is all or nothing (`core.importer`). Every row of every sheet is parsed, compared with
the row of the same natural key in the database (new, changed field by field, or unchanged) and
validated with the model's rules (fields, `clean()`, check and unique constraints) in memory; if
any row is wrong nothing is written and the report names sheet, row, column and problem. A dry run
stops there: that is the preview. Otherwise the new and changed rows, their history entries and
the accounts they need are written with bulk operations in one short transaction. Rows whose key
exists are updated, others created; nothing is deleted. Lifecycle fields are not the workbook's
to change: see `network/workbook.py`.
"""

from __future__ import annotations

import functools
import importlib
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
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


@dataclass(frozen=True)
class FieldChange:
    """One column of one row: what the database holds now and what the workbook would write."""

    column: str
    old: str
    new: str


@dataclass(frozen=True)
class RowChange:
    row: int
    key: str
    status: str  # NEW or CHANGED (unchanged rows are only counted)
    fields: tuple[FieldChange, ...] = ()


NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"


@dataclass
class SheetChanges:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: list[RowChange] = field(default_factory=list)


@dataclass
class ImportResult:
    """What an import found (errors) or would do / did (changes per sheet, row by row).

    `invitations_needed` lists the accounts an import created (or would create): they have no
    password and stay inactive until they accept an invitation.
    """

    errors: list[CellError] = field(default_factory=list)
    changes: dict[str, SheetChanges] = field(default_factory=dict)
    written: bool = False
    invitations_needed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        return {
            "errors": [[e.sheet, e.row, e.column, e.message] for e in self.errors],
            "changes": {
                name: {
                    "created": c.created,
                    "updated": c.updated,
                    "unchanged": c.unchanged,
                    "rows": [[r.row, r.key, r.status, [[f.column, f.old, f.new] for f in r.fields]] for r in c.rows],
                }
                for name, c in self.changes.items()
            },
            "written": self.written,
            "invitations_needed": list(self.invitations_needed),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImportResult:
        return cls(
            errors=[CellError(*error) for error in data.get("errors", [])],
            changes={
                name: SheetChanges(
                    created=c["created"],
                    updated=c["updated"],
                    unchanged=c["unchanged"],
                    rows=[
                        RowChange(row, key, status, tuple(FieldChange(*f) for f in fields))
                        for row, key, status, fields in c.get("rows", [])
                    ],
                )
                for name, c in data.get("changes", {}).items()
            },
            written=data.get("written", False),
            invitations_needed=list(data.get("invitations_needed", [])),
        )


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
    # Custom import: apply(obj, values_of_the_row, ctx) sets what this column means on obj. It must not
    # query the database: it reads other rows through `ctx.resolve()` and accounts through `ctx.user()`.
    apply: Callable[[Any, dict[str, Any], ImportContext], None] | None = None

    def __post_init__(self) -> None:
        if self.kind in ("ref", "refs") and not self.ref:
            raise ValueError(f"Column {self.header}: reference columns need `ref`")


class ImportContext:
    """What an import knows while it runs: every row of each sheet, existing or planned, by natural key.

    Indexes are loaded once per sheet (one query: the sheet's export query) and then grow with the
    rows the workbook adds, so references resolve in memory, to rows of the database or of earlier
    sheets alike.
    """

    def __init__(self, *, parsed: dict[str, list[tuple[int, dict[str, Any]]]] | None = None, acting_user: Any = None):
        self.parsed = parsed or {}
        self.acting_user = acting_user
        self.indexes: dict[str, dict[tuple, models.Model]] = {}
        self.failed_keys: dict[str, set[tuple]] = {}
        self.plans: dict[str, list[Any]] = {}
        # Per-sheet working data of sheets' own rules (e.g. rows grouped by hotline).
        self.cache: dict[str, Any] = {}
        self._existing: dict[str, set[int]] = {}
        self._old_values: dict[int, dict[str, Any]] = {}

    def index(self, sheet: Sheet) -> dict[tuple, models.Model]:
        if sheet.name not in self.indexes:
            index = sheet.load_index()
            self.indexes[sheet.name] = index
            self._existing[sheet.name] = {id(obj) for obj in index.values()}
        return self.indexes[sheet.name]

    def is_existing(self, sheet: Sheet, obj: models.Model) -> bool:
        self.index(sheet)
        return id(obj) in self._existing[sheet.name]

    def resolve(self, sheet: Sheet, key: tuple) -> models.Model | None:
        return self.index(sheet).get(_normal_key(key))

    def register(self, sheet: Sheet, key: tuple, obj: models.Model) -> None:
        self.index(sheet)[key] = obj

    def old_values(self, sheet: Sheet, obj: models.Model) -> dict[str, Any]:
        """The existing row as the workbook would hold it (export, then parse): header -> value."""
        if id(obj) not in self._old_values:
            self._old_values[id(obj)] = sheet.values_of(obj)
        return self._old_values[id(obj)]

    def user(self, email: str) -> Any:
        """The account with this email (any case): recorded, or created by the Accounts sheet."""
        return self.resolve(registry().get("Accounts"), (email.strip().lower(),))


class Sheet:
    """Base class: subclasses say how to list, key, find and write their rows."""

    name: str
    order: int
    description: str
    columns: Sequence[Column]
    key_headers: Sequence[str]

    def export_rows(self) -> Iterable[list[Any]]:
        raise NotImplementedError

    def key_of(self, values: dict[str, Any]) -> tuple:
        return _normal_key(tuple(values.get(header) for header in self.key_headers))


def _normal_key(key: tuple) -> tuple:
    return tuple(_key_part(part) for part in key)


def _key_part(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, datetime):
        value = timezone.make_aware(value) if timezone.is_naive(value) else value
        return value.replace(microsecond=0)
    return value


class ModelSheet(Sheet):
    """A sheet mapped onto one model, declared with columns.

    `key_headers` name the columns that identify a row (its natural key). The sheet's export query
    (`queryset`, every row of the model) is also what an import loads, once, to find existing rows by
    key and compare them with the workbook. `audit_action` (a prefix: `<prefix>.create` and
    `<prefix>.update`) records every row an import writes in that record's history, with the fields
    it changed when `audit_fields` is set.
    """

    audit_action: str | None = None
    audit_fields: bool = False

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
        allow_create: bool = True,
    ) -> None:
        self.name = name
        self._model = model
        self.order = order
        self.columns = list(columns)
        self.key_headers = list(key_headers)
        self.description = description
        self._queryset = queryset
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

    def column(self, header: str) -> Column:
        return next(c for c in self.columns if c.header == header)

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
    def values_of(self, obj: models.Model, headers: Iterable[str] | None = None) -> dict[str, Any]:
        """An existing row as an import would read it back from an export (same types, same rounding)."""
        wanted = self.columns if headers is None else [self.column(h) for h in headers]
        values = {}
        for column in wanted:
            raw = _cell_value(self.export_value(obj, column))
            try:
                values[column.header] = parse_cell(_uncell(raw), column, self.model, check_required=False)
            except ValidationError:
                values[column.header] = raw
        return values

    def load_index(self) -> dict[tuple, models.Model]:
        """Every existing row by natural key, in one query (the export's)."""
        return {self.key_of(self.values_of(obj, self.key_headers)): obj for obj in self.queryset()}

    def new_object(self) -> models.Model:
        return self.model()

    def clean_row(self, obj: models.Model, ctx: ImportContext) -> None:
        """The model's own rules for one row (`clean()`); sheets whose model's rules query override this."""
        obj.clean()

    def row_checks(self, plan: Any, ctx: ImportContext) -> dict[str, list[str]]:
        """Rules of the import itself for one new or changed row: {header: [message]}."""
        return {}

    def sheet_checks(self, plans: list[Any], ctx: ImportContext) -> list[CellError]:
        """Rules across the rows of this sheet (and the database), checked once the sheet is read."""
        return []

    def finish_checks(self, ctx: ImportContext) -> list[CellError]:
        """Rules that need every sheet read first."""
        return []

    def after_write(self, ctx: ImportContext) -> None:
        """Writes that need every sheet written first (inside the import's transaction)."""

    def audit_title(self, obj: models.Model) -> str:
        return str(obj)

    def accounts_to_invite(self, ctx: ImportContext) -> list[str]:
        """Emails of the accounts this sheet creates that need an invitation (the Accounts sheet's)."""
        return []


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


# -- cell parsing -----------------------------------------------------------------------------
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


# -- registry ---------------------------------------------------------------------------------
WORKBOOK_APPS = ["accounts", "network", "onboarding", "reports"]


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
def import_workbook(
    data: bytes | io.BufferedIOBase,
    *,
    dry_run: bool = False,
    acting_user: Any = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> ImportResult:
    """Validate and (unless `dry_run`, and only when every row is valid) write a workbook.

    The engine is `core.importer`; `progress(done, total, label)` is told as sheets are read.
    """
    from core.importer import run_import

    return run_import(data, dry_run=dry_run, acting_user=acting_user, progress=progress)


def read_workbook(data: bytes | io.BufferedIOBase, result: ImportResult) -> dict[str, list[tuple[int, dict[str, Any]]]]:
    """Every row of every known sheet, parsed; problems of shape and cells go to `result.errors`."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        result.errors.append(CellError("(file)", 0, "", f"Not a readable XLSX workbook ({type(exc).__name__})."))
        return {}
    except Exception as exc:  # zipfile.BadZipFile and friends
        result.errors.append(CellError("(file)", 0, "", f"Not a readable XLSX workbook ({type(exc).__name__})."))
        return {}
    known = {s.name: s for s in registry().sheets()}
    for title in book.sheetnames:
        if title not in known:
            result.errors.append(CellError(title, 0, "", f"Unknown sheet; expected sheets are: {', '.join(known)}."))
    parsed: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for sheet in known.values():
        if sheet.name in book.sheetnames:
            parsed[sheet.name] = _parse_sheet(book[sheet.name], sheet, result)
    book.close()
    return parsed


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
        "- The preview (`--dry-run`, or the admin's check) lists every row as new, changed (each field:",
        "  old -> new) or unchanged, comparing as an export writes (datetimes to the second).",
        "- An import never moves a hotline through the lifecycle. It refuses to change a recorded",
        "  hotline's `stage`, `stage_entered_at`, `paused_stage`, `joined_on` or `full_member_on`, and to",
        "  add to or alter a recorded hotline's stage history (stages move through the transitions of the",
        "  candidate page). A new hotline (a restore) brings its stage history: the last row of its Stage",
        "  history must move it to its `stage`, at its `stage_entered_at`.",
        "- The workbook carries what it refers to: the Accounts sheet lists every account other sheets",
        "  name by email (never a password, two-factor secret or session). A missing account is created",
        "  inactive and without a password and listed as needing an invitation; accepting the invitation",
        "  activates it. Exporting, importing into an empty database and exporting again gives an",
        "  identical workbook.",
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
