"""Reminders of the onboarding side, produced for `manage.py send_reminders` (the digest machinery,
the offsets and the one rule for the moment live in `core.reminders`, re-exported here for producers
written against this module).

Producers only read: the state changes that fall due with the day (evidence expiring, through
`onboarding.services.evidence_expire_due`) are the command's own first step, before any producer runs.
Each dated obligation is reminded at the moments its kind's offsets name (`settings.REMINDER_OFFSETS`):
the key names the obligation, the moment and the date, so each moment goes to each person once and a
new date makes new reminders.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import PORTAL_EDITORS, PortalRole
from accounts.selectors import emails_by_organisation
from core.reminders import (
    AFTER,
    BEFORE,
    DUE,
    REMINDER_PRODUCERS_HOOK,
    Reminder,
    due_subject,
    expiry_subject,
    moment_of,
    offsets_for,
    phase,
    producers,
)
from network.models import Hotline
from onboarding import checklist_rules as rules
from onboarding import selectors, workflow
from onboarding.models import (
    ActionItem,
    Agreement,
    Assessment,
    ChecklistItem,
    CorrectiveAction,
    EvidenceDocument,
    StageChange,
)

__all__ = [
    "REMINDER_PRODUCERS_HOOK",
    "Reminder",
    "action_item_reminders",
    "agreement_expiry_reminders",
    "checklist_item_reminders",
    "corrective_action_reminders",
    "evidence_expiring_reminders",
    "evidence_expiry_reminders",
    "on_hold_review_reminders",
    "producers",
]


def _admin_url(name: str, *args: Any) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(name, args=args)


def _recipients(item: ActionItem) -> list[str]:
    """The owner user; when nobody in the toolkit owns it, the candidate's lead staff member."""
    owner = item.owner_user
    if owner is not None and owner.is_active:
        return [owner.email]
    hotline = item.roundtable.hotline
    return selectors.lead_staff_emails(hotline=hotline) if hotline else []


def action_item_reminders(today: date) -> Iterable[Reminder]:
    """Open action items, at the moments of the "action_item" offsets around their due date."""
    offsets = offsets_for("action_item")
    items = (
        ActionItem.objects.open()
        .filter(due_on__lte=today + timedelta(days=offsets.lead_days))
        .select_related("roundtable__hotline__lead_staff", "owner_user", "owner_organisation")
    )
    for item in items:
        moment = moment_of(item.due_on, today, offsets)
        if moment is None:
            continue
        yield Reminder(
            dedupe_key=f"onboarding:action-item:{item.pk}:{moment}:{item.due_on.isoformat()}",
            to=_recipients(item),
            subject=due_subject(moment, item.due_on, item.title),
            template="onboarding/email/action_item_reminder.txt",
            context={
                "item": item,
                "overdue": phase(moment) == AFTER,
                "url": _admin_url("onboarding_admin:roundtable", item.roundtable_id),
            },
        )


def agreement_expiry_reminders(today: date) -> Iterable[Reminder]:
    """Agreements in force that expire soon ("agreement_expiry" offsets): their hotline's lead staff."""
    offsets = offsets_for("agreement_expiry")
    agreements = (
        Agreement.objects.expiring(within_days=offsets.lead_days, on=today)
        .filter(hotline__lead_staff__is_active=True)
        .select_related("hotline__lead_staff", "country")
    )
    for agreement in agreements:
        moment = moment_of(agreement.expires_on, today, offsets)
        if moment is None:
            continue
        yield Reminder(
            dedupe_key=f"onboarding:agreement:{agreement.pk}:{moment}:{agreement.expires_on.isoformat()}",
            to=[agreement.hotline.lead_staff.email],
            subject=expiry_subject(moment, agreement.expires_on, agreement.title),
            template="onboarding/email/agreement_expiry_reminder.txt",
            context={"agreement": agreement, "url": _admin_url("onboarding_admin:agreements_expiring")},
        )


def on_hold_review_reminders(today: date) -> Iterable[Reminder]:
    """Candidates on hold, at the moments of the "on_hold_review" offsets around the hold's review date:
    their lead staff."""
    offsets = offsets_for("on_hold_review")
    holds = (
        StageChange.objects.filter(
            to_stage=Hotline.Stage.ON_HOLD,
            review_date__lte=today + timedelta(days=offsets.lead_days),
            hotline__stage=Hotline.Stage.ON_HOLD,
            hotline__lead_staff__is_active=True,
        )
        .select_related("hotline__lead_staff")
        .order_by("hotline_id", "-changed_at")
    )
    seen: set[int] = set()
    for change in holds:
        if change.hotline_id in seen:
            continue  # only the latest hold counts
        seen.add(change.hotline_id)
        if change.changed_at < change.hotline.stage_entered_at:
            continue
        moment = moment_of(change.review_date, today, offsets)
        if moment is None:
            continue
        subject = {
            BEFORE: _("Review on %(date)s: %(hotline)s is on hold"),
            DUE: _("Review due: %(hotline)s is on hold"),
            AFTER: _("Review overdue since %(date)s: %(hotline)s is on hold"),
        }[phase(moment)] % {"hotline": change.hotline.brand_name, "date": change.review_date.isoformat()}
        yield Reminder(
            dedupe_key=f"onboarding:on-hold-review:{change.pk}:{moment}:{change.review_date.isoformat()}",
            to=[change.hotline.lead_staff.email],
            subject=subject,
            template="onboarding/email/on_hold_review_reminder.txt",
            context={
                "change": change,
                "paused_label": workflow.stage_label(change.from_stage),
                "url": _admin_url("onboarding_admin:candidate", change.hotline_id),
            },
        )


def _portal_url(name: str, *args: Any) -> str:
    return _admin_url(name, *args)  # the same site: WAGTAILADMIN_BASE_URL + path


def evidence_expiry_reminders(today: date) -> Iterable[Reminder]:
    """Evidence whose validity ended before today, once its expiry was applied (the command's first
    step, `services.evidence_expire_due`: the accepted or submitted items it supported became expired):
    the candidate's users and the association's side (the items' reviewers, the dossier's reviewers, the
    lead staff) are told, once per expiry date."""
    documents = (
        EvidenceDocument.objects.filter(expires_on__lt=today, expiry_processed_for=F("expires_on"))
        .select_related("hotline__lead_staff")
        .order_by("pk")
    )
    for document in documents:
        hotline = document.hotline
        expired = list(
            ChecklistItem.objects.active()
            .filter(evidence_links__document=document, state=rules.EXPIRED)
            .select_related("template_item", "reviewed_by")
            .order_by("template_item__sort_order", "code")
        )
        context = {"document": document, "hotline": hotline, "items": expired}
        key = f"onboarding:evidence-expired:{document.pk}:{document.expires_on.isoformat()}"
        subject = _("Evidence expired: %(name)s (%(hotline)s)") % {
            "name": document.original_name,
            "hotline": hotline.brand_name,
        }
        yield Reminder(
            dedupe_key=f"{key}:candidate",
            to=selectors.candidate_user_emails(hotline=hotline),
            subject=subject,
            template="onboarding/email/evidence_expired.txt",
            context={**context, "url": _portal_url("portal:onboarding_checklist", hotline.pk)},
        )
        reviewers = {item.reviewed_by.email for item in expired if item.reviewed_by and item.reviewed_by.is_active}
        yield Reminder(
            dedupe_key=f"{key}:association",
            to=sorted(reviewers | set(selectors.association_emails(hotline=hotline))),
            subject=subject,
            template="onboarding/email/evidence_expired.txt",
            context={**context, "url": _admin_url("onboarding_admin:dossier", hotline.pk), "staff": True},
        )


def evidence_expiring_reminders(today: date) -> Iterable[Reminder]:
    """Evidence in use that expires soon ("evidence_expiry" offsets): the candidate's users."""
    offsets = offsets_for("evidence_expiry")
    documents = (
        EvidenceDocument.objects.filter(
            expires_on__gte=today, expires_on__lte=today + timedelta(days=offsets.lead_days)
        )
        .filter(Q(links__item__removed_at__isnull=True, links__isnull=False) | Q(corrective_actions__isnull=False))
        .distinct()
        .select_related("hotline")
        .order_by("expires_on", "pk")
    )
    for document in documents:
        moment = moment_of(document.expires_on, today, offsets)
        if moment is None:
            continue
        yield Reminder(
            dedupe_key=f"onboarding:evidence-expiring:{document.pk}:{moment}:{document.expires_on.isoformat()}",
            to=selectors.candidate_user_emails(hotline=document.hotline),
            subject=expiry_subject(moment, document.expires_on, document.original_name),
            template="onboarding/email/evidence_expiring.txt",
            context={
                "document": document,
                "hotline": document.hotline,
                "url": _portal_url("portal:onboarding_checklist", document.hotline_id),
            },
        )


def corrective_action_reminders(today: date) -> Iterable[Reminder]:
    """Open corrective actions, at the moments of the "corrective_action" offsets around their due
    date: the hotline's users and its lead staff."""
    offsets = offsets_for("corrective_action")
    actions = (
        CorrectiveAction.objects.filter(
            status__in=CorrectiveAction.DUE_STATUSES,
            due_on__lte=today + timedelta(days=offsets.lead_days),
        )
        .exclude(assessment__status=Assessment.Status.CANCELLED)
        .select_related("assessment__hotline__lead_staff")
        .order_by("due_on", "pk")
    )
    for action in actions:
        moment = moment_of(action.due_on, today, offsets)
        if moment is None:
            continue
        hotline = action.assessment.hotline
        lead = hotline.lead_staff
        yield Reminder(
            dedupe_key=f"onboarding:corrective-action:{action.pk}:{moment}:{action.due_on.isoformat()}",
            to=[*selectors.candidate_user_emails(hotline=hotline), *([lead.email] if lead and lead.is_active else [])],
            subject=due_subject(moment, action.due_on, action.title),
            template="onboarding/email/corrective_action_reminder.txt",
            context={
                "action": action,
                "hotline": hotline,
                "overdue": phase(moment) == AFTER,
                "url": _portal_url("portal:onboarding_corrective_action", action.pk),
            },
        )


# Hotlines whose checklists are worked on: candidates not paused, and members.
_CHECKLIST_STAGES = [
    *(stage for stage in Hotline.CANDIDATE_STAGES if stage != Hotline.Stage.ON_HOLD),
    *Hotline.MEMBER_STAGES,
]


def checklist_item_reminders(today: date) -> Iterable[Reminder]:
    """Checklist items with a due date while it is the candidate's turn, at the moments of the
    "checklist_item" offsets: the colleague the item is assigned to and the organisation's managers;
    an item nobody is assigned to goes to the organisation's managers and contributors."""
    offsets = offsets_for("checklist_item")
    items = list(
        ChecklistItem.objects.active()
        .filter(
            state__in=rules.CANDIDATE_TURN,
            due_on__isnull=False,
            due_on__lte=today + timedelta(days=offsets.lead_days),
            checklist__hotline__stage__in=_CHECKLIST_STAGES,
        )
        .select_related("checklist__hotline", "template_item", "assigned_to")
        .order_by("due_on", "checklist_id", "template_item__sort_order", "code")
    )
    if not items:
        return
    organisations = {item.checklist.hotline.host_organisation_id for item in items}
    managers = emails_by_organisation(organisation_ids=organisations, roles=[PortalRole.MANAGER])
    editors = emails_by_organisation(organisation_ids=organisations, roles=PORTAL_EDITORS)
    for item in items:
        moment = moment_of(item.due_on, today, offsets)
        if moment is None:
            continue
        hotline = item.checklist.hotline
        assignee = item.assigned_to
        if assignee is not None and assignee.is_active:
            to = [assignee.email, *managers.get(hotline.host_organisation_id, [])]
        else:
            to = editors.get(hotline.host_organisation_id, [])
        title = f"{item.code} {item.title} ({hotline.brand_name})"
        yield Reminder(
            dedupe_key=f"onboarding:checklist-item:{item.pk}:{moment}:{item.due_on.isoformat()}",
            to=to,
            subject=due_subject(moment, item.due_on, title),
            template="onboarding/email/checklist_item_reminder.txt",
            context={
                "item": item,
                "hotline": hotline,
                "assignee": assignee,
                "overdue": phase(moment) == AFTER,
                "url": _portal_url("portal:onboarding_checklist_item", item.pk),
            },
        )
