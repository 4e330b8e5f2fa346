"""Reminders of the member cycle, produced for `manage.py send_reminders` through
`onboarding.reminders.REMINDER_PRODUCERS_HOOK` (registered in `wagtail_hooks`). They only read.

Each dated obligation is reminded at the moments `settings.REMINDER_OFFSETS` gives its kind
("renewal_pack", "qa_review", "self_assessment"), before, on and after its date, each once (`core.reminders.moment_of`:
the dedupe key names the obligation, the moment and the due date, so a new date makes new
reminders). A renewal pack is reminded within its grace only (its lapse has its own warning,
`services.renewal_lapses_apply`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from core.reminders import AFTER, BEFORE, DUE, moment_of, offsets_for, phase
from network.models import Hotline
from onboarding import selectors
from onboarding.models import RenewalPack, RenewalStatus, qa_schedules
from onboarding.reminders import Reminder

# The email templates' wording for each side of the date.
WHEN = {BEFORE: "before", DUE: "at", AFTER: "after"}


def _url(name: str, *args: object) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(name, args=args)


def renewal_reminders(today: date) -> Iterable[Reminder]:
    """Open renewal packs of members, before, on and after their due date (within grace): the member's
    users, once per moment and due date."""
    offsets = offsets_for("renewal_pack")
    packs = (
        RenewalPack.objects.filter(
            hotline__stage__in=Hotline.MEMBER_STAGES,
            due_on__lte=today + timedelta(days=offsets.lead_days),
            grace_until__gte=today,
        )
        .select_related("hotline")
        .order_by("due_on", "pk")
    )
    for overview in selectors.renewal_overviews(packs, today=today):
        if overview.status == RenewalStatus.COMPLETE:
            continue
        pack = overview.pack
        moment = moment_of(pack.due_on, today, offsets)
        if moment is None:
            continue
        names = {"year": pack.year, "date": pack.due_on.isoformat()}
        subject = {
            BEFORE: _("Membership renewal %(year)s due on %(date)s"),
            DUE: _("Membership renewal %(year)s due today"),
            AFTER: _("Membership renewal %(year)s overdue since %(date)s"),
        }[phase(moment)] % names
        yield Reminder(
            dedupe_key=f"onboarding:renewal:{pack.pk}:{moment}:{pack.due_on.isoformat()}",
            to=selectors.candidate_user_emails(hotline=pack.hotline),
            subject=subject,
            template="onboarding/email/renewal_reminder.txt",
            context={
                "pack": pack,
                "when": WHEN[phase(moment)],
                "missing": [str(part.label) for part in overview.missing],
                "url": _url("portal:membership_hotline", pack.hotline_id),
            },
        )


def qa_review_reminders(today: date) -> Iterable[Reminder]:
    """Members whose next quality-assurance review (`qa_next_review_due`) comes within the first
    "qa_review" offset, is due today or is overdue: the member's users (prepare the review) and the
    lead staff member (plan it), once per moment and due date."""
    offsets = offsets_for("qa_review")
    members = Hotline.objects.members().select_related("lead_staff")
    schedules = qa_schedules(members, on=today)
    for hotline in members.order_by("pk"):
        due_on = schedules[hotline.pk].due_on
        if due_on is None:
            continue
        moment = moment_of(due_on, today, offsets)
        if moment is None:
            continue
        names = {"hotline": hotline.brand_name, "date": due_on.isoformat()}
        subject = {
            BEFORE: _("Quality-assurance review of %(hotline)s due on %(date)s"),
            DUE: _("Quality-assurance review of %(hotline)s due today"),
            AFTER: _("Quality-assurance review of %(hotline)s overdue since %(date)s"),
        }[phase(moment)] % names
        context = {"hotline": hotline, "due_on": due_on, "when": WHEN[phase(moment)]}
        key = f"onboarding:qa-review:{hotline.pk}:{moment}:{due_on.isoformat()}"
        yield Reminder(
            dedupe_key=f"{key}:member",
            to=selectors.candidate_user_emails(hotline=hotline),
            subject=subject,
            template="onboarding/email/qa_review_reminder.txt",
            context={**context, "url": _url("portal:membership_hotline", hotline.pk)},
        )
        yield Reminder(
            dedupe_key=f"{key}:staff",
            to=selectors.lead_staff_emails(hotline=hotline),
            subject=subject,
            template="onboarding/email/qa_review_reminder.txt",
            context={**context, "url": _url("onboarding_admin:member_cycle")},
        )


def self_assessment_reminders(today: date) -> Iterable[Reminder]:
    """Open self-assessments of members, before, on and after their due date (the "self_assessment"
    offsets): the member's users, once per moment and due date; the lead staff member once it is late."""
    offsets = offsets_for("self_assessment")
    due = selectors.self_assessments_due(until=today + timedelta(days=offsets.lead_days))
    for item in due.filter(hotline__stage__in=Hotline.MEMBER_STAGES):
        moment = moment_of(item.due_on, today, offsets)
        if moment is None:
            continue
        hotline = item.hotline
        names = {"hotline": hotline.brand_name, "date": item.due_on.isoformat()}
        subject = {
            BEFORE: _("Self-assessment of %(hotline)s due on %(date)s"),
            DUE: _("Self-assessment of %(hotline)s due today"),
            AFTER: _("Self-assessment of %(hotline)s overdue since %(date)s"),
        }[phase(moment)] % names
        context = {"hotline": hotline, "due_on": item.due_on, "when": WHEN[phase(moment)]}
        key = f"onboarding:self-assessment:{item.pk}:{moment}:{item.due_on.isoformat()}"
        yield Reminder(
            dedupe_key=f"{key}:member",
            to=selectors.candidate_user_emails(hotline=hotline),
            subject=subject,
            template="onboarding/email/self_assessment_reminder.txt",
            context={**context, "url": _url("portal:self_assessment", item.pk)},
        )
        lead = selectors.active_lead_staff(hotline=hotline)
        if phase(moment) == AFTER and lead is not None:
            yield Reminder(
                dedupe_key=f"{key}:staff",
                to=[lead.email],
                subject=subject,
                template="onboarding/email/self_assessment_reminder.txt",
                context={**context, "url": _url("onboarding_admin:self_assessment", item.pk)},
            )
