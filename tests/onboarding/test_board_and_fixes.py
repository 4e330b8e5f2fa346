"""The board's filters (lead, region, phase, kept in the address), each missing line's link to where it
is put right, a refused step's reasons shown once, and plurals in counts."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from network.models import Hotline
from onboarding import gates, selectors, workflow
from onboarding.selectors import NO_LEAD
from tests.accounts.factories import UserFactory
from tests.onboarding.factories import CandidateProfileFactory, HotlineFactory, country
from tests.onboarding.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _cards(user, **filters) -> set[str]:
    return {
        card.hotline.brand_name for column in selectors.pipeline_board(user=user, **filters) for card in column.cards
    }


def test_the_board_filters_by_lead_region_and_phase(world):
    other_lead = UserFactory(role=Role.NETWORK_STAFF)
    peru = HotlineFactory(brand_name="Línea Segura Perú", country=country("PE"), lead_staff=other_lead)
    CandidateProfileFactory(hotline=peru)
    everyone = _cards(world.staff)
    assert {"SafeNet Ghana", "Surakshit Web Nepal", "Línea Segura Perú"} <= everyone
    assert _cards(world.staff, lead=world.staff) == {"SafeNet Ghana"}
    assert "Línea Segura Perú" not in _cards(world.staff, lead=NO_LEAD)
    assert "Surakshit Web Nepal" in _cards(world.staff, lead=NO_LEAD)
    ghana_region = world.hotline.country.programme_region
    by_region = _cards(world.staff, region=ghana_region)
    assert "SafeNet Ghana" in by_region and "Línea Segura Perú" not in by_region
    # Phase: the country review phase holds Ghana (identified); Nepal is in stakeholder engagement.
    review = _cards(world.staff, phase="country_review")
    assert "SafeNet Ghana" in review and "Surakshit Web Nepal" not in review
    columns = [column.stage for column in selectors.pipeline_board(user=world.staff, phase="stakeholder_engagement")]
    assert columns == [Hotline.Stage.STAKEHOLDER_ENGAGEMENT, Hotline.Stage.ON_HOLD]
    # On hold: in the phase it paused in.
    Hotline.objects.filter(pk=world.hotline2.pk).update(
        stage=Hotline.Stage.ON_HOLD, paused_stage=Hotline.Stage.STAKEHOLDER_ENGAGEMENT
    )
    assert "Surakshit Web Nepal" in _cards(world.staff, phase="stakeholder_engagement")
    assert "Surakshit Web Nepal" not in _cards(world.staff, phase="country_review")


def test_the_board_page_keeps_its_filters_in_the_address(world, client_for):
    client = client_for(world.staff)
    url = reverse("onboarding_admin:board") + "?" + urlencode({"lead": world.staff.pk, "phase": "country_review"})
    page = client.get(url).content.decode()
    assert "SafeNet Ghana" in page and "Surakshit Web Nepal" not in page
    assert f'<option value="{world.staff.pk}" selected>' in page
    assert '<option value="country_review" selected>' in page
    assert "1 candidate in the pipeline matches these filters." in page
    assert "Clear the filters" in page
    wrong = client.get(reverse("onboarding_admin:board") + "?phase=nowhere").content.decode()
    assert "not valid and were not applied" in wrong and "Surakshit Web Nepal" in wrong


def test_each_missing_line_links_to_where_it_is_put_right(world):
    facts = selectors.gate_facts(hotline=world.hotline2)
    into_preparation = workflow.get_transition("start_operational_preparation")
    lines = selectors.missing_lines(
        transition=into_preparation, facts=facts, hotline=world.hotline2, user=world.staff, back="/back/"
    )
    by_message = {line.message: line for line in lines}
    assert lines and all(line.url for line in lines)
    roundtable_line = next(line for message, line in by_message.items() if "roundtable" in message.lower())
    assert roundtable_line.url == reverse("onboarding_admin:roundtable", args=[world.roundtable2.pk])
    funding = by_message[gates.first_year_funding(facts)]
    assert funding.url.startswith(reverse("onboarding_agreements:add"))
    assert f"hotline={world.hotline2.pk}" in funding.url and "next=%2Fback%2F" in funding.url
    # Assess the country: for a hotline of a country with no assessment.
    nepal_facts = selectors.gate_facts(hotline=world.hotline2)
    assert not nepal_facts.country_assessment_recorded  # only Ghana's country is assessed
    into_engagement = workflow.get_transition("start_stakeholder_engagement")
    line = next(
        line
        for line in selectors.missing_lines(
            transition=into_engagement, facts=nepal_facts, hotline=world.hotline2, user=world.staff
        )
        if "country assessment" in line.message
    )
    assert line.url.startswith(reverse("onboarding_assessments:add")) and line.link_label == "Assess the country"


def test_a_gate_naming_a_checklist_item_links_to_that_item(world):
    from onboarding.models import ChecklistItem
    from onboarding.services import checklist_create

    checklist_create(hotline=world.hotline, acting_user=world.staff)
    item = ChecklistItem.objects.get(checklist__hotline=world.hotline, template_item__gate_fact="host_due_diligence")
    link = selectors.fix_link(gate=gates.host_due_diligence_accepted, hotline=world.hotline, user=world.staff)
    assert link.url == reverse("onboarding_admin:review_item", args=[item.pk])


def test_no_link_to_a_screen_the_user_may_not_use(world):
    link = selectors.fix_link(gate=gates.first_year_funding, hotline=world.hotline, user=world.grants)
    assert link is None  # grants managers read agreements but do not record them


def test_the_candidate_page_shows_the_links_with_the_missing_lines(world, client_for):
    page = client_for(world.staff).get(reverse("onboarding_admin:candidate", args=[world.hotline.pk])).content.decode()
    assert "Record the host organisation and the date it agreed to host the hotline." in page
    assert f'href="{reverse("onboarding_admin:candidate_edit", args=[world.hotline.pk])}"' in page


def test_a_refused_step_shows_its_reasons_once(world, client_for):
    client = client_for(world.staff)
    url = reverse("onboarding_admin:transition", args=[world.hotline.pk, "start_exploring"])
    response = client.post(url, {"expected_stage": "identified", "reason": "Let us go.", "confirmed": "yes"})
    page = response.content.decode()
    assert response.status_code == 200
    message = "Record the host organisation and the date it agreed to host the hotline."
    assert page.count(message) == 1
    assert "The step was refused" in page
    world.hotline.refresh_from_db()
    assert world.hotline.stage == Hotline.Stage.IDENTIFIED


def test_the_portal_submit_refusal_shows_its_reasons_once(world, client_for):
    Hotline.objects.filter(pk=world.hotline.pk).update(
        stage=Hotline.Stage.OPERATIONAL_PREPARATION, stage_entered_at=timezone.now()
    )
    client = client_for(world.candidate)
    url = reverse("portal:onboarding_submit", args=[world.hotline.pk])
    page = client.post(url, {"expected_stage": "operational_preparation", "message": ""}).content.decode()
    assert page.count("Sign the Code of Practice declaration.") == 1
