"""Grant indicators: where an indicator stands (`report_data`'s statuses), shares of progress and of
time elapsed, grants' coverages and indicator progress for the grant dashboard."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pandas as pd

from reports.donor import report_data
from reports.scope import GrantCoverage, Period

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
