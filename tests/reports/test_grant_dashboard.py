"""The "Grant progress" dashboard: each grant's indicators against baseline and target, computed live
by the registry's metrics over the grant's coverage; filters, downloads equal to the table, access and
bounded queries.

The grant GF-EXP-2025 (2025-2026) covers Ghana and Kenya; one activity links two roundtables in Accra
(2024-11-04, before the grant, and 2025-03-10). A roundtable in Kumasi (2025-06-02) that no activity
links is left out of the grant's figures, and so is one in Nepal. Its indicators: I1 roundtables held
(baseline 0, target 4, a registry metric) and I2 campaign visits (manual: 1250 of 1000). The operating
grant OG-2025 has no countries (it covers the network) and counts every roundtable held.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from onboarding.models import Roundtable
from reports import aggregations as agg
from reports import charts, dashboards, selectors
from reports.grants.selectors import INDICATOR_STATUS_TEXT
from reports.metrics import Context
from reports.models import Activity, Donor, Grant, Indicator
from reports.scope import GrantCoverage, Period, Scope
from tests.reports.donor_report_factories import donor_user
from tests.reports.donor_world import at, country, hotline

pytestmark = pytest.mark.django_db

JUSTIFICATION = "Counted from the campaign's web statistics by the communications team."
HEADINGS = [
    "Code",
    "Indicator",
    "Scope",
    "Unit",
    "Baseline",
    "Target",
    "Achieved",
    "Progress from baseline to target (%)",
    "Status",
    "Measured by",
    "Definition or justification",
]
GRANT_SCOPE = "The grant's coverage"


def roundtable(slug: str, code: str, when: date, host) -> Roundtable:
    return Roundtable.objects.create(
        code=slug, title=slug, country=country(code), status="held", starts_at=at(when), hotline=host
    )


def build() -> dict:
    donor = Donor.objects.create(name="Global Child Safety Fund")
    grant = Grant.objects.create(
        donor=donor,
        code="GF-EXP-2025",
        title="Expanding the hotline network in Africa",
        starts_on=date(2025, 1, 1),
        ends_on=date(2026, 12, 31),
        amount=Decimal("450000"),
    )
    grant.countries.set([country("GH"), country("KE")])
    ghana = hotline("Ghana Safe Line", "GH", "stakeholder_engagement")
    nepal = hotline("Nepal line", "NP", "exploring")
    accra = roundtable("accra-2025", "GH", date(2025, 3, 10), ghana)
    earlier = roundtable("accra-2024", "GH", date(2024, 11, 4), ghana)
    roundtable("kumasi-2025", "GH", date(2025, 6, 2), ghana)  # not linked to the grant
    roundtable("kathmandu-2025", "NP", date(2025, 4, 2), nepal)  # outside its countries
    activity = Activity.objects.create(grant=grant, title="Roundtables in Ghana", planned_start=date(2024, 11, 1))
    activity.roundtables.set([accra, earlier])
    Indicator.objects.create(
        grant=grant,
        code="I1",
        title="Roundtables held",
        metric_key="roundtables_held",
        baseline=0,
        target=4,
        unit="roundtables",
        order=1,
    )
    Indicator.objects.create(
        grant=grant,
        code="I2",
        title="Visits to the awareness campaign",
        manual_value=Decimal("1250"),
        justification=JUSTIFICATION,
        baseline=0,
        target=1000,
        unit="visits",
        order=2,
    )
    operating = Grant.objects.create(
        donor=Donor.objects.create(name="Network Foundation"),
        code="OG-2025",
        title="Operating grant",
        kind=Grant.Kind.OPERATING,
        starts_on=date(2025, 1, 1),
        ends_on=date(2025, 12, 31),
        amount=Decimal("100000"),
    )
    Indicator.objects.create(
        grant=operating, code="N1", title="Roundtables in the network", metric_key="roundtables_held", target=8
    )
    return {"grant": grant, "operating": operating, "donor": donor}


@pytest.fixture
def world():
    return build()


@pytest.fixture
def staff_client(client_for, staff_user):
    return client_for(staff_user)


def url(**query: str) -> str:
    path = reverse("reports_dashboards:dashboard", args=["grants"])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content.decode(), "html.parser")


def html_table(page: BeautifulSoup, section: str) -> list[list[str]]:
    table = page.select_one(f"#table-{section}")
    head = [cell.get_text(strip=True) for cell in table.select("thead th")]
    body = [[cell.get_text(strip=True) for cell in row.find_all(["th", "td"])] for row in table.select("tbody tr")]
    return [head, *body]


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _value(cell: str) -> str | float:
    try:
        return float(cell)
    except ValueError:
        return cell


YEAR_2025_H1 = {"start": "2025-01-01", "end": "2025-06-30"}


# -- What the table shows --------------------------------------------------------------------------------
def test_each_grant_has_a_table_with_achieved_percentage_and_status(staff_client, world):
    page = soup(staff_client.get(url(**YEAR_2025_H1)))
    sections = [section["id"].removeprefix("section-") for section in page.select(".rp-section")]
    assert sections == ["indicators-OG-2025", "indicators-GF-EXP-2025"] or sections == [
        "indicators-GF-EXP-2025",
        "indicators-OG-2025",
    ]
    rows = html_table(page, "indicators-GF-EXP-2025")
    assert rows[0] == HEADINGS
    # Half a year of two: 181 of 730 days elapsed. One linked roundtable held in the period (the
    # earlier one, Kumasi and Nepal are left out): 1 of 4 = 25 %, progress 0.25 >= 0.9 * 0.248: on track.
    i1, i2 = rows[1], rows[2]
    assert i1[:9] == ["I1", "Roundtables held", GRANT_SCOPE, "roundtables", "0", "4", "1", "25", "On track"]
    assert i1[9] == "Roundtables held"
    assert i1[10]  # the metric's definition
    assert i2 == [
        "I2",
        "Visits to the awareness campaign",
        GRANT_SCOPE,
        "visits",
        "0",
        "1000",
        "1250",
        "125",
        "Target achieved",
        "Manual value",
        JUSTIFICATION,
    ]
    # The operating grant covers the network: every roundtable held in the period (3 of 8); half its
    # year is gone (181 of 365 days): progress 0.375 is below 0.9 * 0.496 but above 0.6 * 0.496: at risk.
    operating = html_table(page, "indicators-OG-2025")
    assert operating[1][:9] == ["N1", "Roundtables in the network", GRANT_SCOPE, "", "0", "8", "3", "37.5", "At risk"]
    text = page.select_one("#section-indicators-GF-EXP-2025 .rp-definition").get_text(" ", strip=True)
    assert "Indicators as they stood on 2025-06-30." in text
    assert "Progress from baseline to target" in text
    assert "Grants are not recorded" not in page.get_text()


def test_without_a_period_each_grant_runs_from_its_start_to_today(staff_client, world):
    today = timezone.localdate()
    page = soup(staff_client.get(url()))
    definition = page.select_one("#section-indicators-GF-EXP-2025 .rp-definition").get_text(" ", strip=True)
    end = max(date(2025, 1, 1), min(date(2026, 12, 31), today))
    assert f"Indicators as they stood on {end.isoformat()}." in definition
    i1 = html_table(page, "indicators-GF-EXP-2025")[1]
    elapsed = agg.elapsed_share(date(2025, 1, 1), date(2026, 12, 31), end)
    expected = agg.indicator_status(baseline=0, target=4, achieved=1, elapsed=elapsed)
    assert i1[6:9] == ["1", "25", str(INDICATOR_STATUS_TEXT[expected])]


def test_the_grant_filter_shows_only_that_grant(staff_client, world):
    page = soup(staff_client.get(url(grant="GF-EXP-2025", **YEAR_2025_H1)))
    assert [section["id"] for section in page.select(".rp-section")] == ["section-indicators-GF-EXP-2025"]
    assert html_table(page, "indicators-GF-EXP-2025")[1][6] == "1"
    other = soup(staff_client.get(url(grant="OG-2025", **YEAR_2025_H1)))
    assert [section["id"] for section in other.select(".rp-section")] == ["section-indicators-OG-2025"]


def test_the_grant_filter_offers_the_visible_grants_and_names_an_unknown_code(staff_client, world):
    page = soup(staff_client.get(url()))
    select = page.select_one("#id_grant")
    assert not select.has_attr("disabled")
    options = [(option["value"], option.get_text(strip=True)) for option in select.select("option")]
    assert options[0] == ("", "All grants")
    assert {value for value, _label in options[1:]} == {"GF-EXP-2025", "OG-2025"}
    chosen = soup(staff_client.get(url(grant="OG-2025")))
    assert chosen.select_one("#id_grant option[selected]")["value"] == "OG-2025"
    unknown = soup(staff_client.get(url(grant="NO-SUCH-GRANT")))
    errors = " ".join(error.get_text(" ", strip=True) for error in unknown.select(".rp-error"))
    assert "This grant does not exist or is not visible to you." in errors
    # Not applied: every grant is shown.
    assert len(unknown.select(".rp-section")) == 2
    # The options come with the cached page, and a new grant shows at once.
    _more_grant(world["donor"], 1)
    again = soup(staff_client.get(url()))
    assert "MORE-1" in [option["value"] for option in again.select("#id_grant option")]


def test_the_region_filter_narrows_the_grants_metrics_not_its_manual_values(staff_client, world):
    page = soup(staff_client.get(url(programme_region="south_asia", **YEAR_2025_H1)))
    # Ghana is not in South Asia: nothing of GF-EXP-2025 counts; the network grant keeps Nepal's roundtable.
    assert html_table(page, "indicators-GF-EXP-2025")[1][6] == "0"
    assert html_table(page, "indicators-GF-EXP-2025")[2][6] == "1250"
    assert html_table(page, "indicators-OG-2025")[1][6] == "1"


def test_a_chart_per_grant_and_an_empty_state_without_indicators(staff_client, world):
    page = soup(staff_client.get(url(**YEAR_2025_H1)))
    chart = page.select_one("#section-indicators-GF-EXP-2025 .rp-chart")
    assert page.find("script", id=chart["data-figure"])["type"] == "application/json"
    Indicator.objects.all().delete()
    empty = soup(staff_client.get(url()))
    assert [section["id"] for section in empty.select(".rp-section")] == ["section-indicators"]
    assert empty.select_one(".rp-empty").get_text(strip=True) == "No grant has indicators yet."
    assert not empty.select(".rp-downloads")
    only = soup(staff_client.get(url(grant="OG-2025")))
    assert only.select_one(".rp-empty").get_text(strip=True) == "This grant has no indicators yet."


# -- Downloads ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("query", [YEAR_2025_H1, {}])
def test_the_downloads_equal_the_table(staff_client, world, query):
    page = soup(staff_client.get(url(**query)))
    for section in ("indicators-GF-EXP-2025", "indicators-OG-2025"):
        shown = html_table(page, section)
        link = page.select_one(f"#section-{section} .rp-downloads a")["href"]
        response = staff_client.get(link)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        assert _csv_rows(response.content) == shown
        xlsx = staff_client.get(link.replace(".csv", ".xlsx"))
        assert xlsx.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content), read_only=True).active
        rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        assert [[_value(c) for c in row] for row in rows] == [[_value(c) for c in row] for row in shown]


# -- Access ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.NETWORK_STAFF, True),
        (Role.GRANTS, True),
        (Role.CAPACITY, False),
        (Role.REVIEWER, False),
        (Role.EDITOR, False),
    ],
)
def test_only_admins_network_staff_and_grants_managers_see_it(role, allowed, client_for, make_user, world):
    client = client_for(make_user(role))
    page = client.get(url())
    download = client.get(reverse("reports_dashboards:export", args=["grants", "indicators-GF-EXP-2025", "csv"]))
    if allowed:
        assert page.status_code == 200 and download.status_code == 200
        assert b"GF-EXP-2025" in page.content
    else:
        assert page.status_code == 302 and page["Location"] == reverse("wagtailadmin_home")
        assert download.status_code == 302 and download["Location"] == reverse("wagtailadmin_home")


def test_admins_see_it_and_donor_users_never_do(client_for, superuser, world):
    assert client_for(superuser).get(url()).status_code == 200
    client = client_for(donor_user(world["donor"], "donor.person@example.org"))
    for target in (url(), reverse("reports_dashboards:export", args=["grants", "indicators-GF-EXP-2025", "csv"])):
        response = client.get(target)
        assert response.status_code == 302
        assert b"GF-EXP-2025" not in response.content


def test_the_frame_is_scoped_by_the_users_view_of_grants(world, make_user):
    everything = selectors.grant_indicators_frame(user=make_user(Role.GRANTS))
    assert sorted(everything["code"]) == ["I1", "I2", "N1"]
    donor = donor_user(world["donor"], "donor.person@example.org")
    assert sorted(selectors.grant_indicators_frame(user=donor)["grant_code"].unique()) == ["GF-EXP-2025"]
    assert selectors.grant_indicators_frame(user=make_user(Role.EDITOR)).empty


# -- Queries -----------------------------------------------------------------------------------------------------
def _queries(client, target: str) -> int:
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(target).status_code == 200
    return len(captured.captured_queries)


def _more_grant(donor: Donor, index: int) -> None:
    grant = Grant.objects.create(
        donor=donor,
        code=f"MORE-{index}",
        title=f"More {index}",
        starts_on=date(2025, 1, 1),
        ends_on=date(2026, 6, 30),
        amount=1,
    )
    grant.countries.set([country("KE"), country("GH")])
    activity = Activity.objects.create(grant=grant, title="Roundtables", planned_start=date(2025, 1, 1))
    activity.roundtables.set(Roundtable.objects.all())
    for number, key in enumerate(("roundtables_held", "member_hotlines", "training_events_held")):
        Indicator.objects.create(grant=grant, code=f"I{number}", title=key, metric_key=key, target=5)
    Indicator.objects.create(grant=grant, code="M", title="Manual", manual_value=3, justification="x", target=5)


def test_queries_do_not_grow_with_grants_or_indicators(staff_client, world, django_assert_max_num_queries):
    _more_grant(world["donor"], 0)
    staff_client.get(url())  # the session and the permissions settle
    small = _queries(staff_client, url())
    for index in range(1, 8):
        _more_grant(world["donor"], index)
    from django.core.cache import cache

    cache.clear()
    with django_assert_max_num_queries(small):
        page = soup(staff_client.get(url()))
    assert len(page.select(".rp-section")) == 10
    assert small <= 20


def test_the_sections_are_computed_from_frames_loaded_once(world, django_assert_max_num_queries):
    frames = selectors.load_frames(("grant_indicators",))
    with django_assert_max_num_queries(1):  # roundtables, the only frame the metrics read
        data = dashboards.build(
            dashboards.get("grants"), frames, Context.at(period=Period(date(2025, 1, 1), date(2025, 6, 30)))
        )
    assert [section.key for section in data.sections] == ["indicators-GF-EXP-2025", "indicators-OG-2025"]


# -- Pure parts -----------------------------------------------------------------------------------------------
def test_coverage_progress_and_chart_from_frames():
    frame = pd.DataFrame(
        {
            "indicator_id": [1, 2],
            "grant_code": ["G", "G"],
            "grant_countries": ["GH,KE", "GH,KE"],
            "grant_roundtables": ["3,5", "3,5"],
            "grant_training_events": ["", ""],
            "code": ["I1", "I2"],
            "title": ["Roundtables", "Visits"],
            "metric_key": ["roundtables_held", ""],
            "scope": ["grant", "network"],
            "manual_value": [float("nan"), 30.0],
            "unit": ["", ""],
            "baseline": [0.0, 10.0],
            "target": [4.0, 50.0],
        }
    )
    assert agg.grant_coverages(frame) == {
        "G": GrantCoverage(code="G", countries=frozenset({"GH", "KE"}), roundtables=frozenset({3, 5}))
    }
    progress = agg.indicator_progress(frame, achieved={1: 2.0}, elapsed={"G": 0.5})
    # Progress is the share of the way from the baseline to the target: (30 - 10) / (50 - 10) = 50 %.
    assert progress[["scope", "achieved", "progress", "status"]].to_numpy().tolist() == [
        ["grant", 2.0, 50.0, agg.ON_TRACK],
        ["network", 30.0, 50.0, agg.ON_TRACK],
    ]
    nothing = agg.indicator_progress(frame, achieved={1: None}, elapsed={"G": 0.5})
    assert nothing["status"].tolist()[0] == agg.BEHIND and pd.isna(nothing["progress"].tolist()[0])
    assert agg.grant_period(date(2025, 1, 1), date(2026, 12, 31), date(2024, 6, 1)) == Period(
        date(2025, 1, 1), date(2025, 1, 1)
    )
    figure = charts.indicator_progress_chart(progress, status_labels={"on_track": "On track"}, title="G")
    assert [trace.name for trace in figure.data] == ["On track"]
    assert list(figure.data[0].x) == [50.0, 50.0]
    countries = pd.DataFrame({"country": ["GH", "NP"], "programme_region": ["", ""], "world_region": ["", ""]})
    assert agg.in_scope(countries, Scope.of(grant=agg.grant_coverages(frame)["G"])).tolist() == [True, False]
