"""The lifecycle: stays in stages, time in stage, stalled candidates, the funnel and conversion."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pandas as pd

from reports.aggregations.common import DAY, EXPLORING, MEMBER_STAGES, TRACK, _round, dated_within, in_scope
from reports.scope import Period, Scope


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
