"""The portal for prospective hotlines: own candidate only, plain-words progress, application submit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from network.models import Hotline
from onboarding.models import StageChange
from tests.onboarding.factories import (
    AgreementFactory,
    OrganisationFactory,
    checklist_without_open_items,
    trained_analysts,
)
from tests.onboarding.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def own_urls(w) -> list[str]:
    return [
        reverse("portal:onboarding_candidate", args=[w.hotline.pk]),
        reverse("portal:onboarding_submit", args=[w.hotline.pk]),
        reverse("portal:onboarding_roundtable", args=[w.roundtable.pk]),
        reverse("portal:onboarding_roundtable_ics", args=[w.roundtable.pk]),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(world, client_for):
    for url in [reverse("portal:onboarding_status"), *own_urls(world)]:
        response = client_for(None).get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_staff_without_an_affiliation_have_no_business_in_the_portal(world, client_for):
    for url in [reverse("portal:onboarding_status"), *own_urls(world)]:
        assert client_for(world.staff).get(url).status_code == 403, url


def test_candidate2_gets_404_on_every_page_of_the_other_candidate(world, client_for):
    client = client_for(world.candidate2)
    for url in own_urls(world):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"expected_stage": "identified"}).status_code == 404, url


def test_the_candidate_sees_its_own_pages(world, client_for):
    client = client_for(world.candidate)
    for url in own_urls(world):
        assert client.get(url).status_code == 200, url
    status = client.get(reverse("portal:onboarding_status"))
    assert status["Location"] == reverse("portal:onboarding_candidate", args=[world.hotline.pk])


def test_stage_progress_missing_roundtables_and_agreements_in_plain_words(world, client_for):
    content = client_for(world.candidate).get(reverse("portal:onboarding_candidate", args=[world.hotline.pk])).content
    content = content.decode()
    assert "Identified" in content and "You are here" in content
    assert "Next stage: Exploring." in content
    assert "Record the host organisation and the date it agreed to host the hotline." in content
    assert "Accra follow-up" in content  # upcoming roundtable
    assert "Accra roundtable" not in content  # held: not upcoming
    assert "Police MoU Ghana" in content and "Signed" in content
    assert "Letter Nepal" not in content and "Surakshit" not in content
    assert "Submit the membership application" not in content  # not the stage for it


def test_no_stage_history_or_staff_notes_leak(world, client_for):
    StageChange.objects.create(hotline=world.hotline, to_stage="identified", reason="Internal: board is divided")
    content = client_for(world.candidate).get(reverse("portal:onboarding_candidate", args=[world.hotline.pk])).content
    assert b"board is divided" not in content


def test_home_panel_and_menu_entry(world, client_for):
    content = client_for(world.candidate).get(reverse("portal:home")).content.decode()
    assert "Onboarding: SafeNet Ghana" in content
    assert reverse("portal:onboarding_status") in content
    assert "Surakshit" not in content


def test_member_hotline_users_see_no_onboarding(world, client_for, make_user):
    from accounts.services import affiliation_set
    from tests.onboarding.factories import HotlineFactory

    member = HotlineFactory(stage=Hotline.Stage.FULL_MEMBER, host_organisation=OrganisationFactory())
    user = make_user(email="member.manager@example.org")
    affiliation_set(user=user, target=member.host_organisation, acting_user=None)
    client = client_for(user)
    assert reverse("portal:onboarding_status") not in client.get(reverse("portal:home")).content.decode()
    assert "no hotline in onboarding" in client.get(reverse("portal:onboarding_status")).content.decode()
    assert client.get(reverse("portal:onboarding_candidate", args=[member.pk])).status_code == 404


def test_submit_the_application_when_its_gates_pass(world, client_for):
    world.hotline.stage = Hotline.Stage.OPERATIONAL_PREPARATION
    world.hotline.save()
    client = client_for(world.candidate)
    page = reverse("portal:onboarding_candidate", args=[world.hotline.pk])
    submit = reverse("portal:onboarding_submit", args=[world.hotline.pk])
    assert submit not in client.get(page).content.decode()
    refused = client.post(submit, {"expected_stage": "operational_preparation", "message": ""})
    assert refused.status_code == 200 and "Sign the Code of Practice declaration." in refused.content.decode()

    AgreementFactory(hotline=world.hotline, kind="code_of_practice")
    trained_analysts(world.hotline, 2)
    checklist_without_open_items(world.hotline)
    assert submit in client.get(page).content.decode()
    response = client.post(submit, {"expected_stage": "operational_preparation", "message": "All set."})
    assert response["Location"] == page
    world.hotline.refresh_from_db()
    assert world.hotline.stage == Hotline.Stage.APPLICATION_SUBMITTED
    change = StageChange.objects.get(hotline=world.hotline, to_stage="application_submitted")
    assert (change.changed_by, change.reason) == (world.candidate, "All set.")
    again = client.post(submit, {"expected_stage": "operational_preparation", "message": ""})
    assert "changed meanwhile" in again.content.decode()


def test_portal_roundtable_page_hides_contacts(world, client_for):
    participant = world.roundtable.participants.first()
    from network.models import Contact

    contact = Contact.objects.create(
        organisation=participant.organisation,
        name="Private Person",
        lawful_basis="legitimate_interest",
        retain_until="2030-01-01",
    )
    participant.contact = contact
    participant.save()
    content = client_for(world.candidate).get(reverse("portal:onboarding_roundtable", args=[world.roundtable.pk]))
    assert b"Private Person" not in content.content
    assert participant.organisation.name.encode() in content.content


def test_portal_candidate_page_query_count_does_not_grow(world, client_for, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.onboarding.factories import RoundtableFactory

    client = client_for(world.candidate)
    url = reverse("portal:onboarding_candidate", args=[world.hotline.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    from datetime import timedelta

    from django.utils import timezone

    for index in range(6):
        RoundtableFactory(hotline=world.hotline, status="planned", starts_at=timezone.now() + timedelta(days=5 + index))
        AgreementFactory(hotline=world.hotline, kind="letter_of_support", title=f"Letter {index}")
    with django_assert_max_num_queries(len(small)):
        client.get(url)
