"""Demo donors and grants, shaped like the association's real funding.

Two donors (fictional names) and one grant each, dated from the demo's "today" so the data stays
current: a network-expansion *action* grant from a global fund (roundtables and new hotlines in
several candidate countries, from January of last year to December of next year, yearly reports)
and an EU *operating* grant for network coordination and capacity building (this calendar year,
half-yearly reports). Each has work packages, indicators (most computed from the metrics registry,
one or two manual with their justification), activities linked to the demo's roundtables and
training events, deliverables, milestones, risks and budget lines with planned and actual figures.
`donor@example.org` belongs to the first donor, `donor2@example.org` to the second.

Kept for later seeding steps:
- `ctx.objects["donors"]`: [global fund, European Commission]
- `ctx.objects["grants"]`: [action grant, operating grant] (same order as the donors)
- `ctx.objects["grant_report_periods"]`: {grant code: (start, end)}, a finished reporting period of
  each grant, the one its demo report covers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from core import dataversion
from core.seeding import DemoContext
from network.models import Country, Hotline, ProgrammeRegion, TrainingEvent
from onboarding.models import Roundtable
from reports.models import (
    Activity,
    BudgetLine,
    BudgetPeriodAmount,
    Deliverable,
    Donor,
    DonorReport,
    Grant,
    Indicator,
    Milestone,
    ReportProfile,
    Risk,
    WorkPackage,
)

# Links from one activity to registry events are capped: at --scale 1000 there are thousands.
MAX_LINKED_EVENTS = 12
# Candidate countries in the action grant's scope.
ACTION_GRANT_COUNTRIES = 6


@dataclass(frozen=True)
class IndicatorPlan:
    """A demo indicator. A metric's baseline is measured, as the admin does (`Indicator` baselines are
    never typed in the demo); its target is `target`, or the measured baseline plus `increase`."""

    code: str
    title: str
    metric_key: str = ""
    target: int = 0
    increase: int | None = None
    scope: str = Indicator.Scope.GRANT
    unit: str = ""
    work_package: int | None = None
    manual_value: int | None = None
    justification: str = ""


def seed(ctx: DemoContext) -> None:
    fund = Donor.objects.create(
        name="Global Fund for Child Safety Online",
        short_name="GFCSO",
        kind=Donor.Kind.PUBLIC_FUND,
        website="https://fund.example.org/",
        notes="Multilateral fund financing new reporting mechanisms in low- and middle-income countries.",
        report_profile=ReportProfile.GENERIC,
        logo_name=_demo_logo(),
        acknowledgement=(
            "This work is supported by the Global Fund for Child Safety Online through its Safe Online Futures "
            "programme."
        ),
    )
    commission = Donor.objects.create(
        name="European Commission (Digital Europe Programme)",
        short_name="EC-DIGITAL",
        kind=Donor.Kind.EU,
        country=Country.objects.filter(code="BE").first(),
        website="https://commission.example.eu/",
        notes="Operating grants to European networks working for a safer internet.",
        report_profile=ReportProfile.EU,
        accepts_interim_reports=False,
    )
    action = _action_grant(ctx, fund)
    operating = _operating_grant(ctx, commission)

    from accounts.services import affiliation_set

    for key, donor in (("donor", fund), ("donor2", commission)):
        if key in ctx.users:
            affiliation_set(user=ctx.users[key], target=donor, acting_user=None)

    dataversion.bump()
    ctx.objects.update(
        donors=[fund, commission],
        grants=[action, operating],
        grant_report_periods={grant.code: _finished_period(grant, ctx.today) for grant in (action, operating)},
    )
    rows = {
        model._meta.verbose_name_plural: model.objects.filter(grant__in=[action, operating]).count()
        for model in (WorkPackage, Indicator, Activity, Deliverable, Milestone, Risk, BudgetLine)
    }
    ctx.log("2 donors, 2 grants, " + ", ".join(f"{count} {name}" for name, count in rows.items()))
    _publish_demo_reports(ctx, [action, operating])


def _publish_demo_reports(ctx: DemoContext, grants: list[Grant]) -> None:
    """One published report per grant (its finished period), with its narrative, generated here rather
    than by the worker, through the same services as the admin: prepared and submitted by one grants
    manager, published by the other (four eyes). For the action grant, its current period's report is
    also left as a draft in French, so the draft page has its checks to show."""
    from reports import services

    manager, publisher = ctx.users.get("grants"), ctx.users.get("grants2")
    if manager is None or publisher is None:
        ctx.log("no grants managers among the demo users: no donor reports")
        return
    periods = ctx.objects["grant_report_periods"]
    for grant in grants:
        start, end = periods[grant.code]
        report = services.donor_report_create(
            grant=grant, period_start=start, period_end=end, summary=DEMO_SUMMARIES[grant.kind], acting_user=manager
        )
        report = _write_demo_narrative(report, manager)
        if report is None or report.generation != report.Generation.DONE:
            ctx.log(f"donor report of {grant.code} not generated: {report.generation_error if report else ''}")
            continue
        services.donor_report_submit(report=report, acting_user=manager)
        services.donor_report_publish(report=report, acting_user=publisher)
    action = grants[0]
    current = [period for period in action.reporting_periods() if period[0] <= ctx.today <= period[1]]
    if current:
        draft = services.donor_report_create(
            grant=action,
            period_start=current[0][0],
            period_end=current[0][1],
            language="fr",
            acting_user=manager,
        )
        services.donor_report_generate(report_id=draft.pk)
    ctx.log(f"{len(grants)} donor reports published, 1 draft")


def _write_demo_narrative(report: DonorReport, manager: Any) -> DonorReport | None:
    """The narrative a grants manager writes on the draft, through the services: work done and
    deviations per work package, ethics, dissemination, conclusions; then, once generated, an
    explanation for each indicator the data shows behind or at risk (generated again with them)."""
    from reports import services
    from reports.donor import report_data

    grant = report.grant
    services.donor_report_update_narrative(
        report=report,
        acting_user=manager,
        summary=report.summary,
        ethics=DEMO_ETHICS,
        dissemination=DEMO_DISSEMINATION,
        conclusions=DEMO_CONCLUSIONS,
    )
    for wp in WorkPackage.objects.filter(grant=grant).order_by("number"):
        services.donor_report_update_work_package(
            report=report,
            work_package=wp,
            work_done=(
                f"<p>Work package {wp.number} ({wp.title.lower()}) went ahead as planned in the period.</p>"
                "<ul><li>Planned activities were started on time and followed up each month.</li>"
                "<li>Results were reported to the steering group and recorded in the network's registry.</li></ul>"
            ),
            deviations="None: the work package followed its plan." if wp.number % 2 else DEMO_DEVIATION,
            corrective_measures="" if wp.number % 2 else DEMO_CORRECTIVE,
            acting_user=manager,
        )
    generated = services.donor_report_generate(report_id=report.pk)
    if generated is None or generated.data is None:
        return generated
    data = report_data.from_json(generated.data)
    codes = [line.code for line in data.indicators if line.status in report_data.NEEDS_EXPLANATION]
    for indicator in Indicator.objects.filter(grant=grant, code__in=codes):
        services.donor_report_explain_indicator(
            report=generated,
            indicator=indicator,
            explanation=(
                "Progress depends on candidates' own pace through the lifecycle; the remaining steps are planned "
                "for the next period, with mentoring visits to speed them up."
            ),
            acting_user=manager,
        )
    return services.donor_report_generate(report_id=report.pk) if codes else generated


def _demo_logo() -> str:
    """A small logo for the fund (a blue disc with a white ring, drawn here), stored like an upload."""
    import io

    from PIL import Image, ImageDraw

    from reports.donor import profiles

    image = Image.new("RGBA", (240, 240), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, 232, 232), fill=(23, 92, 158, 255))
    draw.ellipse((60, 60, 180, 180), outline=(255, 255, 255, 255), width=18)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    return profiles.store_logo(profiles.clean_logo(buffer))


DEMO_DEVIATION = (
    "Two activities started a month late because the host countries' elections moved the first meetings; the "
    "schedule was agreed with the donor's programme officer."
)
DEMO_CORRECTIVE = "The meetings were rescheduled and a second trainer was contracted to catch up."
DEMO_ETHICS = (
    "No analyst or trainee saw any abuse material in training: exercises used synthetic cases only. Wellbeing "
    "sessions were offered to every new analyst."
)
DEMO_DISSEMINATION = (
    "The results were presented at the network's general assembly and in two newsletters; the where-to-report "
    "directory was promoted on partners' websites."
)
DEMO_CONCLUSIONS = (
    "The period's plan was largely met. We recommend keeping the mentoring visits in the next period and "
    "starting the candidates' membership assessments earlier."
)


DEMO_SUMMARIES = {
    Grant.Kind.ACTION: (
        "Over the period the network engaged stakeholders in the candidate countries of the action: "
        "roundtables brought law enforcement, government and industry together, and candidate hotlines "
        "moved towards operational preparation.\n\n"
        "Training built the first analysts' skills; the indicators below show progress against the targets "
        "agreed with the fund."
    ),
    Grant.Kind.OPERATING: (
        "The operating grant kept the network's coordination running: member hotlines were supported, "
        "analysts trained and quality reviews held.\n\n"
        "The indicators below are computed from the network's own records and frozen with this report."
    ),
}


def _finished_period(grant: Grant, today: date) -> tuple[date, date]:
    """The latest reporting period that has ended (the first one if none has)."""
    periods = grant.reporting_periods()
    finished = [period for period in periods if period[1] < today]
    return finished[-1] if finished else periods[0]


# -- the global fund's network-expansion action grant -------------------------------------------------
def _action_grant(ctx: DemoContext, donor: Donor) -> Grant:
    year = ctx.today.year
    start, end = date(year - 1, 1, 1), date(year + 1, 12, 31)
    grant = Grant.objects.create(
        donor=donor,
        code=f"GF-EXP-{year - 1}",
        title="Expanding the hotline network to countries without a reporting mechanism",
        programme="Safe Online Futures",
        call_identifier=f"GFCSO-{year - 2}-EXPANSION",
        agreement_number=f"GFCSO/{year - 1}/0417",
        kind=Grant.Kind.ACTION,
        starts_on=start,
        ends_on=end,
        amount=Decimal("1850000.00"),
        currency="USD",
        cofunding_rate=Decimal("100.00"),
        objectives=(
            "Establish national reporting hotlines in countries without one, by bringing together law "
            "enforcement, government and industry in national roundtables, training the new hotlines' "
            "analysts and accompanying each candidate through membership of the network."
        ),
        activities_in_scope=(
            "Country reviews and feasibility studies; national roundtables; legal reviews and MoUs with law "
            "enforcement; core and content-assessment training; mentoring by member hotlines; membership "
            "assessments."
        ),
        reporting_period_months=12,
        report_due_days=90,
        report_contact="Greta Novak, grants manager – grants@example.org",
    )
    countries = _candidate_countries(ctx)
    grant.countries.set(countries)
    wps = _work_packages(
        grant,
        [
            ("Project management and reporting", "Coordinate the consortium, monitor indicators and report."),
            ("Country reviews and stakeholder engagement", "Review each country and hold national roundtables."),
            ("Training and operational preparation", "Train analysts and prepare procedures and technology."),
            ("Membership and sustainability", "Accompany applications; secure first-year funding."),
        ],
        start,
        end,
    )
    _indicators(
        grant,
        wps,
        [
            IndicatorPlan(
                "I1", "National roundtables held", "roundtables_held", target=12, unit="roundtables", work_package=2
            ),
            IndicatorPlan("I2", "Law-enforcement MoUs signed", "mous_signed", target=4, unit="MoUs", work_package=2),
            IndicatorPlan(
                "I3", "Training events held", "training_events_held", target=10, unit="events", work_package=3
            ),
            IndicatorPlan(
                "I4",
                "Certified analysts in the network",
                "certified_analysts",
                increase=60,
                scope=Indicator.Scope.NETWORK,
                unit="analysts",
                work_package=3,
            ),
            IndicatorPlan("I5", "New member hotlines", "new_members", target=3, unit="hotlines", work_package=4),
            IndicatorPlan(
                "I6",
                "Countries covered by a member hotline",
                "countries_covered",
                increase=4,
                scope=Indicator.Scope.NETWORK,
                unit="countries",
                work_package=4,
            ),
            IndicatorPlan(
                "I7",
                "Candidates in the membership pipeline",
                "active_candidates",
                increase=3,
                unit="candidates",
                work_package=4,
            ),
            IndicatorPlan(
                "I8",
                "Government officials briefed on notice and takedown",
                target=120,
                unit="officials",
                work_package=2,
                manual_value=86,
                justification=(
                    "Counted from the signed attendance lists of the ministry briefings held alongside the "
                    "national roundtables (kept by the project coordinator)."
                ),
            ),
        ],
    )
    roundtables = _events(
        Roundtable.objects.filter(country__in=countries, starts_at__date__range=(start, end)).order_by("starts_at")
    )
    trainings = _events(TrainingEvent.objects.filter(starts_on__range=(start, end)).order_by("starts_on"))
    _activities(
        ctx,
        grant,
        wps,
        [
            ("Country reviews of the candidate countries", Activity.Kind.OTHER, 2, start, 150, [], []),
            ("National roundtables", Activity.Kind.ROUNDTABLE, 2, start + timedelta(days=60), 640, roundtables, []),
            (
                "Core analyst training for new hotlines",
                Activity.Kind.TRAINING,
                3,
                start + timedelta(days=120),
                600,
                [],
                trainings[: len(trainings) // 2 + 1],
            ),
            (
                "Mentoring visits by member hotlines",
                Activity.Kind.PEER_EXCHANGE,
                3,
                start + timedelta(days=300),
                400,
                [],
                [],
            ),
            (
                "Membership assessments of the new hotlines",
                Activity.Kind.OTHER,
                4,
                date(start.year + 2, 1, 15),
                300,
                [],
                [],
            ),
            (
                "Launch campaigns of the new hotlines",
                Activity.Kind.CAMPAIGN,
                4,
                date(start.year + 2, 4, 1),
                200,
                [],
                [],
            ),
        ],
    )
    _deliverables(
        ctx,
        grant,
        wps,
        [
            ("D1.1", "Project handbook and monitoring plan", 1, start + timedelta(days=90)),
            ("D2.1", "Country review reports", 2, start + timedelta(days=180)),
            ("D2.2", "Roundtable outcome reports", 2, start + timedelta(days=400)),
            ("D3.1", "Training curriculum for new hotlines", 3, start + timedelta(days=240)),
            ("D4.1", "Sustainability plans of the new hotlines", 4, date(start.year + 2, 9, 30)),
            ("D1.2", "Final report", 1, end),
        ],
    )
    _milestones(
        ctx,
        grant,
        wps,
        [
            ("MS1", "Candidate countries confirmed", 1, start + timedelta(days=60), "Steering committee minutes"),
            (
                "MS2",
                "First national roundtable held in every country",
                2,
                start + timedelta(days=330),
                "Roundtable reports",
            ),
            (
                "MS3",
                "Analysts of every candidate hotline trained",
                3,
                date(start.year + 1, 12, 31),
                "Training certificates",
            ),
            ("MS4", "Membership applications submitted", 4, date(start.year + 2, 9, 30), "Applications on file"),
        ],
    )
    _risks(
        grant,
        [
            (
                "Political change delays a government's letter of support.",
                "medium",
                "high",
                "Engage the ministry's civil servants as well as its leadership; keep a regulator as fallback sponsor.",
                Risk.Status.OPEN,
            ),
            (
                "No law-enforcement MoU can be signed within the project.",
                "medium",
                "high",
                "Document an alternative cooperation arrangement approved by the network's board.",
                Risk.Status.MITIGATED,
            ),
            (
                "Trained analysts leave the new hotlines.",
                "high",
                "medium",
                "Train at least two analysts per hotline; welfare support from the first month.",
                Risk.Status.OPEN,
            ),
            (
                "Host organisation cannot fund its first operating year.",
                "low",
                "high",
                "Bridge funding from the grant's contingency; industry co-funding sought at the roundtables.",
                Risk.Status.OPEN,
            ),
        ],
    )
    _budget(
        ctx,
        grant,
        [
            (BudgetLine.Category.PERSONNEL, "Project team", "780000"),
            (BudgetLine.Category.TRAVEL, "Roundtables and mentoring visits", "310000"),
            (BudgetLine.Category.SUBCONTRACTING, "Legal reviews", "140000"),
            (BudgetLine.Category.OTHER_DIRECT, "Training events and translation", "380000"),
            (BudgetLine.Category.EQUIPMENT, "Hotline reporting systems", "119000"),
            (BudgetLine.Category.INDIRECT, "Indirect costs (7%)", "121000"),
        ],
    )
    return grant


# -- the European Commission's operating grant ----------------------------------------------------------
def _operating_grant(ctx: DemoContext, donor: Donor) -> Grant:
    year = ctx.today.year
    start, end = date(year, 1, 1), date(year, 12, 31)
    grant = Grant.objects.create(
        donor=donor,
        code=f"EU-OG-{year}",
        title=f"Stronger network: coordination and capacity building {year}",
        programme="Digital Europe Programme – Safer Internet",
        call_identifier=f"DIGITAL-{year - 1}-SAFER-OG",
        agreement_number=f"101{year % 100:02d}4821",
        kind=Grant.Kind.OPERATING,
        starts_on=start,
        ends_on=end,
        amount=Decimal("1200000.00"),
        currency="EUR",
        cofunding_rate=Decimal("90.00"),
        objectives=(
            "Coordinate the network of hotlines, raise and harmonise analysts' skills through training and "
            "peer exchanges, assure the quality of member hotlines and raise awareness of where to report."
        ),
        activities_in_scope=(
            "Network coordination and governance; training and certification of analysts; peer exchanges; "
            "quality-assurance reviews; awareness campaigns; statistics."
        ),
        reporting_period_months=6,
        report_due_days=60,
        granting_authority="the European Health and Digital Executive Agency (HaDEA)",
        report_contact="Greta Novak, grants manager – grants@example.org",
    )
    grant.countries.set(
        Country.objects.filter(programme_region=ProgrammeRegion.EUROPE, home_hotlines__isnull=False)
        .distinct()
        .order_by("code")
    )
    wps = _work_packages(
        grant,
        [
            ("Network coordination", "Governance, general assemblies, statistics and reporting."),
            ("Capacity building", "Training, certification and peer exchanges for analysts."),
            ("Quality and awareness", "Quality-assurance reviews and awareness of where to report."),
        ],
        start,
        end,
    )
    _indicators(
        grant,
        wps,
        [
            IndicatorPlan(
                "K1",
                "Member hotlines",
                "member_hotlines",
                increase=2,
                scope=Indicator.Scope.NETWORK,
                unit="hotlines",
                work_package=1,
            ),
            IndicatorPlan(
                "K2", "Training events held", "training_events_held", target=24, unit="events", work_package=2
            ),
            IndicatorPlan(
                "K3",
                "Certified analysts",
                "certified_analysts",
                increase=40,
                scope=Indicator.Scope.NETWORK,
                unit="analysts",
                work_package=2,
            ),
            IndicatorPlan(
                "K4", "Quality-assurance reviews done", "qa_reviews_done", target=12, unit="reviews", work_package=3
            ),
            IndicatorPlan(
                "K5",
                "Countries covered by a member hotline",
                "countries_covered",
                increase=2,
                scope=Indicator.Scope.NETWORK,
                unit="countries",
                work_package=1,
            ),
            IndicatorPlan(
                "K6",
                "Peer exchanges organised",
                target=11,
                unit="exchanges",
                work_package=2,
                manual_value=7,
                justification="From the peer-exchange log kept by the capacity-building team (hosts, dates, agendas).",
            ),
        ],
    )
    trainings = _events(TrainingEvent.objects.filter(starts_on__range=(start, end)).order_by("starts_on"))
    _activities(
        ctx,
        grant,
        wps,
        [
            (
                "General assemblies and board meetings",
                Activity.Kind.COORDINATION,
                1,
                start + timedelta(days=30),
                320,
                [],
                [],
            ),
            ("Analyst training programme", Activity.Kind.TRAINING, 2, start + timedelta(days=20), 330, [], trainings),
            (
                "Peer exchanges between hotlines",
                Activity.Kind.PEER_EXCHANGE,
                2,
                start + timedelta(days=60),
                280,
                [],
                [],
            ),
            (
                "Quality-assurance reviews of member hotlines",
                Activity.Kind.OTHER,
                3,
                start + timedelta(days=45),
                300,
                [],
                [],
            ),
            ("Where-to-report awareness campaign", Activity.Kind.CAMPAIGN, 3, start + timedelta(days=180), 90, [], []),
        ],
    )
    _deliverables(
        ctx,
        grant,
        wps,
        [
            ("D1", "Annual network statistics", 1, start + timedelta(days=120)),
            ("D2", "Training calendar and certification report", 2, start + timedelta(days=200)),
            ("D3", "Quality-assurance summary", 3, start + timedelta(days=300)),
            ("D4", "Final activity report", 1, end),
        ],
    )
    _milestones(
        ctx,
        grant,
        wps,
        [
            ("M1", "Work programme adopted by the general assembly", 1, start + timedelta(days=60), "Minutes"),
            ("M2", "Spring training cycle completed", 2, start + timedelta(days=170), "Attendance records"),
            ("M3", "Awareness campaign launched", 3, start + timedelta(days=200), "Campaign page"),
        ],
    )
    _risks(
        grant,
        [
            (
                "Analysts cannot travel to in-person training.",
                "medium",
                "medium",
                "Online modules and regional sessions.",
                Risk.Status.MITIGATED,
            ),
            (
                "A member hotline fails its quality-assurance review.",
                "low",
                "medium",
                "Corrective-action plan with follow-up within six months.",
                Risk.Status.OPEN,
            ),
            (
                "Co-funding from members falls short.",
                "low",
                "high",
                "Industry partnerships; membership fee review.",
                Risk.Status.OPEN,
            ),
        ],
    )
    _budget(
        ctx,
        grant,
        [
            (BudgetLine.Category.PERSONNEL, "Secretariat staff", "720000"),
            (BudgetLine.Category.TRAVEL, "Meetings, peer exchanges and reviews", "210000"),
            (BudgetLine.Category.OTHER_DIRECT, "Training and awareness material", "150000"),
            (BudgetLine.Category.SUBCONTRACTING, "Audit", "25000"),
            (BudgetLine.Category.INDIRECT, "Indirect costs (7%)", "95000"),
        ],
    )
    return grant


# -- building blocks ------------------------------------------------------------------------------------
def _candidate_countries(ctx: DemoContext) -> list[Country]:
    """Countries of candidates past the first contact, in the order the onboarding demo made them."""
    candidates = ctx.objects.get("candidate_hotlines")
    if candidates is None:
        candidates = list(Hotline.objects.in_stage(*Hotline.CANDIDATE_STAGES).select_related("country"))
    engaged = [h for h in candidates if h.stage != Hotline.Stage.IDENTIFIED]
    countries: dict[str, Country] = {}
    for hotline in engaged:
        countries.setdefault(hotline.country_id, hotline.country)
        if len(countries) == ACTION_GRANT_COUNTRIES:
            break
    return list(countries.values())


def _events(queryset: QuerySet) -> list[Any]:
    return list(queryset[:MAX_LINKED_EVENTS])


def _work_packages(grant: Grant, plans: list[tuple[str, str]], start: date, end: date) -> dict[int, WorkPackage]:
    packages = WorkPackage.objects.bulk_create(
        [
            WorkPackage(
                grant=grant,
                number=number,
                title=title,
                objectives=objectives,
                lead="Network secretariat" if number == 1 else "",
                starts_on=start,
                ends_on=end,
            )
            for number, (title, objectives) in enumerate(plans, start=1)
        ]
    )
    return {wp.number: wp for wp in packages}


def _indicators(grant: Grant, wps: dict[int, WorkPackage], plans: list[IndicatorPlan]) -> None:
    """The grant's indicators, each metric's baseline measured on its scope on the baseline day (the day
    before the grant starts) by the function the admin uses, on frames loaded once."""
    from reports import selectors

    frames = selectors.Frames()
    indicators = []
    for order, plan in enumerate(plans, start=1):
        indicator = Indicator(
            grant=grant,
            work_package=wps.get(plan.work_package) if plan.work_package else None,
            code=plan.code,
            title=plan.title,
            metric_key=plan.metric_key,
            scope=plan.scope,
            manual_value=Decimal(plan.manual_value) if plan.manual_value is not None else None,
            justification=plan.justification,
            target=Decimal(plan.target),
            unit=plan.unit,
            order=order,
        )
        measured = selectors.measured_baseline(indicator, frames=frames)
        if measured is not None:
            indicator.baseline = indicator.baseline_measured = Decimal(str(round(measured, 2)))
            if plan.increase is not None:
                indicator.target = indicator.baseline + plan.increase
        indicators.append(indicator)
    Indicator.objects.bulk_create(indicators)


def _activities(
    ctx: DemoContext,
    grant: Grant,
    wps: dict[int, WorkPackage],
    plans: list[tuple[str, str, int, date, int, list[Roundtable], list[TrainingEvent]]],
) -> None:
    today = ctx.today
    activities = []
    for title, kind, wp, planned_start, days, _roundtables, _trainings in plans:
        planned_end = min(planned_start + timedelta(days=days), grant.ends_on)
        slip = timedelta(days=ctx.rng.randint(0, 21))
        actual_start = planned_start + slip if planned_start + slip <= today else None
        if actual_start is None:
            status = Activity.Status.PLANNED if planned_start > today else Activity.Status.DELAYED
            actual_end = None
        elif planned_end + slip < today:
            status, actual_end = Activity.Status.DONE, planned_end + slip
        else:
            status, actual_end = Activity.Status.IN_PROGRESS, None
        activities.append(
            Activity(
                grant=grant,
                work_package=wps[wp],
                title=title,
                kind=kind,
                status=status,
                planned_start=planned_start,
                planned_end=planned_end,
                actual_start=actual_start,
                actual_end=actual_end,
                other_events=_other_events(kind),
            )
        )
    Activity.objects.bulk_create(activities)
    Activity.roundtables.through.objects.bulk_create(
        [
            Activity.roundtables.through(activity_id=activity.pk, roundtable_id=roundtable.pk)
            for activity, plan in zip(activities, plans, strict=True)
            for roundtable in plan[5]
        ]
    )
    Activity.training_events.through.objects.bulk_create(
        [
            Activity.training_events.through(activity_id=activity.pk, trainingevent_id=event.pk)
            for activity, plan in zip(activities, plans, strict=True)
            for event in plan[6]
        ]
    )


def _other_events(kind: str) -> str:
    return {
        Activity.Kind.PEER_EXCHANGE: "Peer exchanges hosted by member hotlines (two or three analysts each).",
        Activity.Kind.CAMPAIGN: "Social media campaign and a launch event with partners.",
        Activity.Kind.COORDINATION: "Spring and autumn general assemblies; monthly board calls.",
    }.get(kind, "")


def _deliverables(
    ctx: DemoContext, grant: Grant, wps: dict[int, WorkPackage], plans: list[tuple[str, str, int, date]]
) -> None:
    rows = []
    for code, title, wp, due in plans:
        submitted = due + timedelta(days=ctx.rng.randint(-10, 20))
        if submitted > ctx.today:
            status = Deliverable.Status.DELAYED if due < ctx.today else Deliverable.Status.PLANNED
            submitted_on = None
        else:
            status = (
                Deliverable.Status.ACCEPTED
                if submitted < ctx.today - timedelta(days=60)
                else Deliverable.Status.SUBMITTED
            )
            submitted_on = submitted
        rows.append(
            Deliverable(
                grant=grant,
                work_package=wps[wp],
                code=code,
                title=title,
                due_on=due,
                submitted_on=submitted_on,
                status=status,
                dissemination=Deliverable.Dissemination.SENSITIVE
                if "Country review" in title
                else Deliverable.Dissemination.PUBLIC,
            )
        )
    Deliverable.objects.bulk_create(rows)


def _milestones(
    ctx: DemoContext, grant: Grant, wps: dict[int, WorkPackage], plans: list[tuple[str, str, int, date, str]]
) -> None:
    rows = []
    for code, title, wp, due, verification in plans:
        achieved = due + timedelta(days=ctx.rng.randint(-5, 30))
        rows.append(
            Milestone(
                grant=grant,
                work_package=wps[wp],
                code=code,
                title=title,
                due_on=due,
                achieved_on=achieved if achieved <= ctx.today else None,
                verification=verification,
            )
        )
    Milestone.objects.bulk_create(rows)


def _risks(grant: Grant, plans: list[tuple[str, str, str, str, str]]) -> None:
    Risk.objects.bulk_create(
        [
            Risk(
                grant=grant,
                description=description,
                likelihood=likelihood,
                impact=impact,
                mitigation=mitigation,
                status=status,
            )
            for description, likelihood, impact, mitigation, status in plans
        ]
    )


def _budget(ctx: DemoContext, grant: Grant, plans: list[tuple[str, str, str]]) -> None:
    """Planned amounts as given, spread evenly over the reporting periods; the spending of each period
    that has ended near its plan (a justification where it strays beyond the threshold); nothing yet
    for the period under way. A line's actual is the sum of its periods' (`BudgetPeriodAmount.save`)."""
    periods = grant.reporting_periods()
    threshold = Decimal(settings.DONOR_REPORT_VARIANCE_THRESHOLD)
    for category, description, planned in plans:
        line = BudgetLine.objects.create(
            grant=grant, category=category, description=description, planned=Decimal(planned), actual=0
        )
        share = (Decimal(planned) / len(periods)).quantize(Decimal("0.01"))
        for index, (start, end) in enumerate(periods):
            period_planned = share if index < len(periods) - 1 else Decimal(planned) - share * (len(periods) - 1)
            actual = None
            justification = ""
            if end < ctx.today:
                actual = (period_planned * Decimal(str(round(ctx.rng.uniform(0.78, 1.12), 3)))).quantize(
                    Decimal("0.01")
                )
                if period_planned and abs(actual - period_planned) / period_planned * 100 > threshold:
                    justification = DEMO_VARIANCE_REASONS[category]
            BudgetPeriodAmount(
                budget_line=line,
                period_start=start,
                period_end=end,
                planned=period_planned,
                actual=actual,
                variance_justification=justification,
            ).save()


DEMO_VARIANCE_REASONS = {
    BudgetLine.Category.PERSONNEL: "A post stayed vacant for four months; recruitment is complete.",
    BudgetLine.Category.TRAVEL: "Two roundtables were held online at the host country's request.",
    BudgetLine.Category.EQUIPMENT: "The reporting systems were delivered earlier than planned.",
    BudgetLine.Category.SUBCONTRACTING: "The legal reviews were grouped into one contract.",
    BudgetLine.Category.OTHER_DIRECT: "Translation of the training material was brought forward.",
    BudgetLine.Category.INDIRECT: "Indirect costs follow the direct costs of the period.",
}
