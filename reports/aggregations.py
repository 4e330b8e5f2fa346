"""Indicators and dashboard tables computed from the selectors' frames. Pure pandas: no Django.

Every function takes the frames it needs (columns as declared in `reports.selectors`), a
`period` (`Period` or None) and a `scope` (`Scope` or None), plus the day (`today`) or instant
(`now`) it is computed on, and returns a number, a breakdown (`dict`) or a DataFrame with fixed
columns. Nothing here reads the clock or the database, so the same frames always give the same
answer.

Conventions:
- "On a day" figures (members, analysts, certificates valid) use the period's last day, or
  `today` without a period. "In a period" figures (new members, roundtables held, people trained)
  count events dated within the period, or every event up to `today` without one.
- Scope is applied to the geography columns of each frame (`country`, `programme_region`,
  `world_region`): a hotline's home country, an activity's country, a participant's country.
- The lifecycle vocabulary below is the one of `network.models.Hotline` (a test keeps them equal).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import pandas as pd

from reports import report_data
from reports.scope import GrantCoverage, Period, Scope

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


def _in_activities(frame: pd.DataFrame, column: str, ids: frozenset[int] | None) -> pd.Series:
    if ids is None:
        return pd.Series(True, index=frame.index)
    return frame[column].isin(ids)


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


# -- Hotlines and membership --------------------------------------------------------------------
def members(hotlines: pd.DataFrame, *, period: Period | None) -> pd.Series:
    """Members today, or (for a period) members today that had joined by its last day."""
    mask = hotlines["stage"].isin(MEMBER_STAGES)
    if period is not None:
        mask &= hotlines["joined_on"] < _end_of(period.end)
    return mask


def member_count(hotlines: pd.DataFrame, *, period: Period | None, scope: Scope | None) -> int:
    return int((members(hotlines, period=period) & in_scope(hotlines, scope)).sum())


def full_member_count(hotlines: pd.DataFrame, *, period: Period | None, scope: Scope | None) -> int:
    mask = members(hotlines, period=period) & in_scope(hotlines, scope) & (hotlines["stage"] == FULL_MEMBER)
    if period is not None:
        mask &= hotlines["full_member_on"] < _end_of(period.end)
    return int(mask.sum())


def new_member_count(hotlines: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date) -> int:
    """Members that joined in the period (by default, this calendar year so far)."""
    period = period or Period(date(today.year, 1, 1), today)
    mask = hotlines["stage"].isin(MEMBER_STAGES) & dated_within(hotlines["joined_on"], period, today)
    return int((mask & in_scope(hotlines, scope)).sum())


def members_by_region(
    hotlines: pd.DataFrame, *, period: Period | None, scope: Scope | None, regions: Sequence[str]
) -> dict[str, int]:
    chosen = hotlines[members(hotlines, period=period) & in_scope(hotlines, scope)]
    counts = chosen["programme_region"].replace("", "unassigned").value_counts()
    return _breakdown(counts, regions)


def covered_countries(hotline_countries: pd.DataFrame, *, period: Period | None, scope: Scope | None) -> pd.DataFrame:
    """Countries where the public can report to a member hotline: homes and countries served, once each."""
    chosen = hotline_countries[members(hotline_countries, period=period)]
    geography = ["country", "country_name", "programme_region", "world_region"]
    served = chosen[[f"served_{name}" for name in geography]].set_axis(geography, axis=1)
    served = served[served["country"] != ""]
    countries = pd.concat([chosen[geography], served], ignore_index=True).drop_duplicates("country")
    return countries[in_scope(countries, scope)].sort_values("country_name").reset_index(drop=True)


def countries_covered_count(hotline_countries: pd.DataFrame, *, period: Period | None, scope: Scope | None) -> int:
    return len(covered_countries(hotline_countries, period=period, scope=scope))


def stages_on(hotlines: pd.DataFrame, stage_changes: pd.DataFrame, *, day: date, today: date) -> pd.Series:
    """Each hotline's stage on `day` (indexed by hotline id; "" before it entered the lifecycle).

    Today and later: the current stage. Before: the stage entered by the last change up to that
    day; else the stage the first later change left, when the hotline existed then; a hotline
    without any recorded change keeps its current stage from its creation on.
    """
    stages = pd.Series(hotlines["stage"].to_numpy(), index=hotlines["hotline_id"].to_numpy(), dtype=object)
    if day >= today:
        return stages
    cutoff = _end_of(day)
    created = pd.Series((hotlines["created_at"] < cutoff).to_numpy(), index=stages.index)
    result = pd.Series("", index=stages.index, dtype=object)
    with_history = stages.index.isin(stage_changes["hotline_id"].dropna().to_numpy())
    without = ~with_history & created.to_numpy()
    result[without] = stages[without]
    later = stage_changes[stage_changes["changed_at"] >= cutoff]
    first_later = later.groupby("hotline_id")["from_stage"].first()
    first_later = first_later[(first_later != "") & first_later.index.isin(created[created].index)]
    result.loc[first_later.index] = first_later.to_numpy()
    earlier = stage_changes[stage_changes["changed_at"] < cutoff]
    last_earlier = earlier.groupby("hotline_id")["to_stage"].last()
    last_earlier = last_earlier[last_earlier.index.isin(result.index)]
    result.loc[last_earlier.index] = last_earlier.to_numpy()
    return result


def hotlines_by_stage(
    hotlines: pd.DataFrame,
    stage_changes: pd.DataFrame,
    *,
    period: Period | None,
    scope: Scope | None,
    today: date,
    stages: Sequence[str],
) -> dict[str, int]:
    day = reference_day(period, today)
    on_day = stages_on(hotlines, stage_changes, day=day, today=today)
    scoped = in_scope(hotlines, scope).to_numpy()
    chosen = on_day[scoped]
    return _breakdown(chosen[chosen != ""].value_counts(), stages)


def active_candidate_count(
    hotlines: pd.DataFrame, stage_changes: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> int:
    by_stage = hotlines_by_stage(
        hotlines, stage_changes, period=period, scope=scope, today=today, stages=CANDIDATE_STAGES
    )
    return sum(by_stage.get(stage, 0) for stage in CANDIDATE_STAGES)


def stage_region_table(
    hotlines: pd.DataFrame,
    stage_changes: pd.DataFrame,
    *,
    period: Period | None,
    scope: Scope | None,
    today: date,
    stages: Sequence[str],
    regions: Sequence[str],
) -> pd.DataFrame:
    """Hotlines on the day by programme region (rows) and stage (columns, only stages with hotlines)."""
    day = reference_day(period, today)
    on_day = stages_on(hotlines, stage_changes, day=day, today=today).to_numpy()
    frame = pd.DataFrame({"region": hotlines["programme_region"].replace("", "unassigned").to_numpy(), "stage": on_day})
    frame = frame[in_scope(hotlines, scope).to_numpy() & (on_day != "")]
    table = pd.crosstab(frame["region"], frame["stage"]) if len(frame) else pd.DataFrame()
    used = [stage for stage in stages if stage in table.columns]
    rows = [*regions, *(r for r in table.index if r not in regions)] if len(table) else list(regions)
    table = table.reindex(index=rows, columns=used, fill_value=0).astype(int)
    table.index.name = "region"
    return table.reset_index()


def new_members_by_year(
    hotlines: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> pd.DataFrame:
    """Members (today) by the year they joined, within the period (all years without one)."""
    mask = hotlines["stage"].isin(MEMBER_STAGES) & dated_within(hotlines["joined_on"], period, today)
    years = hotlines.loc[mask & in_scope(hotlines, scope), "joined_on"].dt.year
    counts = years.value_counts().sort_index()
    if len(counts):
        counts = counts.reindex(range(int(counts.index.min()), int(counts.index.max()) + 1), fill_value=0)
    return pd.DataFrame({"year": counts.index.astype(int), "new_members": counts.to_numpy().astype(int)})


def countries_by_region(
    hotline_countries: pd.DataFrame, *, period: Period | None, scope: Scope | None, regions: Sequence[str]
) -> pd.DataFrame:
    countries = covered_countries(hotline_countries, period=period, scope=scope)
    counts = _breakdown(countries["programme_region"].replace("", "unassigned").value_counts(), regions)
    return pd.DataFrame({"region": list(counts), "countries": list(counts.values())})


def coverage_gaps(
    country_assessments: pd.DataFrame,
    hotline_countries: pd.DataFrame,
    hotlines: pd.DataFrame,
    *,
    scope: Scope | None,
) -> pd.DataFrame:
    """Countries on the target list (latest assessment) that no member hotline covers today, with
    the furthest candidate there, if any."""
    targets = country_assessments[country_assessments["on_target_list"] & in_scope(country_assessments, scope)]
    covered = set(covered_countries(hotline_countries, period=None, scope=None)["country"])
    gaps = targets[~targets["country"].isin(covered)]
    candidates = hotlines[hotlines["stage"].isin(CANDIDATE_STAGES)]
    order = {stage: index for index, stage in enumerate(CANDIDATE_STAGES)}
    furthest: dict[str, str] = {}
    for country, stage in zip(candidates["country"], candidates["stage"], strict=True):
        if country not in furthest or order[stage] > order[furthest[country]]:
            furthest[country] = stage
    return pd.DataFrame(
        {
            "country": gaps["country_name"].to_numpy(),
            "region": gaps["programme_region"].to_numpy(),
            "rating": gaps["overall_rating"].to_numpy(),
            "candidate_stage": [furthest.get(code, "") for code in gaps["country"]],
        }
    ).sort_values(["region", "country"], ignore_index=True)


def coverage_gap_count(
    country_assessments: pd.DataFrame, hotline_countries: pd.DataFrame, hotlines: pd.DataFrame, *, scope: Scope | None
) -> int:
    gaps = coverage_gaps(country_assessments, hotline_countries, hotlines, scope=scope)
    return int((gaps["candidate_stage"] == "").sum())


# -- Lifecycle: stays, funnel, conversion -------------------------------------------------------
def stays(stage_changes: pd.DataFrame) -> pd.DataFrame:
    """Completed stays in a stage: (hotline_id, stage, entered_at, left_at, days)."""
    changes = stage_changes.sort_values(["hotline_id", "changed_at"], kind="stable")
    left_at = changes.groupby("hotline_id")["changed_at"].shift(-1)
    done = changes.assign(left_at=left_at)[left_at.notna()]
    return pd.DataFrame(
        {
            "hotline_id": done["hotline_id"].to_numpy(),
            "stage": done["to_stage"].to_numpy(),
            "entered_at": done["changed_at"].to_numpy(),
            "left_at": done["left_at"].to_numpy(),
            "days": (done["left_at"] - done["changed_at"]).dt.days.to_numpy(),
        }
    )


def _hotline_ids_in_scope(hotlines: pd.DataFrame, scope: Scope | None) -> pd.Series:
    return hotlines.loc[in_scope(hotlines, scope), "hotline_id"]


def median_days_in_stage(
    stage_changes: pd.DataFrame,
    hotlines: pd.DataFrame,
    *,
    period: Period | None,
    scope: Scope | None,
    today: date,
) -> dict[str, float | None]:
    """Median days of the completed stays in each stage of the track that ended in the period."""
    done = stays(stage_changes)
    done = done[
        done["hotline_id"].isin(_hotline_ids_in_scope(hotlines, scope)) & dated_within(done["left_at"], period, today)
    ]
    medians = done.groupby("stage")["days"].median()
    return {stage: _round(medians.get(stage)) for stage in TRACK[:-1]}


def time_in_stage_table(
    stage_changes: pd.DataFrame,
    hotlines: pd.DataFrame,
    *,
    period: Period | None,
    scope: Scope | None,
    today: date,
    now: pd.Timestamp,
    targets: Mapping[str, int],
) -> pd.DataFrame:
    """Per stage of the track (members excluded): target days, completed stays and their median,
    candidates in the stage now and their median days so far, and how many are over target."""
    ids = _hotline_ids_in_scope(hotlines, scope)
    done = stays(stage_changes)
    done = done[done["hotline_id"].isin(ids) & dated_within(done["left_at"], period, today)]
    current = hotlines[in_scope(hotlines, scope) & hotlines["stage"].isin(TRACK[:9])]
    current_days = ((now - current["stage_entered_at"]) // DAY).clip(lower=0)
    rows = []
    for stage in TRACK[:10]:
        target = targets.get(stage)
        completed_days = done.loc[done["stage"] == stage, "days"]
        running = current_days[(current["stage"] == stage).to_numpy()]
        rows.append(
            {
                "stage": stage,
                "target_days": target,
                "completed_stays": len(completed_days),
                "median_days_completed": _round(completed_days.median()) if len(completed_days) else None,
                "in_stage_now": len(running),
                "median_days_now": _round(running.median()) if len(running) else None,
                "over_target_now": int((running > target).sum()) if target is not None else 0,
            }
        )
    return pd.DataFrame(rows, columns=list(TIME_IN_STAGE_COLUMNS))


TIME_IN_STAGE_COLUMNS = (
    "stage",
    "target_days",
    "completed_stays",
    "median_days_completed",
    "in_stage_now",
    "median_days_now",
    "over_target_now",
)


def stalled_candidates(
    hotlines: pd.DataFrame, *, scope: Scope | None, now: pd.Timestamp, targets: Mapping[str, int]
) -> pd.DataFrame:
    """Candidates in a stage of the track longer than its target days, most overdue first (on hold
    has no target: its review date is followed up by reminders)."""
    candidates = hotlines[hotlines["stage"].isin(TRACK[:9]) & in_scope(hotlines, scope)]
    days = ((now - candidates["stage_entered_at"]) // DAY).clip(lower=0).astype(int)
    target = candidates["stage"].map(lambda stage: targets.get(stage)).astype("Float64")
    frame = pd.DataFrame(
        {
            "hotline_id": candidates["hotline_id"].to_numpy(),
            "brand_name": candidates["brand_name"].to_numpy(),
            "country": candidates["country_name"].to_numpy(),
            "stage": candidates["stage"].to_numpy(),
            "days_in_stage": days.to_numpy(),
            "target_days": target.to_numpy(),
        },
        columns=list(STALLED_COLUMNS[:-1]),
    )
    frame = frame[frame["target_days"].notna() & (frame["days_in_stage"] > frame["target_days"])]
    frame = frame.assign(
        target_days=frame["target_days"].astype(int),
        days_over=(frame["days_in_stage"] - frame["target_days"]).astype(int),
    )
    return frame.sort_values(["days_over", "brand_name"], ascending=[False, True], ignore_index=True)


STALLED_COLUMNS = ("hotline_id", "brand_name", "country", "stage", "days_in_stage", "target_days", "days_over")


def funnel(
    stage_changes: pd.DataFrame, hotlines: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> pd.DataFrame:
    """For each stage of the track: hotlines that have reached it (entered it, or a later stage),
    among hotlines that entered the lifecycle in the period (all without one), and those in it now."""
    ids = _hotline_ids_in_scope(hotlines, scope)
    changes = stage_changes[stage_changes["hotline_id"].isin(ids)]
    first = changes.groupby("hotline_id")["changed_at"].min()
    cohort = first[dated_within(first, period, today)].index
    changes = changes[changes["hotline_id"].isin(cohort)]
    order = {stage: index for index, stage in enumerate(TRACK)}
    reached_index = changes["to_stage"].map(order).groupby(changes["hotline_id"]).max()
    current = hotlines[hotlines["hotline_id"].isin(cohort)]["stage"].value_counts()
    rows = [
        {
            "stage": stage,
            "reached": int((reached_index >= index).sum()),
            "in_stage_now": int(current.get(stage, 0)),
        }
        for index, stage in enumerate(TRACK)
    ]
    return pd.DataFrame(rows, columns=["stage", "reached", "in_stage_now"])


def conversion_counts(
    stage_changes: pd.DataFrame, hotlines: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> tuple[int, int]:
    """(hotlines that first entered exploring in the period, those of them that became members since)."""
    changes = stage_changes[stage_changes["hotline_id"].isin(_hotline_ids_in_scope(hotlines, scope))]
    explored = changes[changes["to_stage"] == EXPLORING].groupby("hotline_id")["changed_at"].min()
    explored = explored[dated_within(explored, period, today)]
    joined = changes[changes["to_stage"].isin(MEMBER_STAGES)].groupby("hotline_id")["changed_at"].max()
    joined = joined.reindex(explored.index)
    return len(explored), int((joined > explored).sum())


def conversion_rate(
    stage_changes: pd.DataFrame, hotlines: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> float | None:
    cohort, converted = conversion_counts(stage_changes, hotlines, period=period, scope=scope, today=today)
    return _round(100 * converted / cohort) if cohort else None


# -- Roundtables and agreements -----------------------------------------------------------------
def held_roundtables(
    roundtables: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> pd.DataFrame:
    mask = (roundtables["status"] == HELD) & in_scope(roundtables, scope)
    if period is not None:
        mask &= dated_within(roundtables["starts_at"], period, today)
    if scope is not None and scope.grant is not None:
        mask &= _in_activities(roundtables, "roundtable_id", scope.grant.roundtables)
    return roundtables[mask]


def roundtables_held_count(
    roundtables: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> int:
    return len(held_roundtables(roundtables, period=period, scope=scope, today=today))


def roundtables_by_year(
    roundtables: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> pd.DataFrame:
    """Roundtables held, and planned (not cancelled, not yet held), per year of their date."""
    mask = in_scope(roundtables, scope) & (roundtables["status"] != CANCELLED)
    if period is not None:
        mask &= (roundtables["starts_at"] >= _stamp(period.start)) & (roundtables["starts_at"] < _end_of(period.end))
    if scope is not None and scope.grant is not None:
        mask &= _in_activities(roundtables, "roundtable_id", scope.grant.roundtables)
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
        & in_scope(participants, scope)
    )
    if period is not None:
        mask &= dated_within(participants["starts_at"], period, today)
    if scope is not None and scope.grant is not None:
        mask &= _in_activities(participants, "roundtable_id", scope.grant.roundtables)
    return participants[mask]


def roundtable_sector_coverage(
    participants: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date, sectors: Sequence[str]
) -> dict[str, int]:
    """Held roundtables attended by at least one organisation of each sector."""
    attended = _attended_at_held(participants, period=period, scope=scope, today=today)
    return _breakdown(attended.groupby("sector")["roundtable_id"].nunique(), sectors)


COVERAGE_LEVELS: tuple[str, ...] = ("", "invited", "attended", "committed", "agreement_signed")


def coverage_matrix(
    participants: pd.DataFrame,
    agreement_parties: pd.DataFrame,
    *,
    scope: Scope | None,
    today: date,
    sectors: Sequence[str],
) -> pd.DataFrame:
    """Country x sector: the furthest status any organisation of the sector reached (the index of
    `COVERAGE_LEVELS`: 0 none, 1 invited, 2 attended, 3 committed, 4 agreement signed and in force).
    Rows: countries with roundtables (not cancelled) or agreements in the scope, by name."""
    invited = participants[(participants["roundtable_status"] != CANCELLED) & in_scope(participants, scope)]
    if scope is not None and scope.grant is not None:
        invited = invited[_in_activities(invited, "roundtable_id", scope.grant.roundtables)]
    level = pd.Series(1, index=invited.index)
    level[invited["status"] == ATTENDED] = 2
    level[invited["committed"]] = 3
    levels = pd.DataFrame(
        {
            "country": invited["country"],
            "country_name": invited["country_name"],
            "sector": invited["sector"],
            "level": level,
        }
    )
    day = _stamp(today)
    in_force = (
        (agreement_parties["agreement_status"] == SIGNED)
        & (agreement_parties["signed_on"] <= day)
        & (agreement_parties["expires_on"].isna() | (agreement_parties["expires_on"] >= day))
        & in_scope(agreement_parties, scope)
    )
    signed = agreement_parties[in_force]
    levels = pd.concat(
        [
            levels,
            pd.DataFrame(
                {
                    "country": signed["country"],
                    "country_name": signed["country_name"],
                    "sector": signed["sector"],
                    "level": 4,
                }
            ),
        ],
        ignore_index=True,
    )
    if not len(levels):
        return pd.DataFrame(columns=["country", "country_name", *sectors])
    wide = levels.pivot_table(index=["country", "country_name"], columns="sector", values="level", aggfunc="max")
    wide = wide.reindex(columns=list(sectors)).fillna(0).astype(int).reset_index()
    wide.columns.name = None
    return wide.sort_values("country_name", ignore_index=True)


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
    stamp = _stamp(day)
    return (
        (agreements["status"] == SIGNED)
        & (agreements["signed_on"] <= stamp)
        & (agreements["expires_on"].isna() | (agreements["expires_on"] >= stamp))
    )


def _expiring_on(agreements: pd.DataFrame, day: date, days: int = EXPIRY_WINDOW_DAYS) -> pd.Series:
    return _in_force_on(agreements, day) & (agreements["expires_on"] <= _stamp(day + timedelta(days=days)))


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


# -- Capacity and training ----------------------------------------------------------------------
def _active_on(started: pd.Series, ended: pd.Series, day: date) -> pd.Series:
    stamp = _stamp(day)
    return (started.isna() | (started <= stamp)) & (ended.isna() | (ended >= stamp))


def active_member_analysts(
    analysts: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> pd.DataFrame:
    day = reference_day(period, today)
    mask = analysts["hotline_stage"].isin(MEMBER_STAGES) & in_scope(analysts, scope)
    if period is not None:
        mask &= analysts["hotline_joined_on"] < _end_of(period.end)
    mask &= _active_on(analysts["started_on"], analysts["ended_on"], day)
    return analysts.loc[mask, ["analyst_id", "hotline_id"]]


def analyst_count(analysts: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date) -> int:
    return len(active_member_analysts(analysts, period=period, scope=scope, today=today))


def analysts_per_hotline(
    hotlines: pd.DataFrame, analysts: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> pd.DataFrame:
    """Member hotlines (as in `member_count`) with their active analysts on the day (0 included)."""
    chosen = hotlines[members(hotlines, period=period) & in_scope(hotlines, scope)]
    active = active_member_analysts(analysts, period=period, scope=None, today=today)
    counts = active.groupby("hotline_id").size()
    return pd.DataFrame(
        {
            "hotline_id": chosen["hotline_id"].to_numpy(),
            "brand_name": chosen["brand_name"].to_numpy(),
            "country": chosen["country_name"].to_numpy(),
            "region": chosen["programme_region"].to_numpy(),
            "analysts": chosen["hotline_id"].map(counts).fillna(0).astype(int).to_numpy(),
        }
    ).sort_values(["brand_name"], ignore_index=True)


def analysts_per_hotline_distribution(per_hotline: pd.DataFrame, *, cap: int = 10) -> pd.DataFrame:
    """How many member hotlines have 0, 1, 2, ... analysts (the last bucket is `cap` or more)."""
    buckets = per_hotline["analysts"].clip(upper=cap)
    counts = buckets.value_counts().reindex(range(cap + 1), fill_value=0)
    labels = [str(n) for n in range(cap)] + [f"{cap}+"]
    return pd.DataFrame({"analysts": labels, "hotlines": counts.to_numpy().astype(int)})


def single_analyst_hotlines(
    hotlines: pd.DataFrame, analysts: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> pd.DataFrame:
    per_hotline = analysts_per_hotline(hotlines, analysts, period=period, scope=scope, today=today)
    return per_hotline[per_hotline["analysts"] == 1].reset_index(drop=True)


def single_analyst_count(
    hotlines: pd.DataFrame, analysts: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> int:
    return len(single_analyst_hotlines(hotlines, analysts, period=period, scope=scope, today=today))


PLACE_COLUMNS = (
    "participation_id",
    "event_id",
    "course_kind",
    "course_title",
    "event_starts_on",
    "event_ends_on",
    "participant_type",
    "analyst_id",
    "analyst_code",
    "analyst_ended_on",
    "hotline_id",
    "brand_name",
    "status",
    "certified_on",
    "certificate_expires_on",
    "country",
    "programme_region",
    "world_region",
)


def training_places(
    participations: pd.DataFrame, training_events: pd.DataFrame, analysts: pd.DataFrame
) -> pd.DataFrame:
    """Places at training events with their event, course and analyst. A place's country is its
    analyst's hotline's, else its organisation's, else the event's."""
    events = training_events[
        [
            "event_id",
            "course_kind",
            "course_title",
            "starts_on",
            "ends_on",
            "country",
            "programme_region",
            "world_region",
        ]
    ].rename(
        columns={
            "starts_on": "event_starts_on",
            "ends_on": "event_ends_on",
            "country": "event_country",
            "programme_region": "event_programme_region",
            "world_region": "event_world_region",
        }
    )
    people = analysts[
        ["analyst_id", "code", "ended_on", "hotline_id", "brand_name", "country", "programme_region", "world_region"]
    ].rename(
        columns={
            "code": "analyst_code",
            "ended_on": "analyst_ended_on",
            "country": "analyst_country",
            "programme_region": "analyst_programme_region",
            "world_region": "analyst_world_region",
        }
    )
    places = participations.merge(events, on="event_id", how="left").merge(people, on="analyst_id", how="left")
    by_analyst = places["analyst_id"].notna().to_numpy()
    by_organisation = (places["organisation_country"] != "").to_numpy()
    geography = {}
    for part in ("country", "programme_region", "world_region"):
        geography[part] = (
            places[f"analyst_{part}"]
            .where(by_analyst, places[f"organisation_{part}"].where(by_organisation, places[f"event_{part}"]))
            .fillna("")
            .astype(str)
        )
    text = ["course_kind", "course_title", "analyst_code", "brand_name"]
    return places.assign(**geography, **{name: places[name].fillna("").astype(str) for name in text})[
        list(PLACE_COLUMNS)
    ]


def _completed_places(
    participations: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> pd.DataFrame:
    mask = (participations["status"] == COMPLETED) & in_scope(participations, scope)
    mask &= dated_within(participations["event_ends_on"], period, today)
    if scope is not None and scope.grant is not None:
        mask &= _in_activities(participations, "event_id", scope.grant.training_events)
    return participations.loc[mask, ["event_id", "course_kind", "participant_type", "analyst_id"]]


def analysts_trained_by_kind(
    participations: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date, kinds: Sequence[str]
) -> dict[str, int]:
    """Distinct analysts who completed a course of each kind (event ended in the period)."""
    places = _completed_places(participations, period=period, scope=scope, today=today)
    places = places[places["analyst_id"].notna()]
    return _breakdown(places.groupby("course_kind")["analyst_id"].nunique(), kinds)


def people_trained_by_type(
    participations: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date, types: Sequence[str]
) -> dict[str, int]:
    """People who completed a training in the period: registered analysts once each, other
    participants once per place (they are known only by a reference within one event)."""
    places = _completed_places(participations, period=period, scope=scope, today=today)
    analysts = places[places["analyst_id"].notna()].drop_duplicates(["participant_type", "analyst_id"])
    others = places[places["analyst_id"].isna()]
    counts = pd.concat([analysts["participant_type"], others["participant_type"]]).value_counts()
    return _breakdown(counts, types)


def training_events_held(
    training_events: pd.DataFrame,
    participations: pd.DataFrame,
    *,
    period: Period | None,
    scope: Scope | None,
    today: date,
) -> pd.DataFrame:
    """Events that ended in the period (by today); in scope when held in a country of the scope or
    attended by a participant from one."""
    mask = dated_within(training_events["ends_on"], period, today) & (training_events["ends_on"] < _end_of(today))
    if scope is not None:
        from_scope = set(participations.loc[in_scope(participations, scope), "event_id"].dropna())
        mask &= in_scope(training_events, scope) | training_events["event_id"].isin(from_scope)
        if scope.grant is not None:
            mask &= _in_activities(training_events, "event_id", scope.grant.training_events)
    return training_events[mask]


def training_events_held_count(
    training_events: pd.DataFrame,
    participations: pd.DataFrame,
    *,
    period: Period | None,
    scope: Scope | None,
    today: date,
) -> int:
    return len(training_events_held(training_events, participations, period=period, scope=scope, today=today))


CERTIFICATE_COLUMNS = (
    "analyst_id",
    "analyst_code",
    "analyst_ended_on",
    "brand_name",
    "course_title",
    "certified_on",
    "certificate_expires_on",
)


def _certificates(participations: pd.DataFrame, scope: Scope | None) -> pd.DataFrame:
    certified = participations["analyst_id"].notna() & participations["certified_on"].notna()
    mask = certified & in_scope(participations, scope)
    return participations.loc[mask, list(CERTIFICATE_COLUMNS)]


def certified_analyst_count(
    participations: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> int:
    """Analysts still working on the day who hold a certificate valid that day."""
    day = reference_day(period, today)
    stamp = _stamp(day)
    certificates = _certificates(participations, scope)
    valid = (certificates["certified_on"] <= stamp) & (
        certificates["certificate_expires_on"].isna() | (certificates["certificate_expires_on"] >= stamp)
    )
    working = certificates["analyst_ended_on"].isna() | (certificates["analyst_ended_on"] >= stamp)
    return int(certificates.loc[valid & working, "analyst_id"].nunique())


def certificates_expiring(
    participations: pd.DataFrame,
    *,
    period: Period | None,
    scope: Scope | None,
    today: date,
    days: int = EXPIRY_WINDOW_DAYS,
) -> pd.DataFrame:
    """Certificates of analysts still working that are valid on the day and expire within `days` days."""
    day = reference_day(period, today)
    stamp = _stamp(day)
    certificates = _certificates(participations, scope)
    expires = certificates["certificate_expires_on"]
    working = certificates["analyst_ended_on"].isna() | (certificates["analyst_ended_on"] >= stamp)
    mask = (
        (certificates["certified_on"] <= stamp)
        & (expires >= stamp)
        & (expires <= _stamp(day + timedelta(days=days)))
        & working
    )
    chosen = certificates[mask]
    return pd.DataFrame(
        {
            "analyst_code": chosen["analyst_code"].to_numpy(),
            "brand_name": chosen["brand_name"].to_numpy(),
            "course": chosen["course_title"].to_numpy(),
            "expires_on": chosen["certificate_expires_on"].dt.strftime("%Y-%m-%d").to_numpy(),
        },
        columns=["analyst_code", "brand_name", "course", "expires_on"],
    ).sort_values(["expires_on", "brand_name", "analyst_code"], ignore_index=True)


def certificates_expiring_count(
    participations: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> int:
    return len(certificates_expiring(participations, period=period, scope=scope, today=today))


def certificates_issued(
    participations: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> pd.DataFrame:
    certificates = _certificates(participations, scope)
    return certificates[dated_within(certificates["certified_on"], period, today)]


def certificates_issued_count(
    participations: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> int:
    return len(certificates_issued(participations, period=period, scope=scope, today=today))


def certificate_expiry_timeline(
    participations: pd.DataFrame, *, scope: Scope | None, today: date, months: int = 12
) -> pd.DataFrame:
    """Certificates of working analysts expiring in each of the next `months` months (this month first)."""
    stamp = _stamp(today)
    certificates = _certificates(participations, scope)
    working = certificates["analyst_ended_on"].isna() | (certificates["analyst_ended_on"] >= stamp)
    expires = certificates.loc[working & (certificates["certificate_expires_on"] >= stamp), "certificate_expires_on"]
    first = pd.Period(today, freq="M")
    labels = [str(first + step) for step in range(months)]
    counts = expires.dt.to_period("M").astype(str).value_counts()
    return pd.DataFrame({"month": labels, "certificates": [int(counts.get(label, 0)) for label in labels]})


def certificates_by_year(
    participations: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> pd.DataFrame:
    """Certificates issued and certificates expiring (of any analyst) per calendar year."""
    certificates = _certificates(participations, scope)
    issued = certificates.loc[dated_within(certificates["certified_on"], period, today), "certified_on"].dt.year
    expiring = certificates.loc[
        certificates["certificate_expires_on"].notna()
        & (
            (certificates["certificate_expires_on"] >= _stamp(period.start))
            & (certificates["certificate_expires_on"] < _end_of(period.end))
            if period
            else certificates["certificate_expires_on"].notna()
        ),
        "certificate_expires_on",
    ].dt.year
    years = sorted(set(issued) | set(expiring))
    issued_counts, expiring_counts = issued.value_counts(), expiring.value_counts()
    return pd.DataFrame(
        {
            "year": [int(year) for year in years],
            "issued": [int(issued_counts.get(year, 0)) for year in years],
            "expiring": [int(expiring_counts.get(year, 0)) for year in years],
        },
        columns=["year", "issued", "expiring"],
    )


# -- Operations: aggregate statistics -------------------------------------------------------------
def returns_in(statistics: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date) -> pd.DataFrame:
    """Statistics returns (not queried) whose reporting period ended in the period (all without one)."""
    mask = (statistics["validation_status"] != QUERIED) & in_scope(statistics, scope)
    if period is not None:
        mask &= dated_within(statistics["period_end"], period, today)
    return statistics[mask]


def reports_received(statistics: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date) -> int:
    return int(returns_in(statistics, period=period, scope=scope, today=today)["reports_received"].sum())


def content_urls_processed(statistics: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date) -> int:
    return int(returns_in(statistics, period=period, scope=scope, today=today)["content_urls_processed"].sum())


def _weighted_share(returns: pd.DataFrame, column: str) -> float | None:
    known = returns[returns[column].notna()]
    weight = known["content_urls_processed"].astype("float64")
    total = float(weight.sum())
    if total <= 0:
        return None
    return _round(float((known[column] * weight).sum()) / total)


def share_removed_within_3_days(
    statistics: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> float | None:
    """The share of content URLs removed within 3 days, weighted by content URLs processed."""
    return _weighted_share(
        returns_in(statistics, period=period, scope=scope, today=today), "share_removed_within_3_days"
    )


def _statistics_summary(returns: pd.DataFrame, by: pd.Series, keys: Iterable[Any]) -> pd.DataFrame:
    """Per key: returns, reports and content URLs summed, and the share removed within 3 days
    weighted by content URLs (over the returns that give it)."""
    keys = list(keys)
    urls = returns["content_urls_processed"].fillna(0).astype("float64")
    known = returns["share_removed_within_3_days"].notna()
    parts = pd.DataFrame(
        {
            "key": by.to_numpy(),
            "returns": 1,
            "reports_received": returns["reports_received"].fillna(0).astype("int64").to_numpy(),
            "content_urls_processed": urls.astype("int64").to_numpy(),
            "weighted": (returns["share_removed_within_3_days"] * urls).where(known, 0.0).to_numpy(),
            "weight": urls.where(known, 0.0).to_numpy(),
        }
    )
    sums = parts.groupby("key").sum().reindex(keys, fill_value=0) if len(parts) else None
    if sums is None:
        sums = pd.DataFrame(
            0, index=keys, columns=["returns", "reports_received", "content_urls_processed", "weighted", "weight"]
        )
    shares = [
        _round(weighted / weight) if weight > 0 else None
        for weighted, weight in zip(sums["weighted"], sums["weight"], strict=True)
    ]
    return pd.DataFrame(
        {
            "key": keys,
            "returns": sums["returns"].astype(int).to_numpy(),
            "reports_received": sums["reports_received"].astype(int).to_numpy(),
            "content_urls_processed": sums["content_urls_processed"].astype(int).to_numpy(),
            "share_removed_within_3_days": shares,
        },
        columns=["key", "returns", "reports_received", "content_urls_processed", "share_removed_within_3_days"],
    )


def statistics_by_year(
    statistics: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> pd.DataFrame:
    returns = returns_in(statistics, period=period, scope=scope, today=today)
    years = returns["period_end"].dt.year
    keys = range(int(years.min()), int(years.max()) + 1) if len(years) else []
    return _statistics_summary(returns, years, keys).rename(columns={"key": "year"})


def statistics_by_region(
    statistics: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date, regions: Sequence[str]
) -> pd.DataFrame:
    returns = returns_in(statistics, period=period, scope=scope, today=today)
    region = returns["programme_region"].replace("", "unassigned")
    keys = [*regions, *sorted(set(region) - set(regions))]
    table = _statistics_summary(returns, region, keys).rename(columns={"key": "region"})
    return table[(table["returns"] > 0) | table["region"].isin(regions)].reset_index(drop=True)


# -- Quality: assessments and corrective actions -----------------------------------------------------
QA_REVIEW = "qa_review"
ASSESSMENT_COMPLETED = "completed"
ASSESSMENT_OPEN_STATUSES: tuple[str, ...] = ("planned", "in_progress")
QA_RESULTS: tuple[str, ...] = ("passed", "passed_with_actions", "failed")
VERIFIED = "verified"
ACTION_STATUSES: tuple[str, ...] = ("open", "in_progress", "completed", "verified")
ACTION_WORKING_STATUSES: tuple[str, ...] = ("open", "in_progress")
ASSESSMENT_FIELDS: tuple[str, ...] = (
    "assessment_id",
    "reference",
    "hotline_id",
    "brand_name",
    "kind",
    "status",
    "recommendation",
    "starts_on",
    "ends_on",
    "report_completed_at",
    "country",
    "country_name",
    "programme_region",
    "world_region",
)


def assessments_of(assessment_actions: pd.DataFrame) -> pd.DataFrame:
    """One row per assessment, from the assessment x corrective action frame."""
    return assessment_actions[list(ASSESSMENT_FIELDS)].drop_duplicates("assessment_id").reset_index(drop=True)


def corrective_actions_of(assessment_actions: pd.DataFrame) -> pd.DataFrame:
    """One row per corrective action, with its assessment and hotline."""
    actions = assessment_actions[assessment_actions["action_id"].notna()]
    return actions.rename(
        columns={
            "action_id": "id",
            "action_title": "title",
            "action_status": "action_status",
            "action_due_on": "due_on",
            "action_created_at": "created_at",
            "action_verified_at": "verified_at",
            "kind": "assessment_kind",
            "reference": "assessment_reference",
        }
    )[
        [
            "id",
            "title",
            "action_status",
            "due_on",
            "created_at",
            "verified_at",
            "assessment_id",
            "assessment_reference",
            "assessment_kind",
            "hotline_id",
            "brand_name",
            "country",
            "country_name",
            "programme_region",
            "world_region",
        ]
    ].reset_index(drop=True)


def _completed_on(assessments: pd.DataFrame) -> pd.Series:
    """The day an assessment's report was completed (else its last day)."""
    return assessments["report_completed_at"].dt.normalize().fillna(assessments["ends_on"])


def qa_reviews_done(
    assessments: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> pd.DataFrame:
    """Quality-assurance reviews whose report was completed in the period (all up to today without one)."""
    reviews = assessments[
        (assessments["kind"] == QA_REVIEW)
        & (assessments["status"] == ASSESSMENT_COMPLETED)
        & in_scope(assessments, scope)
    ]
    return reviews[dated_within(_completed_on(reviews), period, today)]


def qa_reviews_done_count(assessments: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date) -> int:
    return len(qa_reviews_done(assessments, period=period, scope=scope, today=today))


def qa_reviews_by_year(
    assessments: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> pd.DataFrame:
    """Completed quality-assurance reviews per year of completion, by result."""
    reviews = qa_reviews_done(assessments, period=period, scope=scope, today=today)
    years = _completed_on(reviews).dt.year
    rows = []
    for year in sorted(set(years.dropna().astype(int))):
        chosen = reviews[(years == year).to_numpy()]
        rows.append(
            {"year": year, **{result: int((chosen["recommendation"] == result).sum()) for result in QA_RESULTS}}
        )
    return pd.DataFrame(rows, columns=["year", *QA_RESULTS])


def qa_reviews_due(
    hotlines: pd.DataFrame,
    assessments: pd.DataFrame,
    *,
    period: Period | None,
    scope: Scope | None,
    today: date,
    cycle_months: int,
    first_review_months: int,
    window_days: int = EXPIRY_WINDOW_DAYS,
) -> pd.DataFrame:
    """Member hotlines whose quality-assurance review is overdue or due within `window_days` days of
    the day. A full member is due `cycle_months` after its last completed review (or after becoming a
    full member, whichever is later); a provisional member `first_review_months` after its last
    review, or after joining when it has had none. A member with no date at all is due now."""
    day = reference_day(period, today)
    stamp = _stamp(day)
    chosen = hotlines[members(hotlines, period=period) & in_scope(hotlines, scope)]
    reviews = assessments[(assessments["kind"] == QA_REVIEW) & (assessments["status"] == ASSESSMENT_COMPLETED)]
    completed = _completed_on(reviews)
    reviews = reviews.assign(completed_on=completed)[completed <= stamp]
    last = reviews.groupby("hotline_id")["completed_on"].max()
    planned = set(
        assessments.loc[
            (assessments["kind"] == QA_REVIEW) & assessments["status"].isin(ASSESSMENT_OPEN_STATUSES), "hotline_id"
        ].dropna()
    )
    last_review = pd.Series(
        last.astype("datetime64[us]").reindex(chosen["hotline_id"].to_numpy()).to_numpy(), index=chosen.index
    )
    full = chosen["stage"] == FULL_MEMBER
    # Full members: from the later of the last review and full membership; provisional members:
    # from the last review, else from joining.
    full_base = pd.concat([last_review, chosen["full_member_on"].astype("datetime64[us]")], axis=1).max(axis=1)
    provisional_base = last_review.fillna(chosen["joined_on"].astype("datetime64[us]"))
    base = full_base.where(full, provisional_base)
    due_on = add_months(base, cycle_months).where(full, add_months(base, first_review_months))
    due = due_on.isna() | (due_on <= _stamp(day + timedelta(days=window_days)))
    frame = pd.DataFrame(
        {
            "hotline_id": chosen["hotline_id"].to_numpy(),
            "brand_name": chosen["brand_name"].to_numpy(),
            "country": chosen["country_name"].to_numpy(),
            "stage": chosen["stage"].to_numpy(),
            "last_review": last_review.dt.strftime("%Y-%m-%d").fillna("").to_numpy(),
            "due_on": due_on.dt.strftime("%Y-%m-%d").fillna("").to_numpy(),
            "state": ["never" if pd.isna(d) else "overdue" if d < stamp else "due" for d in due_on],
            "scheduled": chosen["hotline_id"].isin(planned).to_numpy(),
        },
        columns=["hotline_id", "brand_name", "country", "stage", "last_review", "due_on", "state", "scheduled"],
    )
    return frame[due.to_numpy()].sort_values(["due_on", "brand_name"], ignore_index=True)


def qa_reviews_due_count(
    hotlines: pd.DataFrame,
    assessments: pd.DataFrame,
    *,
    period: Period | None,
    scope: Scope | None,
    today: date,
    cycle_months: int,
    first_review_months: int,
) -> int:
    return len(
        qa_reviews_due(
            hotlines,
            assessments,
            period=period,
            scope=scope,
            today=today,
            cycle_months=cycle_months,
            first_review_months=first_review_months,
        )
    )


def open_corrective_actions(
    corrective_actions: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> pd.DataFrame:
    """Corrective actions not yet verified on the day (today, or the period's last day: raised by
    then and verified after it, if at all), soonest due first; `overdue` when past due and not done."""
    day = reference_day(period, today)
    cutoff = _end_of(day)
    actions = corrective_actions[in_scope(corrective_actions, scope)]
    if period is None:
        still_open = actions["action_status"] != VERIFIED
    else:
        still_open = (actions["created_at"] < cutoff) & (
            (actions["action_status"] != VERIFIED) | (actions["verified_at"] >= cutoff)
        )
    chosen = actions[still_open]
    overdue = chosen["action_status"].isin(ACTION_WORKING_STATUSES) & (chosen["due_on"] < _stamp(day))
    return pd.DataFrame(
        {
            "brand_name": chosen["brand_name"].to_numpy(),
            "assessment": chosen["assessment_reference"].to_numpy(),
            "title": chosen["title"].to_numpy(),
            "due_on": chosen["due_on"].dt.strftime("%Y-%m-%d").fillna("").to_numpy(),
            "status": chosen["action_status"].to_numpy(),
            "overdue": overdue.to_numpy(),
        },
        columns=["brand_name", "assessment", "title", "due_on", "status", "overdue"],
    ).sort_values(["due_on", "brand_name", "title"], ignore_index=True)


def open_corrective_action_count(
    corrective_actions: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> int:
    return len(open_corrective_actions(corrective_actions, period=period, scope=scope, today=today))


# -- Grant indicators ----------------------------------------------------------------------------
# Where an indicator stands (report_data's vocabulary). Used by donor reports and the grant dashboard.
ACHIEVED = report_data.ACHIEVED
ON_TRACK = report_data.ON_TRACK
AT_RISK = report_data.AT_RISK
BEHIND = report_data.BEHIND


def share(part: float | None, whole: float) -> float | None:
    """`part` as a percentage of `whole`, one decimal (None when `whole` is 0 or `part` unknown)."""
    if part is None or not whole:
        return None
    return round(100 * part / whole, 1)


def elapsed_share(starts_on: date, ends_on: date, on: date) -> float:
    """The share of a grant's duration passed by the end of day `on` (0 to 1)."""
    total = (ends_on - starts_on).days + 1
    return min(max(((on - starts_on).days + 1) / total, 0.0), 1.0)


def indicator_status(*, baseline: float, target: float, achieved: float | None, elapsed: float) -> str:
    """Where an indicator stands at the end of a period that is `elapsed` (0-1) through the grant:
    achieved when it reached its target; else on track when its progress from the baseline is at
    least 90 % of the time elapsed, at risk from 60 %, behind below that (or when nothing was measured).
    A target below the baseline is a reduction: reached when the value is at or below it."""
    if achieved is None:
        return BEHIND
    decreasing = target < baseline
    if (achieved <= target) if decreasing else (achieved >= target):
        return ACHIEVED
    progress = (achieved - baseline) / (target - baseline) if target != baseline else 0.0
    if progress >= 0.9 * elapsed:
        return ON_TRACK
    if progress >= 0.6 * elapsed:
        return AT_RISK
    return BEHIND


def _ids(text: str) -> frozenset[int] | None:
    ids = frozenset(int(part) for part in text.split(",") if part.strip())
    return ids or None


def grant_coverages(grant_indicators: pd.DataFrame) -> dict[str, GrantCoverage]:
    """Each grant's coverage (by code) from the `grant_indicators` frame's comma-separated columns:
    its countries (every country for a grant without any) and the roundtables and training events its
    activities link (None when none is linked: then its countries alone narrow those counts)."""
    coverages: dict[str, GrantCoverage] = {}
    for row in grant_indicators.drop_duplicates("grant_code").itertuples(index=False):
        coverages[row.grant_code] = GrantCoverage(
            code=row.grant_code,
            countries=frozenset(code for code in row.grant_countries.split(",") if code),
            roundtables=_ids(row.grant_roundtables),
            training_events=_ids(row.grant_training_events),
        )
    return coverages


def grant_period(starts_on: date, ends_on: date, today: date) -> Period:
    """A grant's span up to `today` (its first day while it has not started)."""
    return Period(starts_on, max(starts_on, min(ends_on, today)))


INDICATOR_PROGRESS_COLUMNS = (
    "indicator_id",
    "grant_code",
    "code",
    "title",
    "metric_key",
    "unit",
    "baseline",
    "target",
    "achieved",
    "percentage",
    "status",
)


def indicator_progress(
    grant_indicators: pd.DataFrame, *, achieved: Mapping[int, float | None], elapsed: Mapping[str, float]
) -> pd.DataFrame:
    """One row per indicator (the frame's order): baseline, target, the `achieved` value (by
    indicator id; a manual indicator's own value when absent), that value as a percentage of the
    target, and its status for the share of its grant's time `elapsed` (by grant code)."""
    rows = []
    for row in grant_indicators.itertuples(index=False):
        indicator_id = int(row.indicator_id)
        if indicator_id in achieved:
            value = achieved[indicator_id]
        else:
            value = None if pd.isna(row.manual_value) else float(row.manual_value)
        baseline, target = float(row.baseline), float(row.target)
        rows.append(
            (
                indicator_id,
                row.grant_code,
                row.code,
                row.title,
                row.metric_key,
                row.unit,
                baseline,
                target,
                value,
                share(value, target),
                indicator_status(
                    baseline=baseline, target=target, achieved=value, elapsed=elapsed.get(row.grant_code, 1.0)
                ),
            )
        )
    return pd.DataFrame.from_records(rows, columns=list(INDICATOR_PROGRESS_COLUMNS))
