"""The aggregations' shared vocabulary (equal to `network.models.Hotline` and friends; a test keeps
them equal), helpers for periods and scopes, and the pure forms of the rules that are also QuerySet
methods (`tests/reports/test_rule_parity.py` runs both forms on the same rows)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import pandas as pd

from reports.scope import Period, Scope

# -- Vocabulary (equal to network.models.Hotline and friends; checked by a test) ---------------
TRACK: tuple[str, ...] = (
    "identified",
    "exploring",
    "feasibility_review",
    "stakeholder_engagement",
    "operational_preparation",
    "application_submitted",
    "under_assessment",
    "changes_requested",
    "decision_pending",
    "provisional_member",
    "full_member",
)
CANDIDATE_STAGES: tuple[str, ...] = (*TRACK[:9], "on_hold")
MEMBER_STAGES: tuple[str, ...] = ("provisional_member", "full_member")
PROVISIONAL_MEMBER = "provisional_member"
FULL_MEMBER = "full_member"
EXPLORING = "exploring"
HELD = "held"
CANCELLED = "cancelled"
ATTENDED = "attended"
LE_MOU = "le_mou"
SIGNED = "signed"
TERMINATED = "terminated"
PENDING_AGREEMENT_STATUSES: tuple[str, ...] = ("draft", "negotiating")
COMPLETED = "completed"
QUERIED = "queried"
EXPIRY_WINDOW_DAYS = 90

DAY = pd.Timedelta(days=1)


# -- Helpers ------------------------------------------------------------------------------------
def reference_day(period: Period | None, today: date) -> date:
    """The day "on a day" figures are taken: the period's last day, or today."""
    return period.end if period else today


def _stamp(day: date) -> pd.Timestamp:
    return pd.Timestamp(day)


def _end_of(day: date) -> pd.Timestamp:
    """The first instant after `day` (datetimes before it fall on or before `day`)."""
    return pd.Timestamp(day) + DAY


def add_months(days: pd.Series, months: int) -> pd.Series:
    """The same day `months` later (the month's last day when it is shorter), for a whole column."""
    target = days.dt.to_period("M") + months
    first = target.dt.to_timestamp()
    day = days.dt.day.clip(upper=target.dt.days_in_month)
    return (first + pd.to_timedelta(day - 1, unit="D")).astype("datetime64[us]")


def in_scope(frame: pd.DataFrame, scope: Scope | None, *, prefix: str = "") -> pd.Series:
    """Rows whose country (read from `{prefix}country` etc.) is in the scope."""
    mask = pd.Series(True, index=frame.index)
    if scope is None:
        return mask
    if scope.regions or scope.countries:
        mask &= frame[f"{prefix}programme_region"].isin(scope.regions) | frame[f"{prefix}country"].isin(scope.countries)
    if scope.world_regions:
        mask &= frame[f"{prefix}world_region"].isin(scope.world_regions)
    if scope.grant is not None:
        mask &= frame[f"{prefix}country"].isin(scope.grant.countries)
    return mask


def _geography(scope: Scope) -> Scope:
    return Scope(scope.regions, scope.countries, scope.world_regions, None)


def events_in_scope(frame: pd.DataFrame, scope: Scope | None, *, column: str, kind: str) -> pd.Series:
    """Rows of events (roundtables or training events, or rows about them) in the scope. A grant whose
    activities link events of this `kind` ("roundtables", "training_events") counts the events it
    links, wherever they took place (within the regions chosen); a grant that links none counts the
    events in its countries. `column` holds the event's id."""
    linked = getattr(scope.grant, kind) if scope is not None and scope.grant is not None else None
    if linked is None:
        return in_scope(frame, scope)
    return in_scope(frame, _geography(scope)) & frame[column].isin(linked)


def dated_within(values: pd.Series, period: Period | None, today: date) -> pd.Series:
    """Dates (or datetimes) within the period, or up to the end of `today` without one."""
    if period is None:
        return values.notna() & (values < _end_of(today))
    return (values >= _stamp(period.start)) & (values < _end_of(period.end))


def _breakdown(counts: pd.Series, keys: Sequence[str]) -> dict[str, int]:
    found = {str(key): int(value) for key, value in counts.items()}
    result = {key: found.pop(key, 0) for key in keys}
    result.update({key: value for key, value in found.items() if value})
    return result


def _round(value: float | None, digits: int = 1) -> float | None:
    if value is None or pd.isna(value):
        return None
    return round(float(value), digits)


# -- One home per rule: the pure forms -----------------------------------------------------------
# Each rule below is also a QuerySet method on its model (named beside it); tests/reports/
# test_rule_parity.py runs both forms on the same rows and fails when they disagree.
def working_on(started: pd.Series, ended: pd.Series, day: date) -> pd.Series:
    """Analysts working on `day`: started by then (or no start recorded) and not yet ended
    (`Analyst.objects.working_on(day)`)."""
    stamp = _stamp(day)
    return (started.isna() | (started <= stamp)) & (ended.isna() | (ended >= stamp))


def certificate_valid_on(certified_on: pd.Series, expires_on: pd.Series, day: date) -> pd.Series:
    """Certificates issued by `day` and not expired before it (`TrainingParticipation.objects.
    certificates_valid(on=day)`, which also requires the analyst to be working that day)."""
    stamp = _stamp(day)
    return certified_on.notna() & (certified_on <= stamp) & (expires_on.isna() | (expires_on >= stamp))


def expires_within(expires_on: pd.Series, day: date, days: int) -> pd.Series:
    """Dates from `day` to `day + days` inclusive (`certificates_expiring`, `Agreement.objects.expiring`)."""
    return expires_on.notna() & (expires_on >= _stamp(day)) & (expires_on <= _stamp(day + timedelta(days=days)))


def in_force_on(status: pd.Series, signed_on: pd.Series, expires_on: pd.Series, day: date) -> pd.Series:
    """Agreements in force on `day`: signed by then and not expired (`Agreement.objects.in_force(day)`)."""
    stamp = _stamp(day)
    return (status == SIGNED) & (signed_on <= stamp) & (expires_on.isna() | (expires_on >= stamp))
