"""The lead consolidates; the Board decides: with declared reviewers, no membership decision is recorded
before the lead's consolidated recommendation (on the assessment or on the dossier). One rule
(`selectors.consolidation_refusal`, inside `decision_refusal`) for the services, the assessment page's
button, the decision form and the candidate's "what is missing"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from network.models import Hotline
from onboarding import selectors, services, workflow
from onboarding.models import Decision, ReviewerAssignment
from tests.onboarding.dossier import build_dossier
from tests.onboarding.factories import consolidated

Stage = Hotline.Stage
ALL_AREAS = {area: ("meets", f"Area {area}: in place.") for area in range(1, 15)}
DECISION = {
    "body": "Board",
    "minutes_reference": "BD-2026-04",
    "votes_for": 7,
    "votes_against": 1,
    "votes_abstaining": 0,
    "outcome": "admit",
}


@pytest.fixture
def world(db):
    world = build_dossier()
    assessment = services.assessment_create(
        hotline=world.hotline,
        kind="pre_membership",
        mode="remote",
        starts_on=timezone.localdate() - timedelta(days=5),
        ends_on=timezone.localdate() - timedelta(days=4),
        acting_user=world.staff,
    )
    services.assessment_record_findings(assessment=assessment, findings=ALL_AREAS, acting_user=world.reviewer)
    world.assessment = services.assessment_complete_report(
        assessment=assessment, recommendation="admit", summary="Ready.", acting_user=world.reviewer
    )
    Hotline.objects.filter(pk=world.hotline.pk).update(stage=Stage.DECISION_PENDING)
    world.assessment.refresh_from_db()
    return world


def test_declared_reviewers_without_a_consolidation_block_the_decision_in_the_services(world):
    refusal = selectors.decision_refusal(assessment=world.assessment, decision_exists=False)
    assert refusal == selectors.consolidation_refusal(assessment=world.assessment)
    assert "No consolidated recommendation yet: SafeNet Ghana has 1 declared reviewer" in refusal
    with pytest.raises(ValidationError, match="No consolidated recommendation yet"):
        services.decision_check(assessment=world.assessment, decided_on=timezone.localdate(), **DECISION)
    with pytest.raises(ValidationError, match="No consolidated recommendation yet"):
        services.decision_record(
            assessment=world.assessment, decided_on=timezone.localdate(), acting_user=world.staff, **DECISION
        )
    world.hotline.refresh_from_db()
    assert world.hotline.stage == Stage.DECISION_PENDING


@pytest.mark.parametrize("on_assessment", [False, True])
def test_a_consolidation_on_the_dossier_or_the_assessment_lets_the_board_decide(world, on_assessment):
    mine = consolidated(world.hotline, world.assessment if on_assessment else None)
    assert selectors.consolidation_refusal(assessment=world.assessment) is None
    assert selectors.board_recommendation(assessment=world.assessment) == mine
    decision = services.decision_record(
        assessment=world.assessment, decided_on=timezone.localdate(), acting_user=world.staff, **DECISION
    )
    assert decision.pk


def test_the_assessments_own_consolidation_goes_to_the_board_before_the_dossiers(world):
    consolidated(world.hotline)
    own = consolidated(world.hotline, world.assessment)
    assert selectors.board_recommendation(assessment=world.assessment) == own


def test_with_no_declared_reviewer_there_is_nothing_to_consolidate(world):
    ReviewerAssignment.objects.filter(hotline=world.hotline).update(has_conflict=True)  # conflicted: no review
    assert selectors.consolidation_refusal(assessment=world.assessment) is None
    ReviewerAssignment.objects.filter(hotline=world.hotline).delete()
    assert selectors.decision_refusal(assessment=world.assessment, decision_exists=False) is None
    services.decision_record(
        assessment=world.assessment, decided_on=timezone.localdate(), acting_user=world.staff, **DECISION
    )


def test_the_assessment_page_names_what_is_missing_with_a_link_instead_of_the_button(world, client_for):
    staff = client_for(world.staff)
    page_url = reverse("onboarding_admin:assessment", args=[world.assessment.pk])
    decision_url = reverse("onboarding_admin:decision_add", args=[world.assessment.pk])
    reviews_url = reverse("onboarding_admin:reviews", args=[world.hotline.pk])
    page = staff.get(page_url).content.decode()
    assert decision_url not in page
    assert "No consolidated recommendation yet" in page and f'href="{reviews_url}"' in page
    consolidated(world.hotline)
    page = staff.get(page_url).content.decode()
    assert decision_url in page and "No consolidated recommendation yet" not in page


def test_the_decision_form_shows_the_consolidated_recommendation_or_what_is_missing(world, client_for):
    staff = client_for(world.staff)
    form_url = reverse("onboarding_admin:decision_add", args=[world.assessment.pk])
    page = staff.get(form_url).content.decode()
    assert "No consolidated recommendation yet" in page
    posted = staff.post(
        form_url, {**DECISION, "decided_on": timezone.localdate().isoformat(), "confirmed": "yes"}
    ).content.decode()
    assert "No consolidated recommendation yet" in posted
    assert not Decision.objects.filter(assessment=world.assessment).exists()
    consolidated(world.hotline)
    page = staff.get(form_url).content.decode()
    assert "The reviewers agree." in page and "No consolidated recommendation yet" not in page
    assert client_for(world.reviewer).get(form_url).status_code in (302, 403)  # Wagtail redirects a refusal


def test_what_is_missing_says_to_consolidate_first(world):
    transition = workflow.get_transition("admit_provisional_member")
    facts = selectors.gate_facts(hotline=world.hotline)
    assert facts.consolidation_missing is True
    missing = workflow.unmet_gates(transition, facts)
    assert any("consolidated recommendation" in line for line in missing)
    consolidated(world.hotline)
    assert selectors.gate_facts(hotline=world.hotline).consolidation_missing is False
