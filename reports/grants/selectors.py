"""Reads for grants: the dashboards' grant filter (choices, a grant's coverage as a scope), the events
a grant's activities leave out, the names of indicator statuses and scopes, and the grants' deadlines
(periodic reports, deliverables, milestones) not met yet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import (
    Q,
    QuerySet,
)
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from network.models import (
    Country,
    TrainingEvent,
)
from onboarding.models import (
    Roundtable,
)
from reports.donor import report_data
from reports.models import Activity, Deliverable, DonorReport, Grant, Indicator, Milestone
from reports.scope import GrantCoverage


# -- Grants -----------------------------------------------------------------------------------
# The dashboards' grant filter reads these: the choices, and a grant's coverage as a scope.
def grant_options(*, user: Any) -> list[tuple[str, str]]:
    """(code, label) of the grants `user` may filter by."""
    return [(code, f"{code}: {title}") for code, title in Grant.objects.visible_to(user).values_list("code", "title")]


def grant_coverage(*, code: str, user: Any) -> GrantCoverage:
    grant = Grant.objects.visible_to(user).filter(code=code).first()
    if grant is None:
        raise LookupError(f"No grant with the code {code!r}.")
    return grant_coverage_of(grant=grant)


def grant_coverage_of(*, grant: Any) -> GrantCoverage:
    """The grant's countries and the roundtables and training events its activities are linked to
    (None for a kind of event no activity links: then its countries alone narrow the counts); a grant
    without countries covers them all. Three or four queries."""
    countries = frozenset(grant.countries.values_list("code", flat=True))
    if not countries:
        # A grant without countries in scope (an operating grant for the whole network) covers every country.
        countries = frozenset(Country.objects.values_list("code", flat=True))
    roundtables = frozenset(
        Activity.roundtables.through.objects.filter(activity__grant=grant).values_list("roundtable_id", flat=True)
    )
    training_events = frozenset(
        Activity.training_events.through.objects.filter(activity__grant=grant).values_list(
            "trainingevent_id", flat=True
        )
    )
    return GrantCoverage(
        code=grant.code,
        countries=countries,
        roundtables=roundtables or None,
        training_events=training_events or None,
    )


@dataclass(frozen=True)
class UnlinkedEvents:
    """Events in a grant's countries and span that none of its activities links: what its figures leave
    out once it links some (while it links none of a kind, every such event counts by country)."""

    roundtables: list[Roundtable]
    training_events: list[TrainingEvent]
    links_roundtables: bool
    links_training_events: bool


def grant_unlinked_events(*, grant: Any, limit: int = 50) -> UnlinkedEvents:
    """Roundtables (not cancelled) in the grant's countries, and training events held there or attended by
    participants from there, within the grant's span, that no activity of the grant links (the first
    `limit` of each, soonest first). A fixed number of queries."""
    coverage = grant_coverage_of(grant=grant)
    countries = list(coverage.countries)
    start, end = grant.starts_on, grant.ends_on
    roundtables = (
        Roundtable.objects.exclude(status=Roundtable.Status.CANCELLED)
        .filter(country_id__in=countries, starts_at__date__range=(start, end))
        .exclude(grant_activities__grant=grant)
        .select_related("country")
        .order_by("starts_at", "pk")
    )
    from_countries = (
        Q(country_id__in=countries)
        | Q(participations__analyst__hotline__country_id__in=countries)
        | Q(participations__organisation__country_id__in=countries)
    )
    events = (
        TrainingEvent.objects.filter(from_countries, starts_on__lte=end, ends_on__gte=start)
        .exclude(grant_activities__grant=grant)
        .select_related("course", "country")
        .distinct()
        .order_by("starts_on", "pk")
    )
    return UnlinkedEvents(
        roundtables=list(roundtables[:limit]),
        training_events=list(events[:limit]),
        links_roundtables=coverage.roundtables is not None,
        links_training_events=coverage.training_events is not None,
    )


# Where an indicator stands, named in the reader's language (the keys are report_data's statuses).
INDICATOR_STATUS_TEXT = {
    report_data.ACHIEVED: gettext_lazy("Target achieved"),
    report_data.ON_TRACK: gettext_lazy("On track"),
    report_data.AT_RISK: gettext_lazy("At risk"),
    report_data.BEHIND: gettext_lazy("Behind"),
}
# An indicator's scope, named in the reader's language (the keys are `Indicator.Scope`'s).
INDICATOR_SCOPE_TEXT = dict(Indicator.Scope.choices)


# -- Deadlines --------------------------------------------------------------------------------------------
REPORT = "report"
DELIVERABLE = "deliverable"
MILESTONE = "milestone"
DEADLINE_KIND_TEXT = {
    REPORT: gettext_lazy("Periodic report"),
    DELIVERABLE: gettext_lazy("Deliverable"),
    MILESTONE: gettext_lazy("Milestone"),
}


@dataclass(frozen=True)
class Deadline:
    """A grant's dated obligation not met yet: a periodic report (met once a report for its period is
    published), a deliverable (met once submitted) or a milestone (met once achieved)."""

    kind: str
    title: str
    grant: Grant
    due_on: date
    # Days from today to the due date: negative once it has passed.
    days: int
    # The admin page where it is handled.
    url: str
    # What the deadline is about, stable while its due date stays: "report:<grant>:<start>:<end>",
    # "deliverable:<pk>", "milestone:<pk>".
    key: str
    period: tuple[date, date] | None = None

    @property
    def kind_text(self) -> str:
        return str(DEADLINE_KIND_TEXT[self.kind])

    @property
    def overdue(self) -> bool:
        return self.days < 0

    @property
    def days_overdue(self) -> int:
        return max(-self.days, 0)


def delivers_period(status: str) -> bool:
    """Whether a report in this status meets its period's deadline: once published (and still once a
    correction supersedes it)."""
    return status in DonorReport.DONOR_VISIBLE_STATUSES


@dataclass(frozen=True)
class ReportDue:
    period: tuple[date, date]
    due_on: date


def next_report_due(*, grant: Grant) -> ReportDue | None:
    """The grant's first reporting period without a published report, and when its report is due;
    None when every period's report is delivered. One query."""
    delivered = {
        (start, end)
        for start, end, status in DonorReport.objects.filter(grant=grant).values_list(
            "period_start", "period_end", "status"
        )
        if delivers_period(status)
    }
    for start, end in grant.reporting_periods():
        if (start, end) not in delivered:
            return ReportDue(period=(start, end), due_on=grant.report_due_on(end))
    return None


def grant_deadlines(*, user: Any, today: date, within_days: int | None = None) -> list[Deadline]:
    """Every unmet deadline of the grants `user` may see, overdue ones included, soonest first; with
    `within_days`, only those due by `today + within_days`. Four queries whatever the number of grants."""
    return deadlines_of(grants=Grant.objects.visible_to(user), today=today, within_days=within_days)


def deadlines_of(*, grants: QuerySet, today: date, within_days: int | None = None) -> list[Deadline]:
    """`grant_deadlines` of these grants (for the reminders, which run for nobody in particular)."""
    grants = {grant.pk: grant for grant in grants.select_related("donor")}
    if not grants:
        return []
    limit = today + timedelta(days=within_days) if within_days is not None else None
    deadlines: list[Deadline] = []

    # The reports of each grant and period: the latest one (to open it), and whether one is published.
    latest: dict[tuple[int, date, date], int] = {}
    published: set[tuple[int, date, date]] = set()
    reports = (
        DonorReport.objects.filter(grant_id__in=grants)
        .order_by("grant_id", "period_start", "period_end", "-version")
        .values_list("pk", "grant_id", "period_start", "period_end", "status")
    )
    for pk, grant_id, start, end, status in reports:
        latest.setdefault((grant_id, start, end), pk)
        if delivers_period(status):
            published.add((grant_id, start, end))
    for grant in grants.values():
        for start, end in grant.reporting_periods():
            if (grant.pk, start, end) in published:
                continue
            due = grant.report_due_on(end)
            report_pk = latest.get((grant.pk, start, end))
            url = (
                reverse("reports_donor_reports:report", args=[report_pk])
                if report_pk
                else f"{reverse('reports_donor_reports:add')}?grant={grant.pk}"
            )
            deadlines.append(
                Deadline(
                    kind=REPORT,
                    title=gettext("Report for %(start)s – %(end)s") % {"start": start, "end": end},
                    grant=grant,
                    due_on=due,
                    days=(due - today).days,
                    url=url,
                    key=f"report:{grant.pk}:{start.isoformat()}:{end.isoformat()}",
                    period=(start, end),
                )
            )

    unmet = (
        (Deliverable, DELIVERABLE, "reports_deliverable:edit", Q(submitted_on__isnull=True)),
        (Milestone, MILESTONE, "reports_milestone:edit", Q(achieved_on__isnull=True)),
    )
    for model, kind, url_name, condition in unmet:
        rows = model.objects.filter(condition, grant_id__in=grants)
        if limit is not None:
            rows = rows.filter(due_on__lte=limit)
        for row in rows.order_by("due_on", "pk"):
            deadlines.append(
                Deadline(
                    kind=kind,
                    title=f"{row.code} {row.title}",
                    grant=grants[row.grant_id],
                    due_on=row.due_on,
                    days=(row.due_on - today).days,
                    url=reverse(url_name, args=[row.pk]),
                    key=f"{kind}:{row.pk}",
                )
            )
    if limit is not None:
        deadlines = [deadline for deadline in deadlines if deadline.due_on <= limit]
    return sorted(deadlines, key=lambda d: (d.due_on, d.grant.code, d.kind, d.title))
