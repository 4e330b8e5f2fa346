"""A real browser on the admin's custom forms with dates: the decision form and the corrective-action form.

The date chooser's script is on the page (no `initDateChooser is not defined`), its picker opens, a
date that reads two ways is refused with both readings, and recording a decision shows what will
happen before it moves the hotline.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from network.models import Hotline
from onboarding import services
from onboarding.models import CorrectiveAction, Decision
from tests.accounts.factories import TEST_PASSWORD
from tests.onboarding.dossier import build_dossier
from tests.onboarding.factories import consolidated

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Any, live_server: Any, email: str) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(live_server.url + "/admin/")


def console_errors(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def awaiting_decision() -> Any:
    world = build_dossier()
    today = timezone.localdate()
    assessment = services.assessment_create(
        hotline=world.hotline,
        kind="pre_membership",
        mode="remote",
        starts_on=today - timedelta(days=20),
        ends_on=today - timedelta(days=18),
        acting_user=world.staff,
    )
    services.assessment_record_findings(
        assessment=assessment,
        findings={area: ("meets", f"Area {area} in place.") for area in range(1, 15)},
        acting_user=world.reviewer,
    )
    services.assessment_complete_report(
        assessment=assessment, recommendation="admit", summary="Ready.", acting_user=world.reviewer
    )
    Hotline.objects.filter(pk=world.hotline.pk).update(stage="decision_pending")
    consolidated(world.hotline)  # the lead consolidates before the Board decides
    world.assessment = assessment
    return world


def picker_opens(page: Any, field: str) -> bool:
    """Wagtail's date chooser: a calendar opens when the field is focused."""
    page.locator(f"#{field}").click()
    page.locator(".xdsoft_datetimepicker .xdsoft_calendar").first.wait_for(state="visible")
    return True


def test_the_decision_form_reads_dates_without_guessing_and_confirms_before_moving(live_server, page):
    world = awaiting_decision()
    errors = console_errors(page)
    sign_in(page, live_server, world.staff.email)
    page.goto(live_server.url + reverse("onboarding_admin:decision_add", args=[world.assessment.pk]))
    assert picker_opens(page, "id_decided_on")
    assert "YYYY-MM-DD or DD/MM/YYYY" in page.locator("main").inner_text()  # the hint beside the field
    page.keyboard.press("Escape")

    page.get_by_label("Decided on").fill("04/12/2026")
    page.get_by_label("Minutes reference").fill("GA-2026-07")
    page.get_by_label("Votes for").fill("30")
    page.get_by_label("Votes against").fill("2")
    page.get_by_label("Abstentions").fill("1")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("could be 4 December 2026 or 12 April 2026")
    assert not Decision.objects.exists() and Hotline.objects.get(pk=world.hotline.pk).stage == "decision_pending"

    today = timezone.localdate()
    page.get_by_label("Decided on").fill(today.isoformat())
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("moves from Decision pending to Provisional member")
    text = page.locator("main").inner_text()
    assert "Nothing has changed yet" in text
    assert today.isoformat() in text
    assert Hotline.objects.get(pk=world.hotline.pk).stage == "decision_pending"
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(live_server.url + reverse("onboarding_admin:candidate", args=[world.hotline.pk]))
    assert Hotline.objects.get(pk=world.hotline.pk).stage == "provisional_member"
    assert Decision.objects.get().decided_on == today
    assert not [e for e in errors if "initDateChooser" in e or "is not defined" in e], errors


def test_the_corrective_action_form_has_a_working_picker_and_refuses_unreadable_dates(live_server, page):
    world = awaiting_decision()
    errors = console_errors(page)
    sign_in(page, live_server, world.reviewer.email)
    url = live_server.url + reverse("onboarding_admin:assessment", args=[world.assessment.pk])
    page.goto(url)
    assert picker_opens(page, "id_due_on")
    page.keyboard.press("Escape")
    page.get_by_role("textbox", name="Action").fill("Publish the retention schedule")
    page.get_by_label("Owner").fill("Hotline manager")
    page.get_by_label("Due on").fill("03/04/2031")
    page.get_by_role("button", name="Add the action").click()
    expect(page.locator("main")).to_contain_text("could be 3 April 2031 or 4 March 2031")
    assert not CorrectiveAction.objects.exists()

    yesterday = timezone.localdate() - timedelta(days=1)
    page.get_by_label("Due on").fill(yesterday.isoformat())
    page.get_by_role("button", name="Add the action").click()
    expect(page.locator("main")).to_contain_text("cannot be due in the past")
    assert not CorrectiveAction.objects.exists()

    page.get_by_label("Due on").fill("13/04/2031")  # only one reading: 13 April
    page.get_by_role("button", name="Add the action").click()
    page.wait_for_url(url)
    assert CorrectiveAction.objects.get().due_on.isoformat() == "2031-04-13"
    assert not [e for e in errors if "initDateChooser" in e or "is not defined" in e], errors
