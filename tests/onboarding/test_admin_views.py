"""Staff screens: who reaches what, what they do, and that lists cost the same queries at any size."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from network.models import Hotline
from onboarding.models import CalendarFeedToken, RoundtableParticipant, StageChange
from tests.network.factories import ContactFactory
from tests.onboarding.factories import (
    AgreementFactory,
    CandidateProfileFactory,
    HotlineFactory,
    InteractionFactory,
    ParticipantFactory,
    RoundtableFactory,
    country,
)
from tests.onboarding.world import build_world, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


VIEWSETS = [
    "onboarding_roundtables",
    "onboarding_participants",
    "onboarding_action_items",
    "onboarding_agreements",
    "onboarding_assessments",
    "onboarding_interactions",
]


def page_urls(w) -> list[str]:
    from onboarding.models import CountryAssessment, Interaction, RoundtableParticipant

    objects = {
        "onboarding_roundtables": w.roundtable.pk,
        "onboarding_participants": RoundtableParticipant.objects.first().pk,
        "onboarding_action_items": w.action_item.pk,
        "onboarding_agreements": w.agreement.pk,
        "onboarding_assessments": CountryAssessment.objects.first().pk,
        "onboarding_interactions": Interaction.objects.first().pk,
    }
    urls = [
        reverse("onboarding_admin:board"),
        reverse("onboarding_admin:candidates"),
        reverse("onboarding_admin:candidate_add"),
        reverse("onboarding_admin:candidate", args=[w.hotline.pk]),
        reverse("onboarding_admin:candidate_edit", args=[w.hotline.pk]),
        reverse("onboarding_admin:transition", args=[w.hotline.pk, "start_exploring"]),
        reverse("onboarding_admin:mou_alternative_add", args=[w.hotline.pk]),
        reverse("onboarding_admin:mou_alternative_decide", args=[w.alternative.pk]),
        reverse("onboarding_admin:mou_alternative_document", args=[w.alternative.pk]),
        reverse("onboarding_admin:roundtable", args=[w.roundtable.pk]),
        reverse("onboarding_admin:roundtable_minutes", args=[w.roundtable.pk]),
        reverse("onboarding_admin:roundtable_ics", args=[w.roundtable.pk]),
        reverse("onboarding_admin:agreement", args=[w.agreement.pk]),
        reverse("onboarding_admin:agreement_document", args=[w.agreement.pk]),
        reverse("onboarding_admin:agreements_expiring"),
        reverse("onboarding_admin:coverage"),
        reverse("onboarding_admin:coverage_country", args=["GH"]),
        reverse("onboarding_admin:calendar"),
    ]
    for name in VIEWSETS:
        urls += [
            reverse(f"{name}:index"),
            reverse(f"{name}:add"),
            reverse(f"{name}:edit", args=[objects[name]]),
            reverse(f"{name}:delete", args=[objects[name]]),
        ]
    return urls


def test_anonymous_visitors_are_sent_to_sign_in(world, client_for):
    client = client_for(None)
    for url in page_urls(world):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login/" in response["Location"], url


def test_portal_users_never_reach_the_staff_screens(world, client_for):
    client = client_for(world.candidate)
    for url in page_urls(world):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login/" in response["Location"], url


def test_staff_roles_without_onboarding_permissions_are_turned_away(world, client_for):
    client = client_for(world.reviewer)
    for url in page_urls(world):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("wagtailadmin_home"), url


def test_network_staff_reach_every_screen(world, client_for):
    client = client_for(world.staff)
    for url in page_urls(world):
        assert client.get(url).status_code == 200, url


def test_grants_managers_read_roundtables_and_agreements_but_change_nothing(world, client_for):
    client = client_for(world.grants)
    for name in ("onboarding_admin:roundtable", "onboarding_admin:roundtable_minutes"):
        assert client.get(reverse(name, args=[world.roundtable.pk])).status_code == 200
    assert client.get(reverse("onboarding_admin:agreements_expiring")).status_code == 200
    assert client.get(reverse("onboarding_admin:board")).status_code == 302
    upload = client.post(
        reverse("onboarding_admin:agreement_document_upload", args=[world.agreement.pk]), {"document": pdf("other.pdf")}
    )
    assert upload["Location"] == reverse("wagtailadmin_home")
    attendance = client.post(reverse("onboarding_admin:roundtable_attendance", args=[world.roundtable.pk]), {})
    assert attendance["Location"] == reverse("wagtailadmin_home")


def test_documents_download_privately(world, client_for):
    response = client_for(world.staff).get(reverse("onboarding_admin:roundtable_minutes", args=[world.roundtable.pk]))
    assert response["Content-Disposition"].startswith('attachment; filename="minutes.pdf"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    missing = client_for(world.staff).get(
        reverse("onboarding_admin:roundtable_minutes", args=[world.roundtable.pk + 99])
    )
    assert missing.status_code == 404


def test_board_shows_cards_with_days_against_target_and_unmet_gates(world, client_for):
    world.hotline.stage_entered_at = timezone.now() - timedelta(days=20)
    world.hotline.save()
    content = client_for(world.staff).get(reverse("onboarding_admin:board")).content.decode()
    assert "SafeNet Ghana" in content and "Surakshit Web Nepal" in content
    assert "20 of 14 days" in content and "Over target by 6 days" in content
    assert "1 condition missing" in content  # host not confirmed (the interaction is logged)


def test_candidate_page_lists_whats_missing_per_next_step_and_the_timeline(world, client_for):
    content = (
        client_for(world.staff).get(reverse("onboarding_admin:candidate", args=[world.hotline.pk])).content.decode()
    )
    assert "Record the host organisation and the date it agreed to host the hotline." in content
    assert "Put on hold" in content and "Withdraw" in content
    assert "<h1" in content and "SafeNet Ghana" in content.split("<h1", 1)[1].split("</h1>", 1)[0]
    assert "Accra roundtable" in content and "Police MoU Ghana" in content
    assert reverse("onboarding_admin:transition", args=[world.hotline.pk, "withdraw"]) in content
    # start_exploring has unmet gates: no button to it.
    assert reverse("onboarding_admin:transition", args=[world.hotline.pk, "start_exploring"]) not in content


def test_transition_form_asks_for_a_reason_then_moves_and_notifies(
    world, client_for, django_capture_on_commit_callbacks
):
    world.hotline.candidate_profile.host_confirmed_on = timezone.localdate()
    world.hotline.candidate_profile.save()
    client = client_for(world.staff)
    url = reverse("onboarding_admin:transition", args=[world.hotline.pk, "start_exploring"])
    empty = client.post(url, {"expected_stage": "identified", "reason": ""})
    assert empty.status_code == 200 and "This field is required" in empty.content.decode()
    data = {"expected_stage": "identified", "reason": "Host confirmed by letter."}
    # First what will happen, and nothing yet; then, confirmed, the move.
    check = client.post(url, data)
    page = check.content.decode()
    assert check.status_code == 200 and "Nothing has changed yet" in page
    assert "moves from Identified to Exploring" in page and "Host confirmed by letter." in page
    world.hotline.refresh_from_db()
    assert world.hotline.stage == Hotline.Stage.IDENTIFIED
    assert client.post(url, {**data, "confirmed": "change"}).content.decode().count("Host confirmed by letter.") >= 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**data, "confirmed": "yes"})
    assert response["Location"] == reverse("onboarding_admin:candidate", args=[world.hotline.pk])
    world.hotline.refresh_from_db()
    assert world.hotline.stage == Hotline.Stage.EXPLORING
    assert [m.to for m in mail.outbox] == [["world.candidate@example.org"]]  # lead staff acted: not emailed


def test_a_second_submit_of_the_same_form_says_changed_meanwhile(world, client_for):
    client = client_for(world.staff)
    url = reverse("onboarding_admin:transition", args=[world.hotline.pk, "withdraw"])
    client.post(url, {"expected_stage": "identified", "reason": "Host dissolved.", "confirmed": "yes"})
    response = client.post(
        url, {"expected_stage": "identified", "reason": "Host dissolved.", "confirmed": "yes"}, follow=True
    )
    assert "changed meanwhile" in response.content.decode()
    assert StageChange.objects.filter(hotline=world.hotline).count() == 1


def test_on_hold_form_requires_a_review_date(world, client_for):
    client = client_for(world.staff)
    url = reverse("onboarding_admin:transition", args=[world.hotline.pk, "put_on_hold"])
    response = client.post(url, {"expected_stage": "identified", "reason": "Elections."})
    assert response.status_code == 200 and "review_date" in response.content.decode()
    review = (timezone.localdate() + timedelta(days=30)).isoformat()
    client.post(
        url, {"expected_stage": "identified", "reason": "Elections.", "review_date": review, "confirmed": "yes"}
    )
    world.hotline.refresh_from_db()
    assert (world.hotline.stage, world.hotline.paused_stage) == ("on_hold", "identified")


def test_unknown_transition_is_not_found(world, client_for):
    url = reverse("onboarding_admin:transition", args=[world.hotline.pk, "teleport"])
    assert client_for(world.staff).get(url).status_code == 404


def test_bulk_attendance_from_the_roundtable_page(world, client_for):
    invited = world.roundtable.participants.get(status="invited")
    attended = world.roundtable.participants.get(status="attended")
    client_for(world.staff).post(
        reverse("onboarding_admin:roundtable_attendance", args=[world.roundtable.pk]),
        {"attended": [str(invited.pk)], "committed": [str(invited.pk)]},
    )
    invited.refresh_from_db()
    attended.refresh_from_db()
    assert (invited.status, invited.committed, attended.status) == ("attended", True, "absent")


def test_uploading_a_non_document_is_refused_with_a_clear_message(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(world.staff).post(
        reverse("onboarding_admin:roundtable_minutes_upload", args=[world.roundtable.pk]),
        {"document": SimpleUploadedFile("minutes.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")},
        follow=True,
    )
    assert "is not an accepted document" in response.content.decode()


def test_roundtable_ics_file(world, client_for):
    response = client_for(world.staff).get(reverse("onboarding_admin:roundtable_ics", args=[world.roundtable.pk]))
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in body and "SUMMARY:Roundtable: Accra roundtable" in body and "\r\n" in body


def test_calendar_feed_token_created_shown_once_used_and_revoked(world, client_for):
    client = client_for(world.staff)
    response = client.post(reverse("onboarding_admin:calendar"), {"action": "create"}, follow=True)
    found = re.search(r'value="http://testserver(/onboarding/calendar/[\w-]+\.ics)"', response.content.decode())
    feed_path = found.group(1)
    assert "SUMMARY:Roundtable: Accra roundtable" in client_for(None).get(feed_path).content.decode()
    assert feed_path not in client.get(reverse("onboarding_admin:calendar")).content.decode()
    client.post(reverse("onboarding_admin:calendar"), {"action": "revoke"})
    assert client_for(None).get(feed_path).status_code == 404
    assert not CalendarFeedToken.objects.exists()


def test_calendar_feed_stops_when_the_user_is_no_longer_staff(world, client_for):
    from onboarding.services import calendar_token_create

    token = calendar_token_create(acting_user=world.staff)
    world.staff.groups.clear()
    world.staff.is_active = False
    world.staff.save()
    assert client_for(None).get(reverse("onboarding:calendar_feed", args=[token])).status_code == 404


def test_candidate_create_from_the_admin(world, client_for):
    response = client_for(world.staff).post(
        reverse("onboarding_admin:candidate_add"),
        {
            "brand_name": "Sunu Net Senegal",
            "country": "SN",
            "new_host_name": "Association Teranga",
            "new_host_type": "ngo",
            "identified_on": timezone.localdate().isoformat(),
            "source": "outreach",
            "lead_staff": world.staff.pk,
        },
    )
    hotline = Hotline.objects.get(brand_name="Sunu Net Senegal")
    assert response["Location"] == reverse("onboarding_admin:candidate", args=[hotline.pk])
    both = client_for(world.staff).post(
        reverse("onboarding_admin:candidate_add"),
        {
            "brand_name": "X",
            "country": "SN",
            "host_organisation": hotline.host_organisation_id,
            "new_host_name": "Y",
            "new_host_type": "ngo",
            "identified_on": "2026-01-01",
            "source": "outreach",
        },
    )
    assert "not both" in both.content.decode()


def test_interaction_form_prefills_and_returns_to_the_candidate_page(world, client_for):
    client = client_for(world.staff)
    back = reverse("onboarding_admin:candidate", args=[world.hotline.pk])
    url = reverse("onboarding_interactions:add") + f"?hotline={world.hotline.pk}&next={back}"
    assert f'value="{world.hotline.pk}" selected' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "hotline": world.hotline.pk,
            "kind": "call",
            "occurred_on": timezone.localdate().isoformat(),
            "subject": "Budget call",
        },
    )
    assert response["Location"] == back
    from onboarding.models import Interaction

    assert Interaction.objects.get(subject="Budget call").recorded_by == world.staff


# -- Query counts -----------------------------------------------------------------------------
def _grow(extra: int) -> None:
    for index in range(extra):
        hotline = HotlineFactory(
            country=country("RW"), stage=["identified", "exploring", "stakeholder_engagement"][index % 3]
        )
        CandidateProfileFactory(hotline=hotline)
        InteractionFactory(hotline=hotline)
        roundtable = RoundtableFactory(hotline=hotline)  # on its country's clock: its label reads the country
        participant = ParticipantFactory(roundtable=roundtable, sector="government")
        ContactFactory(organisation=participant.organisation)  # a contact's label names its organisation
        participant.contact = participant.organisation.contacts.get()
        participant.save()
        AgreementFactory(hotline=hotline, expires_on=timezone.localdate() + timedelta(days=30))


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


LIST_URLS = [
    "onboarding_admin:board",
    "onboarding_admin:candidates",
    "onboarding_admin:agreements_expiring",
    "onboarding_admin:coverage",
    "onboarding_roundtables:index",
    "onboarding_agreements:index",
    "onboarding_action_items:index",
    "onboarding_interactions:index",
    "onboarding_assessments:index",
    "onboarding_participants:index",
    # The forms' choices (roundtables, organisations, contacts) read what their labels show in one query.
    "onboarding_participants:add",
    "onboarding_action_items:add",
]


@pytest.mark.parametrize("name", LIST_URLS)
def test_lists_do_not_grow_queries_with_rows(world, client_for, name, django_assert_max_num_queries):
    client = client_for(world.staff)
    url = reverse(name)
    _count(client, url)  # warm caches (permissions, site)
    small = _count(client, url)
    _grow(6)
    with django_assert_max_num_queries(small):
        assert client.get(url).status_code == 200


def test_board_query_count_is_constant(world, client_for, django_assert_max_num_queries):
    client = client_for(world.staff)
    url = reverse("onboarding_admin:board")
    _count(client, url)
    small = _count(client, url)
    _grow(15)
    assert RoundtableParticipant.objects.count() > 15
    with django_assert_max_num_queries(small):
        content = client.get(url).content.decode()
    assert content.count('class="ob-card') >= 17


def test_agreement_with_its_parties_through_the_admin_form(world, client_for):
    from onboarding.models import Agreement

    ministry = world.roundtable.participants.get(sector="government").organisation
    response = client_for(world.staff).post(
        reverse("onboarding_agreements:add"),
        {
            "kind": "letter_of_support",
            "status": "signed",
            "title": "Ministry letter",
            "country": "GH",
            "hotline": world.hotline.pk,
            "signed_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
            "expires_on": "",
            "notes": "",
            "reference": "",
            "parties-TOTAL_FORMS": "1",
            "parties-INITIAL_FORMS": "0",
            "parties-MIN_NUM_FORMS": "1",
            "parties-MAX_NUM_FORMS": "1000",
            "parties-0-organisation": ministry.pk,
            "parties-0-sector": "government",
            "parties-0-id": "",
            "parties-0-ORDER": "0",
            "parties-0-DELETE": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    agreement = Agreement.objects.get(title="Ministry letter")
    assert agreement.reference == "AG-GH-LETTER-OF-SUPPORT-1"
    assert list(agreement.parties.values_list("organisation", "sector")) == [(ministry.pk, "government")]


def test_roundtable_created_from_the_candidate_page_link(world, client_for):
    from onboarding.models import Roundtable

    back = reverse("onboarding_admin:candidate", args=[world.hotline.pk])
    url = reverse("onboarding_roundtables:add") + f"?country=GH&hotline={world.hotline.pk}&next={back}"
    response = client_for(world.staff).post(
        url,
        {
            "title": "Tamale roundtable",
            "country": "GH",
            "hotline": world.hotline.pk,
            "starts_at": "2030-05-04 09:30",
            "ends_at": "",
            "format": "in_person",
            "status": "planned",
            "venue": "",
            "agenda": "",
            "outcomes": "",
            "code": "",
        },
    )
    assert response.status_code == 200 and "Give the venue" in response.content.decode()
    response = client_for(world.staff).post(
        url,
        {
            "title": "Tamale roundtable",
            "country": "GH",
            "hotline": world.hotline.pk,
            "starts_at": "2030-05-04 09:30",
            "format": "in_person",
            "status": "planned",
            "venue": "Tamale Civic Hall",
        },
    )
    assert response["Location"] == back
    assert Roundtable.objects.get(title="Tamale roundtable").code == "RT-GH-2030-05-04"


def test_candidate_profile_edit_saves_the_lead_and_is_audited(world, client_for):
    from wagtail.models import ModelLogEntry

    if not hasattr(world.hotline, "candidate_profile"):
        CandidateProfileFactory(hotline=world.hotline)
    url = reverse("onboarding_admin:candidate_edit", args=[world.hotline.pk])
    confirmed = timezone.localdate() - timedelta(days=2)
    data = {
        "identified_on": (timezone.localdate() - timedelta(days=30)).isoformat(),
        "source": "outreach",
        "host_confirmed_on": confirmed.isoformat(),
        "target_membership_on": "",
        "notes": "Met the board in Accra.",
        "lead_staff": "",
    }
    # A reviewer may read candidates but not edit them.
    assert client_for(world.reviewer).post(url, data).status_code in (302, 403)
    world.hotline.refresh_from_db()
    assert world.hotline.lead_staff == world.staff
    response = client_for(world.staff).post(url, data)
    assert response["Location"] == reverse("onboarding_admin:candidate", args=[world.hotline.pk])
    world.hotline.refresh_from_db()
    assert world.hotline.lead_staff is None
    assert world.hotline.candidate_profile.host_confirmed_on == confirmed
    entries = ModelLogEntry.objects.filter(action="onboarding.candidate_update", object_id=str(world.hotline.pk))
    entry = entries.latest("pk")
    assert entry.user == world.staff and entry.data["host_confirmed_on"] == confirmed.isoformat()
