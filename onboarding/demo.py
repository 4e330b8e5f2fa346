"""Demo onboarding: candidates in real countries without a hotline, with their whole story so far.

Ten prospective hotlines (fictional host organisations) spread over the lifecycle: identified,
exploring, feasibility review, two in stakeholder engagement, operational preparation,
application submitted, under assessment, one on hold and one found not feasible. Each has a
stage history at plausible intervals around the phase targets, a contact log, and from
stakeholder engagement on: a country assessment, roundtables with realistic sector mixes
(attendance, commitments, action items, some due soon or overdue), agreements and one
approved alternative to a law-enforcement MoU. Every member hotline of the registry gets a full
history back to its first contact, derived from its joining and full-membership dates, with the two
roundtables of its stakeholder engagement (so roundtables grow with `--scale`); one member is
suspended and one has ceased. Every stage change also has its audit entry, as the
transition service writes it, so hotlines' history pages show it. The `candidate` and
`candidate2` demo users belong to two different candidates.

The dossiers: each candidate has a checklist on the published template, in states that follow its
stage (what the stages behind it needed is accepted, what it works towards is in every state,
later items mostly not started), with small generated PDF documents as evidence (one expired, one
expiring within a month), a few comment threads shared with the candidate and each item's history.
The `reviewer` demo user is assigned to three candidates' dossiers (conflicts declared), to a fourth
where the declaration is awaited, and to the two member dossiers below.
The candidate under assessment has an assessment in progress; the newest provisional member has a
completed pre-membership assessment and the membership decision that admitted it; the `member`
demo user's hotline has a completed quality-assurance review with open corrective actions.

The dossiers go through the services, so the demo obeys the rules users do, each step by the
person who takes it on the day the history gives it (`now=`), in the order it happened: staff start
each checklist on the candidate's first day (`checklist_create`); the candidate's demo user (else
network staff) answers (`item_save_answer`), uploads the evidence (`evidence_upload`, which may
support a second item) and submits (`item_submit`); staff assign the reviewer, who declares no
conflict (`reviewer_assign`, `reviewer_declare`) and from then on reviews that dossier
(`item_accept`, `item_request_changes`, whose comment opens the item's shared thread, answered with
`item_comment`); before that, and elsewhere, a staff member who did not submit the item reviews it.
Staff waive Safe Click Maroc's 13.2 and the admin approves the waiver (`item_waive`,
`item_approve_waiver`); the daily step expires SafeNet Ghana's 12.3 evidence the day after its
validity ended (`evidence_expire_due`). Each step writes its history and its audit entry (dated on
its day), and the notifications it sent are in the outbox as sent then. The three assessments go the
same way: staff plan them (`assessment_create`), the assigned reviewer records the findings
(`assessment_record_findings`) and the corrective actions (`corrective_action_create`) and completes the
report (`assessment_complete_report`); the hotline's user (else staff) reports an action done
(`corrective_action_complete`) and the reviewer verifies it or sends it back (`corrective_action_verify`).

Written directly (mostly with `bulk_create`), as history: stage histories (the services would move the
hotlines again, and members' histories run to thousands of back-dated rows at scale), the decision that
admitted the newest provisional member (recorded with its history), the earlier quality-assurance
reviews of other members, contact logs, roundtables and agreements; the alternative to an MoU goes
through its services.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone
from django.utils.text import slugify

from core import dataversion
from core.seeding import Clock, DemoContext, acting_at
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
from onboarding import checklist_rules as rules
from onboarding import demo_board, demo_colleagues, workflow
from onboarding.demo_membership import seed_member_cycle
from onboarding.demo_portal import seed_portal_edges
from onboarding.demo_reviews import seed_reviews
from onboarding.demo_selfassessment import seed_self_assessments
from onboarding.models import (
    ActionItem,
    Agreement,
    AgreementParty,
    Assessment,
    CandidateProfile,
    Checklist,
    ChecklistItem,
    ChecklistTemplate,
    CommentVisibility,
    CorrectiveAction,
    CountryAssessment,
    Decision,
    EvidenceDocument,
    Finding,
    Interaction,
    ItemComment,
    ReviewerAssignment,
    Roundtable,
    RoundtableParticipant,
    StageChange,
)
from onboarding.services import engagement as engagement_services

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
    _stage_change_log_entries(changes)
    CandidateProfile.objects.bulk_create(profiles)

    _interactions(ctx, plans, hotlines, histories, stakeholders, staff)
    _assessments(ctx, plans, histories, countries, staff)
    roundtables = _roundtables(ctx, plans, hotlines, histories, stakeholders, contacts, staff)
    agreements = _agreements(ctx, plans, hotlines, histories, stakeholders, hosts)
    _alternatives(ctx, plans, hotlines, histories, staff, ctx.users.get("admin"))
    _analysts(ctx, plans, hotlines)
    members, engagements = _member_histories(ctx, staff, now)
    _member_roundtables(ctx, engagements)

    if "candidate" in ctx.users or "candidate2" in ctx.users:
        from accounts.services import affiliation_set

        by_user = {p.user: h for p, h in zip(plans, hotlines, strict=True) if p.user}
        for key in ("candidate", "candidate2"):
            if key in ctx.users:
                affiliation_set(user=ctx.users[key], target=by_user[key].host_organisation, acting_user=None)

    dossiers = _dossiers(ctx, plans, hotlines, histories, staff)
    demo_colleagues.seed(ctx)
    seed_reviews(ctx)
    demo_board.seed(ctx)
    seed_portal_edges(ctx)
    seed_member_cycle(ctx, staff)
    seed_self_assessments(ctx, staff)

    dataversion.bump()
    ctx.objects.update(candidate_hotlines=hotlines, roundtables=roundtables, agreements=agreements)
    ctx.log(
        f"{len(hotlines)} candidates, {len(changes) + members} stage changes "
        f"({members} for member hotlines), {len(roundtables)} roundtables, {len(agreements)} agreements"
    )
    ctx.log(dossiers)


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
    """Proposed by one staff member and approved by another, through the services (audited)."""
    for plan, hotline in zip(plans, hotlines, strict=True):
        if plan.country != "ET":
            continue
        prepared = _after(histories[plan.country], Stage.OPERATIONAL_PREPARATION)
        alternative = engagement_services.mou_alternative_propose(
            hotline=hotline,
            arrangement="Written referral protocol with the federal police's cybercrime directorate, "
            "reviewed every year, with a named liaison officer.",
            why_no_mou="National rules do not allow the police to sign MoUs with non-governmental organisations.",
            upload=None,
            acting_user=staff,
            now=prepared - timedelta(days=40),
        )
        if approver is None:  # no second staff member to decide: it waits for one
            continue
        engagement_services.mou_alternative_decide(
            alternative=alternative,
            approve=True,
            note="Protocol reviewed with the legal adviser; equivalent in practice.",
            acting_user=approver,
            now=prepared - timedelta(days=30),
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
def _member_histories(ctx: DemoContext, staff: Any, now: datetime) -> tuple[int, list[tuple[Hotline, date, date]]]:
    """A full stage history for every member, ending at its joining and full-membership dates;
    then one member suspended and one ceased. Returns the number of stage changes and, per member,
    when its stakeholder engagement began and ended (for `_member_roundtables`)."""
    members = list(
        Hotline.objects.members()
        .order_by("pk")
        .only(
            "pk",
            "brand_name",
            "stage",
            "stage_entered_at",
            "joined_on",
            "full_member_on",
            "country_id",
            "host_organisation_id",
        )
    )
    changes: list[StageChange] = []
    engagements: list[tuple[Hotline, date, date]] = []
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
        engaged = stages.index(Stage.STAKEHOLDER_ENGAGEMENT)
        engagements.append((hotline, moments[engaged], moments[engaged + 1]))
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
    _stage_change_log_entries(changes)
    if ends:
        Hotline.objects.bulk_update(ends, ["stage", "paused_stage", "stage_entered_at"])
    return len(changes), engagements


# The sectors a member's roundtables brought together, with a fictional organisation per country.
MEMBER_STAKEHOLDERS = [
    ("National Police Cybercrime Unit ({country})", Organisation.Type.LAW_ENFORCEMENT, Sector.LAW_ENFORCEMENT),
    ("Ministry of Digital Affairs ({country})", Organisation.Type.GOVERNMENT, Sector.GOVERNMENT),
    ("{country} Internet Providers Association", Organisation.Type.INDUSTRY_ASSOCIATION, Sector.INDUSTRY_ISP),
    ("{country} Hosting and Cloud Forum", Organisation.Type.INDUSTRY_ASSOCIATION, Sector.INDUSTRY_HOSTING),
    ("{country} Children's Rights Network", Organisation.Type.NGO, Sector.NGO),
]


def _member_roundtables(ctx: DemoContext, engagements: list[tuple[Hotline, date, date]]) -> None:
    """Every member went through stakeholder engagement: two roundtables held then (the second with
    law enforcement, government and industry all attending, as operational preparation needs), with
    fictional stakeholder organisations of the member's country. So the roundtable records grow with
    the network, as they would (`--scale`)."""
    countries = {hotline.country_id for hotline, _engaged, _prepared in engagements}
    names = dict(Country.objects.filter(code__in=countries).values_list("code", "name"))
    wanted = {
        pattern.format(country=names[code]): (code, kind, sector)
        for code in sorted(countries)
        for pattern, kind, sector in MEMBER_STAKEHOLDERS
    }
    found = {organisation.name: organisation for organisation in Organisation.objects.filter(name__in=wanted)}
    created = Organisation.objects.bulk_create(
        [
            Organisation(name=name, type=kind, country_id=code)
            for name, (code, kind, _s) in wanted.items()
            if name not in found
        ],
        batch_size=2000,
    )
    found.update({organisation.name: organisation for organisation in created})
    organisations: dict[str, list[tuple[Organisation, str]]] = {}
    for name, (code, _kind, sector) in wanted.items():
        organisations.setdefault(code, []).append((found[name], sector))
    roundtables: list[tuple[Roundtable, Hotline, bool]] = []
    for hotline, engaged, prepared in engagements:
        latest = min(prepared, ctx.today) - timedelta(days=2)
        days = [min(engaged + timedelta(days=40), latest), min(engaged + timedelta(days=110), latest)]
        for number, day in enumerate(dict.fromkeys(days), start=1):
            roundtables.append(
                (
                    Roundtable(
                        code=f"RT-{hotline.country_id}-{day:%Y-%m-%d}-{hotline.pk}",
                        title=f"National roundtable {number} on the {hotline.brand_name} hotline",
                        country_id=hotline.country_id,
                        hotline=hotline,
                        status=Roundtable.Status.HELD,
                        starts_at=_at(day, 9),
                        ends_at=_at(day, 13),
                        format=Roundtable.Format.IN_PERSON,
                        venue=f"{names[hotline.country_id]} Conference Centre",
                        outcomes="Participants endorsed the hotline and named focal points.",
                    ),
                    hotline,
                    number > 1 or len(set(days)) == 1,
                )
            )
    Roundtable.objects.bulk_create([roundtable for roundtable, _hotline, _complete in roundtables], batch_size=2000)
    participants: list[RoundtableParticipant] = []
    for roundtable, hotline, complete in roundtables:
        participants.append(
            RoundtableParticipant(
                roundtable=roundtable,
                organisation_id=hotline.host_organisation_id,
                sector=Sector.HOST_CANDIDATE,
                status=RoundtableParticipant.Status.ATTENDED,
                committed=True,
            )
        )
        for organisation, sector in organisations[hotline.country_id]:
            if organisation.pk == hotline.host_organisation_id:  # the host may be, say, the providers' association
                continue
            key = sector in (Sector.LAW_ENFORCEMENT, Sector.GOVERNMENT, Sector.INDUSTRY_ISP)
            attended = (complete and key) or ctx.rng.random() < 0.75
            participants.append(
                RoundtableParticipant(
                    roundtable=roundtable,
                    organisation=organisation,
                    sector=sector,
                    status=RoundtableParticipant.Status.ATTENDED if attended else RoundtableParticipant.Status.ABSENT,
                    committed=attended and key and complete,
                )
            )
    RoundtableParticipant.objects.bulk_create(participants, batch_size=2000)
    ctx.log(f"{len(roundtables)} roundtables held by member hotlines during their stakeholder engagement")


# -- Audit entries ----------------------------------------------------------------------------
def _stage_change_log_entries(changes: list[StageChange]) -> None:
    """The audit entry `hotline_transition` writes for each move, so history pages show the demo's too."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ModelLogEntry

    hotline_type = ContentType.objects.get_for_model(Hotline)
    ModelLogEntry.objects.bulk_create(
        [
            ModelLogEntry(
                content_type=hotline_type,
                object_id=str(change.hotline_id),
                label=change.hotline.brand_name,
                action="onboarding.stage_change",
                timestamp=change.changed_at,
                user=change.changed_by,
                data={
                    "transition": change.transition,
                    "from": change.from_stage,
                    "to": change.to_stage,
                    "reason": change.reason,
                    "review_date": change.review_date.isoformat() if change.review_date else None,
                },
            )
            for change in changes
            if change.from_stage  # the first entry is the candidate's creation, not a transition
        ],
        batch_size=2000,
    )


# -- Dossiers ---------------------------------------------------------------------------------
COMMENTS = [
    (
        "The document covers intake and assessment, but not what happens when a provider does not remove "
        "the content. Please add the follow-up step.",
        "Thank you, we have added the escalation to the police liaison after 72 hours. New version attached.",
    ),
    (
        "The contract with the counsellor is signed by the previous director; is it still in force?",
        "Yes, it was renewed in January. We attached the renewal letter as well.",
    ),
    (
        "Could you say who keeps the list of hosting providers' abuse contacts up to date?",
        "",
    ),
]
# What a reviewer asks for when sending an item back (beyond the threads above).
REQUESTS = [
    "Please upload the version your board adopted; this one is marked as a draft.",
    "The document is not signed: please upload the signed copy.",
    "Please say who in the team is responsible for this and attach the written procedure.",
    "The document dates from before the host's reorganisation: is it still in force? Please confirm or update it.",
]
WAIVER = "The ministry runs the national awareness campaign; the hotline contributes to it."
STATE_MIX = (
    (rules.ACCEPTED, 0.35),
    (rules.SUBMITTED, 0.2),
    (rules.CHANGES_REQUESTED, 0.1),
    (rules.IN_PROGRESS, 0.2),
    (rules.NOT_STARTED, 0.15),
)


def _demo_pdf(title: str, hotline: str, day: date) -> bytes:
    """A one-page PDF standing for a candidate's document (clearly fictional)."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    page.setTitle(title)
    page.setFont("Helvetica-Bold", 16)
    page.drawString(72, 760, title)
    page.setFont("Helvetica", 11)
    page.drawString(72, 730, hotline)
    page.drawString(72, 712, f"Dated {day.isoformat()}")
    page.drawString(72, 680, "Fictional document generated for the toolkit's demonstration data.")
    page.showPage()
    page.save()
    return buffer.getvalue()


def _where(plan: Plan) -> int:
    """How far along the track the candidate got (its paused stage when on hold)."""
    stage = plan.paused or plan.stage
    if stage == Stage.NOT_FEASIBLE:
        stage = Stage.FEASIBILITY_REVIEW
    return TRACK.index(stage)


def _item_state(ctx: DemoContext, plan: Plan, gates: str) -> str:
    where, gated = _where(plan), TRACK.index(gates)
    if where >= gated:
        return rules.ACCEPTED  # the candidate entered that stage: what it needed was done
    work = TRACK.index(rules.WORK_STAGE[gates])
    if where == work or (where > work and where < gated):
        roll, total = ctx.rng.random(), 0.0
        for state, share in STATE_MIX:
            total += share
            if roll < total:
                return state
        return rules.NOT_STARTED
    if where == work - 1 and ctx.rng.random() < 0.25:
        return rules.IN_PROGRESS  # starting early on what comes next
    return rules.NOT_STARTED


# One dated step of the dossiers' history: (when, what), run in order of `when`.
type Step = tuple[datetime, Callable[[], Any]]


@dataclass
class _Story:
    """What one checklist item goes through, by whom and when (the services check each step)."""

    plan: Plan
    item: ChecklistItem
    state: str  # where it ends up
    submitter: Any
    edited: datetime
    submitted: datetime
    reviewed: datetime
    uploaded: datetime | None = None  # when its document was uploaded (None: no document)
    expires_on: date | None = None
    shares_with: tuple[ChecklistItem, ...] = ()  # items its document may support too
    request: str = ""  # the reviewer's request for changes
    answer: str = ""  # the candidate's answer to it in the item's thread


def _dossiers(ctx: DemoContext, plans: list[Plan], hotlines: list[Hotline], histories: dict, staff: Any) -> str:
    """Checklists, evidence, comments, reviewers, assessments and decisions (see the module docstring),
    each step through its service, by the person who takes it, on its day."""
    from onboarding.services import checklists as checklist_services

    template = ChecklistTemplate.objects.current(ChecklistTemplate.Purpose.ONBOARDING)
    reviewer = ctx.users.get("reviewer")
    if template is None or staff is None:
        return "no published checklist template: no dossiers"
    by_country = {p.country: h for p, h in zip(plans, hotlines, strict=True)}
    clock = Clock()
    with dataversion.deferred(), acting_at(clock):
        checklists = []
        for plan, hotline in zip(plans, hotlines, strict=True):
            clock.at = histories[plan.country][0][2]
            checklists.append(
                checklist_services.checklist_create(hotline=hotline, acting_user=staff, template=template, now=clock.at)
            )
        stories = _stories(ctx, plans, checklists, histories, staff, template)
        # Everything in the order it happened: the reviewer is assigned (and declares) before reviewing.
        assigning, open_since = _reviewers(by_country, histories, staff, reviewer)
        steps = assigning + _steps(ctx, stories, staff, reviewer, open_since)
        for at, step in sorted(steps, key=lambda s: s[0]):  # stable: same moment, planned order
            clock.at = at
            step()
        clock.at = None
        assessments = _accreditation(ctx, by_country, histories, staff, reviewer, clock)
    hotline_ids = [h.pk for h in hotlines]
    documents = EvidenceDocument.objects.filter(hotline__in=hotline_ids).count()
    comments = ItemComment.objects.filter(item__checklist__hotline__in=hotline_ids).count()
    assignments = ReviewerAssignment.objects.filter(reviewer=reviewer).count() if reviewer else 0
    return (
        f"{len(checklists)} checklists ({len(stories)} items, {documents} evidence documents, "
        f"{comments} comments), {assignments} reviewer assignments, {assessments} assessments"
    )


def _stories(
    ctx: DemoContext, plans: list[Plan], checklists: list[Checklist], histories: dict, staff: Any, template: Any
) -> list[_Story]:
    """Each item's state follows the candidate's stage (`_item_state`); its moments fall between the day
    the candidate entered the stage where the work is done and the day it entered the stage the item
    gates (or today)."""
    specs = list(template.items.all())
    users = {p.user: ctx.users.get(p.user) for p in plans if p.user}
    planned: list[tuple[Plan, ChecklistItem, str]] = []
    for plan, checklist in zip(plans, checklists, strict=True):
        items = {
            i.template_item_id: i
            for i in ChecklistItem.objects.filter(checklist=checklist).select_related(
                "template_item", "checklist__hotline__host_organisation"
            )
        }
        for spec in specs:
            state = _item_state(ctx, plan, spec.gates_stage)
            if plan.country == "MA" and spec.code == "13.2":
                state = rules.WAIVED
            if plan.country == "GH" and spec.code == "12.3":
                state = rules.EXPIRED
            planned.append((plan, items[spec.pk], state))

    now = timezone.now()
    expired_on = ctx.today - timedelta(days=6)
    stories: list[_Story] = []
    for plan, item, state in planned:
        history = histories[plan.country]
        spec = item.template_item
        work_entered = _after(history, rules.WORK_STAGE[spec.gates_stage]) or history[0][2]
        # Done before the candidate entered the stage it gates (or by now).
        deadline = _after(history, spec.gates_stage) or now
        span = max(1, int((deadline - work_entered).total_seconds() // 3600) - 24)
        moments = sorted(work_entered + timedelta(hours=ctx.rng.randint(1, span)) for _ in range(4))
        cutoff = _at(expired_on - timedelta(days=1))
        if state == rules.EXPIRED and deadline > cutoff > work_entered:  # accepted while its document was valid
            moments = [
                work_entered + (m - work_entered) * ((cutoff - work_entered) / (deadline - work_entered))
                for m in moments
            ]
        edited, submitted, reviewed, _last = moments
        stories.append(
            _Story(
                plan=plan,
                item=item,
                state=state,
                submitter=users.get(plan.user) or staff,
                edited=edited,
                submitted=submitted,
                reviewed=reviewed,
            )
        )

    # Evidence: a small PDF per item that needs one and has been worked on; one document sometimes
    # supports the next item too. One has expired (the item above), one expires within a month.
    by_checklist: dict[int, list[_Story]] = {}
    for story in stories:
        by_checklist.setdefault(story.item.checklist_id, []).append(story)
    for checklist_stories in by_checklist.values():
        worked = [
            s
            for s in checklist_stories
            if s.item.template_item.evidence_required and s.state not in (rules.NOT_STARTED, rules.WAIVED)
        ]
        for index, story in enumerate(worked):
            if story.state == rules.IN_PROGRESS and index % 2:
                continue
            story.uploaded = story.edited  # the document is the answer: uploading it starts the item
            if story.state == rules.EXPIRED:
                story.expires_on = expired_on
            elif story.item.code == "2.1":
                story.expires_on = ctx.today + timedelta(days=21 if story.plan.country == "GH" else 300)
            if story.item.code in ("10.1", "11.1"):
                story.shares_with = tuple(s.item for s in checklist_stories if s.item.code in ("10.3", "11.2"))

    # A few threads: a reviewer's request and the candidate's answer; the other requests for changes say
    # what is missing too (a request needs its comment).
    requested = [s for s in stories if s.state == rules.CHANGES_REQUESTED]
    for index, story in enumerate(requested):
        if index < len(COMMENTS):
            story.request, story.answer = COMMENTS[index]
        else:
            story.request = REQUESTS[index % len(REQUESTS)]
    return stories


def _steps(
    ctx: DemoContext, stories: list[_Story], staff: Any, reviewer: Any, open_since: dict[str, datetime]
) -> list[Step]:
    """Each story as (moment, order, step): the candidate's user (else network staff) answers, uploads and
    submits; the reviewer reviews where the dossier is open to them by then, else a staff member who did
    not submit the item; another staff member approves the waiver; the daily step expires evidence."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from onboarding.services import checklists as checklist_services
    from onboarding.services import evidence as evidence_services

    admin = ctx.users.get("admin")
    states: dict[int, str] = {s.item.pk: rules.NOT_STARTED for s in stories}  # as each step leaves it
    steps: list[Step] = []

    def add(at: datetime, step: Callable[[], Any]) -> None:
        steps.append((at, step))

    def moved(item: ChecklistItem) -> ChecklistItem:
        states[item.pk] = item.state
        return item

    def review_by(story: _Story) -> Any:
        since = open_since.get(story.plan.country)
        if reviewer is not None and since is not None and since <= story.reviewed:
            return reviewer
        return next((p for p in (staff, admin) if p is not None and p != story.submitter), None)

    def upload(story: _Story) -> None:
        hotline = story.item.checklist.hotline
        title = story.item.template_item.title
        data = _demo_pdf(
            title, f"{hotline.brand_name}, {hotline.host_organisation.name}", timezone.localdate(story.uploaded)
        )
        items = [story.item]
        items += [i for i in story.shares_with if states[i.pk] in (rules.IN_PROGRESS, rules.CHANGES_REQUESTED)]
        evidence_services.evidence_upload(
            hotline=hotline,
            upload=SimpleUploadedFile(f"{story.item.code}-{slugify(title)[:60]}.pdf", data, "application/pdf"),
            acting_user=story.submitter,
            expires_on=story.expires_on,
            items=items,
            now=story.uploaded,
        )

    for story in stories:
        item = story.item
        if story.state == rules.NOT_STARTED:
            continue
        if story.state == rules.WAIVED:
            add(
                story.submitted,
                lambda s=story: moved(
                    checklist_services.item_waive(item=s.item, reason=WAIVER, acting_user=staff, now=s.submitted)
                ),
            )
            if admin is not None and admin != staff:  # else it waits for a second staff member's approval
                add(
                    story.reviewed,
                    lambda s=story: moved(
                        checklist_services.item_approve_waiver(item=s.item, acting_user=admin, now=s.reviewed)
                    ),
                )
            continue
        if story.uploaded is not None:
            add(story.uploaded, lambda s=story: upload(s))
        else:
            answer = (
                f"{item.template_item.title}: a first draft is in preparation."
                if item.template_item.evidence_required
                else f"{item.template_item.title}: in place at {story.plan.host}; details given at the last meeting."
            )
            add(
                story.edited,
                lambda s=story, a=answer: moved(
                    checklist_services.item_save_answer(item=s.item, answer=a, acting_user=s.submitter, now=s.edited)
                ),
            )
        if story.state == rules.IN_PROGRESS:
            continue
        add(
            story.submitted,
            lambda s=story: moved(
                checklist_services.item_submit(item=s.item, acting_user=s.submitter, now=s.submitted)
            ),
        )
        who = review_by(story)
        if story.state == rules.SUBMITTED or who is None:
            continue
        if story.state == rules.CHANGES_REQUESTED:
            add(
                story.reviewed,
                lambda s=story, w=who: moved(
                    checklist_services.item_request_changes(
                        item=s.item, comment=s.request, acting_user=w, now=s.reviewed
                    )
                ),
            )
            if story.answer:
                at = story.reviewed + timedelta(hours=20)
                add(
                    at,
                    lambda s=story, at=at: checklist_services.item_comment(
                        item=s.item, body=s.answer, acting_user=s.submitter, visibility=CommentVisibility.SHARED, now=at
                    ),
                )
            continue
        add(
            story.reviewed,
            lambda s=story, w=who: moved(checklist_services.item_accept(item=s.item, acting_user=w, now=s.reviewed)),
        )
        if story.state == rules.EXPIRED and story.expires_on is not None:
            # The daily step, the day after the document's validity ended.
            day = story.expires_on + timedelta(days=1)
            add(_at(day, 6), lambda d=day: evidence_services.evidence_expire_due(today=d, now=_at(d, 6)))
    return steps


def _reviewers(by_country: dict, histories: dict, staff: Any, reviewer: Any) -> tuple[list[Step], dict[str, datetime]]:
    """The reviewer assigned by staff to three candidates' dossiers, declaring no conflict the next day,
    and to a fourth where the declaration is awaited: the steps, and when each dossier opens to them."""
    from onboarding.services import reviewers as reviewer_services

    if reviewer is None:
        return [], {}
    steps: list[Step] = []
    opened: dict[str, datetime] = {}
    assignments: dict[str, ReviewerAssignment] = {}

    def assign(code: str, at: datetime) -> None:
        assignments[code] = reviewer_services.reviewer_assign(
            hotline=by_country[code], reviewer=reviewer, acting_user=staff, now=at
        )

    def declare(code: str, at: datetime) -> None:
        reviewer_services.reviewer_declare(
            assignment=assignments[code],
            has_conflict=False,
            statement="I have no link with the host organisation or its funders.",
            acting_user=reviewer,
            now=at,
        )

    for code, declared in (("GH", True), ("MA", True), ("ET", True), ("PY", False)):
        if code not in by_country:
            continue
        assigned = max(histories[code][-1][2] - timedelta(days=10), histories[code][0][2])
        steps.append((assigned, lambda c=code, at=assigned: assign(c, at)))
        if declared:
            opened[code] = assigned + timedelta(days=1)
            steps.append((opened[code], lambda c=code, at=opened[code]: declare(c, at)))
    return steps, opened


FINDINGS = {
    Finding.Rating.MEETS: "In place and documented; staff interviewed know the procedure.",
    Finding.Rating.PARTLY_MEETS: "Largely in place; the written procedure lags behind practice.",
    Finding.Rating.DOES_NOT_MEET: "Not yet in place.",
}


# What the hotline reports when it marks a corrective action done.
ACTION_NOTES = {
    "Write down the deconfliction procedure agreed with the police": "Adopted by the board; document shared with "
    "the reviewers.",
    "Adopt a retention schedule for report data": "Adopted by the board; document shared with the reviewers.",
    "Review the welfare policy with the psychologist": "Reviewed with the psychologist in a team session.",
    "Log and review access to report records every month": "Access to report records is now logged.",
}


def _findings(ctx: DemoContext, areas: range) -> dict[int, tuple[str, str]]:
    """{area: (rating, text)} as a reviewer records them: most areas met, a few partly."""
    findings = {}
    for area in areas:
        rating = ctx.rng.choice([Finding.Rating.MEETS] * 4 + [Finding.Rating.PARTLY_MEETS])
        findings[area] = (rating, f"{rules.AREA_LABELS[area]}: {FINDINGS[rating]}")
    return findings


def _qa_review_history(ctx: DemoContext, member: Hotline | None, staff: Any) -> int:
    """The last quality-assurance review of the other full members, 3 to 44 months ago (so that some are
    due or overdue on the three-year cycle); about one member in eight has none on record."""
    reviews = []
    full_members = Hotline.objects.filter(stage=Stage.FULL_MEMBER).exclude(pk=getattr(member, "pk", None))
    for hotline in full_members.order_by("pk").only("pk", "full_member_on", "country_id"):
        if ctx.rng.random() < 0.125:
            continue
        done = ctx.today - timedelta(days=ctx.rng.randint(90, 1340))
        if hotline.full_member_on and done < hotline.full_member_on:
            done = hotline.full_member_on + timedelta(days=ctx.rng.randint(30, 200))
            if done >= ctx.today:
                continue
        start = done - timedelta(days=25)
        reviews.append(
            Assessment(
                reference=f"AS-{hotline.country_id}-{start.year}-QA{hotline.pk}",
                hotline=hotline,
                kind=Assessment.Kind.QA_REVIEW,
                mode=ctx.rng.choice([Assessment.Mode.REMOTE, Assessment.Mode.ON_SITE]),
                status=Assessment.Status.COMPLETED,
                starts_on=start,
                ends_on=start + timedelta(days=1),
                recommendation=Assessment.Recommendation.PASSED,
                summary="Meets the Code of Practice; no corrective action.",
                report_completed_at=_at(done),
                report_completed_by=staff,
                created_by=staff,
                created_at=_at(start - timedelta(days=30)),
            )
        )
    Assessment.objects.bulk_create(reviews, batch_size=1000)
    return len(reviews)


def _accreditation(ctx: DemoContext, by_country: dict, histories: dict, staff: Any, reviewer: Any, clock: Clock) -> int:
    """An assessment in progress (the candidate under assessment), a decided one (the newest provisional
    member) and a completed quality-assurance review with corrective actions (the member user's hotline),
    each step through its service, by the person who takes it, on its day: staff plan the assessment, the
    assigned reviewer records the findings, the corrective actions and the report, the hotline (or staff
    for it) reports an action done, and the reviewer verifies it."""
    from onboarding import selectors as onboarding_selectors
    from onboarding.services import accreditation as services
    from onboarding.services import reviewers as reviewer_services

    reviewer = reviewer or staff
    made = 0

    def at(moment: datetime) -> datetime:
        clock.at = moment
        return moment

    def open_dossier(hotline: Hotline, assigned: datetime) -> None:
        """The reviewer assigned to the dossier by staff, declaring no conflict the next day (once)."""
        if reviewer is staff or ReviewerAssignment.objects.filter(hotline=hotline, reviewer=reviewer).exists():
            return
        assignment = reviewer_services.reviewer_assign(
            hotline=hotline, reviewer=reviewer, acting_user=staff, now=at(assigned)
        )
        reviewer_services.reviewer_declare(
            assignment=assignment,
            has_conflict=False,
            statement="I have no link with the hotline, its host organisation or its funders.",
            acting_user=reviewer,
            now=at(assigned + timedelta(days=1)),
        )

    def plan(hotline: Hotline, kind: str, mode: str, starts_on: date, planned: datetime) -> Assessment:
        open_dossier(hotline, planned)
        return services.assessment_create(
            hotline=hotline,
            kind=kind,
            mode=mode,
            starts_on=starts_on,
            ends_on=starts_on + timedelta(days=2 if mode == Assessment.Mode.ON_SITE else 1),
            acting_user=staff,
            now=at(planned + timedelta(days=2)),
        )

    def actions(assessment: Assessment, rows: tuple, created: datetime, doer: Any) -> None:
        """Corrective actions (title, area, due on, state reached, completed, verified), as they went."""
        for title, area, due_on, state, completed, verified in rows:
            action = services.corrective_action_create(
                assessment=assessment,
                title=title,
                owner="Hotline manager",
                due_on=due_on,
                area=area,
                acting_user=reviewer,
                now=at(created),
            )
            if state == CorrectiveAction.Status.OPEN:
                continue
            action = services.corrective_action_complete(
                action=action, note=ACTION_NOTES[title], acting_user=doer, now=at(completed)
            )
            if doer is reviewer:
                continue  # another person verifies what someone reported done (a demo without a reviewer)
            sent_back = state == CorrectiveAction.Status.IN_PROGRESS
            services.corrective_action_verify(
                action=action,
                acting_user=reviewer,
                approve=not sent_back,
                note="The log is kept, but nobody reviews it yet: name who does, and how often." if sent_back else "",
                now=at(verified),
            )

    under = by_country.get("ET")
    if under is not None:
        entered = _after(histories["ET"], Stage.UNDER_ASSESSMENT)
        start = timezone.localdate(entered) + timedelta(days=14)
        running = plan(under, Assessment.Kind.PRE_MEMBERSHIP, Assessment.Mode.ON_SITE, start, entered)
        services.assessment_record_findings(
            assessment=running,
            findings=_findings(ctx, range(1, 10)),
            acting_user=reviewer,
            now=at(_at(start + timedelta(days=3))),
        )
        made += 1

    newest = (
        Hotline.objects.filter(stage=Stage.PROVISIONAL_MEMBER, joined_on__isnull=False).order_by("-joined_on").first()
    )
    if newest is not None:
        joined = newest.joined_on
        decided = plan(
            newest,
            Assessment.Kind.PRE_MEMBERSHIP,
            Assessment.Mode.ON_SITE,
            joined - timedelta(days=70),
            _at(joined - timedelta(days=92)),
        )
        services.assessment_record_findings(
            assessment=decided,
            findings=_findings(ctx, range(1, 15)),
            acting_user=reviewer,
            now=at(_at(joined - timedelta(days=60))),
        )
        actions(
            decided,
            (
                (
                    "Write down the deconfliction procedure agreed with the police",
                    4,
                    joined + timedelta(days=120),
                    CorrectiveAction.Status.VERIFIED,
                    _at(joined + timedelta(days=100)),
                    _at(joined + timedelta(days=110)),
                ),
                (
                    "Adopt a retention schedule for report data",
                    11,
                    joined + timedelta(days=120),
                    CorrectiveAction.Status.VERIFIED,
                    _at(joined + timedelta(days=100), 11),
                    _at(joined + timedelta(days=110), 11),
                ),
            ),
            _at(joined - timedelta(days=45), 9),
            staff,
        )
        services.assessment_complete_report(
            assessment=decided,
            recommendation=Assessment.Recommendation.ADMIT_WITH_ACTIONS,
            summary="The hotline operates as described in its application. Two procedures need to be written down "
            "during the provisional year.",
            acting_user=reviewer,
            now=at(_at(joined - timedelta(days=45))),
        )
        # The decision on record: the member's stage history is written as history (`_member_histories`), so
        # the decision that admitted it is recorded with it rather than moving the hotline again.
        Decision.objects.create(
            assessment=decided,
            body="General Assembly",
            decided_on=joined,
            minutes_reference=f"GA-{joined.year}-{joined.month:02d}",
            votes_for=ctx.rng.randint(30, 44),
            votes_against=ctx.rng.randint(0, 2),
            votes_abstaining=ctx.rng.randint(0, 3),
            outcome=Decision.Outcome.ADMIT,
            recorded_by=staff,
            recorded_at=_at(joined, 16),
        )
        made += 1

    member = ctx.objects.get("member_hotline")
    if member is not None:
        start = ctx.today - timedelta(days=95)
        review = plan(member, Assessment.Kind.QA_REVIEW, Assessment.Mode.REMOTE, start, _at(start - timedelta(days=32)))
        services.assessment_record_findings(
            assessment=review,
            findings=_findings(ctx, range(1, 15)),
            acting_user=reviewer,
            now=at(_at(start + timedelta(days=5))),
        )
        # The corrective actions first, then the report: a review passed with actions settles (and earns its
        # certificate) only once they are verified.
        member_user = ctx.users.get("member")
        doer = (
            member_user
            if member_user is not None and onboarding_selectors.dossier_actors(user=member_user, hotline=member)
            else staff
        )
        actions(
            review,
            (
                (
                    "Review the welfare policy with the psychologist",
                    12,
                    ctx.today - timedelta(days=5),
                    CorrectiveAction.Status.VERIFIED,
                    _at(ctx.today - timedelta(days=30)),
                    _at(ctx.today - timedelta(days=20)),
                ),
                (
                    "Log and review access to report records every month",
                    10,
                    ctx.today - timedelta(days=35),
                    CorrectiveAction.Status.IN_PROGRESS,
                    _at(ctx.today - timedelta(days=40)),
                    _at(ctx.today - timedelta(days=38)),
                ),
                (
                    "Name a deputy for the hotline manager",
                    2,
                    ctx.today + timedelta(days=15),
                    CorrectiveAction.Status.OPEN,
                    None,
                    None,
                ),
            ),
            _at(start + timedelta(days=20), 9),
            doer,
        )
        services.assessment_complete_report(
            assessment=review,
            recommendation=Assessment.Recommendation.PASSED_WITH_ACTIONS,
            summary="A mature hotline. Welfare measures and security logging need attention before the next review.",
            acting_user=reviewer,
            now=at(_at(start + timedelta(days=20))),
        )
        made += 1
    clock.at = None
    # Earlier reviews by other reviewers: on record, without opening the dossiers to the demo reviewer.
    made += _qa_review_history(ctx, member, staff)
    return made
