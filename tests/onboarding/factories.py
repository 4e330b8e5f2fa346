"""Factories for onboarding tests (registry rows built directly: countries come from the migration)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone

from network.models import Analyst, Country, Hotline, Organisation, TrainingCourse, TrainingEvent, TrainingParticipation
from onboarding import checklist_rules as rules
from onboarding.models import (
    ActionItem,
    Agreement,
    AgreementParty,
    Assessment,
    CandidateProfile,
    Checklist,
    ChecklistItem,
    ChecklistTemplate,
    ConsolidatedRecommendation,
    CountryAssessment,
    Decision,
    Interaction,
    Roundtable,
    RoundtableParticipant,
)


def country(code: str = "KE") -> Country:
    return Country.objects.get(pk=code)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    type = Organisation.Type.NGO
    country = factory.LazyFunction(lambda: country("KE"))


class HotlineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hotline

    brand_name = factory.Sequence(lambda n: f"Hotline {n}")
    country = factory.LazyFunction(lambda: country("KE"))
    host_organisation = factory.SubFactory(OrganisationFactory, country=factory.SelfAttribute("..country"))
    stage = Hotline.Stage.IDENTIFIED


class CandidateProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CandidateProfile

    hotline = factory.SubFactory(HotlineFactory)
    identified_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    hotline = factory.SubFactory(HotlineFactory)
    kind = Interaction.Kind.MEETING
    occurred_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=3))
    subject = factory.Sequence(lambda n: f"Meeting {n}")


class CountryAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CountryAssessment

    country = factory.LazyFunction(lambda: country("KE"))
    assessed_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    need_score = 4
    legal_framework_score = 3
    law_enforcement_score = 4
    government_support_score = 3
    industry_score = 3
    host_candidates_score = 4
    funding_score = 2
    overall_rating = CountryAssessment.Rating.FAVOURABLE
    on_target_list = True


class RoundtableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Roundtable

    title = factory.Sequence(lambda n: f"Roundtable {n}")
    hotline = factory.SubFactory(HotlineFactory)
    country = factory.LazyAttribute(lambda o: o.hotline.country if o.hotline else country("KE"))
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))
    status = Roundtable.Status.HELD
    format = Roundtable.Format.IN_PERSON
    venue = "Conference centre"


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoundtableParticipant

    roundtable = factory.SubFactory(RoundtableFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    sector = "law_enforcement"
    status = RoundtableParticipant.Status.ATTENDED


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    roundtable = factory.SubFactory(RoundtableFactory)
    title = factory.Sequence(lambda n: f"Action {n}")
    owner_organisation = factory.SubFactory(OrganisationFactory)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=3))


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    kind = Agreement.Kind.LE_MOU
    title = factory.Sequence(lambda n: f"Agreement {n}")
    hotline = factory.SubFactory(HotlineFactory)
    country = factory.LazyAttribute(lambda o: o.hotline.country if o.hotline else country("KE"))
    status = Agreement.Status.SIGNED
    signed_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))


def add_party(agreement: Agreement, organisation: Organisation, sector: str) -> AgreementParty:
    return AgreementParty.objects.create(agreement=agreement, organisation=organisation, sector=sector)


def trained_analysts(hotline: Hotline, count: int, *, content: bool = False) -> list[Analyst]:
    """`count` active analysts of `hotline` with completed core (and content-assessment) training."""
    today = timezone.localdate()
    core, _ = TrainingCourse.objects.get_or_create(title="Core training", defaults={"kind": TrainingCourse.Kind.CORE})
    content_course, _ = TrainingCourse.objects.get_or_create(
        title="Content assessment", defaults={"kind": TrainingCourse.Kind.CONTENT_ASSESSMENT}
    )
    events = [
        TrainingEvent.objects.create(
            course=course, starts_on=today - timedelta(days=40), ends_on=today - timedelta(days=38), online=True
        )
        for course in ([core, content_course] if content else [core])
    ]
    analysts = []
    for index in range(count):
        analyst = Analyst.objects.create(hotline=hotline, code=f"AN-{hotline.pk}-{index}")
        for event in events:
            TrainingParticipation.objects.create(
                event=event, analyst=analyst, status=TrainingParticipation.Status.COMPLETED
            )
        analysts.append(analyst)
    return analysts


def ready_for_exploring(hotline: Hotline, **kwargs: Any) -> Hotline:
    CandidateProfileFactory(hotline=hotline, host_confirmed_on=timezone.localdate() - timedelta(days=1))
    InteractionFactory(hotline=hotline)
    return hotline


# -- Dossier records the gates read -------------------------------------------------------------
def checklist_without_open_items(hotline: Hotline, *, accepted: tuple[str, ...] = ()) -> Checklist:
    """`hotline`'s checklist on the published template with nothing left open: every checklist gate
    passes, and the items named by their own gate (`accepted`, e.g. `rules.GATE_FACT_LEGAL_REVIEW`) are
    there and accepted (the others stay "not recorded")."""
    template = ChecklistTemplate.objects.onboarding().published().get()
    checklist = Checklist.objects.create(hotline=hotline, template=template)
    for fact in accepted:
        template_item = template.items.get(gate_fact=fact)
        ChecklistItem.objects.create(
            checklist=checklist, template_item=template_item, code=template_item.code, state=rules.ACCEPTED
        )
    return checklist


def completed_assessment(hotline: Hotline, kind: str, recommendation: str) -> Assessment:
    """An assessment of `hotline` whose report is completed with `recommendation`."""
    today = timezone.localdate()
    return Assessment.objects.create(
        hotline=hotline,
        kind=kind,
        status=Assessment.Status.COMPLETED,
        starts_on=today - timedelta(days=20),
        ends_on=today - timedelta(days=19),
        recommendation=recommendation,
        summary="Report.",
        report_completed_at=timezone.now(),
    )


def consolidated(hotline: Hotline, assessment: Assessment | None = None) -> ConsolidatedRecommendation:
    """The lead's consolidated recommendation on `hotline`'s dossier (or on `assessment`): what the Board
    needs before it decides where reviewers declared (`selectors.consolidation_refusal`)."""
    found, _created = ConsolidatedRecommendation.objects.get_or_create(
        hotline=hotline,
        assessment=assessment,
        defaults={"recommendation": "admit", "reasons": "The reviewers agree.", "reviews_considered": 1},
    )
    return found


def admission_decided(hotline: Hotline) -> Decision:
    """A completed pre-membership assessment of `hotline` and the decision that admits it."""
    assessment = completed_assessment(hotline, Assessment.Kind.PRE_MEMBERSHIP, Assessment.Recommendation.ADMIT)
    return Decision.objects.create(
        assessment=assessment,
        body="General Assembly",
        decided_on=timezone.localdate() - timedelta(days=2),
        minutes_reference="GA-1",
        votes_for=12,
        votes_against=0,
        votes_abstaining=1,
        outcome=Decision.Outcome.ADMIT,
    )


def quality_assurance_passed(hotline: Hotline) -> Assessment:
    """A completed quality-assurance review of `hotline` that it passed."""
    return completed_assessment(hotline, Assessment.Kind.QA_REVIEW, Assessment.Recommendation.PASSED)
