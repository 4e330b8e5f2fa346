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
- `generated_on` is given by the caller, never read from the clock by the builder.

Bump `SCHEMA_VERSION` when a field changes meaning or shape, and teach `from_json` to read the older
versions still stored (`_UPGRADES`): a published report's data is never rewritten.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from typing import Any

SCHEMA_VERSION = 2

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


@dataclass(frozen=True)
class ActivityLine:
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
    roundtables: int
    training_events: int
    other_events: int


@dataclass(frozen=True)
class DeliverableLine:
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
    code: str
    title: str
    work_package: int | None
    due_on: str
    achieved_on: str | None
    verification: str


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
    category: str
    category_text: str
    description: str
    planned: float
    actual: float
    # Actual as a percentage of planned (None when nothing was planned).
    execution: float | None


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


# schema version -> the function that turns its payload into the next version's.
_UPGRADES: dict[int, Any] = {1: _from_version_1}


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
