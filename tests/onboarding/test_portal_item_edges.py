"""The portal item's rough edges: an answer-only item is never submitted empty, a submission can be
withdrawn before review, a candidate removes or replaces their own documents while nothing accepted
relies on them (earlier versions stay for staff), and every removal asks to confirm first."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.models import OutgoingEmail
from onboarding import checklist_rules as rules
from onboarding import services
from onboarding.models import EvidenceDocument, ItemEvent
from tests.onboarding.dossier import build_dossier, pdf, submitted


# -- Pure rules (no database) -------------------------------------------------------------------
def test_an_answer_only_item_needs_an_answer_or_a_document_to_be_submitted():
    empty = rules.ItemFacts(state=rules.IN_PROGRESS, evidence_required=False)
    with pytest.raises(rules.ItemActionRefused) as refused:
        rules.plan_item_action(rules.SUBMIT, item=empty, actors={rules.CANDIDATE}, acting_user=1)
    assert "This item is empty" in refused.value.messages[0]
    answered = rules.ItemFacts(state=rules.IN_PROGRESS, evidence_required=False, has_answer=True)
    assert rules.plan_item_action(rules.SUBMIT, item=answered, actors={rules.CANDIDATE}, acting_user=1) == "submitted"
    with_document = rules.ItemFacts(state=rules.IN_PROGRESS, evidence_required=False, current_evidence=1)
    assert rules.plan_item_action(rules.SUBMIT, item=with_document, actors={rules.CANDIDATE}, acting_user=1)


def test_only_a_submission_not_yet_reviewed_can_be_withdrawn_and_only_by_the_candidate_side():
    submitted_item = rules.ItemFacts(state=rules.SUBMITTED)
    assert rules.plan_item_action(rules.WITHDRAW, item=submitted_item, actors={rules.CANDIDATE}, acting_user=1) == (
        rules.IN_PROGRESS
    )
    for state in (rules.ACCEPTED, rules.CHANGES_REQUESTED, rules.IN_PROGRESS, rules.WAIVED):
        with pytest.raises(rules.ItemActionRefused):
            rules.plan_item_action(
                rules.WITHDRAW, item=rules.ItemFacts(state=state), actors={rules.CANDIDATE}, acting_user=1
            )
    with pytest.raises(rules.ItemActionRefused):
        rules.plan_item_action(rules.WITHDRAW, item=submitted_item, actors={rules.REVIEWER}, acting_user=2)


# -- Services and pages -------------------------------------------------------------------------
pytestmark_db = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_dossier()


@pytestmark_db
def test_an_empty_answer_only_item_is_refused_with_a_clear_message(world, client_for):
    item = world.item("4.2")  # "an answer is enough"
    assert not item.template_item.evidence_required
    with pytest.raises(ValidationError) as refused:
        services.item_submit(item=item, acting_user=world.candidate)
    assert "write your answer and save it" in " ".join(refused.value.messages)
    page = client_for(world.candidate).post(
        reverse("portal:onboarding_checklist_item", args=[item.pk]), {"action": "submit"}
    )
    assert page.status_code == 200 and "This item is empty" in page.content.decode()
    item.refresh_from_db()
    assert item.state == rules.NOT_STARTED
    services.item_save_answer(item=item, answer="The cybercrime unit, duty officer.", acting_user=world.candidate)
    assert services.item_submit(item=item, acting_user=world.candidate).state == rules.SUBMITTED


@pytestmark_db
def test_a_submission_is_withdrawn_after_confirming_and_the_reviewers_are_told(world, client_for):
    item = submitted(world, "9.1")
    url = reverse("portal:onboarding_checklist_item", args=[item.pk])
    client = client_for(world.candidate)
    page = client.get(url).content.decode()
    assert "Withdraw the submission" in page
    asked = client.post(url, {"action": "withdraw"})
    assert asked.status_code == 200 and "Withdraw 9.1 from review?" in asked.content.decode()
    item.refresh_from_db()
    assert item.state == rules.SUBMITTED  # nothing happened before the confirmation
    OutgoingEmail.objects.all().delete()
    done = client.post(url, {"action": "withdraw", "confirmed": "yes"})
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.state == rules.IN_PROGRESS and item.answer and item.evidence.count() == 1
    assert ItemEvent.objects.filter(item=item, action="withdraw", actor=world.candidate).exists()
    told = OutgoingEmail.objects.get()
    assert world.reviewer.email in told.to and "Withdrawn before review" in told.subject
    # Once reviewed, there is nothing to withdraw.
    item = submitted(world, "9.2")
    services.item_accept(item=item, acting_user=world.reviewer)
    with pytest.raises(ValidationError):
        services.item_withdraw(item=item, acting_user=world.candidate)
    assert (
        "Withdraw the submission"
        not in client.get(reverse("portal:onboarding_checklist_item", args=[item.pk])).content.decode()
    )


@pytestmark_db
def test_a_candidate_removes_their_document_after_confirming_and_staff_keep_it(world, client_for):
    item = world.item("9.1")
    document = services.evidence_upload(
        hotline=world.hotline, upload=pdf("procedure.pdf"), items=[item], acting_user=world.candidate
    )
    client = client_for(world.candidate)
    item_page = client.get(reverse("portal:onboarding_checklist_item", args=[item.pk])).content.decode()
    assert reverse("portal:onboarding_document", args=[document.pk]) in item_page
    remove = reverse("portal:onboarding_document_remove", args=[document.pk]) + f"?item={item.pk}"
    asked = client.get(remove)
    assert asked.status_code == 200
    assert "Remove “procedure.pdf” from your dossier?" in asked.content.decode()
    assert "9.1" in asked.content.decode()
    assert EvidenceDocument.objects.get(pk=document.pk).removed_at is None
    done = client.post(remove, {"confirmed": "yes", "item": item.pk})
    assert done.status_code == 302 and done["Location"] == reverse("portal:onboarding_checklist_item", args=[item.pk])
    document.refresh_from_db()
    assert document.removed_at is not None and document.removed_by == world.candidate
    assert not document.links.exists()
    assert ItemEvent.objects.filter(item=item, action="evidence_remove").exists()
    # Gone from the portal, kept for staff.
    assert client.get(reverse("portal:onboarding_document", args=[document.pk])).status_code == 404
    item_page = client.get(reverse("portal:onboarding_checklist_item", args=[item.pk])).content.decode()
    assert reverse("portal:onboarding_evidence", args=[document.pk]) not in item_page  # history keeps the name

    dossier = client_for(world.staff).get(reverse("onboarding_admin:dossier", args=[world.hotline.pk])).content.decode()
    assert "procedure.pdf" in dossier and "Removed from the dossier on" in dossier
    assert (
        client_for(world.staff).get(reverse("onboarding_admin:evidence_download", args=[document.pk])).status_code
        == 200
    )


@pytestmark_db
def test_a_replaced_document_keeps_its_items_and_its_earlier_version(world, client_for):
    item = world.item("9.1")
    other = world.item("9.2")
    old = services.evidence_upload(
        hotline=world.hotline, upload=pdf("procedure-v1.pdf"), items=[item, other], acting_user=world.candidate
    )
    client = client_for(world.candidate)
    response = client.post(
        reverse("portal:onboarding_document", args=[old.pk]),
        {"document": pdf("procedure-v2.pdf"), "item": item.pk},
    )
    assert response.status_code == 302
    old.refresh_from_db()
    new = old.replaced_by
    assert new.original_name == "procedure-v2.pdf" and old.removed_at is not None
    assert set(new.items.values_list("code", flat=True)) == {"9.1", "9.2"} and not old.links.exists()
    dossier = client_for(world.staff).get(reverse("onboarding_admin:dossier", args=[world.hotline.pk])).content.decode()
    assert "procedure-v1.pdf" in dossier and "Earlier version: replaced by procedure-v2.pdf" in dossier


@pytestmark_db
def test_a_document_an_accepted_item_relies_on_stays(world, client_for):
    item = submitted(world, "9.1")
    services.item_accept(item=item, acting_user=world.reviewer)
    document = item.evidence.get()
    with pytest.raises(ValidationError) as refused:
        services.evidence_remove(document=document, acting_user=world.candidate)
    assert "9.1" in refused.value.messages[0] and "cannot be removed or replaced" in refused.value.messages[0]
    with pytest.raises(ValidationError):
        services.evidence_replace(document=document, upload=pdf("new.pdf"), acting_user=world.candidate)
    client = client_for(world.candidate)
    page = client.get(reverse("portal:onboarding_document", args=[document.pk])).content.decode()
    assert "cannot be removed or replaced" in page and 'name="document"' not in page
    assert client.get(reverse("portal:onboarding_document_remove", args=[document.pk])).status_code == 302
    document.refresh_from_db()
    assert document.removed_at is None and document.links.count() == 1


@pytestmark_db
def test_a_document_the_association_provided_is_not_the_candidates_to_remove(world, client_for):
    item = world.item("9.1")
    document = services.evidence_upload(
        hotline=world.hotline, upload=pdf("from-staff.pdf"), items=[item], acting_user=world.staff
    )
    with pytest.raises(ValidationError) as refused:
        services.evidence_remove(document=document, acting_user=world.candidate)
    assert "provided by the association" in refused.value.messages[0]
    page = client_for(world.candidate).get(reverse("portal:onboarding_checklist_item", args=[item.pk]))
    assert reverse("portal:onboarding_document", args=[document.pk]) + "?item" not in page.content.decode()
    # Staff may; another candidate's user may not even see it.
    with pytest.raises(PermissionDenied):
        services.evidence_remove(document=document, acting_user=world.candidate2)
    for name in ("portal:onboarding_document", "portal:onboarding_document_remove"):
        assert client_for(world.candidate2).get(reverse(name, args=[document.pk])).status_code == 404
    assert services.evidence_remove(document=document, acting_user=world.staff).removed_at is not None


@pytestmark_db
def test_removing_a_document_from_an_item_asks_to_confirm(world, client_for):
    item = world.item("9.1")
    document = services.evidence_upload(
        hotline=world.hotline, upload=pdf("procedure.pdf"), items=[item], acting_user=world.candidate
    )
    url = reverse("portal:onboarding_checklist_item", args=[item.pk])
    client = client_for(world.candidate)
    asked = client.post(url, {"action": "unlink", "document": document.pk})
    assert asked.status_code == 200 and "Remove “procedure.pdf” from this item?" in asked.content.decode()
    assert document.links.count() == 1
    assert client.post(url, {"action": "unlink", "document": document.pk, "confirmed": "yes"}).status_code == 302
    assert document.links.count() == 0


@pytestmark_db
def test_the_upload_field_and_the_dossier_list_have_their_own_ids_and_names(world, client_for):
    services.evidence_upload(
        hotline=world.hotline, upload=pdf("statutes.pdf"), items=[world.item("2.1")], acting_user=world.candidate
    )
    page = (
        client_for(world.candidate)
        .get(reverse("portal:onboarding_checklist_item", args=[world.item("9.1").pk]))
        .content.decode()
    )
    assert page.count('id="id_document"') == 1 and page.count('id="id_link_document"') == 1
    assert '<label for="id_link_document">A document already in your dossier' in page
    assert '<label for="id_document">Document' in page
