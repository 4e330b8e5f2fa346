"""Reads across onboarding and the registry, for screens, gates, reminders and the calendar.

- `gate_facts_for` builds the facts every gate looks at for many hotlines in a constant number
  of queries (the board shows unmet gates for every card). Checklist, assessment and decision
  facts are filled by providers registered with `register_fact_provider`; without one they stay
  "not recorded yet", so those gates list them as missing.
- Every function that serves a user starts from `visible_to(user)`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import has_role, is_authenticated, organisation_id_for
from accounts.models import Affiliation, User
from accounts.roles import Role
from network.models import Country, Hotline, Organisation, Sector, TrainingCourse, TrainingParticipation
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

# -- Gate facts -------------------------------------------------------------------------------
# A provider adds facts for many hotlines at once: (hotline ids, today) -> {id: {field: value}}.
FactProvider = Callable[[Sequence[int], date], dict[int, dict[str, Any]]]
_fact_providers: list[FactProvider] = []


def register_fact_provider(provider: FactProvider) -> FactProvider:
    """Let another part of onboarding (checklist, assessments, decisions) fill gate facts."""
    if provider not in _fact_providers:
        _fact_providers.append(provider)
    return provider


def unregister_fact_provider(provider: FactProvider) -> None:
    if provider in _fact_providers:
        _fact_providers.remove(provider)


def gate_facts(*, hotline: Hotline, today: date | None = None) -> workflow.GateFacts:
    return gate_facts_for(hotlines=[hotline], today=today)[hotline.pk]


def gate_facts_for(*, hotlines: Sequence[Hotline], today: date | None = None) -> dict[int, workflow.GateFacts]:
    """Facts for each hotline, in a fixed number of queries whatever their number."""
    today = today or timezone.localdate()
    ids = [h.pk for h in hotlines]
    if not ids:
        return {}
    values: dict[int, dict[str, Any]] = {pk: {} for pk in ids}

    for pk, confirmed in CandidateProfile.objects.filter(hotline_id__in=ids).values_list(
        "hotline_id", "host_confirmed_on"
    ):
        values[pk]["host_organisation_confirmed"] = confirmed is not None and confirmed <= today

    for row in Interaction.objects.filter(hotline_id__in=ids).values("hotline_id").annotate(n=Count("id")):
        values[row["hotline_id"]]["interactions_logged"] = row["n"]

    assessed = set(
        CountryAssessment.objects.filter(country_id__in={h.country_id for h in hotlines}).values_list(
            "country_id", flat=True
        )
    )
    for hotline in hotlines:
        values[hotline.pk]["country_assessment_recorded"] = hotline.country_id in assessed

    held: dict[int, dict[int, set[str]]] = defaultdict(dict)
    for pk, roundtable_id in Roundtable.objects.held().filter(hotline_id__in=ids).values_list("hotline_id", "id"):
        held[pk][roundtable_id] = set()
    attended = RoundtableParticipant.objects.filter(
        roundtable__hotline_id__in=ids,
        roundtable__status=Roundtable.Status.HELD,
        status=RoundtableParticipant.Status.ATTENDED,
    ).values_list("roundtable__hotline_id", "roundtable_id", "sector")
    for pk, roundtable_id, sector in attended:
        held[pk].setdefault(roundtable_id, set()).add(sector)
    for pk, by_roundtable in held.items():
        values[pk]["held_roundtable_sectors"] = tuple(frozenset(s) for s in by_roundtable.values())

    kinds: dict[int, set[str]] = defaultdict(set)
    for pk, kind, first_year in (
        Agreement.objects.in_force(today)
        .filter(hotline_id__in=ids)
        .values_list("hotline_id", "kind", "covers_first_operating_year")
    ):
        kinds[pk].add(kind)
        if kind == Agreement.Kind.FUNDING and first_year:
            kinds[pk].add("first_year_funding")
    for pk, found in kinds.items():
        values[pk].update(
            le_mou_signed=Agreement.Kind.LE_MOU in found,
            letter_of_support_signed=Agreement.Kind.LETTER_OF_SUPPORT in found,
            code_of_practice_declared=Agreement.Kind.CODE_OF_PRACTICE in found,
            first_year_funding_secured="first_year_funding" in found,
        )

    for pk in MouAlternative.objects.approved().filter(hotline_id__in=ids).values_list("hotline_id", flat=True):
        values[pk]["le_mou_alternative_approved"] = True

    trained: dict[int, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    completed = TrainingParticipation.objects.filter(
        analyst__hotline_id__in=ids,
        status=TrainingParticipation.Status.COMPLETED,
        event__course__kind__in=[TrainingCourse.Kind.CORE, TrainingCourse.Kind.CONTENT_ASSESSMENT],
        event__ends_on__lte=today,
    ).filter(Q(analyst__ended_on__isnull=True) | Q(analyst__ended_on__gte=today))
    for pk, analyst_id, kind in completed.values_list("analyst__hotline_id", "analyst_id", "event__course__kind"):
        trained[pk][analyst_id].add(kind)
    for pk, analysts in trained.items():
        values[pk]["analysts_with_core_training"] = sum(TrainingCourse.Kind.CORE in k for k in analysts.values())
        values[pk]["analysts_with_core_and_content_training"] = sum(
            {TrainingCourse.Kind.CORE, TrainingCourse.Kind.CONTENT_ASSESSMENT} <= k for k in analysts.values()
        )

    for provider in _fact_providers:
        for pk, extra in provider(ids, today).items():
            if pk in values:
                values[pk].update(extra)

    return {pk: replace(workflow.GateFacts(), **found) for pk, found in values.items()}


# -- Who may move what ------------------------------------------------------------------------
def workflow_roles_for(*, user: Any, hotline: Hotline) -> frozenset[str]:
    """The workflow roles `user` holds for `hotline`: network staff, and/or the candidate's own user."""
    if not is_authenticated(user):
        return frozenset()
    roles: set[str] = set()
    if has_role(user, Role.NETWORK_STAFF):
        roles.add(workflow.STAFF)
    if not user.is_superuser and organisation_id_for(user) == hotline.host_organisation_id:
        roles.add(workflow.CANDIDATE)
    return frozenset(roles)


@dataclass(frozen=True)
class NextStep:
    transition: workflow.Transition
    target: str
    target_label: str
    missing: list[str]
    permitted: bool

    @property
    def ready(self) -> bool:
        return self.permitted and not self.missing


def next_steps(*, hotline: Hotline, user: Any, facts: workflow.GateFacts | None = None) -> list[NextStep]:
    """Every transition out of the hotline's stage, with what is missing and whether `user` may do it."""
    facts = facts if facts is not None else gate_facts(hotline=hotline)
    roles = workflow_roles_for(user=user, hotline=hotline)
    steps = []
    for transition in workflow.transitions_from(hotline.stage):
        target = transition.target_from(hotline.paused_stage)
        steps.append(
            NextStep(
                transition=transition,
                target=target,
                target_label=workflow.stage_label(target) if target else _("unknown"),
                missing=workflow.unmet_gates(transition, facts),
                permitted=workflow.is_permitted(transition, roles),
            )
        )
    return steps


def missing_before_next_stage(
    hotline: Hotline, facts: workflow.GateFacts
) -> tuple[workflow.Transition | None, list[str]]:
    transition = workflow.next_transition(hotline.stage)
    if transition is None:
        return None, []
    return transition, workflow.unmet_gates(transition, facts)


# -- Pipeline board ---------------------------------------------------------------------------
@dataclass(frozen=True)
class BoardCard:
    hotline: Hotline
    time: workflow.TimeInStage
    unmet: int
    next_label: str


@dataclass(frozen=True)
class BoardColumn:
    stage: str
    label: str
    target_days: int | None
    cards: list[BoardCard] = field(default_factory=list)


def pipeline_board(*, user: Any, now: datetime | None = None) -> list[BoardColumn]:
    """A column per active stage, a card per candidate. Constant queries whatever the number of candidates."""
    now = now or timezone.now()
    hotlines = list(
        Hotline.objects.visible_to(user)
        .candidates()
        .select_related("country", "lead_staff", "host_organisation")
        .order_by("stage_entered_at", "brand_name")
    )
    facts = gate_facts_for(hotlines=hotlines, today=timezone.localdate(now))
    columns = {
        stage: BoardColumn(stage=stage, label=workflow.stage_label(stage), target_days=workflow.target_days(stage))
        for stage in workflow.ACTIVE_STAGES
    }
    for hotline in hotlines:
        transition, missing = missing_before_next_stage(hotline, facts[hotline.pk])
        days = (now - hotline.stage_entered_at).days
        columns[hotline.stage].cards.append(
            BoardCard(
                hotline=hotline,
                time=workflow.time_in_stage(hotline.stage, days),
                unmet=len(missing),
                next_label=str(transition.label) if transition else "",
            )
        )
    return list(columns.values())


# -- Candidate page ---------------------------------------------------------------------------
@dataclass(frozen=True)
class TimelineEntry:
    when: datetime
    kind: str  # stage_change, interaction, roundtable, agreement, mou_alternative
    title: str
    detail: str
    obj: Any


def _at_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def candidate_timeline(*, hotline: Hotline) -> list[TimelineEntry]:
    """Stage changes, interactions, roundtables, agreements and MoU alternatives, newest first."""
    entries: list[TimelineEntry] = []
    for change in StageChange.objects.filter(hotline=hotline).select_related("changed_by"):
        title = _("Stage: %(from)s → %(to)s") % {
            "from": workflow.stage_label(change.from_stage) if change.from_stage else "—",
            "to": workflow.stage_label(change.to_stage),
        }
        entries.append(TimelineEntry(change.changed_at, "stage_change", title, change.reason, change))
    for interaction in Interaction.objects.filter(hotline=hotline).prefetch_related("organisations"):
        entries.append(
            TimelineEntry(
                _at_midnight(interaction.occurred_on),
                "interaction",
                f"{interaction.get_kind_display()}: {interaction.subject}",
                interaction.summary,
                interaction,
            )
        )
    for roundtable in Roundtable.objects.filter(hotline=hotline).annotate(
        attended=Count("participants", filter=Q(participants__status=RoundtableParticipant.Status.ATTENDED))
    ):
        entries.append(
            TimelineEntry(
                roundtable.starts_at,
                "roundtable",
                _("Roundtable (%(status)s): %(title)s")
                % {"status": roundtable.get_status_display(), "title": roundtable.title},
                _("%(count)s organisations attended.") % {"count": roundtable.attended}
                if roundtable.status == Roundtable.Status.HELD
                else roundtable.venue,
                roundtable,
            )
        )
    for agreement in Agreement.objects.filter(hotline=hotline):
        when = _at_midnight(agreement.signed_on) if agreement.signed_on else agreement.created_at
        entries.append(
            TimelineEntry(
                when,
                "agreement",
                f"{agreement.get_kind_display()}: {agreement.title}",
                agreement.status_label,
                agreement,
            )
        )
    for alternative in MouAlternative.objects.filter(hotline=hotline):
        entries.append(
            TimelineEntry(
                alternative.decided_at or alternative.proposed_at,
                "mou_alternative",
                _("Law-enforcement MoU alternative (%(status)s)") % {"status": alternative.get_status_display()},
                alternative.arrangement,
                alternative,
            )
        )
    return sorted(entries, key=lambda e: e.when, reverse=True)


# -- Stakeholder coverage ---------------------------------------------------------------------
# Sectors every country needs at the table; a gap is one of these that nobody from attended.
EXPECTED_SECTORS: tuple[str, ...] = (
    Sector.LAW_ENFORCEMENT,
    Sector.GOVERNMENT,
    Sector.INDUSTRY_ISP,
    Sector.INDUSTRY_HOSTING,
    Sector.INDUSTRY_PLATFORM,
    Sector.INDUSTRY_MOBILE,
    Sector.NGO,
)
COVERAGE_LEVELS = ("invited", "attended", "committed", "agreement_signed")


def coverage_level_labels() -> dict[str, str]:
    return {
        "invited": _("Invited"),
        "attended": _("Attended"),
        "committed": _("Committed"),
        "agreement_signed": _("Agreement signed"),
        "": _("None yet"),
    }


@dataclass(frozen=True)
class CoverageCell:
    sector: str
    invited: int = 0
    attended: int = 0
    committed: int = 0
    agreement_signed: int = 0

    @property
    def expected(self) -> bool:
        return self.sector in EXPECTED_SECTORS

    @property
    def gap(self) -> bool:
        return self.expected and self.attended == 0 and self.agreement_signed == 0

    @property
    def level(self) -> str:
        """The furthest status any organisation of this sector has reached ("" for none)."""
        return next((name for name in reversed(COVERAGE_LEVELS) if getattr(self, name)), "")

    @property
    def sector_label(self) -> str:
        return str(Sector(self.sector).label)


@dataclass(frozen=True)
class CountryCoverage:
    country: Country
    cells: list[CoverageCell]

    @property
    def gaps(self) -> list[CoverageCell]:
        return [cell for cell in self.cells if cell.gap]


def coverage(*, user: Any, country: Country | None = None, today: date | None = None) -> list[CountryCoverage]:
    """Sector x status counts of distinct organisations, per country (all countries with roundtables
    or candidates, or just `country`). Three queries whatever the number of countries."""
    today = today or timezone.localdate()
    roundtables = Roundtable.objects.visible_to(user).exclude(status=Roundtable.Status.CANCELLED)
    participants = RoundtableParticipant.objects.filter(roundtable__in=roundtables)
    agreements = Agreement.objects.visible_to(user).in_force(today)
    if country is not None:
        participants = participants.filter(roundtable__country=country)
        agreements = agreements.filter(country=country)
        countries = [country]
    else:
        with_candidates = Hotline.objects.visible_to(user).candidates().values("country_id")
        countries = list(
            Country.objects.filter(Q(pk__in=roundtables.values("country_id")) | Q(pk__in=with_candidates)).order_by(
                "name"
            )
        )
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    rows = participants.values("roundtable__country_id", "sector").annotate(
        invited=Count("organisation", distinct=True),
        attended=Count("organisation", filter=Q(status=RoundtableParticipant.Status.ATTENDED), distinct=True),
        committed=Count("organisation", filter=Q(committed=True), distinct=True),
    )
    for row in rows:
        counts[(row["roundtable__country_id"], row["sector"])].update(
            invited=row["invited"], attended=row["attended"], committed=row["committed"]
        )
    signed = (
        AgreementParty.objects.filter(agreement__in=agreements)
        .values("agreement__country_id", "sector")
        .annotate(n=Count("organisation", distinct=True))
    )
    for row in signed:
        counts[(row["agreement__country_id"], row["sector"])]["agreement_signed"] = row["n"]
    return [
        CountryCoverage(
            country=c,
            cells=[CoverageCell(sector=sector, **counts.get((c.pk, sector), {})) for sector in Sector.values],
        )
        for c in countries
    ]


# -- Lists ------------------------------------------------------------------------------------
def agreements_expiring(*, user: Any, within_days: int = 90, today: date | None = None) -> list[Agreement]:
    return list(
        Agreement.objects.visible_to(user)
        .expiring(within_days=within_days, on=today)
        .select_related("country", "hotline")
        .prefetch_related("parties__organisation")
        .order_by("expires_on", "reference")
    )


def open_action_items(*, user: Any, today: date | None = None) -> list[ActionItem]:
    today = today or timezone.localdate()
    return list(
        ActionItem.objects.visible_to(user)
        .open()
        .select_related("roundtable__country", "roundtable__hotline", "owner_user", "owner_organisation")
        .order_by("due_on", "id")
    )


# -- Portal -----------------------------------------------------------------------------------
# Stages in which the portal shows a hotline's onboarding: candidates, rejected applicants (who
# may re-apply) and provisional members working towards full membership.
PORTAL_STAGES: tuple[str, ...] = (*Hotline.CANDIDATE_STAGES, Stage.REJECTED, Stage.PROVISIONAL_MEMBER)


def portal_candidates(*, user: Any) -> list[Hotline]:
    return list(
        Hotline.objects.visible_to(user)
        .in_stage(*PORTAL_STAGES)
        .select_related("country", "host_organisation")
        .order_by("brand_name")
    )


@dataclass(frozen=True)
class PortalStatus:
    hotline: Hotline
    phases: list[workflow.PhaseProgress]
    next_transition: workflow.Transition | None
    next_stage_label: str
    missing: list[str]
    time: workflow.TimeInStage
    can_submit: bool
    submit_missing: list[str]
    review_date: date | None
    upcoming_roundtables: list[Roundtable]
    agreements: list[Agreement]


def portal_status(*, user: Any, hotline: Hotline, now: datetime | None = None) -> PortalStatus:
    """What a candidate's own user sees: stage, phases, what is missing, roundtables, agreements."""
    now = now or timezone.now()
    facts = gate_facts(hotline=hotline, today=timezone.localdate(now))
    transition, missing = missing_before_next_stage(hotline, facts)
    next_label = ""
    if transition is not None:
        target = transition.target_from(hotline.paused_stage)
        next_label = workflow.stage_label(target) if target else ""
    submit = workflow.get_transition("submit_application")
    roles = workflow_roles_for(user=user, hotline=hotline)
    submit_missing = workflow.unmet_gates(submit, facts)
    can_submit = hotline.stage in submit.sources and workflow.is_permitted(submit, roles) and not submit_missing
    review_date = None
    if hotline.stage == Stage.ON_HOLD:
        last = StageChange.objects.filter(hotline=hotline, to_stage=Stage.ON_HOLD).order_by("-changed_at").first()
        review_date = last.review_date if last else None
    return PortalStatus(
        hotline=hotline,
        phases=workflow.progress(hotline.stage, hotline.paused_stage),
        next_transition=transition,
        next_stage_label=next_label,
        missing=missing,
        time=workflow.time_in_stage(hotline.stage, (now - hotline.stage_entered_at).days),
        can_submit=can_submit,
        submit_missing=submit_missing if hotline.stage in submit.sources else [],
        review_date=review_date,
        upcoming_roundtables=list(
            Roundtable.objects.visible_to(user).filter(hotline=hotline).upcoming(now).order_by("starts_at")
        ),
        agreements=list(
            Agreement.objects.visible_to(user)
            .filter(hotline=hotline)
            .prefetch_related("parties__organisation")
            .order_by("kind", "-signed_on")
        ),
    )


# -- Notifications ----------------------------------------------------------------------------
def candidate_user_emails(*, hotline: Hotline) -> list[str]:
    """Active portal users affiliated to the hotline's host organisation."""
    organisation_type = ContentType.objects.get_for_model(Organisation)
    affiliated = Affiliation.objects.filter(
        content_type=organisation_type, object_id=hotline.host_organisation_id
    ).values("user_id")
    return sorted(User.objects.filter(pk__in=affiliated, is_active=True).values_list("email", flat=True))


# -- Calendar ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    summary: str
    start: datetime | date
    end: datetime | date
    description: str = ""
    location: str = ""
    cancelled: bool = False
    updated: datetime | None = None


def roundtable_event(roundtable: Roundtable) -> CalendarEvent:
    lines = [roundtable.get_format_display()]
    if roundtable.hotline_id:
        lines.append(_("Candidate: %(hotline)s") % {"hotline": roundtable.hotline})
    if roundtable.agenda:
        lines += ["", _("Agenda:"), roundtable.agenda]
    return CalendarEvent(
        uid=f"roundtable-{roundtable.pk}@onboarding",
        summary=_("Roundtable: %(title)s") % {"title": roundtable.title},
        start=roundtable.starts_at,
        end=roundtable.end,
        description="\n".join(str(line) for line in lines),
        location=roundtable.venue,
        cancelled=roundtable.status == Roundtable.Status.CANCELLED,
        updated=roundtable.updated_at,
    )


def calendar_events_for(*, user: Any, now: datetime | None = None, past_days: int = 180) -> list[CalendarEvent]:
    """A staff member's feed: roundtables (recent and upcoming) and the open action items they own."""
    now = now or timezone.now()
    roundtables = (
        Roundtable.objects.visible_to(user)
        .filter(starts_at__gte=now - timedelta(days=past_days))
        .select_related("hotline")
        .order_by("starts_at")
    )
    events = [roundtable_event(r) for r in roundtables]
    for item in ActionItem.objects.visible_to(user).open().filter(owner_user=user).select_related("roundtable"):
        events.append(
            CalendarEvent(
                uid=f"action-item-{item.pk}@onboarding",
                summary=_("Due: %(title)s") % {"title": item.title},
                start=item.due_on,
                end=item.due_on + timedelta(days=1),
                description=_("Agreed at: %(roundtable)s") % {"roundtable": item.roundtable.title},
            )
        )
    return events
