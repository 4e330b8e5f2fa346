"""Demo network: member hotlines in real countries, as in 2023, with fictional organisations and people.

About 55 hotlines in 50 countries (three in Germany, two in Hungary, Italy and Poland), mostly full
members and a few provisional ones, joined since 1999; 240+ analysts known by pseudonymous codes;
every course kind; two years of training events with participation and certificates (some expiring
within 90 days) and a few upcoming events; annual capacity profiles; three years of statistics.
`--scale N` builds N hotlines with the same proportions. Countries in South Asia, MENA and much of
Sub-Saharan Africa and Latin America are left without a hotline for the candidates that
`onboarding.demo` adds (`ctx.objects["free_countries"]`). Rows are written with `bulk_create`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.text import slugify

from core import dataversion
from core.seeding import DemoContext
from network.demo_reporting import seed_public_reporting
from network.models import (
    Analyst,
    Contact,
    Country,
    Hotline,
    HotlineAnnualProfile,
    HotlineStatistics,
    Organisation,
    ProgrammeRegion,
    Sector,
    TrainingCourse,
    TrainingEvent,
    TrainingParticipation,
    add_months,
)


@dataclass(frozen=True)
class Member:
    country: str
    joined: int  # year it joined the network
    provisional: bool = False
    languages: str = "en"


# The real network's shape in 2023: 50 countries, 55 hotlines (fictional names are made up below).
MEMBERS: list[Member] = [
    Member("NL", 1999, languages="nl, en"),
    Member("DE", 1999, languages="de, en"),
    Member("GB", 1999),
    Member("AT", 1999, languages="de, en"),
    Member("BE", 2000, languages="nl, fr, en"),
    Member("FR", 2000, languages="fr, en"),
    Member("IE", 2000),
    Member("ES", 2001, languages="es, en"),
    Member("DE", 2001, languages="de, en"),
    Member("DK", 2001, languages="da, en"),
    Member("FI", 2002, languages="fi, sv, en"),
    Member("IT", 2002, languages="it, en"),
    Member("US", 2003),
    Member("SE", 2003, languages="sv, en"),
    Member("IS", 2004, languages="is, en"),
    Member("AU", 2004),
    Member("PL", 2005, languages="pl, en"),
    Member("GR", 2005, languages="el, en"),
    Member("CZ", 2006, languages="cs, en"),
    Member("HU", 2006, languages="hu, en"),
    Member("CA", 2006, languages="en, fr"),
    Member("DE", 2007, languages="de, en"),
    Member("LT", 2007, languages="lt, en"),
    Member("PT", 2008, languages="pt, en"),
    Member("SI", 2008, languages="sl, en"),
    Member("LV", 2008, languages="lv, en"),
    Member("BG", 2009, languages="bg, en"),
    Member("KR", 2009, languages="ko, en"),
    Member("LU", 2009, languages="fr, de, lb"),
    Member("CY", 2010, languages="el, en"),
    Member("SK", 2010, languages="sk, en"),
    Member("TW", 2010, languages="zh, en"),
    Member("EE", 2011, languages="et, en"),
    Member("MT", 2011),
    Member("RO", 2011, languages="ro, en"),
    Member("HR", 2012, languages="hr, en"),
    Member("JP", 2012, languages="ja, en"),
    Member("ZA", 2013),
    Member("IT", 2013, languages="it, en"),
    Member("BR", 2014, languages="pt, en"),
    Member("HU", 2014, languages="hu, en"),
    Member("NZ", 2015),
    Member("TR", 2015, languages="tr, en"),
    Member("CO", 2016, languages="es, en"),
    Member("BA", 2016, languages="bs, hr, sr"),
    Member("MX", 2017, languages="es, en"),
    Member("PL", 2017, languages="pl, en"),
    Member("TH", 2018, languages="th, en"),
    Member("MD", 2019, languages="ro, ru"),
    Member("UA", 2020, languages="uk, en"),
    Member("PH", 2021, provisional=True, languages="en, tl"),
    Member("KE", 2021, provisional=True, languages="en, sw"),
    Member("PE", 2022, provisional=True, languages="es"),
    Member("MG", 2022, provisional=True, languages="mg, fr"),
    Member("ZM", 2023, provisional=True),
]
EXTRA_SERVED = {"FR": ["MC"], "IT": ["SM", "VA"], "ZA": ["LS"]}
# The demo member user belongs to the first Polish hotline's host (a full member).
DEMO_MEMBER_COUNTRY = "PL"

BRANDS = ["SafeLine", "ClearWeb", "ReportPoint", "NetWatch", "StopLine", "WebAlert", "SafeClick", "CleanNet"]
HOST_PATTERNS = [
    ("{country} Centre for a Safer Internet", Organisation.Type.NGO),
    ("Foundation for Child Safety Online ({country})", Organisation.Type.NGO),
    ("{country} Internet Providers Association", Organisation.Type.INDUSTRY_ASSOCIATION),
    ("{country} Child Helpline Trust", Organisation.Type.NGO),
    ("Digital Safety Agency of {country}", Organisation.Type.REGULATOR),
    ("{country} Media Literacy Council", Organisation.Type.NGO),
]
FIRST_NAMES = [
    "Amara", "Bruno", "Chiara", "Dmitri", "Elena", "Farah", "Gustav", "Hana", "Ivo", "Jana", "Kenji", "Lucia",
    "Mateo", "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Stefan", "Tomasz", "Ula", "Valeria", "Wiebke",
    "Xavier", "Yara", "Zoltan", "Aino", "Bram", "Carmen", "Dalia",
]  # fmt: skip
LAST_NAMES = [
    "Andersen", "Bianchi", "Costa", "Dimitrov", "Eriksen", "Fischer", "Garcia", "Horvat", "Ivanova", "Jansen",
    "Kovacs", "Lindberg", "Moreau", "Novak", "Okoye", "Petrov", "Quinn", "Rossi", "Silva", "Tanaka", "Urban",
    "Varga", "Weber", "Yilmaz", "Zielinski", "Achterberg", "Brennan", "Castillo", "Dumont", "Esposito",
]  # fmt: skip
ROLES = ["Hotline manager", "Executive director", "Head of operations", "Policy officer", "Communications lead"]
COURSES = [
    ("Core analyst training", TrainingCourse.Kind.CORE, 36, "Foundations of report assessment and hotline work."),
    ("Content assessment and classification", TrainingCourse.Kind.CONTENT_ASSESSMENT, 24,
     "Assessing and classifying reported material against the law and the network's common criteria."),
    ("Online certification: image and video classification", TrainingCourse.Kind.ONLINE_CERTIFICATION, 12,
     "Yearly online module and test."),
    ("Online certification: international legislation", TrainingCourse.Kind.ONLINE_CERTIFICATION, 12,
     "Yearly online module on the legal frameworks of member countries."),
    ("Advanced workshop: hosting and notice-and-takedown", TrainingCourse.Kind.ADVANCED_WORKSHOP, None,
     "Tracing hosting, working with providers on fast removal."),
    ("Joint training with law enforcement", TrainingCourse.Kind.LAW_ENFORCEMENT_JOINT, None,
     "Hotline analysts and police officers train together on referrals."),
    ("Analyst welfare and resilience", TrainingCourse.Kind.WELFARE, None,
     "Looking after the people who assess reports."),
    ("Peer exchange", TrainingCourse.Kind.OTHER, None, "Analysts visit another hotline and compare practice."),
]  # fmt: skip
# Training events in a year, for the real network's size (24 in 2022); scaled with the network.
EVENTS_PER_YEAR = 24
# Before the last two years: one core course a quarter, for five years.
OLDER_CORE_QUARTERS = 20
EVENT_CITIES = [
    ("NL", "Amsterdam"), ("BE", "Brussels"), ("PT", "Lisbon"), ("PL", "Warsaw"), ("DE", "Berlin"),
    ("IE", "Dublin"), ("HR", "Zagreb"), ("TH", "Bangkok"), ("ZA", "Johannesburg"), ("MX", "Mexico City"),
]  # fmt: skip
ANALYST_COUNTS = [(1, 4), (2, 9), (3, 18), (4, 20), (5, 17), (6, 12), (7, 7), (8, 5), (10, 5), (13, 3)]


def seed(ctx: DemoContext) -> None:
    rng, today = ctx.rng, ctx.today
    n = ctx.hotline_count
    factor = max(1.0, n / len(MEMBERS))
    countries = Country.objects.in_bulk()

    # Hotlines and their hosts: the real shape, repeated for --scale.
    # Fewer hotlines than the real network: an even sample of it (old and new, full and provisional).
    size = len(MEMBERS)
    plan = [(i, MEMBERS[(i * size) // n] if n < size else MEMBERS[i % size]) for i in range(n)]
    organisations, hotlines, seen_brands = [], [], set()
    for i, member in plan:
        country = countries[member.country]
        round_ = i // len(MEMBERS)
        same_country = sum(1 for _, m in plan[round_ * size : i] if m.country == member.country)
        pattern, org_type = HOST_PATTERNS[(same_country + round_) % len(HOST_PATTERNS)]
        org_name = pattern.format(country=country.name)
        brand = f"{BRANDS[(same_country * 3 + hash_code(member.country)) % len(BRANDS)]} {country.name}"
        if round_:
            org_name, brand = f"{org_name} {round_ + 1}", f"{brand} {round_ + 1}"
        assert brand not in seen_brands, brand
        seen_brands.add(brand)
        organisations.append(
            Organisation(
                name=org_name,
                type=org_type,
                country=country,
                website=f"https://{slug(brand)}.example.org",
                registration_number=f"{member.country}-{rng.randint(100000, 999999)}",
                publish_name_consent=rng.random() < 0.8,
            )
        )
        joined = date(member.joined, rng.randint(1, 12), rng.randint(1, 28))
        full = None if member.provisional else add_months(joined, rng.choice([0, 6, 12, 18, 24]))
        if full and full > today:
            full = today - timedelta(days=30)
        stage = Hotline.Stage.PROVISIONAL_MEMBER if member.provisional else Hotline.Stage.FULL_MEMBER
        entered = full or joined
        secure = not member.provisional or rng.random() < 0.4
        hotlines.append(
            Hotline(
                brand_name=brand,
                country=country,
                public_reporting_url=f"https://{slug(brand)}.example.org/report",
                description=(
                    f"{brand} takes reports of child sexual abuse material found online from the public in "
                    f"{country.name}, assesses them and works with police and industry to have it removed."
                ),
                stage=stage,
                stage_entered_at=timezone.make_aware(datetime.combine(entered, time(12))),
                joined_on=joined,
                full_member_on=full,
                secure_exchange_access=secure,
                secure_exchange_since=add_months(joined, 12) if secure and add_months(joined, 12) < today else None,
            )
        )
    Organisation.objects.bulk_create(organisations)
    for hotline, organisation in zip(hotlines, organisations, strict=True):
        hotline.host_organisation = organisation

    # Contacts: two or three per host; a few held past their retention date (for the review list).
    contacts, points = [], []
    for organisation in organisations:
        names = set()
        for index in range(rng.choice([2, 2, 3])):
            name = person_name(rng, names)
            past = rng.random() < 0.04
            consent = today - timedelta(days=rng.randint(200, 2500))
            contact = Contact(
                organisation=organisation,
                name=name,
                role=ROLES[index] if index < len(ROLES) else "",
                sector=Sector.NGO
                if organisation.type == Organisation.Type.NGO
                else Sector.INDUSTRY_ISP
                if organisation.type == Organisation.Type.INDUSTRY_ASSOCIATION
                else Sector.REGULATOR,
                email=f"{slug(name)}@{slug(organisation.name)[:30].strip('-')}.example.org",
                phone=f"+{rng.randint(30, 99)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
                lawful_basis=Contact.LawfulBasis.CONSENT if index else Contact.LawfulBasis.LEGITIMATE_INTEREST,
                consent_date=consent if index else None,
                retain_until=today - timedelta(days=rng.randint(5, 200)) if past else add_months(today, 36),
            )
            contacts.append(contact)
            if index == 0:
                points.append(contact)
    Contact.objects.bulk_create(contacts)
    for hotline, contact in zip(hotlines, points, strict=True):
        hotline.point_of_contact = contact
    Hotline.objects.bulk_create(hotlines)

    served = []
    for hotline, (_i, member) in zip(hotlines, plan, strict=True):
        for code in [member.country, *EXTRA_SERVED.get(member.country, [])]:
            served.append(Hotline.countries_served.through(hotline_id=hotline.pk, country_id=code))
    Hotline.countries_served.through.objects.bulk_create(served)

    # Analysts, by pseudonymous code.
    analysts: list[Analyst] = []
    by_hotline: dict[int, list[Analyst]] = {}
    sizes, weights = zip(*ANALYST_COUNTS, strict=True)
    for hotline in hotlines:
        count = rng.choices(sizes, weights)[0]
        if hotline.country_id == DEMO_MEMBER_COUNTRY:
            count = max(count, 5)
        prefix = rng.choice(["AN", "A", "AS", "HL"])
        staff = []
        for number in range(1, count + 1):
            role = (
                Analyst.Role.MANAGER
                if number == 1 and count > 2
                else Analyst.Role.SENIOR_ANALYST
                if number == 2 and count > 4
                else Analyst.Role.TRAINEE
                if number == count and count > 6
                else Analyst.Role.ANALYST
            )
            started = max(hotline.joined_on, today - timedelta(days=rng.randint(60, 4000)))
            staff.append(Analyst(hotline=hotline, code=f"{prefix}-{number:02d}", role=role, started_on=started))
        if count > 2 and rng.random() < 0.5:  # someone who left: their training record stays
            ended = today - timedelta(days=rng.randint(30, 500))
            staff.append(
                Analyst(
                    hotline=hotline,
                    code=f"{prefix}-{count + 1:02d}",
                    role=Analyst.Role.ANALYST,
                    started_on=ended - timedelta(days=rng.randint(300, 1500)),
                    ended_on=ended,
                )
            )
        by_hotline[id(hotline)] = staff
        analysts.extend(staff)
    Analyst.objects.bulk_create(analysts)

    courses = TrainingCourse.objects.bulk_create(
        [
            TrainingCourse(title=title, kind=kind, certificate_valid_months=months, description=text)
            for title, kind, months, text in COURSES
        ]
    )
    events = build_events(ctx, courses, countries, factor)
    participations = build_participations(ctx, events, analysts, organisations, countries)

    # Annual profiles: last year for every member, this year for about two in three.
    profiles = []
    for hotline, (_i, member) in zip(hotlines, plan, strict=True):
        active = [a for a in by_hotline[id(hotline)] if a.ended_on is None]
        for year in (today.year - 1, today.year):
            if year == today.year and (rng.random() < 0.35 or hotline.country_id == DEMO_MEMBER_COUNTRY):
                continue
            if year < hotline.joined_on.year:
                continue
            headcount = len(active)
            fte = Decimal(max(0.5, round(headcount * rng.uniform(0.55, 1.0) * 2) / 2)).quantize(Decimal("0.01"))
            welfare = rng.random() < 0.85
            profiles.append(
                HotlineAnnualProfile(
                    hotline=hotline,
                    year=year,
                    analyst_headcount=headcount,
                    fte=min(fte, Decimal(headcount)),
                    welfare_policy=welfare,
                    welfare_policy_reviewed_on=date(year, rng.randint(1, 6), rng.randint(1, 28))
                    if welfare and date(year, 6, 28) <= today
                    else None,
                    psychological_support=rng.choice(
                        [HotlineAnnualProfile.PsychologicalSupport.REGULAR] * 3
                        + [HotlineAnnualProfile.PsychologicalSupport.ON_REQUEST] * 2
                        + ([HotlineAnnualProfile.PsychologicalSupport.NONE] if not welfare else [])
                    ),
                    le_mou_in_force=rng.random() < 0.9,
                    languages=member.languages,
                    submitted_at=timezone.make_aware(datetime(year, 3, rng.randint(1, 28), 10)),
                )
            )
    HotlineAnnualProfile.objects.bulk_create(profiles)

    # Statistics: the last three calendar years; the latest still being validated, a few missing.
    statistics = []
    for hotline in hotlines:
        analysts_here = max(1, len([a for a in by_hotline[id(hotline)] if a.ended_on is None]))
        base = analysts_here * rng.randint(700, 3500)
        for year in range(today.year - 3, today.year):
            if year < hotline.joined_on.year:
                continue
            latest = year == today.year - 1
            if latest and rng.random() < 0.12 and hotline.country_id != DEMO_MEMBER_COUNTRY:
                continue  # not returned yet
            reports = int(base * rng.uniform(0.8, 1.25) * (1.08 ** (year - today.year + 3)))
            processed = int(reports * rng.uniform(0.55, 1.1))
            illegal = Decimal(str(round(rng.uniform(18, 72), 1)))
            statistics.append(
                HotlineStatistics(
                    hotline=hotline,
                    period_start=date(year, 1, 1),
                    period_end=date(year, 12, 31),
                    reports_received=reports,
                    content_urls_processed=processed,
                    share_assessed_illegal=illegal,
                    share_removed_within_3_days=(illegal * Decimal(str(round(rng.uniform(0.6, 0.97), 2)))).quantize(
                        Decimal("0.1")
                    ),
                    share_referred_le_within_3_days=(illegal * Decimal(str(round(rng.uniform(0.7, 1.0), 2)))).quantize(
                        Decimal("0.1")
                    ),
                    source=HotlineStatistics.Source.HOTLINE_RETURN,
                    validation_status=(
                        rng.choice(
                            [HotlineStatistics.Validation.SUBMITTED] * 3
                            + [HotlineStatistics.Validation.VALIDATED] * 2
                            + [HotlineStatistics.Validation.QUERIED]
                        )
                        if latest
                        else HotlineStatistics.Validation.VALIDATED
                    ),
                    submitted_at=timezone.make_aware(datetime(year + 1, rng.randint(1, 3), rng.randint(1, 28), 9)),
                )
            )
    HotlineStatistics.objects.bulk_create(statistics)
    dataversion.bump()

    member_hotlines = [h for h in hotlines if h.stage in Hotline.MEMBER_STAGES]
    full_members = [h for h in hotlines if h.stage == Hotline.Stage.FULL_MEMBER] or hotlines
    demo_hotline = next((h for h in full_members if h.country_id == DEMO_MEMBER_COUNTRY), full_members[0])
    if "member" in ctx.users:
        from accounts.services import affiliation_set

        affiliation_set(user=ctx.users["member"], target=demo_hotline.host_organisation, acting_user=None)

    seed_public_reporting(ctx, hotlines)

    covered = {h.country_id for h in hotlines}
    target_regions = (
        ProgrammeRegion.SUB_SAHARAN_AFRICA,
        ProgrammeRegion.SOUTH_ASIA,
        ProgrammeRegion.LATIN_AMERICA_CARIBBEAN,
        ProgrammeRegion.MIDDLE_EAST_NORTH_AFRICA,
        ProgrammeRegion.ASIA_PACIFIC,
    )
    ctx.objects.update(
        hotlines=hotlines,
        member_hotlines=member_hotlines,
        member_hotline=demo_hotline,
        host_organisations=organisations,
        contacts=contacts,
        analysts=analysts,
        courses={course.kind: course for course in courses},
        training_events=events,
        countries_with_hotlines=covered,
        free_countries=sorted(
            code for code, c in countries.items() if c.programme_region in target_regions and code not in covered
        ),
    )
    ctx.log(
        f"{len(hotlines)} hotlines ({len(member_hotlines)} members) in {len(covered)} countries, "
        f"{len(analysts)} analysts, {len(events)} training events, {len(participations)} participations, "
        f"{len(profiles)} annual profiles, {len(statistics)} statistics returns"
    )


def build_events(
    ctx: DemoContext, courses: list[TrainingCourse], countries: dict[str, Country], factor: float
) -> list[TrainingEvent]:
    """Two years of past events and a few upcoming ones, every course kind among them; before that, a
    core course every quarter for five more years (the certificates analysts held then)."""
    rng, today = ctx.rng, ctx.today
    past = round(2 * EVENTS_PER_YEAR * factor)
    upcoming = max(4, round(4 * factor))
    older = OLDER_CORE_QUARTERS
    weights = [8, 5, 6, 5, 3, 3, 3, 2]
    core = next(course for course in courses if course.kind == TrainingCourse.Kind.CORE)
    events, codes = [], set()
    for index in range(past + upcoming + older):
        course = courses[index % len(courses)] if index < len(courses) else rng.choices(courses, weights)[0]
        if index < past:
            start = today - timedelta(days=rng.randint(10, 730))
        elif index < past + upcoming:
            start = today + timedelta(days=rng.randint(14, 120))
        else:
            course = core
            start = today - timedelta(days=730 + 91 * (index - past - upcoming + 1) + rng.randint(0, 20))
        online = course.kind == TrainingCourse.Kind.ONLINE_CERTIFICATION or rng.random() < 0.3
        length = 0 if online else rng.choice([1, 2, 2, 3, 4])
        country_code, city = rng.choice(EVENT_CITIES)
        base = f"{course.kind.replace('_', '-').upper()}-{start:%Y-%m}"
        code, n = base, 1
        while code in codes:
            n += 1
            code = f"{base}-{n}"
        codes.add(code)
        events.append(
            TrainingEvent(
                code=code,
                course=course,
                title="" if rng.random() < 0.7 else f"{course.title} ({'online' if online else city})",
                starts_on=start,
                ends_on=start + timedelta(days=length),
                online=online,
                city="" if online else city,
                country=None if online else countries[country_code],
                provider=rng.choice(["The association", "The association with a member hotline", "Partner academy"]),
            )
        )
    return TrainingEvent.objects.bulk_create(events)


def build_participations(
    ctx: DemoContext,
    events: list[TrainingEvent],
    analysts: list[Analyst],
    organisations: list[Organisation],
    countries: dict[str, Country],
) -> list[TrainingParticipation]:
    rng, today = ctx.rng, ctx.today
    recent = today - timedelta(days=730)
    by_kind: dict[str, list[TrainingEvent]] = {}
    older_core: list[TrainingEvent] = []
    for event in events:
        if recent <= event.starts_on <= today:
            by_kind.setdefault(event.course.kind, []).append(event)
        elif event.starts_on < recent:
            older_core.append(event)
    older_core.sort(key=lambda event: event.starts_on)
    upcoming = [e for e in events if e.starts_on > today]
    rows: list[TrainingParticipation] = []
    taken: set[tuple[int, int]] = set()

    def place(event: TrainingEvent, analyst: Analyst, status: str) -> None:
        if (event.pk, analyst.pk) in taken:
            return
        taken.add((event.pk, analyst.pk))
        certified = expires = None
        if status == TrainingParticipation.Status.COMPLETED and event.course.certificate_valid_months:
            certified = event.ends_on
            expires = event.course.certificate_expiry(certified)
        row = TrainingParticipation.place_for(event=event, analyst=analyst, status=status)
        row.certified_on, row.certificate_expires_on = certified, expires
        rows.append(row)

    for analyst in analysts:
        # Analysts who started before the last two years took the core course soon after starting.
        started = analyst.started_on or recent
        first = next((e for e in older_core if e.starts_on >= started), None)
        if started < recent and first is not None and (analyst.ended_on is None or first.ends_on <= analyst.ended_on):
            place(first, analyst, TrainingParticipation.Status.COMPLETED)
        if analyst.ended_on is not None and rng.random() < 0.5:
            continue
        plan = [TrainingCourse.Kind.CORE] if rng.random() < 0.88 else []
        if rng.random() < 0.7:
            plan.append(TrainingCourse.Kind.CONTENT_ASSESSMENT)
        plan += rng.sample(
            [
                TrainingCourse.Kind.ONLINE_CERTIFICATION,
                TrainingCourse.Kind.ONLINE_CERTIFICATION,
                TrainingCourse.Kind.ADVANCED_WORKSHOP,
                TrainingCourse.Kind.WELFARE,
                TrainingCourse.Kind.LAW_ENFORCEMENT_JOINT,
                TrainingCourse.Kind.OTHER,
            ],
            k=rng.randint(0, 3),
        )
        for kind in plan:
            options = [e for e in by_kind.get(kind, []) if analyst.ended_on is None or e.starts_on <= analyst.ended_on]
            if options:
                status = (
                    TrainingParticipation.Status.COMPLETED
                    if rng.random() < 0.93
                    else TrainingParticipation.Status.NOT_COMPLETED
                )
                place(rng.choice(options), analyst, status)
    # Upcoming events: hotlines have nominated people, the association confirmed some.
    active = [a for a in analysts if a.ended_on is None]
    for event in upcoming:
        for analyst in rng.sample(active, k=min(len(active), rng.randint(4, 12))):
            status = (
                TrainingParticipation.Status.NOMINATED if rng.random() < 0.6 else TrainingParticipation.Status.CONFIRMED
            )
            place(event, analyst, status)

    # Police officers at the joint trainings, known by a registration reference.
    police: dict[str, Organisation] = {}
    for event in by_kind.get(TrainingCourse.Kind.LAW_ENFORCEMENT_JOINT, []):
        code = event.country_id or rng.choice([o.country_id for o in organisations])
        if code not in police:
            police[code] = Organisation(
                name=f"{countries[code].name} Cybercrime Unit",
                type=Organisation.Type.LAW_ENFORCEMENT,
                country=countries[code],
            )
    Organisation.objects.bulk_create(list(police.values()))
    for event in by_kind.get(TrainingCourse.Kind.LAW_ENFORCEMENT_JOINT, []):
        unit = police[event.country_id] if event.country_id in police else rng.choice(list(police.values()))
        for number in range(1, rng.randint(3, 8)):
            rows.append(
                TrainingParticipation(
                    event=event,
                    participant_type=TrainingParticipation.ParticipantType.LAW_ENFORCEMENT,
                    reference=f"LE-{number:02d}",
                    organisation=unit,
                    status=TrainingParticipation.Status.COMPLETED,
                )
            )
    return TrainingParticipation.objects.bulk_create(rows, batch_size=2000)


def person_name(rng: Any, taken: set[str]) -> str:
    while True:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if name not in taken:
            taken.add(name)
            return name


def slug(text: str) -> str:
    return slugify(text)


def hash_code(code: str) -> int:
    """A stable small number per country (Python's hash() changes between runs)."""
    return sum(ord(ch) for ch in code)
