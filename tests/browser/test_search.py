"""Search in a real browser: the admin dashboard's search box as network staff and as a reviewer
(who finds only the dossiers assigned to them), the public search leading to "where to report", and
a country without a member hotline."""

from __future__ import annotations

from typing import Any

import pytest

from network.models import Hotline
from tests.browser.test_cms_public import _axe_violations, _csp_errors
from tests.cms.factories import make_hotline
from tests.cms.site import build_site_tree
from tests.demo import DEMO_PASSWORD, seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(browser: Any, live_server: Any, email: str) -> Any:
    context = browser.new_context(locale="en-GB", viewport={"width": 1400, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button:has-text('Sign In')")
    page.wait_for_url(live_server.url + "/admin/")
    return page


def _search_from_the_dashboard(page: Any, live_server: Any, query: str) -> None:
    page.goto(live_server.url + "/admin/")
    box = page.locator("main form[role=search] #id_q")
    box.fill(query)
    box.press("Enter")
    page.wait_for_url("**/admin/search/?q=*")


def test_the_admin_search_box_as_staff_and_as_a_reviewer(live_server, browser, settings):
    from accounts.models import User
    from onboarding.models import ReviewerAssignment

    seed_demo(settings)
    reviewer = User.objects.get(email="reviewer@example.org")
    assigned_ids = set(ReviewerAssignment.objects.open_to(reviewer).values_list("hotline_id", flat=True))
    assigned = Hotline.objects.candidates().filter(pk__in=assigned_ids).order_by("brand_name").first()
    foreign = Hotline.objects.candidates().exclude(pk__in=assigned_ids).order_by("brand_name").first()
    assert assigned and foreign

    staff = _sign_in(browser, live_server, "staff@example.org")
    csp_errors = _csp_errors(staff)
    _search_from_the_dashboard(staff, live_server, foreign.brand_name)
    candidates = staff.locator("section[data-kind=candidates]")
    assert candidates.get_by_role("heading").inner_text().startswith("Candidates")
    candidates.get_by_role("link", name=foreign.brand_name).click()
    staff.wait_for_url(f"**/admin/onboarding/candidates/{foreign.pk}/")
    assert foreign.brand_name in staff.locator("h1").first.inner_text() + staff.locator("header").first.inner_text()
    # Organisations, contacts and the rest are searched too: the host's name finds it.
    _search_from_the_dashboard(staff, live_server, foreign.host_organisation.name)
    assert staff.locator("section[data-kind=organisations]").get_by_role("link").count() >= 1
    assert _axe_violations(staff) == []
    assert csp_errors == []
    staff.context.close()

    page = _sign_in(browser, live_server, "reviewer@example.org")
    _search_from_the_dashboard(page, live_server, assigned.brand_name)
    dossiers = page.locator("section[data-kind=dossiers]")
    dossiers.get_by_role("link", name=assigned.brand_name).click()
    page.wait_for_url(f"**/admin/onboarding/candidates/{assigned.pk}/dossier/")
    # A dossier the reviewer is not assigned to is never found.
    _search_from_the_dashboard(page, live_server, foreign.brand_name)
    assert page.locator("section[data-kind=dossiers]").count() == 0
    assert page.locator("section[data-kind=candidates]").count() == 0
    assert "Nothing you may see matches" in page.locator("main").inner_text()
    # The sidebar's search box leads to the same search.
    page.goto(live_server.url + "/admin/search/?q=" + assigned.brand_name)
    assert page.locator("section[data-kind=dossiers]").count() == 1
    page.context.close()


@pytest.fixture
def public_site(transactional_db: None) -> Any:
    tree = build_site_tree()
    make_hotline(
        "ZA",
        name="Southern Watch",
        description="Takes reports from across southern Africa.",
        reporting_languages="en, af",
        anonymous_reports="yes",
        accepts_regional_reports=True,
    )
    make_hotline("DE", name="Netzwache", reporting_languages="de, en")
    return tree


def test_public_search_leads_to_where_to_report_and_an_uncovered_country_is_no_dead_end(live_server, page, public_site):
    from cms.models import ReportingRoute

    ReportingRoute.objects.create(
        locale_id=public_site.home.locale_id,
        name="Global Reporting Gateway",
        url="https://report.example.org/",
        languages="en, fr",
    )
    csp_errors = _csp_errors(page)

    page.goto(live_server.url + "/")
    page.get_by_role("search").first.get_by_role("searchbox").fill("Chad")
    page.get_by_role("search").first.get_by_role("searchbox").press("Enter")
    page.wait_for_url("**/search/?q=Chad")
    page.get_by_role("link", name="Where to report in Chad").click()
    page.wait_for_url("**/where-to-report/?country=TD")
    status = page.get_by_role("status").first
    assert "There is no member hotline in Chad yet" in status.inner_text()
    card = page.locator(".no-hotline .hotline-card").filter(has_text="Southern Watch")
    assert "Reports in: English, Afrikaans" in card.inner_text()
    assert "Reports can be anonymous" in card.inner_text()
    assert page.get_by_role("link", name="Global Reporting Gateway").is_visible()
    assert "Netzwache" not in page.locator("main").inner_text()
    assert _axe_violations(page) == []

    # In French, a hotline's name leads to its country's entry, country names in French.
    page.goto(live_server.url + "/fr/search/?q=Netzwache")
    page.locator("section.where-to-report a").first.click()
    page.wait_for_url("**/fr/ou-signaler/?country=DE")
    assert "Allemagne" in page.locator("table.directory").inner_text()
    assert csp_errors == []
