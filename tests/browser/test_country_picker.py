"""The searchable country picker (`core.forms.CountryMultiSelect`) in a staff form, in a real browser:
network staff type part of a country's name, pick two countries, save, and find them saved."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from network.models import Hotline
from tests.accounts.factories import UserFactory
from tests.browser.test_cms_public import _csp_errors
from tests.browser.test_search import _sign_in
from tests.demo import DEMO_PASSWORD
from tests.network.factories import HotlineFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_pick_two_countries_by_typing_and_they_are_saved(live_server, browser):
    UserFactory(role=Role.NETWORK_STAFF, email="picker.browser@example.org", password=DEMO_PASSWORD)
    hotline = HotlineFactory(brand_name="Picker Line")
    hotline.countries_served.set([hotline.country])

    page = _sign_in(browser, live_server, "picker.browser@example.org")
    csp_errors = _csp_errors(page)
    page.goto(f"{live_server.url}/admin/network/hotlines/edit/{hotline.pk}/")
    # Type once the admin's scripts have all loaded, as a person would.
    page.wait_for_load_state("networkidle")
    search = page.locator(".country-picker__search")
    assert page.locator("select[name=countries_served]").is_hidden(), "the plain select gives way to the picker"

    matches = page.get_by_role("listbox", name="Countries served")
    search.fill("keny")  # part of the name, any case
    matches.get_by_role("option", name="Kenya").click()
    search.fill("GHA")  # Afghanistan matches too: pick Ghana with the keyboard
    names = matches.get_by_role("option").all_inner_texts()
    assert any(name.startswith("Afghanistan") for name in names) and "Ghana" in names
    for _step in range(names.index("Ghana") + 1):
        search.press("ArrowDown")
    search.press("Enter")
    chosen = page.locator(".country-picker__chosen").inner_text()
    assert "Kenya" in chosen and "Ghana" in chosen

    page.get_by_role("button", name="Save").first.click()
    page.wait_for_url("**/admin/network/hotlines/**")
    served = set(Hotline.objects.get(pk=hotline.pk).countries_served.values_list("code", flat=True))
    assert {"KE", "GH"} <= served and hotline.country_id in served

    # Back on the form, the saved countries are listed as chosen.
    page.goto(f"{live_server.url}/admin/network/hotlines/edit/{hotline.pk}/")
    chosen = page.locator(".country-picker__chosen").inner_text()
    assert "Kenya" in chosen and "Ghana" in chosen
    assert not csp_errors
