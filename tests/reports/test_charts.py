"""Charts built from aggregation outputs: traces, titles, axis titles, data. No database."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from django.utils import translation

from reports import charts

STAGES = {"exploring": "Exploring", "full_member": "Full member"}
REGIONS = {"europe": "Europe", "south_asia": "South Asia"}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def titles(figure) -> tuple[str, str, str]:
    layout = figure.layout
    return layout.title.text, layout.xaxis.title.text, layout.yaxis.title.text


def test_stage_region_chart_has_a_trace_per_stage():
    table = pd.DataFrame({"region": ["europe", "south_asia"], "exploring": [1, 0], "full_member": [3, 2]})
    figure = charts.stage_region_chart(table, stage_labels=STAGES, region_labels=REGIONS)
    assert len(figure.data) == 2
    assert [trace.name for trace in figure.data] == ["Exploring", "Full member"]
    assert list(figure.data[1].x) == ["Europe", "South Asia"] and list(figure.data[1].y) == [3, 2]
    assert titles(figure) == ("Hotlines by stage and region", "Programme region", "Hotlines")
    assert figure.layout.barmode == "stack"


def test_breakdown_chart_vertical_and_horizontal():
    breakdown = {"law_enforcement": 2, "ngo": 0}
    labels = {"law_enforcement": "Law enforcement", "ngo": "NGO"}
    figure = charts.breakdown_chart(breakdown, labels=labels, title="T", x_title="Sector", y_title="Count")
    assert len(figure.data) == 1 and list(figure.data[0].x) == ["Law enforcement", "NGO"]
    assert titles(figure) == ("T", "Sector", "Count")
    flipped = charts.breakdown_chart(
        breakdown, labels=labels, title="T", x_title="Roundtables", y_title="Sector", horizontal=True
    )
    assert flipped.data[0].orientation == "h" and list(flipped.data[0].y) == ["Law enforcement", "NGO"]
    assert titles(flipped) == ("T", "Roundtables", "Sector")


def test_pipeline_charts():
    funnel = pd.DataFrame({"stage": ["exploring", "full_member"], "reached": [3, 1], "in_stage_now": [1, 1]})
    figure = charts.funnel_chart(funnel, stage_labels=STAGES)
    assert len(figure.data) == 1 and figure.data[0].type == "funnel"
    assert list(figure.data[0].y) == ["Exploring", "Full member"] and list(figure.data[0].x) == [3, 1]
    assert titles(figure) == ("Lifecycle funnel", "Hotlines that reached the stage", "Stage")

    times = pd.DataFrame(
        {
            "stage": ["exploring"],
            "target_days": [21],
            "median_days_completed": [449.0],
            "median_days_now": [None],
        }
    )
    figure = charts.time_in_stage_chart(times, stage_labels=STAGES)
    assert [trace.name for trace in figure.data] == [
        "Median, completed stays",
        "Median, candidates there now",
        "Target",
    ]
    assert titles(figure) == ("Time in stage against the targets", "Stage", "Days")

    stalled = pd.DataFrame({"brand_name": [f"Line {n}" for n in range(25)], "days_over": list(range(25, 0, -1))})
    figure = charts.stalled_chart(stalled)
    assert len(figure.data) == 1 and len(figure.data[0].y) == 20
    assert titles(figure) == ("Stalled candidates (the 20 most overdue)", "Days over the stage's target", "Candidate")


def test_coverage_heatmap_names_every_level():
    matrix = pd.DataFrame({"country": ["GH"], "country_name": ["Ghana"], "law_enforcement": [2], "ngo": [0]})
    levels = ["None yet", "Invited", "Attended", "Committed", "Agreement signed"]
    figure = charts.coverage_heatmap(
        matrix,
        sectors=["law_enforcement", "ngo"],
        sector_labels={"law_enforcement": "Law enforcement", "ngo": "NGO"},
        level_labels=levels,
    )
    assert len(figure.data) == 1 and figure.data[0].type == "heatmap"
    assert [list(row) for row in figure.data[0].z] == [[2, 0]]
    assert [list(row) for row in figure.data[0].text] == [["Attended", "None yet"]]
    assert list(figure.data[0].colorbar.ticktext) == levels
    assert titles(figure) == ("Stakeholder coverage: country by sector", "Sector", "Country")


def test_other_charts_titles_and_traces():
    cases = [
        (
            charts.new_members_chart(pd.DataFrame({"year": [2022, 2023], "new_members": [1, 0]})),
            1,
            ("New members per year", "Year joined", "Hotlines"),
        ),
        (
            charts.countries_by_region_chart(
                pd.DataFrame({"region": ["europe"], "countries": [4]}), region_labels=REGIONS
            ),
            1,
            ("Countries covered by region", "Programme region", "Countries"),
        ),
        (
            charts.roundtables_chart(pd.DataFrame({"year": [2023], "held": [3], "planned": [0]})),
            2,
            ("Roundtables per year", "Year", "Roundtables"),
        ),
        (
            charts.mous_chart(pd.DataFrame({"country": ["Kenya"], "in_force": [1], "pending": [0], "expiring": [1]})),
            3,
            ("Law-enforcement MoUs by country", "Country", "MoUs"),
        ),
        (
            charts.analysts_distribution_chart(pd.DataFrame({"analysts": ["0", "1"], "hotlines": [1, 2]})),
            1,
            ("Analysts per member hotline", "Analysts working at the hotline", "Member hotlines"),
        ),
        (
            charts.certificate_timeline_chart(pd.DataFrame({"month": ["2024-06"], "certificates": [1]})),
            1,
            ("Certificates expiring in the next 12 months", "Month of expiry", "Certificates"),
        ),
        (
            charts.certificates_by_year_chart(pd.DataFrame({"year": [2023], "issued": [3], "expiring": [0]})),
            2,
            ("Certificates issued and expiring per year", "Year", "Certificates"),
        ),
        (
            charts.statistics_region_chart(
                pd.DataFrame({"region": ["europe"], "reports_received": [10], "content_urls_processed": [5]}),
                region_labels=REGIONS,
            ),
            2,
            ("Statistics by region", "Programme region", "Count"),
        ),
    ]
    for figure, traces, expected in cases:
        assert len(figure.data) == traces, expected
        assert titles(figure) == expected


def test_statistics_trend_has_the_share_on_its_own_axis():
    table = pd.DataFrame(
        {
            "year": [2022, 2023],
            "reports_received": [1000, 1300],
            "content_urls_processed": [400, 600],
            "share_removed_within_3_days": [50.0, 80.0],
        }
    )
    figure = charts.statistics_trend_chart(table)
    assert len(figure.data) == 3
    assert figure.data[2].yaxis == "y2" and figure.layout.yaxis2.title.text == "% removed within 3 days"
    assert titles(figure) == ("Statistics per year", "Year the reporting period ended", "Count")


def test_figures_serialise_for_plotly_js_without_a_template():
    figure = charts.new_members_chart(pd.DataFrame({"year": [2023], "new_members": [2]}))
    data = json.loads(charts.figure_json(figure))
    assert data["data"][0]["type"] == "bar" and data["data"][0]["y"] == [2]
    assert data["layout"]["title"]["text"] == "New members per year"
    assert len(json.dumps(data["layout"].get("template", {}))) < 50
