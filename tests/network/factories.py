"""Factories for the network registry (countries come from the migration: use real ISO codes)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from network.models import (
    Analyst,
    Contact,
    Country,
    Hotline,
    HotlineAnnualProfile,
    HotlineStatistics,
    Organisation,
    TrainingCourse,
    TrainingEvent,
    TrainingParticipation,
)


def country(code: str = "BE") -> Country:
    return Country.objects.get(code=code)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Test Organisation {n}")
    type = Organisation.Type.NGO
    country = factory.LazyFunction(country)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Contact Person {n}")
    role = "Hotline manager"
    sector = "ngo"
    email = factory.Sequence(lambda n: f"contact{n}@example.org")
    lawful_basis = Contact.LawfulBasis.LEGITIMATE_INTEREST
    retain_until = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=365))


class HotlineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hotline
        skip_postgeneration_save = True

    brand_name = factory.Sequence(lambda n: f"Test Hotline {n}")
    host_organisation = factory.SubFactory(OrganisationFactory)
    country = factory.LazyAttribute(lambda o: o.host_organisation.country)
    stage = Hotline.Stage.FULL_MEMBER
    joined_on = date(2010, 5, 1)
    full_member_on = date(2011, 5, 1)
    public_reporting_url = "https://report.example.org/"

    @factory.post_generation
    def served(obj: Hotline, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.countries_served.add(obj.country)


class AnalystFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Analyst

    hotline = factory.SubFactory(HotlineFactory)
    code = factory.Sequence(lambda n: f"AN-{n:03d}")
    role = Analyst.Role.ANALYST
    started_on = date(2020, 1, 1)


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingCourse

    title = factory.Sequence(lambda n: f"Course {n}")
    kind = TrainingCourse.Kind.CORE
    certificate_valid_months = 24


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingEvent

    code = factory.Sequence(lambda n: f"EV-{n:04d}")
    course = factory.SubFactory(CourseFactory)
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + timedelta(days=1))
    online = True


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingParticipation

    event = factory.SubFactory(EventFactory)
    analyst = factory.SubFactory(AnalystFactory)
    status = TrainingParticipation.Status.COMPLETED


class AnnualProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HotlineAnnualProfile

    hotline = factory.SubFactory(HotlineFactory)
    year = factory.LazyFunction(lambda: timezone.localdate().year - 1)
    analyst_headcount = 4
    fte = Decimal("3.5")
    languages = "en"


class StatisticsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HotlineStatistics

    hotline = factory.SubFactory(HotlineFactory)
    period_start = factory.LazyFunction(lambda: date(timezone.localdate().year - 1, 1, 1))
    period_end = factory.LazyFunction(lambda: date(timezone.localdate().year - 1, 12, 31))
    reports_received = 1000
    content_urls_processed = 800
    share_assessed_illegal = Decimal("40")
    share_removed_within_3_days = Decimal("35")
    share_referred_le_within_3_days = Decimal("38")
