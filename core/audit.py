"""The audit trail: every state change writes one entry, shown in the Wagtail admin's history.

Entries are Wagtail log entries (`wagtail.log_actions`), so services' actions and the admin's own
create/edit/delete records sit in one history per object. Each app registers its action names
and labels through the `register_log_actions` hook.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from wagtail.log_actions import log


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
