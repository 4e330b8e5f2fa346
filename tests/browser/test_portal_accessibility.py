"""Every portal and donor page in a real browser, on a desktop and on a phone (390 px): axe-core
(WCAG 2.2 AA) finds no serious or critical violation, and every "needs review" (incomplete) result
is either gone or accepted below with the reason it was checked and kept."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from network import services as network_services
from network.models import HotlineStatistics
from onboarding import services
from onboarding.models import Roundtable
from tests.accounts.factories import UserFactory
from tests.browser.test_cms_public import AXE_SOURCE, AXE_TAGS, BLOCKING_IMPACTS
from tests.browser.test_lifecycle import sign_in
from tests.network.conftest import _side
from tests.onboarding.dossier import build_dossier, pdf, submitted
from tests.reports.donor_report_factories import donor_user, make_grant
from tests.reports.test_donor_area_trends import H1, data_for, indicator, publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# "Needs review" results looked at by hand on these pages and kept, with why.
ACCEPTED_INCOMPLETE = {
    # On a phone, a table's cells scrolled out of its box or passing under the fixed first column:
    # axe cannot tell what is behind them. The same cells, same colours, pass at desktop width
    # (checked on every page above, where nothing overlaps), so the contrast is known to be met.
    "color-contrast": "cells scrolled out of view or under the fixed first column on a phone; pass on desktop",
}

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def axe(page: Any) -> tuple[list[str], set[str]]:
    """Serious or critical violations, and the ids of the "needs review" results."""
    page.evaluate(AXE_SOURCE)
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} at " + ", ".join(str(n["target"][0]) for n in v["nodes"][:3])
        for v in result["violations"]
        if v["impact"] in BLOCKING_IMPACTS
    ]
    return violations, {item["id"] for item in result["incomplete"]}


def check_pages(page: Any, live_server: Any, paths: dict[str, str]) -> dict[str, Any]:
    problems: dict[str, Any] = {}
    for viewport_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        for name, path in paths.items():
            response = page.goto(live_server.url + path)
            assert response is not None and response.status == 200, (name, path)
            violations, incomplete = axe(page)
            accepted = set(ACCEPTED_INCOMPLETE) if viewport_name == "phone" else set()
            unreviewed = sorted(incomplete - accepted)
            if violations or unreviewed:
                problems[f"{name} ({viewport_name})"] = {"violations": violations, "needs review": unreviewed}
    return problems


def candidate_world() -> tuple[Any, dict[str, str]]:
    world = build_dossier()
    item = submitted(world, "9.1")
    document = item.evidence.get()
    services.evidence_upload(
        hotline=world.hotline, upload=pdf("welfare-policy.pdf"), items=[world.item("12.2")], acting_user=world.candidate
    )
    services.item_comment(item=item, body="The procedure is in section 2.", acting_user=world.candidate)
    assessment = services.assessment_create(
        hotline=world.hotline,
        kind="pre_membership",
        mode="on_site",
        starts_on=timezone.localdate(),
        ends_on=None,
        acting_user=world.staff,
    )
    action = services.corrective_action_create(
        assessment=assessment,
        title="Adopt a retention schedule",
        owner="Hotline manager",
        due_on=timezone.localdate() + timedelta(days=30),
        acting_user=world.reviewer,
    )
    roundtable = Roundtable.objects.visible_to(world.candidate).first()
    paths = {
        "portal home": reverse("portal:home"),
        "onboarding status": reverse("portal:onboarding_status"),
        "candidate": reverse("portal:onboarding_candidate", args=[world.hotline.pk]),
        "checklist": reverse("portal:onboarding_checklist", args=[world.hotline.pk]),
        "submitted item": reverse("portal:onboarding_checklist_item", args=[item.pk]),
        "item to work on": reverse("portal:onboarding_checklist_item", args=[world.item("12.2").pk]),
        "document": reverse("portal:onboarding_document", args=[document.pk]),
        "corrective actions": reverse("portal:onboarding_corrective_actions"),
        "corrective action": reverse("portal:onboarding_corrective_action", args=[action.pk]),
    }
    if roundtable is not None:
        paths["roundtable"] = reverse("portal:onboarding_roundtable", args=[roundtable.pk])
    removable = world.item("12.2").evidence.get()
    paths["remove a document (confirm)"] = reverse("portal:onboarding_document_remove", args=[removable.pk])
    return world, paths


def member_world(staff: Any) -> tuple[Any, dict[str, str]]:
    side = _side(lambda **kwargs: UserFactory(**kwargs), "A", "BE")
    network_services.statistics_query(
        statistics=side.statistics, question="Reports received look low: please check.", acting_user=staff
    )
    h = side.hotline.pk
    paths = {
        "member overview": reverse("portal:network_overview", args=[h]),
        "public profile": reverse("portal:network_profile", args=[h]),
        "annual profiles": reverse("portal:network_annual_profiles", args=[h]),
        "annual profile (new)": reverse("portal:network_annual_profile_add", args=[h]),
        "annual profile": reverse("portal:network_annual_profile_edit", args=[h, side.profile.pk]),
        "statistics returns": reverse("portal:network_statistics", args=[h]),
        "statistics return (new)": reverse("portal:network_statistics_add", args=[h]),
        "queried statistics return": reverse("portal:network_statistics_edit", args=[h, side.statistics.pk]),
        "analysts": reverse("portal:network_analysts", args=[h]),
        "analyst (new)": reverse("portal:network_analyst_add", args=[h]),
        "analyst": reverse("portal:network_analyst_edit", args=[h, side.analyst.pk]),
        "training": reverse("portal:network_training", args=[h]),
        "nominate": reverse("portal:network_training_nominate", args=[h, side.participation.event.pk]),
    }
    assert HotlineStatistics.objects.get(pk=side.statistics.pk).validation_status == "queried"
    return side, paths


def donor_world() -> tuple[Any, dict[str, str]]:
    grant = make_grant("GF-EXP-2025", reporting_period_months=6, report_due_days=30)
    publish(grant, H1, data_for(H1, (indicator("I1", "People reached", 100.0),)))
    donor = donor_user(grant.donor, "donor.a@example.org")
    paths = {
        "donor home": reverse("donors:home"),
        "grant": reverse("donors:grant", args=[grant.pk]),
        "verify": reverse("donors:verify"),
    }
    return donor, paths


def test_every_portal_and_donor_page_passes_axe_on_desktop_and_phone(live_server, page, browser):
    world, candidate_paths = candidate_world()
    side, member_paths = member_world(world.staff)
    donor, donor_paths = donor_world()
    problems: dict[str, Any] = {}
    for user, paths in ((world.candidate, candidate_paths), (side.user, member_paths), (donor, donor_paths)):
        context = browser.new_context(locale="en-GB")
        context.set_default_timeout(15_000)
        visitor = context.new_page()
        sign_in(visitor, live_server, user.email)
        visitor.wait_for_url(lambda url: "/accounts/login/" not in url)
        problems |= check_pages(visitor, live_server, paths)
        context.close()
    # The sign-in page, as everyone first sees it.
    problems |= check_pages(page, live_server, {"sign in": reverse("account_login")})
    assert problems == {}, json.dumps(problems, indent=1)


def test_on_a_phone_a_tables_first_column_stays_in_view(live_server, page):
    side, _paths = member_world(UserFactory(role=Role.NETWORK_STAFF, email="staff.phone@example.org"))
    sign_in(page, live_server, side.user.email)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + reverse("portal:network_statistics", args=[side.hotline.pk]))
    wrap = page.locator(".table-wrap").first
    assert wrap.evaluate("el => el.scrollWidth > el.clientWidth")  # it scrolls sideways
    first = wrap.locator("tbody th").first
    before = first.bounding_box()
    wrap.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    after = first.bounding_box()
    assert abs(after["x"] - before["x"]) < 1  # the period stays in view
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")  # no page-wide scroll
