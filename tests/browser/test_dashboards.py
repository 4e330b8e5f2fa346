"""Dashboards in a real browser: plotly.js from our own static files draws every chart with no
request leaving the site and nothing breaking the CSP; the filter form is a plain GET form; axe-core
finds no serious or critical WCAG 2.2 AA violation in the dashboard content."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.roles import Role
from tests.accounts.factories import TEST_PASSWORD
from tests.browser.test_cms_public import _axe_violations, _csp_errors, _local_only
from tests.reports.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed_in(live_server: Any, page: Any, make_user: Any) -> Any:
    build_world()
    make_user(Role.NETWORK_STAFF, email="dashboards@example.org")
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill("dashboards@example.org")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(live_server.url + "/admin/")
    return page


def _value(page: Any, key: str) -> str:
    return page.locator(f"#figure-{key} .rp-figure__value").inner_text().strip()


def test_charts_draw_from_our_static_files_and_filters_narrow_the_figures(live_server, signed_in):
    page = signed_in
    attempted = _local_only(page, live_server)
    csp_errors = _csp_errors(page)
    page.get_by_role("button", name="Dashboards").click()
    page.get_by_role("link", name="Roundtables and stakeholder coverage").click()
    page.wait_for_selector(".rp-chart[data-drawn='true']")
    charts = page.locator(".rp-chart")
    assert charts.count() == 4
    for index in range(charts.count()):
        chart = charts.nth(index)
        assert chart.get_attribute("data-drawn") == "true"
        assert chart.get_attribute("role") == "figure"
        assert chart.locator(".main-svg").count() >= 1
    assert page.locator(".rp-chart .hm, .rp-chart .heatmaplayer").count() >= 1  # the coverage heat map
    assert _value(page, "roundtables_held") == "3"

    page.get_by_label("Programme region").select_option("south_asia")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**programme_region=south_asia**")
    assert _value(page, "roundtables_held") == "0"
    page.get_by_label("From", exact=True).fill("2023-01-01")
    page.get_by_label("To", exact=True).fill("2023-12-31")
    page.get_by_label("Programme region").select_option("")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**start=2023-01-01**")
    assert _value(page, "roundtables_held") == "2"
    assert attempted == [], attempted
    assert csp_errors == [], csp_errors


def test_dashboard_content_has_no_serious_accessibility_violations(live_server, signed_in):
    page = signed_in
    for slug in ("network", "pipeline", "capacity"):
        page.goto(f"{live_server.url}/admin/dashboards/{slug}/")
        page.wait_for_selector(".rp-chart[data-drawn='true']")
        # Our part of the page: Wagtail's own chrome is checked by Wagtail.
        violations = [
            v for v in _axe_violations(page) if any(part in v for part in ("rp-", "#table-", "#figure-", "#id_"))
        ]
        assert violations == [], (slug, violations)


def test_without_javascript_the_tables_carry_the_figures(live_server, browser, make_user):
    build_world()
    make_user(Role.CAPACITY, email="capacity.nojs@example.org")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill("capacity.nojs@example.org")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(live_server.url + "/admin/")
    page.goto(live_server.url + "/admin/dashboards/capacity/?programme_region=europe")
    assert page.locator(".rp-chart:visible").count() == 0
    assert page.locator("#table-single_analyst tbody tr").count() == 2
    assert page.get_by_label("Programme region").input_value() == "europe"
    context.close()
