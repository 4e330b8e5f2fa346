"""A member withdraws a training nomination only before the association confirms it and before the event
starts: one rule (`TrainingParticipation.is_withdrawable`) for the portal's button, its view and the
service."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from network import services
from network.models import TrainingParticipation
from tests.network.factories import AnalystFactory, EventFactory, ParticipationFactory

pytestmark = pytest.mark.django_db


def test_a_nomination_is_withdrawable_until_confirmed_and_until_the_event_starts(side_a):
    place = side_a.participation  # nominated, for an event in 30 days
    starts = place.event.starts_on
    assert place.is_withdrawable() and place.withdrawal_refusal() is None
    assert place.is_withdrawable(starts - timedelta(days=1))
    assert not place.is_withdrawable(starts)  # the event has started
    assert "has started" in place.withdrawal_refusal(starts)
    for status in ("confirmed", "completed", "not_completed"):
        place.status = status
        assert not place.is_withdrawable(), status
        assert "not been confirmed" in place.withdrawal_refusal()


def test_the_service_refuses_what_the_rule_refuses(side_a):
    confirmed = ParticipationFactory(
        analyst=AnalystFactory(hotline=side_a.hotline, code="A-02"),
        status="confirmed",
        event=side_a.participation.event,
    )
    with pytest.raises(ValidationError, match="not been confirmed"):
        services.participation_withdraw(participation=confirmed, acting_user=side_a.user)
    started = ParticipationFactory(
        analyst=AnalystFactory(hotline=side_a.hotline, code="A-03"),
        status="nominated",
        event=EventFactory(starts_on=timezone.localdate()),
    )
    assert not started.is_withdrawable()
    with pytest.raises(ValidationError, match="has started"):
        services.participation_withdraw(participation=started, acting_user=side_a.user)
    assert TrainingParticipation.objects.filter(pk__in=[confirmed.pk, started.pk]).count() == 2
    services.participation_withdraw(participation=side_a.participation, acting_user=side_a.user)
    assert not TrainingParticipation.objects.filter(pk=side_a.participation.pk).exists()


def test_the_portal_shows_the_button_exactly_for_withdrawable_places_and_the_view_refuses_the_others(
    client_for, side_a
):
    confirmed = ParticipationFactory(
        analyst=AnalystFactory(hotline=side_a.hotline, code="A-02"),
        status="confirmed",
        event=side_a.participation.event,
    )
    started = ParticipationFactory(
        analyst=AnalystFactory(hotline=side_a.hotline, code="A-03"),
        status="nominated",
        event=EventFactory(starts_on=timezone.localdate()),
    )
    client = client_for(side_a.user)
    page = client.get(reverse("portal:network_training", args=(side_a.hotline.pk,))).content.decode()

    def withdraw(place: TrainingParticipation) -> str:
        return reverse("portal:network_nomination_withdraw", args=(side_a.hotline.pk, place.pk))

    assert withdraw(side_a.participation) in page
    assert withdraw(confirmed) not in page and withdraw(started) not in page
    refused = client.post(withdraw(started), follow=True)
    assert "This event has started; the nomination can no longer be withdrawn." in refused.content.decode()
    refused = client.post(withdraw(confirmed), follow=True)
    assert "Only a nomination that has not been confirmed can be withdrawn." in refused.content.decode()
    assert TrainingParticipation.objects.filter(pk__in=[confirmed.pk, started.pk]).count() == 2
    assert client.post(withdraw(side_a.participation)).status_code == 302
    assert not TrainingParticipation.objects.filter(pk=side_a.participation.pk).exists()
