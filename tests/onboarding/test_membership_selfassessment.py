"""A member's self-assessment before a quality-assurance review: the template's purpose (publishing and the
onboarding paths keep to their own), staff asking for it (audited, the member's users told in their
language, one open per hotline), the member answering, citing and uploading evidence and submitting it
(the submission rule), who reads it (the member's users, network staff, the assigned reviewers; not
another member), its reminders and the default template's translations."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from accounts.roles import Role
from accounts.services import affiliation_set
from network.models import Hotline
from onboarding import services
from onboarding.models import (
    AnswerFacts,
    Assessment,
    ChecklistTemplate,
    ReviewerAssignment,
    SelfAssessment,
    submission_problems,
)
from tests.onboarding.factories import HotlineFactory, country

pytestmark = pytest.mark.django_db

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


# -- the submission rule, pure ---------------------------------------------------------------------------
def test_submission_needs_every_answer_and_the_evidence_asked_for():
    assert submission_problems([]) == ["The self-assessment has no questions."]
    done = AnswerFacts("A", answered=True, evidence_required=True, has_evidence=True)
    plain = AnswerFacts("B", answered=True, evidence_required=False, has_evidence=False)
    assert submission_problems([done, plain]) == []
    problems = submission_problems([done, AnswerFacts("B", False, False, False), AnswerFacts("C", True, True, False)])
    assert len(problems) == 2 and "B" in problems[0] and "C" in problems[1]


# -- the shipped template ---------------------------------------------------------------------------------
def test_a_default_self_assessment_is_shipped_in_three_languages():
    template = ChecklistTemplate.objects.current(ChecklistTemplate.Purpose.QA_SELF_ASSESSMENT)
    assert template is not None and template.status == "published"
    items = list(template.items.all())
    assert 8 <= len(items) <= 12 and len({item.area for item in items}) == 4
    assert all(item.title_fr and item.title_es and item.guidance_fr and item.guidance_es for item in items)
    assert not any(item.gate_fact for item in items)
    assert items[0].localized("title", "fr") == "Gouvernance et responsabilité de la hotline"
    # The onboarding paths read the onboarding template only.
    onboarding = ChecklistTemplate.objects.current(ChecklistTemplate.Purpose.ONBOARDING)
    assert onboarding is not None and onboarding.pk != template.pk
    assert ChecklistTemplate.objects.onboarding().published().get() == onboarding


def test_publishing_retires_only_the_previous_template_of_the_same_purpose(network_staff):
    current = ChecklistTemplate.objects.current(ChecklistTemplate.Purpose.QA_SELF_ASSESSMENT)
    onboarding = ChecklistTemplate.objects.current(ChecklistTemplate.Purpose.ONBOARDING)
    draft = services.template_new_version(template=current, acting_user=network_staff)
    assert draft.purpose == ChecklistTemplate.Purpose.QA_SELF_ASSESSMENT
    services.template_publish(template=draft, acting_user=network_staff)
    current.refresh_from_db()
    onboarding.refresh_from_db()
    assert current.status == "retired" and onboarding.status == "published"
    assert ChecklistTemplate.objects.current(ChecklistTemplate.Purpose.QA_SELF_ASSESSMENT) == draft


def test_a_candidate_checklist_never_starts_on_the_self_assessment(network_staff):
    candidate = HotlineFactory(brand_name="Candidate Line", stage=Hotline.Stage.EXPLORING)
    template = ChecklistTemplate.objects.current(ChecklistTemplate.Purpose.QA_SELF_ASSESSMENT)
    with pytest.raises(ValidationError):
        services.checklist_create(hotline=candidate, acting_user=network_staff, template=template)
    checklist = services.checklist_create(hotline=candidate, acting_user=network_staff)
    assert checklist.template.purpose == ChecklistTemplate.Purpose.ONBOARDING


# -- fixtures ---------------------------------------------------------------------------------------------
@pytest.fixture
def member(db):
    return HotlineFactory(
        brand_name="Linea Sicura", country=country("KE"), stage=Hotline.Stage.FULL_MEMBER, joined_on=date(2020, 1, 1)
    )


@pytest.fixture
def other_member(db):
    return HotlineFactory(
        brand_name="Ghana Safe", country=country("GH"), stage=Hotline.Stage.FULL_MEMBER, joined_on=date(2019, 1, 1)
    )


@pytest.fixture
def member_user(make_user, member):
    user = make_user(email="manager@linea.example.org", language="fr")
    affiliation_set(user=user, target=member.host_organisation, acting_user=None)
    return user


@pytest.fixture
def other_member_user(make_user, other_member):
    user = make_user(email="manager@ghana.example.org")
    affiliation_set(user=user, target=other_member.host_organisation, acting_user=None)
    return user


@pytest.fixture
def review(member, network_staff):
    return Assessment.objects.create(
        hotline=member,
        kind=Assessment.Kind.QA_REVIEW,
        status=Assessment.Status.PLANNED,
        starts_on=timezone.localdate() + timedelta(days=60),
        created_by=network_staff,
    )


@pytest.fixture
def asked(member, member_user, review, network_staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.self_assessment_request(hotline=member, review=review, acting_user=network_staff)


def _answer_everything(item: SelfAssessment, user, *, with_evidence: bool = True) -> None:
    answers = {answer.code: f"Our practice for {answer.code}." for answer in item.answers.all()}
    services.self_assessment_save(self_assessment=item, answers=answers, acting_user=user)
    if with_evidence:
        for answer in item.answers.filter(template_item__evidence_required=True):
            services.self_assessment_add_evidence(
                self_assessment=item,
                code=answer.code,
                upload=SimpleUploadedFile(f"{answer.code}.pdf", PDF, content_type="application/pdf"),
                acting_user=user,
            )


# -- asking for it -----------------------------------------------------------------------------------------
def test_staff_ask_for_it_before_a_review_audited_and_the_member_told(asked, review, member):
    assert asked.review == review and asked.status == SelfAssessment.Status.REQUESTED
    assert asked.due_on == review.starts_on - timedelta(days=30)
    assert asked.answers.count() == asked.template.items.count()
    assert ModelLogEntry.objects.filter(action="onboarding.self_assessment_request", object_id=str(asked.pk)).exists()
    sent = [m for m in mail.outbox if m.to == ["manager@linea.example.org"]]
    # Queued through the outbox (each recipient in their own language): once, naming the due date.
    assert len(sent) == 1 and asked.due_on.isoformat() in sent[0].subject
    assert reverse("portal:self_assessment", args=[asked.pk]) in sent[0].body


def test_one_open_self_assessment_per_hotline_and_only_by_network_staff(asked, member, make_user, network_staff):
    with pytest.raises(ValidationError, match="open already"):
        services.self_assessment_request(
            hotline=member, due_on=timezone.localdate() + timedelta(days=10), acting_user=network_staff
        )
    reviewer = make_user(Role.REVIEWER, email="rev@example.org")
    with pytest.raises(PermissionDenied):
        services.self_assessment_request(
            hotline=member, due_on=timezone.localdate() + timedelta(days=10), acting_user=reviewer
        )


def test_bad_requests_get_a_clear_message(member, network_staff):
    candidate = HotlineFactory(brand_name="Candidate Line", stage=Hotline.Stage.EXPLORING)
    with pytest.raises(ValidationError, match="member hotline"):
        services.self_assessment_request(hotline=candidate, due_on=date(2099, 1, 1), acting_user=network_staff)
    with pytest.raises(ValidationError, match="due"):
        services.self_assessment_request(hotline=member, acting_user=network_staff)
    with pytest.raises(ValidationError, match="past"):
        services.self_assessment_request(hotline=member, due_on=date(2020, 1, 1), acting_user=network_staff)


# -- answering and submitting ------------------------------------------------------------------------------
def test_the_member_answers_cites_evidence_and_submits_then_it_is_frozen(
    asked, member, member_user, network_staff, make_user, django_capture_on_commit_callbacks
):
    lead = make_user(Role.NETWORK_STAFF, email="lead@example.org")
    Hotline.objects.filter(pk=member.pk).update(lead_staff=lead)
    with pytest.raises(ValidationError, match="Answer every question"):
        services.self_assessment_submit(self_assessment=asked, acting_user=member_user)
    _answer_everything(asked, member_user, with_evidence=False)
    asked.refresh_from_db()
    assert asked.status == SelfAssessment.Status.IN_PROGRESS
    with pytest.raises(ValidationError, match="supporting document"):
        services.self_assessment_submit(self_assessment=asked, acting_user=member_user)
    _answer_everything(asked, member_user)
    with django_capture_on_commit_callbacks(execute=True):
        services.self_assessment_submit(self_assessment=asked, acting_user=member_user)
    asked.refresh_from_db()
    assert asked.status == SelfAssessment.Status.SUBMITTED and asked.submitted_by == member_user
    assert any(m.to == ["lead@example.org"] and "Linea Sicura" in m.subject for m in mail.outbox)
    with pytest.raises(ValidationError, match="submitted"):
        services.self_assessment_save(self_assessment=asked, answers={"QA1.1": "Changed"}, acting_user=member_user)
    # Another one may be asked once it is submitted.
    again = services.self_assessment_request(
        hotline=member, due_on=timezone.localdate() + timedelta(days=5), acting_user=network_staff
    )
    assert again.is_open


def test_only_the_members_own_managers_and_contributors_answer(
    asked, other_member_user, network_staff, make_user, member
):
    for user in (other_member_user, network_staff):
        with pytest.raises(PermissionDenied):
            services.self_assessment_save(self_assessment=asked, answers={"QA1.1": "x"}, acting_user=user)
    other_document = services.evidence_upload(
        hotline=Hotline.objects.get(brand_name="Ghana Safe"),
        upload=SimpleUploadedFile("theirs.pdf", PDF, content_type="application/pdf"),
        acting_user=other_member_user,
    )
    own = make_user(email="second@linea.example.org")
    affiliation_set(user=own, target=member.host_organisation, acting_user=None)
    with pytest.raises(ValidationError, match="own dossier"):
        services.self_assessment_save(
            self_assessment=asked, answers={}, documents={"QA1.1": [other_document]}, acting_user=own
        )


# -- who reads it -------------------------------------------------------------------------------------------
def test_the_portal_page_is_the_members_own(asked, member_user, other_member_user, client_for):
    url = reverse("portal:self_assessment", args=[asked.pk])
    assert client_for(None).get(url).status_code == 302
    assert client_for(other_member_user).get(url).status_code == 404
    assert client_for(other_member_user).post(url, {"action": "submit"}).status_code == 404
    page = client_for(member_user).get(url)
    assert page.status_code == 200 and "QA1.1" in page.content.decode()
    membership = client_for(member_user).get(reverse("portal:membership_hotline", args=[asked.hotline_id]))
    assert url in membership.content.decode()


def test_the_portal_saves_uploads_and_submits(asked, member_user, client_for):
    client = client_for(member_user)
    url = reverse("portal:self_assessment", args=[asked.pk])
    data = {"action": "save", **{f"answer_{a.code}": f"Answer {a.code}" for a in asked.answers.all()}}
    assert client.post(url, data).status_code == 302
    for answer in asked.answers.filter(template_item__evidence_required=True):
        upload = SimpleUploadedFile(f"{answer.code}.pdf", PDF, content_type="application/pdf")
        assert client.post(url, {"action": "upload", "code": answer.code, "file": upload}).status_code == 302
    assert client.post(url, {"action": "submit"}).status_code == 302
    asked.refresh_from_db()
    assert asked.status == SelfAssessment.Status.SUBMITTED
    assert "Submitted on" in client.get(url).content.decode()


def test_staff_and_the_assigned_reviewer_read_it_from_the_review(
    asked, review, member, other_member, network_staff, make_user, client_for
):
    url = reverse("onboarding_admin:self_assessment", args=[asked.pk])
    reviewer = make_user(Role.REVIEWER, email="reviewer@example.org")
    assert client_for(reviewer).get(url).status_code == 404  # not assigned
    ReviewerAssignment.objects.create(hotline=member, reviewer=reviewer, coi_declared_at=timezone.now())
    assert client_for(reviewer).get(url).status_code == 200
    other_reviewer = make_user(Role.REVIEWER, email="other.reviewer@example.org")
    ReviewerAssignment.objects.create(hotline=other_member, reviewer=other_reviewer, coi_declared_at=timezone.now())
    assert client_for(other_reviewer).get(url).status_code == 404
    capacity = make_user(Role.CAPACITY, email="capacity@example.org")
    assert client_for(capacity).get(url).status_code in (302, 403)
    review_page = client_for(network_staff).get(reverse("onboarding_admin:assessment", args=[review.pk]))
    assert url in review_page.content.decode()
    assert client_for(network_staff).get(url).status_code == 200


def test_staff_ask_from_the_board_and_the_review_page(review, member, member_user, network_staff, client_for):
    client = client_for(network_staff)
    board = client.get(reverse("onboarding_admin:member_cycle")).content.decode()
    ask = reverse("onboarding_admin:self_assessment_request", args=[member.pk])
    assert ask in board
    review_page = client.get(reverse("onboarding_admin:assessment", args=[review.pk])).content.decode()
    assert f"{ask}?review={review.pk}" in review_page
    confirm = client.post(ask, {"review": review.pk})
    assert confirm.status_code == 200 and not SelfAssessment.objects.exists()  # confirm first
    done = client.post(ask, {"review": review.pk, "confirmed": "yes"})
    created = SelfAssessment.objects.get()
    assert done.status_code == 302 and created.review == review
    assert client_for(member_user).post(ask, {"review": review.pk, "confirmed": "yes"}).status_code in (302, 403)


# -- reminders -----------------------------------------------------------------------------------------------
def test_reminders_before_at_and_after_the_due_date_each_once(
    member, member_user, network_staff, settings, django_capture_on_commit_callbacks, capsys
):
    settings.REMINDER_OFFSETS = {
        **settings.REMINDER_OFFSETS,
        "self_assessment": {"before": [7], "at": True, "after": [1]},
        "qa_review": {"before": [], "at": False, "after": []},
    }
    due = timezone.localdate() + timedelta(days=20)
    item = services.self_assessment_request(hotline=member, due_on=due, acting_user=network_staff)

    def run(day: date) -> list[str]:
        before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reminders", f"--date={day.isoformat()}")
        capsys.readouterr()
        # In the recipient's language: found by the link to the self-assessment.
        link = reverse("portal:self_assessment", args=[item.pk])
        return [m.body for m in mail.outbox[before:] if link in m.body]

    assert run(due - timedelta(days=8)) == []
    assert len(run(due - timedelta(days=7))) == 1
    assert run(due - timedelta(days=7)) == []
    assert len(run(due)) == 1
    assert len(run(due + timedelta(days=1))) == 1
    SelfAssessment.objects.filter(pk=item.pk).update(status="submitted", submitted_at=timezone.now())
    assert run(due + timedelta(days=2)) == []


def test_a_document_cited_in_a_submitted_self_assessment_stays_in_the_dossier(asked, member_user):
    from onboarding.models import EvidenceDocument

    _answer_everything(asked, member_user)
    document = asked.answers.filter(documents__isnull=False).first().documents.get()
    assert EvidenceDocument.objects.with_locked_uses().get(pk=document.pk).is_removable_by(member_user)
    services.self_assessment_submit(self_assessment=asked, acting_user=member_user)
    assert "submitted self-assessment" in document.removal_refusal(member_user)
    assert not EvidenceDocument.objects.with_locked_uses().get(pk=document.pk).is_removable_by(member_user)
    with pytest.raises((ValidationError, PermissionDenied)):
        services.evidence_remove(document=document, acting_user=member_user)


def test_a_viewer_reads_it_but_does_not_answer(asked, member, make_user, client_for):
    from accounts.roles import PortalRole

    viewer = make_user(email="viewer@linea.example.org")
    affiliation_set(user=viewer, target=member.host_organisation, acting_user=None, role=PortalRole.VIEWER)
    url = reverse("portal:self_assessment", args=[asked.pk])
    page = client_for(viewer).get(url)
    assert page.status_code == 200 and "Save the answers" not in page.content.decode()
    assert client_for(viewer).post(url, {"action": "submit"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.self_assessment_save(self_assessment=asked, answers={"QA1.1": "x"}, acting_user=viewer)
