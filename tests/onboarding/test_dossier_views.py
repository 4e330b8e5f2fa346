"""Dossier screens: who reaches what (anonymous, wrong user, right user), what the pages do with
plain HTML forms, the reviewer's scoping in every dossier model, and flat query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from onboarding import services
from onboarding.models import (
    Assessment,
    Checklist,
    ChecklistItem,
    ChecklistTemplate,
    CorrectiveAction,
    Decision,
    EvidenceDocument,
    Finding,
    ItemComment,
    ItemEvent,
    ReviewerAssignment,
)
from tests.onboarding.dossier import build_dossier, candidate_in, pdf, submitted
from tests.onboarding.factories import consolidated

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = build_dossier()
    w.submitted = submitted(w, "9.1")
    w.document = w.submitted.evidence.get()
    w.assessment = services.assessment_create(
        hotline=w.hotline,
        kind="pre_membership",
        mode="on_site",
        starts_on=timezone.localdate(),
        ends_on=None,
        acting_user=w.staff,
    )
    w.action = services.corrective_action_create(
        assessment=w.assessment,
        title="Adopt a retention schedule",
        owner="Hotline manager",
        due_on=timezone.localdate() + timedelta(days=30),
        acting_user=w.reviewer,
    )
    return w


def portal_urls(w) -> list[str]:
    return [
        reverse("portal:onboarding_checklist", args=[w.hotline.pk]),
        reverse("portal:onboarding_checklist_item", args=[w.submitted.pk]),
        reverse("portal:onboarding_evidence", args=[w.document.pk]),
        reverse("portal:onboarding_corrective_actions"),
        reverse("portal:onboarding_corrective_action", args=[w.action.pk]),
    ]


def admin_dossier_urls(w) -> list[str]:
    return [
        reverse("onboarding_admin:review_queue"),
        reverse("onboarding_admin:review_item", args=[w.submitted.pk]),
        reverse("onboarding_admin:evidence_download", args=[w.document.pk]),
        reverse("onboarding_admin:dossier", args=[w.hotline.pk]),
        reverse("onboarding_admin:assignments"),
        reverse("onboarding_admin:assessments"),
        reverse("onboarding_admin:assessment", args=[w.assessment.pk]),
        reverse("onboarding_admin:assessment_report", args=[w.assessment.pk]),
    ]


def staff_only_urls(w) -> list[str]:
    template = ChecklistTemplate.objects.onboarding().published().get()
    return [
        reverse("onboarding_admin:assessment_add", args=[w.hotline.pk]),
        reverse("onboarding_admin:assessment_edit", args=[w.assessment.pk]),
        reverse("onboarding_admin:decision_add", args=[w.assessment.pk]),
        reverse("onboarding_admin:template", args=[template.pk]),
        reverse("onboarding_templates:index"),
        reverse("onboarding_templates:add"),
    ]


# -- Access -----------------------------------------------------------------------------------
def test_anonymous_visitors_are_sent_to_sign_in(world, client_for):
    urls = [*portal_urls(world), *admin_dossier_urls(world), *staff_only_urls(world)]
    urls.append(reverse("onboarding_admin:assignment_declare", args=[ReviewerAssignment.objects.get().pk]))
    for url in urls:
        response = client_for(None).get(url)
        assert response.status_code == 302 and "login" in response["Location"], url


def test_the_candidate_sees_its_own_portal_pages_and_the_other_candidate_gets_404(world, client_for):
    for url in portal_urls(world):
        assert client_for(world.candidate).get(url).status_code == 200, url
    other = client_for(world.candidate2)
    for url in portal_urls(world)[:3] + portal_urls(world)[4:]:
        assert other.get(url).status_code == 404, url
        assert other.post(url, {"action": "comment", "body": "Hi"}).status_code == 404, url
    listing = other.get(reverse("portal:onboarding_corrective_actions"))
    assert listing.status_code == 200 and b"retention schedule" not in listing.content
    assert ItemComment.objects.filter(body="Hi").count() == 0


def test_staff_without_an_affiliation_have_no_business_in_the_portal(world, client_for):
    for url in portal_urls(world):
        assert client_for(world.staff).get(url).status_code == 403, url


def test_network_staff_and_the_assigned_reviewer_see_the_dossier(world, client_for):
    for user in (world.staff, world.reviewer):
        for url in admin_dossier_urls(world):
            assert client_for(user).get(url).status_code == 200, (user, url)
    for url in staff_only_urls(world):
        assert client_for(world.staff).get(url).status_code == 200, url


def test_an_unassigned_undeclared_or_conflicted_reviewer_gets_404(world, client_for, make_user):
    pending = services.reviewer_assign(
        hotline=world.hotline, reviewer=make_user(Role.REVIEWER), acting_user=world.staff
    )
    conflicted = services.reviewer_assign(
        hotline=world.hotline, reviewer=make_user(Role.REVIEWER), acting_user=world.staff
    )
    services.reviewer_declare(
        assignment=conflicted, has_conflict=True, statement="Board member", acting_user=conflicted.reviewer
    )
    for reviewer in (world.outsider_reviewer, pending.reviewer, conflicted.reviewer):
        client = client_for(reviewer)
        for url in admin_dossier_urls(world)[1:4] + admin_dossier_urls(world)[6:]:
            assert client.get(url).status_code == 404, (reviewer, url)
        queue = client.get(reverse("onboarding_admin:review_queue"))
        assert queue.status_code == 200 and b"SafeNet Ghana" not in queue.content
        post = client.post(reverse("onboarding_admin:review_item", args=[world.submitted.pk]), {"action": "accept"})
        assert post.status_code == 404
    world.submitted.refresh_from_db()
    assert world.submitted.state == "submitted"


def test_reviewers_cannot_use_staff_screens(world, client_for):
    client = client_for(world.reviewer)
    for url in staff_only_urls(world):
        response = client.get(url)
        assert response.status_code in (302, 403), url  # Wagtail answers PermissionDenied with a redirect home
        if response.status_code == 302:
            assert "login" not in response["Location"]


def test_other_staff_roles_see_no_dossier(world, client_for, make_user):
    capacity = make_user(Role.CAPACITY)
    for model in (
        Checklist,
        ChecklistItem,
        EvidenceDocument,
        ItemComment,
        ItemEvent,
        Assessment,
        Finding,
        CorrectiveAction,
        Decision,
    ):
        assert not model.objects.visible_to(capacity).exists(), model


def test_visible_to_scopes_every_dossier_model_to_assigned_reviewers(world, make_user):
    other = candidate_in("operational_preparation", brand="Aman Online Jordan", code="JO")
    services.checklist_create(hotline=other, acting_user=world.staff)
    other_item = ChecklistItem.objects.filter(checklist__hotline=other).first()
    services.item_comment(item=other_item, body="Other dossier", acting_user=world.staff)
    services.evidence_upload(hotline=other, upload=pdf(), items=[other_item], acting_user=world.staff)
    other_assessment = services.assessment_create(
        hotline=other,
        kind="pre_membership",
        mode="remote",
        starts_on=timezone.localdate(),
        ends_on=None,
        acting_user=world.staff,
    )
    services.corrective_action_create(
        assessment=other_assessment,
        title="Other action",
        owner="Manager",
        due_on=timezone.localdate(),
        acting_user=world.staff,
    )
    services.item_comment(item=world.submitted, body="Our dossier", acting_user=world.candidate)
    models = (Checklist, ChecklistItem, EvidenceDocument, ItemComment, ItemEvent, Assessment, CorrectiveAction)
    paths = {
        Checklist: "hotline",
        ChecklistItem: "checklist__hotline",
        EvidenceDocument: "hotline",
        ItemComment: "item__checklist__hotline",
        ItemEvent: "item__checklist__hotline",
        Assessment: "hotline",
        CorrectiveAction: "assessment__hotline",
    }
    for model in models:
        everything = model.objects.visible_to(world.staff)
        assert everything.filter(**{paths[model]: other}).exists(), model
        mine = model.objects.visible_to(world.reviewer)
        assert mine.exists() and not mine.filter(**{paths[model]: other}).exists(), model
        assert set(mine.values_list(f"{paths[model]}_id", flat=True)) == {world.hotline.pk}, model
        assert not model.objects.visible_to(world.outsider_reviewer).exists(), model
        assert not model.objects.visible_to(world.candidate).filter(**{paths[model]: other}).exists(), model
    assert ReviewerAssignment.objects.visible_to(world.reviewer).get().reviewer == world.reviewer
    assert not ReviewerAssignment.objects.visible_to(world.candidate).exists()


# -- Portal pages -----------------------------------------------------------------------------
def test_the_checklist_page_shows_progress_by_area_filters_and_next_actions(world, client_for):
    services.item_accept(item=world.submitted, acting_user=world.reviewer)
    client = client_for(world.candidate)
    page = client.get(reverse("portal:onboarding_checklist", args=[world.hotline.pk])).content.decode()
    total = ChecklistItem.objects.filter(checklist__hotline=world.hotline).count()
    assert f'<progress id="progress-overall" value="1" max="{total}">' in page
    assert f"1 of {total} done" in page
    assert "9. Operations and procedures" in page and 'id="progress-area-9" value="1" max="4"' in page
    assert "Yours (" in page and "Ours (0 items)" in page
    filtered = client.get(reverse("portal:onboarding_checklist", args=[world.hotline.pk]), {"status": "accepted"})
    text = filtered.content.decode()
    assert "9.1 Report-handling procedure" in text and "9.2 Content assessment guidelines" not in text


def test_the_item_page_works_with_plain_forms(world, client_for):
    item = world.item("12.2")
    url = reverse("portal:onboarding_checklist_item", args=[item.pk])
    client = client_for(world.candidate)
    page = client.get(url).content.decode()
    assert "exposure limits" in page  # the guidance
    assert 'enctype="multipart/form-data"' in page and "Accepted: PDF" in page
    assert client.post(url, {"action": "save", "answer": "Two-hour limit, then a break."}).status_code == 302
    assert client.post(url, {"action": "submit"}).status_code == 200  # refused: evidence required
    assert "needs evidence" in client.post(url, {"action": "submit"}).content.decode()
    response = client.post(url, {"action": "upload", "document": pdf("welfare.pdf"), "description": "Policy"})
    assert response.status_code == 302
    assert client.post(url, {"action": "comment", "body": "Is a draft acceptable?"}).status_code == 302
    assert client.post(url, {"action": "submit"}).status_code == 302
    item.refresh_from_db()
    assert item.state == "submitted"
    page = client.get(url).content.decode()
    assert "locked while the association" in page and 'name="action" value="save"' not in page
    assert "Is a draft acceptable?" in page and "Submitted for review" in page  # thread and history
    other = EvidenceDocument.objects.get(original_name="welfare.pdf")
    second = world.item("12.3")
    assert (
        client.post(
            reverse("portal:onboarding_checklist_item", args=[second.pk]), {"action": "link", "document": other.pk}
        ).status_code
        == 302
    )
    assert set(other.items.values_list("code", flat=True)) == {"12.2", "12.3"}
    response = client.post(
        reverse("portal:onboarding_checklist_item", args=[second.pk]),
        {"action": "unlink", "document": other.pk, "confirmed": "yes"},  # the removal was confirmed
    )
    assert response.status_code == 302 and list(other.items.values_list("code", flat=True)) == ["12.2"]


def test_the_portal_home_shows_checklist_progress_and_open_corrective_actions(world, client_for):
    home = client_for(world.candidate).get(reverse("portal:home")).content.decode()
    total = ChecklistItem.objects.filter(checklist__hotline=world.hotline).count()
    assert f"Checklist: 0 of {total} items done (0%)." in home
    assert "1 corrective action from an assessment is open." in home
    assert reverse("portal:onboarding_checklist", args=[world.hotline.pk]) in home
    assert reverse("portal:onboarding_corrective_actions") in home
    other = client_for(world.candidate2).get(reverse("portal:home")).content.decode()
    assert (
        "corrective action" not in other
        and reverse("portal:onboarding_checklist", args=[world.hotline.pk]) not in other
    )


def test_member_hotline_users_follow_up_corrective_actions(world, client_for):
    url = reverse("portal:onboarding_corrective_action", args=[world.action.pk])
    client = client_for(world.candidate)
    listing = client.get(reverse("portal:onboarding_corrective_actions")).content.decode()
    assert "Adopt a retention schedule" in listing
    assert client.post(url, {"action": "upload", "document": pdf("retention.pdf")}).status_code == 302
    assert client.post(url, {"action": "complete", "note": ""}).status_code == 200
    assert client.post(url, {"action": "complete", "note": "Schedule adopted by the board."}).status_code == 302
    world.action.refresh_from_db()
    assert world.action.status == "completed" and world.action.evidence.get().original_name == "retention.pdf"
    services.corrective_action_verify(action=world.action, acting_user=world.reviewer)
    world.action.refresh_from_db()
    assert world.action.status == "verified"


# -- Admin pages ------------------------------------------------------------------------------
def test_the_reviewer_requests_changes_and_accepts_from_the_review_page(world, client_for):
    url = reverse("onboarding_admin:review_item", args=[world.submitted.pk])
    client = client_for(world.reviewer)
    page = client.get(url).content.decode()
    assert "Our answer to 9.1." in page and "9.1.pdf" in page
    missing = client.post(url, {"action": "request_changes", "comment": ""})
    assert missing.status_code == 200 and "Say what needs to change" in missing.content.decode()
    from datetime import timedelta

    from django.utils import timezone

    current = world.submitted.due_on
    proposed = max(timezone.localdate() + timedelta(days=14), current or timezone.localdate())
    assert f'value="{proposed.isoformat()}"' in page  # the template's period (or a later due date), editable
    assert "initDateChooser" in page and "date-time-chooser.js" in page  # the picker's script is on the page
    chosen = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = client.post(url, {"action": "request_changes", "comment": "Add the escalation step.", "due_on": chosen})
    assert response.status_code == 302
    world.submitted.refresh_from_db()
    assert world.submitted.state == "changes_requested"
    assert world.submitted.due_on.isoformat() == chosen
    assert client.post(url, {"action": "comment", "body": "Thanks."}).status_code == 302
    refused = client.post(url, {"action": "waive", "comment": "x"})  # waivers are for network staff
    assert refused.status_code == 302 and refused["Location"] == "/admin/"
    world.submitted.refresh_from_db()
    assert world.submitted.state == "changes_requested"


def test_staff_assign_reviewers_who_then_declare(world, client_for):
    hotline = world.hotline2
    client = client_for(world.staff)
    response = client.post(
        reverse("onboarding_admin:reviewer_assign", args=[hotline.pk]), {"reviewer": world.outsider_reviewer.pk}
    )
    assert response.status_code == 302
    assignment = ReviewerAssignment.objects.get(hotline=hotline)
    reviewer = client_for(world.outsider_reviewer)
    assert reviewer.get(reverse("onboarding_admin:dossier", args=[hotline.pk])).status_code == 404
    declare = reverse("onboarding_admin:assignment_declare", args=[assignment.pk])
    assert client_for(world.reviewer).get(declare).status_code == 404  # someone else's declaration
    assert "Surakshit Web Nepal" in reviewer.get(reverse("onboarding_admin:assignments")).content.decode()
    refused = reviewer.post(declare, {"has_conflict": "yes", "statement": ""})
    assert refused.status_code == 200 and "Describe the conflict" in refused.content.decode()
    assert reviewer.post(declare, {"has_conflict": "no", "statement": ""}).status_code == 302
    assert reviewer.get(reverse("onboarding_admin:dossier", args=[hotline.pk])).status_code == 200
    assert client.post(reverse("onboarding_admin:reviewer_unassign", args=[assignment.pk])).status_code == 302
    assert reviewer.get(reverse("onboarding_admin:dossier", args=[hotline.pk])).status_code == 404


def test_staff_start_a_checklist_and_move_it_to_a_new_version(world, client_for):
    hotline = candidate_in("feasibility_review", brand="Red Segura Paraguay", code="PY")
    client = client_for(world.staff)
    assert client.post(reverse("onboarding_admin:checklist_start", args=[hotline.pk])).status_code == 302
    assert Checklist.objects.filter(hotline=hotline).exists()
    v1 = ChecklistTemplate.objects.onboarding().published().get()
    assert client.post(reverse("onboarding_admin:template_new_version", args=[v1.pk])).status_code == 302
    draft = ChecklistTemplate.objects.get(status="draft")
    draft.items.filter(code="1.1").update(title="Country situation and needs summary")
    publish = reverse("onboarding_admin:template_publish", args=[draft.pk])
    check = client.post(publish)  # first what will happen
    assert check.status_code == 200 and "Nothing has changed yet" in check.content.decode()
    assert "is retired" in check.content.decode()
    assert client.post(publish, {"confirmed": "yes"}).status_code == 302
    preview = client.get(reverse("onboarding_admin:checklist_version", args=[hotline.pk])).content.decode()
    assert "1.1 Country situation and needs summary: title" in preview
    response = client.post(reverse("onboarding_admin:checklist_version", args=[hotline.pk]), follow=True)
    assert "0 new, 0 dropped, 1 changed" in response.content.decode()
    assert Checklist.objects.get(hotline=hotline).template == draft


def test_the_template_edit_form_refuses_published_versions(world, client_for):
    v1 = ChecklistTemplate.objects.onboarding().published().get()
    response = client_for(world.staff).get(reverse("onboarding_templates:edit", args=[v1.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("onboarding_admin:template", args=[v1.pk])


def test_the_assessment_page_records_findings_actions_report_and_decision(world, client_for):
    from network.models import Hotline

    url = reverse("onboarding_admin:assessment", args=[world.assessment.pk])
    findings_url = reverse("onboarding_admin:assessment_findings", args=[world.assessment.pk])
    report_url = reverse("onboarding_admin:assessment_report_complete", args=[world.assessment.pk])
    reviewer = client_for(world.reviewer)
    page = reviewer.get(url).content.decode()
    assert f'action="{findings_url}"' in page and f'action="{report_url}"' in page
    assert reviewer.get(findings_url).status_code == 405  # the page is shown by its own URL
    data = {}
    for area in range(1, 15):
        data[f"rating_{area}"] = "meets"
        data[f"text_{area}"] = f"Area {area} is in place."
    data["rating_3"], data["text_3"] = "partly_meets", ""
    refused = reviewer.post(findings_url, data)
    assert refused.status_code == 200 and "3. Legal framework: write the finding." in refused.content.decode()
    data["text_3"] = "Takedown basis relies on a ministerial circular."
    saved = reviewer.post(findings_url, data)
    assert saved.status_code == 302 and saved["Location"] == url
    assert Finding.objects.filter(assessment=world.assessment).count() == 14
    report = {"recommendation": "passed", "summary": "Ready."}  # a QA outcome
    assert "Select a valid choice" in reviewer.post(report_url, report).content.decode()
    report["recommendation"] = "admit_with_actions"
    assert reviewer.post(report_url, report).status_code == 302
    pdf_response = reviewer.get(reverse("onboarding_admin:assessment_report", args=[world.assessment.pk]))
    assert pdf_response.content.startswith(b"%PDF") and pdf_response["Content-Type"] == "application/pdf"
    portal_pdf = client_for(world.candidate).get(
        reverse("portal:onboarding_assessment_report", args=[world.assessment.pk])
    )
    assert portal_pdf.status_code == 200
    assert (
        client_for(world.candidate2)
        .get(reverse("portal:onboarding_assessment_report", args=[world.assessment.pk]))
        .status_code
        == 404
    )

    Hotline.objects.filter(pk=world.hotline.pk).update(stage="decision_pending")
    consolidated(world.hotline)
    decision_url = reverse("onboarding_admin:decision_add", args=[world.assessment.pk])
    form = {
        "body": "General Assembly",
        "decided_on": timezone.localdate().isoformat(),
        "minutes_reference": "GA-2026-04",
        "votes_for": 3,
        "votes_against": 5,
        "votes_abstaining": 1,
        "outcome": "admit",
    }
    refused = client_for(world.staff).post(decision_url, form)
    assert "does not carry an admission" in refused.content.decode()
    form["votes_for"], form["votes_against"] = 31, 2
    check = client_for(world.staff).post(decision_url, form)  # first what will happen
    assert check.status_code == 200 and "moves from Decision pending to Provisional member" in check.content.decode()
    world.hotline.refresh_from_db()
    assert world.hotline.stage == "decision_pending"
    assert client_for(world.staff).post(decision_url, {**form, "confirmed": "yes"}).status_code == 302
    world.hotline.refresh_from_db()
    assert world.hotline.stage == "provisional_member" and world.hotline.joined_on == timezone.localdate()
    assert Decision.objects.get().recorded_by == world.staff


# -- Query counts -----------------------------------------------------------------------------
def count_queries(client, url) -> int:
    client.get(url)  # warm up: the session, content types and site are cached after the first request
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_queue_and_checklist_pages_cost_the_same_for_few_and_many_items(world, client_for):
    staff, candidate = client_for(world.staff), client_for(world.candidate)
    queue = reverse("onboarding_admin:review_queue")
    checklist = reverse("portal:onboarding_checklist", args=[world.hotline.pk])
    dossier = reverse("onboarding_admin:dossier", args=[world.hotline.pk])
    small = [count_queries(staff, queue), count_queries(candidate, checklist), count_queries(staff, dossier)]
    for code in ("9.2", "9.4", "10.1", "10.2", "10.3", "11.1", "11.2", "12.1"):
        item = submitted(world, code)
        services.item_comment(item=item, body="See the attachment.", acting_user=world.candidate)
    other = candidate_in("operational_preparation", brand="Aman Online Jordan", code="JO")
    services.checklist_create(hotline=other, acting_user=world.staff)
    for item in ChecklistItem.objects.filter(checklist__hotline=other, template_item__evidence_required=False)[:5]:
        services.item_save_answer(item=item, answer="In place.", acting_user=world.staff)  # never submitted empty
        services.item_submit(item=item, acting_user=world.staff)
    large = [count_queries(staff, queue), count_queries(candidate, checklist), count_queries(staff, dossier)]
    assert large == small, (small, large)


# -- Templates in the admin -------------------------------------------------------------------
def test_staff_create_and_edit_a_draft_template_in_the_admin(world, client_for):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

    client = client_for(world.staff)
    item = {
        "code": "1.1",
        "area": "1",
        "title": "Country situation summary",
        "guidance": rich_text("<p>Two pages are enough.</p>"),
        "gates_stage": "stakeholder_engagement",
        "due_days": "14",
        "evidence_required": "",
        "gate_fact": "",
    }
    data = nested_form_data(
        {
            "name": "Follow-up checklist",
            "purpose": "onboarding",
            "notes": "For QA reviews.",
            "resubmission_days": "10",
            "items": inline_formset([item]),
        }
    )
    response = client.post(reverse("onboarding_templates:add"), data)
    template = ChecklistTemplate.objects.get(name="Follow-up checklist")
    assert response.status_code == 302 and response["Location"] == reverse(
        "onboarding_admin:template", args=[template.pk]
    )
    assert (template.version, template.status, template.created_by) == (1, "draft", world.staff)
    assert template.resubmission_days == 10
    saved = template.items.get()
    assert saved.title == "Country situation summary" and "Two pages are enough." in saved.guidance
    page = client.get(reverse("onboarding_admin:template", args=[template.pk])).content.decode()
    assert "Exactly one item must be marked" in page  # not publishable yet: the named gate items are missing
    edit = client.get(reverse("onboarding_templates:edit", args=[template.pk]))
    assert edit.status_code == 200 and "Country situation summary" in edit.content.decode()
    data = nested_form_data(
        {
            "name": "Follow-up checklist",
            "purpose": "onboarding",
            "notes": "For QA reviews.",
            "resubmission_days": "10",
            "items": inline_formset([{**item, "id": saved.pk, "title": "Country situation and needs"}], initial=1),
        }
    )
    assert client.post(reverse("onboarding_templates:edit", args=[template.pk]), data).status_code == 302
    saved.refresh_from_db()
    assert saved.title == "Country situation and needs"


def test_post_only_dossier_actions_are_refused_without_the_permission(world, client_for):
    template = ChecklistTemplate.objects.onboarding().published().get()
    assignment = ReviewerAssignment.objects.get(hotline=world.hotline)
    urls = [
        reverse("onboarding_admin:checklist_start", args=[world.hotline2.pk]),
        reverse("onboarding_admin:reviewer_assign", args=[world.hotline.pk]),
        reverse("onboarding_admin:reviewer_unassign", args=[assignment.pk]),
        reverse("onboarding_admin:template_publish", args=[template.pk]),
        reverse("onboarding_admin:template_new_version", args=[template.pk]),
    ]
    for url in urls:
        anonymous = client_for(None).post(url)
        assert anonymous.status_code == 302 and "login" in anonymous["Location"], url
        refused = client_for(world.reviewer).post(url, {"reviewer": world.outsider_reviewer.pk})
        assert refused.status_code == 302 and refused["Location"] == "/admin/", url
    assert ReviewerAssignment.objects.filter(hotline=world.hotline).count() == 1
    assert ChecklistTemplate.objects.onboarding().count() == 1
