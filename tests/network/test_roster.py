"""A training event's roster: analysts added in bulk, attendance and certificates for many at once,
each batch all or nothing, audited per participation, confirmed before it applies."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from accounts.roles import Role
from core import dataversion
from network import roster
from network.models import TrainingParticipation
from tests.network.factories import AnalystFactory, EventFactory, HotlineFactory, ParticipationFactory

pytestmark = pytest.mark.django_db

Status = TrainingParticipation.Status


@pytest.fixture
def past_event():
    today = timezone.localdate()
    return EventFactory(code="CORE-PAST", starts_on=today - timedelta(days=10), ends_on=today - timedelta(days=8))


@pytest.fixture
def hotlines():
    first, second = HotlineFactory(brand_name="Alpha Line"), HotlineFactory(brand_name="Beta Line")
    AnalystFactory(hotline=first, code="ALPHA-1")
    AnalystFactory(hotline=first, code="ALPHA-2")
    AnalystFactory(hotline=first, code="ALPHA-OLD", ended_on=date(2021, 1, 1))
    AnalystFactory(hotline=second, code="BETA-1")
    return first, second


@pytest.fixture
def capacity(make_user):
    return make_user(Role.CAPACITY, email="roster.capacity@example.org")


def logs(participation):
    return ModelLogEntry.objects.filter(object_id=str(participation.pk), action__startswith="network.training.roster")


def test_candidates_are_the_working_analysts_without_a_place(past_event, hotlines):
    first, second = hotlines
    ParticipationFactory(event=past_event, analyst=first.analysts.get(code="ALPHA-2"), status=Status.CONFIRMED)
    found = roster.roster_candidates(event=past_event, hotlines=[first, second])
    assert [a.code for a in found] == ["ALPHA-1", "BETA-1"]


def test_adding_gives_confirmed_places_audited_one_by_one(past_event, hotlines, capacity):
    analysts = roster.roster_candidates(event=past_event, hotlines=hotlines)
    added = roster.roster_add(event=past_event, analysts=analysts, acting_user=capacity)
    assert sorted(p.analyst.code for p in added) == ["ALPHA-1", "ALPHA-2", "BETA-1"]
    assert {p.status for p in TrainingParticipation.objects.filter(event=past_event)} == {Status.CONFIRMED}
    for place in added:
        entry = logs(place).get()
        assert entry.user == capacity and entry.data["changed"]["status"] == [None, "confirmed"]


def test_adding_refuses_the_whole_batch_when_one_is_already_there(past_event, hotlines, capacity):
    first, _second = hotlines
    ParticipationFactory(event=past_event, analyst=first.analysts.get(code="ALPHA-1"), status=Status.CONFIRMED)
    analysts = list(first.analysts.filter(code__in=["ALPHA-1", "ALPHA-2"]))
    with pytest.raises(ValidationError, match="Already at this event: ALPHA-1"):
        roster.roster_add(event=past_event, analysts=analysts, acting_user=capacity)
    assert TrainingParticipation.objects.filter(event=past_event).count() == 1


def test_an_analyst_who_has_left_is_refused_by_name(past_event, hotlines, capacity):
    gone = hotlines[0].analysts.get(code="ALPHA-OLD")
    with pytest.raises(ValidationError, match="ALPHA-OLD"):
        roster.roster_add(event=past_event, analysts=[gone], acting_user=capacity)


def test_only_capacity_staff_may_work_on_a_roster(past_event, hotlines, make_user):
    reader = make_user(Role.REVIEWER, email="roster.reader@example.org")
    with pytest.raises(PermissionDenied):
        roster.roster_add(event=past_event, analysts=list(hotlines[0].analysts.all()), acting_user=reader)


def test_status_for_many_is_all_or_nothing_and_names_the_refused(hotlines, capacity):
    upcoming = EventFactory(code="CORE-NEXT")
    first = hotlines[0]
    places = [
        ParticipationFactory(event=upcoming, analyst=a, status=Status.CONFIRMED)
        for a in first.analysts.filter(code__in=["ALPHA-1", "ALPHA-2"])
    ]
    with pytest.raises(ValidationError, match=r"ALPHA-1 \(the event has not started\)"):
        roster.roster_set_status(event=upcoming, participations=places, status=Status.COMPLETED, acting_user=capacity)
    assert set(TrainingParticipation.objects.values_list("status", flat=True)) == {Status.CONFIRMED}


def test_marking_completed_then_certifying_many(past_event, hotlines, capacity, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        version = dataversion.current()
        places = roster.roster_add(
            event=past_event,
            analysts=roster.roster_candidates(event=past_event, hotlines=hotlines),
            acting_user=capacity,
        )
    assert dataversion.current() != version, "the dashboards must see the new places"
    with django_capture_on_commit_callbacks(execute=True):
        version = dataversion.current()
        roster.roster_set_status(event=past_event, participations=places, status=Status.COMPLETED, acting_user=capacity)
    assert dataversion.current() != version
    day = past_event.ends_on
    certified = roster.roster_certify(event=past_event, participations=places, certified_on=day, acting_user=capacity)
    expiry = past_event.course.certificate_expiry(day)
    assert {(p.certified_on, p.certificate_expires_on) for p in certified} == {(day, expiry)}
    stored = TrainingParticipation.objects.filter(event=past_event)
    assert set(stored.values_list("certified_on", "certificate_expires_on")) == {(day, expiry)}
    entry = logs(places[0]).order_by("-timestamp", "-pk").first()
    assert entry.data["changed"]["certified_on"] == [None, day.isoformat()]
    # A certified place stays completed.
    with pytest.raises(ValidationError, match="a certificate was issued"):
        roster.roster_set_status(
            event=past_event, participations=places[:1], status=Status.NOT_COMPLETED, acting_user=capacity
        )


def test_certificates_need_completion_and_a_plausible_date(past_event, hotlines, capacity):
    places = roster.roster_add(
        event=past_event, analysts=roster.roster_candidates(event=past_event, hotlines=hotlines), acting_user=capacity
    )
    with pytest.raises(ValidationError, match="Not completed: ALPHA-1, ALPHA-2, BETA-1"):
        roster.roster_certify(
            event=past_event, participations=places, certified_on=past_event.ends_on, acting_user=capacity
        )
    roster.roster_set_status(event=past_event, participations=places, status=Status.COMPLETED, acting_user=capacity)
    with pytest.raises(ValidationError, match="in the future"):
        roster.roster_certify(
            event=past_event,
            participations=places,
            certified_on=timezone.localdate() + timedelta(days=1),
            acting_user=capacity,
        )
    with pytest.raises(ValidationError, match="before the event started"):
        roster.roster_certify(
            event=past_event,
            participations=places,
            certified_on=past_event.starts_on - timedelta(days=1),
            acting_user=capacity,
        )
    assert not TrainingParticipation.objects.filter(certified_on__isnull=False).exists()


def test_a_participation_of_another_event_is_refused(past_event, hotlines, capacity):
    other = ParticipationFactory(analyst=hotlines[0].analysts.first(), status=Status.COMPLETED)
    with pytest.raises(ValidationError, match="Not on this event's roster"):
        roster.roster_set_status(
            event=past_event, participations=[other], status=Status.COMPLETED, acting_user=capacity
        )


# -- the screens -------------------------------------------------------------------------------------
def test_roster_page_adds_after_a_confirmation_listing_who(past_event, hotlines, capacity, client_for):
    client = client_for(capacity)
    add_url = reverse("network_event:roster_add", args=[past_event.pk])
    page = client.get(add_url)
    assert page.status_code == 200
    assert "Alpha Line" in page.text and "2 analysts without a place" in page.text
    ids = [str(h.pk) for h in hotlines]
    preview = client.post(add_url, {"hotlines": ids})
    assert preview.status_code == 200
    assert "Nothing has changed yet" in preview.text and "Alpha Line: ALPHA-1" in preview.text
    assert "ALPHA-OLD" not in preview.text
    assert not TrainingParticipation.objects.filter(event=past_event).exists()
    done = client.post(add_url, {"hotlines": ids, "confirmed": "yes"})
    assert done.status_code == 302 and done["Location"] == reverse("network_event:roster", args=[past_event.pk])
    assert TrainingParticipation.objects.filter(event=past_event).count() == 3
    roster_page = client.get(done["Location"])
    assert "3 analysts added to the roster." in roster_page.text
    assert "BETA-1" in roster_page.text


def test_roster_page_marks_and_certifies_after_confirmation(past_event, hotlines, capacity, client_for):
    places = roster.roster_add(
        event=past_event, analysts=roster.roster_candidates(event=past_event, hotlines=hotlines), acting_user=capacity
    )
    client = client_for(capacity)
    url = reverse("network_event:roster_update", args=[past_event.pk])
    chosen = [str(p.pk) for p in places[:2]]
    preview = client.post(url, {"participations": chosen, "action": "completed"})
    assert "Confirmed → Completed" in preview.text
    client.post(url, {"participations": chosen, "action": "completed", "confirmed": "yes"})
    assert TrainingParticipation.objects.filter(status=Status.COMPLETED).count() == 2
    refused = client.post(
        url,
        {
            "participations": [str(p.pk) for p in places],
            "action": "certify",
            "certified_on": past_event.ends_on,
            "confirmed": "yes",
        },
    )
    assert refused.status_code == 200 and "Nothing was changed" in refused.text
    assert not TrainingParticipation.objects.filter(certified_on__isnull=False).exists()
    missing_day = client.post(url, {"participations": chosen, "action": "certify", "certified_on": ""})
    assert "Give the date the certificates were awarded." in missing_day.text


def test_readers_see_the_roster_without_its_actions_and_cannot_post(
    past_event, hotlines, capacity, make_user, client_for
):
    roster.roster_add(event=past_event, analysts=list(hotlines[1].analysts.all()), acting_user=capacity)
    reader = make_user(Role.GRANTS, email="roster.grants@example.org")
    client = client_for(reader)
    url = reverse("network_event:roster", args=[past_event.pk])
    page = client.get(url)
    assert page.status_code == 200 and "BETA-1" in page.text and 'name="participations"' not in page.text
    place = TrainingParticipation.objects.get(event=past_event)
    # The admin answers a refusal by sending the user back to its home page with a message.
    update = reverse("network_event:roster_update", args=[past_event.pk])
    refused = client.post(update, {"participations": [place.pk], "action": "completed", "confirmed": "yes"})
    assert refused.status_code in (302, 403) and refused.get("Location", "/admin/") == "/admin/"
    place.refresh_from_db()
    assert place.status == Status.CONFIRMED
    assert client.get(reverse("network_event:roster_add", args=[past_event.pk])).status_code in (302, 403)
    outsider = make_user(email="roster.nobody@example.org")
    assert client_for(outsider).get(url).status_code in (302, 403)


def test_participations_filter_by_event(past_event, hotlines, capacity, client_for):
    roster.roster_add(event=past_event, analysts=list(hotlines[1].analysts.all()), acting_user=capacity)
    ParticipationFactory(analyst=hotlines[0].analysts.get(code="ALPHA-1"))
    page = client_for(capacity).get(reverse("network_participation:index") + f"?event={past_event.pk}")
    assert "BETA-1" in page.text and "ALPHA-1" not in page.text


def test_roster_page_queries_do_not_grow_with_participants(
    past_event, capacity, client_for, django_assert_max_num_queries
):
    client = client_for(capacity)
    url = reverse("network_event:roster", args=[past_event.pk])
    for n in range(30):
        ParticipationFactory(event=past_event, analyst=AnalystFactory(code=f"BULK-{n}"), status=Status.CONFIRMED)
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200
