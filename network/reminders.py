"""Reminders of the members' own obligations, produced for `manage.py send_reminders`
(`core.reminders`): the statistics return of the past calendar year, and analysts' training
certificates that expire. Both go to the member organisation's portal users who act on them; the
moments come from `settings.REMINDER_OFFSETS` ("statistics_return", "certificate_expiry"). The
producers only read.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import PORTAL_EDITORS, PortalRole
from accounts.selectors import emails_by_organisation
from core.reminders import AFTER, BEFORE, DUE, Reminder, expiry_subject, moment_of, offsets_for, phase
from network.models import Hotline, HotlineStatistics, TrainingParticipation


def _portal_url(name: str, *args: object) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(name, args=args)


def statistics_return_reminders(today: date) -> Iterable[Reminder]:
    """Members without a return for last calendar year (`HotlineStatistics.covering_year`), at the
    moments around its due date (`HotlineStatistics.due_on`): the organisation's managers and
    contributors."""
    year = today.year - 1
    due_on = HotlineStatistics.due_on(year)
    offsets = offsets_for("statistics_return")
    moment = moment_of(due_on, today, offsets)
    if moment is None:
        return
    returned = HotlineStatistics.objects.filter(HotlineStatistics.covering_year(year), hotline=OuterRef("pk"))
    # The same rule as the portal's list of what is due (`network.selectors.returns_due`).
    hotlines = list(Hotline.objects.members().filter(~Exists(returned)).order_by("brand_name"))
    if not hotlines:
        return
    people = emails_by_organisation(
        organisation_ids={hotline.host_organisation_id for hotline in hotlines},
        roles=PORTAL_EDITORS,
    )
    for hotline in hotlines:
        names = {"year": year, "hotline": hotline.brand_name, "date": due_on.isoformat()}
        subject = {
            BEFORE: _("Due on %(date)s: statistics return for %(year)s (%(hotline)s)"),
            DUE: _("Due today: statistics return for %(year)s (%(hotline)s)"),
            AFTER: _("Overdue since %(date)s: statistics return for %(year)s (%(hotline)s)"),
        }[phase(moment)] % names
        yield Reminder(
            dedupe_key=f"network:statistics-return:{hotline.pk}:{year}:{moment}:{due_on.isoformat()}",
            to=people.get(hotline.host_organisation_id, []),
            subject=subject,
            template="network/email/statistics_return_reminder.txt",
            context={
                "hotline": hotline,
                "year": year,
                "due_on": due_on,
                "overdue": phase(moment) == AFTER,
                "url": _portal_url("portal:network_statistics_add", hotline.pk),
            },
        )


def certificate_expiry_reminders(today: date) -> Iterable[Reminder]:
    """Certificates of working analysts that expire soon
    (`TrainingParticipation.objects.certificates_expiring`): the member organisation's managers."""
    offsets = offsets_for("certificate_expiry")
    participations = list(
        TrainingParticipation.objects.certificates_expiring(within_days=offsets.lead_days, on=today)
        .filter(analyst__hotline__stage__in=Hotline.MEMBER_STAGES)
        .select_related("analyst__hotline", "event__course")
        .order_by("certificate_expires_on", "pk")
    )
    if not participations:
        return
    managers = emails_by_organisation(
        organisation_ids={p.analyst.hotline.host_organisation_id for p in participations},
        roles=[PortalRole.MANAGER],
    )
    for participation in participations:
        expires_on = participation.certificate_expires_on
        moment = moment_of(expires_on, today, offsets)
        if moment is None:
            continue
        hotline = participation.analyst.hotline
        title = _("certificate of analyst %(code)s, %(course)s (%(hotline)s)") % {
            "code": participation.analyst.code,
            "course": participation.event.course,
            "hotline": hotline.brand_name,
        }
        yield Reminder(
            dedupe_key=f"network:certificate:{participation.pk}:{moment}:{expires_on.isoformat()}",
            to=managers.get(hotline.host_organisation_id, []),
            subject=expiry_subject(moment, expires_on, title),
            template="network/email/certificate_expiry_reminder.txt",
            context={
                "participation": participation,
                "hotline": hotline,
                "expires_on": expires_on,
                "days": (expires_on - today).days,
                "url": _portal_url("portal:network_training", hotline.pk),
            },
        )
