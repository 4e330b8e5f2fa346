"""The roster of a training event: staff add the analysts of chosen hotlines in one go, record who
attended and who completed, and issue certificates to many participants at once.

Each service is one atomic call. It checks every row first and refuses the whole batch with a
message naming each participant that is wrong (nothing is written then), writes the rows together,
and leaves one audit entry per participation with the fields it changed, so each participation's
history shows the batch like a single edit. Who may: `accounts.access.may(user, ROSTER_ACTION)`
(capacity staff), for the roster page, its buttons and these services alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import may
from core import dataversion
from core.audit import audit_bulk
from core.history import changed_fields, created_fields, field_values
from network.models import Analyst, Hotline, TrainingEvent, TrainingParticipation

ROSTER_ACTION = "network.training.roster"

Status = TrainingParticipation.Status
# The statuses staff record on the roster (a nomination is the member's own request, in the portal).
ROSTER_STATUSES = (Status.CONFIRMED, Status.COMPLETED, Status.NOT_COMPLETED)


def _check_may(user: Any) -> None:
    if not may(user, ROSTER_ACTION):
        raise PermissionDenied


def _names(participations: Iterable[TrainingParticipation]) -> str:
    return ", ".join(sorted(p.participant_label for p in participations))


def roster_day(event: TrainingEvent, today: date | None = None) -> date:
    """The day analysts are counted as working for `event`: its first day once it has started,
    today before that (who can still be sent)."""
    today = today or timezone.localdate()
    return today if event.is_upcoming(today) else event.starts_on


def roster_candidates(*, event: TrainingEvent, hotlines: Iterable[Hotline]) -> list[Analyst]:
    """The analysts of `hotlines` working on the roster day who have no place at `event` yet."""
    return list(
        Analyst.objects.filter(hotline__in=list(hotlines))
        .working_on(roster_day(event))
        .exclude(participations__event=event)
        .select_related("hotline")
        .order_by("hotline__brand_name", "code")
    )


def _place(event: TrainingEvent, analyst: Analyst) -> TrainingParticipation:
    return TrainingParticipation.place_for(event=event, analyst=analyst, status=Status.CONFIRMED)


def roster_add(*, event: TrainingEvent, analysts: Sequence[Analyst], acting_user: Any) -> list[TrainingParticipation]:
    """Give each analyst a confirmed place at `event`; all or none."""
    _check_may(acting_user)
    if not analysts:
        raise ValidationError(_("Choose at least one analyst."))
    day = roster_day(event)
    not_working = sorted(a.code for a in analysts if not a.is_working_on(day))
    if not_working:
        raise ValidationError(
            _("Not working on %(day)s: %(codes)s.") % {"day": day.isoformat(), "codes": ", ".join(not_working)}
        )
    with transaction.atomic():
        TrainingEvent.objects.select_for_update().filter(pk=event.pk).first()
        already = sorted(
            TrainingParticipation.objects.filter(event=event, analyst__in=analysts).values_list(
                "analyst__code", flat=True
            )
        )
        if already:
            raise ValidationError(_("Already at this event: %(codes)s.") % {"codes": ", ".join(already)})
        places = [_place(event, analyst) for analyst in analysts]
        for place in places:
            place.full_clean(validate_unique=False, validate_constraints=False)
        created = TrainingParticipation.objects.bulk_create(places)
        dataversion.bump(TrainingParticipation)  # bulk writes send no signals
        audit_bulk(
            [
                (place, "network.training.roster_add", {"changed": created_fields(place)}, str(place))
                for place in created
            ],
            user=acting_user,
        )
    return created


def _batch(event: TrainingEvent, participations: Sequence[TrainingParticipation]) -> list[TrainingParticipation]:
    if not participations:
        raise ValidationError(_("Choose at least one participant."))
    foreign = [p for p in participations if p.event_id != event.pk]
    if foreign:
        raise ValidationError(_("Not on this event's roster: %(names)s.") % {"names": _names(foreign)})
    # Read again under lock: the batch applies to the rows as they are now.
    return list(
        TrainingParticipation.objects.select_for_update(of=("self",))
        .filter(pk__in=[p.pk for p in participations])
        .select_related("analyst", "event__course")
        .order_by("pk")
    )


def _write(rows: list[TrainingParticipation], before: dict[int, dict[str, Any]], fields: list[str], user: Any) -> None:
    TrainingParticipation.objects.bulk_update(rows, fields)
    dataversion.bump(TrainingParticipation)  # bulk writes send no signals
    changes = [(row, changed_fields(before[row.pk], field_values(row))) for row in rows]
    audit_bulk(
        [
            (row, "network.training.roster_update", {"changed": changed}, str(row))
            for row, changed in changes
            if changed
        ],
        user=user,
    )


def status_refusal(participation: TrainingParticipation, status: str, today: date | None = None) -> str | None:
    """Why the roster cannot give `participation` this status (None when it can): attendance is
    recorded once the event has started, and a certified place stays completed."""
    today = today or timezone.localdate()
    if status not in ROSTER_STATUSES:
        return _("The roster records confirmed, completed or did not complete.")
    if status in (Status.COMPLETED, Status.NOT_COMPLETED) and participation.event.is_upcoming(today):
        return _("the event has not started")
    if participation.certified_on and status != Status.COMPLETED:
        return _("a certificate was issued")
    return None


def roster_set_status(
    *, event: TrainingEvent, participations: Sequence[TrainingParticipation], status: str, acting_user: Any
) -> list[TrainingParticipation]:
    """Give every chosen participant `status`; refused as a whole when one of them cannot have it."""
    _check_may(acting_user)
    if status not in ROSTER_STATUSES:
        raise ValidationError(_("The roster records confirmed, completed or did not complete."))
    with transaction.atomic():
        rows = _batch(event, participations)
        refused = [(row, status_refusal(row, status)) for row in rows]
        refused = [(row, reason) for row, reason in refused if reason]
        if refused:
            raise ValidationError(
                _("Nothing was changed. Cannot be marked “%(status)s”: %(rows)s.")
                % {
                    "status": Status(status).label,
                    "rows": "; ".join(f"{row.participant_label} ({reason})" for row, reason in refused),
                }
            )
        before = {row.pk: field_values(row) for row in rows}
        for row in rows:
            row.status = status
        _write(rows, before, ["status"], acting_user)
    return rows


def roster_certify(
    *,
    event: TrainingEvent,
    participations: Sequence[TrainingParticipation],
    certified_on: date,
    acting_user: Any,
) -> list[TrainingParticipation]:
    """Issue a certificate dated `certified_on` to every chosen participant who completed the event;
    it expires as the course says (`TrainingCourse.certificate_expiry`). All or none."""
    _check_may(acting_user)
    today = timezone.localdate()
    if certified_on > today:
        raise ValidationError(_("A certificate cannot be dated in the future."))
    if certified_on < event.starts_on:
        raise ValidationError(
            _("A certificate cannot be dated before the event started (%(day)s).")
            % {"day": event.starts_on.isoformat()}
        )
    with transaction.atomic():
        rows = _batch(event, participations)
        not_completed = [row for row in rows if row.status != Status.COMPLETED]
        certified = [row for row in rows if row.certified_on]
        problems = []
        if not_completed:
            problems.append(_("Not completed: %(names)s") % {"names": _names(not_completed)})
        if certified:
            problems.append(_("Already certified: %(names)s") % {"names": _names(certified)})
        if problems:
            raise ValidationError(_("Nothing was changed. %(problems)s.") % {"problems": "; ".join(problems)})
        before = {row.pk: field_values(row) for row in rows}
        expiry = event.course.certificate_expiry(certified_on)
        for row in rows:
            row.certified_on = certified_on
            row.certificate_expires_on = expiry
        _write(rows, before, ["certified_on", "certificate_expires_on"], acting_user)
    return rows
