"""A real browser: staff move a candidate forward on the board; the candidate's user sees the new stage."""

from __future__ import annotations

from importlib import resources
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.roles import Role
from accounts.services import affiliation_set
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.onboarding.factories import HotlineFactory, country, ready_for_exploring

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_SOURCE = resources.files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


def sign_in(page: Any, live_server: Any, email: str) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def watch_csp(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    return errors


def serious_accessibility_problems(page: Any) -> list[str]:
    page.evaluate(AXE_SOURCE)
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}})"
    )
    return [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_staff_move_a_candidate_forward_and_the_candidate_sees_the_new_stage(live_server, page, browser):
    staff = UserFactory(role=Role.NETWORK_STAFF, email="samira@example.org")
    hotline = HotlineFactory(brand_name="SafeNet Ghana", country=country("GH"), lead_staff=staff)
    ready_for_exploring(hotline)
    candidate = UserFactory(email="kofi@example.org")
    affiliation_set(user=candidate, target=hotline.host_organisation, acting_user=None)

    staff_csp = watch_csp(page)
    sign_in(page, live_server, staff.email)
    page.wait_for_url(live_server.url + "/admin/")
    page.goto(live_server.url + reverse("onboarding_admin:board"))
    card = page.locator(".ob-column", has=page.get_by_role("heading", name="Identified"))
    assert "Ready for the next stage" in card.inner_text()
    card.get_by_role("link", name="SafeNet Ghana").click()
    page.wait_for_url(live_server.url + reverse("onboarding_admin:candidate", args=[hotline.pk]))
    page.get_by_role("link", name="Start exploring…").click()
    page.wait_for_url(live_server.url + reverse("onboarding_admin:transition", args=[hotline.pk, "start_exploring"]))
    page.get_by_label("Reason").fill("Host confirmed in writing; first meeting held in Accra.")
    page.get_by_role("button", name="Start exploring").click()
    # What will happen, then the confirmation.
    assert "moves from Identified to Exploring" in page.locator("main").inner_text()
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(live_server.url + reverse("onboarding_admin:candidate", args=[hotline.pk]))
    assert "SafeNet Ghana moved to Exploring." in page.content()
    assert "Host confirmed in writing" in page.locator(".ob-timeline").inner_text()
    assert staff_csp == []

    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(15_000)
    portal = context.new_page()
    candidate_csp = watch_csp(portal)
    sign_in(portal, live_server, candidate.email)
    portal.wait_for_url(live_server.url + "/portal/")
    portal.get_by_role("link", name="See progress and what is missing").click()
    expect(portal.locator(".ob-stage")).to_have_text("Exploring")
    assert "Next stage: Feasibility review." in portal.content()
    assert "first meeting held in Accra" not in portal.content()  # staff's reason stays internal
    assert serious_accessibility_problems(portal) == []
    assert candidate_csp == []
    context.close()
