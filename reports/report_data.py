"""The frozen data of one donor report: everything the PDF shows, and nothing it has to look up.

`reports.selectors.donor_report_data(...)` builds a `DonorReportData` from the live records;
`reports.pdf.build_donor_report(data)` renders it. The data is what a report version keeps: it is
stored as JSON (`to_json`) with the PDF, and `from_json` gives back an equal object, so the PDF can
be rendered again, byte for byte, long after the live records have changed.

Invariants:

- Plain values only: text, ints, floats, None and tuples of line dataclasses. Dates are ISO strings
  ("2025-01-31"); choice fields carry their key and the label in the report's language (the label
  is frozen too, so a later translation change does not change an old report).
- Small counts are already suppressed here: a count from 1 to `small_count_threshold - 1` in the
  annexes' breakdowns is `None` (shown as "fewer than 5"), and, where a row shows a total, a
  second cell is suppressed with it so the first cannot be worked out by subtraction.
  Indicator values, budgets and the counts of whole-report events are not suppressed: they are
  programme figures, not groups of people or organisations.
- `generated_on` is given by the caller, never read from the clock by the builder.

Bump `SCHEMA_VERSION` when a field changes meaning or shape; `from_json` refuses other versions.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from typing import Any

SCHEMA_VERSION = 1

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
    baseline: float
    target: float
    achieved: float | None
    # Achieved as a percentage of the target (None when the target is 0 or nothing was measured).
    percentage: float | None
    status: str
    status_text: str
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
    """One cell of a breakdown: a key, its label and the count (None: suppressed, a small count)."""

    key: str
    label: str
    count: int | None


@dataclass(frozen=True)
class RoundtableAnnexLine:
    code: str
    title: str
    date: str
    country: str
    # Organisations invited, by sector, and how many of them attended.
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


@dataclass(frozen=True)
class CandidateStageLine:
    stage: str
    stage_text: str
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
    """The data back from `to_json`'s output (after any JSON round trip): equal to the original."""
    version = payload.get("schema_version")
    if version != SCHEMA_VERSION:
        raise ValueError(f"Donor report data of schema version {version!r}; this code reads {SCHEMA_VERSION}.")
    return _load(DonorReportData, payload)


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
