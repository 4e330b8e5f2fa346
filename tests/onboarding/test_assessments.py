"""Accreditation assessments: findings, the report and its PDF, corrective actions, the membership
decision that moves the candidate, the quality-assurance review that confirms full membership, and
the gate facts they feed."""

from __future__ import annotations

import io
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from wagtail.models import ModelLogEntry

from core.models import OutgoingEmail
from network.models import Hotline
from onboarding import selectors, services
from onboarding.models import Assessment, ChecklistItem, CorrectiveAction, Decision, StageChange
from onboarding.pdf import (
    ActionLine,
    AssessmentReportData,
    DecisionLine,
    FindingLine,
    ReviewerLine,
    build_assessment_report,
)
from tests.onboarding.dossier import build_dossier
from tests.onboarding.factories import consolidated, trained_analysts

Stage = Hotline.Stage
ALL_AREAS = {area: ("meets", f"Area {area}: in place.") for area in range(1, 15)}


def report_data(**changes) -> AssessmentReportData:
    values = {
        "reference": "AS-GH-2026-1",
        "hotline": "SafeNet Ghana",
        "country": "Ghana",
        "host_organisation": "Accra Digital Child Safety Trust",
        "kind": "Pre-membership assessment",
        "mode": "On site",
        "status": "Report completed",
        "starts_on": date(2026, 3, 2),
        "ends_on": date(2026, 3, 4),
        "recommendation": "Admit, with corrective actions",
        "summary": "The hotline works as described.\nTwo procedures need writing down.",
        "completed_on": date(2026, 3, 20),
        "completed_by": "Reviewer One",
        "generated_on": date(2026, 4, 1),
        "reviewers": (ReviewerLine("Reviewer One", date(2026, 2, 1)), ReviewerLine("Reviewer Two", None)),
        "findings": (FindingLine("3. Legal framework", "Partly meets", "Takedown relies on a <circular> & a decree."),),
        "corrective_actions": (
            ActionLine("Adopt a retention schedule", "11. Data protection", "Manager", date(2026, 6, 1), "Open"),
        ),
        "decision": DecisionLine(
            "General Assembly", date(2026, 4, 20), "GA-2026-04", "31 for, 2 against, 1 abstaining", "Admitted"
        ),
    }
    values.update(changes)
    return AssessmentReportData(**values)


def test_the_report_pdf_is_built_from_its_data_alone_and_identically():
    data = report_data()
    first = build_assessment_report(data)
    assert first.startswith(b"%PDF-") and first == build_assessment_report(data)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(first)).pages)
    for words in (
        "AS-GH-2026-1",
        "SafeNet Ghana",
        "Takedown relies on a <circular> & a decree.",
        "Adopt a retention schedule",
        "Admit, with corrective actions",
        "General Assembly",
        "declaration awaited",
    ):
        assert words in text, words
    assert build_assessment_report(report_data(summary="Other")) != first
    draft = build_assessment_report(report_data(not_final=True, decision=None, findings=(), corrective_actions=()))
    draft_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(draft)).pages)
    assert "Draft: the report is not completed yet." in draft_text and "No findings recorded." in draft_text


@pytest.fixture
def world(db):
    return build_dossier()


def plan_assessment(world, *, hotline=None, kind="pre_membership") -> Assessment:
    return services.assessment_create(
        hotline=hotline or world.hotline,
        kind=kind,
        mode="remote",
        starts_on=timezone.localdate() - timedelta(days=3),
        ends_on=None,
        acting_user=world.staff,
    )


def completed(world, recommendation="admit", **kwargs) -> Assessment:
    assessment = plan_assessment(world, **kwargs)
    services.assessment_record_findings(assessment=assessment, findings=ALL_AREAS, acting_user=world.reviewer)
    return services.assessment_complete_report(
        assessment=assessment, recommendation=recommendation, summary="Summary.", acting_user=world.reviewer
    )


def decide(world, assessment, outcome="admit", **votes):
    values = {"votes_for": 30, "votes_against": 2, "votes_abstaining": 1, **votes}
    consolidated(world.hotline)
    return services.decision_record(
        assessment=assessment,
        body="General Assembly",
        decided_on=timezone.localdate(),
        minutes_reference="GA-2026-04",
        outcome=outcome,
        acting_user=world.staff,
        **values,
    )


def test_only_staff_plan_and_only_the_dossier_reviewers_record_findings(world):
    with pytest.raises(PermissionDenied):
        services.assessment_create(
            hotline=world.hotline,
            kind="pre_membership",
            mode="remote",
            starts_on=timezone.localdate(),
            ends_on=None,
            acting_user=world.reviewer,
        )
    assessment = plan_assessment(world)
    assert assessment.reference == f"AS-GH-{assessment.starts_on.year}-1"
    with pytest.raises(PermissionDenied):
        services.assessment_record_findings(
            assessment=assessment, findings={1: ("meets", "Fine")}, acting_user=world.outsider_reviewer
        )
    assert (
        services.assessment_record_findings(
            assessment=assessment, findings={1: ("meets", "Fine"), 2: ("", "")}, acting_user=world.reviewer
        )
        == 1
    )
    assessment.refresh_from_db()
    assert assessment.status == "in_progress"


def test_the_report_needs_every_area_a_summary_and_a_fitting_recommendation(world):
    assessment = plan_assessment(world)
    services.assessment_record_findings(
        assessment=assessment, findings={a: ALL_AREAS[a] for a in range(1, 13)}, acting_user=world.reviewer
    )
    with pytest.raises(ValidationError) as refused:
        services.assessment_complete_report(
            assessment=assessment, recommendation="passed", summary="", acting_user=world.reviewer
        )
    text = " ".join(refused.value.messages)
    assert "13. Communications and awareness" in text and "14. Membership formalities" in text
    assert "Write the report summary" in text and "fits a pre-membership assessment" in text
    assert not selectors.gate_facts(hotline=world.hotline).assessment_recommendation_recorded
    services.assessment_record_findings(assessment=assessment, findings=ALL_AREAS, acting_user=world.reviewer)
    services.assessment_complete_report(
        assessment=assessment, recommendation="admit", summary="Ready.", acting_user=world.reviewer
    )
    assert selectors.gate_facts(hotline=world.hotline).assessment_recommendation_recorded is True
    with pytest.raises(ValidationError, match="cannot change"):
        services.assessment_record_findings(assessment=assessment, findings=ALL_AREAS, acting_user=world.reviewer)


def test_a_decision_moves_the_candidate_and_is_recorded_once(world, django_capture_on_commit_callbacks):
    assessment = completed(world)
    with pytest.raises(ValidationError, match="not awaiting a decision"):
        decide(world, assessment)
    Hotline.objects.filter(pk=world.hotline.pk).update(stage=Stage.DECISION_PENDING)
    with pytest.raises(PermissionDenied):
        services.decision_record(
            assessment=assessment,
            body="Board",
            decided_on=timezone.localdate(),
            minutes_reference="B-1",
            votes_for=5,
            votes_against=0,
            votes_abstaining=0,
            outcome="admit",
            acting_user=world.reviewer,
        )
    with pytest.raises(ValidationError, match="does not carry an admission"):
        decide(world, assessment, votes_for=2, votes_against=2)
    assert not Decision.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        decision = decide(world, assessment)
    world.hotline.refresh_from_db()
    assert world.hotline.stage == Stage.PROVISIONAL_MEMBER
    change = StageChange.objects.filter(hotline=world.hotline).latest("changed_at")
    assert change.transition == "admit_provisional_member" and "GA-2026-04" in change.reason
    assert "30 for, 2 against, 1 abstaining" in change.reason
    assert decision.vote_text in change.reason
    with pytest.raises(ValidationError, match="recorded already"):
        decide(world, assessment)


def test_a_rejection_moves_the_candidate_to_rejected(world):
    assessment = completed(world, recommendation="reject")
    Hotline.objects.filter(pk=world.hotline.pk).update(stage=Stage.DECISION_PENDING)
    decide(world, assessment, outcome="reject", votes_for=3, votes_against=25)
    world.hotline.refresh_from_db()
    assert world.hotline.stage == Stage.REJECTED
    assert selectors.gate_facts(hotline=world.hotline).decision_outcome == "reject"


def test_a_new_application_assessment_needs_its_own_decision(world):
    first = completed(world)
    Hotline.objects.filter(pk=world.hotline.pk).update(stage=Stage.DECISION_PENDING)
    decide(world, first, outcome="reject", votes_for=1, votes_against=20)
    assert selectors.gate_facts(hotline=world.hotline).decision_outcome == "reject"
    plan_assessment(world, kind="follow_up")
    facts = selectors.gate_facts(hotline=world.hotline)
    assert facts.decision_outcome is None and facts.assessment_recommendation_recorded is False


def test_reviewer_facts_count_pending_and_conflicted_declarations(world, make_user):
    from accounts.roles import Role

    assert selectors.gate_facts(hotline=world.hotline2).reviewers_assigned is None
    facts = selectors.gate_facts(hotline=world.hotline)
    assert (facts.reviewers_assigned, facts.reviewers_without_coi_declaration, facts.reviewers_conflicted) == (1, 0, 0)
    pending = services.reviewer_assign(
        hotline=world.hotline, reviewer=make_user(Role.REVIEWER), acting_user=world.staff
    )
    assert selectors.gate_facts(hotline=world.hotline).reviewers_without_coi_declaration == 1
    services.reviewer_declare(
        assignment=pending, has_conflict=True, statement="Former board member.", acting_user=pending.reviewer
    )
    facts = selectors.gate_facts(hotline=world.hotline)
    assert (facts.reviewers_without_coi_declaration, facts.reviewers_conflicted) == (0, 1)
    with pytest.raises(ValidationError, match="not an active accreditation reviewer"):
        services.reviewer_assign(hotline=world.hotline, reviewer=world.staff2, acting_user=world.staff)
    with pytest.raises(PermissionDenied):
        services.reviewer_declare(assignment=pending, has_conflict=False, statement="", acting_user=world.reviewer)


def test_a_passed_quality_review_with_training_and_checklist_done_confirms_full_membership(world):
    Hotline.objects.filter(pk=world.hotline.pk).update(stage=Stage.PROVISIONAL_MEMBER, joined_on=timezone.localdate())
    review = completed(world, recommendation="passed_with_actions", kind="qa_review")
    action = services.corrective_action_create(
        assessment=review,
        title="Name a deputy manager",
        owner="Hotline manager",
        due_on=timezone.localdate() + timedelta(days=30),
        acting_user=world.reviewer,
    )
    assert selectors.gate_facts(hotline=world.hotline).qa_review_passed is False  # an action is still open
    services.corrective_action_complete(action=action, note="Deputy named.", acting_user=world.staff)  # on its behalf
    with pytest.raises(PermissionDenied):
        services.corrective_action_verify(action=action, acting_user=world.candidate)
    with pytest.raises(ValidationError, match="another person must verify"):
        services.corrective_action_verify(action=action, acting_user=world.staff)
    services.corrective_action_verify(action=action, acting_user=world.reviewer)
    assert selectors.gate_facts(hotline=world.hotline).qa_review_passed is True

    with pytest.raises(ValidationError) as refused:
        services.assessment_confirm_full_membership(assessment=review, acting_user=world.staff)
    text = " ".join(refused.value.messages)
    assert "content-assessment" in text and "needed before “Full member”" in text
    trained_analysts(world.hotline, 2, content=True)
    for item in ChecklistItem.objects.filter(
        checklist__hotline=world.hotline, template_item__gates_stage="full_member"
    ):
        services.item_waive(item=item, reason="Member since before the checklist.", acting_user=world.staff)
        services.item_approve_waiver(item=item, acting_user=world.staff2)
    services.assessment_confirm_full_membership(assessment=review, acting_user=world.staff)
    world.hotline.refresh_from_db()
    assert world.hotline.stage == Stage.FULL_MEMBER and world.hotline.full_member_on == timezone.localdate()


def test_a_failed_quality_review_does_not_pass(world):
    completed(world, recommendation="failed", kind="qa_review")
    assert selectors.gate_facts(hotline=world.hotline).qa_review_passed is False


def test_corrective_action_reminders_go_out_once_per_due_date(world):
    assessment = completed(world, recommendation="admit_with_actions")
    action = services.corrective_action_create(
        assessment=assessment,
        title="Publish the retention schedule",
        owner="Hotline manager",
        due_on=timezone.localdate() + timedelta(days=5),
        acting_user=world.reviewer,
    )
    for _ in range(2):
        call_command("send_reminders", stdout=StringIO())
    due_on = action.due_on.isoformat()
    reminders = OutgoingEmail.objects.filter(body__contains=f"Due on {due_on}: Publish the retention schedule")
    assert sorted(address for email in reminders for address in email.to) == sorted(
        [world.candidate.email, world.staff.email]
    )
    CorrectiveAction.objects.filter(pk=action.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    call_command("send_reminders", date=tomorrow, stdout=StringIO())
    call_command("send_reminders", date=tomorrow, stdout=StringIO())
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    overdue = OutgoingEmail.objects.filter(body__contains=f"Overdue since {yesterday}: Publish the retention schedule")
    assert overdue.count() == 2  # one digest each for the candidate and the lead staff member, once


def test_staff_reschedule_an_open_assessment_through_its_edit_page(world, client_for):
    assessment = plan_assessment(world)
    url = reverse("onboarding_admin:assessment_edit", args=(assessment.pk,))
    new_start = timezone.localdate() - timedelta(days=1)
    response = client_for(world.staff).post(url, {"mode": "on_site", "starts_on": new_start.isoformat(), "ends_on": ""})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.mode, assessment.starts_on) == ("on_site", new_start)
    entry = ModelLogEntry.objects.filter(action="onboarding.assessment_update", object_id=str(assessment.pk)).get()
    assert entry.user == world.staff and "mode" in entry.data["changed"]
    # Reviewers see the assessment but cannot change it.
    with pytest.raises(PermissionDenied):
        services.assessment_update(
            assessment=assessment, mode="remote", starts_on=new_start, ends_on=None, acting_user=world.reviewer
        )


def test_cancelling_an_assessment_needs_a_reason_and_freezes_it(world, client_for):
    assessment = plan_assessment(world)
    url = reverse("onboarding_admin:assessment_cancel", args=(assessment.pk,))
    client = client_for(world.staff)
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.status != Assessment.Status.CANCELLED
    assert client.get(url).status_code == 405
    client_for(world.reviewer).post(url, {"reason": "A reviewer's try."})  # planning is network staff's
    assessment.refresh_from_db()
    assert assessment.status != Assessment.Status.CANCELLED
    assert client.post(url, {"reason": "The candidate asked to postpone."}).status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.CANCELLED
    entry = ModelLogEntry.objects.get(action="onboarding.assessment_cancel", object_id=str(assessment.pk))
    assert entry.data["reason"] == "The candidate asked to postpone."
    with pytest.raises(ValidationError, match="cannot change"):
        services.assessment_update(
            assessment=assessment, mode="remote", starts_on=assessment.starts_on, ends_on=None, acting_user=world.staff
        )
    with pytest.raises(ValidationError, match="planned or running"):
        services.assessment_cancel(assessment=assessment, reason="Again", acting_user=world.staff)
