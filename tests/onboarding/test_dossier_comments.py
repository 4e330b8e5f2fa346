"""Comment threads on an evidence document and on an assessment: the item comments' visibility (one rule,
`visible_comments`), the same defaults, the candidate told of shared comments only (a staff-only or
reviewers-and-staff comment never reaches the candidate's mailbox), audited, and 404 for a foreign dossier."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from core.models import OutgoingEmail
from onboarding import services
from onboarding.models import CommentVisibility, DossierComment
from tests.onboarding.dossier import build_dossier, submitted

pytestmark = pytest.mark.django_db

STAFF_ONLY = "Staff only: the lead doubts the signature."
FOR_REVIEWERS = "Reviewers: compare with the 2024 statutes."
SHARED = "Please upload the signed version."


@pytest.fixture
def world():
    world = build_dossier()
    world.document = submitted(world, "2.1").evidence.get()
    world.assessment = services.assessment_create(
        hotline=world.hotline,
        kind="pre_membership",
        mode="remote",
        starts_on=timezone.localdate() - timedelta(days=3),
        ends_on=None,
        acting_user=world.staff,
    )
    return world


def bodies(user, **subject) -> set[str]:
    return set(DossierComment.objects.visible_to(user).filter(**subject).values_list("body", flat=True))


@pytest.mark.parametrize("kind", ["document", "assessment"])
def test_the_same_visibility_and_defaults_as_item_comments(world, kind, django_capture_on_commit_callbacks):
    service = services.evidence_comment if kind == "document" else services.assessment_comment
    subject = {kind: getattr(world, kind)}
    with django_capture_on_commit_callbacks(execute=True):
        staff_only = service(**subject, body=STAFF_ONLY, visibility=CommentVisibility.STAFF, acting_user=world.staff)
        by_reviewer = service(**subject, body=FOR_REVIEWERS, acting_user=world.reviewer)
        shared = service(**subject, body=SHARED, visibility=CommentVisibility.SHARED, acting_user=world.reviewer)
        by_candidate = service(**subject, body="Done.", visibility=CommentVisibility.STAFF, acting_user=world.candidate)
    assert staff_only.visibility == "staff" and by_reviewer.visibility == "reviewers"
    assert shared.visibility == "shared" and by_candidate.visibility == "shared"  # a candidate's: always shared
    with pytest.raises(PermissionDenied):
        service(**subject, body="Secret.", visibility=CommentVisibility.STAFF, acting_user=world.reviewer)
    with pytest.raises(PermissionDenied):
        service(**subject, body="Hello.", acting_user=world.candidate2)
    with pytest.raises(ValidationError):
        service(**subject, body="   ", acting_user=world.staff)
    assert bodies(world.staff, **subject) == {STAFF_ONLY, FOR_REVIEWERS, SHARED, "Done."}
    assert bodies(world.reviewer, **subject) == {FOR_REVIEWERS, SHARED, "Done."}
    assert bodies(world.candidate, **subject) == {SHARED, "Done."}
    assert bodies(world.candidate2, **subject) == set()
    assert bodies(world.outsider_reviewer, **subject) == set()
    # The candidate's mailbox holds the shared comment only, never the others.
    to_candidate = " ".join(e.body for e in OutgoingEmail.objects.all() if world.candidate.email in e.to)
    assert SHARED in to_candidate and STAFF_ONLY not in to_candidate and FOR_REVIEWERS not in to_candidate
    action = f"onboarding.{'evidence' if kind == 'document' else 'assessment'}.comment"
    assert ModelLogEntry.objects.filter(action=action, user=world.staff).exists()


def test_the_staff_evidence_page_shows_the_thread_and_takes_a_comment(world, client_for):
    url = reverse("onboarding_admin:evidence", args=[world.document.pk])
    services.evidence_comment(document=world.document, body=STAFF_ONLY, visibility="staff", acting_user=world.staff)
    staff, reviewer = client_for(world.staff), client_for(world.reviewer)
    assert STAFF_ONLY in staff.get(url).content.decode()
    page = reviewer.get(url).content.decode()
    assert STAFF_ONLY not in page and "2.1" in page
    assert reviewer.post(url, {"body": FOR_REVIEWERS}).status_code == 302
    assert DossierComment.objects.get(body=FOR_REVIEWERS).visibility == "reviewers"
    refused = reviewer.post(url, {"body": "Secret", "visibility": "staff"})
    assert refused.status_code == 200 and not DossierComment.objects.filter(body="Secret").exists()
    assert client_for(world.outsider_reviewer).get(url).status_code in (302, 403, 404)
    assert client_for(world.candidate).get(url).status_code == 302  # not in the admin


def test_the_assessment_page_shows_its_thread_and_posts_to_its_own_view(world, client_for):
    page_url = reverse("onboarding_admin:assessment", args=[world.assessment.pk])
    comment_url = reverse("onboarding_admin:assessment_comment", args=[world.assessment.pk])
    reviewer = client_for(world.reviewer)
    assert f'action="{comment_url}"' in reviewer.get(page_url).content.decode()
    assert reviewer.post(comment_url, {"body": SHARED, "visibility": "shared"}).status_code == 302
    assert SHARED in reviewer.get(page_url).content.decode()
    client_for(world.outsider_reviewer).post(comment_url, {"body": "Intruder"})
    assert not DossierComment.objects.filter(body="Intruder").exists()


def test_the_portal_shows_shared_comments_only_and_takes_the_candidates(world, client_for):
    services.evidence_comment(document=world.document, body=STAFF_ONLY, visibility="staff", acting_user=world.staff)
    services.evidence_comment(document=world.document, body=FOR_REVIEWERS, acting_user=world.reviewer)
    services.evidence_comment(document=world.document, body=SHARED, visibility="shared", acting_user=world.reviewer)
    url = reverse("portal:onboarding_document", args=[world.document.pk])
    candidate = client_for(world.candidate)
    page = candidate.get(url).content.decode()
    assert SHARED in page and STAFF_ONLY not in page and FOR_REVIEWERS not in page
    assert candidate.post(url, {"action": "comment", "body": "Signed copy attached."}).status_code == 302
    assert DossierComment.objects.get(body="Signed copy attached.").visibility == "shared"
    assert client_for(world.candidate2).get(url).status_code == 404


def test_the_member_reads_the_assessments_shared_comments_beside_a_corrective_action(world, client_for):
    action = services.corrective_action_create(
        assessment=world.assessment,
        title="Write the retention schedule",
        owner="Manager",
        due_on=timezone.localdate() + timedelta(days=30),
        area=11,
        acting_user=world.reviewer,
    )
    services.assessment_comment(
        assessment=world.assessment, body=STAFF_ONLY, visibility="staff", acting_user=world.staff
    )
    services.assessment_comment(assessment=world.assessment, body=SHARED, visibility="shared", acting_user=world.staff)
    url = reverse("portal:onboarding_corrective_action", args=[action.pk])
    page = client_for(world.candidate).get(url).content.decode()
    assert SHARED in page and STAFF_ONLY not in page
    assert client_for(world.candidate2).get(url).status_code == 404


def test_one_subject_per_comment(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        DossierComment.objects.create(
            hotline=world.hotline, document=world.document, assessment=world.assessment, body="Both."
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        DossierComment.objects.create(hotline=world.hotline, body="Neither.")
