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

from reports.donor import report_data
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


# -- Hotlines and membership --------------------------------------------------------------------
def stages_on(hotlines: pd.DataFrame, stage_changes: pd.DataFrame, *, day: date, today: date) -> pd.Series:
    """Each hotline's lifecycle stage on `day` (indexed by hotline id; "" when it was not in the
    lifecycle yet, or nothing recorded says where it was).

    Today and later: the current stage. Before, the first rule that applies:
    1. the stage entered by the hotline's last recorded change up to that day (the stage history);
    2. without any recorded change: its current stage, from the day it entered it ("in this stage
       since") on;
    3. a member from its recorded joining date (a full member from its full-membership date), while
       the history or its current stage does not say otherwise (history that starts later, or a
       hotline that has since been suspended or has ceased);
    4. the stage its first later change left (not a member stage before its joining date);
    5. without any recorded change or joining date: its current stage, from its creation on.
    """
    stages = pd.Series(hotlines["stage"].to_numpy(), index=hotlines["hotline_id"].to_numpy(), dtype=object)
    if day >= today:
        return stages
    cutoff = _end_of(day)
    ids = stages.index
    changes = stage_changes[stage_changes["hotline_id"].isin(ids)]
    has_history = ids.isin(changes["hotline_id"].dropna().to_numpy())
    joined = hotlines["joined_on"].to_numpy()
    full = hotlines["full_member_on"].to_numpy()
    result = pd.Series("", index=ids, dtype=object)
    # 5. No history and no joining date: the current stage since the hotline was created.
    rule = ~has_history & pd.isna(joined) & (hotlines["created_at"] < cutoff).to_numpy()
    result[rule] = stages[rule]
    # 4. The stage the first later change left; a member stage only where no joining date says later.
    first_later = changes[changes["changed_at"] >= cutoff].groupby("hotline_id")["from_stage"].first()
    joined_by_id = pd.Series(joined, index=ids)
    member_before_joining = first_later.isin(MEMBER_STAGES) & joined_by_id.reindex(first_later.index).notna()
    first_later = first_later[~member_before_joining]
    result.loc[first_later.index] = first_later.to_numpy()
    # 3. The recorded membership dates.
    stamp = _stamp(day)
    joined_by = pd.notna(joined) & (joined <= stamp)
    full_by = pd.notna(full) & (full <= stamp)
    result[joined_by & ~full_by] = PROVISIONAL_MEMBER
    result[joined_by & full_by] = FULL_MEMBER
    # 2. No history: the current stage from the day the hotline entered it.
    rule = ~has_history & (hotlines["stage_entered_at"] < cutoff).to_numpy()
    result[rule] = stages[rule]
    # 1. The stage history.
    last_earlier = changes[changes["changed_at"] < cutoff].groupby("hotline_id")["to_stage"].last()
    result.loc[last_earlier.index] = last_earlier.to_numpy()
    return result


def members_on(hotlines: pd.DataFrame, stage_changes: pd.DataFrame, *, day: date, today: date) -> pd.Series:
    """A mask over `hotlines`' rows: provisional or full members on `day` (`stages_on`)."""
    return stages_on(hotlines, stage_changes, day=day, today=today).isin(MEMBER_STAGES).to_numpy()


def member_ids_on(hotlines: pd.DataFrame, stage_changes: pd.DataFrame, *, day: date, today: date) -> pd.Index:
    """The ids of the hotlines that were provisional or full members on `day`."""
    stages = stages_on(hotlines, stage_changes, day=day, today=today)
    return stages.index[stages.isin(MEMBER_STAGES).to_numpy()]


def member_count(
    hotlines: pd.DataFrame, stage_changes: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> int:
    day = reference_day(period, today)
    return int((members_on(hotlines, stage_changes, day=day, today=today) & in_scope(hotlines, scope)).sum())


def full_member_count(
    hotlines: pd.DataFrame, stage_changes: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> int:
    day = reference_day(period, today)
    stages = stages_on(hotlines, stage_changes, day=day, today=today).to_numpy()
    return int(((stages == FULL_MEMBER) & in_scope(hotlines, scope).to_numpy()).sum())


def joined_within(hotlines: pd.DataFrame, period: Period | None, today: date) -> pd.Series:
    """Hotlines whose recorded joining date falls in the period (up to today without one), whatever
    their stage since."""
    return hotlines["joined_on"].notna() & dated_within(hotlines["joined_on"], period, today)


def new_member_count(hotlines: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date) -> int:
    """Hotlines that joined in the period (by default, this calendar year so far)."""
    period = period or Period(date(today.year, 1, 1), today)
    return int((joined_within(hotlines, period, today) & in_scope(hotlines, scope)).sum())


def members_by_region(
    hotlines: pd.DataFrame,
    stage_changes: pd.DataFrame,
    *,
    period: Period | None,
    scope: Scope | None,
    today: date,
    regions: Sequence[str],
) -> dict[str, int]:
    day = reference_day(period, today)
    chosen = hotlines[members_on(hotlines, stage_changes, day=day, today=today) & in_scope(hotlines, scope)]
    counts = chosen["programme_region"].replace("", "unassigned").value_counts()
    return _breakdown(counts, regions)


def covered_countries(
    hotline_countries: pd.DataFrame, member_ids: Iterable[int], *, scope: Scope | None
) -> pd.DataFrame:
    """Countries where the public can report to one of the member hotlines `member_ids`: their home
    countries and the countries they serve, once each."""
    chosen = hotline_countries[hotline_countries["hotline_id"].isin(list(member_ids))]
    geography = ["country", "country_name", "programme_region", "world_region"]
    served = chosen[[f"served_{name}" for name in geography]].set_axis(geography, axis=1)
    served = served[served["country"] != ""]
    countries = pd.concat([chosen[geography], served], ignore_index=True).drop_duplicates("country")
    return countries[in_scope(countries, scope)].sort_values("country_name").reset_index(drop=True)


def countries_covered_on(
    hotlines: pd.DataFrame,
    stage_changes: pd.DataFrame,
    hotline_countries: pd.DataFrame,
    *,
    period: Period | None,
    scope: Scope | None,
    today: date,
) -> pd.DataFrame:
    """The countries covered by the hotlines that were members on the day (today, or the period's last)."""
    day = reference_day(period, today)
    return covered_countries(
        hotline_countries, member_ids_on(hotlines, stage_changes, day=day, today=today), scope=scope
    )


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
    """Hotlines by the year they joined (whatever their stage since), within the period (all years
    without one): the rows of `new_member_count` for a period of whole years."""
    years = hotlines.loc[joined_within(hotlines, period, today) & in_scope(hotlines, scope), "joined_on"].dt.year
    counts = years.value_counts().sort_index()
    if len(counts):
        counts = counts.reindex(range(int(counts.index.min()), int(counts.index.max()) + 1), fill_value=0)
    return pd.DataFrame({"year": counts.index.astype(int), "new_members": counts.to_numpy().astype(int)})


def countries_by_region(countries: pd.DataFrame, *, regions: Sequence[str]) -> pd.DataFrame:
    """Covered countries (`countries_covered_on`) counted by programme region."""
    counts = _breakdown(countries["programme_region"].replace("", "unassigned").value_counts(), regions)
    return pd.DataFrame({"region": list(counts), "countries": list(counts.values())})


COVERAGE_GAP_COLUMNS = ("country", "region", "rating", "candidate_stage")


def coverage_gaps(
    country_assessments: pd.DataFrame,
    hotline_countries: pd.DataFrame,
    hotlines: pd.DataFrame,
    stage_changes: pd.DataFrame,
    *,
    period: Period | None,
    scope: Scope | None,
    today: date,
) -> pd.DataFrame:
    """Countries on the target list (their latest assessment) that no member hotline covered on the
    day (today, or the period's last day), each with the furthest stage a candidate there had reached
    that day ("" for none). Its number of rows is the `coverage_gaps` figure."""
    day = reference_day(period, today)
    targets = country_assessments[country_assessments["on_target_list"] & in_scope(country_assessments, scope)]
    stages = stages_on(hotlines, stage_changes, day=day, today=today)
    members = stages.index[stages.isin(MEMBER_STAGES).to_numpy()]
    covered = set(covered_countries(hotline_countries, members, scope=None)["country"])
    gaps = targets[~targets["country"].isin(covered)]
    order = {stage: index for index, stage in enumerate(CANDIDATE_STAGES)}
    furthest: dict[str, str] = {}
    for country, stage in zip(hotlines["country"], stages.to_numpy(), strict=True):
        if stage in order and (country not in furthest or order[stage] > order[furthest[country]]):
            furthest[country] = stage
    return pd.DataFrame(
        {
            "country": gaps["country_name"].to_numpy(),
            "region": gaps["programme_region"].to_numpy(),
            "rating": gaps["overall_rating"].to_numpy(),
            "candidate_stage": [furthest.get(code, "") for code in gaps["country"]],
        },
        columns=list(COVERAGE_GAP_COLUMNS),
    ).sort_values(["region", "country"], ignore_index=True)


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


def in_scope_ids(hotlines: pd.DataFrame, scope: Scope | None) -> pd.Index:
    """The ids of the hotlines whose home country is in the scope."""
    return pd.Index(_hotline_ids_in_scope(hotlines, scope).to_numpy())


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


# -- Capacity and training ----------------------------------------------------------------------
def member_analysts_on(
    analysts: pd.DataFrame, member_ids: Iterable[int], *, day: date, scope: Scope | None
) -> pd.DataFrame:
    """Analysts working on `day` at one of the member hotlines `member_ids` (the hotlines that were
    members that day), in the scope: the population of the `analysts` figure."""
    mask = analysts["hotline_id"].isin(list(member_ids)) & in_scope(analysts, scope)
    mask &= working_on(analysts["started_on"], analysts["ended_on"], day)
    return analysts.loc[mask, ["analyst_id", "hotline_id"]]


def active_member_analysts(
    analysts: pd.DataFrame,
    hotlines: pd.DataFrame,
    stage_changes: pd.DataFrame,
    *,
    period: Period | None,
    scope: Scope | None,
    today: date,
) -> pd.DataFrame:
    day = reference_day(period, today)
    members = member_ids_on(hotlines, stage_changes, day=day, today=today)
    return member_analysts_on(analysts, members, day=day, scope=scope)


def analyst_count(
    analysts: pd.DataFrame,
    hotlines: pd.DataFrame,
    stage_changes: pd.DataFrame,
    *,
    period: Period | None,
    scope: Scope | None,
    today: date,
) -> int:
    return len(active_member_analysts(analysts, hotlines, stage_changes, period=period, scope=scope, today=today))


def analysts_per_hotline(
    hotlines: pd.DataFrame,
    stage_changes: pd.DataFrame,
    analysts: pd.DataFrame,
    *,
    period: Period | None,
    scope: Scope | None,
    today: date,
) -> pd.DataFrame:
    """Member hotlines on the day (as in `member_count`) with their analysts working that day (0 included)."""
    day = reference_day(period, today)
    chosen = hotlines[members_on(hotlines, stage_changes, day=day, today=today) & in_scope(hotlines, scope)]
    active = member_analysts_on(analysts, chosen["hotline_id"], day=day, scope=None)
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
    "analyst_started_on",
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
        [
            "analyst_id",
            "code",
            "started_on",
            "ended_on",
            "hotline_id",
            "brand_name",
            "country",
            "programme_region",
            "world_region",
        ]
    ].rename(
        columns={
            "code": "analyst_code",
            "started_on": "analyst_started_on",
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
    mask = (participations["status"] == COMPLETED) & events_in_scope(
        participations, scope, column="event_id", kind="training_events"
    )
    mask &= dated_within(participations["event_ends_on"], period, today)
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
    attended by a participant from one (with a grant that links training events: the ones it links)."""
    mask = dated_within(training_events["ends_on"], period, today) & (training_events["ends_on"] < _end_of(today))
    if scope is not None:
        linked = scope.grant.training_events if scope.grant is not None else None
        geography = _geography(scope) if linked is not None else scope
        from_scope = set(participations.loc[in_scope(participations, geography), "event_id"].dropna())
        mask &= in_scope(training_events, geography) | training_events["event_id"].isin(from_scope)
        if linked is not None:
            mask &= training_events["event_id"].isin(linked)
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
    "participation_id",
    "analyst_id",
    "event_id",
    "analyst_code",
    "analyst_started_on",
    "analyst_ended_on",
    "hotline_id",
    "brand_name",
    "course_title",
    "certified_on",
    "certificate_expires_on",
)


def _certificates(participations: pd.DataFrame, scope: Scope | None) -> pd.DataFrame:
    """Certificates of registered analysts in the scope; with a grant whose activities link training
    events, only those of the events it funded (as for the trainings it counts)."""
    certified = participations["analyst_id"].notna() & participations["certified_on"].notna()
    mask = certified & events_in_scope(participations, scope, column="event_id", kind="training_events")
    return participations.loc[mask, list(CERTIFICATE_COLUMNS)]


def valid_certificates_on(participations: pd.DataFrame, *, day: date, scope: Scope | None) -> pd.DataFrame:
    """Certificates valid on `day` held by analysts working that day (any hotline)."""
    certificates = _certificates(participations, scope)
    valid = certificate_valid_on(certificates["certified_on"], certificates["certificate_expires_on"], day)
    working = working_on(certificates["analyst_started_on"], certificates["analyst_ended_on"], day)
    return certificates[valid & working]


def certified_analysts(
    participations: pd.DataFrame, member_analysts: pd.DataFrame, *, day: date, scope: Scope | None
) -> pd.Series:
    """The ids of the analysts among `member_analysts` (the `analysts` figure's population on `day`)
    who hold at least one certificate valid that day."""
    valid = valid_certificates_on(participations, day=day, scope=scope)
    ids = pd.Index(valid["analyst_id"].dropna().unique())
    return member_analysts["analyst_id"][member_analysts["analyst_id"].isin(ids)].drop_duplicates()


def certified_analyst_count(
    participations: pd.DataFrame,
    analysts: pd.DataFrame,
    hotlines: pd.DataFrame,
    stage_changes: pd.DataFrame,
    *,
    period: Period | None,
    scope: Scope | None,
    today: date,
) -> int:
    """Analysts counted by `analyst_count` (working at a member hotline on the day) who hold a
    certificate valid that day: a subset of them."""
    day = reference_day(period, today)
    population = active_member_analysts(analysts, hotlines, stage_changes, period=period, scope=scope, today=today)
    return len(certified_analysts(participations, population, day=day, scope=scope))


def certificates_expiring(
    participations: pd.DataFrame,
    *,
    period: Period | None,
    scope: Scope | None,
    today: date,
    days: int = EXPIRY_WINDOW_DAYS,
) -> pd.DataFrame:
    """Certificates valid on the day, of analysts working that day, that expire within `days` days
    (`TrainingParticipation.objects.certificates_expiring`)."""
    day = reference_day(period, today)
    valid = valid_certificates_on(participations, day=day, scope=scope)
    chosen = valid[expires_within(valid["certificate_expires_on"], day, days)]
    return pd.DataFrame(
        {
            "analyst_code": chosen["analyst_code"].to_numpy(),
            "brand_name": chosen["brand_name"].to_numpy(),
            "course": chosen["course_title"].to_numpy(),
            "expires_on": chosen["certificate_expires_on"].dt.strftime("%Y-%m-%d").to_numpy(),
        },
        columns=["analyst_code", "brand_name", "course", "expires_on"],
    ).sort_values(["expires_on", "brand_name", "analyst_code"], ignore_index=True)


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
    """Certificates valid today, of analysts working today, by the month they expire over the next
    `months` months (this month first)."""
    valid = valid_certificates_on(participations, day=today, scope=scope)
    expires = valid["certificate_expires_on"].dropna()
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
    expires = certificates["certificate_expires_on"]
    expiring_mask = expires.notna() if period is None else dated_within(expires, period, today)
    expiring = certificates.loc[expiring_mask, "certificate_expires_on"].dt.year
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


QA_DUE_COLUMNS = ("hotline_id", "brand_name", "country", "stage", "last_review", "due_on", "state", "scheduled")
QA_UNREVIEWED_COLUMNS = ("hotline_id", "brand_name", "country", "stage", "joined_on", "scheduled")


def _qa_members(
    hotlines: pd.DataFrame,
    stage_changes: pd.DataFrame,
    assessments: pd.DataFrame,
    *,
    day: date,
    today: date,
    scope: Scope | None,
) -> pd.DataFrame:
    """Members on `day` in the scope, with their stage that day, their last quality-assurance review
    completed by then (NaT for none) and whether a review is planned or under way."""
    stages = stages_on(hotlines, stage_changes, day=day, today=today).to_numpy()
    chosen = hotlines.assign(stage_on_day=stages)[pd.Series(stages, index=hotlines.index).isin(MEMBER_STAGES)]
    chosen = chosen[in_scope(chosen, scope)]
    reviews = assessments[(assessments["kind"] == QA_REVIEW) & (assessments["status"] == ASSESSMENT_COMPLETED)]
    completed = _completed_on(reviews)
    last = reviews.assign(completed_on=completed)[completed < _end_of(day)].groupby("hotline_id")["completed_on"].max()
    planned = set(
        assessments.loc[
            (assessments["kind"] == QA_REVIEW) & assessments["status"].isin(ASSESSMENT_OPEN_STATUSES), "hotline_id"
        ].dropna()
    )
    return chosen.assign(
        last_review=last.astype("datetime64[us]").reindex(chosen["hotline_id"].to_numpy()).to_numpy(),
        scheduled=chosen["hotline_id"].isin(planned).to_numpy(),
    )


def qa_reviews_due(
    hotlines: pd.DataFrame,
    stage_changes: pd.DataFrame,
    assessments: pd.DataFrame,
    *,
    period: Period | None,
    scope: Scope | None,
    today: date,
    cycle_months: int,
    first_review_months: int,
    window_days: int = EXPIRY_WINDOW_DAYS,
) -> pd.DataFrame:
    """Members on the day (today, or the period's last day) with a quality-assurance review on record
    whose next review is overdue or due within `window_days` days of the day: a full member
    `cycle_months` after its last review (or after becoming a full member, if later), a provisional
    member `first_review_months` after its last review. Members with no review on record are not
    here: they are `qa_unreviewed_members` (their history may predate the toolkit)."""
    day = reference_day(period, today)
    chosen = _qa_members(hotlines, stage_changes, assessments, day=day, today=today, scope=scope)
    chosen = chosen[chosen["last_review"].notna()]
    full = chosen["stage_on_day"] == FULL_MEMBER
    last_review = chosen["last_review"].astype("datetime64[us]")
    full_since = chosen["full_member_on"].astype("datetime64[us]").where(full)
    base = pd.concat([last_review, full_since], axis=1).max(axis=1).astype("datetime64[us]")
    due_on = add_months(base, cycle_months).where(full, add_months(base, first_review_months))
    stamp = _stamp(day)
    due = due_on <= _stamp(day + timedelta(days=window_days))
    frame = pd.DataFrame(
        {
            "hotline_id": chosen["hotline_id"].to_numpy(),
            "brand_name": chosen["brand_name"].to_numpy(),
            "country": chosen["country_name"].to_numpy(),
            "stage": chosen["stage_on_day"].to_numpy(),
            "last_review": last_review.dt.strftime("%Y-%m-%d").to_numpy(),
            "due_on": due_on.dt.strftime("%Y-%m-%d").to_numpy(),
            "state": ["overdue" if d < stamp else "due" for d in due_on],
            "scheduled": chosen["scheduled"].to_numpy(),
        },
        columns=list(QA_DUE_COLUMNS),
    )
    return frame[due.to_numpy()].sort_values(["due_on", "brand_name"], ignore_index=True)


def qa_unreviewed_members(
    hotlines: pd.DataFrame,
    stage_changes: pd.DataFrame,
    assessments: pd.DataFrame,
    *,
    period: Period | None,
    scope: Scope | None,
    today: date,
) -> pd.DataFrame:
    """Members on the day with no quality-assurance review on record by then (counted apart from the
    reviews due: no due date is made up for them)."""
    day = reference_day(period, today)
    chosen = _qa_members(hotlines, stage_changes, assessments, day=day, today=today, scope=scope)
    chosen = chosen[chosen["last_review"].isna()]
    return pd.DataFrame(
        {
            "hotline_id": chosen["hotline_id"].to_numpy(),
            "brand_name": chosen["brand_name"].to_numpy(),
            "country": chosen["country_name"].to_numpy(),
            "stage": chosen["stage_on_day"].to_numpy(),
            "joined_on": chosen["joined_on"].dt.strftime("%Y-%m-%d").fillna("").to_numpy(),
            "scheduled": chosen["scheduled"].to_numpy(),
        },
        columns=list(QA_UNREVIEWED_COLUMNS),
    ).sort_values(["brand_name"], ignore_index=True)


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


def progress_share(*, baseline: float, target: float, achieved: float | None) -> float | None:
    """The share of the way from the baseline to the target that `achieved` covers, in per cent with one
    decimal (0 at the baseline, 100 at the target, negative when it moved away); None when nothing was
    measured or the target is the baseline."""
    if achieved is None or target == baseline:
        return None
    return round(100 * (achieved - baseline) / (target - baseline), 1)


def indicator_status(*, baseline: float, target: float, achieved: float | None, elapsed: float) -> str:
    """Where an indicator stands at the end of a period that is `elapsed` (0-1) through the grant:
    achieved when it reached its target; else, from its progress from the baseline to the target
    (`progress_share`), on track when that is at least 90 % of the time elapsed, at risk from 60 %,
    behind below that (or when nothing was measured). A target below the baseline is a reduction:
    reached when the value is at or below it."""
    if achieved is None:
        return BEHIND
    decreasing = target < baseline
    if (achieved <= target) if decreasing else (achieved >= target):
        return ACHIEVED
    progress = (progress_share(baseline=baseline, target=target, achieved=achieved) or 0.0) / 100
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
    "scope",
    "unit",
    "baseline",
    "target",
    "achieved",
    "progress",
    "status",
)


def indicator_progress(
    grant_indicators: pd.DataFrame, *, achieved: Mapping[int, float | None], elapsed: Mapping[str, float]
) -> pd.DataFrame:
    """One row per indicator (the frame's order): its scope, baseline, target, the `achieved` value (by
    indicator id; a manual indicator's own value when absent), its progress from the baseline to the
    target (`progress_share`), and its status for the share of its grant's time `elapsed` (by grant code)."""
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
                row.scope,
                row.unit,
                baseline,
                target,
                value,
                progress_share(baseline=baseline, target=target, achieved=value),
                indicator_status(
                    baseline=baseline, target=target, achieved=value, elapsed=elapsed.get(row.grant_code, 1.0)
                ),
            )
        )
    return pd.DataFrame.from_records(rows, columns=list(INDICATOR_PROGRESS_COLUMNS))
