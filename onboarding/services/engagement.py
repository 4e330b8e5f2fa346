"""Engagement with a candidate country: roundtable minutes and attendance, agreement documents,
law-enforcement MoU alternatives and staff calendar-feed tokens. Every service is atomic and audited.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import is_staff_user
from accounts.models import User
from core import dataversion
from core.audit import audit, audit_bulk
from core.uploads import check_document, store_document
from network.models import Hotline, Organisation, Sector
from onboarding.models import (
    Agreement,
    CalendarFeedToken,
    MouAlternative,
    PrivateDocument,
    Roundtable,
    RoundtableParticipant,
)
from onboarding.services.common import _require_network_staff


# -- Documents --------------------------------------------------------------------------------
def _store(upload: File, *, folder: str, acting_user: User) -> PrivateDocument:
    checked = check_document(upload)
    stored = store_document(upload, checked, folder=folder)
    return PrivateDocument.objects.create(
        stored_name=stored,
        original_name=checked.original_name,
        content_type=checked.kind.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=acting_user,
    )


def _attach(
    record: Roundtable | Agreement, *, field: str, upload: File, folder: str, action: str, acting_user: User
) -> PrivateDocument:
    """Store the checked upload and make it the record's `field` document, audited as `action`."""
    with transaction.atomic():
        document = _store(upload, folder=folder, acting_user=acting_user)
        type(record).objects.filter(pk=record.pk).update(**{field: document}, updated_at=timezone.now())
        dataversion.bump(type(record))  # an update sends no signals
        setattr(record, field, document)
        audit(record, action, user=acting_user, data={"file": document.original_name, "sha256": document.sha256})
    return document


def roundtable_attach_minutes(*, roundtable: Roundtable, upload: File, acting_user: User) -> PrivateDocument:
    _require_network_staff(acting_user, _("Only network staff can upload minutes."))
    return _attach(
        roundtable,
        field="minutes",
        upload=upload,
        folder="onboarding/minutes",
        action="onboarding.minutes_upload",
        acting_user=acting_user,
    )


def agreement_attach_document(*, agreement: Agreement, upload: File, acting_user: User) -> PrivateDocument:
    _require_network_staff(acting_user, _("Only network staff can upload agreements."))
    return _attach(
        agreement,
        field="document",
        upload=upload,
        folder="onboarding/agreements",
        action="onboarding.agreement_document",
        acting_user=acting_user,
    )


# -- Roundtables ------------------------------------------------------------------------------
def roundtable_record_attendance(
    *,
    roundtable: Roundtable,
    attended_ids: set[int],
    committed_ids: set[int],
    acting_user: User,
    now: datetime | None = None,
) -> dict[str, int]:
    """Mark every participant at once: ticked attended, others did not attend; a planned roundtable becomes held."""
    _require_network_staff(acting_user, _("Only network staff can record attendance."))
    now = now or timezone.now()
    with transaction.atomic():
        locked = Roundtable.objects.select_for_update().get(pk=roundtable.pk)
        if locked.status == Roundtable.Status.CANCELLED:
            raise ValidationError(_("This roundtable was cancelled; there is no attendance to record."))
        if locked.starts_at > now:
            raise ValidationError(_("Attendance can be recorded once the roundtable has started."))
        participants = list(locked.participants.all())
        known = {p.pk for p in participants}
        unknown = (attended_ids | committed_ids) - known
        if unknown:
            raise ValidationError(_("Some of the ticked participants are not invited to this roundtable."))
        for participant in participants:
            participant.status = (
                RoundtableParticipant.Status.ATTENDED
                if participant.pk in attended_ids
                else RoundtableParticipant.Status.ABSENT
            )
            participant.committed = participant.pk in committed_ids
        RoundtableParticipant.objects.bulk_update(participants, ["status", "committed"])
        dataversion.bump(RoundtableParticipant)  # bulk updates send no signals
        if locked.status == Roundtable.Status.PLANNED and attended_ids:
            locked.status = Roundtable.Status.HELD
            locked.save(update_fields=["status", "updated_at"])
        summary = {
            "attended": len(attended_ids),
            "absent": len(known - attended_ids),
            "committed": len(committed_ids),
        }
        audit(locked, "onboarding.attendance", user=acting_user, data=summary)
    roundtable.status = locked.status
    return summary


def roundtable_invite_organisations(
    *, roundtable: Roundtable, invitations: list[tuple[Organisation, str]], acting_user: User
) -> list[RoundtableParticipant]:
    """Invite several organisations at once, each with its sector; all or none, one audit entry each."""
    _require_network_staff(acting_user, _("Only network staff can invite participants."))
    if not invitations:
        raise ValidationError(_("Choose at least one organisation."))
    unknown = [organisation.name for organisation, sector in invitations if sector not in Sector.values]
    if unknown:
        raise ValidationError(_("Choose a sector for: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    with transaction.atomic():
        locked = Roundtable.objects.select_for_update().get(pk=roundtable.pk)
        if locked.status == Roundtable.Status.CANCELLED:
            raise ValidationError(_("This roundtable was cancelled; nobody can be invited to it."))
        chosen = [organisation.pk for organisation, _sector in invitations]
        already = sorted(
            locked.participants.filter(organisation__in=chosen, contact__isnull=True).values_list(
                "organisation__name", flat=True
            )
        )
        if already:
            raise ValidationError(_("Already invited: %(names)s.") % {"names": ", ".join(already)})
        created = RoundtableParticipant.objects.bulk_create(
            RoundtableParticipant(roundtable=locked, organisation=organisation, sector=sector)
            for organisation, sector in invitations
        )
        dataversion.bump(RoundtableParticipant)  # bulk writes send no signals
        audit_bulk(
            [
                (
                    participant,
                    "onboarding.participants.invite",
                    {
                        "roundtable": locked.code,
                        "organisation": participant.organisation.name,
                        "sector": participant.sector,
                    },
                    str(participant.organisation.name),
                )
                for participant in created
            ],
            user=acting_user,
        )
    return created


# -- Law-enforcement MoU alternatives ---------------------------------------------------------
def mou_alternative_propose(
    *,
    hotline: Hotline,
    arrangement: str,
    why_no_mou: str,
    upload: File | None,
    acting_user: User,
    now: datetime | None = None,
) -> MouAlternative:
    _require_network_staff(acting_user, _("Only network staff can propose an MoU alternative."))
    if not arrangement.strip() or not why_no_mou.strip():
        raise ValidationError(_("Describe the arrangement and why no MoU is possible."))
    with transaction.atomic():
        document = _store(upload, folder="onboarding/mou-alternatives", acting_user=acting_user) if upload else None
        alternative = MouAlternative.objects.create(
            hotline=hotline,
            arrangement=arrangement.strip(),
            why_no_mou=why_no_mou.strip(),
            document=document,
            proposed_by=acting_user,
            proposed_at=now or timezone.now(),
        )
        audit(hotline, "onboarding.mou_alternative_propose", user=acting_user, data={"id": alternative.pk})
    return alternative


def mou_alternative_decide(
    *, alternative: MouAlternative, approve: bool, note: str, acting_user: User, now: datetime | None = None
) -> MouAlternative:
    """Approve or decline a proposed alternative; a second staff member decides, never the proposer."""
    _require_network_staff(acting_user, _("Only network staff can decide on an MoU alternative."))
    with transaction.atomic():
        locked = MouAlternative.objects.select_for_update().get(pk=alternative.pk)
        if locked.status != MouAlternative.Status.PROPOSED:
            raise ValidationError(
                _("This alternative was already decided (%(status)s).") % {"status": locked.get_status_display()}
            )
        if locked.proposed_by_id == acting_user.pk:
            raise ValidationError(_("Another staff member must decide on an alternative you proposed."))
        if not approve and not note.strip():
            raise ValidationError(_("Say why the alternative is declined."))
        locked.status = MouAlternative.Status.APPROVED if approve else MouAlternative.Status.DECLINED
        locked.decided_by = acting_user
        locked.decided_at = now or timezone.now()
        locked.decision_note = note.strip()
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit(
            locked.hotline,
            "onboarding.mou_alternative_decide",
            user=acting_user,
            data={"id": locked.pk, "status": locked.status, "note": locked.decision_note},
        )
    return locked


# -- Calendar feed ----------------------------------------------------------------------------
def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_token_create(*, acting_user: User) -> str:
    """A new secret feed address for the user (any earlier one stops working). Returns the token once."""
    if not is_staff_user(acting_user):
        raise PermissionDenied(_("Only staff have a calendar feed."))
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarFeedToken.objects.filter(user=acting_user).delete()
        feed = CalendarFeedToken.objects.create(user=acting_user, token_hash=hash_token(token))
        audit(acting_user, "onboarding.calendar_token_create", user=acting_user, data={"id": feed.pk})
    return token


def calendar_token_revoke(*, acting_user: User) -> bool:
    with transaction.atomic():
        deleted, _rows = CalendarFeedToken.objects.filter(user=acting_user).delete()
        if deleted:
            audit(acting_user, "onboarding.calendar_token_revoke", user=acting_user)
    return bool(deleted)


def calendar_token_user(token: str) -> User | None:
    """The active staff user a feed token belongs to, or None (unknown, revoked, or no longer staff)."""
    feed = CalendarFeedToken.objects.select_related("user").filter(token_hash=hash_token(token)).first()
    if feed is None or not is_staff_user(feed.user):
        return None
    CalendarFeedToken.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    return feed.user
