"""The demo data shows no impossible figure: subsets are never larger than their sets, a headline
equals the rows of the table under it, baselines are measured (never above their network total), and
no due date is made up for a member whose reviews predate the toolkit."""

from __future__ import annotations

from datetime import date

import pytest

from reports import dashboards, metrics, selectors
from reports.metrics import Context
from reports.models import DonorReport, Indicator

pytestmark = pytest.mark.django_db


def test_the_demo_figures_are_possible(demo):
    frames = selectors.Frames()
    context = Context.at()
    built = {dashboard.slug: dashboards.build(dashboard, frames, context) for dashboard in dashboards.DASHBOARDS}

    def value(key: str) -> object:
        return metrics.evaluate(metrics.get(key), frames, context)

    assert 0 < value("certified_analysts") <= value("analysts")
    assert 0 < value("full_members") <= value("member_hotlines")
    assert value("single_analyst_hotlines") <= value("member_hotlines")
    assert sum(value("hotlines_by_region").values()) == value("member_hotlines")
    stage_table = built["network"].section("stage_region").table
    members = sum(
        stage_table[column].sum() for column in ("Provisional member", "Full member") if column in stage_table
    )
    assert members == value("member_hotlines")
    # Headlines equal the rows of the tables listing what they count.
    assert len(built["network"].section("coverage_gaps").table) == value("coverage_gaps")
    assert len(built["quality"].section("qa_reviews_due").table) == value("qa_reviews_due")
    assert len(built["quality"].section("qa_unreviewed").table) == value("qa_unreviewed_members")
    assert len(built["capacity"].section("single_analyst").table) == value("single_analyst_hotlines")
    # A review due follows the last one on record, or is a member's first (due after joining), the
    # same date the list of members with no review recorded shows.
    due = metrics.qa_due_table(frames, context)
    assert len(due) and (due["last_review"] != "").any()
    first = due[due["last_review"] == ""]
    unreviewed = metrics.qa_unreviewed_table(frames, context).set_index("hotline_id")
    assert first["due_on"].tolist() == unreviewed.loc[first["hotline_id"], "first_due_on"].tolist()
    assert value("qa_unreviewed_members") > 0

    # Grant indicators: baselines measured on their scope, never above the network's figure that day.
    indicators = Indicator.objects.exclude(metric_key="").select_related("grant")
    assert indicators.exists()
    for indicator in indicators:
        assert indicator.baseline_measured is not None and not indicator.baseline_overridden, indicator
        assert float(indicator.baseline) == selectors.measured_baseline(indicator, frames=frames), indicator
        metric = metrics.get(indicator.metric_key)
        network = metrics.indicator_value(
            metric, frames, context, scope=None, since=indicator.grant.starts_on, day=indicator.baseline_day
        )
        assert float(indicator.baseline) <= network, indicator
    # The published demo reports carry each indicator's scope and measured baseline day.
    reports = DonorReport.objects.filter(status=DonorReport.Status.PUBLISHED)
    assert reports.count() == 2
    for report in reports:
        for line in report.data["indicators"]:
            assert line["scope_text"] and "progress" in line
            if line["source"] == "metric":
                assert date.fromisoformat(line["baseline_on"]) < date.fromisoformat(report.data["grant_starts_on"])
