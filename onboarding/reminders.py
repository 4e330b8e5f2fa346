"""Reminders sent by `manage.py send_reminders`, collected from producers registered as Wagtail hooks.

A producer is a function `(today) -> Iterable[Reminder]`, registered with
`@hooks.register(REMINDER_PRODUCERS_HOOK)` in any app's `wagtail_hooks.py`. A producer only reads:
the state changes that fall due with the day (evidence expiring, through
`onboarding.services.evidence_expire_due`) are the command's own first step, before any producer runs.
Each reminder carries a `dedupe_key` naming what it is about and when (e.g. the item and its due
date): the outbox refuses a key it has seen, so running the command again sends nothing twice, while
a new due date makes a new reminder.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail import hooks

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

REMINDER_PRODUCERS_HOOK = "register_reminder_producers"

ACTION_ITEM_DUE_SOON_DAYS = 7
AGREEMENT_EXPIRY_DAYS = 90


@dataclass(frozen=True)
class Reminder:
    dedupe_key: str
    to: list[str]
    subject: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)


def producers() -> list[Any]:
    return list(hooks.get_hooks(REMINDER_PRODUCERS_HOOK))


def _admin_url(name: str, *args: Any) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(name, args=args)


def _recipients(item: ActionItem) -> list[str]:
    """The owner user; when nobody in the toolkit owns it, the candidate's lead staff member."""
    owner = item.owner_user
    if owner is not None and owner.is_active:
        return [owner.email]
    hotline = item.roundtable.hotline
    lead = hotline.lead_staff if hotline else None
    return [lead.email] if lead is not None and lead.is_active else []


def action_item_reminders(today: date) -> Iterable[Reminder]:
    """Open action items due within a week (once per due date) and overdue ones (once per due date)."""
    items = (
        ActionItem.objects.open()
        .filter(due_on__lte=today + timedelta(days=ACTION_ITEM_DUE_SOON_DAYS))
        .select_related("roundtable__hotline__lead_staff", "owner_user", "owner_organisation")
    )
    for item in items:
        overdue = item.due_on < today
        kind = "overdue" if overdue else "due-soon"
        subject = (_("Overdue since %(date)s: %(title)s") if overdue else _("Due on %(date)s: %(title)s")) % {
            "date": item.due_on.isoformat(),
            "title": item.title,
        }
        yield Reminder(
            dedupe_key=f"onboarding:action-item:{item.pk}:{kind}:{item.due_on.isoformat()}",
            to=_recipients(item),
            subject=subject,
            template="onboarding/email/action_item_reminder.txt",
            context={
                "item": item,
                "overdue": overdue,
                "url": _admin_url("onboarding_admin:roundtable", item.roundtable_id),
            },
        )


def agreement_expiry_reminders(today: date) -> Iterable[Reminder]:
    """Agreements in force that expire within 90 days: their hotline's lead staff, once per expiry date."""
    agreements = (
        Agreement.objects.expiring(within_days=AGREEMENT_EXPIRY_DAYS, on=today)
        .filter(hotline__lead_staff__is_active=True)
        .select_related("hotline__lead_staff", "country")
    )
    for agreement in agreements:
        yield Reminder(
            dedupe_key=f"onboarding:agreement:{agreement.pk}:expiring:{agreement.expires_on.isoformat()}",
            to=[agreement.hotline.lead_staff.email],
            subject=_("Expires on %(date)s: %(title)s")
            % {"date": agreement.expires_on.isoformat(), "title": agreement.title},
            template="onboarding/email/agreement_expiry_reminder.txt",
            context={"agreement": agreement, "url": _admin_url("onboarding_admin:agreements_expiring")},
        )


def on_hold_review_reminders(today: date) -> Iterable[Reminder]:
    """Candidates on hold whose review date has come: their lead staff, once per hold."""
    holds = (
        StageChange.objects.filter(
            to_stage=Hotline.Stage.ON_HOLD,
            review_date__lte=today,
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
        yield Reminder(
            dedupe_key=f"onboarding:on-hold-review:{change.pk}",
            to=[change.hotline.lead_staff.email],
            subject=_("Review due: %(hotline)s is on hold") % {"hotline": change.hotline.brand_name},
            template="onboarding/email/on_hold_review_reminder.txt",
            context={
                "change": change,
                "paused_label": workflow.stage_label(change.from_stage),
                "url": _admin_url("onboarding_admin:candidate", change.hotline_id),
            },
        )


EVIDENCE_EXPIRY_NOTICE_DAYS = 30
CORRECTIVE_ACTION_DUE_SOON_DAYS = 14


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
    """Evidence in use that expires within 30 days: the candidate's users, once per expiry date."""
    documents = (
        EvidenceDocument.objects.filter(
            expires_on__gte=today, expires_on__lte=today + timedelta(days=EVIDENCE_EXPIRY_NOTICE_DAYS)
        )
        .filter(Q(links__item__removed_at__isnull=True, links__isnull=False) | Q(corrective_actions__isnull=False))
        .distinct()
        .select_related("hotline")
        .order_by("expires_on", "pk")
    )
    for document in documents:
        yield Reminder(
            dedupe_key=f"onboarding:evidence-expiring:{document.pk}:{document.expires_on.isoformat()}",
            to=selectors.candidate_user_emails(hotline=document.hotline),
            subject=_("Expires on %(date)s: %(name)s")
            % {
                "date": document.expires_on.isoformat(),
                "name": document.original_name,
            },
            template="onboarding/email/evidence_expiring.txt",
            context={
                "document": document,
                "hotline": document.hotline,
                "url": _portal_url("portal:onboarding_checklist", document.hotline_id),
            },
        )


def corrective_action_reminders(today: date) -> Iterable[Reminder]:
    """Open corrective actions due within two weeks or overdue: the hotline's users and its lead staff,
    once per due date and kind."""
    actions = (
        CorrectiveAction.objects.filter(
            status__in=[CorrectiveAction.Status.OPEN, CorrectiveAction.Status.IN_PROGRESS],
            due_on__lte=today + timedelta(days=CORRECTIVE_ACTION_DUE_SOON_DAYS),
        )
        .exclude(assessment__status=Assessment.Status.CANCELLED)
        .select_related("assessment__hotline__lead_staff")
        .order_by("due_on", "pk")
    )
    for action in actions:
        hotline = action.assessment.hotline
        overdue = action.due_on < today
        kind = "overdue" if overdue else "due-soon"
        lead = hotline.lead_staff
        yield Reminder(
            dedupe_key=f"onboarding:corrective-action:{action.pk}:{kind}:{action.due_on.isoformat()}",
            to=[*selectors.candidate_user_emails(hotline=hotline), *([lead.email] if lead and lead.is_active else [])],
            subject=(_("Overdue since %(date)s: %(title)s") if overdue else _("Due on %(date)s: %(title)s"))
            % {"date": action.due_on.isoformat(), "title": action.title},
            template="onboarding/email/corrective_action_reminder.txt",
            context={
                "action": action,
                "hotline": hotline,
                "overdue": overdue,
                "url": _portal_url("portal:onboarding_corrective_action", action.pk),
            },
        )
