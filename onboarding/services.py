"""Writes of onboarding: moving hotlines through the lifecycle, and the records around it.

`hotline_transition` is the only way a stage changes. It locks the hotline row, refuses when the
stage is no longer the one the user saw ("changed meanwhile"), checks the user's workflow role
and every gate (`onboarding.workflow.plan`), writes a `StageChange`, updates the hotline, audits
and queues the notifications, all in one transaction: two staff moving the same candidate at the
same moment cannot both succeed. Every other service here is atomic and audited too.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import has_role, is_staff_user
from accounts.models import User
from accounts.roles import Role
from core import dataversion
from core.audit import audit
from core.mail import queue_email
from core.uploads import check_document, store_document
from network.models import Country, Hotline, Organisation
from onboarding import selectors, workflow
from onboarding.models import (
    Agreement,
    CalendarFeedToken,
    CandidateProfile,
    MouAlternative,
    PrivateDocument,
    Roundtable,
    RoundtableParticipant,
    StageChange,
)

Stage = Hotline.Stage


class StageChangedMeanwhile(ValidationError):
    """The hotline's stage is not the one the user acted on: someone else moved it first."""


def _require_network_staff(user: Any, message: str) -> None:
    if not has_role(user, Role.NETWORK_STAFF):
        raise PermissionDenied(message)


# -- Lifecycle --------------------------------------------------------------------------------
def hotline_transition(
    *,
    hotline: Hotline,
    transition: str,
    reason: str,
    expected_stage: str,
    acting_user: User,
    review_date: date | None = None,
    now: datetime | None = None,
) -> StageChange:
    """Apply the named transition to `hotline`, which the user saw in `expected_stage`.

    Raises PermissionDenied when the user may not perform it, StageChangedMeanwhile when the stage
    moved since, and ValidationError listing every unmet gate or invalid input.
    """
    now = now or timezone.now()
    spec = workflow.get_transition(transition)
    if spec is None:
        raise ValidationError(_("Unknown transition “%(name)s”.") % {"name": transition})
    with transaction.atomic():
        locked = Hotline.objects.select_for_update(of=("self",)).select_related("host_organisation").get(pk=hotline.pk)
        roles = selectors.workflow_roles_for(user=acting_user, hotline=locked)
        if not workflow.is_permitted(spec, roles):
            raise PermissionDenied(_("You are not allowed to “%(transition)s”.") % {"transition": spec.label})
        if locked.stage != expected_stage:
            raise StageChangedMeanwhile(
                _(
                    "%(hotline)s was changed meanwhile: it is now in %(stage)s. Nothing was changed; "
                    "check the candidate page and try again if still needed."
                )
                % {"hotline": locked.brand_name, "stage": workflow.stage_label(locked.stage)},
                code="changed_meanwhile",
            )
        facts = selectors.gate_facts(hotline=locked, today=timezone.localdate(now))
        try:
            move = workflow.plan(
                spec,
                stage=locked.stage,
                paused_stage=locked.paused_stage,
                roles=roles,
                facts=facts,
                reason=reason,
                review_date=review_date,
                today=timezone.localdate(now),
            )
        except workflow.TransitionRefused as refusal:
            if refusal.code == workflow.TransitionRefused.NOT_PERMITTED:
                raise PermissionDenied(refusal.messages[0]) from refusal
            raise ValidationError(refusal.messages, code=refusal.code) from refusal

        change = StageChange.objects.create(
            hotline=locked,
            transition=spec.name,
            from_stage=move.from_stage,
            to_stage=move.to_stage,
            reason=reason.strip(),
            review_date=move.review_date,
            changed_by=acting_user,
            changed_at=now,
        )
        locked.stage = move.to_stage
        locked.stage_entered_at = now
        locked.paused_stage = move.paused_stage
        fields = ["stage", "stage_entered_at", "paused_stage", "updated_at"]
        today = timezone.localdate(now)
        if move.to_stage == Stage.PROVISIONAL_MEMBER and not locked.joined_on:
            locked.joined_on = today
            fields.append("joined_on")
        if move.to_stage == Stage.FULL_MEMBER and not locked.full_member_on:
            locked.full_member_on = today
            fields.append("full_member_on")
            if not locked.joined_on:
                locked.joined_on = today
                fields.append("joined_on")
        locked.save(update_fields=fields)
        audit(
            locked,
            "onboarding.stage_change",
            user=acting_user,
            data={
                "transition": spec.name,
                "from": move.from_stage,
                "to": move.to_stage,
                "reason": change.reason,
                "review_date": move.review_date.isoformat() if move.review_date else None,
            },
        )
        _notify_stage_change(hotline=locked, change=change, acting_user=acting_user)
    hotline.stage, hotline.stage_entered_at, hotline.paused_stage = locked.stage, now, locked.paused_stage
    return change


def _absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _notify_stage_change(*, hotline: Hotline, change: StageChange, acting_user: User) -> None:
    """Candidate users learn the new stage (not staff's reasons); lead staff get the full change."""
    context = {
        "hotline": hotline,
        "change": change,
        "from_label": workflow.stage_label(change.from_stage),
        "to_label": workflow.stage_label(change.to_stage),
        "actor": acting_user,
    }
    subject = _("%(hotline)s is now in: %(stage)s") % {"hotline": hotline.brand_name, "stage": context["to_label"]}
    candidates = [e for e in selectors.candidate_user_emails(hotline=hotline) if e != acting_user.email]
    queue_email(
        to=candidates,
        subject=subject,
        template="onboarding/email/stage_change_candidate.txt",
        context={**context, "url": _absolute(reverse("portal:onboarding_candidate", args=[hotline.pk]))},
    )
    lead = hotline.lead_staff
    if lead is not None and lead.is_active and lead.pk != acting_user.pk:
        queue_email(
            to=[lead.email],
            subject=subject,
            template="onboarding/email/stage_change_staff.txt",
            context={**context, "url": _absolute(reverse("onboarding_admin:candidate", args=[hotline.pk]))},
        )


def candidate_create(
    *,
    brand_name: str,
    country: Country,
    host_organisation: Organisation | None = None,
    new_host_name: str = "",
    new_host_type: str = Organisation.Type.NGO,
    identified_on: date,
    source: str,
    lead_staff: User | None,
    notes: str = "",
    acting_user: User,
) -> Hotline:
    """Start tracking a prospective hotline: the registry entry in "identified", its profile and first history row.

    The host is an organisation of the registry, or a new one created here (`new_host_name`).
    """
    _require_network_staff(acting_user, _("Only network staff can add candidates."))
    if (host_organisation is None) == (not new_host_name.strip()):
        raise ValidationError(_("Give the host organisation: an existing one or the name of a new one."))
    now = timezone.now()
    with transaction.atomic():
        if host_organisation is None:
            host_organisation = Organisation(name=new_host_name.strip(), type=new_host_type, country=country)
            host_organisation.full_clean()
            host_organisation.save()
            audit(host_organisation, "onboarding.host_create", user=acting_user, data={"name": host_organisation.name})
        hotline = Hotline(
            brand_name=brand_name.strip(),
            country=country,
            host_organisation=host_organisation,
            lead_staff=lead_staff,
            stage=Stage.IDENTIFIED,
            stage_entered_at=now,
        )
        hotline.full_clean()
        hotline.save()
        hotline.countries_served.add(country)
        profile = CandidateProfile(hotline=hotline, identified_on=identified_on, source=source, notes=notes)
        profile.full_clean()
        profile.save()
        StageChange.objects.create(
            hotline=hotline,
            transition="",
            from_stage="",
            to_stage=Stage.IDENTIFIED,
            reason=_("Candidate identified."),
            changed_by=acting_user,
            changed_at=now,
        )
        audit(
            hotline,
            "onboarding.candidate_create",
            user=acting_user,
            data={"brand_name": hotline.brand_name, "country": country.pk, "host": host_organisation.name},
        )
    return hotline


def candidate_profile_save(
    *, profile: CandidateProfile, lead_staff: User | None, acting_user: User
) -> CandidateProfile:
    """Save a candidate's profile (and its lead staff member on the registry entry)."""
    _require_network_staff(acting_user, _("Only network staff can edit candidates."))
    with transaction.atomic():
        profile.full_clean()
        profile.save()
        hotline = profile.hotline
        if hotline.lead_staff_id != (lead_staff.pk if lead_staff else None):
            hotline.lead_staff = lead_staff
            hotline.save(update_fields=["lead_staff", "updated_at"])
        audit(
            hotline,
            "onboarding.candidate_update",
            user=acting_user,
            data={
                "host_confirmed_on": profile.host_confirmed_on.isoformat() if profile.host_confirmed_on else None,
                "lead_staff": lead_staff.email if lead_staff else None,
            },
        )
    return profile


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


def roundtable_attach_minutes(*, roundtable: Roundtable, upload: File, acting_user: User) -> PrivateDocument:
    _require_network_staff(acting_user, _("Only network staff can upload minutes."))
    with transaction.atomic():
        document = _store(upload, folder="onboarding/minutes", acting_user=acting_user)
        Roundtable.objects.filter(pk=roundtable.pk).update(minutes=document, updated_at=timezone.now())
        roundtable.minutes = document
        audit(
            roundtable,
            "onboarding.minutes_upload",
            user=acting_user,
            data={"file": document.original_name, "sha256": document.sha256},
        )
    return document


def agreement_attach_document(*, agreement: Agreement, upload: File, acting_user: User) -> PrivateDocument:
    _require_network_staff(acting_user, _("Only network staff can upload agreements."))
    with transaction.atomic():
        document = _store(upload, folder="onboarding/agreements", acting_user=acting_user)
        Agreement.objects.filter(pk=agreement.pk).update(document=document, updated_at=timezone.now())
        agreement.document = document
        audit(
            agreement,
            "onboarding.agreement_document",
            user=acting_user,
            data={"file": document.original_name, "sha256": document.sha256},
        )
    return document


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
        dataversion.bump()  # bulk updates send no signals
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


# -- Law-enforcement MoU alternatives ---------------------------------------------------------
def mou_alternative_propose(
    *,
    hotline: Hotline,
    arrangement: str,
    why_no_mou: str,
    upload: File | None,
    acting_user: User,
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
        )
        audit(hotline, "onboarding.mou_alternative_propose", user=acting_user, data={"id": alternative.pk})
    return alternative


def mou_alternative_decide(
    *, alternative: MouAlternative, approve: bool, note: str, acting_user: User
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
        locked.decided_at = timezone.now()
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
