"""Roundtables and agreements: roundtables held, stakeholder coverage by sector, memoranda of
understanding signed, pending, in force and expiring."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd

from reports.aggregations.common import (
    ATTENDED,
    CANCELLED,
    CANDIDATE_STAGES,
    EXPIRY_WINDOW_DAYS,
    HELD,
    LE_MOU,
    PENDING_AGREEMENT_STATUSES,
    SIGNED,
    TERMINATED,
    _breakdown,
    _end_of,
    _stamp,
    dated_within,
    events_in_scope,
    expires_within,
    in_force_on,
    in_scope,
    reference_day,
)
from reports.aggregations.membership import stages_on
from reports.scope import Period, Scope


# -- Roundtables and agreements -----------------------------------------------------------------
def held_roundtables(
    roundtables: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> pd.DataFrame:
    mask = (roundtables["status"] == HELD) & events_in_scope(
        roundtables, scope, column="roundtable_id", kind="roundtables"
    )
    if period is not None:
        mask &= dated_within(roundtables["starts_at"], period, today)
    return roundtables[mask]


def roundtables_held_count(
    roundtables: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> int:
    return len(held_roundtables(roundtables, period=period, scope=scope, today=today))


def roundtables_by_year(
    roundtables: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> pd.DataFrame:
    """Roundtables held, and planned (not cancelled, not yet held), per year of their date."""
    mask = events_in_scope(roundtables, scope, column="roundtable_id", kind="roundtables") & (
        roundtables["status"] != CANCELLED
    )
    if period is not None:
        mask &= (roundtables["starts_at"] >= _stamp(period.start)) & (roundtables["starts_at"] < _end_of(period.end))
    chosen = roundtables[mask]
    table = pd.crosstab(chosen["starts_at"].dt.year, chosen["status"]) if len(chosen) else pd.DataFrame()
    table = table.reindex(columns=[HELD, "planned"], fill_value=0)
    return pd.DataFrame(
        {
            "year": table.index.astype(int),
            "held": table[HELD].to_numpy().astype(int),
            "planned": table["planned"].to_numpy().astype(int),
        }
    )


def _attended_at_held(
    participants: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> pd.DataFrame:
    mask = (
        (participants["roundtable_status"] == HELD)
        & (participants["status"] == ATTENDED)
        & events_in_scope(participants, scope, column="roundtable_id", kind="roundtables")
    )
    if period is not None:
        mask &= dated_within(participants["starts_at"], period, today)
    return participants[mask]


def roundtable_sector_coverage(
    participants: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date, sectors: Sequence[str]
) -> dict[str, int]:
    """Held roundtables attended by at least one organisation of each sector."""
    attended = _attended_at_held(participants, period=period, scope=scope, today=today)
    return _breakdown(attended.groupby("sector")["roundtable_id"].nunique(), sectors)


COVERAGE_LEVELS: tuple[str, ...] = ("", "invited", "attended", "committed", "agreement_signed")
COVERAGE_STATUSES: tuple[str, ...] = COVERAGE_LEVELS[1:]
COVERAGE_CELL_COLUMNS: tuple[str, ...] = ("country", "sector", *COVERAGE_STATUSES)


def coverage_countries(
    roundtables: pd.DataFrame,
    agreement_parties: pd.DataFrame,
    hotlines: pd.DataFrame,
    stage_changes: pd.DataFrame,
    *,
    day: date,
    today: date,
    scope: Scope | None,
) -> pd.DataFrame:
    """The rows of the stakeholder coverage matrix on `day`: countries with a roundtable (not
    cancelled; held or planned by that day, any date for today), an agreement in force that day, or
    a candidate in the lifecycle that day (`onboarding.selectors.coverage`, tested for parity)."""
    held = _coverage_roundtables(roundtables, day=day, today=today, scope=scope)
    signed = _coverage_agreements(agreement_parties, day=day, scope=scope)
    stages = stages_on(hotlines, stage_changes, day=day, today=today).to_numpy()
    candidates = hotlines[pd.Series(stages, index=hotlines.index).isin(CANDIDATE_STAGES) & in_scope(hotlines, scope)]
    columns = ["country", "country_name"]
    countries = pd.concat([held[columns], signed[columns], candidates[columns]], ignore_index=True)
    return countries.drop_duplicates("country").sort_values("country_name", ignore_index=True)


def _coverage_roundtables(roundtables: pd.DataFrame, *, day: date, today: date, scope: Scope | None) -> pd.DataFrame:
    mask = (roundtables["status"] != CANCELLED) & events_in_scope(
        roundtables, scope, column="roundtable_id", kind="roundtables"
    )
    if day < today:
        mask &= roundtables["starts_at"] < _end_of(day)
    return roundtables[mask]


def _coverage_agreements(agreement_parties: pd.DataFrame, *, day: date, scope: Scope | None) -> pd.DataFrame:
    in_force = in_force_on(
        agreement_parties["agreement_status"], agreement_parties["signed_on"], agreement_parties["expires_on"], day
    )
    return agreement_parties[in_force & in_scope(agreement_parties, scope)]


def coverage_cells(
    roundtables: pd.DataFrame,
    participants: pd.DataFrame,
    agreement_parties: pd.DataFrame,
    *,
    day: date,
    today: date,
    scope: Scope | None,
) -> pd.DataFrame:
    """Country x sector: how many distinct organisations of the sector were invited to, attended or
    committed at the country's roundtables (as in `coverage_countries`), and are party to an agreement
    in force there on `day`. One row per country and sector with any of them."""
    held = _coverage_roundtables(roundtables, day=day, today=today, scope=scope)
    invited = participants[participants["roundtable_id"].isin(held["roundtable_id"])]
    signed = _coverage_agreements(agreement_parties, day=day, scope=scope)
    parts = [
        invited.assign(status_name="invited"),
        invited[invited["status"] == ATTENDED].assign(status_name="attended"),
        invited[invited["committed"]].assign(status_name="committed"),
        signed.assign(status_name="agreement_signed"),
    ]
    rows = pd.concat(
        [part[["country", "sector", "organisation_id", "status_name"]] for part in parts], ignore_index=True
    )
    if not len(rows):
        return pd.DataFrame(columns=list(COVERAGE_CELL_COLUMNS))
    counts = rows.groupby(["country", "sector", "status_name"])["organisation_id"].nunique().unstack(fill_value=0)
    counts = counts.reindex(columns=list(COVERAGE_STATUSES), fill_value=0).astype(int).reset_index()
    counts.columns.name = None
    return counts[list(COVERAGE_CELL_COLUMNS)]


def coverage_level(cells: pd.DataFrame) -> pd.Series:
    """The furthest status reached in each cell (the index in `COVERAGE_LEVELS`, 0 for none)."""
    level = pd.Series(0, index=cells.index)
    for index, status in enumerate(COVERAGE_STATUSES, start=1):
        level[cells[status] > 0] = index
    return level


def coverage_matrix(
    roundtables: pd.DataFrame,
    participants: pd.DataFrame,
    agreement_parties: pd.DataFrame,
    hotlines: pd.DataFrame,
    stage_changes: pd.DataFrame,
    *,
    period: Period | None,
    scope: Scope | None,
    today: date,
    sectors: Sequence[str],
) -> pd.DataFrame:
    """Country (`coverage_countries`) x sector: the furthest status any organisation of the sector had
    reached on the day (today, or the period's last day): the index of `COVERAGE_LEVELS` (0 none,
    1 invited, 2 attended, 3 committed, 4 party to an agreement in force)."""
    day = reference_day(period, today)
    countries = coverage_countries(
        roundtables, agreement_parties, hotlines, stage_changes, day=day, today=today, scope=scope
    )
    cells = coverage_cells(roundtables, participants, agreement_parties, day=day, today=today, scope=scope)
    wide = (
        cells.assign(level=coverage_level(cells)).pivot_table(
            index="country", columns="sector", values="level", aggfunc="max"
        )
        if len(cells)
        else pd.DataFrame()
    )
    wide = wide.reindex(index=countries["country"].to_numpy(), columns=list(sectors)).fillna(0).astype(int)
    wide.columns.name = None
    wide.index.name = "country"
    wide = wide.reset_index()
    wide.insert(1, "country_name", countries["country_name"].to_numpy())
    return wide


def _mous(agreements: pd.DataFrame, scope: Scope | None) -> pd.DataFrame:
    return agreements[(agreements["kind"] == LE_MOU) & in_scope(agreements, scope)]


def mous_signed_count(agreements: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date) -> int:
    mous = _mous(agreements, scope)
    return int(dated_within(mous["signed_on"], period, today).sum())


def _pending_on(mous: pd.DataFrame, day: date) -> pd.Series:
    cutoff = _end_of(day)
    recorded = mous["created_at"] < cutoff
    open_now = mous["status"].isin(PENDING_AGREEMENT_STATUSES)
    signed_later = mous["status"].isin((SIGNED, TERMINATED)) & (mous["signed_on"] >= cutoff)
    return recorded & (open_now | signed_later)


def mous_pending_count(agreements: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date) -> int:
    mous = _mous(agreements, scope)
    return int(_pending_on(mous, reference_day(period, today)).sum())


def _in_force_on(agreements: pd.DataFrame, day: date) -> pd.Series:
    return in_force_on(agreements["status"], agreements["signed_on"], agreements["expires_on"], day)


def _expiring_on(agreements: pd.DataFrame, day: date, days: int = EXPIRY_WINDOW_DAYS) -> pd.Series:
    """In force on `day` and expiring within `days` days (`Agreement.objects.expiring`)."""
    return _in_force_on(agreements, day) & expires_within(agreements["expires_on"], day, days)


def mous_expiring_count(agreements: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date) -> int:
    mous = _mous(agreements, scope)
    return int(_expiring_on(mous, reference_day(period, today)).sum())


def mous_by_country(
    agreements: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> pd.DataFrame:
    """Law-enforcement MoUs per country: in force, pending and expiring within 90 days on the day,
    and signed in the period."""
    mous = _mous(agreements, scope)
    day = reference_day(period, today)
    flags = pd.DataFrame(
        {
            "country": mous["country_name"],
            "in_force": _in_force_on(mous, day),
            "pending": _pending_on(mous, day),
            "expiring": _expiring_on(mous, day),
            "signed_in_period": dated_within(mous["signed_on"], period, today),
        }
    )
    table = flags.groupby("country", sort=True)[["in_force", "pending", "expiring", "signed_in_period"]].sum()
    table = table[table.sum(axis=1) > 0].astype(int).reset_index()
    return table[["country", "signed_in_period", "in_force", "pending", "expiring"]]
