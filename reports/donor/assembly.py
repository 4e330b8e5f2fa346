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
from datetime import date, datetime
from typing import Any

from django.db.models import (
    Count,
)
from django.utils.translation import gettext_lazy

from network.models import (
    Country,
    Hotline,
    Sector,
    TrainingCourse,
    TrainingParticipation,
)
from reports import aggregations, metrics
from reports.donor import report_data
from reports.grants.selectors import INDICATOR_SCOPE_TEXT, INDICATOR_STATUS_TEXT, grant_coverage_of
from reports.metrics import SMALL_COUNT_THRESHOLD
from reports.models import Activity, BudgetLine, Deliverable, Indicator, Milestone, Risk, WorkPackage
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
        _indicator_line(indicator, grant=grant, period=period, frames=frames, context=context, coverage=coverage)
        for indicator in Indicator.objects.filter(grant=grant)
        .select_related("work_package", "grant")
        .order_by("order", "code")
    )
    activities = tuple(
        report_data.ActivityLine(
            title=activity.title,
            kind=activity.kind,
            kind_text=str(activity.get_kind_display()),
            status=activity.status,
            status_text=str(activity.get_status_display()),
            work_package=activity.work_package.number if activity.work_package else None,
            planned_start=activity.planned_start.isoformat(),
            planned_end=_iso(activity.planned_end),
            actual_start=_iso(activity.actual_start),
            actual_end=_iso(activity.actual_end),
            roundtables=activity.roundtable_count,
            training_events=activity.training_event_count,
            other_events=len([line for line in activity.other_events.splitlines() if line.strip()]),
        )
        for activity in Activity.objects.filter(grant=grant)
        .select_related("work_package")
        .annotate(
            roundtable_count=Count("roundtables", distinct=True),
            training_event_count=Count("training_events", distinct=True),
        )
        .order_by("planned_start", "title", "pk")
    )
    deliverables = tuple(
        report_data.DeliverableLine(
            code=item.code,
            title=item.title,
            work_package=item.work_package.number if item.work_package else None,
            due_on=item.due_on.isoformat(),
            submitted_on=_iso(item.submitted_on),
            status=item.status,
            status_text=str(item.get_status_display()),
            dissemination=item.dissemination,
            dissemination_text=str(item.get_dissemination_display()),
        )
        for item in Deliverable.objects.filter(grant=grant).select_related("work_package").order_by("due_on", "code")
    )
    milestones = tuple(
        report_data.MilestoneLine(
            code=item.code,
            title=item.title,
            work_package=item.work_package.number if item.work_package else None,
            due_on=item.due_on.isoformat(),
            achieved_on=_iso(item.achieved_on),
            verification=item.verification,
        )
        for item in Milestone.objects.filter(grant=grant).select_related("work_package").order_by("due_on", "code")
    )
    risks = tuple(
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
    budget_lines = tuple(
        report_data.BudgetLineRow(
            category=line.category,
            category_text=str(line.get_category_display()),
            description=line.description,
            planned=float(line.planned),
            actual=float(line.actual),
            execution=aggregations.share(float(line.actual), float(line.planned)),
        )
        for line in BudgetLine.objects.filter(grant=grant).order_by("category", "pk")
    )
    planned = sum((line.planned for line in budget_lines), 0.0)
    actual = sum((line.actual for line in budget_lines), 0.0)
    today = context.today
    return report_data.DonorReportData(
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
        deliverables=deliverables,
        milestones=milestones,
        risks=risks,
        budget_lines=budget_lines,
        budget_planned=round(planned, 2),
        budget_actual=round(actual, 2),
        budget_execution=aggregations.share(actual, planned),
        roundtables=_roundtable_annex(frames, period=period, scope=scope, today=today, country_names=country_names),
        trainings=_training_annex(frames, period=period, scope=scope, today=today, country_names=country_names),
        candidates_by_stage=_candidate_annex(frames, coverage, day=period.end, today=today),
        small_count_threshold=SMALL_COUNT_THRESHOLD,
    )


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _indicator_line(
    indicator: Any, *, grant: Any, period: Period, frames: Frames, context: Any, coverage: GrantCoverage
) -> Any:
    scope_text = str(INDICATOR_SCOPE_TEXT.get(indicator.scope, indicator.scope))
    counts_people = False
    if indicator.metric_key:
        metric = metrics.get(indicator.metric_key)
        achieved = metrics.indicator_value(
            metric,
            frames,
            context,
            scope=indicator_scope(indicator.scope, coverage),
            since=grant.starts_on,
            day=period.end,
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
    frames: Frames, *, period: Period, scope: Scope, today: date, country_names: Mapping[str, str]
) -> tuple[report_data.RoundtableAnnexLine, ...]:
    """The roundtables held in the period, each with the distinct organisations invited by sector and
    how many attended (organisations: never hidden)."""
    held = aggregations.held_roundtables(frames["roundtables"], period=period, scope=scope, today=today)
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
    frames: Frames, *, period: Period, scope: Scope, today: date, country_names: Mapping[str, str]
) -> tuple[report_data.TrainingAnnexLine, ...]:
    places = frames["training_places"]
    events = aggregations.training_events_held(
        frames["training_events"], places, period=period, scope=scope, today=today
    )
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
