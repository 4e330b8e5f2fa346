"""Independent reviews (each reviewer's own, hidden from the others until theirs is submitted, never shown
to the candidate), their consolidation, and the decision path after it: General Assembly adoption, the
decision letter in the candidate's language, the appeal window and appeals staff answer."""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from wagtail.users.models import UserProfile

from accounts.roles import Role
from core.models import OutgoingEmail
from network.models import Hotline
from onboarding import letters, selectors, services
from onboarding.models import (
    Assessment,
    ConsolidatedRecommendation,
    Decision,
    Finding,
    Interaction,
    Review,
)
from tests.accounts.factories import UserFactory
from tests.onboarding.dossier import build_dossier
from tests.onboarding.factories import completed_assessment, consolidated

Stage = Hotline.Stage
SECRET_REASONS = "QZREVIEWDRAFT7 only I know this yet"


@pytest.fixture
def world(db):
    world = build_dossier()
    world.reviewer2 = UserFactory(role=Role.REVIEWER, email="dossier.reviewer2@example.org")
    assignment = services.reviewer_assign(hotline=world.hotline, reviewer=world.reviewer2, acting_user=world.staff)
    services.reviewer_declare(assignment=assignment, has_conflict=False, statement="", acting_user=world.reviewer2)
    return world


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def complete_review(world, reviewer, *, verdict="meets", recommendation="admit", reasons="Solid dossier.", **by_area):
    areas = selectors.review_areas(hotline=world.hotline, assessment=None)
    verdicts = {area: (by_area.get(f"area{area}", verdict), "Seen in the evidence.") for area, _label in areas}
    review = services.review_save(
        hotline=world.hotline,
        verdicts=verdicts,
        recommendation=recommendation,
        reasons=reasons,
        acting_user=reviewer,
    )
    return services.review_submit(review=review, acting_user=reviewer)


# -- Areas and drafts ---------------------------------------------------------------------------
def test_a_dossier_review_covers_its_templates_areas_and_an_assessments_its_finding_areas(world):
    areas = [area for area, _label in selectors.review_areas(hotline=world.hotline, assessment=None)]
    template_areas = sorted(set(world.item("9.1").checklist.template.items.values_list("area", flat=True)))
    assert areas == template_areas and len(areas) == 14
    assessment = completed_assessment(world.hotline, Assessment.Kind.PRE_MEMBERSHIP, "admit")
    Finding.objects.create(assessment=assessment, area=3, rating="meets", text="Law in place.")
    Finding.objects.create(assessment=assessment, area=11, rating="partly_meets", text="DPIA missing.")
    assert [a for a, _l in selectors.review_areas(hotline=world.hotline, assessment=assessment)] == [3, 11]


def test_only_an_assigned_declared_reviewer_writes_a_review(world):
    for user in (world.staff, world.outsider_reviewer, world.candidate):
        with pytest.raises(PermissionDenied):
            services.review_save(hotline=world.hotline, verdicts={}, recommendation="", reasons="", acting_user=user)
    with pytest.raises(ValidationError, match="Not an area"):
        services.review_save(
            hotline=world.hotline,
            verdicts={99: ("meets", "")},
            recommendation="",
            reasons="",
            acting_user=world.reviewer,
        )


def test_a_review_is_submitted_only_when_complete_then_frozen(world):
    review = services.review_save(
        hotline=world.hotline,
        verdicts={1: ("partly_meets", "")},
        recommendation="",
        reasons="",
        acting_user=world.reviewer,
    )
    with pytest.raises(ValidationError) as refused:
        services.review_submit(review=review, acting_user=world.reviewer)
    text = " ".join(refused.value.messages)
    assert "Give a verdict on every area" in text
    assert "Explain each verdict short of" in text
    assert "Choose your overall recommendation" in text
    with pytest.raises(PermissionDenied):
        services.review_submit(review=review, acting_user=world.reviewer2)
    submitted = complete_review(world, world.reviewer)
    assert submitted.pk == review.pk and submitted.is_submitted and submitted.verdicts.count() == 14
    with pytest.raises(ValidationError, match="cannot change"):
        services.review_save(
            hotline=world.hotline, verdicts={}, recommendation="defer", reasons="x", acting_user=world.reviewer
        )
    assert Review.objects.get(pk=review.pk).recommendation == "admit"


# -- Who reads which review -----------------------------------------------------------------------
def test_a_reviewers_unsubmitted_review_is_invisible_to_the_other_reviewers_and_the_candidate(world):
    draft = services.review_save(
        hotline=world.hotline,
        verdicts={1: ("does_not_meet", "Weak.")},
        recommendation="refuse",
        reasons=SECRET_REASONS,
        acting_user=world.reviewer,
    )
    assert list(Review.objects.visible_to(world.reviewer)) == [draft]
    assert not Review.objects.visible_to(world.reviewer2).exists()
    assert not Review.objects.visible_to(world.candidate).exists()
    assert not Review.objects.visible_to(world.outsider_reviewer).exists()
    assert list(Review.objects.visible_to(world.staff)) == [draft]
    # Submitting one's own opens the others' submitted reviews only, never their drafts.
    own = complete_review(world, world.reviewer2, recommendation="admit")
    assert list(Review.objects.visible_to(world.reviewer2)) == [own]
    page = client_for(world.reviewer2).get(reverse("onboarding_admin:reviews", args=[world.hotline.pk]))
    assert page.status_code == 200 and SECRET_REASONS not in page.content.decode()
    assert "1 review is not shown" in page.content.decode()
    # Once the first reviewer submits too, each reads the other's.
    services.review_save(
        hotline=world.hotline,
        verdicts={a: ("meets", "") for a, _l in selectors.review_areas(hotline=world.hotline, assessment=None)},
        recommendation="refuse",
        reasons=SECRET_REASONS,
        acting_user=world.reviewer,
    )
    services.review_submit(review=draft, acting_user=world.reviewer)
    assert set(Review.objects.visible_to(world.reviewer2)) == {own, Review.objects.get(pk=draft.pk)}
    page = client_for(world.reviewer2).get(reverse("onboarding_admin:reviews", args=[world.hotline.pk]))
    assert SECRET_REASONS in page.content.decode()
    assert not Review.objects.visible_to(world.candidate).exists()


def test_a_reviewer_reads_nothing_before_submitting_even_when_the_others_have(world):
    complete_review(world, world.reviewer2, reasons=SECRET_REASONS)
    services.review_save(hotline=world.hotline, verdicts={}, recommendation="", reasons="", acting_user=world.reviewer)
    assert [r.reviewer for r in Review.objects.visible_to(world.reviewer)] == [world.reviewer]
    page = client_for(world.reviewer).get(reverse("onboarding_admin:reviews", args=[world.hotline.pk]))
    assert SECRET_REASONS not in page.content.decode()
    assert "once you have submitted your own" in page.content.decode()


def test_review_pages_answer_404_outside_the_dossier_and_denied_to_roles_without_reviews(world):
    for name in ("reviews", "review_edit"):
        url = reverse(f"onboarding_admin:{name}", args=[world.hotline.pk])
        assert client_for(world.outsider_reviewer).get(url).status_code == 404
        assert (
            client_for(world.reviewer).get(reverse(f"onboarding_admin:{name}", args=[world.hotline2.pk])).status_code
            == 404
        )
        assert client_for(world.reviewer).get(url).status_code == 200
    capacity = UserFactory(role=Role.CAPACITY, email="capacity.reviews@example.org")
    denied = client_for(capacity).get(reverse("onboarding_admin:reviews", args=[world.hotline.pk]))
    assert denied.status_code == 302 and denied.url == "/admin/"  # Wagtail's permission denied
    # Network staff read the reviews but write none of their own.
    assert client_for(world.staff).get(reverse("onboarding_admin:reviews", args=[world.hotline.pk])).status_code == 200
    assert (
        client_for(world.staff).get(reverse("onboarding_admin:review_edit", args=[world.hotline.pk])).status_code == 404
    )


def test_a_reviewer_saves_and_submits_through_the_page(world):
    url = reverse("onboarding_admin:review_edit", args=[world.hotline.pk])
    areas = selectors.review_areas(hotline=world.hotline, assessment=None)
    data = {f"verdict_{a}": "meets" for a, _l in areas}
    data.update(recommendation="admit_with_conditions", reasons="Welfare policy to adopt.", action="save")
    client = client_for(world.reviewer)
    assert client.post(url, data).status_code == 302
    review = Review.objects.get(reviewer=world.reviewer)
    assert not review.is_submitted and review.recommendation == "admit_with_conditions"
    response = client.post(url, {**data, "action": "submit"})
    assert response.status_code == 302
    assert Review.objects.get(pk=review.pk).is_submitted
    email = OutgoingEmail.objects.get(subject__contains="Review submitted")
    assert email.to == [world.staff.email]


# -- Side by side and consolidation ---------------------------------------------------------------
def test_the_lead_sees_where_reviewers_agree_and_disagree_and_consolidates(world, django_assert_max_num_queries):
    complete_review(world, world.reviewer, recommendation="admit")
    complete_review(world, world.reviewer2, recommendation="defer", area3="partly_meets", area11="does_not_meet")
    comparison = selectors.review_comparison(user=world.staff, hotline=world.hotline, assessment=None)
    assert len(comparison.reviews) == 2
    by_label = {row.label: row for row in comparison.rows}
    assert comparison.disagreeing_areas == 2 and comparison.agreeing_areas == 12
    assert by_label["3. Legal framework"].agreement is False
    assert by_label["1. Country context and feasibility"].agreement is True
    assert comparison.overall.agreement is False
    with django_assert_max_num_queries(40):
        page = client_for(world.staff).get(reverse("onboarding_admin:reviews", args=[world.hotline.pk]))
    html = page.content.decode()
    assert "They disagree on the recommendation." in html and "Disagree" in html
    with pytest.raises(PermissionDenied):
        services.review_consolidate(
            hotline=world.hotline, recommendation="admit", reasons="x", acting_user=world.reviewer
        )
    response = client_for(world.staff).post(
        reverse("onboarding_admin:reviews", args=[world.hotline.pk]),
        {"recommendation": "admit_with_conditions", "reasons": "Admit; data protection to fix within six months."},
    )
    assert response.status_code == 302
    consolidated = ConsolidatedRecommendation.objects.get(hotline=world.hotline)
    assert consolidated.recommendation == "admit_with_conditions" and consolidated.reviews_considered == 2
    from wagtail.models import ModelLogEntry

    assert ModelLogEntry.objects.filter(action="onboarding.review_consolidate").count() == 1
    assert not ConsolidatedRecommendation.objects.visible_to(world.candidate).exists()


def test_consolidation_needs_a_submitted_review(world):
    services.review_save(hotline=world.hotline, verdicts={}, recommendation="", reasons="", acting_user=world.reviewer)
    with pytest.raises(ValidationError, match="No review is submitted yet"):
        services.review_consolidate(hotline=world.hotline, recommendation="admit", reasons="x", acting_user=world.staff)


def test_agreement_is_unknown_with_fewer_than_two_values():
    assert selectors.agreement(["meets"]) is None
    assert selectors.agreement(["meets", ""]) is None
    assert selectors.agreement(["meets", "meets"]) is True
    assert selectors.agreement(["meets", "partly_meets"]) is False


def test_an_assessment_is_reviewed_apart_from_the_dossier(world):
    assessment = completed_assessment(world.hotline, Assessment.Kind.PRE_MEMBERSHIP, "admit")
    Finding.objects.create(assessment=assessment, area=4, rating="meets", text="MoU signed.")
    review = services.review_save(
        hotline=world.hotline,
        assessment=assessment,
        verdicts={4: ("meets", "")},
        recommendation="admit",
        reasons="Fine.",
        acting_user=world.reviewer,
    )
    services.review_submit(review=review, acting_user=world.reviewer)
    # The dossier review of the same reviewer is another review, still to write.
    assert not Review.objects.of_subject(hotline=world.hotline, assessment=None).exists()
    assert Review.objects.visible_to(world.reviewer2).count() == 0
    url = reverse("onboarding_admin:reviews_assessment", args=[assessment.pk])
    assert client_for(world.staff).get(url).status_code == 200
    assert client_for(world.outsider_reviewer).get(url).status_code == 404


# -- The decision path ------------------------------------------------------------------------------
def pending(world) -> Assessment:
    Hotline.objects.filter(pk=world.hotline.pk).update(stage=Stage.DECISION_PENDING)
    assessment = completed_assessment(world.hotline, Assessment.Kind.PRE_MEMBERSHIP, "admit")
    consolidated(world.hotline, assessment)
    Assessment.objects.filter(pk=assessment.pk).update(
        starts_on=timezone.localdate() - timedelta(days=40), ends_on=timezone.localdate() - timedelta(days=39)
    )
    return Assessment.objects.get(pk=assessment.pk)


def board_decides(world, assessment, outcome="admit") -> Decision:
    return services.decision_record(
        assessment=assessment,
        body="Board",
        decided_on=timezone.localdate() - timedelta(days=10),
        minutes_reference="BD-2026-07",
        votes_for=7,
        votes_against=1,
        votes_abstaining=1,
        outcome=outcome,
        acting_user=world.staff,
    )


@override_settings(GENERAL_ASSEMBLY_ADOPTS=("admit",))
def test_an_admission_the_general_assembly_adopts_moves_the_candidate_only_once_adopted(world):
    decision = board_decides(world, pending(world))
    assert decision.adoption_required and not decision.is_final
    world.hotline.refresh_from_db()
    assert world.hotline.stage == Stage.DECISION_PENDING
    facts = selectors.gate_facts(hotline=world.hotline)
    assert facts.decision_awaiting_adoption and facts.decision_outcome is None
    with pytest.raises(ValidationError, match="adoption"):
        services.decision_send_letter(decision=decision, acting_user=world.staff)
    with pytest.raises(ValidationError, match="does not adopt"):
        services.decision_adopt(
            decision=decision,
            adopted_on=timezone.localdate(),
            minutes_reference="GA-2026",
            votes_for=10,
            votes_against=10,
            votes_abstaining=0,
            acting_user=world.staff,
        )
    adopted = services.decision_adopt(
        decision=decision,
        adopted_on=timezone.localdate(),
        minutes_reference="GA-2026",
        votes_for=41,
        votes_against=3,
        votes_abstaining=2,
        acting_user=world.staff,
    )
    assert adopted.is_final and adopted.final_on == timezone.localdate()
    world.hotline.refresh_from_db()
    assert world.hotline.stage == Stage.PROVISIONAL_MEMBER
    with pytest.raises(ValidationError, match="recorded already"):
        services.decision_adopt(
            decision=adopted,
            adopted_on=timezone.localdate(),
            minutes_reference="GA-2026",
            votes_for=41,
            votes_against=3,
            votes_abstaining=2,
            acting_user=world.staff,
        )


def test_without_adoption_the_boards_decision_takes_effect(world):
    decision = board_decides(world, pending(world), outcome="reject")
    assert decision.is_final and not decision.adoption_required
    world.hotline.refresh_from_db()
    assert world.hotline.stage == Stage.REJECTED


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_decision_letter_goes_out_in_french_to_a_french_speaking_candidate(world, tmp_path):
    UserProfile.get_for_user(world.candidate).__class__.objects.filter(user=world.candidate).update(
        preferred_language="fr"
    )
    decision = board_decides(world, pending(world))
    assert selectors.candidate_language(hotline=world.hotline) == "fr"
    sent = services.decision_send_letter(decision=decision, acting_user=world.staff)
    assert sent.letter_language == "fr"
    assert sent.appeal_until == timezone.localdate() + timedelta(days=30)
    text = pdf_text(letters.build_decision_letter(selectors.decision_letter_data(decision=sent)), tmp_path)
    assert "Décision d’adhésion" in text
    assert "membre provisoire" in text
    assert "BD-2026-07" in text
    assert "recours" in text
    # The candidate's email is in their language too.
    (email,) = [
        e
        for e in OutgoingEmail.objects.filter(subject__contains="Décision d'adhésion")
        if world.candidate.email in e.to
    ]
    assert "portal" in email.body or "portail" in email.body
    # The candidate downloads it from the portal; another candidate cannot.
    url = reverse("portal:onboarding_decision_letter", args=[sent.pk])
    response = client_for(world.candidate).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "-fr.pdf" in response["Content-Disposition"]
    assert client_for(world.candidate2).get(url).status_code == 404
    page = client_for(world.candidate).get(reverse("portal:onboarding_candidate", args=[world.hotline.pk]))
    assert url in page.content.decode()
    with pytest.raises(ValidationError, match="sent already"):
        services.decision_send_letter(decision=sent, acting_user=world.staff)


def test_the_letters_language_falls_back_to_english(world, tmp_path):
    decision = board_decides(world, pending(world), outcome="reject")
    sent = services.decision_send_letter(decision=decision, acting_user=world.staff)
    assert sent.letter_language == "en"
    text = pdf_text(letters.build_decision_letter(selectors.decision_letter_data(decision=sent)), tmp_path)
    assert "has not been accepted" in text and "appeal" in text


def test_an_appeal_within_the_window_is_an_interaction_staff_must_answer(world):
    decision = services.decision_send_letter(
        decision=board_decides(world, pending(world), outcome="reject"), acting_user=world.staff
    )
    with pytest.raises(PermissionDenied):
        services.decision_appeal(decision=decision, grounds="We disagree.", acting_user=world.candidate2)
    response = client_for(world.candidate).post(
        reverse("portal:onboarding_decision_appeal", args=[decision.pk]), {"grounds": "Our MoU was signed since."}
    )
    assert response.status_code == 302
    appeal = Interaction.objects.get(appeal_of=decision)
    assert appeal.kind == Interaction.Kind.APPEAL and appeal.recorded_by == world.candidate
    assert list(Interaction.objects.awaiting_answer()) == [appeal]
    assert list(Interaction.objects.visible_to(world.candidate)) == [appeal]
    assert not Interaction.objects.visible_to(world.candidate2).exists()
    with pytest.raises(ValidationError, match="awaits the association's answer"):
        services.decision_appeal(decision=decision, grounds="Again.", acting_user=world.candidate)
    with pytest.raises(PermissionDenied):
        services.appeal_answer(appeal=appeal, answer="No.", acting_user=world.reviewer)
    response = client_for(world.staff).post(
        reverse("onboarding_admin:appeal_answer", args=[appeal.pk]), {"answer": "The Board will look again in May."}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.answered_at is not None and not Interaction.objects.awaiting_answer().exists()
    answer_email = OutgoingEmail.objects.get(subject__contains="Answer to your appeal")
    assert "look again in May" in answer_email.body and answer_email.to == [world.candidate.email]
    # The stage does not move by an appeal: a changed decision is a decision correction.
    world.hotline.refresh_from_db()
    assert world.hotline.stage == Stage.REJECTED


def test_an_appeal_after_the_window_is_refused(world):
    decision = services.decision_send_letter(
        decision=board_decides(world, pending(world), outcome="reject"), acting_user=world.staff
    )
    late = timezone.now() + timedelta(days=31)
    with pytest.raises(ValidationError, match="appeal window closed"):
        services.decision_appeal(decision=decision, grounds="Late.", acting_user=world.candidate, now=late)
    on_time = timezone.now() + timedelta(days=30)
    assert services.decision_appeal(
        decision=decision, grounds="Just in time.", acting_user=world.candidate, now=on_time
    )


def test_no_appeal_before_the_letter(world):
    decision = board_decides(world, pending(world), outcome="reject")
    with pytest.raises(ValidationError, match="follows the decision letter"):
        services.decision_appeal(decision=decision, grounds="Hm.", acting_user=world.candidate)
    assert (
        client_for(world.candidate).get(reverse("portal:onboarding_decision_letter", args=[decision.pk])).status_code
        == 404
    )
