"""Reminders of the grants' deadlines (periodic reports, deliverables, milestones), produced for
`manage.py send_reminders` through `core.reminders.REMINDER_PRODUCERS_HOOK`.

Each unmet deadline is reminded to the grants managers (active users with the grants role) at the
moments of the "grant_deadline" offsets (`settings.REMINDER_OFFSETS`: by default 14 days before, on
the day and the day after), each moment once; `core.reminders.moment_of` says which moment a day
calls for (the latest reached, so a run that missed days sends only that one, never two on one day).
The key names the deadline, the moment and the due date, so a new due date makes new reminders. A
met deadline (a published report for the period, a submitted deliverable, an achieved milestone) is
not reminded. The producer only reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.utils.translation import gettext as _
from wagtail import hooks

from accounts.models import User
from accounts.roles import Role
from core.reminders import AFTER, BEFORE, DUE, REMINDER_PRODUCERS_HOOK, Reminder, moment_of, offsets_for, phase
from reports.grants.selectors import deadlines_of
from reports.models import Grant


def grants_manager_emails() -> list[str]:
    return sorted(
        User.objects.filter(groups__name=str(Role.GRANTS), is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


@hooks.register(REMINDER_PRODUCERS_HOOK)
def grant_deadline_reminders(today: date) -> Iterable[Reminder]:
    offsets = offsets_for("grant_deadline")
    deadlines = deadlines_of(grants=Grant.objects.all(), today=today, within_days=offsets.lead_days)
    if not deadlines:
        return
    recipients = grants_manager_emails()
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    for deadline in deadlines:
        moment = moment_of(deadline.due_on, today, offsets)
        if moment is None:
            continue
        names = {"date": deadline.due_on.isoformat(), "title": deadline.title, "grant": deadline.grant.code}
        subject = {
            BEFORE: _("Due on %(date)s: %(title)s (%(grant)s)"),
            DUE: _("Due today: %(title)s (%(grant)s)"),
            AFTER: _("Overdue since %(date)s: %(title)s (%(grant)s)"),
        }[phase(moment)] % names
        yield Reminder(
            dedupe_key=f"reports:deadline:{deadline.key}:{moment}:{deadline.due_on.isoformat()}",
            to=recipients,
            subject=subject,
            template="reports/email/grant_deadline_reminder.txt",
            context={"deadline": deadline, "moment": phase(moment), "url": base + deadline.url},
        )
