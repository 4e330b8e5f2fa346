"""Model rules: what the registry refuses, with messages naming the field."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from network.models import (
    Analyst,
    Contact,
    Hotline,
    HotlineAnnualProfile,
    HotlineStatistics,
    TrainingEvent,
    TrainingParticipation,
    add_months,
)
from tests.network.factories import (
    AnalystFactory,
    ContactFactory,
    CourseFactory,
    EventFactory,
    HotlineFactory,
    OrganisationFactory,
    StatisticsFactory,
    country,
)

pytestmark = pytest.mark.django_db


def errors_of(instance) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


def test_stage_is_not_editable_and_defaults_to_identified():
    field = Hotline._meta.get_field("stage")
    assert field.editable is False
    assert Hotline._meta.get_field("stage_entered_at").editable is False
    assert field.default == Hotline.Stage.IDENTIFIED


def test_hotline_dates_and_point_of_contact_rules():
    hotline = HotlineFactory.build(
        host_organisation=OrganisationFactory(), country=country("BE"), joined_on=date(2020, 1, 1)
    )
    hotline.full_member_on = date(2019, 1, 1)
    assert "full_member_on" in errors_of(hotline)
    hotline.full_member_on, hotline.joined_on = date(2021, 1, 1), None
    assert "joined_on" in errors_of(hotline)
    hotline.joined_on = date(2020, 1, 1)
    hotline.secure_exchange_since = date(2021, 1, 1)
    assert "secure_exchange_since" in errors_of(hotline)
    hotline.secure_exchange_access = True
    hotline.point_of_contact = ContactFactory()  # at another organisation
    assert "point_of_contact" in errors_of(hotline)
    hotline.point_of_contact = ContactFactory(organisation=hotline.host_organisation)
    hotline.full_clean()


def test_analyst_code_is_a_pseudonym_unique_within_its_hotline():
    hotline = HotlineFactory()
    for bad in ("Maria Schmidt", "JOHN", "a", "AN 07"):
        assert "code" in errors_of(Analyst(hotline=hotline, code=bad)), bad
    analyst = Analyst(hotline=hotline, code="an-07")
    analyst.full_clean()
    assert analyst.code == "AN-07"
    analyst.save()
    assert "__all__" in errors_of(Analyst(hotline=hotline, code="AN-07"))
    Analyst(hotline=HotlineFactory(), code="AN-07").full_clean()  # another hotline may use it
    late = Analyst(hotline=hotline, code="AN-08", started_on=date(2022, 1, 1), ended_on=date(2021, 1, 1))
    assert "ended_on" in errors_of(late)


def test_contact_rules():
    organisation = OrganisationFactory()
    contact = Contact(
        organisation=organisation,
        name="Ana Ruiz",
        lawful_basis=Contact.LawfulBasis.CONSENT,
        retain_until=timezone.localdate() + timedelta(days=30),
    )
    assert "consent_date" in errors_of(contact)
    contact.consent_date = timezone.localdate() + timedelta(days=3)
    assert "consent_date" in errors_of(contact)
    contact.consent_date = timezone.localdate() - timedelta(days=3)
    contact.full_clean()
    contact.save()
    twin = Contact(organisation=organisation, name="Ana Ruiz", lawful_basis="contract", retain_until=date(2030, 1, 1))
    assert "This organisation already has a contact with this name." in str(errors_of(twin))


def test_statistics_shares_counts_and_periods():
    hotline = HotlineFactory()
    stats = HotlineStatistics(
        hotline=hotline,
        period_start=date(2023, 1, 1),
        period_end=date(2023, 12, 31),
        reports_received=-1,
        content_urls_processed=100,
        share_assessed_illegal=Decimal("101"),
        share_removed_within_3_days=Decimal("20"),
    )
    errors = errors_of(stats)
    assert "reports_received" in errors and "share_assessed_illegal" in errors
    stats.reports_received, stats.share_assessed_illegal = 10, Decimal("15")
    assert "cannot exceed the share assessed illegal" in errors_of(stats)["share_removed_within_3_days"][0].lower()
    stats.share_assessed_illegal = None
    assert "share_removed_within_3_days" in errors_of(stats)
    stats.share_assessed_illegal, stats.content_urls_processed = Decimal("30"), 0
    assert "share_assessed_illegal" in errors_of(stats)
    stats.content_urls_processed = 100
    stats.full_clean()
    stats.save()
    overlapping = HotlineStatistics(
        hotline=hotline,
        period_start=date(2023, 7, 1),
        period_end=date(2024, 6, 30),
        reports_received=1,
        content_urls_processed=1,
    )
    assert "one return per period" in errors_of(overlapping)["period_start"][0]
    backwards = StatisticsFactory.build(hotline=hotline, period_start=date(2025, 2, 1), period_end=date(2025, 1, 1))
    assert "period_end" in errors_of(backwards)


def test_annual_profile_rules():
    profile = HotlineAnnualProfile(
        hotline=HotlineFactory(), year=2024, analyst_headcount=2, fte=Decimal("3"), languages="en, xx, FR"
    )
    errors = errors_of(profile)
    assert "fte" in errors
    assert "xx" in errors["languages"][0]
    profile.fte, profile.languages = Decimal("1.5"), "en, FR, en"
    profile.welfare_policy_reviewed_on = date(2024, 3, 1)
    assert "welfare_policy_reviewed_on" in errors_of(profile)
    profile.welfare_policy = True
    profile.full_clean()
    assert profile.languages == "en, fr"


def test_training_event_code_place_and_dates():
    course = CourseFactory(kind="content_assessment")
    event = TrainingEvent(course=course, starts_on=date(2024, 3, 5), ends_on=date(2024, 3, 4), online=False)
    errors = errors_of(event)
    assert "ends_on" in errors and "city" in errors
    event.ends_on, event.online = date(2024, 3, 6), True
    event.full_clean()
    assert event.code == "CONTENT-ASSESSMENT-2024-03"
    event.save()
    second = TrainingEvent.objects.create(
        course=course, starts_on=date(2024, 3, 20), ends_on=date(2024, 3, 20), online=True
    )
    assert second.code == "CONTENT-ASSESSMENT-2024-03-2"
    assert "code" in errors_of(
        TrainingEvent(
            code="bad code!", course=course, starts_on=date(2024, 1, 1), ends_on=date(2024, 1, 1), online=True
        )
    )


def test_participation_rules_and_certificate_expiry():
    event = EventFactory(course=CourseFactory(certificate_valid_months=12))
    analyst = AnalystFactory()
    assert "analyst" in errors_of(TrainingParticipation(event=event, participant_type="analyst"))
    other = TrainingParticipation(event=event, participant_type="law_enforcement")
    assert "reference" in errors_of(other)
    other.analyst = analyst
    assert "participant_type" in errors_of(other)
    uncertified = TrainingParticipation(event=event, analyst=analyst, status="confirmed", certified_on=date(2024, 1, 1))
    assert "certified_on" in errors_of(uncertified)
    p = TrainingParticipation(event=event, analyst=analyst, status="completed", certified_on=date(2024, 1, 31))
    p.certificate_expires_on = date(2023, 12, 31)
    assert "certificate_expires_on" in errors_of(p)
    assert event.course.certificate_expiry(date(2024, 1, 31)) == date(2025, 1, 31)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def test_scoped_querysets(side_a, side_b):
    user = side_a.user
    assert list(Hotline.objects.visible_to(user)) == [side_a.hotline]
    assert list(Analyst.objects.visible_to(user)) == [side_a.analyst]
    assert list(TrainingParticipation.objects.visible_to(user)) == [side_a.participation]
    assert list(HotlineStatistics.objects.visible_to(user)) == [side_a.statistics]
    assert list(Contact.objects.visible_to(user)) == [side_a.contact]
    assert not Hotline.objects.visible_to(None).exists()
    assert TrainingEvent.objects.visible_to(None).count() == 0
    assert TrainingEvent.objects.visible_to(user).count() == 2
