"""Hotlines and membership: stages on a day, members, countries covered, coverage gaps."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import pandas as pd

from reports.aggregations.common import (
    CANDIDATE_STAGES,
    FULL_MEMBER,
    MEMBER_STAGES,
    PROVISIONAL_MEMBER,
    _breakdown,
    _end_of,
    _stamp,
    dated_within,
    in_scope,
    reference_day,
)
from reports.scope import Period, Scope


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
