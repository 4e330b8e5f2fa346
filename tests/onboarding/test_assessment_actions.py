"""The assessment page and its actions: one view per form (findings, corrective actions and their
verification, the report, full membership), each with its own permission; and the rules that say when a
membership decision or the full-membership confirmation may follow an assessment, shared by the page's
buttons and the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from network.models import Hotline
from onboarding import checklist_rules as rules
from onboarding import selectors, services
from onboarding.models import Assessment, ChecklistItem, CorrectiveAction, Finding
from tests.onboarding.dossier import build_dossier
from tests.onboarding.factories import consolidated, trained_analysts

Stage = Hotline.Stage
ALL_AREAS = {area: ("meets", f"Area {area}: in place.") for area in range(1, 15)}
STAFF = frozenset({rules.STAFF})
REVIEWER = frozenset({rules.REVIEWER})


@pytest.fixture
def world(db):
    return build_dossier()


def plan(world, *, kind: str = "pre_membership") -> Assessment:
    return services.assessment_create(
        hotline=world.hotline,
        kind=kind,
        mode="remote",
        starts_on=timezone.localdate() - timedelta(days=3),
        ends_on=None,
        acting_user=world.staff,
    )


def complete(world, assessment: Assessment, recommendation: str = "admit") -> Assessment:
    services.assessment_record_findings(assessment=assessment, findings=ALL_AREAS, acting_user=world.reviewer)
    return services.assessment_complete_report(
        assessment=assessment, recommendation=recommendation, summary="Summary.", acting_user=world.reviewer
    )


def in_stage(world, stage: str) -> None:
    Hotline.objects.filter(pk=world.hotline.pk).update(stage=stage, joined_on=timezone.localdate())


def fresh(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_related("hotline").get(pk=assessment.pk)


def url(name: str, assessment: Assessment) -> str:
    return reverse(f"onboarding_admin:{name}", args=[assessment.pk])


DECISION = {
    "body": "General Assembly",
    "minutes_reference": "GA-2026-04",
    "votes_for": 30,
    "votes_against": 2,
    "votes_abstaining": 1,
    "outcome": "admit",
}


# -- One view per action --------------------------------------------------------------------------
def test_the_assessment_page_is_read_by_get_and_each_form_posts_to_its_own_view(world, client_for):
    assessment = plan(world)
    reviewer = client_for(world.reviewer)
    page = reviewer.get(url("assessment", assessment)).content.decode()
    for name in ("assessment_findings", "assessment_corrective_action", "assessment_report_complete"):
        assert f'action="{url(name, assessment)}"' in page, name
    assert 'name="action"' not in page
    assert reviewer.post(url("assessment", assessment), {"action": "findings"}).status_code == 405
    for name in (
        "assessment_findings",
        "assessment_corrective_action",
        "assessment_action_verify",
        "assessment_report_complete",
    ):
        assert reviewer.get(url(name, assessment)).status_code == 405, name


def test_a_corrective_action_with_errors_shows_the_page_again_with_the_errors_in_place(world, client_for):
    assessment = plan(world)
    reviewer = client_for(world.reviewer)
    target = url("assessment_corrective_action", assessment)
    refused = reviewer.post(target, {"title": "Publish the retention schedule", "owner": "", "due_on": ""})
    text = refused.content.decode()
    assert refused.status_code == 200 and "Findings by area" in text and "Publish the retention schedule" in text
    assert "This field is required" in text and not CorrectiveAction.objects.exists()
    due = (timezone.localdate() + timedelta(days=30)).isoformat()
    added = reviewer.post(target, {"title": "Publish the retention schedule", "owner": "Manager", "due_on": due})
    assert added.status_code == 302 and added["Location"] == url("assessment", assessment)
    assert CorrectiveAction.objects.get().title == "Publish the retention schedule"


def test_a_completed_corrective_action_is_sent_back_then_verified_from_the_page(world, client_for):
    assessment = plan(world)
    action = services.corrective_action_create(
        assessment=assessment,
        title="Name a deputy manager",
        owner="Hotline manager",
        due_on=timezone.localdate() + timedelta(days=30),
        acting_user=world.reviewer,
    )
    services.corrective_action_complete(action=action, note="Deputy named.", acting_user=world.candidate)
    reviewer = client_for(world.reviewer)
    page = reviewer.get(url("assessment", assessment)).content.decode()
    assert f'action="{url("assessment_action_verify", assessment)}"' in page
    target = url("assessment_action_verify", assessment)
    assert reviewer.post(target, {"id": action.pk, "outcome": "approve"}).status_code == 404
    missing = reviewer.post(target, {"id": action.pk, "outcome": "send_back", "note": " "}, follow=True)
    assert "Say what is still missing." in missing.content.decode()
    reviewer.post(target, {"id": action.pk, "outcome": "send_back", "note": "The board's minutes, please."})
    action.refresh_from_db()
    assert action.status == CorrectiveAction.Status.IN_PROGRESS and "board's minutes" in action.completion_note
    services.corrective_action_complete(action=action, note="Minutes attached.", acting_user=world.candidate)
    assert reviewer.post(target, {"id": action.pk, "outcome": "verify"}).status_code == 302
    action.refresh_from_db()
    assert action.status == CorrectiveAction.Status.VERIFIED and action.verified_by == world.reviewer


def test_each_action_view_checks_its_own_permission(world, client_for):
    review = plan(world, kind="qa_review")
    reviewer = client_for(world.reviewer)
    # A reviewer records findings, but full membership is network staff's (the decision permission):
    # the admin sends staff without a permission to its home page.
    denied = reviewer.post(url("assessment_full_membership", review), {})
    assert denied.status_code == 302 and denied["Location"] == reverse("wagtailadmin_home")
    # A reviewer not assigned to the dossier does not see the assessment at all.
    outsider = client_for(world.outsider_reviewer)
    data = {f"rating_{area}": "meets" for area in range(1, 15)} | {f"text_{a}": "Fine." for a in range(1, 15)}
    assert outsider.post(url("assessment_findings", review), data).status_code == 404
    assert not Finding.objects.exists()
    # The candidate's users never reach the admin.
    refused = client_for(world.candidate).post(url("assessment_findings", review), data)
    assert refused.status_code in (302, 403) and not Finding.objects.exists()
    assert reviewer.post(url("assessment_findings", review), data).status_code == 302
    assert Finding.objects.filter(assessment=review).count() == 14


def test_full_membership_is_confirmed_from_the_page_when_the_rule_and_the_gates_allow(world, client_for):
    in_stage(world, Stage.PROVISIONAL_MEMBER)
    review = complete(world, plan(world, kind="qa_review"), recommendation="passed")
    staff = client_for(world.staff)
    page = staff.get(url("assessment", review)).content.decode()
    assert "Before confirming full membership:" in page  # gates unmet: no button yet
    assert url("assessment_full_membership", review) not in page
    refused = staff.post(url("assessment_full_membership", review), follow=True)
    assert "needed before “Full member”" in refused.content.decode()
    trained_analysts(world.hotline, 2, content=True)
    for item in ChecklistItem.objects.filter(
        checklist__hotline=world.hotline, template_item__gates_stage="full_member"
    ):
        services.item_waive(item=item, reason="Member since before the checklist.", acting_user=world.staff)
        services.item_approve_waiver(item=item, acting_user=world.staff2)
    page = staff.get(url("assessment", review)).content.decode()
    assert f'action="{url("assessment_full_membership", review)}"' in page
    done = staff.post(url("assessment_full_membership", review), follow=True)
    assert "SafeNet Ghana is now a full member." in done.content.decode()
    world.hotline.refresh_from_db()
    assert world.hotline.stage == Stage.FULL_MEMBER


# -- The decision rule -----------------------------------------------------------------------------
def test_a_decision_may_be_recorded_by_staff_once_on_a_completed_application_awaiting_it(world):
    consolidated(world.hotline)
    assessment = plan(world)
    in_stage(world, Stage.DECISION_PENDING)
    assert selectors.decision_refusal(assessment=fresh(assessment), decision_exists=False) == (
        "A decision follows the completed report of a pre-membership or follow-up assessment."
    )
    complete(world, assessment)
    a = fresh(assessment)
    assert selectors.decision_refusal(assessment=a, decision_exists=False) is None
    assert selectors.may_record_decision(assessment=a, actors=STAFF, decision_exists=False) is True
    assert selectors.may_record_decision(assessment=a, actors=REVIEWER, decision_exists=False) is False
    assert selectors.may_record_decision(assessment=a, actors=STAFF, decision_exists=True) is False
    assert "recorded already" in selectors.decision_refusal(assessment=a, decision_exists=True)
    in_stage(world, Stage.OPERATIONAL_PREPARATION)
    a = fresh(assessment)
    assert selectors.may_record_decision(assessment=a, actors=STAFF, decision_exists=False) is False
    assert "not awaiting a decision" in selectors.decision_refusal(assessment=a, decision_exists=False)
    review = complete(world, plan(world, kind="qa_review"), recommendation="passed")
    in_stage(world, Stage.DECISION_PENDING)
    assert selectors.may_record_decision(assessment=fresh(review), actors=STAFF, decision_exists=False) is False


def test_the_decision_services_refuse_what_the_rule_refuses(world):
    consolidated(world.hotline)
    open_assessment = plan(world)
    in_stage(world, Stage.DECISION_PENDING)
    today = timezone.localdate()
    for service in (services.decision_check, services.decision_record):
        extra = {"acting_user": world.staff} if service is services.decision_record else {}
        with pytest.raises(ValidationError, match="follows the completed report"):
            service(assessment=open_assessment, decided_on=today, **DECISION, **extra)
    assessment = complete(world, open_assessment)
    in_stage(world, Stage.OPERATIONAL_PREPARATION)
    with pytest.raises(ValidationError, match="not awaiting a decision"):
        services.decision_check(assessment=assessment, decided_on=today, **DECISION)
    in_stage(world, Stage.DECISION_PENDING)
    with pytest.raises(PermissionDenied):
        services.decision_record(assessment=assessment, decided_on=today, acting_user=world.reviewer, **DECISION)
    services.decision_check(assessment=assessment, decided_on=today, **DECISION)
    services.decision_record(assessment=assessment, decided_on=today, acting_user=world.staff, **DECISION)
    in_stage(world, Stage.DECISION_PENDING)  # even if the hotline were awaiting one again
    with pytest.raises(ValidationError, match="recorded already"):
        services.decision_check(assessment=assessment, decided_on=today, **DECISION)


def test_the_page_offers_the_decision_exactly_when_the_rule_allows(world, client_for):
    consolidated(world.hotline)
    assessment = complete(world, plan(world))
    decision_url = url("decision_add", assessment)
    staff, reviewer = client_for(world.staff), client_for(world.reviewer)
    assert decision_url not in staff.get(url("assessment", assessment)).content.decode()  # not awaiting it
    in_stage(world, Stage.DECISION_PENDING)
    assert decision_url in staff.get(url("assessment", assessment)).content.decode()
    assert decision_url not in reviewer.get(url("assessment", assessment)).content.decode()


# -- The full-membership rule ----------------------------------------------------------------------
def test_full_membership_may_follow_a_completed_quality_review_of_a_provisional_member(world):
    in_stage(world, Stage.PROVISIONAL_MEMBER)
    open_review = plan(world, kind="qa_review")
    assert selectors.full_membership_refusal(assessment=fresh(open_review)) == (
        "Full membership follows a completed quality-assurance review."
    )
    review = fresh(complete(world, open_review, recommendation="passed"))
    assert selectors.full_membership_refusal(assessment=review) is None
    assert selectors.may_confirm_full_membership(assessment=review, actors=STAFF) is True
    assert selectors.may_confirm_full_membership(assessment=review, actors=REVIEWER) is False
    application = fresh(complete(world, plan(world)))
    assert selectors.may_confirm_full_membership(assessment=application, actors=STAFF) is False
    in_stage(world, Stage.FULL_MEMBER)
    review = fresh(review)
    assert selectors.may_confirm_full_membership(assessment=review, actors=STAFF) is False
    assert selectors.full_membership_refusal(assessment=review) == (
        "“Confirm full membership” is not possible from the stage Full member."
    )


def test_the_full_membership_service_refuses_what_the_rule_refuses(world):
    in_stage(world, Stage.PROVISIONAL_MEMBER)
    open_review = plan(world, kind="qa_review")
    with pytest.raises(ValidationError, match="follows a completed quality-assurance review"):
        services.assessment_confirm_full_membership(assessment=open_review, acting_user=world.staff)
    review = complete(world, open_review, recommendation="passed")
    with pytest.raises(PermissionDenied):
        services.assessment_confirm_full_membership(assessment=review, acting_user=world.reviewer)
    in_stage(world, Stage.SUSPENDED)
    with pytest.raises(ValidationError, match="not possible from the stage Suspended"):
        services.assessment_confirm_full_membership(assessment=review, acting_user=world.staff)
    world.hotline.refresh_from_db()
    assert world.hotline.stage == Stage.SUSPENDED


def test_a_corrective_action_recorded_on_a_past_day_is_judged_against_that_day(world):
    """`now=` (a record made on its historical day): the action is dated then, and "not due in the past"
    is judged against that day, so it may be overdue today but could not be when it was recorded."""
    assessment = plan(world)
    then = timezone.now() - timedelta(days=60)
    action = services.corrective_action_create(
        assessment=assessment,
        title="Name a deputy manager",
        owner="Hotline manager",
        due_on=timezone.localdate() - timedelta(days=10),
        acting_user=world.reviewer,
        now=then,
    )
    assert action.created_at == then and action.overdue
    with pytest.raises(ValidationError, match="cannot be due in the past"):
        services.corrective_action_create(
            assessment=assessment,
            title="Adopt a retention schedule",
            owner="Hotline manager",
            due_on=timezone.localdate(then) - timedelta(days=1),
            acting_user=world.reviewer,
            now=then,
        )


def test_evidence_for_a_corrective_action_puts_it_in_progress_and_says_so_to_the_dashboards(world):
    """The status moves with a bulk update, which sends no signal: the action's version moves all the same,
    so the quality dashboard (which reads corrective actions) is built again."""
    from core import dataversion
    from tests.onboarding.dossier import pdf

    action = services.corrective_action_create(
        assessment=plan(world),
        title="Publish the retention schedule",
        owner="Hotline manager",
        due_on=timezone.localdate() + timedelta(days=60),
        acting_user=world.reviewer,
    )
    key = dataversion.model_key("onboarding.CorrectiveAction")
    before = dataversion.model_versions()[key]
    services.evidence_upload(
        hotline=world.hotline, upload=pdf("retention.pdf"), corrective_actions=[action], acting_user=world.candidate
    )
    action.refresh_from_db()
    assert action.status == CorrectiveAction.Status.IN_PROGRESS
    assert dataversion.model_versions()[key] > before
