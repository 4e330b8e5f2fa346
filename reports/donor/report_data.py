"""The frozen data of one donor report: everything the PDF shows, and nothing it has to look up.

`reports.donor.assembly.donor_report_data(...)` builds a `DonorReportData` from the live records;
`reports.donor.pdf.build_donor_report(data)` renders it. The data is what a report version keeps: it is
stored as JSON (`to_json`) with the PDF, and `from_json` gives back an equal object, so the PDF can
be rendered again, byte for byte, long after the live records have changed.

Invariants:

- Plain values only: text, ints, floats, None and tuples of line dataclasses. Dates are ISO strings
  ("2025-01-31"); choice fields carry their key and the label in the report's language (the label
  is frozen too, so a later translation change does not change an old report).
- Small counts of people are already suppressed here: a count of people from 1 to
  `small_count_threshold - 1` in the annexes' breakdowns is `None` with `hidden` = SMALL (shown as
  "fewer than 5"), and, where a row shows a total, a second cell (or the total) is hidden with it,
  with `hidden` = SUPPRESSED (shown as "suppressed", never as "fewer than 5"), so the first cannot be
  worked out by subtraction. Counts of organisations, countries and events are never suppressed.
  An indicator that counts people (`counts_people`) keeps its values; every view of it for donors
  hides a small baseline or achieved value (`shown_indicator`).
- `generated_on` and `data_as_of` are given by the caller, never read from the clock by the builder.
- Everything describes the period: activities, events, deliverables and milestones are those of the
  period, with their state on its last day; where a donor expects the running total too, it sits
  beside the period's figure in a field named `..._cumulative` (since the grant's first day).
- `consistency_problems(data)` lists every place where two sections of the same data disagree; a
  report with any is never built (`assembly.InconsistentReport`).

Bump `SCHEMA_VERSION` when a field changes meaning or shape, and teach `from_json` to read the older
versions still stored (`_UPGRADES`): a published report's data is never rewritten.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from typing import Any

SCHEMA_VERSION = 3

# Why a count is not shown (`Count.hidden` and the annexes' totals): a small count of people, or a
# count hidden only so that a small one cannot be worked out by subtraction.
SMALL = "small"
SUPPRESSED = "suppressed"

# Indicator status keys, best first.
ACHIEVED = "achieved"
ON_TRACK = "on_track"
AT_RISK = "at_risk"
BEHIND = "behind"
STATUSES = (ACHIEVED, ON_TRACK, AT_RISK, BEHIND)
# Indicators whose status asks for an explanation.
NEEDS_EXPLANATION = (AT_RISK, BEHIND)

# Milestone status keys on the period's last day.
MILESTONE_ACHIEVED = "achieved"
MILESTONE_LATE = "late"
MILESTONE_UPCOMING = "upcoming"

# Donor profiles (`reports.models.ReportProfile`).
PROFILE_EU = "eu"
PROFILE_GENERIC = "generic"


@dataclass(frozen=True)
class WorkPackageLine:
    number: int
    title: str
    objectives: str
    lead: str
    starts_on: str | None
    ends_on: str | None


@dataclass(frozen=True)
class IndicatorLine:
    code: str
    title: str
    # "metric": computed from live data by the registry metric `metric_key`; "manual": entered by staff.
    source: str
    metric_key: str
    # The registry's definition for a metric, the justification for a manual value.
    definition: str
    unit: str
    # What the metric is measured over (`Indicator.Scope`: "grant" or "network") and its label.
    scope: str
    scope_text: str
    baseline: float
    # The day the baseline describes, and why it is not the measured one ("" when it is).
    baseline_on: str | None
    baseline_note: str
    target: float
    achieved: float | None
    # The share of the way from the baseline to the target covered, in per cent (None when nothing was
    # measured or the target is the baseline).
    progress: float | None
    status: str
    status_text: str
    # Whether the value counts people (small values are not shown to donors).
    counts_people: bool = False
    work_package: int | None = None
    # For a count of events (a metric measured over a period): the events in the report's period
    # alone; `achieved` is then the cumulative figure since the grant's first day. None otherwise.
    in_period: float | None = None
    # Staff's explanation for an indicator that is behind or at risk ("" when none was written).
    explanation: str = ""


@dataclass(frozen=True)
class ActivityLine:
    """An activity planned in, or carried out during, the period; its status as it stood on the
    period's last day."""

    title: str
    kind: str
    kind_text: str
    status: str
    status_text: str
    work_package: int | None
    planned_start: str
    planned_end: str | None
    actual_start: str | None
    actual_end: str | None
    # Linked roundtables and training events held in the period (their codes appear in the annexes),
    # and since the grant's first day up to the period's end.
    roundtables: int
    training_events: int
    other_events: int
    roundtables_cumulative: int = 0
    training_events_cumulative: int = 0
    roundtable_codes: tuple[str, ...] = ()
    training_event_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeliverableLine:
    """A deliverable due or submitted in the period; its status on the period's last day."""

    code: str
    title: str
    work_package: int | None
    due_on: str
    submitted_on: str | None
    status: str
    status_text: str
    dissemination: str
    dissemination_text: str


@dataclass(frozen=True)
class MilestoneLine:
    """A milestone due or achieved in the period; `achieved_on` only when it was reached by the period's end."""

    code: str
    title: str
    work_package: int | None
    due_on: str
    achieved_on: str | None
    verification: str
    # MILESTONE_STATUSES: achieved, late (due in the period, not reached by its end), upcoming.
    status: str = ""
    status_text: str = ""


@dataclass(frozen=True)
class RiskLine:
    description: str
    work_package: int | None
    likelihood: str
    likelihood_text: str
    impact: str
    impact_text: str
    mitigation: str
    status: str
    status_text: str


@dataclass(frozen=True)
class BudgetLineRow:
    """A budget line: the whole grant's planned amount and what was spent up to the period's end
    (cumulative), and the period's own planned and actual amounts (None when not entered)."""

    category: str
    category_text: str
    description: str
    planned: float
    actual: float
    # Cumulative actual as a percentage of the grant's planned amount (None when nothing was planned).
    execution: float | None
    period_planned: float | None = None
    period_actual: float | None = None
    # Period actual minus period planned, and as a percentage of period planned.
    period_variance: float | None = None
    period_variance_share: float | None = None
    variance_justification: str = ""


@dataclass(frozen=True)
class WorkPackageNarrativeLine:
    """Staff's narrative for one work package in the period. `work_done` is limited rich text: HTML
    with <p>, <b>, <i>, <ul>/<ol> and <li> only (`reports.donor.narrative.clean_rich_text`)."""

    number: int
    title: str
    work_done: str
    deviations: str
    corrective_measures: str


@dataclass(frozen=True)
class Count:
    """One cell of a breakdown: a key, its label and the count (None when hidden: `hidden` says why)."""

    key: str
    label: str
    count: int | None
    hidden: str = ""


@dataclass(frozen=True)
class RoundtableAnnexLine:
    code: str
    title: str
    date: str
    country: str
    # Distinct organisations invited, by sector, and how many of them attended (organisations: never hidden).
    participants_by_sector: tuple[Count, ...]
    invited: int | None
    attended: int | None


@dataclass(frozen=True)
class TrainingAnnexLine:
    code: str
    title: str
    course_kind: str
    course_kind_text: str
    starts_on: str
    ends_on: str
    country: str
    online: bool
    # People who completed the training, by participant type and by country.
    by_participant_type: tuple[Count, ...]
    by_country: tuple[Count, ...]
    people_trained: int | None
    people_trained_hidden: str = ""


@dataclass(frozen=True)
class CandidateStageLine:
    stage: str
    stage_text: str
    # Candidate hotlines (organisations: never hidden).
    count: int | None
    # Only organisations that consented to their name in reports (network.Organisation.publish_name_consent).
    names: tuple[str, ...]


@dataclass(frozen=True)
class DonorReportData:
    schema_version: int
    # The grant.
    grant_code: str
    grant_title: str
    programme: str
    call_identifier: str
    agreement_number: str
    grant_kind: str
    grant_kind_text: str
    grant_starts_on: str
    grant_ends_on: str
    amount: float
    currency: str
    cofunding_rate: float
    countries: tuple[str, ...]
    donor_name: str
    beneficiary: str
    # The report.
    period_start: str
    period_end: str
    version: int
    generated_on: str
    language: str
    summary: str
    objectives: str
    work_packages: tuple[WorkPackageLine, ...] = ()
    indicators: tuple[IndicatorLine, ...] = ()
    activities: tuple[ActivityLine, ...] = ()
    deliverables: tuple[DeliverableLine, ...] = ()
    milestones: tuple[MilestoneLine, ...] = ()
    risks: tuple[RiskLine, ...] = ()
    budget_lines: tuple[BudgetLineRow, ...] = ()
    budget_planned: float = 0.0
    budget_actual: float = 0.0
    budget_execution: float | None = None
    # Annexes.
    roundtables: tuple[RoundtableAnnexLine, ...] = ()
    trainings: tuple[TrainingAnnexLine, ...] = ()
    candidates_by_stage: tuple[CandidateStageLine, ...] = ()
    small_count_threshold: int = 5
    # When the live data was read (ISO date and time, UTC, to the minute): the cover's "data as of".
    data_as_of: str = ""
    # The period had not ended when the data was read: the cover says "interim".
    interim: bool = False
    # The donor's profile (PROFILE_EU or PROFILE_GENERIC) and the texts it puts on the cover and in
    # the footer: for the EU the statement, the disclaimer naming the granting authority; for another
    # donor its acknowledgement and logo (a PNG, base64; "" when none).
    profile: str = ""
    funding_statement: str = ""
    disclaimer: str = ""
    acknowledgement: str = ""
    logo_png: str = ""
    # Narrative written by staff for the period.
    work_package_narratives: tuple[WorkPackageNarrativeLine, ...] = ()
    ethics: str = ""
    dissemination: str = ""
    conclusions: str = ""
    # Who a donor contacts about the report (printed under the declaration).
    report_contact: str = ""
    # The period's budget totals (None when no period amounts were entered).
    budget_period_planned: float | None = None
    budget_period_actual: float | None = None
    budget_period_variance_share: float | None = None
    budget_variance_threshold: int = 15


# -- JSON ----------------------------------------------------------------------------------------
def to_json(data: DonorReportData) -> dict[str, Any]:
    """The data as JSON-native values (dicts, lists, str, int, float, bool, None)."""
    return _dump(data)


def from_json(payload: dict[str, Any]) -> DonorReportData:
    """The data back from `to_json`'s output (after any JSON round trip): equal to the original. Data of
    an older schema version is read as the current one (`_UPGRADES`)."""
    version = payload.get("schema_version")
    while version != SCHEMA_VERSION and version in _UPGRADES:
        payload = {**_UPGRADES[version](payload), "schema_version": version + 1}
        version += 1
    if version != SCHEMA_VERSION:
        raise ValueError(f"Donor report data of schema version {version!r}; this code reads {SCHEMA_VERSION}.")
    return _load(DonorReportData, payload)


def _from_version_1(payload: dict[str, Any]) -> dict[str, Any]:
    """Version 1 had "% of target" and no scope: its indicators measured the grant's coverage, their
    values were not hidden, and a hidden annex count was always a small one."""

    def indicator(row: dict[str, Any]) -> dict[str, Any]:
        row = {key: value for key, value in row.items() if key != "percentage"}
        baseline, target, achieved = row.get("baseline", 0.0), row.get("target", 0.0), row.get("achieved")
        progress = None
        if achieved is not None and target != baseline:
            progress = round(100 * (achieved - baseline) / (target - baseline), 1)
        return {
            **row,
            "scope": "grant",
            "scope_text": "",
            "baseline_on": None,
            "baseline_note": "",
            "progress": progress,
            "counts_people": False,
        }

    def counts(cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**cell, "hidden": SMALL if cell.get("count") is None else ""} for cell in cells]

    def training(line: dict[str, Any]) -> dict[str, Any]:
        return {
            **line,
            "by_participant_type": counts(line.get("by_participant_type", [])),
            "by_country": counts(line.get("by_country", [])),
            "people_trained_hidden": SMALL if line.get("people_trained") is None else "",
        }

    def roundtable(line: dict[str, Any]) -> dict[str, Any]:
        return {**line, "participants_by_sector": counts(line.get("participants_by_sector", []))}

    return {
        **payload,
        "indicators": [indicator(row) for row in payload.get("indicators", [])],
        "trainings": [training(line) for line in payload.get("trainings", [])],
        "roundtables": [roundtable(line) for line in payload.get("roundtables", [])],
    }


def _from_version_2(payload: dict[str, Any]) -> dict[str, Any]:
    """Version 2 counted an activity's events over all time and had no narrative, profile or budget
    by period: the new fields take their defaults (an old report keeps what it said)."""
    return payload


# schema version -> the function that turns its payload into the next version's.
_UPGRADES: dict[int, Any] = {1: _from_version_1, 2: _from_version_2}


@dataclass(frozen=True)
class ShownIndicator:
    """An indicator's values as donors see them: a count of people from 1 to the threshold minus one
    is hidden (SMALL), and its progress with it (SUPPRESSED: it would give the hidden value away)."""

    baseline: float | None
    baseline_hidden: str
    achieved: float | None
    achieved_hidden: str
    progress: float | None
    progress_hidden: str


def shown_indicator(line: IndicatorLine, threshold: int) -> ShownIndicator:
    def small(value: float | None) -> bool:
        return line.counts_people and value is not None and 0 < value < threshold

    baseline_small, achieved_small = small(line.baseline), small(line.achieved)
    return ShownIndicator(
        baseline=None if baseline_small else line.baseline,
        baseline_hidden=SMALL if baseline_small else "",
        achieved=None if achieved_small else line.achieved,
        achieved_hidden=SMALL if achieved_small else "",
        progress=None if baseline_small or achieved_small else line.progress,
        progress_hidden=SUPPRESSED if (baseline_small or achieved_small) and line.progress is not None else "",
    )


def consistency_problems(data: DonorReportData) -> list[str]:
    """Where two sections of the report disagree (empty when none): every event an activity counts in
    the period is in the annexes, budget totals are the sums of their lines, nothing is marked done
    after the period's end. Plain English: these are for staff, in the generation's error."""
    problems: list[str] = []
    end = data.period_end
    annex_roundtables = {line.code for line in data.roundtables}
    annex_trainings = {line.code for line in data.trainings}
    for activity in data.activities:
        if activity.roundtables != len(activity.roundtable_codes):
            problems.append(
                f"Activity {activity.title!r} counts {activity.roundtables} roundtables in the period "
                f"but lists {len(activity.roundtable_codes)}."
            )
        if activity.training_events != len(activity.training_event_codes):
            problems.append(
                f"Activity {activity.title!r} counts {activity.training_events} training events in the "
                f"period but lists {len(activity.training_event_codes)}."
            )
        for code in sorted(set(activity.roundtable_codes) - annex_roundtables):
            problems.append(f"Activity {activity.title!r} counts roundtable {code} in the period; Annex A does not.")
        for code in sorted(set(activity.training_event_codes) - annex_trainings):
            problems.append(f"Activity {activity.title!r} counts training {code} in the period; Annex B does not.")
        if activity.roundtables > activity.roundtables_cumulative:
            problems.append(f"Activity {activity.title!r} has more roundtables in the period than since the start.")
        if activity.training_events > activity.training_events_cumulative:
            problems.append(f"Activity {activity.title!r} has more trainings in the period than since the start.")
    for indicator in data.indicators:
        if (
            indicator.in_period is not None
            and indicator.achieved is not None
            and indicator.in_period > indicator.achieved
        ):
            problems.append(f"Indicator {indicator.code} counts more in the period than since the start.")
    for milestone in data.milestones:
        if milestone.achieved_on and milestone.achieved_on > end:
            problems.append(
                f"Milestone {milestone.code} is marked achieved on {milestone.achieved_on}, after the period."
            )
        if (milestone.status == MILESTONE_ACHIEVED) != bool(milestone.achieved_on):
            problems.append(f"Milestone {milestone.code}'s status and achievement date disagree.")
    for deliverable in data.deliverables:
        if deliverable.submitted_on and deliverable.submitted_on > end:
            problems.append(
                f"Deliverable {deliverable.code} is marked submitted on {deliverable.submitted_on}, after the period."
            )
    lines = data.budget_lines
    if lines:
        if round(sum(line.planned for line in lines), 2) != round(data.budget_planned, 2):
            problems.append("The budget's planned total is not the sum of its lines.")
        if round(sum(line.actual for line in lines), 2) != round(data.budget_actual, 2):
            problems.append("The budget's cumulative actual is not the sum of its lines.")
        period_planned = [line.period_planned for line in lines if line.period_planned is not None]
        if data.budget_period_planned is not None and round(sum(period_planned), 2) != round(
            data.budget_period_planned, 2
        ):
            problems.append("The period's planned budget is not the sum of its lines.")
        period_actual = [line.period_actual for line in lines if line.period_actual is not None]
        if data.budget_period_actual is not None and round(sum(period_actual), 2) != round(
            data.budget_period_actual, 2
        ):
            problems.append("The period's actual spending is not the sum of its lines.")
        for line in lines:
            if line.period_actual is not None and line.period_actual > line.actual + 0.005:
                problems.append(
                    f"Budget line {line.category_text} {line.description!r} spent more in the period "
                    "than since the start."
                )
    if data.interim and data.period_end < data.data_as_of[:10]:
        problems.append("The report is marked interim, but its period had ended when the data was read.")
    return problems


def _dump(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: _dump(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_dump(item) for item in value]
    return value


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _load(hint: Any, value: Any) -> Any:
    if dataclasses.is_dataclass(hint):
        if not isinstance(value, dict):
            raise ValueError(f"Expected an object for {hint.__name__}, got {value!r}.")
        hints = _hints(hint)
        known = {field.name for field in dataclasses.fields(hint)}
        unknown = set(value) - known
        if unknown:
            raise ValueError(f"Unknown fields for {hint.__name__}: {', '.join(sorted(unknown))}.")
        return hint(**{name: _load(hints[name], item) for name, item in value.items()})
    origin = typing.get_origin(hint)
    if origin is tuple:
        (item_hint, _ellipsis) = typing.get_args(hint)
        return tuple(_load(item_hint, item) for item in value)
    if origin is types.UnionType or origin is typing.Union:
        options = typing.get_args(hint)
        if value is None and type(None) in options:
            return None
        (inner,) = [option for option in options if option is not type(None)]
        return _load(inner, value)
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value
