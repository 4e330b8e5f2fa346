"""Operations: the hotlines' aggregate statistics returns (reports received, content URLs processed,
the share removed within 3 days), by year and region."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import pandas as pd

from reports.aggregations.common import QUERIED, _round, dated_within, in_scope
from reports.scope import Period, Scope


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
