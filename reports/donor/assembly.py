"""The assembly of a donor report's data: `donor_report_data` freezes everything a donor report shows
(`reports.donor.report_data`) from the live records.

Indicators of the registry are computed with the metrics' own aggregations on frames loaded once
each, the annexes from the same frames, so the query count does not grow with indicators, activities
or events: the grant's own rows (one query per kind), its coverage, the country names, the frames the
report needs and the candidate hotlines. Counts of people are suppressed here (`suppress_counts`), as
donors see them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy

from network.models import (
    Country,
    Hotline,
    Sector,
    TrainingCourse,
    TrainingParticipation,
)
from reports import aggregations, metrics
from reports.donor import profiles, report_data
from reports.donor.narrative import clean_rich_text
from reports.grants.selectors import INDICATOR_SCOPE_TEXT, INDICATOR_STATUS_TEXT, grant_coverage_of
from reports.metrics import SMALL_COUNT_THRESHOLD
from reports.models import (
    Activity,
    BudgetLine,
    BudgetPeriodAmount,
    Deliverable,
    Indicator,
    Milestone,
    Risk,
    WorkPackage,
)
from reports.scope import GrantCoverage, Period, Scope, indicator_scope
from reports.selectors import Frames

ANNEX_FRAMES = (
    "roundtables",
    "roundtable_participants",
    "training_events",
    "training_places",
    "hotlines",
    "stage_changes",
)


@dataclass(frozen=True)
class Narrative:
    """What staff wrote on the draft for the period (`narrative_of(report)`)."""

    summary: str = ""
    ethics: str = ""
    dissemination: str = ""
    conclusions: str = ""
    # Work package number -> (work done (limited rich text), deviations, corrective measures).
    work_packages: Mapping[int, tuple[str, str, str]] = field(default_factory=dict)
    # Indicator code -> explanation.
    explanations: Mapping[str, str] = field(default_factory=dict)


def narrative_of(report: Any) -> Narrative:
    """The narrative written on `report` (two queries)."""
    from reports.models import IndicatorExplanation, WorkPackageNarrative

    if report.pk is None:
        return Narrative(summary=report.summary)
    return Narrative(
        summary=report.summary,
        ethics=report.ethics,
        dissemination=report.dissemination,
        conclusions=report.conclusions,
        work_packages={
            number: (work_done, deviations, corrective)
            for number, work_done, deviations, corrective in WorkPackageNarrative.objects.filter(
                report=report
            ).values_list("work_package__number", "work_done", "deviations", "corrective_measures")
        },
        explanations=dict(
            IndicatorExplanation.objects.filter(report=report).values_list("indicator__code", "explanation")
        ),
    )


def donor_report_data(
    *,
    grant: Any,
    period_start: date,
    period_end: date,
    version: int,
    generated_on: date,
    language: str = "en",
    now: datetime | None = None,
    narrative: Narrative | None = None,
    summary: str | None = None,
) -> report_data.DonorReportData:
    """The frozen data of `grant`'s report for the period (labels in `language`). `now` is the moment
    "today" figures are computed at (default: the clock); `generated_on` is only printed."""
    from django.utils import translation

    if period_end < period_start:
        raise ValueError(f"The period ends ({period_end}) before it starts ({period_start}).")
    if narrative is None:
        narrative = Narrative(summary=summary or "")
    with translation.override(language):
        return _donor_report_data(
            grant=grant,
            period=Period(period_start, period_end),
            version=version,
            narrative=narrative,
            generated_on=generated_on,
            language=language,
            now=now,
        )


def _donor_report_data(
    *,
    grant: Any,
    period: Period,
    version: int,
    narrative: Narrative,
    generated_on: date,
    language: str,
    now: datetime | None,
) -> report_data.DonorReportData:
    summary = narrative.summary
    coverage = grant_coverage_of(grant=grant)
    scope = Scope.of(grant=coverage)
    context = metrics.Context.at(period=period, scope=scope, now=now)
    frames = Frames()
    country_names = dict(Country.objects.values_list("code", "name"))
    grant_countries = sorted(grant.countries.values_list("name", flat=True))

    work_packages = tuple(
        report_data.WorkPackageLine(
            number=wp.number,
            title=wp.title,
            objectives=wp.objectives,
            lead=wp.lead,
            starts_on=_iso(wp.starts_on),
            ends_on=_iso(wp.ends_on),
        )
        for wp in WorkPackage.objects.filter(grant=grant).order_by("number")
    )

    indicators = tuple(
        _indicator_line(
            indicator,
            grant=grant,
            period=period,
            frames=frames,
            context=context,
            coverage=coverage,
            explanation=narrative.explanations.get(indicator.code, ""),
        )
        for indicator in Indicator.objects.filter(grant=grant)
        .select_related("work_package", "grant")
        .order_by("order", "code")
    )
    today = context.today
    held = _EventsHeld(frames, grant=grant, period=period, scope=scope, today=today)
    activities = _activity_lines(grant, period=period, held=held, today=today)
    budget_lines = _budget_lines(grant, period=period)
    planned = sum((line.planned for line in budget_lines), 0.0)
    actual = sum((line.actual for line in budget_lines), 0.0)
    period_planned = [line.period_planned for line in budget_lines if line.period_planned is not None]
    period_actual = [line.period_actual for line in budget_lines if line.period_actual is not None]
    budget_period_planned = round(sum(period_planned), 2) if period_planned else None
    budget_period_actual = round(sum(period_actual), 2) if period_actual else None
    as_of = now if now is not None else timezone.now()
    if timezone.is_naive(as_of):
        as_of = timezone.make_aware(as_of)
    texts = profiles.texts_for(donor=grant.donor, grant=grant, language=language)
    wp_titles = {line.number: line.title for line in work_packages}
    data = report_data.DonorReportData(
        schema_version=report_data.SCHEMA_VERSION,
        grant_code=grant.code,
        grant_title=grant.title,
        programme=grant.programme,
        call_identifier=grant.call_identifier,
        agreement_number=grant.agreement_number,
        grant_kind=grant.kind,
        grant_kind_text=str(grant.get_kind_display()),
        grant_starts_on=grant.starts_on.isoformat(),
        grant_ends_on=grant.ends_on.isoformat(),
        amount=float(grant.amount),
        currency=grant.currency,
        cofunding_rate=float(grant.cofunding_rate),
        countries=tuple(grant_countries),
        donor_name=grant.donor.name,
        beneficiary=grant.beneficiary_name,
        period_start=period.start.isoformat(),
        period_end=period.end.isoformat(),
        version=version,
        generated_on=generated_on.isoformat(),
        language=language,
        summary=summary,
        objectives=grant.objectives,
        work_packages=work_packages,
        indicators=indicators,
        activities=activities,
        deliverables=_deliverable_lines(grant, period=period, today=today),
        milestones=_milestone_lines(grant, period=period, today=today),
        risks=_risk_lines(grant),
        budget_lines=budget_lines,
        budget_planned=round(planned, 2),
        budget_actual=round(actual, 2),
        budget_execution=aggregations.share(actual, planned),
        roundtables=_roundtable_annex(frames, held=held.roundtables, country_names=country_names),
        trainings=_training_annex(frames, held=held.training_events, scope=scope, country_names=country_names),
        candidates_by_stage=_candidate_annex(frames, coverage, day=period.end, today=today),
        small_count_threshold=SMALL_COUNT_THRESHOLD,
        data_as_of=as_of.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        interim=as_of.astimezone(UTC).date() <= period.end,
        profile=texts.profile,
        funding_statement=texts.funding_statement,
        disclaimer=texts.disclaimer,
        acknowledgement=texts.acknowledgement,
        logo_png=texts.logo_png,
        work_package_narratives=tuple(
            report_data.WorkPackageNarrativeLine(
                number=number,
                title=wp_titles.get(number, ""),
                work_done=clean_rich_text(work_done),
                deviations=deviations.strip(),
                corrective_measures=corrective.strip(),
            )
            for number, (work_done, deviations, corrective) in sorted(narrative.work_packages.items())
            if number in wp_titles
        ),
        ethics=narrative.ethics.strip(),
        dissemination=narrative.dissemination.strip(),
        conclusions=narrative.conclusions.strip(),
        report_contact=grant.report_contact,
        budget_period_planned=budget_period_planned,
        budget_period_actual=budget_period_actual,
        budget_period_variance_share=_variance_share(budget_period_planned, budget_period_actual),
        budget_variance_threshold=settings.DONOR_REPORT_VARIANCE_THRESHOLD,
    )
    problems = report_data.consistency_problems(data) + _figures_told_twice(data)
    if problems:
        raise InconsistentReport(problems)
    return data


class InconsistentReport(ValueError):
    """Two sections of a report's data disagree: the report is not built (`problems` says where)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("The report's sections disagree: " + " ".join(problems))


# Indicators whose figure for the period is also the number of rows of an annex (on the grant's coverage).
ANNEX_COUNTS = {"roundtables_held": "roundtables", "training_events_held": "trainings"}


def _figures_told_twice(data: report_data.DonorReportData) -> list[str]:
    """The same count computed twice, by an indicator and by an annex, must be equal."""
    problems = []
    for line in data.indicators:
        annex = ANNEX_COUNTS.get(line.metric_key)
        if annex is None or line.scope != "grant" or line.in_period is None:
            continue
        rows = len(getattr(data, annex))
        if int(line.in_period) != rows:
            problems.append(
                f"Indicator {line.code} counts {int(line.in_period)} {annex} in the period; the annex lists {rows}."
            )
    return problems


def _variance_share(planned: float | None, actual: float | None) -> float | None:
    if planned is None or actual is None or not planned:
        return None
    return round(100 * (actual - planned) / planned, 1)


class _EventsHeld:
    """The roundtables and training events held on the grant's coverage in the period and since the
    grant's first day (the same functions as the annexes and the indicators)."""

    def __init__(self, frames: Frames, *, grant: Any, period: Period, scope: Scope, today: date) -> None:
        since_start = Period(grant.starts_on, period.end)
        places = frames["training_places"]
        self.roundtables = aggregations.held_roundtables(frames["roundtables"], period=period, scope=scope, today=today)
        self.training_events = aggregations.training_events_held(
            frames["training_events"], places, period=period, scope=scope, today=today
        )
        cumulative_roundtables = aggregations.held_roundtables(
            frames["roundtables"], period=since_start, scope=scope, today=today
        )
        cumulative_events = aggregations.training_events_held(
            frames["training_events"], places, period=since_start, scope=scope, today=today
        )
        self.roundtable_codes = dict(zip(self.roundtables["roundtable_id"], self.roundtables["code"], strict=True))
        self.training_codes = dict(zip(self.training_events["event_id"], self.training_events["code"], strict=True))
        self.cumulative_roundtables = set(cumulative_roundtables["roundtable_id"])
        self.cumulative_training_events = set(cumulative_events["event_id"])


def _activity_status(activity: Any, *, end: date, started: bool) -> str:
    """An activity's status as it stood on `end` (the period's last day, or the day the data is read
    for a period not yet over), from its dates (cancelled stays cancelled): done once its actual end
    has passed; in progress once started (an actual start, or a linked event held), delayed when its
    planned end has passed; not started: delayed once its planned start has passed, else planned."""
    status = Activity.Status
    if activity.status == status.CANCELLED:
        return status.CANCELLED
    if activity.actual_end and activity.actual_end <= end:
        return status.DONE
    if started:
        return status.DELAYED if activity.planned_end and activity.planned_end < end else status.IN_PROGRESS
    return status.DELAYED if activity.planned_start < end else status.PLANNED


def _activity_lines(
    grant: Any, *, period: Period, held: _EventsHeld, today: date
) -> tuple[report_data.ActivityLine, ...]:
    """Activities planned in the period, carried out in it, or with linked events held in it."""
    status_day = min(period.end, today)
    links_rt: dict[int, list[int]] = {}
    for activity_id, roundtable_id in Activity.roundtables.through.objects.filter(activity__grant=grant).values_list(
        "activity_id", "roundtable_id"
    ):
        links_rt.setdefault(activity_id, []).append(roundtable_id)
    links_te: dict[int, list[int]] = {}
    for activity_id, event_id in Activity.training_events.through.objects.filter(activity__grant=grant).values_list(
        "activity_id", "trainingevent_id"
    ):
        links_te.setdefault(activity_id, []).append(event_id)
    labels = dict(Activity.Status.choices)
    lines = []
    for activity in (
        Activity.objects.filter(grant=grant).select_related("work_package").order_by("planned_start", "title", "pk")
    ):
        roundtable_codes = sorted(
            held.roundtable_codes[pk] for pk in links_rt.get(activity.pk, []) if pk in held.roundtable_codes
        )
        training_codes = sorted(
            held.training_codes[pk] for pk in links_te.get(activity.pk, []) if pk in held.training_codes
        )
        planned_end = activity.planned_end or activity.planned_start
        planned_in = activity.planned_start <= period.end and planned_end >= period.start
        started = activity.actual_start and activity.actual_start <= period.end
        carried_in = started and (activity.actual_end is None or activity.actual_end >= period.start)
        if not (planned_in or carried_in or roundtable_codes or training_codes):
            continue
        cumulative_rt = held.cumulative_roundtables & set(links_rt.get(activity.pk, []))
        cumulative_te = held.cumulative_training_events & set(links_te.get(activity.pk, []))
        status = _activity_status(activity, end=status_day, started=bool(started or cumulative_rt or cumulative_te))
        lines.append(
            report_data.ActivityLine(
                title=activity.title,
                kind=activity.kind,
                kind_text=str(activity.get_kind_display()),
                status=status,
                status_text=str(labels[status]),
                work_package=activity.work_package.number if activity.work_package else None,
                planned_start=activity.planned_start.isoformat(),
                planned_end=_iso(activity.planned_end),
                actual_start=_iso(activity.actual_start) if started else None,
                actual_end=_iso(activity.actual_end)
                if activity.actual_end and activity.actual_end <= period.end
                else None,
                roundtables=len(roundtable_codes),
                training_events=len(training_codes),
                other_events=len([line for line in activity.other_events.splitlines() if line.strip()]),
                roundtables_cumulative=len(cumulative_rt),
                training_events_cumulative=len(cumulative_te),
                roundtable_codes=tuple(roundtable_codes),
                training_event_codes=tuple(training_codes),
            )
        )
    return tuple(lines)


def _due_item_in(period: Period, *, due_on: date, done_on: date | None) -> tuple[bool, date | None]:
    """Whether a dated item (a deliverable, a milestone) belongs to the period's report, and the day it
    was done as the period sees it (None when done only after the period's end). It belongs when due in
    the period, done in it, or due before it and still not done when it began."""
    done = done_on if done_on and done_on <= period.end else None
    due_in = period.start <= due_on <= period.end
    done_in = done is not None and done >= period.start
    outstanding = due_on < period.start and done is None
    return due_in or done_in or outstanding, done


def _deliverable_lines(grant: Any, *, period: Period, today: date) -> tuple[report_data.DeliverableLine, ...]:
    """Deliverables due or submitted in the period, or still outstanding from before it; their status
    on the period's last day (delayed only once the due day has passed, today at the latest)."""
    status_day = min(period.end, today)
    labels = dict(Deliverable.Status.choices)
    lines = []
    for item in Deliverable.objects.filter(grant=grant).select_related("work_package").order_by("due_on", "code"):
        of_period, submitted = _due_item_in(period, due_on=item.due_on, done_on=item.submitted_on)
        if not of_period:
            continue
        if submitted is not None:
            done_statuses = (Deliverable.Status.SUBMITTED, Deliverable.Status.ACCEPTED)
            status = item.status if item.status in done_statuses else Deliverable.Status.SUBMITTED
        elif item.due_on < status_day:
            status = Deliverable.Status.DELAYED
        else:
            status = Deliverable.Status.PLANNED
        lines.append(
            report_data.DeliverableLine(
                code=item.code,
                title=item.title,
                work_package=item.work_package.number if item.work_package else None,
                due_on=item.due_on.isoformat(),
                submitted_on=_iso(submitted),
                status=status,
                status_text=str(labels[status]),
                dissemination=item.dissemination,
                dissemination_text=str(item.get_dissemination_display()),
            )
        )
    return tuple(lines)


MILESTONE_STATUS_TEXT = {
    report_data.MILESTONE_ACHIEVED: gettext_lazy("Achieved"),
    report_data.MILESTONE_LATE: gettext_lazy("Late"),
    report_data.MILESTONE_UPCOMING: gettext_lazy("Upcoming"),
}


def _milestone_lines(grant: Any, *, period: Period, today: date) -> tuple[report_data.MilestoneLine, ...]:
    """Milestones due or achieved in the period, or still outstanding from before it; late once the due
    day has passed without it (by the period's end, today at the latest)."""
    status_day = min(period.end, today)
    lines = []
    for item in Milestone.objects.filter(grant=grant).select_related("work_package").order_by("due_on", "code"):
        of_period, achieved = _due_item_in(period, due_on=item.due_on, done_on=item.achieved_on)
        if not of_period:
            continue
        if achieved is not None:
            status = report_data.MILESTONE_ACHIEVED
        elif item.due_on < status_day:
            status = report_data.MILESTONE_LATE
        else:
            status = report_data.MILESTONE_UPCOMING
        lines.append(
            report_data.MilestoneLine(
                code=item.code,
                title=item.title,
                work_package=item.work_package.number if item.work_package else None,
                due_on=item.due_on.isoformat(),
                achieved_on=_iso(achieved),
                verification=item.verification,
                status=status,
                status_text=str(MILESTONE_STATUS_TEXT[status]),
            )
        )
    return tuple(lines)


def _risk_lines(grant: Any) -> tuple[report_data.RiskLine, ...]:
    return tuple(
        report_data.RiskLine(
            description=risk.description,
            work_package=risk.work_package.number if risk.work_package else None,
            likelihood=risk.likelihood,
            likelihood_text=str(risk.get_likelihood_display()),
            impact=risk.impact,
            impact_text=str(risk.get_impact_display()),
            mitigation=risk.mitigation,
            status=risk.status,
            status_text=str(risk.get_status_display()),
        )
        for risk in Risk.objects.filter(grant=grant).select_related("work_package").order_by("pk")
    )


def _budget_lines(grant: Any, *, period: Period) -> tuple[report_data.BudgetLineRow, ...]:
    """Each budget line: the grant's planned amount, spending since the start up to the period's end
    (the period amounts of periods ended by then; a line without amounts by period: its recorded
    actual), and the amounts of the reporting periods within the report's period."""
    amounts: dict[int, list[Any]] = {}
    for amount in BudgetPeriodAmount.objects.filter(budget_line__grant=grant).order_by("period_start"):
        amounts.setdefault(amount.budget_line_id, []).append(amount)
    rows = []
    for line in BudgetLine.objects.filter(grant=grant).order_by("category", "pk"):
        own = amounts.get(line.pk, [])
        within = [a for a in own if a.period_start >= period.start and a.period_end <= period.end]
        if own:
            cumulative = float(sum((a.actual for a in own if a.period_end <= period.end and a.actual is not None), 0))
        else:
            cumulative = float(line.actual)
        period_planned = float(sum((a.planned for a in within), 0)) if within else None
        known = within and all(a.actual is not None for a in within)
        period_actual = float(sum((a.actual for a in within), 0)) if known else None
        rows.append(
            report_data.BudgetLineRow(
                category=line.category,
                category_text=str(line.get_category_display()),
                description=line.description,
                planned=float(line.planned),
                actual=round(cumulative, 2),
                execution=aggregations.share(cumulative, float(line.planned)),
                period_planned=period_planned,
                period_actual=period_actual,
                period_variance=None if period_actual is None else round(period_actual - period_planned, 2),
                period_variance_share=_variance_share(period_planned, period_actual),
                variance_justification=" ".join(a.variance_justification.strip() for a in within).strip(),
            )
        )
    return tuple(rows)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _indicator_line(
    indicator: Any,
    *,
    grant: Any,
    period: Period,
    frames: Frames,
    context: Any,
    coverage: GrantCoverage,
    explanation: str = "",
) -> Any:
    scope_text = str(INDICATOR_SCOPE_TEXT.get(indicator.scope, indicator.scope))
    counts_people = False
    in_period = None
    if indicator.metric_key:
        metric = metrics.get(indicator.metric_key)
        measured_on = indicator_scope(indicator.scope, coverage)
        achieved = metrics.indicator_value(
            metric, frames, context, scope=measured_on, since=grant.starts_on, day=period.end
        )
        if metric.measure == metrics.IN_PERIOD and metric.kind == metrics.COUNT:
            in_period = metrics.indicator_value(
                metric, frames, context, scope=measured_on, since=max(period.start, grant.starts_on), day=period.end
            )
        definition = str(metric.definition)
        unit = indicator.unit or str(metric.unit)
        source = "metric"
        counts_people = metric.counts_people
    else:
        achieved = float(indicator.manual_value)
        definition = indicator.justification
        unit = indicator.unit
        source = "manual"
    baseline, target = float(indicator.baseline), float(indicator.target)
    status = aggregations.indicator_status(
        baseline=baseline,
        target=target,
        achieved=achieved,
        elapsed=aggregations.elapsed_share(grant.starts_on, grant.ends_on, min(period.end, context.today)),
    )
    baseline_day = indicator.baseline_day
    return report_data.IndicatorLine(
        code=indicator.code,
        title=indicator.title,
        source=source,
        metric_key=indicator.metric_key,
        definition=definition,
        unit=unit,
        scope=indicator.scope,
        scope_text=scope_text,
        baseline=baseline,
        baseline_on=baseline_day.isoformat() if baseline_day else None,
        baseline_note=indicator.baseline_justification.strip() if indicator.baseline_overridden else "",
        target=target,
        achieved=achieved,
        progress=aggregations.progress_share(baseline=baseline, target=target, achieved=achieved),
        status=status,
        status_text=str(INDICATOR_STATUS_TEXT[status]),
        counts_people=counts_people,
        work_package=indicator.work_package.number if indicator.work_package else None,
        in_period=in_period,
        explanation=explanation.strip(),
    )


def suppress_counts(
    cells: Iterable[tuple[str, str, int]], *, total: int | None = None, threshold: int = SMALL_COUNT_THRESHOLD
) -> tuple[tuple[report_data.Count, ...], int | None, str]:
    """Breakdown cells of people (key, label, count; zeros left out) and their total, as donors see
    them: counts from 1 to `threshold - 1` hidden as SMALL. When a total is shown and exactly one cell
    is hidden, the next smallest cell is hidden too (or, with no other cell, the total), as SUPPRESSED,
    so that no small count follows by subtraction. Returns the cells, the total (None when hidden) and
    why the total is hidden ("" when shown)."""
    kept = [(key, label, count) for key, label, count in cells if count]
    small = {key for key, _label, count in kept if 0 < count < threshold}
    complementary: set[str] = set()
    total_hidden = ""
    if total is not None and 0 < total < threshold:
        total, total_hidden = None, report_data.SMALL
    if total is not None and len(small) == 1:
        others = sorted((count, key) for key, _label, count in kept if key not in small)
        if others:
            complementary.add(others[0][1])
        else:
            total, total_hidden = None, report_data.SUPPRESSED
    shown = tuple(
        report_data.Count(
            key,
            label,
            None if key in small | complementary else count,
            report_data.SMALL if key in small else report_data.SUPPRESSED if key in complementary else "",
        )
        for key, label, count in kept
    )
    return shown, total, total_hidden


def _roundtable_annex(
    frames: Frames, *, held: Any, country_names: Mapping[str, str]
) -> tuple[report_data.RoundtableAnnexLine, ...]:
    """The roundtables held in the period (`held`), each with the distinct organisations invited by
    sector and how many attended (organisations: never hidden)."""
    if held.empty:
        return ()
    held = held.sort_values(["starts_at", "code"], kind="stable")
    participants = frames["roundtable_participants"]
    participants = participants[participants["roundtable_id"].isin(held["roundtable_id"])]
    invited = participants.groupby(["roundtable_id", "sector"])["organisation_id"].nunique()
    invited_total = participants.groupby("roundtable_id")["organisation_id"].nunique()
    attended = (
        participants[participants["status"] == aggregations.ATTENDED]
        .groupby("roundtable_id")["organisation_id"]
        .nunique()
    )
    sector_labels = {value: str(label) for value, label in Sector.choices}
    sector_order = {value: index for index, value in enumerate(sector_labels)}
    by_roundtable: dict[int, list[report_data.Count]] = {}
    for (roundtable_id, sector), count in invited.items():
        by_roundtable.setdefault(int(roundtable_id), []).append(
            report_data.Count(sector, sector_labels.get(sector, sector), int(count))
        )
    lines = []
    for row in held.itertuples(index=False):
        cells = sorted(by_roundtable.get(int(row.roundtable_id), []), key=lambda cell: sector_order.get(cell.key, 99))
        lines.append(
            report_data.RoundtableAnnexLine(
                code=row.code,
                title=row.title,
                date=row.starts_at.date().isoformat(),
                country=country_names.get(row.country, row.country),
                participants_by_sector=tuple(cells),
                invited=int(invited_total.get(row.roundtable_id, 0)),
                attended=int(attended.get(row.roundtable_id, 0)),
            )
        )
    return tuple(lines)


def _training_annex(
    frames: Frames, *, held: Any, scope: Scope, country_names: Mapping[str, str]
) -> tuple[report_data.TrainingAnnexLine, ...]:
    """The training events held in the period (`held`), with the people who completed them."""
    places = frames["training_places"]
    events = held
    if events.empty:
        return ()
    events = events.sort_values(["starts_on", "code"], kind="stable")
    completed = places[
        (places["status"] == aggregations.COMPLETED)
        & places["event_id"].isin(events["event_id"])
        & aggregations.events_in_scope(places, scope, column="event_id", kind="training_events")
    ]
    by_type = completed.groupby(["event_id", "participant_type"]).size()
    by_country = completed.groupby(["event_id", "country"]).size()
    type_labels = {value: str(label) for value, label in TrainingParticipation.ParticipantType.choices}
    type_order = {value: index for index, value in enumerate(type_labels)}
    kind_labels = {value: str(label) for value, label in TrainingCourse.Kind.choices}
    types_of: dict[int, list[tuple[str, str, int]]] = {}
    for (event_id, kind), count in by_type.items():
        types_of.setdefault(int(event_id), []).append((kind, type_labels.get(kind, kind), int(count)))
    countries_of: dict[int, list[tuple[str, str, int]]] = {}
    for (event_id, code), count in by_country.items():
        name = country_names.get(code, code) if code else str(gettext_lazy("Not recorded"))
        countries_of.setdefault(int(event_id), []).append((code, name, int(count)))
    lines = []
    for row in events.itertuples(index=False):
        event_id = int(row.event_id)
        type_cells = sorted(types_of.get(event_id, []), key=lambda cell: type_order.get(cell[0], 99))
        country_cells = sorted(countries_of.get(event_id, []), key=lambda cell: (cell[1], cell[0]))
        total = sum(cell[2] for cell in type_cells)
        type_counts, by_type_total, by_type_hidden = suppress_counts(type_cells, total=total)
        country_counts, by_country_total, by_country_hidden = suppress_counts(country_cells, total=total)
        # The total is shown only when neither breakdown needs it hidden.
        total_shown = by_type_total if by_country_total is not None else None
        total_hidden = by_type_hidden or by_country_hidden
        lines.append(
            report_data.TrainingAnnexLine(
                code=row.code,
                title=row.course_title,
                course_kind=row.course_kind,
                course_kind_text=kind_labels.get(row.course_kind, row.course_kind),
                starts_on=row.starts_on.date().isoformat(),
                ends_on=row.ends_on.date().isoformat(),
                country=country_names.get(row.country, row.country) if row.country else "",
                online=bool(row.online),
                by_participant_type=type_counts,
                by_country=country_counts,
                people_trained=total_shown,
                people_trained_hidden=total_hidden,
            )
        )
    return tuple(lines)


def _candidate_annex(
    frames: Frames, coverage: GrantCoverage, *, day: date, today: date
) -> tuple[report_data.CandidateStageLine, ...]:
    """Candidate hotlines in the grant's countries on `day` (the period's last day), by their stage that
    day (`aggregations.stages_on`); a name only where the host organisation consented to its name in
    reports. Candidates are organisations: their counts are never hidden."""
    hotlines = frames["hotlines"]
    stages = aggregations.stages_on(hotlines, frames["stage_changes"], day=day, today=today)
    chosen = hotlines.assign(stage_on_day=stages.to_numpy())
    chosen = chosen[chosen["stage_on_day"].isin(Hotline.CANDIDATE_STAGES) & chosen["country"].isin(coverage.countries)]
    hosts = {
        pk: (name, consented)
        for pk, name, consented in Hotline.objects.filter(pk__in=[int(pk) for pk in chosen["hotline_id"]]).values_list(
            "pk", "host_organisation__name", "host_organisation__publish_name_consent"
        )
    }
    labels = {value: str(label) for value, label in Hotline.Stage.choices}
    lines = []
    for stage in Hotline.CANDIDATE_STAGES:
        here = chosen[chosen["stage_on_day"] == stage].sort_values("brand_name")
        if here.empty:
            continue
        names = tuple(
            f"{brand} ({hosts[int(pk)][0]})" if hosts[int(pk)][0] else brand
            for pk, brand in zip(here["hotline_id"], here["brand_name"], strict=True)
            if hosts.get(int(pk), ("", False))[1]
        )
        lines.append(
            report_data.CandidateStageLine(stage=stage, stage_text=labels[stage], count=len(here), names=names)
        )
    return tuple(lines)
