"""The checklist through its services: items from the template, due dates, review with four eyes,
locking, waivers, comments and emails, history and audit, versions, and the gates that read it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from wagtail.models import ModelLogEntry

from core.models import OutgoingEmail
from network.models import Hotline
from onboarding import selectors, services
from onboarding.models import (
    ChecklistItem,
    ChecklistTemplate,
    ChecklistTemplateItem,
    ItemComment,
    ItemEvent,
)
from tests.onboarding.dossier import build_dossier, pdf, submitted

pytestmark = pytest.mark.django_db
Stage = Hotline.Stage


@pytest.fixture
def world():
    return build_dossier()


def test_the_default_template_has_the_fourteen_areas_and_about_forty_items():
    template = ChecklistTemplate.objects.onboarding().published().get()
    items = list(template.items.all())
    assert 38 <= len(items) <= 48
    assert {item.area for item in items} == set(range(1, 15))
    assert {item.gate_fact for item in items if item.gate_fact} == {"host_due_diligence", "legal_review"}
    assert services.template_problems(template) == []


def test_a_checklist_gets_every_item_not_started_with_due_dates_from_the_stage_history(world):
    items = ChecklistItem.objects.filter(checklist__hotline=world.hotline).select_related("template_item")
    assert items.count() == ChecklistTemplate.objects.onboarding().published().get().items.count()
    assert {item.state for item in items} == {"not_started"}
    entered = timezone.localdate(world.hotline.stage_entered_at)
    application = world.item("9.1")  # worked on in operational preparation, due 60 days after entering it
    assert application.due_on == entered + timedelta(days=60)
    assert world.item("10.4").due_on is None  # gates full membership: provisional member not reached yet
    assert ItemEvent.objects.filter(item=application, action="created").exists()
    with pytest.raises(ValidationError, match="has a checklist already"):
        services.checklist_create(hotline=world.hotline, acting_user=world.staff)


def test_candidates_added_by_staff_get_their_checklist(world):
    from tests.onboarding.factories import country

    hotline = services.candidate_create(
        brand_name="Report Safe Togo",
        country=country("TG"),
        new_host_name="Togo Child Online Safety Forum",
        identified_on=timezone.localdate(),
        source="outreach",
        lead_staff=world.staff,
        acting_user=world.staff,
    )
    assert hotline.checklist.items.count() > 30


def test_submitting_needs_the_evidence_the_item_requires(world):
    item = world.item("9.1")
    with pytest.raises(ValidationError, match="needs evidence"):
        services.item_submit(item=item, acting_user=world.candidate)
    services.evidence_upload(hotline=world.hotline, upload=pdf(), items=[item], acting_user=world.candidate)
    item = services.item_submit(item=item, acting_user=world.candidate)
    assert (item.state, item.submitted_by) == ("submitted", world.candidate)


def test_a_submitted_item_is_locked_for_the_candidate_until_changes_are_requested(world):
    item = submitted(world)
    with pytest.raises(ValidationError, match="not possible now"):
        services.item_save_answer(item=item, answer="A late change", acting_user=world.candidate)
    with pytest.raises(ValidationError, match="not possible now"):
        services.evidence_upload(
            hotline=world.hotline, upload=pdf("late.pdf"), items=[item], acting_user=world.candidate
        )
    document = item.evidence.get()
    with pytest.raises(ValidationError, match="not possible now"):
        services.evidence_unlink(document=document, item=item, acting_user=world.candidate)
    services.item_request_changes(
        item=item, comment="The procedure lacks the takedown step.", acting_user=world.reviewer
    )
    item = services.item_save_answer(item=item, answer="Takedown step added.", acting_user=world.candidate)
    assert (item.state, item.answer) == ("changes_requested", "Takedown step added.")


def test_four_eyes_whoever_submitted_cannot_accept(world):
    item = submitted(world, by=world.staff)  # staff submitted on the candidate's behalf
    with pytest.raises(ValidationError, match="another person must review it"):
        services.item_accept(item=item, acting_user=world.staff)
    with pytest.raises(PermissionDenied):
        services.item_accept(item=item, acting_user=world.candidate)  # not a reviewer at all
    accepted = services.item_accept(item=item, acting_user=world.reviewer)
    assert (accepted.state, accepted.reviewed_by) == ("accepted", world.reviewer)


def test_only_open_reviewers_review(world):
    item = submitted(world)
    with pytest.raises(PermissionDenied):
        services.item_accept(item=item, acting_user=world.outsider_reviewer)
    assignment = services.reviewer_assign(
        hotline=world.hotline, reviewer=world.outsider_reviewer, acting_user=world.staff
    )
    with pytest.raises(PermissionDenied):  # assigned, but no declaration yet
        services.item_accept(item=item, acting_user=world.outsider_reviewer)
    services.reviewer_declare(
        assignment=assignment,
        has_conflict=True,
        statement="I sit on the host's board.",
        acting_user=world.outsider_reviewer,
    )
    with pytest.raises(PermissionDenied):  # conflicted
        services.item_accept(item=item, acting_user=world.outsider_reviewer)


def test_review_round_trip_with_comments_emails_history_and_audit(world, django_capture_on_commit_callbacks):
    item = submitted(world)
    ready = OutgoingEmail.objects.get(subject__startswith="[Hotline network] Ready for review")
    assert ready.to == sorted([world.reviewer.email, world.staff.email]) and "9.1" in ready.subject
    assert "/admin/onboarding/reviews/items/" in ready.body
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(ValidationError, match="Say what needs to change"):
            services.item_request_changes(item=item, comment=" ", acting_user=world.reviewer)
        services.item_request_changes(item=item, comment="Add the board resolution.", acting_user=world.reviewer)
    assert ItemComment.objects.get(item=item).body == "Add the board resolution."
    told = [m for m in mail.outbox if world.candidate.email in m.to]
    assert told and "Changes requested" in told[-1].subject and "Add the board resolution." in told[-1].body

    with django_capture_on_commit_callbacks(execute=True):
        services.item_comment(item=item, body="Resolution attached now.", acting_user=world.candidate)
    to_reviewers = mail.outbox[-1]
    assert set(to_reviewers.to) == {world.reviewer.email, world.staff.email}  # reviewers and lead staff
    assert "Resolution attached now." in to_reviewers.body

    services.item_submit(item=item, acting_user=world.candidate)
    services.item_accept(item=item, acting_user=world.reviewer)
    actions = list(ItemEvent.objects.filter(item=item).values_list("action", "to_state"))
    assert actions == [
        ("created", "not_started"),
        ("evidence_add", "in_progress"),
        ("edit", "in_progress"),
        ("submit", "submitted"),
        ("request_changes", "changes_requested"),
        ("submit", "submitted"),
        ("accept", "accepted"),
    ]
    logged = set(ModelLogEntry.objects.filter(object_id=str(item.pk)).values_list("action", flat=True))
    assert {"onboarding.item.submit", "onboarding.item.accept", "onboarding.item.comment"} <= logged


def test_a_waiver_needs_a_reason_and_a_second_staff_member(world):
    item = world.item("13.2")
    with pytest.raises(ValidationError, match="reason for the waiver"):
        services.item_waive(item=item, reason="", acting_user=world.staff)
    with pytest.raises(PermissionDenied):
        services.item_waive(item=item, reason="Not relevant", acting_user=world.reviewer)
    item = services.item_waive(item=item, reason="Awareness is run by the ministry.", acting_user=world.staff)
    assert item.state == "waived" and not item.is_done
    assert "13.2 Awareness materials" in selectors.gate_facts(hotline=world.hotline).application_items_open
    with pytest.raises(ValidationError, match="another staff member must approve"):
        services.item_approve_waiver(item=item, acting_user=world.staff)
    item = services.item_approve_waiver(item=item, acting_user=world.staff2)
    assert item.is_done and item.waiver_approved_by == world.staff2
    assert "13.2 Awareness materials" not in selectors.gate_facts(hotline=world.hotline).application_items_open


def test_declining_a_waiver_returns_the_item_to_the_candidate(world):
    item = services.item_waive(item=world.item("13.2"), reason="Ministry campaign", acting_user=world.staff)
    item = services.item_decline_waiver(item=item, comment="We still need the drafts.", acting_user=world.staff2)
    assert (item.state, item.waiver_reason, item.waived_by) == ("in_progress", "", None)


def test_one_document_supports_several_items(world):
    first, second = world.item("10.1"), world.item("10.3")
    document = services.evidence_upload(
        hotline=world.hotline, upload=pdf("security.pdf"), items=[first, second], acting_user=world.candidate
    )
    assert set(document.items.values_list("code", flat=True)) == {"10.1", "10.3"}
    third = services.evidence_link(document=document, item=world.item("10.2"), acting_user=world.candidate)
    assert third.state == "in_progress"
    with pytest.raises(ValidationError, match="already supports"):
        services.evidence_link(document=document, item=third, acting_user=world.candidate)
    with pytest.raises(ValidationError, match="another candidate"):
        services.evidence_link(document=document, item=world.item("10.1", world.hotline2), acting_user=world.staff)


def test_a_portal_user_of_another_candidate_cannot_touch_the_checklist(world):
    item = world.item("9.1")
    with pytest.raises(PermissionDenied):
        services.item_save_answer(item=item, answer="x", acting_user=world.candidate2)
    with pytest.raises(PermissionDenied):
        services.item_comment(item=item, body="Hello", acting_user=world.candidate2)
    with pytest.raises(PermissionDenied):
        services.evidence_upload(hotline=world.hotline, upload=pdf(), items=[item], acting_user=world.candidate2)


# -- Versions ---------------------------------------------------------------------------------
def test_a_new_version_changes_nobody_silently_and_staff_move_a_candidate_keeping_answers(world):
    accepted = submitted(world, "9.2")
    services.item_accept(item=accepted, acting_user=world.reviewer)
    kept = services.item_save_answer(item=world.item("9.3"), answer="Recorded monthly.", acting_user=world.candidate)
    v1 = ChecklistTemplate.objects.onboarding().published().get()
    draft = services.template_new_version(template=v1, acting_user=world.staff)
    assert draft.status == "draft" and draft.items.count() == v1.items.count()
    draft.items.filter(code="9.2").update(title="Content assessment guidelines, reviewed yearly")
    draft.items.filter(code="13.2").delete()
    ChecklistTemplateItem.objects.create(
        template=draft,
        code="13.4",
        area=13,
        title="Media contact",
        gates_stage="application_submitted",
        due_days=90,
        sort_order=999,
    )
    services.template_publish(template=draft, acting_user=world.staff)
    v1.refresh_from_db()
    assert v1.status == "retired"
    assert world.hotline.checklist.template_id == v1.pk  # nothing moved silently

    move = services.checklist_move_to_version(
        checklist=world.hotline.checklist, template=draft, acting_user=world.staff
    )
    assert (move.from_version, move.to_version) == (1, 2)
    assert move.diff.added == ("13.4",) and move.diff.removed == ("13.2",) and move.diff.reopened == ("9.2",)
    reopened = world.item("9.2")
    assert reopened.state == "in_progress" and reopened.answer == "Our answer to 9.2." and reopened.evidence.exists()
    unchanged = world.item("9.3")
    assert (unchanged.state, unchanged.answer) == (kept.state, "Recorded monthly.")
    assert unchanged.template_item.template_id == draft.pk
    assert world.item("13.2").removed_at is not None
    assert world.item("13.4").state == "not_started"
    assert ItemEvent.objects.filter(item=reopened, action="version_move").exists()
    assert world.hotline2.checklist.template_id == v1.pk  # the other candidate stays on version 1
    with pytest.raises(ValidationError, match="newer version"):
        services.checklist_move_to_version(checklist=world.hotline.checklist, template=draft, acting_user=world.staff)


def test_publishing_checks_the_draft_and_only_staff_publish(world):
    v1 = ChecklistTemplate.objects.onboarding().published().get()
    draft = services.template_new_version(template=v1, acting_user=world.staff)
    draft.items.filter(gate_fact="legal_review").update(gate_fact="")
    with pytest.raises(ValidationError, match="Legal review"):
        services.template_publish(template=draft, acting_user=world.staff)
    with pytest.raises(PermissionDenied):
        services.template_publish(template=draft, acting_user=world.reviewer)
    with pytest.raises(ValidationError, match="draft version of this checklist exists"):
        services.template_new_version(template=v1, acting_user=world.staff)


# -- Gates read the checklist -----------------------------------------------------------------
def test_gate_facts_come_from_the_checklist(world):
    facts = selectors.gate_facts(hotline=world.hotline)
    assert facts.host_due_diligence_accepted is False and facts.legal_review_accepted is False
    assert len(facts.application_items_open) > 30
    open_by_stage = dict(facts.stage_items_open)
    assert "1.2 Map of child-protection and reporting services" in open_by_stage["stakeholder_engagement"]
    assert not any(t.startswith("2.1 ") for t in open_by_stage["stakeholder_engagement"])  # named by its own gate
    assert "10.4 Incident response plan" in open_by_stage["full_member"]

    due_diligence = submitted(world, "2.1")
    services.item_accept(item=due_diligence, acting_user=world.reviewer)
    assert selectors.gate_facts(hotline=world.hotline).host_due_diligence_accepted is True

    no_checklist = Hotline.objects.create(
        brand_name="No checklist", country=world.hotline.country, host_organisation=world.hotline.host_organisation
    )
    bare = selectors.gate_facts(hotline=no_checklist)
    assert bare.application_items_open is None and bare.stage_items_open is None
    assert bare.host_due_diligence_accepted is None


def test_the_application_gate_opens_once_every_item_is_done(world, django_assert_max_num_queries):
    from onboarding import workflow

    for item in ChecklistItem.objects.filter(
        checklist__hotline=world.hotline,
        template_item__gates_stage__in=["stakeholder_engagement", "operational_preparation", "application_submitted"],
    ):
        services.item_waive(item=item, reason="Test", acting_user=world.staff)
        services.item_approve_waiver(item=item, acting_user=world.staff2)
    facts = selectors.gate_facts(hotline=world.hotline)
    assert facts.application_items_open == ()
    assert workflow.application_checklist_complete(facts) is None
    assert dict(facts.stage_items_open)["full_member"]
    hotlines = list(Hotline.objects.all())
    with django_assert_max_num_queries(20):
        selectors.gate_facts_for(hotlines=hotlines)


def test_expired_evidence_reopens_the_application_gate(world):
    item = submitted(world, "8.2")
    services.item_accept(item=item, acting_user=world.reviewer)
    document = item.evidence.get()
    document.expires_on = timezone.localdate() - timedelta(days=1)
    document.save()
    [expired] = services.evidence_expire_due(today=timezone.localdate())
    assert [i.code for i in expired.items] == ["8.2"]
    item.refresh_from_db()
    assert item.state == "expired"
    assert (
        "8.2 Funding agreement for the first operating year"
        in selectors.gate_facts(hotline=world.hotline).application_items_open
    )
    assert services.evidence_expire_due(today=timezone.localdate()) == []  # once per expiry date


@pytest.mark.django_db
def test_guidance_keeps_the_editors_formatting_and_loses_scripts_from_any_source():
    """Guidance is rich text: what the editor allows stays, markup from a workbook does not run."""
    template = ChecklistTemplate.objects.onboarding().published().get()
    item = template.items.first()
    item.guidance = (
        '<p>Show <b>signed</b> minutes <a href="https://example.org/x" onclick="steal()">here</a>.</p>'
        "<script>alert(1)</script><img src=x onerror=alert(2)><ul><li>One</li></ul>"
    )
    item.full_clean()
    assert "<script" not in item.guidance and "onerror" not in item.guidance and "onclick" not in item.guidance
    assert "<b>signed</b>" in item.guidance and "<li>One</li>" in item.guidance
    assert 'href="https://example.org/x"' in item.guidance


def test_requesting_changes_moves_the_due_date_so_the_item_is_not_overdue_at_once(world):
    from onboarding import checklist_rules as rules

    today = timezone.localdate()
    item = submitted(world)
    ChecklistItem.objects.filter(pk=item.pk).update(due_on=today - timedelta(days=10))
    template = item.checklist.template
    template.resubmission_days = 21
    template.save(update_fields=["resubmission_days"])
    item = services.item_request_changes(item=item, comment="Add the escalation step.", acting_user=world.reviewer)
    assert item.due_on == today + timedelta(days=21)
    assert not ChecklistItem.objects.get(pk=item.pk).is_overdue()
    event = ItemEvent.objects.filter(item=item, action="request_changes").get()
    assert event.data["due_on"] == [(today - timedelta(days=10)).isoformat(), (today + timedelta(days=21)).isoformat()]
    assert any("Please answer by" in m.body for m in OutgoingEmail.objects.filter(subject__contains=item.code))

    # The reviewer may choose the date; never one in the past.
    again = services.item_submit(item=item, acting_user=world.candidate)
    chosen = today + timedelta(days=5)
    again = services.item_request_changes(
        item=again, comment="Still missing.", acting_user=world.reviewer, due_on=chosen
    )
    assert again.due_on == chosen
    third = services.item_submit(item=again, acting_user=world.candidate)
    with pytest.raises(ValidationError) as refused:
        services.item_request_changes(
            item=third, comment="No.", acting_user=world.reviewer, due_on=today - timedelta(days=1)
        )
    assert "past" in str(refused.value)
    assert rules.due_after_changes_requested(
        current=today + timedelta(days=60), today=today, days=14
    ) == today + timedelta(days=60)
