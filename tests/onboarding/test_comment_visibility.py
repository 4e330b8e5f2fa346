"""Who reads a comment on a checklist item: staff only, reviewers and staff, or shared with the
candidate. Only shared comments reach the portal and the candidate's emails (the bodies are read)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from core.models import OutgoingEmail
from onboarding import services
from onboarding.models import CommentVisibility, ItemComment
from tests.onboarding.dossier import build_dossier, submitted

STAFF_ONLY = "QZSTAFFONLY7 the lead's private note"
FOR_REVIEWERS = "QZREVIEWERS7 between reviewers"
SHARED = "QZSHARED7 please add the signed page"


@pytest.fixture
def world(db):
    return build_dossier()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def emails_to(address: str) -> list[OutgoingEmail]:
    return [email for email in OutgoingEmail.objects.all() if address in email.to]


def three_comments(world):
    item = submitted(world)
    OutgoingEmail.objects.all().delete()
    services.item_comment(item=item, body=STAFF_ONLY, visibility=CommentVisibility.STAFF, acting_user=world.staff2)
    services.item_comment(item=item, body=FOR_REVIEWERS, acting_user=world.reviewer)
    services.item_comment(item=item, body=SHARED, visibility=CommentVisibility.SHARED, acting_user=world.reviewer)
    return item


def test_a_reviewers_comment_is_for_reviewers_and_staff_by_default_and_a_candidates_always_shared(world):
    item = submitted(world)
    by_reviewer = services.item_comment(item=item, body="Looks fine.", acting_user=world.reviewer)
    assert by_reviewer.visibility == CommentVisibility.REVIEWERS
    by_candidate = services.item_comment(
        item=item, body="Thanks.", visibility=CommentVisibility.STAFF, acting_user=world.candidate
    )
    assert by_candidate.visibility == CommentVisibility.SHARED
    with pytest.raises(PermissionDenied):
        services.item_comment(item=item, body="Secret.", visibility=CommentVisibility.STAFF, acting_user=world.reviewer)


def test_one_rule_decides_who_reads_each_comment(world):
    item = three_comments(world)
    bodies = lambda user: set(ItemComment.objects.visible_to(user).filter(item=item).values_list("body", flat=True))  # noqa: E731
    assert bodies(world.staff) == {STAFF_ONLY, FOR_REVIEWERS, SHARED}
    assert bodies(world.reviewer) == {FOR_REVIEWERS, SHARED}
    assert bodies(world.candidate) == {SHARED}
    assert bodies(world.candidate2) == set()
    assert bodies(world.outsider_reviewer) == set()


def test_a_staff_only_comment_never_reaches_the_portal_or_an_email_to_the_candidate(world):
    item = three_comments(world)
    page = client_for(world.candidate).get(reverse("portal:onboarding_checklist_item", args=[item.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and SHARED in html
    assert STAFF_ONLY not in html and FOR_REVIEWERS not in html
    to_candidate = emails_to(world.candidate.email)
    assert len(to_candidate) == 1 and SHARED in to_candidate[0].body
    assert not any(STAFF_ONLY in e.body or FOR_REVIEWERS in e.body for e in to_candidate)
    # Reviewers and staff hear of the comments meant for them; the staff-only one goes to the lead alone.
    assert any(FOR_REVIEWERS in e.body for e in emails_to(world.staff.email))
    assert any(STAFF_ONLY in e.body for e in emails_to(world.staff.email))
    assert not any(STAFF_ONLY in e.body for e in emails_to(world.reviewer.email))
    # The reviewer's page shows what they may read, and says who reads each comment.
    review_page = (
        client_for(world.reviewer).get(reverse("onboarding_admin:review_item", args=[item.pk])).content.decode()
    )
    assert FOR_REVIEWERS in review_page and SHARED in review_page and STAFF_ONLY not in review_page
    assert "Reviewers and staff" in review_page


def test_the_reviewers_page_posts_a_comment_with_its_visibility(world):
    item = submitted(world)
    OutgoingEmail.objects.all().delete()
    response = client_for(world.reviewer).post(
        reverse("onboarding_admin:review_item", args=[item.pk]),
        {"action": "comment", "body": FOR_REVIEWERS, "visibility": CommentVisibility.REVIEWERS},
    )
    assert response.status_code == 302
    assert ItemComment.objects.get(body=FOR_REVIEWERS).visibility == CommentVisibility.REVIEWERS
    assert not emails_to(world.candidate.email)
    # A reviewer is not offered "staff only", and cannot post it.
    response = client_for(world.reviewer).post(
        reverse("onboarding_admin:review_item", args=[item.pk]),
        {"action": "comment", "body": STAFF_ONLY, "visibility": CommentVisibility.STAFF},
    )
    assert response.status_code == 200 and not ItemComment.objects.filter(body=STAFF_ONLY).exists()


def test_a_reviewers_request_for_changes_is_shared_with_the_candidate(world):
    item = submitted(world)
    services.item_request_changes(item=item, comment=SHARED, acting_user=world.reviewer)
    assert ItemComment.objects.get(body=SHARED).visibility == CommentVisibility.SHARED


def test_comments_written_before_visibility_stay_shared(world):
    item = submitted(world)
    comment = services.item_comment(item=item, body="Old comment.", acting_user=world.reviewer)
    assert comment.visibility == CommentVisibility.REVIEWERS
    migration = importlib.import_module("onboarding.migrations.0009_existing_comments_shared")
    migration.existing_comments_shared(django_apps, None)
    comment.refresh_from_db()
    assert comment.visibility == CommentVisibility.SHARED
