"""A training event's roster in a real browser, as capacity staff: add the analysts of two hotlines,
then mark them completed and issue their certificates, each step confirmed before it applies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from network.models import TrainingParticipation
from tests.accounts.factories import UserFactory
from tests.browser.test_cms_public import _csp_errors
from tests.browser.test_search import _sign_in
from tests.demo import DEMO_PASSWORD
from tests.network.factories import AnalystFactory, EventFactory, HotlineFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_capacity_staff_fill_a_roster_and_certify_it(live_server, browser):
    UserFactory(role=Role.CAPACITY, email="roster.browser@example.org", password=DEMO_PASSWORD)
    today = timezone.localdate()
    event = EventFactory(code="CORE-BROWSER", starts_on=today - timedelta(days=5), ends_on=today - timedelta(days=4))
    first, second = HotlineFactory(brand_name="Alpha Line"), HotlineFactory(brand_name="Beta Line")
    AnalystFactory(hotline=first, code="ALPHA-1")
    AnalystFactory(hotline=second, code="BETA-1")

    page = _sign_in(browser, live_server, "roster.browser@example.org")
    csp_errors = _csp_errors(page)
    page.goto(f"{live_server.url}/admin/network/events/{event.pk}/roster/")
    assert "Nobody has a place at this event yet." in page.inner_text("main")
    page.get_by_role("link", name="Add analysts of chosen hotlines").click()
    page.get_by_label("Alpha Line").check()
    page.get_by_label("Beta Line").check()
    page.get_by_role("button", name="Show who would be added").click()
    expect(page.locator("main")).to_contain_text("Alpha Line: ALPHA-1")
    assert not TrainingParticipation.objects.exists(), "nothing changes before the confirmation"
    page.get_by_role("button", name="Add them to the roster").click()
    page.wait_for_url(f"**/admin/network/events/{event.pk}/roster/")
    assert "2 analysts added to the roster." in page.inner_text("body")

    for code in ("ALPHA-1", "BETA-1"):
        page.get_by_label(f"Choose {code}").check()
    page.select_option("select[name=action]", "completed")
    page.get_by_role("button", name="Review the change").click()
    assert "ALPHA-1: Confirmed → Completed" in page.inner_text("main")
    page.get_by_role("button", name="Apply to the chosen participants").click()
    page.wait_for_url(f"**/admin/network/events/{event.pk}/roster/")
    assert set(TrainingParticipation.objects.values_list("status", flat=True)) == {"completed"}

    for code in ("ALPHA-1", "BETA-1"):
        page.get_by_label(f"Choose {code}").check()
    page.select_option("select[name=action]", "certify")
    page.fill("input[name=certified_on]", event.ends_on.isoformat())
    page.get_by_role("button", name="Review the change").click()
    page.get_by_role("button", name="Apply to the chosen participants").click()
    page.wait_for_url(f"**/admin/network/events/{event.pk}/roster/")
    assert "2 certificates issued." in page.inner_text("body")
    expiry = event.course.certificate_expiry(event.ends_on)
    assert set(TrainingParticipation.objects.values_list("certified_on", "certificate_expires_on")) == {
        (event.ends_on, expiry)
    }
    assert not csp_errors
