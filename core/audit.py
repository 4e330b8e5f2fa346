"""The audit trail: every state change writes one entry, shown in the Wagtail admin's history.

Entries are Wagtail log entries (`wagtail.log_actions`), so services' actions and the admin's own
create/edit/delete records sit in one history per object. Each app registers its action names
and labels through the `register_log_actions` hook.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
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
