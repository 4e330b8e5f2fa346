"""Sheets: columns mapped onto a model's fields, keyed by a natural key; what an import knows while it
runs (`ImportContext`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from core.spreadsheets import formula_unguarded
from core.workbook.cells import SEPARATOR, cell_value, parse_cell
from core.workbook.registry import registry
from core.workbook.results import CellError


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
            raw = cell_value(self.export_value(obj, column))
            try:
                values[column.header] = parse_cell(formula_unguarded(raw), column, self.model, check_required=False)
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


class AuditedModelSheet(ModelSheet):
    """A model sheet whose import leaves a history entry (with the changed fields) per written row.

    The actions `network.import.create` and `.update` are registered with the Network menu, which
    holds the workbook's import page."""

    audit_action = "network.import"
    audit_fields = True
