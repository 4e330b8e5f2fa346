"""The audit trail: every state change writes one entry, shown in the Wagtail admin's history.

Entries are Wagtail log entries (`wagtail.log_actions`), so services' actions and the admin's own
create/edit/delete records sit in one history per object. Each app registers its action names
and labels through the `register_log_actions` hook.

Who may read an entry (`log_entries_visible_to`, the one rule every history, inspect page and the
site history apply): whoever may see the record it comes from. That is the object it is logged on
(the user holds a permission on its model and, where the model has one, the object is in
`visible_to(user)`), and, for actions logged on one object but about another record (a dossier
event or a stage change logged on the hotline), that record's rule too, declared by its app with
`register_log_source`. Another app's action that nobody declared is shown to superusers only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from wagtail.log_actions import get_active_log_context, log
from wagtail.log_actions import registry as log_registry


def audit(
    instance: models.Model,
    action: str,
    *,
    user: Any = None,
    data: dict[str, Any] | None = None,
    title: str | None = None,
) -> Any:
    """Record `action` on `instance` by `user` (None for the system) with JSON-able `data`."""
    actor = user if getattr(user, "is_authenticated", False) else None
    return log(instance, action, user=actor, data=data or {}, title=title)


def audit_bulk(
    entries: Iterable[tuple[models.Model, str, dict[str, Any], str]],
    *,
    user: Any = None,
    timestamp: datetime | None = None,
) -> int:
    """Record many `(instance, action, data, title)` at once (one insert per log model), as `audit()`
    would one by one: same log models, content types, actor and the active log context's uuid."""
    context = get_active_log_context()
    actor = user if getattr(user, "is_authenticated", False) else context.user
    actor = actor if getattr(actor, "is_authenticated", False) else None
    timestamp = timestamp or timezone.now()
    by_model: dict[type[models.Model], list[models.Model]] = {}
    known: set[str] = set()
    for instance, action, data, title in entries:
        if action not in known:
            if not log_registry.action_exists(action):
                raise ValueError(f"The log action {action!r} has not been registered.")
            known.add(action)
        log_model = log_registry.get_log_model_for_instance(instance)
        if log_model is None:
            continue
        by_model.setdefault(log_model, []).append(
            log_model(
                content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
                object_id=str(instance.pk),
                label=title or f"{type(instance).__name__} object ({instance.pk})",
                action=action,
                data=data,
                timestamp=timestamp,
                user=actor,
                uuid=context.uuid,
            )
        )
    for log_model, rows in by_model.items():
        log_model.objects.bulk_create(rows, batch_size=500)
    return sum(len(rows) for rows in by_model.values())


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value differs, as strings for the log."""
    return {
        name: [_plain(before.get(name)), _plain(after.get(name))]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


# -- who may read the trail --------------------------------------------------------------------------
@dataclass(frozen=True)
class LogSource:
    """Entries with one of `actions`, logged on a `logged_on` object, are about another record: a
    user reads them only with `permission`, and only on the objects that record's rule leaves them:
    either `model.objects.visible_to(user)` followed along `path` to the logged-on object's key, or
    `visible(user)`, a queryset of `logged_on` expressing the rule directly."""

    logged_on: str
    actions: frozenset[str]
    permission: str
    model: str = ""
    path: str = ""
    visible: Callable[[Any], QuerySet] | None = None

    def rule(self, user: Any) -> Q | None:
        if self.visible is not None:
            return _objects_rule(self.visible(user))
        rows = apps.get_model(self.model)._default_manager.visible_to(user)
        return _objects_rule(rows, path=self.path)


_SOURCES: list[LogSource] = []


def register_log_source(
    *,
    logged_on: str,
    actions: Iterable[str],
    permission: str,
    model: str = "",
    path: str = "",
    visible: Callable[[Any], QuerySet] | None = None,
) -> None:
    if (visible is None) == (not (model and path)):
        raise ValueError("A log source names either a model and a path, or a `visible` queryset.")
    _SOURCES.append(LogSource(logged_on, frozenset(actions), permission, model, path, visible))


def _model_permissions(model: type[models.Model]) -> list[str]:
    meta = model._meta
    return [f"{meta.app_label}.{action}_{meta.model_name}" for action in ("add", "change", "delete", "view")]


def _objects_rule(visible: QuerySet, *, path: str = "pk") -> Q | None:
    """`object_id` among the keys (`path`) of the rows of `visible`: Q() when it holds every row (no
    restriction), None when it holds none."""
    if visible.query.is_empty():
        return None
    if not visible.query.where:
        return Q()
    keys = visible.order_by().values_list(Cast(path, output_field=CharField()), flat=True)
    return Q(object_id__in=keys)


def _entries_rule(model: type[models.Model], user: Any) -> Q | None:
    if not any(user.has_perm(permission) for permission in _model_permissions(model)):
        return None
    manager = model._default_manager
    rule = _objects_rule(manager.visible_to(user)) if hasattr(manager.all(), "visible_to") else Q()
    if rule is None:
        return None
    meta = model._meta
    # The model's own app's actions and Wagtail's; another app's only through a declared source, so
    # an action nobody declared stays hidden (but from superusers) rather than showing.
    readable = Q(action__startswith=f"{meta.app_label}.") | Q(action__startswith="wagtail.")
    sourced = [source for source in _SOURCES if source.logged_on == meta.label]
    if sourced:
        readable &= ~Q(action__in=set().union(*(source.actions for source in sourced)))
    for source in sourced:
        if not user.has_perm(source.permission):
            continue
        source_rule = source.rule(user)
        if source_rule is not None:
            readable |= Q(action__in=source.actions) & source_rule
    return rule & readable


def log_entries_visible_to(entries: QuerySet, user: Any) -> QuerySet:
    """The log entries of `entries` that `user` may read (see the module docstring)."""
    if not (user is not None and user.is_authenticated and user.is_active):
        return entries.none()
    if user.is_superuser:
        return entries
    condition = Q(pk__in=[])
    content_type_ids = entries.order_by().values_list("content_type_id", flat=True).distinct()
    for content_type_id in content_type_ids:
        if content_type_id is None:
            continue
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        rule = _entries_rule(model, user) if model is not None else None
        if rule is not None:
            condition |= Q(content_type_id=content_type_id) & rule
    return entries.filter(condition)


class VisibleHistoryMixin:
    """For Wagtail's history views: only the entries the user may read."""

    def get_base_queryset(self) -> QuerySet:
        return log_entries_visible_to(super().get_base_queryset(), self.request.user)
