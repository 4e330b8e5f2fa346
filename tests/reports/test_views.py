"""The dashboards in the admin: who may see what, filters, tables equal to downloads, query
counts, the cache and its invalidation."""

from __future__ import annotations

import csv
import datetime
import io
from datetime import date

import openpyxl
import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from accounts.services import affiliation_set
from network.models import Analyst
from reports import dashboards
from reports.dashboards import DASHBOARDS
from tests.cms.factories import make_hotline
from tests.reports.world import build_world

pytestmark = pytest.mark.django_db

SLUGS = [dashboard.slug for dashboard in DASHBOARDS]
ACCESS = {
    Role.NETWORK_STAFF: set(SLUGS),
    Role.GRANTS: {"network", "roundtables", "operations", "grants"},
    Role.CAPACITY: {"network", "capacity"},
    Role.REVIEWER: {"network"},
    Role.EDITOR: set(),
    Role.MODERATOR: set(),
}


def url(slug: str, **query: str) -> str:
    path = reverse("reports_dashboards:dashboard", args=[slug])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def export_url(slug: str, section: str, fmt: str, query: str = "") -> str:
    return reverse("reports_dashboards:export", args=[slug, section, fmt]) + (f"?{query}" if query else "")


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def staff_client(client_for, staff_user):
    return client_for(staff_user)


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content.decode(), "html.parser")


def headline(page: BeautifulSoup, key: str) -> str:
    return page.select_one(f"#figure-{key} .rp-figure__value").get_text(strip=True)


def html_table(page: BeautifulSoup, section: str) -> list[list[str]]:
    table = page.select_one(f"#table-{section}")
    head = [cell.get_text(strip=True) for cell in table.select("thead th")]
    body = [[cell.get_text(strip=True) for cell in row.find_all(["th", "td"])] for row in table.select("tbody tr")]
    return [head, *body]


# -- Access ----------------------------------------------------------------------------------------
def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for target in [reverse("reports_dashboards:index"), *(url(slug) for slug in SLUGS)]:
        response = client.get(target)
        assert response.status_code == 302 and "login" in response["Location"], target
    response = client.get(export_url("network", "countries", "csv"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_portal_users_never_reach_a_dashboard_or_its_data(client_for, make_user, world):
    user = make_user(email="hotline.user@example.org")
    affiliation_set(user=user, target=world.hotlines["KE"].host_organisation, acting_user=None)
    client = client_for(user)
    for target in [url("network"), export_url("network", "countries", "csv"), export_url("capacity", "x", "xlsx")]:
        response = client.get(target)
        assert response.status_code == 302, target
        assert b"Countries" not in response.content


@pytest.mark.parametrize("role", list(ACCESS))
def test_each_role_sees_its_dashboards_and_is_turned_away_from_the_others(role, client_for, make_user, world):
    client = client_for(make_user(role))
    for slug in SLUGS:
        response = client.get(url(slug))
        section = {"network": "countries", "grants": "none"}.get(slug, "x")
        download = client.get(export_url(slug, section, "csv"))
        if slug in ACCESS[role]:
            assert response.status_code == 200, (role, slug)
        else:
            # Wagtail's permission denied: back to the admin home with a message.
            assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home"), (role, slug)
            assert download.status_code == 302 and download["Location"] == reverse("wagtailadmin_home")
    index = client.get(reverse("reports_dashboards:index"))
    assert index.status_code == (200 if ACCESS[role] else 302)


def test_the_menu_lists_only_the_dashboards_a_role_may_see(client_for, make_user, world):
    response = client_for(make_user(Role.CAPACITY)).get(reverse("wagtailadmin_home"))
    html = response.content.decode()
    assert "Dashboards" in html
    assert reverse("reports_dashboards:dashboard", args=["capacity"]) in html
    assert reverse("reports_dashboards:dashboard", args=["pipeline"]) not in html


# -- Content ---------------------------------------------------------------------------------------
def test_every_dashboard_renders_its_figures_with_their_definitions(staff_client, world):
    for dashboard in DASHBOARDS:
        page = soup(staff_client.get(url(dashboard.slug)))
        assert page.find("h1").get_text(strip=True) == str(dashboard.title)
        for key in dashboard.headlines:
            figure = page.select_one(f"#figure-{key}")
            assert figure.select_one(".rp-figure__definition").get_text(strip=True), key
        for section in page.select(".rp-section"):
            assert section.select_one(".rp-definition").get_text(strip=True)
            chart = section.select_one(".rp-chart")
            if chart is not None:
                # Drawn by external JS from JSON data, with the table beneath as the alternative.
                assert page.find("script", id=chart["data-figure"])["type"] == "application/json"
                assert section.select_one("table caption")
    page = soup(staff_client.get(url("network")))
    assert headline(page, "member_hotlines") == "3"
    assert headline(page, "countries_covered") == "4"


def test_no_inline_scripts_and_plotly_from_our_static_files(staff_client, world):
    html = staff_client.get(url("pipeline")).content.decode()
    page = BeautifulSoup(html, "html.parser")
    assert page.find("script", src="/static/cms/vendor/plotly.min.js")
    assert page.find("script", src="/static/reports/js/dashboards.js")
    ours = [s for s in page.find_all("script") if not s.get("src") and s.get("type") != "application/json"]
    # Wagtail's own inline scripts carry the CSP nonce; ours are all external or JSON data.
    assert all(s.get("nonce") for s in ours)
    assert "cdn." not in html


def test_filters_change_the_numbers(staff_client, world):
    page = soup(staff_client.get(url("network")))
    assert headline(page, "member_hotlines") == "3"
    africa = soup(staff_client.get(url("network", programme_region="sub_saharan_africa")))
    assert headline(africa, "member_hotlines") == "1"
    assert africa.select_one(".rp-status")
    world_region = soup(staff_client.get(url("network", region="Europe")))
    assert headline(world_region, "member_hotlines") == "2"
    period = soup(staff_client.get(url("operations", start="2023-01-01", end="2023-12-31")))
    assert headline(period, "reports_received") == "1,300"
    assert headline(soup(staff_client.get(url("operations"))), "reports_received") == "2,300"


def test_invalid_filters_are_named_and_not_applied(staff_client, world):
    page = soup(staff_client.get(url("network", start="2024-05-01", end="2024-01-01", programme_region="mars")))
    errors = " ".join(e.get_text(" ", strip=True) for e in page.select(".rp-error"))
    assert "The period ends before it starts" in errors
    assert "Select a valid choice" in errors
    assert page.select_one(".help-critical")
    assert headline(page, "member_hotlines") == "3"
    response = staff_client.get(export_url("network", "countries", "csv", "start=2024-05-01&end=2024-01-01"))
    assert response.status_code == 400
    assert "ends before it starts" in response.content.decode()


def test_grant_progress_says_plainly_that_no_grant_has_indicators_yet(staff_client, world):
    page = soup(staff_client.get(url("grants")))
    assert page.select_one(".rp-empty").get_text(strip=True) == "No grant has indicators yet."
    assert page.select_one("#id_grant").has_attr("disabled")


# -- Downloads ---------------------------------------------------------------------------------------
def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _xlsx_rows(content: bytes) -> list[list[str]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
    return [[_xlsx_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]


def _xlsx_text(value: object) -> str:
    """A cell as the page shows it: dates are real spreadsheet dates, shown as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    return str(value)


@pytest.mark.parametrize("slug", [s for s in SLUGS if s != "grants"])
def test_each_download_equals_the_table_shown(staff_client, world, slug):
    query = "programme_region=europe" if slug == "operations" else ""
    page = soup(staff_client.get(url(slug) + (f"?{query}" if query else "")))
    sections = [section["id"].removeprefix("section-") for section in page.select(".rp-section")]
    checked = 0
    for section in sections:
        if not page.select_one(f"#table-{section}"):
            continue
        shown = html_table(page, section)
        link = page.select_one(f"#section-{section} .rp-downloads a")["href"]
        assert link == export_url(slug, section, "csv", query)
        response = staff_client.get(link)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
        assert _csv_rows(response.content) == shown, section
        xlsx = staff_client.get(export_url(slug, section, "xlsx", query))
        assert xlsx.status_code == 200
        rows = _xlsx_rows(xlsx.content)
        # Numbers stay numbers in the spreadsheet (Excel does not tell 30 from 30.0): same values.
        assert [[_value(cell) for cell in row] for row in rows] == [[_value(cell) for cell in row] for row in shown]
        checked += 1
    assert checked >= 2


def _value(cell: str) -> str | float:
    try:
        return float(cell)
    except ValueError:
        return cell


def test_unknown_section_or_format_is_not_found(staff_client, world):
    assert staff_client.get(export_url("network", "nothing-here", "csv")).status_code == 404
    assert (
        staff_client.get(reverse("reports_dashboards:export", args=["network", "countries", "pdf"])).status_code == 404
    )
    assert staff_client.get(url("no-such-dashboard")).status_code == 404


def test_a_spreadsheet_formula_in_a_name_is_made_inert(staff_client, world):
    make_hotline("PT", name="=HYPERLINK(1)", analysts=1)
    response = staff_client.get(export_url("capacity", "single_analyst", "csv"))
    assert "'=HYPERLINK(1)" in response.content.decode("utf-8-sig")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_name_starting_with_a_tab_or_carriage_return_is_made_inert(staff_client, world, fmt):
    import io

    make_hotline("PT", name="\t=HYPERLINK(1)", analysts=1)
    make_hotline("ES", name="\r@SUM(2)", analysts=1)
    body = staff_client.get(export_url("capacity", "single_analyst", fmt)).content
    if fmt == "csv":
        text = body.decode("utf-8-sig")
        assert "'\t=HYPERLINK(1)" in text and "'\r@SUM(2)" in text
    else:
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(body), read_only=True).active
        cells = {cell for row in sheet.iter_rows(values_only=True) for cell in row if isinstance(cell, str)}
        assert {"'\t=HYPERLINK(1)", "'\n@SUM(2)"} <= cells  # XML reads a carriage return back as a line feed


# -- Queries and cache ---------------------------------------------------------------------------------
def _queries(client, target: str) -> int:
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(target).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("slug", SLUGS)
def test_query_count_does_not_grow_with_the_data(staff_client, world, slug, django_assert_max_num_queries):
    staff_client.get(url(slug))  # the session and the permissions settle
    small = _queries(staff_client, url(slug))
    for index in range(12):
        hotline = make_hotline("DE" if index % 2 else "BR", analysts=index % 3)
        Analyst.objects.create(hotline=hotline, code=f"MORE-{index}", ended_on=date(2020, 1, 1))
    with django_assert_max_num_queries(small):
        assert staff_client.get(url(slug)).status_code == 200
    assert small <= 20


def test_a_repeated_load_does_no_aggregation_work(staff_client, world, monkeypatch):
    calls = []
    build = dashboards.build
    monkeypatch.setattr(dashboards, "build", lambda *args, **kwargs: calls.append(1) or build(*args, **kwargs))
    first = staff_client.get(url("capacity", programme_region="europe"))
    with CaptureQueriesContext(connection) as captured:
        second = staff_client.get(url("capacity", programme_region="europe"))
    assert calls == [1]
    assert soup(first).select(".rp-section") == soup(second).select(".rp-section")
    assert not [q for q in captured.captured_queries if "network_" in q["sql"] or "onboarding_" in q["sql"]]
    # Other filters are other entries; exports of the same filters use the same entry.
    staff_client.get(url("capacity", programme_region="south_asia"))
    assert calls == [1, 1]
    staff_client.get(export_url("capacity", "single_analyst", "csv", "programme_region=europe"))
    assert calls == [1, 1]


def test_a_write_shows_at_once(staff_client, world):
    assert headline(soup(staff_client.get(url("network"))), "member_hotlines") == "3"
    assert headline(soup(staff_client.get(url("capacity"))), "single_analyst_hotlines") == "2"
    make_hotline("PT", analysts=1)
    assert headline(soup(staff_client.get(url("network"))), "member_hotlines") == "4"
    world.analysts["KE-2"].delete()
    assert headline(soup(staff_client.get(url("capacity"))), "single_analyst_hotlines") == "4"


def _builds(monkeypatch) -> list[str]:
    """The slugs of the dashboards built from the database from now on (not served from the cache)."""
    built: list[str] = []
    build = dashboards.build
    monkeypatch.setattr(
        dashboards, "build", lambda dashboard, *a, **k: built.append(dashboard.slug) or build(dashboard, *a, **k)
    )
    return built


def test_a_write_to_what_a_dashboard_does_not_read_leaves_it_cached(staff_client, world, monkeypatch):
    """Each entry is kept under the versions of the models its queries read: statistics returns are read by
    the operations dashboard, not by the capacity one; a new analyst is read by capacity."""
    from network.models import HotlineStatistics

    staff_client.get(url("capacity")), staff_client.get(url("operations"))
    built = _builds(monkeypatch)
    HotlineStatistics.objects.create(
        hotline=world.hotlines["DE"],
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        reports_received=700,
        content_urls_processed=0,
        validation_status="validated",
    )
    single = headline(soup(staff_client.get(url("capacity"))), "single_analyst_hotlines")
    assert built == []
    assert headline(soup(staff_client.get(url("operations"))), "reports_received") == "3,000"
    assert built == ["operations"]
    world.analysts["KE-2"].delete()
    assert headline(soup(staff_client.get(url("capacity"))), "single_analyst_hotlines") != single
    assert built == ["operations", "capacity"]
    # A bulk write of many kinds (no model named) makes every entry stale.
    from core import dataversion

    dataversion.bump()
    staff_client.get(url("capacity"))
    assert built == ["operations", "capacity", "capacity"]


def test_what_the_filters_read_counts_among_what_an_entry_was_built_from(staff_client, world, monkeypatch):
    """A grant's coverage is read to filter (before the dashboard is built): adding a country to the grant
    changes the figures filtered by it at once."""
    from network.models import Country
    from tests.reports.donor_report_factories import make_grant

    grant = make_grant("TF-1", starts_on=date(2020, 1, 1), ends_on=date(2030, 12, 31))
    grant.countries.set([Country.objects.get(code="KE")])
    assert headline(soup(staff_client.get(url("network", grant="TF-1"))), "member_hotlines") == "1"
    grant.countries.add(Country.objects.get(code="DE"))
    assert headline(soup(staff_client.get(url("network", grant="TF-1"))), "member_hotlines") == "2"
    # A download validates the filters before the entry is read: the coverage is part of the key too.
    countries = export_url("network", "countries", "csv", "grant=TF-1")
    grant.countries.set([Country.objects.get(code="DE")])
    assert "Sub-Saharan Africa,0" in staff_client.get(countries).content.decode()
    grant.countries.add(Country.objects.get(code="KE"))
    assert "Sub-Saharan Africa,1" in staff_client.get(countries).content.decode()


def test_a_write_while_an_entry_is_built_leaves_it_stale(staff_client, world, monkeypatch):
    """The versions are read before the data: a write that lands while the dashboard is being built (after
    its data was read) is seen by the next load."""
    build = dashboards.build
    writes: list[int] = []

    def build_then_write(*args, **kwargs):
        result = build(*args, **kwargs)
        if not writes:
            writes.append(1)
            make_hotline("PT", analysts=1)
        return result

    monkeypatch.setattr(dashboards, "build", build_then_write)
    assert headline(soup(staff_client.get(url("network"))), "member_hotlines") == "3"
    assert headline(soup(staff_client.get(url("network"))), "member_hotlines") == "4"


def test_dates_in_spreadsheet_downloads_are_real_dates():
    import pandas as pd

    from reports.views import xlsx_bytes

    frame = pd.DataFrame({"hotline": ["A", "B"], "expires_on": ["2027-03-01", ""], "note": ["2027-03-01 x", "y"]})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(frame, sheet="Certificates"))).active
    assert isinstance(sheet["B2"].value, datetime.datetime) and sheet["B2"].value.date() == datetime.date(2027, 3, 1)
    assert sheet["B2"].number_format.upper() == "YYYY-MM-DD"
    assert sheet["B3"].value is None and sheet["C2"].value == "2027-03-01 x"
