"""The history of registry records: which fields a create, edit, delete or import changed.

Every write to a registry record leaves one Wagtail log entry (`core.audit.audit`) whose data holds
`{"changed": {field: [old, new]}}`. Values are stored plainly: foreign keys as the related row's
primary key (so no person's name is copied into another record's history; labels are looked up
when the history is shown), many-to-many fields as sorted lists of keys, dates as ISO strings.
The admin's create/edit/delete go through the audited Wagtail actions below (each app registers
them for its models), the portal and the import through the apps' services, so one history view
shows every change with actor and fields.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from wagtail.actions.create import CreateAction
from wagtail.actions.delete import DeleteAction
from wagtail.actions.edit import EditAction

from core.audit import audit
from core.audit import changed_fields as _core_changed_fields

# Bookkeeping columns that say nothing a reader of the history needs.
SKIPPED_FIELDS = {"created_at", "updated_at"}


def field_values(instance: models.Model, *, from_database: bool = False) -> dict[str, Any]:
    """The instance's field values as the history records them (many-to-many only once saved)."""
    if from_database:
        fresh = type(instance)._default_manager.filter(pk=instance.pk).first()
        if fresh is None:
            return {}
        instance = fresh
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.primary_key or field.name in SKIPPED_FIELDS:
            continue
        values[field.name] = getattr(instance, field.attname)
    if instance.pk is not None:
        for field in instance._meta.many_to_many:
            values[field.name] = sorted(str(pk) for pk in getattr(instance, field.name).values_list("pk", flat=True))
    return values


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields that differ; lists (many-to-many keys) stay lists."""
    return _core_changed_fields(_lists_as_tuples(before), _lists_as_tuples(after)) | {
        name: [before.get(name), after.get(name)]
        for name in set(before) | set(after)
        if isinstance(before.get(name, after.get(name)), list) and before.get(name) != after.get(name)
    }


def _lists_as_tuples(values: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if not isinstance(value, list)}


def created_fields(instance: models.Model) -> dict[str, list[Any]]:
    return changed_fields({}, {k: v for k, v in field_values(instance).items() if v not in (None, "", [], False)})


def audit_change(
    instance: models.Model,
    action: str,
    *,
    before: dict[str, Any],
    user: Any,
    extra: dict[str, Any] | None = None,
) -> Any:
    """Log `action` on `instance` with the fields that differ from `before`."""
    changes = changed_fields(before, field_values(instance))
    return audit(instance, action, user=user, data={"changed": changes, **(extra or {})})


# -- Wagtail actions used by the admin's create, edit and delete views of audited models ------------
class AuditedCreateAction(CreateAction):
    def _create(self, skip_permission_checks: bool = False) -> models.Model:
        action, self.log_action = self.log_action, None
        try:
            with transaction.atomic():
                instance = super()._create(skip_permission_checks=skip_permission_checks)
                if action:
                    audit(instance, action, user=self.user, data={"changed": created_fields(instance)})
        finally:
            self.log_action = action
        return instance


class AuditedEditAction(EditAction):
    def _edit(self, skip_permission_checks: bool = False) -> models.Model:
        # The form has already written the new values onto the instance: read the old ones.
        before = field_values(self.instance, from_database=True)
        action, self.log_action = self.log_action, None
        try:
            with transaction.atomic():
                instance = super()._edit(skip_permission_checks=skip_permission_checks)
                if action:
                    audit_change(instance, action, before=before, user=self.user)
        finally:
            self.log_action = action
        return instance


class AuditedDeleteAction(DeleteAction):
    def _delete(self) -> Any:
        with transaction.atomic():
            if self.log_action:
                before = field_values(self.instance)
                audit(self.instance, self.log_action, user=self.user, data={"changed": changed_fields(before, {})})
            return self.instance.delete()


# -- showing the changes --------------------------------------------------------------------------
@dataclass(frozen=True)
class ChangeLine:
    label: str
    old: str
    new: str


def describe_changes(entries: Iterable[Any]) -> None:
    """Set `entry.change_lines` (labels and readable values) on log entries, in a few queries.

    Foreign keys are shown by their related row's name, looked up once per related model for the
    whole list; an entry without recorded changes shows its other data (e.g. a stage change's
    from/to/reason).
    """
    entries = list(entries)
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for entry in entries:
        model = _entry_model(entry)
        for name, (old, new) in _changes(entry).items():
            field = _field(model, name)
            if isinstance(field, models.ForeignKey):
                wanted[field.related_model].update(v for v in (old, new) if v not in (None, ""))
    labels: dict[type[models.Model], dict[str, str]] = {}
    for related, pks in wanted.items():
        found = related._default_manager.in_bulk([_coerce_pk(related, pk) for pk in pks])
        labels[related] = {str(pk): str(obj) for pk, obj in found.items()}
    for entry in entries:
        model = _entry_model(entry)
        lines = []
        changes = _changes(entry)
        for name, (old, new) in changes.items():
            field = _field(model, name)
            lines.append(
                ChangeLine(
                    label=capfirst(str(field.verbose_name)) if field is not None else name,
                    old=_readable(field, old, labels),
                    new=_readable(field, new, labels),
                )
            )
        if not changes and isinstance(entry.data, dict):
            for key, value in entry.data.items():
                if key != "changed" and value not in (None, "", [], {}):
                    lines.append(ChangeLine(label=capfirst(key.replace("_", " ")), old="", new=_plain_text(value)))
        entry.change_lines = lines


def _entry_model(entry: Any) -> type[models.Model] | None:
    content_type = getattr(entry, "content_type", None)
    return content_type.model_class() if content_type is not None else None


def _changes(entry: Any) -> dict[str, list[Any]]:
    data = entry.data if isinstance(entry.data, dict) else {}
    changed = data.get("changed")
    if not isinstance(changed, dict):
        return {}
    return {name: list(pair) for name, pair in changed.items() if isinstance(pair, list | tuple) and len(pair) == 2}


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except Exception:
        return None


def _coerce_pk(model: type[models.Model], value: Any) -> Any:
    try:
        return model._meta.pk.to_python(value)
    except Exception:
        return value


def _readable(field: models.Field | None, value: Any, labels: dict[type[models.Model], dict[str, str]]) -> str:
    if value in (None, "", []):
        return "—"
    if isinstance(field, models.ForeignKey):
        label = labels.get(field.related_model, {}).get(str(value))
        return label if label is not None else _("#%(pk)s (deleted)") % {"pk": value}
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field is not None and field.choices and not isinstance(value, list):
        return str(dict(field.flatchoices).get(value, value))
    return _plain_text(value)


def _plain_text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_plain_text(v)}" for k, v in value.items())
    return str(value)
