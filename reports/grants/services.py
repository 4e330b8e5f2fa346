"""Writes on a grant's plan that other screens make: linking a roundtable or a training event to the
grant activities that funded it (from the event's own form).

A grant's figures count the events its activities link (`reports.scope.GrantCoverage`): each change of
links is one audited entry on every activity it touches, and the public and dashboard caches follow the
data version (bumped by the many-to-many write).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from core.audit import audit
from reports.models import Activity

EVENT_LINKS_ACTION = "reports.activity.events"


def event_grant_activities_set(*, event: Any, activities: Iterable[Activity], acting_user: Any) -> None:
    """Make `activities` the grant activities that link `event` (a Roundtable or a TrainingEvent):
    links to other activities are removed, new ones added. Audited on each activity changed."""
    field = _link_field(event)
    wanted = {activity.pk: activity for activity in activities}
    with transaction.atomic():
        current = {activity.pk: activity for activity in Activity.objects.filter(**{field: event}).select_for_update()}
        for pk in wanted.keys() - current.keys():
            getattr(wanted[pk], field).add(event)
            _audit(wanted[pk], event, field, "added", acting_user)
        for pk in current.keys() - wanted.keys():
            getattr(current[pk], field).remove(event)
            _audit(current[pk], event, field, "removed", acting_user)


def _link_field(event: Any) -> str:
    from network.models import TrainingEvent
    from onboarding.models import Roundtable

    if isinstance(event, Roundtable):
        return "roundtables"
    if isinstance(event, TrainingEvent):
        return "training_events"
    raise TypeError(f"Grant activities link roundtables and training events, not {type(event).__name__}.")


def _audit(activity: Activity, event: Any, field: str, change: str, user: Any) -> None:
    """One history entry on the activity: the event added (old "", new the event) or removed."""
    name = str(event)
    before, after = ("", name) if change == "added" else (name, "")
    audit(activity, EVENT_LINKS_ACTION, user=user, data={"changed": {field: [before, after]}, "event_id": event.pk})
