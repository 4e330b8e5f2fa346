"""Reminders of the grants' deadlines (periodic reports, deliverables, milestones), produced for
`manage.py send_reminders` through `onboarding.reminders.REMINDER_PRODUCERS_HOOK`.

Each unmet deadline is reminded to the grants managers (active users with the grants role) at three
moments, each once (the outbox refuses a dedupe key it has seen; the key names the deadline, the
moment and the due date, so a new due date makes new reminders):

- "before": from `settings.GRANT_DEADLINE_REMINDER_DAYS` days before the due date until the day
  before it (a run that missed the first day still sends it);
- "due": on the due date;
- "overdue": on any day after it, while the deadline is unmet.

A run that misses the due date itself sends the "overdue" reminder the next time it runs, never
both on one day. A met deadline (a published report for the period, a submitted deliverable, an
achieved milestone) is not reminded. The producer only reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.utils.translation import gettext as _
from wagtail import hooks

from accounts.models import User
from accounts.roles import Role
from onboarding.reminders import REMINDER_PRODUCERS_HOOK, Reminder
from reports.grants.selectors import Deadline, deadlines_of
from reports.models import Grant

BEFORE = "before"
DUE = "due"
OVERDUE = "overdue"


def moment_of(deadline: Deadline, today: date, *, days_before: int) -> str | None:
    """Which reminder `today` calls for: BEFORE, DUE, OVERDUE, or None (too early)."""
    if today > deadline.due_on:
        return OVERDUE
    if today == deadline.due_on:
        return DUE
    if (deadline.due_on - today).days <= days_before:
        return BEFORE
    return None


def grants_manager_emails() -> list[str]:
    return sorted(
        User.objects.filter(groups__name=str(Role.GRANTS), is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


@hooks.register(REMINDER_PRODUCERS_HOOK)
def grant_deadline_reminders(today: date) -> Iterable[Reminder]:
    days_before = settings.GRANT_DEADLINE_REMINDER_DAYS
    deadlines = deadlines_of(grants=Grant.objects.all(), today=today, within_days=days_before)
    if not deadlines:
        return
    recipients = grants_manager_emails()
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    for deadline in deadlines:
        moment = moment_of(deadline, today, days_before=days_before)
        if moment is None:
            continue
        names = {"date": deadline.due_on.isoformat(), "title": deadline.title, "grant": deadline.grant.code}
        subject = {
            BEFORE: _("Due on %(date)s: %(title)s (%(grant)s)"),
            DUE: _("Due today: %(title)s (%(grant)s)"),
            OVERDUE: _("Overdue since %(date)s: %(title)s (%(grant)s)"),
        }[moment] % names
        yield Reminder(
            dedupe_key=f"reports:deadline:{deadline.key}:{moment}:{deadline.due_on.isoformat()}",
            to=recipients,
            subject=subject,
            template="reports/email/grant_deadline_reminder.txt",
            context={"deadline": deadline, "moment": moment, "url": base + deadline.url},
        )
