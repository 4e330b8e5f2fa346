"""Demo onboarding: candidates in real countries without a hotline, with their whole story so far.

Ten prospective hotlines (fictional host organisations) spread over the lifecycle: identified,
exploring, feasibility review, two in stakeholder engagement, operational preparation,
application submitted, under assessment, one on hold and one found not feasible. Each has a
stage history at plausible intervals around the phase targets, a contact log, and from
stakeholder engagement on: a country assessment, roundtables with realistic sector mixes
(attendance, commitments, action items, some due soon or overdue), agreements and one
approved alternative to a law-enforcement MoU. Every member hotline of the registry gets a full
history back to its first contact, derived from its joining and full-membership dates; one
member is suspended and one has ceased. The `candidate` and `candidate2` demo users belong to
two different candidates. Rows are written with `bulk_create`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from core import dataversion
from core.seeding import DemoContext
from network.models import (
    Analyst,
    Contact,
    Country,
    Hotline,
    Organisation,
    Sector,
    TrainingCourse,
    TrainingEvent,
    TrainingParticipation,
    add_months,
)
from onboarding import workflow
from onboarding.models import (
    ActionItem,
    Agreement,
    AgreementParty,
    CandidateProfile,
    CountryAssessment,
    Interaction,
    MouAlternative,
    Roundtable,
    RoundtableParticipant,
    StageChange,
)

Stage = Hotline.Stage
TRACK = list(Hotline.TRACK)


@dataclass(frozen=True)
class Plan:
    country: str
    brand: str
    host: str
    stage: str
    days_in_stage: int
    paused: str = ""
    user: str = ""


# Preferred countries (none has a hotline in the real network today); a taken one is replaced
# from FALLBACK_COUNTRIES in order.
PLANS = [
    Plan(
        "GH", "SafeNet Ghana", "Accra Digital Child Safety Trust", Stage.OPERATIONAL_PREPARATION, 64, user="candidate"
    ),
    Plan(
        "NP",
        "Surakshit Web Nepal",
        "Himalayan Forum for Online Child Protection",
        Stage.STAKEHOLDER_ENGAGEMENT,
        95,
        user="candidate2",
    ),
    Plan("SN", "Sunu Net Senegal", "Association Teranga pour un Internet Sûr", Stage.IDENTIFIED, 9),
    Plan("LK", "ClearPath Sri Lanka", "Lanka Safe Childhood Network", Stage.EXPLORING, 30),
    Plan("JO", "Aman Online Jordan", "Petra Centre for Digital Wellbeing", Stage.FEASIBILITY_REVIEW, 12),
    Plan("PY", "Red Segura Paraguay", "Fundación Guaraní por la Niñez Digital", Stage.STAKEHOLDER_ENGAGEMENT, 210),
    Plan("MA", "Safe Click Maroc", "Association Atlas pour l'Enfance Connectée", Stage.APPLICATION_SUBMITTED, 18),
    Plan("ET", "Tena Net Ethiopia", "Addis Child Online Safety Initiative", Stage.UNDER_ASSESSMENT, 41),
    Plan(
        "GT",
        "Alerta Web Guatemala",
        "Fundación Quetzal para la Protección Infantil",
        Stage.ON_HOLD,
        75,
        paused=Stage.OPERATIONAL_PREPARATION,
    ),
    Plan("BO", "Reporte Seguro Bolivia", "Colectivo Andino por la Infancia en Red", Stage.NOT_FEASIBLE, 160),
]
FALLBACK_COUNTRIES = ["RW", "SL", "CI", "BD", "VN", "EC", "TN", "LB", "UZ", "MN", "BJ", "MW"]
# Fictional company-name prefixes per country (a landmark or river), for the stakeholders below.
PREFIXES = {
    "GH": "Volta",
    "NP": "Himal",
    "SN": "Teranga",
    "LK": "Serendib",
    "JO": "Petra",
    "PY": "Paraná",
    "MA": "Atlas",
    "ET": "Abay",
    "GT": "Quetzal",
    "BO": "Illimani",
}

# Stakeholders invited in every candidate country: (name pattern, organisation type, sector).
STAKEHOLDERS = [
    ("National Police Cybercrime Unit ({country})", Organisation.Type.LAW_ENFORCEMENT, Sector.LAW_ENFORCEMENT),
    ("Public Prosecutor's Cyber Desk ({country})", Organisation.Type.LAW_ENFORCEMENT, Sector.LAW_ENFORCEMENT),
    ("Ministry of Digital Affairs ({country})", Organisation.Type.GOVERNMENT, Sector.GOVERNMENT),
    ("Ministry of Social Protection ({country})", Organisation.Type.GOVERNMENT, Sector.GOVERNMENT),
    ("Communications Regulatory Authority ({country})", Organisation.Type.REGULATOR, Sector.REGULATOR),
    ("{short} Fibre Networks", Organisation.Type.COMPANY, Sector.INDUSTRY_ISP),
    ("{short} Telecom Broadband", Organisation.Type.COMPANY, Sector.INDUSTRY_ISP),
    ("{short} Cloud Hosting", Organisation.Type.COMPANY, Sector.INDUSTRY_HOSTING),
    ("{short}Mobile", Organisation.Type.COMPANY, Sector.INDUSTRY_MOBILE),
    ("{short} Marketplace Online", Organisation.Type.COMPANY, Sector.INDUSTRY_PLATFORM),
    ("{country} Child Rights Coalition", Organisation.Type.NGO, Sector.NGO),
    ("UN Children's Agency Country Office ({country})", Organisation.Type.INTERNATIONAL_ORG, Sector.INTERNATIONAL_ORG),
    ("{country} University Cyber Research Lab", Organisation.Type.ACADEMIA, Sector.ACADEMIA),
]
CONTACT_NAMES = [
    "Abena Owusu",
    "Binod Thapa",
    "Awa Ndiaye",
    "Dilani Perera",
    "Rami Haddad",
    "Lucía Benítez",
    "Youssef Amrani",
    "Hanna Tesfaye",
    "Marisol Cifuentes",
    "Javier Mamani",
    "Efua Mensah",
    "Sita Gurung",
    "Moussa Diop",
    "Nuwan Silva",
    "Layla Nasser",
    "Carmen Ortiz",
    "Salma Benali",
    "Dawit Bekele",
    "Rosa Ajú",
    "Pedro Quispe",
]
INTERACTIONS = [
    (Interaction.Kind.CALL, "Introductory call with the association"),
    (Interaction.Kind.MEETING, "Meeting with the host's board"),
    (Interaction.Kind.SEMINAR, "Awareness seminar on reporting mechanisms"),
    (Interaction.Kind.VISIT, "Site visit to the host organisation"),
    (Interaction.Kind.CALL, "Follow-up call on the legal framework"),
    (Interaction.Kind.WORKSHOP, "Workshop on notice-and-takedown procedures"),
    (Interaction.Kind.MEETING, "Meeting with the ministry's child-protection unit"),
    (Interaction.Kind.EMAIL, "Exchange on the draft budget"),
]
ACTIONS = [
    "Share the draft MoU with the police cybercrime unit",
    "Circulate the roundtable minutes to all participants",
    "Ministry to name a focal point for the hotline",
    "ISPs to review the notice-and-takedown template",
    "Host to draft the first-year budget",
    "Regulator to confirm the legal basis for takedown notices",
    "Identify two analyst candidates for core training",
]


def seed(ctx: DemoContext) -> None:
    staff = ctx.users.get("staff")
    plans = _place(PLANS)
    countries = Country.objects.in_bulk([p.country for p in plans])
    stakeholders, contacts = _stakeholders(ctx, plans, countries)

    hosts = Organisation.objects.bulk_create(
        [Organisation(name=p.host, type=Organisation.Type.NGO, country=countries[p.country]) for p in plans]
    )
    now = timezone.now()
    hotlines: list[Hotline] = []
    histories: dict[str, list[tuple[str, str, datetime]]] = {}
    for plan, host in zip(plans, hosts, strict=True):
        history = _candidate_history(ctx, plan)
        histories[plan.country] = history
        hotlines.append(
            Hotline(
                brand_name=plan.brand,
                host_organisation=host,
                country=countries[plan.country],
                description=f"{plan.brand} is preparing to become {countries[plan.country].name}'s reporting point.",
                stage=plan.stage,
                stage_entered_at=history[-1][2],
                paused_stage=plan.paused,
                lead_staff=staff,
            )
        )
    Hotline.objects.bulk_create(hotlines)
    Hotline.countries_served.through.objects.bulk_create(
        [Hotline.countries_served.through(hotline_id=h.pk, country_id=h.country_id) for h in hotlines]
    )

    changes: list[StageChange] = []
    profiles: list[CandidateProfile] = []
    for plan, hotline in zip(plans, hotlines, strict=True):
        history = histories[plan.country]
        first = history[0][2]
        for source, target, at in history:
            changes.append(_change(hotline, source, target, at, staff))
        confirmed = _after(history, Stage.EXPLORING)
        profiles.append(
            CandidateProfile(
                hotline=hotline,
                identified_on=timezone.localdate(first),
                source=ctx.rng.choice(list(CandidateProfile.Source.values)),
                host_confirmed_on=timezone.localdate(confirmed) - timedelta(days=3) if confirmed else None,
                target_membership_on=timezone.localdate(first) + timedelta(days=400)
                if plan.stage in Hotline.CANDIDATE_STAGES
                else None,
                notes="",
            )
        )
    StageChange.objects.bulk_create(changes)
    CandidateProfile.objects.bulk_create(profiles)

    _interactions(ctx, plans, hotlines, histories, stakeholders, staff)
    _assessments(ctx, plans, histories, countries, staff)
    roundtables = _roundtables(ctx, plans, hotlines, histories, stakeholders, contacts, staff)
    agreements = _agreements(ctx, plans, hotlines, histories, stakeholders, hosts)
    _alternatives(ctx, plans, hotlines, histories, staff, ctx.users.get("admin"))
    _analysts(ctx, plans, hotlines)
    members = _member_histories(ctx, staff, now)

    if "candidate" in ctx.users or "candidate2" in ctx.users:
        from accounts.services import affiliation_set

        by_user = {p.user: h for p, h in zip(plans, hotlines, strict=True) if p.user}
        for key in ("candidate", "candidate2"):
            if key in ctx.users:
                affiliation_set(user=ctx.users[key], target=by_user[key].host_organisation, acting_user=None)

    dataversion.bump()
    ctx.objects.update(candidate_hotlines=hotlines, roundtables=roundtables, agreements=agreements)
    ctx.log(
        f"{len(hotlines)} candidates, {len(changes) + members} stage changes "
        f"({members} for member hotlines), {len(roundtables)} roundtables, {len(agreements)} agreements"
    )


# -- Candidates -------------------------------------------------------------------------------
def _place(plans: list[Plan]) -> list[Plan]:
    """Keep each plan's country unless a hotline exists there; then take the next free fallback."""
    taken = set(Hotline.objects.values_list("country_id", flat=True))
    fallbacks = [c for c in FALLBACK_COUNTRIES if c not in taken]
    placed = []
    for plan in plans:
        if plan.country in taken or any(p.country == plan.country for p in placed):
            country = fallbacks.pop(0)
            name = Country.objects.get(pk=country).name
            plan = Plan(
                country,
                f"SafeNet {name}",
                f"{name} Coalition for Child Online Safety",
                plan.stage,
                plan.days_in_stage,
                plan.paused,
                plan.user,
            )
        placed.append(plan)
    return placed


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _candidate_history(ctx: DemoContext, plan: Plan) -> list[tuple[str, str, datetime]]:
    """(from, to, when) moves from first contact to the plan's stage; the last one `days_in_stage` ago."""
    if plan.stage == Stage.ON_HOLD:
        path = [*TRACK[: TRACK.index(plan.paused) + 1], Stage.ON_HOLD]
    elif plan.stage == Stage.NOT_FEASIBLE:
        path = [*TRACK[: TRACK.index(Stage.FEASIBILITY_REVIEW) + 1], Stage.NOT_FEASIBLE]
    else:
        path = TRACK[: TRACK.index(plan.stage) + 1]
    when = ctx.today - timedelta(days=plan.days_in_stage)
    moments = [when]
    for stage in reversed(path[:-1]):
        target = workflow.target_days(stage) or 30
        when -= timedelta(days=max(3, round(target * ctx.rng.uniform(0.6, 1.4))))
        moments.append(when)
    moments.reverse()
    moves = [("", path[0], _at(moments[0], 9))]
    moves += [(path[i - 1], path[i], _at(moments[i], 10 + i % 6)) for i in range(1, len(path))]
    return moves


def _after(history: list[tuple[str, str, datetime]], stage: str) -> datetime | None:
    return next((at for _source, target, at in history if target == stage), None)


REASONS = {
    Stage.IDENTIFIED: "Candidate identified through the network-expansion programme.",
    Stage.EXPLORING: "Host confirmed and first meeting held.",
    Stage.FEASIBILITY_REVIEW: "Enough contacts to assess feasibility.",
    Stage.STAKEHOLDER_ENGAGEMENT: "Country assessment favourable; host due diligence accepted.",
    Stage.OPERATIONAL_PREPARATION: "Roundtable brought police, ministry and industry together; MoU and funding ready.",
    Stage.APPLICATION_SUBMITTED: "Application received with the checklist complete.",
    Stage.UNDER_ASSESSMENT: "Reviewers assigned, no conflicts declared.",
    Stage.DECISION_PENDING: "Assessment report recommends admission.",
    Stage.PROVISIONAL_MEMBER: "General assembly admitted the hotline as a provisional member.",
    Stage.FULL_MEMBER: "Quality-assurance review passed; analysts trained.",
    Stage.ON_HOLD: "National elections: ministry contacts unavailable until the new government is formed.",
    Stage.NOT_FEASIBLE: "No legal basis for notice and takedown and no host able to operate safely at present.",
    Stage.SUSPENDED: "Quality-assurance review found serious gaps; suspended pending corrective actions.",
    Stage.CEASED: "Host organisation closed the hotline for lack of funding.",
}


def _change(hotline: Hotline, source: str, target: str, at: datetime, staff: Any) -> StageChange:
    transition = next((t.name for t in workflow.transitions_from(source) if t.target == target), "") if source else ""
    review = None
    if target in (Stage.ON_HOLD, Stage.SUSPENDED):
        review = max(timezone.localdate(at) + timedelta(days=120), timezone.localdate() + timedelta(days=20))
    return StageChange(
        hotline=hotline,
        transition=transition,
        from_stage=source,
        to_stage=target,
        reason=REASONS[target],
        review_date=review,
        changed_by=staff,
        changed_at=at,
    )


def _stakeholders(
    ctx: DemoContext, plans: list[Plan], countries: dict[str, Country]
) -> tuple[dict[str, list[tuple[Organisation, str]]], dict[int, Contact]]:
    organisations: list[Organisation] = []
    sectors: list[str] = []
    for plan in plans:
        country = countries[plan.country]
        short = PREFIXES.get(plan.country, country.name.split(",")[0].split(" ")[0])
        for pattern, kind, sector in STAKEHOLDERS:
            organisations.append(
                Organisation(name=pattern.format(country=country.name, short=short), type=kind, country=country)
            )
            sectors.append(sector)
    Organisation.objects.bulk_create(organisations)
    by_country: dict[str, list[tuple[Organisation, str]]] = {}
    for organisation, sector in zip(organisations, sectors, strict=True):
        by_country.setdefault(organisation.country_id, []).append((organisation, sector))
    retain = ctx.today + timedelta(days=3 * 365)
    contacts = Contact.objects.bulk_create(
        [
            Contact(
                organisation=organisation,
                name=CONTACT_NAMES[index % len(CONTACT_NAMES)],
                role="Focal point",
                sector=sector,
                email=f"focal.point{index}@stakeholder{index}.example.org",
                lawful_basis=Contact.LawfulBasis.LEGITIMATE_INTEREST,
                retain_until=retain,
            )
            for index, (organisation, sector) in enumerate(zip(organisations, sectors, strict=True))
            if index % 2 == 0
        ]
    )
    return by_country, {c.organisation_id: c for c in contacts}


def _interactions(ctx, plans, hotlines, histories, stakeholders, staff) -> None:
    rows, links = [], []
    for plan, hotline in zip(plans, hotlines, strict=True):
        history = histories[plan.country]
        start = timezone.localdate(history[0][2])
        span = max(3, (ctx.today - start).days)
        count = min(len(INTERACTIONS), 2 + len(history))
        days = sorted(ctx.rng.sample(range(1, span), k=min(count, span - 1)))
        for (kind, subject), offset in zip(INTERACTIONS, days, strict=False):
            rows.append(
                Interaction(
                    hotline=hotline,
                    kind=kind,
                    occurred_on=start + timedelta(days=offset),
                    subject=subject,
                    summary=f"{subject} with {hotline.host_organisation.name}; notes filed by the lead staff member.",
                    recorded_by=staff,
                )
            )
            # The first interaction (the call that confirmed the host) precedes "exploring".
        confirmed = _after(history, Stage.EXPLORING)
        if confirmed:
            rows.append(
                Interaction(
                    hotline=hotline,
                    kind=Interaction.Kind.MEETING,
                    occurred_on=timezone.localdate(confirmed) - timedelta(days=2),
                    subject="First meeting with the host organisation",
                    summary="Presented the network, the lifecycle and what a hotline needs.",
                    recorded_by=staff,
                )
            )
    Interaction.objects.bulk_create(rows)
    for row in rows:
        organisations = stakeholders[row.hotline.country_id]
        if row.kind in (Interaction.Kind.SEMINAR, Interaction.Kind.WORKSHOP, Interaction.Kind.MEETING):
            for organisation, _sector in ctx.rng.sample(organisations, k=2):
                links.append(Interaction.organisations.through(interaction_id=row.pk, organisation_id=organisation.pk))
    Interaction.organisations.through.objects.bulk_create(links)


def _assessments(ctx, plans, histories, countries, staff) -> None:
    rows = []
    for plan in plans:
        reviewed = _after(histories[plan.country], Stage.FEASIBILITY_REVIEW)
        if reviewed is None:
            continue
        scores = {name: ctx.rng.randint(2, 5) for name, _label, _help in CountryAssessment.CRITERIA}
        unfeasible = plan.stage == Stage.NOT_FEASIBLE
        if unfeasible:
            scores.update(legal_framework_score=1, host_candidates_score=1)
        rows.append(
            CountryAssessment(
                country=countries[plan.country],
                assessed_on=timezone.localdate(reviewed) + timedelta(days=10),
                assessed_by=staff,
                overall_rating=CountryAssessment.Rating.UNFAVOURABLE
                if unfeasible
                else ctx.rng.choice([CountryAssessment.Rating.FAVOURABLE, CountryAssessment.Rating.CONDITIONAL]),
                on_target_list=not unfeasible,
                summary=f"Desk review and interviews in {countries[plan.country].name}.",
                **scores,
            )
        )
    CountryAssessment.objects.bulk_create(rows)


def _roundtables(ctx, plans, hotlines, histories, stakeholders, contacts, staff) -> list[Roundtable]:
    """Roundtables from stakeholder engagement on; the later stages' first one brought all key sectors."""
    roundtables: list[Roundtable] = []
    meta: list[tuple[Plan, bool]] = []
    for plan, hotline in zip(plans, hotlines, strict=True):
        engaged = _after(histories[plan.country], Stage.STAKEHOLDER_ENGAGEMENT)
        if engaged is None:
            continue
        past_engagement = plan.stage != Stage.STAKEHOLDER_ENGAGEMENT
        city = hotline.country.name
        held_days = [timezone.localdate(engaged) + timedelta(days=40)]
        if past_engagement or plan.days_in_stage > 120:
            held_days.append(timezone.localdate(engaged) + timedelta(days=110))
        for number, day in enumerate(held_days, start=1):
            day = min(day, ctx.today - timedelta(days=5))
            roundtables.append(
                Roundtable(
                    code=f"RT-{plan.country}-{day:%Y-%m-%d}",
                    title=f"National roundtable {number} on a reporting hotline for {city}",
                    country=hotline.country,
                    hotline=hotline,
                    status=Roundtable.Status.HELD,
                    starts_at=_at(day, 9),
                    ends_at=_at(day, 13),
                    format=Roundtable.Format.IN_PERSON if number == 1 else Roundtable.Format.HYBRID,
                    venue=f"{city} Conference Centre",
                    agenda="1. The hotline model\n2. Roles of police, ministries and industry\n"
                    "3. Notice and takedown\n4. Next steps",
                    outcomes="Participants endorsed setting up the hotline and named focal points."
                    if number == 1
                    else "Draft MoU and notice-and-takedown template discussed; funding options reviewed.",
                )
            )
            meta.append((plan, past_engagement or number == 2))
        if plan.stage in (Stage.STAKEHOLDER_ENGAGEMENT, Stage.OPERATIONAL_PREPARATION):
            day = ctx.today + timedelta(days=ctx.rng.randint(12, 40))
            roundtables.append(
                Roundtable(
                    code=f"RT-{plan.country}-{day:%Y-%m-%d}",
                    title=f"Follow-up roundtable: operating the {hotline.brand_name} hotline",
                    country=hotline.country,
                    hotline=hotline,
                    status=Roundtable.Status.PLANNED,
                    starts_at=_at(day, 9),
                    ends_at=_at(day, 12),
                    format=Roundtable.Format.ONLINE,
                    venue="Video conference (link sent with the invitation)",
                    agenda="1. Progress since the last roundtable\n2. Training plan\n3. Launch communication",
                )
            )
            meta.append((plan, False))
    Roundtable.objects.bulk_create(roundtables)

    participants, items = [], []
    for roundtable, (plan, complete) in zip(roundtables, meta, strict=True):
        invited = stakeholders[plan.country]
        held = roundtable.status == Roundtable.Status.HELD
        for index, (organisation, sector) in enumerate(invited):
            if not complete and held and sector.startswith("industry") and index % 2:
                continue
            attended = held and (complete or not sector.startswith("industry")) and ctx.rng.random() < 0.9
            if complete and sector in (Sector.LAW_ENFORCEMENT, Sector.GOVERNMENT, Sector.INDUSTRY_ISP):
                attended = True
            participants.append(
                RoundtableParticipant(
                    roundtable=roundtable,
                    organisation=organisation,
                    contact=contacts.get(organisation.pk),
                    sector=sector,
                    status=RoundtableParticipant.Status.ATTENDED
                    if attended
                    else RoundtableParticipant.Status.ABSENT
                    if held
                    else RoundtableParticipant.Status.INVITED,
                    committed=attended
                    and sector in (Sector.LAW_ENFORCEMENT, Sector.GOVERNMENT, Sector.NGO)
                    and ctx.rng.random() < 0.7,
                )
            )
        participants.append(
            RoundtableParticipant(
                roundtable=roundtable,
                organisation=roundtable.hotline.host_organisation,
                sector=Sector.HOST_CANDIDATE,
                status=RoundtableParticipant.Status.ATTENDED if held else RoundtableParticipant.Status.INVITED,
                committed=held,
            )
        )
        if held:
            start = timezone.localdate(roundtable.starts_at)
            for offset, title in zip((-20, 5, 30), ctx.rng.sample(ACTIONS, k=3), strict=True):
                due = max(start + timedelta(days=14), ctx.today + timedelta(days=offset))
                done = due < ctx.today - timedelta(days=10) and ctx.rng.random() < 0.6
                organisation, _sector = ctx.rng.choice(invited)
                items.append(
                    ActionItem(
                        roundtable=roundtable,
                        title=title,
                        owner_user=staff if offset != 30 else None,
                        owner_organisation=organisation,
                        due_on=due,
                        status=ActionItem.Status.DONE if done else ActionItem.Status.OPEN,
                        completed_on=due if done else None,
                    )
                )
    RoundtableParticipant.objects.bulk_create(participants)
    ActionItem.objects.bulk_create(items)
    return roundtables


def _agreements(ctx, plans, hotlines, histories, stakeholders, hosts) -> list[Agreement]:
    """Agreements follow the stage: what operational preparation needed is signed for those past it."""
    rows: list[tuple[Agreement, list[tuple[Organisation, str]]]] = []
    for plan, hotline, host in zip(plans, hotlines, hosts, strict=True):
        engaged = _after(histories[plan.country], Stage.STAKEHOLDER_ENGAGEMENT)
        if engaged is None:
            continue
        prepared = _after(histories[plan.country], Stage.OPERATIONAL_PREPARATION)
        organisations = {sector: org for org, sector in reversed(stakeholders[plan.country])}
        host_party = (host, Sector.HOST_CANDIDATE)

        def add(
            kind: str,
            title: str,
            party: tuple[Organisation, str],
            signed: date | None,
            years: int | None,
            first_year: bool = False,
            *,
            plan: Plan = plan,
            hotline: Hotline = hotline,
            host_party: tuple[Organisation, str] = host_party,
        ) -> None:
            signed = min(signed, ctx.today - timedelta(days=1)) if signed else None
            status = Agreement.Status.SIGNED if signed else Agreement.Status.NEGOTIATING
            rows.append(
                (
                    Agreement(
                        reference=f"AG-{plan.country}-{kind.replace('_', '-').upper()}-1",
                        kind=kind,
                        title=title,
                        country=hotline.country,
                        hotline=hotline,
                        status=status,
                        signed_on=signed,
                        expires_on=add_months(signed, 12 * years) if signed and years else None,
                        covers_first_operating_year=first_year,
                    ),
                    [host_party, party],
                )
            )

        police = (organisations[Sector.LAW_ENFORCEMENT], Sector.LAW_ENFORCEMENT)
        ministry = (organisations[Sector.GOVERNMENT], Sector.GOVERNMENT)
        isp = (organisations[Sector.INDUSTRY_ISP], Sector.INDUSTRY_ISP)
        donor_like = (organisations[Sector.INTERNATIONAL_ORG], Sector.INTERNATIONAL_ORG)
        if prepared is None:
            add(Agreement.Kind.LE_MOU, "Cooperation MoU with the police cybercrime unit", police, None, None)
            add(
                Agreement.Kind.LETTER_OF_SUPPORT,
                "Ministry letter of support",
                ministry,
                timezone.localdate(engaged) + timedelta(days=60),
                None,
            )
            continue
        signed = timezone.localdate(prepared) - timedelta(days=20)
        if plan.country != "ET":  # Ethiopia works with an approved alternative instead of an MoU
            add(Agreement.Kind.LE_MOU, "Cooperation MoU with the police cybercrime unit", police, signed, 3)
        add(Agreement.Kind.LETTER_OF_SUPPORT, "Ministry letter of support", ministry, signed - timedelta(days=30), None)
        add(Agreement.Kind.FUNDING, "First-year operating grant", donor_like, signed - timedelta(days=10), 1, True)
        add(
            Agreement.Kind.NOTICE_AND_TAKEDOWN,
            "Notice-and-takedown arrangement with ISPs",
            isp,
            signed + timedelta(days=15),
            2,
        )
        past_application = TRACK.index(plan.paused or plan.stage) >= TRACK.index(Stage.APPLICATION_SUBMITTED)
        add(
            Agreement.Kind.CODE_OF_PRACTICE,
            "Code of Practice declaration",
            host_party,
            signed + timedelta(days=60) if past_application else None,
            None,
        )
        add(
            Agreement.Kind.DATA_PROCESSING,
            "Data-processing agreement with the association",
            host_party,
            signed + timedelta(days=45),
            None,
        )

    # Member hotlines' MoUs, some expiring within 90 days (the renewal list and its reminders).
    members = list(Hotline.objects.members().select_related("host_organisation", "country").order_by("pk")[:6])
    for index, hotline in enumerate(members):
        police = Organisation(
            name=f"Cybercrime Centre, National Police ({hotline.country.name}) {index + 1}",
            type=Organisation.Type.LAW_ENFORCEMENT,
            country=hotline.country,
        )
        police.save()
        expires = ctx.today + timedelta(days=(20, 45, 80, 200, 400, 700)[index])
        rows.append(
            (
                Agreement(
                    reference=f"AG-{hotline.country_id}-LE-MOU-M{hotline.pk}",
                    kind=Agreement.Kind.LE_MOU,
                    title=f"Law-enforcement MoU of {hotline.brand_name}",
                    country=hotline.country,
                    hotline=hotline,
                    status=Agreement.Status.SIGNED,
                    signed_on=add_months(expires, -36),
                    expires_on=expires,
                ),
                [(hotline.host_organisation, Sector.NGO), (police, Sector.LAW_ENFORCEMENT)],
            )
        )
    agreements = Agreement.objects.bulk_create([a for a, _parties in rows])
    parties = []
    for agreement, (_a, organisations) in zip(agreements, rows, strict=True):
        seen = set()
        for organisation, sector in organisations:
            if organisation.pk not in seen:
                seen.add(organisation.pk)
                parties.append(AgreementParty(agreement=agreement, organisation=organisation, sector=sector))
    AgreementParty.objects.bulk_create(parties)
    return agreements


def _alternatives(ctx, plans, hotlines, histories, staff, approver) -> None:
    for plan, hotline in zip(plans, hotlines, strict=True):
        if plan.country != "ET":
            continue
        prepared = _after(histories[plan.country], Stage.OPERATIONAL_PREPARATION)
        MouAlternative.objects.create(
            hotline=hotline,
            arrangement="Written referral protocol with the federal police's cybercrime directorate, "
            "reviewed every year, with a named liaison officer.",
            why_no_mou="National rules do not allow the police to sign MoUs with non-governmental organisations.",
            status=MouAlternative.Status.APPROVED,
            proposed_by=staff,
            proposed_at=prepared - timedelta(days=40),
            decided_by=approver,
            decided_at=prepared - timedelta(days=30),
            decision_note="Protocol reviewed with the legal adviser; equivalent in practice.",
        )


def _analysts(ctx, plans, hotlines) -> None:
    """Candidates preparing or applying have analysts trained on the association's core course."""
    event = (
        TrainingEvent.objects.filter(course__kind=TrainingCourse.Kind.CORE, ends_on__lt=ctx.today)
        .order_by("-ends_on")
        .first()
    )
    analysts, places = [], []
    for plan, hotline in zip(plans, hotlines, strict=True):
        stage = plan.paused or plan.stage
        if stage not in TRACK or TRACK.index(stage) < TRACK.index(Stage.OPERATIONAL_PREPARATION):
            continue
        for number in (1, 2):
            analysts.append(
                Analyst(hotline=hotline, code=f"{plan.country}-A{number}", started_on=ctx.today - timedelta(days=200))
            )
    Analyst.objects.bulk_create(analysts)
    if event is not None:
        places = [
            TrainingParticipation(event=event, analyst=a, status=TrainingParticipation.Status.COMPLETED)
            for a in analysts
        ]
        TrainingParticipation.objects.bulk_create(places)


# -- Member hotlines --------------------------------------------------------------------------
def _member_histories(ctx: DemoContext, staff: Any, now: datetime) -> int:
    """A full stage history for every member, ending at its joining and full-membership dates;
    then one member suspended and one ceased."""
    members = list(
        Hotline.objects.members().order_by("pk").only("pk", "stage", "stage_entered_at", "joined_on", "full_member_on")
    )
    changes: list[StageChange] = []
    path_to_member = TRACK[: TRACK.index(Stage.PROVISIONAL_MEMBER) + 1]
    for hotline in members:
        joined = hotline.joined_on or timezone.localdate(hotline.stage_entered_at)
        moments = [joined]
        when = joined
        for stage in reversed(path_to_member[:-1]):
            if stage == Stage.CHANGES_REQUESTED:
                continue
            when -= timedelta(days=max(5, round((workflow.target_days(stage) or 30) * ctx.rng.uniform(0.7, 1.5))))
            moments.append(when)
        moments.reverse()
        stages = [s for s in path_to_member if s != Stage.CHANGES_REQUESTED]
        moves = [("", stages[0], _at(moments[0], 9))]
        moves += [(stages[i - 1], stages[i], _at(moments[i], 10 + i % 6)) for i in range(1, len(stages))]
        if hotline.stage == Stage.FULL_MEMBER:
            full = hotline.full_member_on or timezone.localdate(hotline.stage_entered_at)
            moves.append((Stage.PROVISIONAL_MEMBER, Stage.FULL_MEMBER, _at(full, 15)))
        # The registry's "in this stage since" is the last move.
        last = moves[-1]
        moves[-1] = (last[0], last[1], hotline.stage_entered_at)
        if len(moves) > 1 and moves[-2][2] >= moves[-1][2]:
            moves[-2] = (moves[-2][0], moves[-2][1], moves[-1][2] - timedelta(hours=1))
        changes += [_change(hotline, s, t, at, staff) for s, t, at in moves]

    # One suspended, one ceased: full members that joined early (not the demo member user's).
    protected = {ctx.objects["member_hotline"].pk} if ctx.objects.get("member_hotline") else set()
    settled = _at(ctx.today - timedelta(days=500))
    candidates = [
        h for h in members if h.stage == Stage.FULL_MEMBER and h.pk not in protected and h.stage_entered_at < settled
    ]
    ends: list[Hotline] = []
    if len(candidates) >= 2:
        suspended, ceased = candidates[len(candidates) // 3], candidates[len(candidates) // 2]
        suspended_at = _at(ctx.today - timedelta(days=40), 11)
        changes.append(_change(suspended, Stage.FULL_MEMBER, Stage.SUSPENDED, suspended_at, staff))
        suspended.stage, suspended.paused_stage, suspended.stage_entered_at = (
            Stage.SUSPENDED,
            Stage.FULL_MEMBER,
            suspended_at,
        )
        first_at = _at(ctx.today - timedelta(days=400), 11)
        ceased_at = _at(ctx.today - timedelta(days=220), 11)
        changes.append(_change(ceased, Stage.FULL_MEMBER, Stage.SUSPENDED, first_at, staff))
        changes.append(_change(ceased, Stage.SUSPENDED, Stage.CEASED, ceased_at, staff))
        ceased.stage, ceased.paused_stage, ceased.stage_entered_at = Stage.CEASED, "", ceased_at
        ends = [suspended, ceased]
    StageChange.objects.bulk_create(changes, batch_size=2000)
    if ends:
        Hotline.objects.bulk_update(ends, ["stage", "paused_stage", "stage_entered_at"])
    return len(changes)
