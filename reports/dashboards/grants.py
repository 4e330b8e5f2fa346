"""The grant progress dashboard's sections: each grant's indicators against their baselines and targets."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import pandas as pd
from django.utils.translation import gettext as _

from reports import aggregations as agg
from reports import charts, metrics
from reports.dashboards.base import Section, _json
from reports.grants.selectors import INDICATOR_SCOPE_TEXT, INDICATOR_STATUS_TEXT
from reports.metrics import Context
from reports.scope import Scope, indicator_scope


# -- Grant progress ------------------------------------------------------------------------------------
def _number(value: Any) -> int | float | None:
    """A baseline, target or value as shown: whole numbers without ".0", others to two decimals."""
    if value is None or pd.isna(value):
        return None
    value = round(float(value), 2)
    return int(value) if value.is_integer() else value


def grant_indicator_rows(f: Mapping[str, pd.DataFrame], c: Context) -> tuple[pd.DataFrame, dict[str, date]]:
    """Each indicator's progress (`aggregations.indicator_progress`), its metric's label and definition
    or its manual justification, for the grants in the filter (every grant visible without one), and
    the day each grant's indicators stand at: the period's last day (the dashboard's period, or the
    grant's span up to today), never after the grant ends. An indicator linked to a metric is measured
    by `metrics.indicator_values` on its own scope (the grant's coverage or the whole network, within the
    regions chosen), as its baseline was: all the indicators of one metric at once, counted in one query
    where the metric can be (`Metric.counted_many`), else on frames loaded once each (however many
    grants and indicators)."""
    indicators = f["grant_indicators"]
    if c.scope is not None and c.scope.grant is not None:
        indicators = indicators[indicators["grant_code"] == c.scope.grant.code]
    coverages = agg.grant_coverages(indicators)
    within = None if c.scope is None else Scope(c.scope.regions, c.scope.countries, c.scope.world_regions)
    achieved: dict[int, float | None] = {}
    elapsed: dict[str, float] = {}
    days: dict[str, date] = {}
    sources: dict[int, tuple[str, str]] = {}
    # For each metric linked: its indicators and, for each, (scope, since, day).
    asked: dict[str, tuple[list[int], list[tuple[Scope | None, date, date]]]] = {}
    for grant_code, rows in indicators.groupby("grant_code", sort=False):
        starts_on, ends_on = rows["grant_starts_on"].iloc[0].date(), rows["grant_ends_on"].iloc[0].date()
        period = c.period or agg.grant_period(starts_on, ends_on, c.today)
        day = min(period.end, ends_on)
        days[str(grant_code)] = day
        elapsed[str(grant_code)] = agg.elapsed_share(starts_on, ends_on, min(day, c.today))
        for row in rows.itertuples(index=False):
            indicator_id = int(row.indicator_id)
            if not row.metric_key:
                sources[indicator_id] = (_("Manual value"), row.justification)
                continue
            try:
                metric = metrics.get(row.metric_key)
            except KeyError:
                achieved[indicator_id] = None
                sources[indicator_id] = (row.metric_key, _("This metric is no longer available."))
                continue
            scope = indicator_scope(row.scope, coverages[str(grant_code)], within)
            ids, asks = asked.setdefault(metric.key, ([], []))
            ids.append(indicator_id)
            asks.append((scope, starts_on, day))
            sources[indicator_id] = (str(metric.label), str(metric.definition))
    for key, (ids, asks) in asked.items():
        values = metrics.indicator_values(metrics.get(key), f, c, asks, counted=True)
        achieved.update(zip(ids, values, strict=True))
    progress = agg.indicator_progress(indicators, achieved=achieved, elapsed=elapsed)
    progress["source"] = [sources[int(i)][0] for i in progress["indicator_id"]]
    progress["definition"] = [sources[int(i)][1] for i in progress["indicator_id"]]
    progress["baseline_note"] = indicators["baseline_justification"].to_numpy()
    return progress, days


def _indicator_table(progress: pd.DataFrame) -> pd.DataFrame:
    status_text = {key: str(label) for key, label in INDICATOR_STATUS_TEXT.items()}
    scope_text = {key: str(label) for key, label in INDICATOR_SCOPE_TEXT.items()}
    numbers = {
        _("Baseline"): "baseline",
        _("Target"): "target",
        _("Achieved"): "achieved",
        _("Progress from baseline to target (%)"): "progress",
    }
    definitions = [
        f"{definition} {_('Baseline: %(why)s') % {'why': note}}" if note else str(definition)
        for definition, note in zip(progress["definition"], progress["baseline_note"], strict=True)
    ]
    columns = {
        _("Code"): progress["code"].astype(str).tolist(),
        _("Indicator"): progress["title"].astype(str).tolist(),
        _("Scope"): [scope_text.get(key, key) for key in progress["scope"]],
        _("Unit"): progress["unit"].astype(str).tolist(),
        **{label: pd.Series([_number(v) for v in progress[key]], dtype=object) for label, key in numbers.items()},
        _("Status"): [status_text.get(status, status) for status in progress["status"]],
        _("Measured by"): progress["source"].astype(str).tolist(),
        _("Definition or justification"): definitions,
    }
    return pd.DataFrame({label: pd.Series(values, dtype=object) for label, values in columns.items()})


def _grant_definition(day: date | None) -> str:
    text = str(metrics.INDICATOR_METHOD)
    if day is None:
        return text
    return text + " " + _("Indicators as they stood on %(day)s.") % {"day": day.isoformat()}


def grant_sections(f: Mapping[str, pd.DataFrame], c: Context) -> list[Section]:
    """One section per grant (its indicators' table and chart), or one empty section when no grant in
    the filter has indicators."""
    progress, days = grant_indicator_rows(f, c)
    if progress.empty:
        filtered = c.scope is not None and c.scope.grant is not None
        return [
            Section(
                "indicators",
                _("Grant indicators"),
                _grant_definition(None),
                _indicator_table(progress),
                empty=_("This grant has no indicators yet.") if filtered else _("No grant has indicators yet."),
            )
        ]
    status_labels = {key: str(label) for key, label in INDICATOR_STATUS_TEXT.items()}
    titles = dict(zip(f["grant_indicators"]["grant_code"], f["grant_indicators"]["grant_title"], strict=False))
    sections = []
    for grant_code, rows in progress.groupby("grant_code", sort=False):
        code = str(grant_code)
        title = _("%(code)s: %(title)s") % {"code": code, "title": titles.get(code, "")}
        sections.append(
            Section(
                f"indicators-{code}",
                title,
                _grant_definition(days[code]),
                _indicator_table(rows),
                _json(
                    charts.indicator_progress_chart(
                        rows,
                        status_labels=status_labels,
                        title=_("%(code)s: achieved against target") % {"code": code},
                    )
                ),
            )
        )
    return sections
