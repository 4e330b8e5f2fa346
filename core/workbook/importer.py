"""The network workbook's import, set-based: read everything, compare in memory, then write in bulk.

1. **Read**: every sheet is parsed (`core.workbook.reading`); a wrong shape (unknown sheet or
   column) stops here.
2. **Plan**, sheet by sheet in their declared order: the sheet's existing rows are loaded once (its
   export query) and indexed by natural key. Each row of the workbook is compared with the row of
   the same key, column by column, as an export would show it (same types, datetimes to the
   second): *new*, *changed* (each field old -> new) or *unchanged*. New and changed rows are
   applied to model instances (references resolved through the indexes, which also hold the rows
   earlier sheets add) and validated in memory: the fields, the model's `clean()` (sheets whose
   model rules need other rows override `clean_row`), check constraints
   (`core.constraints.q_holds`) and unique constraints over all rows, existing and planned. Then
   the sheets' own rules (`row_checks`, `sheet_checks`, `finish_checks`: lifecycle fields, accounts).
   Nothing is written and no transaction is open, so a preview never blocks other writers.
3. **Write**, only when there is no error and it is not a dry run: in one transaction, sheet by
   sheet, `bulk_create` the new rows, `bulk_update` the changed fields, add and remove
   many-to-many links, run the sheets' `after_write`, write every history entry with one
   `bulk_create`, and bump the data version once.

All or nothing: any error, in any row of any sheet, means nothing is written, and every error is
reported by sheet, row and column. An import never moves a hotline through the lifecycle (see
`network.workbook.HotlineSheet` and `onboarding.workbook.StageHistorySheet`).
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.utils import timezone
from django.utils.text import capfirst

from core.audit import audit_bulk, changed_fields
from core.constraints import check_constraints, field_value, q_holds, q_matches, unique_sets
from core.workbook.reading import read_workbook
from core.workbook.registry import registry
from core.workbook.results import CHANGED, NEW, CellError, FieldChange, ImportResult, RowChange, SheetChanges
from core.workbook.sheets import Column, ImportContext, ModelSheet

BATCH = 500
# Bookkeeping columns that say nothing a reader of a record's history needs.
SKIPPED_FIELDS = {"created_at", "updated_at"}
# Rows of one sheet listed in a preview (the others are counted).
MAX_LISTED_ROWS = 500


@dataclass
class RowPlan:
    """One new or changed row of the workbook and the instance it becomes."""

    sheet: ModelSheet
    row: int
    key: tuple
    obj: models.Model
    status: str
    headers: list[str]
    values: dict[str, Any]
    before: dict[str, Any] = field(default_factory=dict)
    m2m: dict[str, list[models.Model]] = field(default_factory=dict)
    fields: tuple[FieldChange, ...] = ()


def import_workbook(
    data: bytes | io.BufferedIOBase,
    *,
    dry_run: bool = False,
    acting_user: Any = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> ImportResult:
    """Validate and (unless `dry_run`, and only when every row is valid) write a workbook.

    `progress(done, total, label)` is told as sheets are read.
    """
    result = ImportResult()
    parsed = read_workbook(data, result)
    if not parsed or any(error.row <= 1 for error in result.errors):
        return result  # the workbook's shape is wrong (file, sheets, columns): rows cannot be read reliably
    # Rows with unreadable cells or duplicate keys are reported already; the others are still
    # validated so that one run reports every problem.
    bad_rows = {(error.sheet, error.row) for error in result.errors}
    ctx = ImportContext(parsed=parsed, acting_user=acting_user)
    sheets = [sheet for sheet in registry().sheets() if sheet.name in parsed]
    steps = len(sheets) + (0 if dry_run else 1)
    for done, sheet in enumerate(sheets):
        if progress is not None:
            progress(done, steps, sheet.name)
        _plan_sheet(sheet, parsed[sheet.name], ctx, result, bad_rows)
    for sheet in sheets:
        result.errors.extend(sheet.finish_checks(ctx))
        result.invitations_needed.extend(sheet.accounts_to_invite(ctx))
    order = {sheet.name: index for index, sheet in enumerate(registry().sheets())}
    result.errors.sort(key=lambda e: (order.get(e.sheet, -1), e.row))
    if result.errors or dry_run:
        return result
    if progress is not None:
        progress(len(sheets), steps, "")
    try:
        with transaction.atomic():
            _write(sheets, ctx)
    except DatabaseError as exc:
        result.errors.append(
            CellError("(database)", 0, "", f"The database refused the import ({exc}); nothing was written.")
        )
        return result
    result.written = True
    return result


# -- planning ----------------------------------------------------------------------------------
def _plan_sheet(
    sheet: ModelSheet,
    rows: list[tuple[int, dict[str, Any]]],
    ctx: ImportContext,
    result: ImportResult,
    bad_rows: set[tuple[str, int]],
) -> None:
    changes = result.changes.setdefault(sheet.name, SheetChanges())
    index = ctx.index(sheet)
    plans: list[RowPlan] = ctx.plans.setdefault(sheet.name, [])
    failed = ctx.failed_keys.setdefault(sheet.name, set())
    for row_number, values in rows:
        key = sheet.key_of(values)
        if (sheet.name, row_number) in bad_rows:
            failed.add(key)
            continue
        existing = index.get(key)
        if existing is None:
            if not sheet.allow_create:
                failed.add(key)
                result.errors.append(
                    CellError(
                        sheet.name,
                        row_number,
                        sheet.key_headers[0],
                        "No such entry exists; this sheet can only update existing rows.",
                    )
                )
                continue
            plan = RowPlan(sheet, row_number, key, sheet.new_object(), NEW, list(values), values)
        else:
            old = ctx.old_values(sheet, existing)
            headers = [
                c.header
                for c in sheet.columns
                if c.header in values and not _same(old.get(c.header), values[c.header], c)
            ]
            if not headers:
                changes.unchanged += 1
                continue
            plan = RowPlan(
                sheet,
                row_number,
                key,
                existing,
                CHANGED,
                headers,
                values,
                before=_attributes(existing),
                fields=tuple(FieldChange(h, show(old.get(h)), show(values[h])) for h in headers),
            )
        errors = _apply(plan, ctx)
        if not errors:
            errors = _validate(plan, ctx)
        for header, messages in sheet.row_checks(plan, ctx).items():
            errors.setdefault(header, []).extend(messages)
        if errors:
            failed.add(key)
            for header, messages in errors.items():
                result.errors.extend(CellError(sheet.name, row_number, header, message) for message in messages)
            continue
        if plan.status == NEW:
            ctx.register(sheet, key, plan.obj)
            changes.created += 1
        else:
            changes.updated += 1
        plans.append(plan)
        if len(changes.rows) < MAX_LISTED_ROWS:
            changes.rows.append(RowChange(row_number, _key_label(sheet, values), plan.status, plan.fields))
    result.errors.extend(_unique_errors(sheet, plans, ctx))
    result.errors.extend(sheet.sheet_checks(plans, ctx))


def _same(old: Any, new: Any, column: Column) -> bool:
    if column.kind == "refs":
        return sorted(str(v) for v in old or []) == sorted(str(v) for v in new or [])
    if old in (None, "") and new in (None, ""):
        return True
    if column.kind == "decimal" and old is not None and new is not None:
        try:
            return Decimal(str(old)) == Decimal(str(new))
        except ArithmeticError:
            return False
    return old == new


def show(value: Any) -> str:
    """A workbook value as the preview shows it (what the cell would hold)."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if timezone.is_aware(value) else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple):
        return "; ".join(sorted(str(v) for v in value))
    return str(value)


def _key_label(sheet: ModelSheet, values: dict[str, Any]) -> str:
    return " / ".join(show(values.get(header)) for header in sheet.key_headers if show(values.get(header)))


def _attributes(obj: models.Model) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _apply(plan: RowPlan, ctx: ImportContext) -> dict[str, list[str]]:
    """Set the row's values on its instance: every column of a new row, the changed ones of an existing
    row (and the custom columns that derive several fields from the row, which are idempotent)."""
    errors: dict[str, list[str]] = {}
    obj, values = plan.obj, plan.values
    for column in plan.sheet.columns:
        if column.header not in values:
            continue
        derived = column.apply is not None and column.field is None
        if plan.status != NEW and column.header not in plan.headers and not derived:
            continue
        value = values[column.header]
        try:
            if column.apply is not None:
                column.apply(obj, values, ctx)
            elif column.kind == "ref":
                setattr(obj, column.field, resolve_ref(column, value, ctx))
            elif column.kind == "refs":
                plan.m2m[column.field] = [resolve_ref(column, part, ctx) for part in value or []]
            elif column.field:
                setattr(obj, column.field, value)
        except ValidationError as exc:
            errors.setdefault(column.header, []).extend(exc.messages)
    return errors


def resolve_ref(column: Column, value: Any, ctx: ImportContext) -> models.Model | None:
    """The row a reference cell names, from the referenced sheet's index (database and workbook)."""
    if value in (None, ""):
        return None
    target = registry().get(column.ref)
    key = (value,) if not isinstance(value, tuple) else value
    obj = ctx.resolve(target, key)
    if obj is None:
        if tuple(key) in ctx.failed_keys.get(target.name, set()):
            raise ValidationError(f"“{value}” has errors in the {target.name} sheet.")
        raise ValidationError(f"“{value}” is not in the {target.name} sheet nor already recorded.")
    return obj


def _validate(plan: RowPlan, ctx: ImportContext) -> dict[str, list[str]]:
    """The model's rules for one instance, without a query: fields, clean(), check constraints."""
    obj, sheet = plan.obj, plan.sheet
    model = type(obj)
    found: dict[str, list[str]] = defaultdict(list)
    relations = [f for f in model._meta.concrete_fields if f.is_relation]
    try:
        # Relations are resolved from the indexes (they exist); validating them would query each.
        obj.clean_fields(exclude=[f.name for f in relations])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            found[name].extend(messages)
    for relation in relations:
        if not relation.blank and field_value(obj, relation.name) is None:
            found[relation.name].append(str(relation.error_messages["blank"]))
    if not found:
        with _stand_in_keys(obj, relations):
            try:
                sheet.clean_row(obj, ctx)
            except ValidationError as exc:
                for name, messages in _message_dict(exc).items():
                    found[name].extend(messages)
    for constraint in check_constraints(model):
        if not q_holds(constraint.condition, obj):
            found["__all__"].append(str(constraint.get_violation_error_message()))
    return _by_header(sheet, found)


@contextmanager
def _stand_in_keys(obj: models.Model, relations: list[models.Field]) -> Iterator[None]:
    """While `clean()` runs, a relation to a row the import creates reads as set (`hotline_id` is not None).

    Models' rules test `self.hotline_id` or compare `self.contact.organisation_id` with
    `self.organisation_id`; an assigned but unsaved object has no key yet. Its stand-in is a negative
    number per object, written past the descriptor (so the assigned object stays cached) on the row
    and on the objects it refers to, and removed afterwards.
    """
    replaced: list[tuple[models.Model, str]] = []

    def stand_in(instance: models.Model, depth: int) -> None:
        for relation in instance._meta.concrete_fields:
            if not relation.is_relation:
                continue
            related = relation.get_cached_value(instance, None)
            if related is None:
                continue
            if related.pk is None and instance.__dict__.get(relation.attname) is None:
                instance.__dict__[relation.attname] = -(id(related) % 2_000_000_000) - 1
                replaced.append((instance, relation.attname))
            if depth:
                stand_in(related, depth - 1)

    stand_in(obj, 1)
    try:
        yield
    finally:
        for instance, attname in replaced:
            instance.__dict__[attname] = None


def _message_dict(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


def _by_header(sheet: ModelSheet, errors: dict[str, list[str]]) -> dict[str, list[str]]:
    by_field = {c.field: c.header for c in sheet.columns if c.field}
    result: dict[str, list[str]] = {}
    for name, messages in errors.items():
        header = by_field.get(name, "" if name == "__all__" else name)
        result.setdefault(header, []).extend(messages)
    return result


def _unique_errors(sheet: ModelSheet, plans: list[RowPlan], ctx: ImportContext) -> list[CellError]:
    """Unique fields and constraints over every row, existing and planned, checked in memory."""
    if not plans:
        return []
    model = sheet.model
    planned = {id(plan.obj): plan for plan in plans}
    everyone = list({id(obj): obj for obj in ctx.index(sheet).values()}.values())
    by_field = {c.field: c.header for c in sheet.columns if c.field}
    errors: list[CellError] = []
    for unique in unique_sets(model):
        holders: dict[tuple, list[models.Model]] = defaultdict(list)
        for obj in everyone:
            if unique.condition is not None and not q_matches(unique.condition, obj):
                continue
            values = tuple(field_value(obj, name) for name in unique.fields)
            if any(value is None for value in values):
                continue
            holders[values].append(obj)
        labels = ", ".join(str(model._meta.get_field(name).verbose_name) for name in unique.fields)
        header = next((by_field[name] for name in unique.fields if name in by_field), "")
        for same in holders.values():
            if len(same) < 2:
                continue
            rows = sorted(planned[id(obj)].row for obj in same if id(obj) in planned)
            for obj in same:
                plan = planned.get(id(obj))
                if plan is None:
                    continue
                others = [row for row in rows if row != plan.row]
                if others:
                    message = f"Same {labels} as row {others[0]}."
                else:
                    message = unique.message or (
                        f"{capfirst(str(model._meta.verbose_name))} with this {labels} already exists."
                    )
                errors.append(CellError(sheet.name, plan.row, header, message))
    return errors


# -- writing -----------------------------------------------------------------------------------
def _write(sheets: list[ModelSheet], ctx: ImportContext) -> None:
    history: list[tuple[models.Model, str, dict[str, Any], str]] = []
    now = timezone.now()
    for sheet in sheets:
        plans: list[RowPlan] = ctx.plans.get(sheet.name, [])
        if not plans:
            continue
        model = sheet.model
        manager = model._base_manager
        new = [plan for plan in plans if plan.status == NEW]
        changed = [plan for plan in plans if plan.status != NEW]
        before_m2m = {id(plan.obj): _m2m_keys(plan.obj, plan.m2m) for plan in changed if plan.m2m}
        if new:
            manager.bulk_create([plan.obj for plan in new], batch_size=BATCH)
        if changed:
            names: set[str] = set()
            for plan in changed:
                obj = plan.obj
                obj._prepare_related_fields_for_save(operation_name="bulk_update")
                differ = {
                    f.name for f in model._meta.concrete_fields if getattr(obj, f.attname) != plan.before[f.attname]
                }
                if differ:
                    for auto in model._meta.concrete_fields:
                        if getattr(auto, "auto_now", False):
                            auto.pre_save(obj, add=False)
                            differ.add(auto.name)
                names |= differ
            if names:
                manager.bulk_update([plan.obj for plan in changed], sorted(names), batch_size=BATCH)
        _write_many(model, plans)
        if sheet.audit_action:
            for plan in plans:
                history.append(_history_entry(sheet, plan, before_m2m.get(id(plan.obj))))
    for sheet in sheets:
        sheet.after_write(ctx)
    audit_bulk(history, user=ctx.acting_user, timestamp=now)
    from core import dataversion

    dataversion.bump()


def _write_many(model: type[models.Model], plans: list[RowPlan]) -> None:
    for name in {name for plan in plans for name in plan.m2m}:
        relation = model._meta.get_field(name)
        through = relation.remote_field.through
        source, target = relation.m2m_field_name(), relation.m2m_reverse_field_name()
        adds, removals = [], []
        for plan in plans:
            if name not in plan.m2m:
                continue
            wanted = {obj.pk for obj in plan.m2m[name]}
            current = set() if plan.status == NEW else {obj.pk for obj in getattr(plan.obj, name).all()}
            adds += [through(**{f"{source}_id": plan.obj.pk, f"{target}_id": pk}) for pk in sorted(wanted - current)]
            if current - wanted:
                removals.append((plan.obj.pk, current - wanted))
        through._default_manager.bulk_create(adds, batch_size=BATCH)
        for owner, gone in removals:
            through._default_manager.filter(**{f"{source}_id": owner, f"{target}_id__in": gone}).delete()


def _m2m_keys(obj: models.Model, m2m: dict[str, list[models.Model]]) -> dict[str, list[str]]:
    return {name: sorted(str(o.pk) for o in getattr(obj, name).all()) for name in m2m}


def _history_values(obj: models.Model, attributes: dict[str, Any]) -> dict[str, Any]:
    return {
        f.name: attributes[f.attname]
        for f in obj._meta.concrete_fields
        if not f.primary_key and f.name not in SKIPPED_FIELDS
    }


def _history_entry(
    sheet: ModelSheet, plan: RowPlan, before_m2m: dict[str, list[str]] | None
) -> tuple[models.Model, str, dict[str, Any], str]:
    obj = plan.obj
    data: dict[str, Any] = {"sheet": sheet.name, "row": plan.row}
    if sheet.audit_fields:
        after = _history_values(obj, _attributes(obj)) | {
            name: sorted(str(o.pk) for o in targets) for name, targets in plan.m2m.items()
        }
        if plan.status == NEW:
            before: dict[str, Any] = {}
            after = {k: v for k, v in after.items() if v not in (None, "", [], False)}
        else:
            before = _history_values(obj, plan.before) | (before_m2m or {})
        lists = {name for name, value in (before | after).items() if isinstance(value, list)}
        changed = changed_fields(
            {k: v for k, v in before.items() if k not in lists}, {k: v for k, v in after.items() if k not in lists}
        )
        changed |= {name: [before.get(name), after.get(name)] for name in lists if before.get(name) != after.get(name)}
        data = {"changed": changed, **data}
    action = f"{sheet.audit_action}.{'create' if plan.status == NEW else 'update'}"
    return obj, action, data, sheet.audit_title(obj)
