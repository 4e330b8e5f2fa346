"""Roundtables and training events are linked to the grant activities that funded them from their own
forms (audited on the activity); the grant's page lists the events in its countries and span that no
activity links, so nothing is silently left out of its figures."""

from __future__ import annotations

from datetime import date

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from wagtail.models import ModelLogEntry

from accounts.roles import Role
from network.models import TrainingCourse, TrainingEvent
from onboarding.models import Roundtable
from reports import metrics
from reports.grants import selectors as grant_selectors
from reports.grants.services import EVENT_LINKS_ACTION
from reports.models import Activity
from reports.scope import Scope
from tests.reports.donor_world import build_donor_world, country

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_donor_world()


def _roundtable_post(roundtable: Roundtable, **extra) -> dict:
    return {
        "title": roundtable.title,
        "country": roundtable.country_id,
        "hotline": roundtable.hotline_id or "",
        "starts_at": roundtable.starts_at.strftime("%Y-%m-%d %H:%M"),
        "format": roundtable.format,
        "status": roundtable.status,
        "venue": roundtable.venue or "Accra",
        "agenda": roundtable.agenda,
        "outcomes": roundtable.outcomes,
        "code": roundtable.code,
        **extra,
    }


def test_the_roundtable_form_links_it_to_a_grant_activity_and_the_grant_counts_it(world, client_for, make_user):
    staff = make_user(Role.NETWORK_STAFF)
    kumasi = Roundtable.objects.get(code="kumasi-2025")
    activity = Activity.objects.get(title="Roundtables in Ghana")
    scope = Scope.of(grant=grant_selectors.grant_coverage_of(grant=world.grant))
    period = metrics.Period(date(2025, 1, 1), date(2025, 12, 31))
    assert metrics.compute("roundtables_held", period=period, scope=scope) == 1  # Accra only

    url = reverse("onboarding_roundtables:edit", args=[kumasi.pk])
    page = BeautifulSoup(client_for(staff).get(url).content.decode(), "html.parser")
    boxes = page.select('input[name="grant_activities"]')
    assert {box["value"] for box in boxes} >= {str(activity.pk)}
    assert len([box for box in boxes if box["value"] == str(activity.pk)]) == 1  # shown once, in its panel
    assert not any(box.has_attr("checked") for box in boxes)

    response = client_for(staff).post(url, _roundtable_post(kumasi, grant_activities=[activity.pk]))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert set(activity.roundtables.values_list("code", flat=True)) == {"accra-2025", "accra-2024", "kumasi-2025"}
    scope = Scope.of(grant=grant_selectors.grant_coverage_of(grant=world.grant))
    assert metrics.compute("roundtables_held", period=period, scope=scope) == 2
    entry = ModelLogEntry.objects.for_instance(activity).get(action=EVENT_LINKS_ACTION)
    assert entry.user == staff and entry.data["changed"]["roundtables"] == ["", str(kumasi)]

    # The form shows the link; unticking removes it (audited too).
    page = BeautifulSoup(client_for(staff).get(url).content.decode(), "html.parser")
    assert page.select_one(f'input[name="grant_activities"][value="{activity.pk}"]').has_attr("checked")
    assert client_for(staff).post(url, _roundtable_post(kumasi)).status_code == 302
    assert "kumasi-2025" not in set(activity.roundtables.values_list("code", flat=True))
    assert ModelLogEntry.objects.for_instance(activity).filter(action=EVENT_LINKS_ACTION).count() == 2


def test_the_training_event_form_links_it_to_a_grant_activity(world, client_for, make_user):
    capacity = make_user(Role.CAPACITY)
    course = TrainingCourse.objects.get(title="Core training")
    event = TrainingEvent.objects.create(
        code="CORE-ACC-2025", course=course, starts_on=date(2025, 9, 1), ends_on=date(2025, 9, 2), country=country("GH")
    )
    activity = Activity.objects.get(title="Core training for Kenyan analysts")
    url = reverse("network_event:edit", args=[event.pk])
    response = client_for(capacity).post(
        url,
        {
            "code": event.code,
            "course": course.pk,
            "starts_on": "2025-09-01",
            "ends_on": "2025-09-02",
            "city": "Accra",
            "country": "GH",
            "grant_activities": [activity.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert set(activity.training_events.values_list("code", flat=True)) == {"CORE-NBO-2025", "CORE-ACC-2025"}
    assert ModelLogEntry.objects.for_instance(activity).get(action=EVENT_LINKS_ACTION).user == capacity


def test_the_grant_page_lists_the_events_in_scope_that_no_activity_links(world, client_for, make_user):
    course = TrainingCourse.objects.get(title="Core training")
    TrainingEvent.objects.create(
        code="CORE-KMS-2025",
        course=course,
        starts_on=date(2025, 10, 1),
        ends_on=date(2025, 10, 2),
        country=country("GH"),
    )
    TrainingEvent.objects.create(  # outside the grant's countries
        code="CORE-KTM-2025",
        course=course,
        starts_on=date(2025, 10, 1),
        ends_on=date(2025, 10, 2),
        country=country("NP"),
    )
    unlinked = grant_selectors.grant_unlinked_events(grant=world.grant)
    assert [roundtable.code for roundtable in unlinked.roundtables] == ["kumasi-2025"]
    assert [event.code for event in unlinked.training_events] == ["CORE-KMS-2025"]
    assert unlinked.links_roundtables and unlinked.links_training_events

    page = client_for(make_user(Role.GRANTS)).get(reverse("reports_grant:inspect", args=[world.grant.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Events in scope not linked to an activity" in html
    assert "Kumasi roundtable" in html and "CORE-KMS-2025" in html
    assert "Kathmandu" not in html and "CORE-KTM-2025" not in html
