"""A real browser: the candidate uploads a PDF and submits a checklist item, the reviewer asks for
changes, the candidate answers and submits again, another person (the reviewer) accepts it, and
the candidate's progress bar moves."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.roles import Role
from accounts.services import affiliation_set
from network.models import Hotline
from onboarding import services
from onboarding.models import ChecklistItem
from tests.accounts.factories import UserFactory
from tests.browser.test_lifecycle import serious_accessibility_problems, sign_in, watch_csp
from tests.onboarding.factories import HotlineFactory, country

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def new_page(browser: Any) -> tuple[Any, Any]:
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(15_000)
    return context, context.new_page()


def progress(page: Any) -> int:
    return int(page.locator("#progress-overall").get_attribute("value"))


def test_a_checklist_item_goes_round_the_review_loop_and_the_progress_bar_moves(live_server, page, browser):
    staff = UserFactory(role=Role.NETWORK_STAFF, email="samira@example.org")
    reviewer = UserFactory(role=Role.REVIEWER, email="ines.reviewer@example.org")
    candidate = UserFactory(email="kofi@example.org")
    hotline = HotlineFactory(
        brand_name="SafeNet Ghana", country=country("GH"), stage=Hotline.Stage.FEASIBILITY_REVIEW, lead_staff=staff
    )
    affiliation_set(user=candidate, target=hotline.host_organisation, acting_user=None)
    services.checklist_create(hotline=hotline, acting_user=staff)
    assignment = services.reviewer_assign(hotline=hotline, reviewer=reviewer, acting_user=staff)
    services.reviewer_declare(assignment=assignment, has_conflict=False, statement="", acting_user=reviewer)
    item = ChecklistItem.objects.get(checklist__hotline=hotline, code="2.1")
    checklist_url = live_server.url + reverse("portal:onboarding_checklist", args=[hotline.pk])
    item_url = live_server.url + reverse("portal:onboarding_checklist_item", args=[item.pk])

    # The candidate uploads the due-diligence documents and submits the item.
    candidate_csp = watch_csp(page)
    sign_in(page, live_server, candidate.email)
    page.wait_for_url(live_server.url + "/portal/")
    page.goto(checklist_url)
    assert progress(page) == 0
    assert serious_accessibility_problems(page) == []
    page.get_by_role("link", name="2.1 Host organisation due diligence").first.click()
    page.wait_for_url(item_url)
    page.locator("input[name=document]").set_input_files(
        files=[{"name": "statutes-and-accounts.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Upload").click()
    assert "“statutes-and-accounts.pdf” uploaded." in page.content()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_test_id("item-state")).to_have_text("Submitted for review")
    assert serious_accessibility_problems(page) == []

    # The reviewer asks for changes.
    review_context, review = new_page(browser)
    reviewer_csp = watch_csp(review)
    sign_in(review, live_server, reviewer.email)
    review.wait_for_url(live_server.url + "/admin/")
    review.goto(live_server.url + reverse("onboarding_admin:review_queue"))
    review.get_by_role("link", name="2.1 Host organisation due diligence").click()
    review.get_by_label("Comment or reason").fill("Please add the list of board members.")
    review.get_by_role("button", name="Request changes").click()
    expect(review.get_by_test_id("item-state")).to_have_text("Changes requested")

    # The candidate answers in the thread and submits again.
    page.goto(item_url)
    assert "Please add the list of board members." in page.content()
    page.get_by_role("textbox", name="Comment").fill("The board list is on page 3 of the statutes.")
    page.get_by_role("button", name="Send the comment").click()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_test_id("item-state")).to_have_text("Submitted for review")

    # The reviewer (not the submitter) accepts it.
    review.reload()
    assert "The board list is on page 3 of the statutes." in review.content()
    review.get_by_role("button", name="Accept").click()
    expect(review.get_by_test_id("item-state")).to_have_text("Accepted")
    assert reviewer_csp == []
    review_context.close()

    page.goto(checklist_url)
    assert progress(page) == 1
    assert "1 of" in page.locator(".ob-overall").inner_text()
    item.refresh_from_db()
    assert (item.state, item.submitted_by, item.reviewed_by) == ("accepted", candidate, reviewer)
    assert candidate_csp == []
