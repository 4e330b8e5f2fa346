"""A grant with everything a donor report shows, built by hand so that every figure is known.

The grant (GF-EXP-2025, 2025-2026) covers Ghana and Kenya; the report period is 2025. Its
activities link one roundtable held in the period (Accra, 15 organisations invited: 6 police, 7
government, 2 internet providers; 11 attended), one held before it, and one training (Nairobi,
13 people trained: 5 analysts, 6 police officers, 2 NGO staff). A roundtable in Ghana that no
activity links is left out of the grant's figures. The hotlines are in their stages since 2024.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.utils import timezone

from network.models import (
    Analyst,
    Country,
    Hotline,
    Organisation,
    TrainingCourse,
    TrainingEvent,
    TrainingParticipation,
)
from onboarding.models import Roundtable, RoundtableParticipant
from reports.models import (
    Activity,
    BudgetLine,
    Deliverable,
    Donor,
    Grant,
    Indicator,
    Milestone,
    Risk,
    WorkPackage,
)

PERIOD = (date(2025, 1, 1), date(2025, 12, 31))
GENERATED_ON = date(2026, 1, 20)
JUSTIFICATION = "Counted from the campaign's web statistics on 2025-12-31 by the communications team."
SUMMARY = "The network grew in West and East Africa.\n\nTwo candidate hotlines progressed."


def country(code: str) -> Country:
    return Country.objects.get(code=code)


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def organisation(name: str, code: str, kind: str = Organisation.Type.NGO, *, consent: bool = False) -> Organisation:
    return Organisation.objects.create(name=name, type=kind, country=country(code), publish_name_consent=consent)


def hotline(name: str, code: str, stage: str, *, host: Organisation | None = None) -> Hotline:
    """A hotline in `stage` since 2024-06-01 (recorded then, without stage history)."""
    created = Hotline.objects.create(
        brand_name=name, host_organisation=host or organisation(f"{name} host", code), country=country(code)
    )
    Hotline.objects.filter(pk=created.pk).update(
        stage=stage, stage_entered_at=at(date(2024, 6, 1)), created_at=at(date(2024, 1, 15))
    )
    created.refresh_from_db()
    return created


@dataclass
class DonorWorld:
    grant: Grant
    objects: dict[str, Any] = field(default_factory=dict)


def build_donor_world() -> DonorWorld:
    donor = Donor.objects.create(name="Global Child Safety Fund", short_name="GCSF")
    grant = Grant.objects.create(
        donor=donor,
        code="GF-EXP-2025",
        title="Expanding the hotline network in Africa",
        programme="Safe Online",
        call_identifier="SO-2024-CALL-2",
        agreement_number="GA-2024-0117",
        kind=Grant.Kind.ACTION,
        starts_on=date(2025, 1, 1),
        ends_on=date(2026, 12, 31),
        amount=Decimal("450000.00"),
        currency="USD",
        cofunding_rate=Decimal("80.00"),
        objectives="Two new hotlines in Ghana and Kenya.",
    )
    grant.countries.set([country("GH"), country("KE")])
    world = DonorWorld(grant=grant)
    o = world.objects

    # Candidates: one Ghanaian host consents to its name in reports, the other does not; Nepal is outside.
    o["ghana"] = hotline(
        "Ghana Safe Line",
        "GH",
        "stakeholder_engagement",
        host=organisation("Ghana Child Online Trust", "GH", consent=True),
    )
    hotline("Accra Web Watch", "GH", "exploring", host=organisation("Accra Youth Network", "GH"))
    o["kenya"] = hotline("Kenya line", "KE", "provisional_member")
    hotline("Nepal line", "NP", "exploring", host=organisation("Nepal host", "NP", consent=True))

    wp1 = WorkPackage.objects.create(grant=grant, number=1, title="Country engagement", lead="Programme team")
    wp2 = WorkPackage.objects.create(grant=grant, number=2, title="Training", lead="Training team")

    # Roundtables.
    def roundtable(title: str, code: str, when: date, slug: str) -> Roundtable:
        return Roundtable.objects.create(
            code=slug, title=title, country=country(code), status="held", starts_at=at(when), hotline=o["ghana"]
        )

    accra = roundtable("Accra stakeholder roundtable", "GH", date(2025, 3, 10), "accra-2025")
    earlier = roundtable("Accra first meeting", "GH", date(2024, 11, 4), "accra-2024")
    roundtable("Kumasi roundtable", "GH", date(2025, 6, 2), "kumasi-2025")  # not funded by the grant
    for index in range(6):
        police = organisation(f"Police unit {index}", "GH", Organisation.Type.LAW_ENFORCEMENT)
        RoundtableParticipant.objects.create(
            roundtable=accra, organisation=police, sector="law_enforcement", status="attended"
        )
    for index in range(7):
        ministry = organisation(f"Ministry {index}", "GH", Organisation.Type.GOVERNMENT)
        status = "attended" if index < 5 else "absent"
        RoundtableParticipant.objects.create(
            roundtable=accra, organisation=ministry, sector="government", status=status
        )
    for index in range(2):
        provider = organisation(f"Provider {index}", "GH", Organisation.Type.COMPANY)
        RoundtableParticipant.objects.create(roundtable=accra, organisation=provider, sector="industry_isp")

    # A training in Nairobi: 5 analysts, 6 police officers, 2 NGO staff completed it.
    course = TrainingCourse.objects.create(title="Core training", kind="core")
    nairobi = TrainingEvent.objects.create(
        code="CORE-NBO-2025", course=course, starts_on=date(2025, 5, 5), ends_on=date(2025, 5, 7), country=country("KE")
    )
    completed = TrainingParticipation.Status.COMPLETED
    for index in range(5):
        analyst = Analyst.objects.create(hotline=o["kenya"], code=f"KE-{index}")
        TrainingParticipation.objects.create(event=nairobi, analyst=analyst, status=completed)
    police_ke = organisation("Kenya police unit", "KE", Organisation.Type.LAW_ENFORCEMENT)
    for index in range(6):
        TrainingParticipation.objects.create(
            event=nairobi,
            participant_type="law_enforcement",
            organisation=police_ke,
            reference=f"LE-{index}",
            status=completed,
        )
    for index in range(2):
        TrainingParticipation.objects.create(
            event=nairobi, participant_type="ngo", reference=f"NGO-{index}", status=completed
        )

    engagement = Activity.objects.create(
        grant=grant,
        work_package=wp1,
        title="Roundtables in Ghana",
        kind=Activity.Kind.ROUNDTABLE,
        status=Activity.Status.IN_PROGRESS,
        planned_start=date(2024, 11, 1),
        planned_end=date(2025, 12, 31),
        actual_start=date(2024, 11, 4),
        other_events="Peer exchange in Accra\nPeer exchange in Nairobi",
    )
    engagement.roundtables.set([accra, earlier])
    training = Activity.objects.create(
        grant=grant,
        work_package=wp2,
        title="Core training for Kenyan analysts",
        kind=Activity.Kind.TRAINING,
        status=Activity.Status.DONE,
        planned_start=date(2025, 4, 1),
        planned_end=date(2025, 4, 30),
        actual_start=date(2025, 5, 5),
        actual_end=date(2025, 5, 7),
    )
    training.training_events.set([nairobi])

    Indicator.objects.create(
        grant=grant,
        work_package=wp1,
        code="I1",
        title="Roundtables held",
        metric_key="roundtables_held",
        baseline=0,
        target=4,
        unit="roundtables",
        order=1,
    )
    Indicator.objects.create(
        grant=grant,
        work_package=wp2,
        code="I2",
        title="Training events held",
        metric_key="training_events_held",
        baseline=0,
        target=2,
        unit="events",
        order=2,
    )
    Indicator.objects.create(
        grant=grant,
        code="I3",
        title="Visits to the awareness campaign",
        manual_value=Decimal("1250"),
        justification=JUSTIFICATION,
        baseline=0,
        target=1000,
        unit="visits",
        order=3,
    )

    Deliverable.objects.create(
        grant=grant,
        work_package=wp1,
        code="D1.1",
        title="Ghana country assessment",
        due_on=date(2025, 6, 30),
        submitted_on=date(2025, 6, 20),
        status=Deliverable.Status.ACCEPTED,
    )
    Milestone.objects.create(
        grant=grant,
        work_package=wp2,
        code="MS2",
        title="First Kenyan analysts trained",
        due_on=date(2025, 6, 30),
        achieved_on=date(2025, 5, 7),
        verification="Training attendance list",
    )
    Risk.objects.create(
        grant=grant,
        description="Elections delay the law-enforcement MoU in Ghana.",
        likelihood=Risk.Level.MEDIUM,
        impact=Risk.Level.HIGH,
        mitigation="Engage the ministry early.",
    )
    BudgetLine.objects.create(
        grant=grant, category="personnel", description="Programme staff", planned=100000, actual=Decimal("45000.50")
    )
    BudgetLine.objects.create(grant=grant, category="travel", description="Roundtables", planned=20000, actual=12000)
    return world
