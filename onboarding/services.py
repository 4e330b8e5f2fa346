"""Writes of onboarding: moving hotlines through the lifecycle, and the records around it.

`hotline_transition` is the only way a stage changes. It locks the hotline row, refuses when the
stage is no longer the one the user saw ("changed meanwhile"), checks the user's workflow role
and every gate (`onboarding.workflow.plan`), writes a `StageChange`, updates the hotline (and the
due dates of its checklist), audits and queues the notifications, all in one transaction: two
staff moving the same candidate at the same moment cannot both succeed. Every other service here
is atomic and audited too.

The dossier: checklist items change only through `_item_action`, which locks the item, asks
`checklist_rules.plan_item_action` (states, actors, four eyes, required text and evidence), then
writes the item, one `ItemEvent` (the item's history) and an audit entry, and tells the other
side by email. Evidence files are written before their rows and deleted again if the rows cannot
be written, so a failure leaves neither an orphan file nor a half-recorded document. A membership
decision and the full-membership confirmation move the hotline through `hotline_transition`.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import has_role, is_staff_user
from accounts.models import User
from accounts.roles import Role
from core import dataversion
from core.audit import audit, changed_fields
from core.dates import past_due_problem
from core.mail import queue_email
from core.uploads import CheckedDocument, check_document, private_storage, store_document
from network.models import Country, Hotline, Organisation
from onboarding import checklist_rules as rules
from onboarding import selectors, workflow
from onboarding.models import (
    Agreement,
    Assessment,
    CalendarFeedToken,
    CandidateProfile,
    Checklist,
    ChecklistItem,
    ChecklistTemplate,
    ChecklistTemplateItem,
    CorrectiveAction,
    Decision,
    DecisionCorrection,
    EvidenceDocument,
    EvidenceDownload,
    EvidenceLink,
    Finding,
    ItemComment,
    ItemEvent,
    MouAlternative,
    PrivateDocument,
    ReviewerAssignment,
    Roundtable,
    RoundtableParticipant,
    StageChange,
)

Stage = Hotline.Stage
logger = logging.getLogger(__name__)


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
    correction: bool = False,
) -> StageChange:
    """Apply the named transition to `hotline`, which the user saw in `expected_stage`.

    Raises PermissionDenied when the user may not perform it, StageChangedMeanwhile when the stage
    moved since, and ValidationError listing every unmet gate or invalid input. The transitions of a
    decision's correction (`by_service_only`) are taken only by `decision_correct` (`correction=True`).
    """
    now = now or timezone.now()
    spec = workflow.get_transition(transition)
    if spec is None:
        raise ValidationError(_("Unknown transition “%(name)s”.") % {"name": transition})
    if spec.by_service_only and not correction:
        raise ValidationError(_("“%(name)s” follows a correction of the decision only.") % {"name": spec.label})
    with transaction.atomic():
        locked = Hotline.objects.select_for_update(of=("self",)).select_related("host_organisation").get(pk=hotline.pk)
        roles = selectors.workflow_roles_for(user=acting_user, hotline=locked)
        if not workflow.is_permitted(spec, roles):
            raise PermissionDenied(_("You are not allowed to “%(transition)s”.") % {"transition": spec.label})
        _same_stage(locked, expected_stage)
        move = _plan_move(spec, locked, roles=roles, reason=reason, review_date=review_date, now=now)

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
        if spec.clears_membership and locked.joined_on:
            locked.joined_on = None
            fields.append("joined_on")
        if move.to_stage == Stage.FULL_MEMBER and not locked.full_member_on:
            locked.full_member_on = today
            fields.append("full_member_on")
            if not locked.joined_on:
                locked.joined_on = today
                fields.append("joined_on")
        locked.save(update_fields=fields)
        _reschedule_checklist(locked)
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


def _same_stage(hotline: Hotline, expected_stage: str) -> None:
    if hotline.stage != expected_stage:
        raise StageChangedMeanwhile(
            _(
                "%(hotline)s was changed meanwhile: it is now in %(stage)s. Nothing was changed; "
                "check the candidate page and try again if still needed."
            )
            % {"hotline": hotline.brand_name, "stage": workflow.stage_label(hotline.stage)},
            code="changed_meanwhile",
        )


def _plan_move(
    spec: workflow.Transition, hotline: Hotline, *, roles: Any, reason: str, review_date: date | None, now: datetime
) -> workflow.Move:
    facts = selectors.gate_facts(hotline=hotline, today=timezone.localdate(now))
    try:
        return workflow.plan(
            spec,
            stage=hotline.stage,
            paused_stage=hotline.paused_stage,
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


def hotline_transition_check(
    *,
    hotline: Hotline,
    transition: str,
    reason: str,
    expected_stage: str,
    acting_user: User,
    review_date: date | None = None,
) -> workflow.Move:
    """What `hotline_transition` would do, or the same refusal, without writing (the confirmation step)."""
    spec = workflow.get_transition(transition)
    if spec is None or spec.by_service_only:
        raise ValidationError(_("Unknown transition “%(name)s”.") % {"name": transition})
    _same_stage(hotline, expected_stage)
    roles = selectors.workflow_roles_for(user=acting_user, hotline=hotline)
    return _plan_move(spec, hotline, roles=roles, reason=reason, review_date=review_date, now=timezone.now())


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
        if ChecklistTemplate.objects.published().exists():
            checklist_create(hotline=hotline, acting_user=acting_user, now=now)
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


# == The dossier ===============================================================================
def _refuse(refusal: rules.ItemActionRefused) -> Exception:
    if refusal.code == rules.ItemActionRefused.NOT_PERMITTED:
        return PermissionDenied(refusal.messages[0])
    return ValidationError(refusal.messages, code=refusal.code)


def _portal_url(name: str, *args: Any) -> str:
    return _absolute(reverse(name, args=args))


def _require_actor(user: Any, hotline: Hotline, allowed: set[str], message: str) -> frozenset[str]:
    actors = selectors.dossier_actors(user=user, hotline=hotline)
    if not actors & allowed:
        raise PermissionDenied(message)
    return actors


# -- Checklist templates ----------------------------------------------------------------------
def template_problems(template: ChecklistTemplate) -> list[str]:
    """What keeps a draft from being published, in plain words (empty: ready)."""
    items = list(template.items.all())
    problems: list[str] = []
    if not items:
        problems.append(_("The template has no items."))
    codes = [item.code for item in items]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        problems.append(_("Codes used twice: %(codes)s.") % {"codes": ", ".join(duplicates)})
    for fact, label in rules.GATE_FACTS:
        named = [item for item in items if item.gate_fact == fact]
        if len(named) != 1:
            problems.append(
                _("Exactly one item must be marked “%(fact)s” (found %(count)s).")
                % {"fact": label, "count": len(named)}
            )
    for item in items:
        try:
            item.full_clean(exclude=["template"])
        except ValidationError as exc:
            problems.extend(f"{item.code}: {message}" for message in exc.messages)
    return problems


def template_publish(
    *, template: ChecklistTemplate, acting_user: User, now: datetime | None = None
) -> ChecklistTemplate:
    """Publish a draft version; the previously published version of the same checklist is retired.
    Candidates' checklists stay on their version until staff move them."""
    _require_network_staff(acting_user, _("Only network staff can publish a checklist template."))
    now = now or timezone.now()
    with transaction.atomic():
        locked = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
        if not locked.is_draft:
            raise ValidationError(
                _("Only a draft can be published; this version is %(status)s.")
                % {"status": locked.get_status_display().lower()}
            )
        problems = template_problems(locked)
        if problems:
            raise ValidationError(problems)
        previous = list(ChecklistTemplate.objects.select_for_update().filter(name=locked.name, status="published"))
        for old in previous:
            old.status = ChecklistTemplate.Status.RETIRED
            old.save(update_fields=["status"])
            audit(old, "onboarding.template_retire", user=acting_user, data={"version": old.version})
        locked.status = ChecklistTemplate.Status.PUBLISHED
        locked.published_at = now
        locked.published_by = acting_user
        locked.save(update_fields=["status", "published_at", "published_by"])
        audit(locked, "onboarding.template_publish", user=acting_user, data={"version": locked.version})
    template.status, template.published_at = locked.status, now
    return locked


def template_new_version(*, template: ChecklistTemplate, acting_user: User) -> ChecklistTemplate:
    """A new draft version copying `template`'s items, to edit and later publish."""
    _require_network_staff(acting_user, _("Only network staff can create a checklist version."))
    with transaction.atomic():
        if ChecklistTemplate.objects.filter(name=template.name, status=ChecklistTemplate.Status.DRAFT).exists():
            raise ValidationError(_("A draft version of this checklist exists already: edit that one."))
        number = (ChecklistTemplate.objects.filter(name=template.name).aggregate(n=Max("version"))["n"] or 0) + 1
        draft = ChecklistTemplate.objects.create(
            name=template.name,
            version=number,
            created_by=acting_user,
            notes="",
            resubmission_days=template.resubmission_days,
        )
        ChecklistTemplateItem.objects.bulk_create(
            [
                ChecklistTemplateItem(
                    template=draft,
                    sort_order=item.sort_order,
                    code=item.code,
                    area=item.area,
                    title=item.title,
                    guidance=item.guidance,
                    evidence_required=item.evidence_required,
                    gates_stage=item.gates_stage,
                    due_days=item.due_days,
                    gate_fact=item.gate_fact,
                )
                for item in template.items.all()
            ]
        )
        audit(draft, "onboarding.template_create", user=acting_user, data={"version": number, "from": template.version})
    return draft


# -- Checklists -------------------------------------------------------------------------------
def _stage_entries(hotline: Hotline) -> dict[str, date]:
    """The day the hotline last entered each stage."""
    rows = StageChange.objects.filter(hotline=hotline).values("to_stage").annotate(at=Max("changed_at"))
    return {row["to_stage"]: timezone.localdate(row["at"]) for row in rows}


def _due_on(template_item: ChecklistTemplateItem, entries: dict[str, date]) -> date | None:
    work = rules.work_stage_for(template_item.gates_stage)
    entered = entries.get(work) if work else None
    return entered + timedelta(days=template_item.due_days) if entered else None


def _reschedule_checklist(hotline: Hotline) -> None:
    """Due dates follow the stage history: count from the day the candidate entered each work stage."""
    items = list(ChecklistItem.objects.active().filter(checklist__hotline=hotline).select_related("template_item"))
    if not items:
        return
    entries = _stage_entries(hotline)
    changed = []
    for item in items:
        due = _due_on(item.template_item, entries)
        if item.due_on != due:
            item.due_on = due
            changed.append(item)
    ChecklistItem.objects.bulk_update(changed, ["due_on"])


def checklist_create(
    *, hotline: Hotline, acting_user: User, template: ChecklistTemplate | None = None, now: datetime | None = None
) -> Checklist:
    """Give a candidate its checklist on the published template (or `template`), every item not started."""
    _require_network_staff(acting_user, _("Only network staff can start a checklist."))
    now = now or timezone.now()
    template = template or ChecklistTemplate.objects.published().order_by("-version").first()
    if template is None or template.status != ChecklistTemplate.Status.PUBLISHED:
        raise ValidationError(_("There is no published checklist template to start from."))
    with transaction.atomic():
        if Checklist.objects.filter(hotline=hotline).exists():
            raise ValidationError(_("%(hotline)s has a checklist already.") % {"hotline": hotline.brand_name})
        checklist = Checklist.objects.create(hotline=hotline, template=template, created_by=acting_user, created_at=now)
        items = ChecklistItem.objects.bulk_create(
            [
                ChecklistItem(checklist=checklist, template_item=t, code=t.code, state_changed_at=now)
                for t in template.items.all()
            ]
        )
        ItemEvent.objects.bulk_create(
            [
                ItemEvent(item=item, action="created", to_state=rules.NOT_STARTED, actor=acting_user, at=now)
                for item in items
            ]
        )
        _reschedule_checklist(hotline)
        audit(
            hotline,
            "onboarding.checklist_create",
            user=acting_user,
            data={"template": template.name, "version": template.version, "items": len(items)},
        )
    return checklist


@dataclass(frozen=True)
class VersionMove:
    from_version: int
    to_version: int
    diff: rules.VersionDiff


def checklist_version_diff(*, checklist: Checklist, template: ChecklistTemplate) -> rules.VersionDiff:
    return rules.compare_versions(checklist.template.specs(), template.specs())


def checklist_move_to_version(
    *, checklist: Checklist, template: ChecklistTemplate, acting_user: User, now: datetime | None = None
) -> VersionMove:
    """Move a candidate's checklist to a newer published version. Items are matched by code: an
    unchanged item keeps its state, answer, evidence, comments and history; a changed item keeps them
    too but is worked on again when what it asks changed; new items start; dropped items leave the
    checklist (kept, with their history). Returns what changed."""
    _require_network_staff(acting_user, _("Only network staff can move a checklist to another version."))
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Checklist.objects.select_for_update(of=("self",)).select_related("template", "hotline").get(pk=checklist.pk)
        )
        current = locked.template
        if template.status != ChecklistTemplate.Status.PUBLISHED:
            raise ValidationError(_("Only a published version can be used."))
        if template.name != current.name or template.version <= current.version:
            raise ValidationError(
                _("Choose a newer version of “%(name)s” than version %(version)s.")
                % {"name": current.name, "version": current.version}
            )
        diff = rules.compare_versions(current.specs(), template.specs())
        changes = {change.code: change for change in diff.changed}
        existing = {item.code: item for item in ChecklistItem.objects.select_for_update().filter(checklist=locked)}
        events: list[ItemEvent] = []
        for spec in template.items.all():
            item = existing.get(spec.code)
            if item is None:
                item = ChecklistItem.objects.create(
                    checklist=locked, template_item=spec, code=spec.code, state_changed_at=now
                )
                events.append(
                    ItemEvent(item=item, action="created", to_state=rules.NOT_STARTED, actor=acting_user, at=now)
                )
                continue
            change = changes.get(spec.code)
            before = item.state
            item.template_item = spec
            item.removed_at = None
            item.state = rules.state_after_version_move(
                item.state, substantive_change=bool(change and change.substantive)
            )
            if item.state != before:
                item.state_changed_at = now
                item.waived_by = item.waiver_approved_by = None
                item.waived_at = item.waiver_approved_at = None
                item.waiver_reason = ""
            item.save()
            events.append(
                ItemEvent(
                    item=item,
                    action="version_move",
                    from_state=before,
                    to_state=item.state,
                    actor=acting_user,
                    at=now,
                    note=_("Moved from version %(old)s to %(new)s.")
                    % {"old": current.version, "new": template.version},
                    data={"changed": list(change.fields) if change else []},
                )
            )
        for code in diff.removed:
            item = existing.get(code)
            if item is not None and item.removed_at is None:
                item.removed_at = now
                item.save(update_fields=["removed_at", "updated_at"])
                events.append(
                    ItemEvent(
                        item=item,
                        action="removed",
                        from_state=item.state,
                        to_state=item.state,
                        actor=acting_user,
                        at=now,
                    )
                )
        ItemEvent.objects.bulk_create(events)
        locked.template = template
        locked.save(update_fields=["template"])
        _reschedule_checklist(locked.hotline)
        summary = {
            "from": current.version,
            "to": template.version,
            "added": list(diff.added),
            "removed": list(diff.removed),
            "changed": [c.code for c in diff.changed],
            "reopened": list(diff.reopened),
        }
        audit(locked.hotline, "onboarding.checklist_version", user=acting_user, data=summary)
        queue_email(
            to=selectors.candidate_user_emails(hotline=locked.hotline),
            subject=_("Your onboarding checklist now follows version %(version)s") % {"version": template.version},
            template="onboarding/email/checklist_version.txt",
            context={
                "hotline": locked.hotline,
                "diff": diff,
                "template": template,
                "url": _portal_url("portal:onboarding_checklist", locked.hotline_id),
            },
        )
    checklist.template = template
    return VersionMove(current.version, template.version, diff)


# -- Checklist items --------------------------------------------------------------------------
def _lock_item(item: ChecklistItem) -> ChecklistItem:
    locked = (
        ChecklistItem.objects.select_for_update(of=("self",))
        .select_related("template_item", "checklist__hotline__lead_staff")
        .get(pk=item.pk)
    )
    if locked.removed_at is not None:
        raise ValidationError(_("This item is no longer part of the checklist."))
    return locked


def _current_evidence(item: ChecklistItem, today: date) -> int:
    return (
        EvidenceLink.objects.filter(item=item)
        .filter(Q(document__expires_on__isnull=True) | Q(document__expires_on__gte=today))
        .count()
    )


def _item_facts(item: ChecklistItem, today: date) -> rules.ItemFacts:
    return rules.ItemFacts(
        state=item.state,
        submitted_by=item.submitted_by_id,
        waived_by=item.waived_by_id,
        waiver_approved=item.waiver_approved,
        evidence_required=item.template_item.evidence_required,
        current_evidence=_current_evidence(item, today),
    )


def _plan(
    locked: ChecklistItem, action: str, actors: Iterable[str], acting_user: User | None, text: str, now: datetime
) -> str:
    try:
        return rules.plan_item_action(
            action,
            item=_item_facts(locked, timezone.localdate(now)),
            actors=actors,
            acting_user=acting_user.pk if acting_user is not None else None,
            text=text,
        )
    except rules.ItemActionRefused as refusal:
        raise _refuse(refusal) from refusal


def _record(
    item: ChecklistItem,
    action: str,
    *,
    source: str,
    acting_user: User | None,
    now: datetime,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> ItemEvent:
    event = ItemEvent.objects.create(
        item=item,
        action=action,
        from_state=source,
        to_state=item.state,
        actor=acting_user,
        at=now,
        note=note,
        data=data or {},
    )
    audit(
        item,
        f"onboarding.item.{action}",
        user=acting_user,
        data={
            "hotline": item.checklist.hotline_id,
            "code": item.code,
            "from": source,
            "to": item.state,
            **(data or {}),
        },
        title=f"{item.checklist.hotline.brand_name}: {item.code} {item.template_item.title}",
    )
    return event


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _item_action(
    *,
    item: ChecklistItem,
    action: str,
    acting_user: User,
    text: str = "",
    now: datetime | None = None,
    due_on: date | None = None,
) -> ChecklistItem:
    """Apply one checklist action (see `checklist_rules.ITEM_ACTIONS`) to one item.

    Requesting changes moves the item's due date (`due_on`, else the template's resubmission period
    from today), so the candidate is not overdue the moment it is sent back.
    """
    now = now or timezone.now()
    text = text.strip()
    with transaction.atomic():
        locked = _lock_item(item)
        hotline = locked.checklist.hotline
        actors = selectors.dossier_actors(user=acting_user, hotline=hotline)
        target = _plan(locked, action, actors, acting_user, text, now)
        source = locked.state
        locked.state = target
        if target != source:
            locked.state_changed_at = now
        if action == rules.SUBMIT:
            locked.submitted_by, locked.submitted_at = acting_user, now
            locked.reviewed_by = locked.reviewed_at = None
        elif action in (rules.ACCEPT, rules.REQUEST_CHANGES):
            locked.reviewed_by, locked.reviewed_at = acting_user, now
        if action == rules.REQUEST_CHANGES:
            try:
                new_due = rules.due_after_changes_requested(
                    current=locked.due_on,
                    today=timezone.localdate(now),
                    days=locked.checklist.template.resubmission_days,
                    chosen=due_on,
                )
            except ValueError as exc:
                raise ValidationError({"due_on": str(exc)}) from exc
            event_data = {"due_on": [_iso(locked.due_on), new_due.isoformat()]}
            locked.due_on = new_due
        else:
            event_data = {}
        if action == rules.WAIVE:
            locked.waiver_reason, locked.waived_by, locked.waived_at = text, acting_user, now
            locked.waiver_approved_by = locked.waiver_approved_at = None
        elif action == rules.APPROVE_WAIVER:
            locked.waiver_approved_by, locked.waiver_approved_at = acting_user, now
        elif action == rules.DECLINE_WAIVER:
            locked.waiver_reason, locked.waived_by, locked.waived_at = "", None, None
            locked.waiver_approved_by = locked.waiver_approved_at = None
        locked.save()
        _record(locked, action, source=source, acting_user=acting_user, now=now, note=text, data=event_data or None)
        if text and action in (rules.ACCEPT, rules.REQUEST_CHANGES, rules.DECLINE_WAIVER):
            # What the reviewer said opens (or continues) the item's thread, where the candidate answers.
            ItemComment.objects.create(item=locked, author=acting_user, body=text, created_at=now)
        _notify_item(locked, action, acting_user=acting_user, text=text)
    return locked


def _notify_item(item: ChecklistItem, action: str, *, acting_user: User | None, text: str) -> None:
    hotline = item.checklist.hotline
    actor_email = acting_user.email if acting_user is not None else None
    context = {
        "hotline": hotline,
        "item": item,
        "action": action,
        "action_label": str(ItemEvent.ACTION_LABELS.get(action, action)),
        "text": text,
        "actor": acting_user,
    }
    if action == rules.SUBMIT:
        queue_email(
            to=[e for e in selectors.association_emails(hotline=hotline) if e != actor_email],
            subject=_("Ready for review: %(hotline)s, %(code)s %(title)s")
            % {"hotline": hotline.brand_name, "code": item.code, "title": item.template_item.title},
            template="onboarding/email/item_submitted.txt",
            context={**context, "url": _absolute(reverse("onboarding_admin:review_item", args=[item.pk]))},
        )
    elif action in (rules.ACCEPT, rules.REQUEST_CHANGES, rules.APPROVE_WAIVER, rules.DECLINE_WAIVER):
        queue_email(
            to=[e for e in selectors.candidate_user_emails(hotline=hotline) if e != actor_email],
            subject=_("%(outcome)s: %(code)s %(title)s")
            % {"outcome": context["action_label"], "code": item.code, "title": item.template_item.title},
            template="onboarding/email/item_reviewed.txt",
            context={**context, "url": _portal_url("portal:onboarding_checklist_item", item.pk)},
        )


def item_save_answer(
    *, item: ChecklistItem, answer: str, acting_user: User, now: datetime | None = None
) -> ChecklistItem:
    """Save the candidate's answer (a not-started or expired item becomes in progress)."""
    now = now or timezone.now()
    answer = answer.strip()
    if len(answer) > 20_000:
        raise ValidationError(_("The answer is too long (at most 20,000 characters); attach a document instead."))
    with transaction.atomic():
        locked = _lock_item(item)
        actors = selectors.dossier_actors(user=acting_user, hotline=locked.checklist.hotline)
        target = _plan(locked, rules.EDIT, actors, acting_user, "", now)
        if answer == locked.answer and target == locked.state:
            return locked
        source = locked.state
        locked.answer, locked.state = answer, target
        if target != source:
            locked.state_changed_at = now
        locked.save()
        _record(locked, rules.EDIT, source=source, acting_user=acting_user, now=now)
    return locked


def item_submit(*, item: ChecklistItem, acting_user: User, now: datetime | None = None) -> ChecklistItem:
    return _item_action(item=item, action=rules.SUBMIT, acting_user=acting_user, now=now)


def item_accept(
    *, item: ChecklistItem, acting_user: User, comment: str = "", now: datetime | None = None
) -> ChecklistItem:
    """Accept a submitted item; the reviewer cannot be the person who submitted it."""
    return _item_action(item=item, action=rules.ACCEPT, acting_user=acting_user, text=comment, now=now)


def item_request_changes(
    *,
    item: ChecklistItem,
    comment: str,
    acting_user: User,
    due_on: date | None = None,
    now: datetime | None = None,
) -> ChecklistItem:
    """Send a submitted item back with a comment; it is due again on `due_on` (default: the template's
    resubmission period from today)."""
    return _item_action(
        item=item, action=rules.REQUEST_CHANGES, acting_user=acting_user, text=comment, now=now, due_on=due_on
    )


def item_waive(*, item: ChecklistItem, reason: str, acting_user: User, now: datetime | None = None) -> ChecklistItem:
    """Waive an item (network staff, with a reason); it counts once another staff member approves."""
    return _item_action(item=item, action=rules.WAIVE, acting_user=acting_user, text=reason, now=now)


def item_approve_waiver(*, item: ChecklistItem, acting_user: User, now: datetime | None = None) -> ChecklistItem:
    return _item_action(item=item, action=rules.APPROVE_WAIVER, acting_user=acting_user, now=now)


def item_decline_waiver(
    *, item: ChecklistItem, comment: str, acting_user: User, now: datetime | None = None
) -> ChecklistItem:
    return _item_action(item=item, action=rules.DECLINE_WAIVER, acting_user=acting_user, text=comment, now=now)


def item_comment(*, item: ChecklistItem, body: str, acting_user: User, now: datetime | None = None) -> ItemComment:
    """Add to the item's thread; the other side (candidate users, or reviewers and lead staff) is told."""
    now = now or timezone.now()
    body = body.strip()
    if not body:
        raise ValidationError(_("Write the comment first."))
    if len(body) > 5000:
        raise ValidationError(_("The comment is too long (at most 5,000 characters)."))
    with transaction.atomic():
        locked = _lock_item(item)
        hotline = locked.checklist.hotline
        actors = _require_actor(
            acting_user,
            hotline,
            {rules.CANDIDATE, rules.REVIEWER, rules.STAFF},
            _("You cannot comment on this checklist."),
        )
        comment = ItemComment.objects.create(item=locked, author=acting_user, body=body, created_at=now)
        audit(
            locked,
            "onboarding.item.comment",
            user=acting_user,
            data={"hotline": hotline.pk, "code": locked.code, "comment": comment.pk},
            title=f"{hotline.brand_name}: {locked.code} {locked.template_item.title}",
        )
        from_candidate = rules.CANDIDATE in actors
        recipients = (
            selectors.association_emails(hotline=hotline)
            if from_candidate
            else selectors.candidate_user_emails(hotline=hotline)
        )
        url = (
            _absolute(reverse("onboarding_admin:review_item", args=[locked.pk]))
            if from_candidate
            else _portal_url("portal:onboarding_checklist_item", locked.pk)
        )
        queue_email(
            to=[e for e in recipients if e != acting_user.email],
            subject=_("New comment on %(code)s %(title)s (%(hotline)s)")
            % {"code": locked.code, "title": locked.template_item.title, "hotline": hotline.brand_name},
            template="onboarding/email/item_comment.txt",
            context={"hotline": hotline, "item": locked, "comment": comment, "url": url},
        )
    return comment


# -- Evidence ---------------------------------------------------------------------------------
def _store_checked(upload: File, *, hotline: Hotline) -> tuple[CheckedDocument, str]:
    """Check the upload by its content, then write the file (before any row)."""
    checked = check_document(upload)
    try:
        stored = store_document(upload, checked, folder=f"onboarding/evidence/{hotline.pk}")
    except Exception as exc:
        logger.exception("Storing evidence for hotline %s failed", hotline.pk)
        raise ValidationError(
            _(
                "“%(name)s” could not be stored: the document storage is not available. Nothing was saved; "
                "please try again later, and tell the association if it keeps failing."
            )
            % {"name": checked.original_name},
            code="storage_failed",
        ) from exc
    return checked, stored


def _discard(stored: str) -> None:
    try:
        private_storage().delete(stored)
    except Exception:  # the original error matters more; the orphan is logged for clean-up
        logger.exception("Could not delete %s after a failed upload", stored)


def _link(document: EvidenceDocument, item: ChecklistItem, *, acting_user: User, now: datetime) -> ChecklistItem:
    locked = _lock_item(item)
    if locked.checklist.hotline_id != document.hotline_id:
        raise ValidationError(_("This document belongs to another candidate's dossier."))
    actors = selectors.dossier_actors(user=acting_user, hotline=locked.checklist.hotline)
    target = _plan(locked, rules.EDIT, actors, acting_user, "", now)
    if document.is_expired(timezone.localdate(now)):
        raise ValidationError(
            _("“%(name)s” expired on %(date)s: upload a current document instead.")
            % {"name": document.original_name, "date": document.expires_on.isoformat()}
        )
    _link_row, created = EvidenceLink.objects.get_or_create(
        document=document, item=locked, defaults={"linked_by": acting_user, "linked_at": now}
    )
    if not created:
        raise ValidationError(_("“%(name)s” already supports this item.") % {"name": document.original_name})
    source = locked.state
    if target != source:
        locked.state, locked.state_changed_at = target, now
        locked.save(update_fields=["state", "state_changed_at", "updated_at"])
    _record(
        locked,
        "evidence_add",
        source=source,
        acting_user=acting_user,
        now=now,
        note=document.original_name,
        data={"document": document.pk, "sha256": document.sha256},
    )
    return locked


def evidence_upload(
    *,
    hotline: Hotline,
    upload: File,
    acting_user: User,
    description: str = "",
    expires_on: date | None = None,
    items: Sequence[ChecklistItem] = (),
    corrective_actions: Sequence[CorrectiveAction] = (),
    now: datetime | None = None,
) -> EvidenceDocument:
    """Store an evidence document for `hotline` and let it support `items` and `corrective_actions`.

    The content decides the type (core.uploads); the file is written first, then the rows in one
    transaction; if the rows fail the file is deleted again."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    actors = _require_actor(
        acting_user, hotline, {rules.CANDIDATE, rules.STAFF}, _("You cannot add evidence to this dossier.")
    )
    if expires_on is not None and expires_on < today:
        raise ValidationError(_("The document is already out of date (valid until %(date)s).") % {"date": expires_on})
    for item in items:
        if item.checklist.hotline_id != hotline.pk:
            raise ValidationError(_("The item belongs to another candidate's checklist."))
        try:  # refuse before storing anything (the same rule is applied again under the row lock)
            rules.plan_item_action(
                rules.EDIT, item=rules.ItemFacts(state=item.state), actors=actors, acting_user=acting_user.pk
            )
        except rules.ItemActionRefused as refusal:
            raise _refuse(refusal) from refusal
    for action in corrective_actions:
        if action.assessment.hotline_id != hotline.pk or not action.is_open:
            raise ValidationError(_("Evidence can be added to this hotline's open corrective actions only."))
    checked, stored = _store_checked(upload, hotline=hotline)
    try:
        with transaction.atomic():
            document = EvidenceDocument.objects.create(
                hotline=hotline,
                stored_name=stored,
                original_name=checked.original_name,
                content_type=checked.kind.content_type,
                size=checked.size,
                sha256=checked.sha256,
                description=description.strip()[:300],
                expires_on=expires_on,
                uploaded_by=acting_user,
                uploaded_at=now,
            )
            for item in items:
                _link(document, item, acting_user=acting_user, now=now)
            for action in corrective_actions:
                _corrective_action_add_evidence(action, document, acting_user=acting_user)
            audit(
                hotline,
                "onboarding.evidence_upload",
                user=acting_user,
                data={
                    "document": document.pk,
                    "file": document.original_name,
                    "sha256": document.sha256,
                    "items": [item.code for item in items],
                    "corrective_actions": [a.pk for a in corrective_actions],
                },
            )
    except BaseException:
        _discard(stored)
        raise
    return document


def evidence_link(*, document: EvidenceDocument, item: ChecklistItem, acting_user: User) -> ChecklistItem:
    """Let a document already in the dossier support one more item."""
    with transaction.atomic():
        return _link(document, item, acting_user=acting_user, now=timezone.now())


def evidence_unlink(
    *, document: EvidenceDocument, item: ChecklistItem, acting_user: User, now: datetime | None = None
) -> ChecklistItem:
    """Stop a document supporting an item (the document stays in the dossier)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_item(item)
        actors = selectors.dossier_actors(user=acting_user, hotline=locked.checklist.hotline)
        target = _plan(locked, rules.EDIT, actors, acting_user, "", now)
        deleted, _rows = EvidenceLink.objects.filter(document=document, item=locked).delete()
        if not deleted:
            raise ValidationError(_("This document does not support this item."))
        source = locked.state
        if target != source:
            locked.state, locked.state_changed_at = target, now
            locked.save(update_fields=["state", "state_changed_at", "updated_at"])
        _record(
            locked,
            "evidence_remove",
            source=source,
            acting_user=acting_user,
            now=now,
            note=document.original_name,
            data={"document": document.pk},
        )
    return locked


def evidence_record_download(*, document: EvidenceDocument, acting_user: User) -> EvidenceDownload:
    """The view checked access (`visible_to`); this records who downloaded it, and when."""
    return EvidenceDownload.objects.create(document=document, user=acting_user)


@dataclass(frozen=True)
class ExpiredEvidence:
    document: EvidenceDocument
    items: list[ChecklistItem]


def evidence_expire_due(*, today: date) -> list[ExpiredEvidence]:
    """Apply the expiry of every document whose validity ended before `today`, once per expiry date:
    the accepted or submitted items it supported become expired (history, audit). Idempotent."""
    due = (
        EvidenceDocument.objects.filter(expires_on__lt=today)
        .filter(Q(expiry_processed_for__isnull=True) | ~Q(expiry_processed_for=F("expires_on")))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    now = timezone.now()
    results = []
    for pk in list(due):
        with transaction.atomic():
            document = (
                EvidenceDocument.objects.select_for_update(of=("self",))
                .select_related("hotline__lead_staff")
                .get(pk=pk)
            )
            if document.expiry_processed_for == document.expires_on or not document.is_expired(today):
                continue
            expired = []
            for item in ChecklistItem.objects.active().filter(
                evidence_links__document=document, state__in=rules.get_action(rules.EXPIRE).sources
            ):
                locked = _lock_item(item)
                target = _plan(locked, rules.EXPIRE, {rules.SYSTEM}, None, "", now)
                source, locked.state, locked.state_changed_at = locked.state, target, now
                locked.save(update_fields=["state", "state_changed_at", "updated_at"])
                _record(
                    locked,
                    rules.EXPIRE,
                    source=source,
                    acting_user=None,
                    now=now,
                    note=_("“%(name)s” was valid until %(date)s.")
                    % {"name": document.original_name, "date": document.expires_on.isoformat()},
                    data={"document": document.pk},
                )
                expired.append(locked)
            document.expiry_processed_for = document.expires_on
            document.save(update_fields=["expiry_processed_for"])
            audit(
                document.hotline,
                "onboarding.evidence_expire",
                data={"document": document.pk, "file": document.original_name, "items": [i.code for i in expired]},
            )
            results.append(ExpiredEvidence(document, expired))
    return results


# -- Reviewers --------------------------------------------------------------------------------
def reviewer_assign(
    *, hotline: Hotline, reviewer: User, acting_user: User, now: datetime | None = None
) -> ReviewerAssignment:
    """Assign an accreditation reviewer to a dossier; it opens to them once they declare no conflict."""
    _require_network_staff(acting_user, _("Only network staff can assign reviewers."))
    if not reviewer.is_active or not has_role(reviewer, Role.REVIEWER) or reviewer.is_superuser:
        raise ValidationError(_("%(user)s is not an active accreditation reviewer.") % {"user": reviewer})
    with transaction.atomic():
        if ReviewerAssignment.objects.filter(hotline=hotline, reviewer=reviewer).exists():
            raise ValidationError(_("%(user)s is already assigned to this dossier.") % {"user": reviewer})
        assignment = ReviewerAssignment.objects.create(
            hotline=hotline, reviewer=reviewer, assigned_by=acting_user, assigned_at=now or timezone.now()
        )
        audit(hotline, "onboarding.reviewer_assign", user=acting_user, data={"reviewer": reviewer.email})
        queue_email(
            to=[reviewer.email],
            subject=_("Assigned to review %(hotline)s: declare any conflict of interest")
            % {"hotline": hotline.brand_name},
            template="onboarding/email/reviewer_assigned.txt",
            context={
                "hotline": hotline,
                "assignment": assignment,
                "url": _absolute(reverse("onboarding_admin:assignment_declare", args=[assignment.pk])),
            },
        )
    return assignment


def reviewer_unassign(*, assignment: ReviewerAssignment, acting_user: User) -> None:
    _require_network_staff(acting_user, _("Only network staff can remove reviewers."))
    with transaction.atomic():
        hotline, email = assignment.hotline, assignment.reviewer.email
        assignment.delete()
        audit(hotline, "onboarding.reviewer_unassign", user=acting_user, data={"reviewer": email})


def reviewer_declare(
    *,
    assignment: ReviewerAssignment,
    has_conflict: bool,
    statement: str,
    acting_user: User,
    now: datetime | None = None,
) -> ReviewerAssignment:
    """The assigned reviewer declares whether they have a conflict of interest with the candidate.
    Declaring none opens the dossier to them; declaring one keeps it closed and tells the lead staff."""
    if acting_user.pk != assignment.reviewer_id:
        raise PermissionDenied(_("Only the assigned reviewer can make this declaration."))
    statement = statement.strip()
    if has_conflict and not statement:
        raise ValidationError(_("Describe the conflict of interest."))
    with transaction.atomic():
        locked = (
            ReviewerAssignment.objects.select_for_update(of=("self",))
            .select_related("hotline__lead_staff")
            .get(pk=assignment.pk)
        )
        locked.coi_declared_at = now or timezone.now()
        locked.has_conflict = has_conflict
        locked.coi_statement = statement
        locked.save(update_fields=["coi_declared_at", "has_conflict", "coi_statement"])
        audit(
            locked.hotline,
            "onboarding.reviewer_declare",
            user=acting_user,
            data={"reviewer": acting_user.email, "conflict": has_conflict},
        )
        lead = locked.hotline.lead_staff
        if has_conflict and lead is not None and lead.is_active:
            queue_email(
                to=[lead.email],
                subject=_("Conflict of interest declared for %(hotline)s") % {"hotline": locked.hotline.brand_name},
                template="onboarding/email/reviewer_conflict.txt",
                context={
                    "assignment": locked,
                    "hotline": locked.hotline,
                    "url": _absolute(reverse("onboarding_admin:dossier", args=[locked.hotline_id])),
                },
            )
    assignment.coi_declared_at, assignment.has_conflict = locked.coi_declared_at, has_conflict
    return locked


# -- Assessments ------------------------------------------------------------------------------
_REVIEW_SIDE = {rules.REVIEWER, rules.STAFF}


def assessment_create(
    *,
    hotline: Hotline,
    kind: str,
    mode: str,
    starts_on: date,
    ends_on: date | None,
    acting_user: User,
    time_zone: str = "",
) -> Assessment:
    _require_network_staff(acting_user, _("Only network staff can plan assessments."))
    assessment = Assessment(
        hotline=hotline,
        kind=kind,
        mode=mode,
        starts_on=starts_on,
        ends_on=ends_on,
        time_zone=time_zone or hotline.country.zone_name,
        created_by=acting_user,
    )
    assessment.full_clean(exclude=["reference"])
    with transaction.atomic():
        assessment.save()
        audit(assessment, "onboarding.assessment_create", user=acting_user, data={"kind": kind, "hotline": hotline.pk})
    return assessment


def assessment_update(
    *,
    assessment: Assessment,
    mode: str,
    starts_on: date,
    ends_on: date | None,
    acting_user: User,
    time_zone: str = "",
) -> Assessment:
    _require_network_staff(acting_user, _("Only network staff can change assessments."))
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if not locked.is_open:
            raise ValidationError(
                _("This assessment is %(status)s: it cannot change.") % {"status": locked.get_status_display().lower()}
            )
        before = {
            "mode": locked.mode,
            "starts_on": str(locked.starts_on),
            "ends_on": str(locked.ends_on),
            "time_zone": locked.zone_name,
        }
        locked.mode, locked.starts_on, locked.ends_on = mode, starts_on, ends_on
        locked.time_zone = time_zone or locked.zone_name
        locked.full_clean()
        locked.save()
        after = {
            "mode": locked.mode,
            "starts_on": str(locked.starts_on),
            "ends_on": str(locked.ends_on),
            "time_zone": locked.zone_name,
        }
        audit(locked, "onboarding.assessment_update", user=acting_user, data={"changed": changed_fields(before, after)})
    return locked


def assessment_cancel(*, assessment: Assessment, reason: str, acting_user: User) -> Assessment:
    _require_network_staff(acting_user, _("Only network staff can cancel assessments."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for cancelling."))
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if not locked.is_open:
            raise ValidationError(_("Only a planned or running assessment can be cancelled."))
        locked.status = Assessment.Status.CANCELLED
        locked.save(update_fields=["status", "updated_at"])
        audit(locked, "onboarding.assessment_cancel", user=acting_user, data={"reason": reason.strip()})
    return locked


def _open_assessment(assessment: Assessment, acting_user: User) -> Assessment:
    locked = (
        Assessment.objects.select_for_update(of=("self",)).select_related("hotline__lead_staff").get(pk=assessment.pk)
    )
    _require_actor(
        acting_user, locked.hotline, _REVIEW_SIDE, _("Only the dossier's reviewers and network staff can do this.")
    )
    if not locked.is_open:
        raise ValidationError(
            _("This assessment is %(status)s: it cannot change.") % {"status": locked.get_status_display().lower()}
        )
    return locked


def assessment_record_findings(
    *, assessment: Assessment, findings: dict[int, tuple[str, str]], acting_user: User, now: datetime | None = None
) -> int:
    """Record the findings of several areas at once: {area: (rating, text)}. An empty rating and
    text leave the area as it is; a rating needs its text. Returns how many areas changed."""
    now = now or timezone.now()
    problems: list[str] = []
    wanted: dict[int, tuple[str, str]] = {}
    for area, (rating, text) in sorted(findings.items()):
        rating, text = (rating or "").strip(), (text or "").strip()
        if area not in rules.AREA_LABELS:
            problems.append(_("Unknown area %(area)s.") % {"area": area})
        elif not rating and not text:
            continue
        elif rating not in Finding.Rating.values:
            problems.append(_("%(area)s: choose a rating.") % {"area": rules.area_label(area)})
        elif not text:
            problems.append(_("%(area)s: write the finding.") % {"area": rules.area_label(area)})
        else:
            wanted[area] = (rating, text)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        locked = _open_assessment(assessment, acting_user)
        existing = {f.area: f for f in Finding.objects.filter(assessment=locked)}
        changed = 0
        for area, (rating, text) in wanted.items():
            finding = existing.get(area)
            if finding is not None and (finding.rating, finding.text) == (rating, text):
                continue
            Finding.objects.update_or_create(
                assessment=locked,
                area=area,
                defaults={"rating": rating, "text": text, "recorded_by": acting_user, "updated_at": now},
            )
            changed += 1
        if changed:
            if locked.status == Assessment.Status.PLANNED:
                locked.status = Assessment.Status.IN_PROGRESS
                locked.save(update_fields=["status", "updated_at"])
            audit(locked, "onboarding.assessment_findings", user=acting_user, data={"areas": sorted(wanted)})
    return changed


def corrective_action_create(
    *,
    assessment: Assessment,
    title: str,
    owner: str,
    due_on: date,
    acting_user: User,
    description: str = "",
    area: int | None = None,
) -> CorrectiveAction:
    with transaction.atomic():
        locked = Assessment.objects.select_for_update(of=("self",)).select_related("hotline").get(pk=assessment.pk)
        _require_actor(
            acting_user, locked.hotline, _REVIEW_SIDE, _("Only the dossier's reviewers and network staff can do this.")
        )
        if locked.status == Assessment.Status.CANCELLED:
            raise ValidationError(_("This assessment was cancelled."))
        problem = past_due_problem(due_on)
        if problem:
            raise ValidationError({"due_on": problem})
        action = CorrectiveAction(
            assessment=locked,
            title=title.strip(),
            description=description.strip(),
            owner=owner.strip(),
            due_on=due_on,
            area=area,
            created_by=acting_user,
        )
        action.full_clean()
        action.save()
        audit(locked, "onboarding.corrective_action_create", user=acting_user, data={"action": action.title})
        queue_email(
            to=selectors.candidate_user_emails(hotline=locked.hotline),
            subject=_("Corrective action due %(date)s: %(title)s")
            % {"date": due_on.isoformat(), "title": action.title},
            template="onboarding/email/corrective_action.txt",
            context={
                "action": action,
                "hotline": locked.hotline,
                "url": _portal_url("portal:onboarding_corrective_action", action.pk),
            },
        )
    return action


def _corrective_action_add_evidence(action: CorrectiveAction, document: EvidenceDocument, *, acting_user: User) -> None:
    action.evidence.add(document)
    if action.status == CorrectiveAction.Status.OPEN:
        CorrectiveAction.objects.filter(pk=action.pk).update(status=CorrectiveAction.Status.IN_PROGRESS)
        action.status = CorrectiveAction.Status.IN_PROGRESS
    audit(
        action.assessment,
        "onboarding.corrective_action_evidence",
        user=acting_user,
        data={"action": action.title, "document": document.pk, "file": document.original_name},
    )


def corrective_action_complete(
    *, action: CorrectiveAction, note: str, acting_user: User, now: datetime | None = None
) -> CorrectiveAction:
    """The hotline reports a corrective action done (with what was done); reviewers then verify it."""
    if not note.strip():
        raise ValidationError(_("Say what was done."))
    with transaction.atomic():
        locked = (
            CorrectiveAction.objects.select_for_update(of=("self",))
            .select_related("assessment__hotline")
            .get(pk=action.pk)
        )
        hotline = locked.assessment.hotline
        _require_actor(acting_user, hotline, {rules.CANDIDATE, rules.STAFF}, _("You cannot update this action."))
        if locked.status not in (CorrectiveAction.Status.OPEN, CorrectiveAction.Status.IN_PROGRESS):
            raise ValidationError(
                _("This action is %(status)s already.") % {"status": locked.get_status_display().lower()}
            )
        locked.status = CorrectiveAction.Status.COMPLETED
        locked.completion_note = note.strip()
        locked.completed_at, locked.completed_by = now or timezone.now(), acting_user
        locked.save()
        audit(
            locked.assessment, "onboarding.corrective_action_complete", user=acting_user, data={"action": locked.title}
        )
        queue_email(
            to=[e for e in selectors.association_emails(hotline=hotline) if e != acting_user.email],
            subject=_("Corrective action completed: %(title)s (%(hotline)s)")
            % {"title": locked.title, "hotline": hotline.brand_name},
            template="onboarding/email/corrective_action_completed.txt",
            context={
                "action": locked,
                "hotline": hotline,
                "url": _absolute(reverse("onboarding_admin:assessment", args=[locked.assessment_id])),
            },
        )
    return locked


def corrective_action_verify(
    *, action: CorrectiveAction, acting_user: User, approve: bool = True, note: str = "", now: datetime | None = None
) -> CorrectiveAction:
    """A reviewer verifies a completed action (closed), or sends it back (in progress, with a note)."""
    with transaction.atomic():
        locked = (
            CorrectiveAction.objects.select_for_update(of=("self",))
            .select_related("assessment__hotline")
            .get(pk=action.pk)
        )
        _require_actor(
            acting_user, locked.assessment.hotline, _REVIEW_SIDE, _("Only the dossier's reviewers and staff verify.")
        )
        if locked.status != CorrectiveAction.Status.COMPLETED:
            raise ValidationError(_("Only a completed action can be verified."))
        if locked.completed_by_id == acting_user.pk:
            raise ValidationError(_("You reported this action done: another person must verify it."))
        if approve:
            locked.status = CorrectiveAction.Status.VERIFIED
            locked.verified_at, locked.verified_by = now or timezone.now(), acting_user
        else:
            if not note.strip():
                raise ValidationError(_("Say what is still missing."))
            locked.status = CorrectiveAction.Status.IN_PROGRESS
            locked.completion_note = f"{locked.completion_note}\n\n{_('Sent back')}: {note.strip()}".strip()
        locked.save()
        audit(
            locked.assessment,
            "onboarding.corrective_action_verify",
            user=acting_user,
            data={"action": locked.title, "verified": approve, "note": note.strip()},
        )
    return locked


def assessment_complete_report(
    *, assessment: Assessment, recommendation: str, summary: str, acting_user: User, now: datetime | None = None
) -> Assessment:
    """Complete the report: findings for all 14 areas, a summary and a recommendation that fits the kind."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _open_assessment(assessment, acting_user)
        problems = []
        covered = set(Finding.objects.filter(assessment=locked).values_list("area", flat=True))
        missing = [rules.area_label(area) for area in rules.AREA_LABELS if area not in covered]
        if missing:
            problems.append(
                _("Record a finding for every area first; missing: %(areas)s.") % {"areas": "; ".join(missing)}
            )
        if not summary.strip():
            problems.append(_("Write the report summary."))
        if recommendation not in dict(locked.recommendation_choices()):
            problems.append(
                _("Choose a recommendation that fits a %(kind)s.") % {"kind": locked.get_kind_display().lower()}
            )
        if problems:
            raise ValidationError(problems)
        locked.recommendation = recommendation
        locked.summary = summary.strip()
        locked.status = Assessment.Status.COMPLETED
        locked.report_completed_at, locked.report_completed_by = now, acting_user
        locked.full_clean()
        locked.save()
        audit(locked, "onboarding.assessment_report", user=acting_user, data={"recommendation": recommendation})
        lead = locked.hotline.lead_staff
        if lead is not None and lead.is_active and lead.pk != acting_user.pk:
            queue_email(
                to=[lead.email],
                subject=_("Assessment report completed: %(hotline)s") % {"hotline": locked.hotline.brand_name},
                template="onboarding/email/assessment_report.txt",
                context={
                    "assessment": locked,
                    "url": _absolute(reverse("onboarding_admin:assessment", args=[locked.pk])),
                },
            )
    return locked


def _new_decision(assessment: Assessment, **values: Any) -> Decision:
    """A decision on `assessment` with these values, validated by the model's rules (not saved)."""
    if assessment.kind not in Assessment.APPLICATION_KINDS or not assessment.is_completed:
        raise ValidationError(_("A decision follows the completed report of a pre-membership or follow-up assessment."))
    decision = Decision(assessment=assessment, **{k: v.strip() if isinstance(v, str) else v for k, v in values.items()})
    decision.full_clean()
    return decision


def decision_check(*, assessment: Assessment, **values: Any) -> None:
    """Raise what `decision_record` would refuse, writing nothing (the form's confirmation step)."""
    _new_decision(assessment, **values)


def decision_record(
    *,
    assessment: Assessment,
    body: str,
    decided_on: date,
    minutes_reference: str,
    votes_for: int,
    votes_against: int,
    votes_abstaining: int,
    outcome: str,
    acting_user: User,
    notes: str = "",
    now: datetime | None = None,
) -> Decision:
    """Record the membership decision on an application and move the candidate accordingly
    (decision pending -> provisional member or rejected), in one transaction."""
    _require_network_staff(acting_user, _("Only network staff record membership decisions."))
    now = now or timezone.now()
    with transaction.atomic():
        locked = Assessment.objects.select_for_update(of=("self",)).select_related("hotline").get(pk=assessment.pk)
        if Decision.objects.filter(assessment=locked).exists():
            raise ValidationError(_("The decision on this assessment is recorded already."))
        hotline = locked.hotline
        if hotline.stage != Stage.DECISION_PENDING:
            raise ValidationError(
                _("%(hotline)s is in %(stage)s, not awaiting a decision.")
                % {"hotline": hotline.brand_name, "stage": workflow.stage_label(hotline.stage)}
            )
        decision = _new_decision(
            locked,
            body=body,
            decided_on=decided_on,
            minutes_reference=minutes_reference,
            votes_for=votes_for,
            votes_against=votes_against,
            votes_abstaining=votes_abstaining,
            outcome=outcome,
            notes=notes,
        )
        decision.recorded_by, decision.recorded_at = acting_user, now
        decision.save()
        audit(
            locked,
            "onboarding.decision_record",
            user=acting_user,
            data={
                "outcome": outcome,
                "body": decision.body,
                "decided_on": decided_on.isoformat(),
                "vote": decision.vote_text,
            },
        )
        hotline_transition(
            hotline=hotline,
            transition="admit_provisional_member" if outcome == Decision.Outcome.ADMIT else "reject_application",
            reason=_("%(body)s decision of %(date)s (minutes %(minutes)s): %(vote)s.")
            % {
                "body": decision.body,
                "date": decided_on.isoformat(),
                "minutes": decision.minutes_reference,
                "vote": decision.vote_text,
            },
            expected_stage=Stage.DECISION_PENDING,
            acting_user=acting_user,
            now=now,
        )
    return decision


# Fields of a recorded decision that a correction may change.
DECISION_FIELDS = (
    "body",
    "decided_on",
    "minutes_reference",
    "votes_for",
    "votes_against",
    "votes_abstaining",
    "outcome",
    "notes",
)


@dataclass(frozen=True)
class DecisionCorrectionPlan:
    """What a correction would change: {field: [old, new]}, and the move through the lifecycle it needs."""

    changes: dict[str, list[Any]]
    transition: workflow.Transition | None
    from_stage: str
    problems: tuple[str, ...]


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def decision_correction_plan(*, decision: Decision, values: Mapping[str, Any]) -> DecisionCorrectionPlan:
    """The changes `values` make to `decision` and their consequence, without writing anything."""
    changes = {}
    for name in DECISION_FIELDS:
        if name not in values:
            continue
        new = values[name].strip() if isinstance(values[name], str) else values[name]
        old = getattr(decision, name)
        if new != old:
            changes[name] = [_plain(old), _plain(new)]
    hotline = decision.assessment.hotline
    transition = None
    problems: list[str] = []
    if "outcome" in changes:
        name = (
            "correct_decision_to_reject"
            if values["outcome"] == Decision.Outcome.REJECT
            else "correct_decision_to_admit"
        )
        transition = workflow.get_transition(name)
        if hotline.stage not in transition.sources:
            problems.append(
                _(
                    "%(hotline)s is in %(stage)s now, not where the recorded decision left it: the outcome can "
                    "no longer be corrected here. Move it through its transitions first."
                )
                % {"hotline": hotline.brand_name, "stage": workflow.stage_label(hotline.stage)}
            )
    return DecisionCorrectionPlan(
        changes=changes, transition=transition, from_stage=hotline.stage, problems=tuple(problems)
    )


def decision_correct(
    *,
    decision: Decision,
    values: Mapping[str, Any],
    reason: str,
    acting_user: User,
    now: datetime | None = None,
) -> DecisionCorrection:
    """Correct a recorded decision: the new values, a correction record (what, why, who, when) and an
    audit entry, in one transaction. When the outcome changes, the hotline moves through the lifecycle
    (provisional member <-> rejected) with the correction's reason."""
    _require_network_staff(acting_user, _("Only network staff correct membership decisions."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the decision is corrected.")})
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Decision.objects.select_for_update(of=("self",)).select_related("assessment__hotline").get(pk=decision.pk)
        )
        plan = decision_correction_plan(decision=locked, values=values)
        if not plan.changes:
            raise ValidationError(_("Nothing to correct: these are the recorded values."))
        if plan.problems:
            raise ValidationError({"outcome": list(plan.problems)})
        for name in plan.changes:
            value = values[name]
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
        locked.full_clean()
        locked.save()
        correction = DecisionCorrection.objects.create(
            decision=locked, changes=plan.changes, reason=reason, corrected_by=acting_user, corrected_at=now
        )
        if plan.transition is not None:
            correction.stage_change = hotline_transition(
                hotline=locked.assessment.hotline,
                transition=plan.transition.name,
                reason=_("Correction of the membership decision: %(reason)s") % {"reason": reason},
                expected_stage=plan.from_stage,
                acting_user=acting_user,
                now=now,
                correction=True,
            )
            correction.save(update_fields=["stage_change"])
        audit(
            locked.assessment,
            "onboarding.decision_correct",
            user=acting_user,
            data={"changes": plan.changes, "reason": reason, "stage_changed": plan.transition is not None},
        )
    return correction


def assessment_confirm_full_membership(*, assessment: Assessment, acting_user: User) -> StageChange:
    """A passed quality-assurance review (and training done) confirms a provisional member as full member."""
    _require_network_staff(acting_user, _("Only network staff confirm full membership."))
    if assessment.kind != Assessment.Kind.QA_REVIEW or not assessment.is_completed:
        raise ValidationError(_("Full membership follows a completed quality-assurance review."))
    hotline = Hotline.objects.get(pk=assessment.hotline_id)
    return hotline_transition(
        hotline=hotline,
        transition="confirm_full_membership",
        reason=_("Quality-assurance review %(reference)s: %(recommendation)s.")
        % {"reference": assessment.reference, "recommendation": assessment.get_recommendation_display()},
        expected_stage=hotline.stage,
        acting_user=acting_user,
    )
