"""A real browser: the home page, sign in as staff, the Wagtail dashboard."""

from __future__ import annotations

import pytest

from tests.demo import DEMO_PASSWORD, seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_signs_in_and_reaches_the_dashboard(live_server, page, settings):
    seed_demo(settings)
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )

    page.goto(live_server.url + "/")
    assert page.locator("h1").first.inner_text() == "Hotline network"
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill("staff@example.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(live_server.url + "/admin/")
    assert "Dashboard" in page.title()
    assert page.get_by_role("heading", level=1).first.inner_text() == "Hotline network"
    assert violations == [], violations
