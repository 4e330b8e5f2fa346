"""A small hand-built network in the database, with every number the metrics should give known.

Dates are relative to today where "today" figures depend on them, fixed where periods test them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from network.models import (
    Analyst,
    Country,
    Hotline,
    HotlineStatistics,
    Organisation,
    TrainingCourse,
    TrainingEvent,
    TrainingParticipation,
)
from onboarding.models import (
    Agreement,
    AgreementParty,
    Assessment,
    CorrectiveAction,
    CountryAssessment,
    QaCertificate,
    Roundtable,
    RoundtableParticipant,
    StageChange,
)


def country(code: str) -> Country:
    return Country.objects.get(code=code)


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def organisation(name: str, code: str, kind: str = Organisation.Type.NGO) -> Organisation:
    return Organisation.objects.create(name=name, type=kind, country=country(code))


def hotline(
    name: str,
    code: str,
    stage: str,
    *,
    serves: tuple[str, ...] = (),
    joined_on: date | None = None,
    full_member_on: date | None = None,
    entered: datetime | None = None,
    paused: str = "",
) -> Hotline:
    host = organisation(f"{name} host", code)
    created = Hotline.objects.create(
        brand_name=name,
        host_organisation=host,
        country=country(code),
        joined_on=joined_on,
        full_member_on=full_member_on,
    )
    # The lifecycle owns the stage fields; tests set them directly.
    Hotline.objects.filter(pk=created.pk).update(
        stage=stage, stage_entered_at=entered or timezone.now(), paused_stage=paused
    )
    created.refresh_from_db()
    created.countries_served.set(Country.objects.filter(code__in=(code, *serves)))
    return created


def history(target: Hotline, *moves: tuple[str, datetime]) -> None:
    previous = ""
    for stage, when in moves:
        StageChange.objects.create(hotline=target, from_stage=previous, to_stage=stage, reason="test", changed_at=when)
        previous = stage


@dataclass
class World:
    today: date
    hotlines: dict[str, Hotline] = field(default_factory=dict)
    analysts: dict[str, Analyst] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)


def build_world() -> World:
    today = timezone.localdate()
    now = timezone.now()
    world = World(today=today)
    h = world.hotlines
    h["DE"] = hotline("Germany line", "DE", "full_member", joined_on=date(2015, 5, 1), full_member_on=date(2016, 5, 1))
    h["FR"] = hotline(
        "France line", "FR", "full_member", serves=("LU",), joined_on=date(2018, 1, 1), full_member_on=date(2019, 1, 1)
    )
    h["KE"] = hotline(
        "Kenya line", "KE", "provisional_member", joined_on=date(2024, 6, 20), entered=at(date(2024, 6, 20))
    )
    h["GH"] = hotline("Ghana line", "GH", "stakeholder_engagement", entered=now - timedelta(days=200))
    h["NP"] = hotline("Nepal line", "NP", "exploring", entered=now - timedelta(days=10))
    h["LU"] = hotline("Luxembourg line", "LU", "suspended", joined_on=date(2010, 1, 1))
    history(
        h["GH"],
        ("identified", now - timedelta(days=400)),
        ("exploring", now - timedelta(days=380)),
        ("feasibility_review", now - timedelta(days=350)),
        ("stakeholder_engagement", now - timedelta(days=200)),
    )
    history(h["NP"], ("identified", now - timedelta(days=40)), ("exploring", now - timedelta(days=10)))
    history(
        h["KE"],
        ("identified", at(date(2022, 1, 1))),
        ("exploring", at(date(2022, 2, 1))),
        ("provisional_member", at(date(2024, 6, 20))),
    )

    a = world.analysts
    a["DE-1"] = Analyst.objects.create(hotline=h["DE"], code="DE-1")
    a["DE-2"] = Analyst.objects.create(hotline=h["DE"], code="DE-2", ended_on=today - timedelta(days=1))
    a["FR-1"] = Analyst.objects.create(hotline=h["FR"], code="FR-1")
    a["KE-1"] = Analyst.objects.create(hotline=h["KE"], code="KE-1")
    a["KE-2"] = Analyst.objects.create(hotline=h["KE"], code="KE-2")
    a["GH-1"] = Analyst.objects.create(hotline=h["GH"], code="GH-1")

    core = TrainingCourse.objects.create(title="Core training", kind="core", certificate_valid_months=12)
    content = TrainingCourse.objects.create(title="Content assessment", kind="content_assessment")
    e1 = TrainingEvent.objects.create(
        code="CORE-2023-03",
        course=core,
        starts_on=date(2023, 3, 1),
        ends_on=date(2023, 3, 3),
        country=country("BE"),
        city="Brussels",
    )
    e2 = TrainingEvent.objects.create(
        code="CA-RECENT",
        course=content,
        starts_on=today - timedelta(days=31),
        ends_on=today - timedelta(days=30),
        online=True,
    )
    e3 = TrainingEvent.objects.create(
        code="CORE-NEXT",
        course=core,
        starts_on=today + timedelta(days=20),
        ends_on=today + timedelta(days=21),
        online=True,
    )
    completed = TrainingParticipation.Status.COMPLETED
    certified = date(2023, 3, 3)

    def place(event: TrainingEvent, analyst: Analyst | None = None, **fields: Any) -> None:
        TrainingParticipation.objects.create(event=event, analyst=analyst, **fields)

    place(e1, a["DE-1"], status=completed, certified_on=certified, certificate_expires_on=today + timedelta(days=45))
    place(e1, a["FR-1"], status=completed, certified_on=certified, certificate_expires_on=today + timedelta(days=200))
    place(
        e2,
        a["KE-1"],
        status=completed,
        certified_on=today - timedelta(days=30),
        certificate_expires_on=today - timedelta(days=1),
    )
    place(e1, a["DE-2"], status=completed, certified_on=certified, certificate_expires_on=today + timedelta(days=60))
    police_ke = organisation("Kenya police unit", "KE", Organisation.Type.LAW_ENFORCEMENT)
    place(e1, participant_type="law_enforcement", reference="LE-01", organisation=police_ke, status=completed)
    place(e2, participant_type="ngo", reference="NGO-01", status=completed)
    place(e3, a["DE-1"], status=TrainingParticipation.Status.CONFIRMED)

    def roundtable(title: str, code: str, status: str, when: datetime, candidate: Hotline | None) -> Roundtable:
        return Roundtable.objects.create(
            title=title,
            country=country(code),
            hotline=candidate,
            status=status,
            starts_at=when,
            format=Roundtable.Format.ONLINE,
        )

    police_gh = organisation("Ghana police unit", "GH", Organisation.Type.LAW_ENFORCEMENT)
    ministry_gh = organisation("Ghana ministry", "GH", Organisation.Type.GOVERNMENT)
    platform_ke = organisation("Kenya platform", "KE", Organisation.Type.COMPANY)
    ngo_ke = organisation("Kenya children's charity", "KE")
    rt1 = roundtable("Accra roundtable", "GH", "held", at(date(2023, 3, 1)), h["GH"])
    roundtable("Accra follow-up", "GH", "held", at(date(2023, 9, 1)), h["GH"])
    rt3 = roundtable("Nairobi roundtable", "KE", "held", at(date(2024, 2, 1)), h["KE"])
    rt4 = roundtable("Nairobi second", "KE", "cancelled", at(date(2024, 5, 1)), h["KE"])
    roundtable("Kathmandu roundtable", "NP", "planned", now + timedelta(days=30), h["NP"])
    RoundtableParticipant.objects.create(
        roundtable=rt1, organisation=police_gh, sector="law_enforcement", status="attended"
    )
    RoundtableParticipant.objects.create(
        roundtable=rt1, organisation=ministry_gh, sector="government", status="attended", committed=True
    )
    RoundtableParticipant.objects.create(
        roundtable=rt3, organisation=platform_ke, sector="industry_platform", status="attended"
    )
    RoundtableParticipant.objects.create(
        roundtable=rt3, organisation=police_ke, sector="law_enforcement", status="absent"
    )
    RoundtableParticipant.objects.create(roundtable=rt4, organisation=ngo_ke, sector="ngo", status="attended")

    m1 = Agreement.objects.create(
        kind="le_mou",
        title="Kenya MoU",
        country=country("KE"),
        hotline=h["KE"],
        status="signed",
        signed_on=today - timedelta(days=100),
        expires_on=today + timedelta(days=30),
    )
    AgreementParty.objects.create(agreement=m1, organisation=police_ke, sector="law_enforcement")
    Agreement.objects.create(
        kind="le_mou", title="Ghana MoU", country=country("GH"), hotline=h["GH"], status="negotiating"
    )
    Agreement.objects.create(
        kind="le_mou",
        title="Nepal MoU",
        country=country("NP"),
        hotline=h["NP"],
        status="signed",
        signed_on=date(2024, 3, 1),
    )
    Agreement.objects.create(
        kind="letter_of_support",
        title="Ghana letter",
        country=country("GH"),
        hotline=h["GH"],
        status="signed",
        signed_on=date(2024, 3, 1),
    )
    world.objects["mou_kenya"] = m1

    def statistics(target: Hotline, year: int, reports: int, urls: int, removed: str | None, status: str = "validated"):
        HotlineStatistics.objects.create(
            hotline=target,
            period_start=date(year, 1, 1),
            period_end=date(year, 12, 31),
            reports_received=reports,
            content_urls_processed=urls,
            share_assessed_illegal=Decimal("90") if removed else None,
            share_removed_within_3_days=Decimal(removed) if removed else None,
            validation_status=status,
        )

    statistics(h["DE"], 2022, 1000, 400, "50")
    statistics(h["DE"], 2023, 1200, 600, "80")
    statistics(h["FR"], 2023, 999, 999, "10", status="queried")
    statistics(h["KE"], 2023, 100, 0, None, status="submitted")

    # Assessments: Germany passed two quality-assurance reviews (the older with corrective actions);
    # France passed one in 2020 (so its next fell due in 2023); Kenya has none on record, its first one
    # is planned; Ghana is being assessed for membership.
    def assessment(target: Hotline, kind: str, status: str, starts: date, **fields: Any) -> Assessment:
        return Assessment.objects.create(hotline=target, kind=kind, status=status, starts_on=starts, **fields)

    old_review = assessment(
        h["DE"],
        "qa_review",
        "completed",
        date(2021, 2, 1),
        ends_on=date(2021, 2, 3),
        recommendation="passed_with_actions",
        report_completed_at=at(date(2021, 3, 1)),
    )
    recent_review = assessment(
        h["DE"],
        "qa_review",
        "completed",
        today - timedelta(days=400),
        ends_on=today - timedelta(days=398),
        recommendation="passed",
        report_completed_at=now - timedelta(days=395),
    )
    assessment(
        h["FR"],
        "qa_review",
        "completed",
        date(2020, 5, 25),
        ends_on=date(2020, 5, 27),
        recommendation="passed",
        report_completed_at=at(date(2020, 6, 1)),
    )
    # Germany's recent review earned a certificate valid three years (so valid today, not in 2023).
    QaCertificate.objects.create(
        assessment=recent_review,
        hotline=h["DE"],
        reference="QA-DE-1",
        valid_from=today - timedelta(days=395),
        valid_until=today - timedelta(days=395) + timedelta(days=3 * 365),
    )
    assessment(h["KE"], "qa_review", "planned", today + timedelta(days=10))
    pre = assessment(h["GH"], "pre_membership", "in_progress", today - timedelta(days=5))
    raised = at(date(2021, 3, 1))

    def action(source: Assessment, title: str, status: str, due: date, **fields: Any) -> None:
        CorrectiveAction.objects.create(
            assessment=source, title=title, owner="Hotline manager", status=status, due_on=due, **fields
        )

    action(
        old_review, "Welfare policy", "verified", date(2021, 6, 1), created_at=raised, verified_at=at(date(2021, 6, 1))
    )
    action(old_review, "Retention schedule", "open", today - timedelta(days=10), created_at=raised)
    action(old_review, "Access log review", "completed", today - timedelta(days=5), created_at=raised)
    action(old_review, "Second analyst", "in_progress", today + timedelta(days=30), created_at=raised)
    action(pre, "Legal opinion", "open", today + timedelta(days=60))

    scores = {
        f"{name}_score": 3
        for name in (
            "need",
            "legal_framework",
            "law_enforcement",
            "government_support",
            "industry",
            "host_candidates",
            "funding",
        )
    }
    for code in ("GH", "ZM"):
        CountryAssessment.objects.create(
            country=country(code),
            assessed_on=today - timedelta(days=50),
            overall_rating="favourable",
            on_target_list=True,
            **scores,
        )
    return world
