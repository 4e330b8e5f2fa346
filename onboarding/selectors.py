"""Reads across onboarding and the registry, for screens, gates, reminders and the calendar.

- `gate_facts_for` builds the facts every gate looks at for many hotlines in a constant number
  of queries (the board shows unmet gates for every card), checklist, reviewer, assessment and
  decision facts included (`_dossier_facts`): with no checklist, assessment or decision recorded
  they stay "not recorded yet", so those gates list them as missing.
- Every function that serves a user starts from `visible_to(user)`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import has_role, is_authenticated, organisation_id_for
from accounts.models import Affiliation, User
from accounts.roles import Role
from network.models import (
    Country,
    Hotline,
    Organisation,
    Sector,
    TrainingCourse,
    TrainingParticipation,
    analyst_working_on,
)
from onboarding import checklist_rules as rules
from onboarding import workflow
from onboarding.models import (
    ActionItem,
    Agreement,
    AgreementParty,
    Assessment,
    CandidateProfile,
    Checklist,
    ChecklistItem,
    ChecklistTemplate,
    CorrectiveAction,
    CountryAssessment,
    Decision,
    EvidenceDocument,
    Finding,
    Interaction,
    ItemComment,
    ItemEvent,
    MouAlternative,
    ReviewerAssignment,
    Roundtable,
    RoundtableParticipant,
    StageChange,
)

Stage = Hotline.Stage


# -- Gate facts -------------------------------------------------------------------------------
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
    ).filter(analyst_working_on(today, prefix="analyst__"))
    for pk, analyst_id, kind in completed.values_list("analyst__hotline_id", "analyst_id", "event__course__kind"):
        trained[pk][analyst_id].add(kind)
    for pk, analysts in trained.items():
        values[pk]["analysts_with_core_training"] = sum(TrainingCourse.Kind.CORE in k for k in analysts.values())
        values[pk]["analysts_with_core_and_content_training"] = sum(
            {TrainingCourse.Kind.CORE, TrainingCourse.Kind.CONTENT_ASSESSMENT} <= k for k in analysts.values()
        )

    for pk, extra in _dossier_facts(ids, today).items():
        values[pk].update(extra)

    return {pk: replace(workflow.GateFacts(), **found) for pk, found in values.items()}


def _item_title(code: str, title: str) -> str:
    return f"{code} {title}"


def _dossier_facts(ids: Sequence[int], today: date) -> dict[int, dict[str, Any]]:
    """Checklist, reviewer, assessment and decision facts for `ids`, in six queries."""
    facts: dict[int, dict[str, Any]] = defaultdict(dict)

    # Checklist: what is done, per gated stage and for the named items.
    for pk in Checklist.objects.filter(hotline_id__in=ids).values_list("hotline_id", flat=True):
        facts[pk].update(application_items_open=[], stage_items_open={s: [] for s in rules.GATED_STAGES})
    rows = (
        ChecklistItem.objects.active()
        .filter(checklist__hotline_id__in=ids)
        .order_by("template_item__sort_order", "code")
        .values_list(
            "checklist__hotline_id",
            "code",
            "state",
            "waiver_reason",
            "waiver_approved_by_id",
            "template_item__title",
            "template_item__gates_stage",
            "template_item__gate_fact",
        )
    )
    for pk, code, state, reason, approver, title, stage, gate_fact in rows:
        done = rules.is_done(state, waiver_approved=bool(reason.strip()) and approver is not None)
        if gate_fact == rules.GATE_FACT_HOST_DUE_DILIGENCE:
            facts[pk]["host_due_diligence_accepted"] = done
        elif gate_fact == rules.GATE_FACT_LEGAL_REVIEW:
            facts[pk]["legal_review_accepted"] = done
        if done:
            continue
        if stage in rules.UP_TO_APPLICATION:
            facts[pk]["application_items_open"].append(_item_title(code, title))
        if not gate_fact:
            facts[pk]["stage_items_open"][stage].append(_item_title(code, title))
    for found in facts.values():
        if "application_items_open" in found:
            found["application_items_open"] = tuple(found["application_items_open"])
            found["stage_items_open"] = tuple((s, tuple(t)) for s, t in found["stage_items_open"].items())

    # Reviewers of the dossier and their conflict-of-interest declarations.
    for pk, declared, conflicted in ReviewerAssignment.objects.filter(hotline_id__in=ids).values_list(
        "hotline_id", "coi_declared_at", "has_conflict"
    ):
        found = facts[pk]
        found["reviewers_assigned"] = found.get("reviewers_assigned", 0) + 1
        found["reviewers_without_coi_declaration"] = found.get("reviewers_without_coi_declaration", 0) + (
            declared is None
        )
        found["reviewers_conflicted"] = found.get("reviewers_conflicted", 0) + bool(conflicted)

    # The latest application assessment (pre-membership or follow-up) and the latest QA review.
    latest_application: dict[int, dict[str, Any]] = {}
    latest_qa: dict[int, dict[str, Any]] = {}
    assessments = (
        Assessment.objects.filter(hotline_id__in=ids)
        .exclude(status=Assessment.Status.CANCELLED)
        .order_by("starts_on", "id")
        .values("id", "hotline_id", "kind", "status", "recommendation")
    )
    for row in assessments:
        if row["kind"] == Assessment.Kind.QA_REVIEW:
            if row["status"] == Assessment.Status.COMPLETED:
                latest_qa[row["hotline_id"]] = row
        else:
            latest_application[row["hotline_id"]] = row
    for pk, row in latest_application.items():
        facts[pk]["assessment_recommendation_recorded"] = row["status"] == Assessment.Status.COMPLETED and bool(
            row["recommendation"]
        )
    by_assessment = {row["id"]: pk for pk, row in latest_application.items()}
    for assessment_id, outcome in Decision.objects.filter(assessment_id__in=by_assessment).values_list(
        "assessment_id", "outcome"
    ):
        facts[by_assessment[assessment_id]]["decision_outcome"] = (
            workflow.DECISION_ADMIT if outcome == Decision.Outcome.ADMIT else workflow.DECISION_REJECT
        )
    open_actions = dict(
        CorrectiveAction.objects.open()
        .filter(assessment_id__in=[row["id"] for row in latest_qa.values()])
        .values("assessment_id")
        .annotate(n=Count("id"))
        .values_list("assessment_id", "n")
    )
    for pk, row in latest_qa.items():
        recommendation = row["recommendation"]
        facts[pk]["qa_review_passed"] = recommendation == Assessment.Recommendation.PASSED or (
            recommendation == Assessment.Recommendation.PASSED_WITH_ACTIONS and not open_actions.get(row["id"])
        )
    return facts


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
        if transition.by_service_only:
            continue  # a decision's correction, from the assessment page
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
    """Sector x status counts of distinct organisations, per country: every country with a roundtable
    (not cancelled), an agreement in force or a candidate, or just `country`. The stakeholder coverage
    dashboard computes the same cells from its frames (`reports.aggregations.coverage_cells`; a parity
    test runs both on the same rows). A fixed number of queries whatever the number of countries."""
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
        with_agreements = AgreementParty.objects.filter(agreement__in=agreements).values("agreement__country_id")
        countries = list(
            Country.objects.filter(
                Q(pk__in=roundtables.values("country_id")) | Q(pk__in=with_candidates) | Q(pk__in=with_agreements)
            ).order_by("name")
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


def dossier_actors(*, user: Any, hotline: Hotline) -> frozenset[str]:
    """The checklist actors `user` is for `hotline`: network staff, an assigned reviewer (declared,
    no conflict), and/or the candidate's own portal user."""
    if not is_authenticated(user):
        return frozenset()
    actors: set[str] = set()
    if has_role(user, Role.NETWORK_STAFF):
        actors.add(rules.STAFF)
    if has_role(user, Role.REVIEWER) and ReviewerAssignment.objects.open_to(user).filter(hotline=hotline).exists():
        actors.add(rules.REVIEWER)
    if not user.is_superuser and organisation_id_for(user) == hotline.host_organisation_id:
        actors.add(rules.CANDIDATE)
    return frozenset(actors)


def reviewer_emails(*, hotline: Hotline) -> list[str]:
    """Active reviewers the dossier is open to (declared, no conflict)."""
    return sorted(
        ReviewerAssignment.objects.filter(
            hotline=hotline, coi_declared_at__isnull=False, has_conflict=False, reviewer__is_active=True
        ).values_list("reviewer__email", flat=True)
    )


def association_emails(*, hotline: Hotline) -> list[str]:
    """Who on the association's side hears about a dossier: its reviewers and the lead staff member."""
    emails = set(reviewer_emails(hotline=hotline))
    lead = hotline.lead_staff
    if lead is not None and lead.is_active:
        emails.add(lead.email)
    return sorted(emails)


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
    """The .ics event: start and end as instants (UTC), the local time and zone written out too."""
    lines = [_("Local time: %(when)s") % {"when": roundtable.when_label}, roundtable.get_format_display()]
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


# == The dossier ===============================================================================
@dataclass(frozen=True)
class ItemRow:
    item: ChecklistItem
    overdue: bool
    evidence_count: int
    comment_count: int

    @property
    def state_label(self) -> str:
        return self.item.state_label


@dataclass(frozen=True)
class AreaBlock:
    area: int
    label: str
    progress: rules.Progress
    rows: list[ItemRow]

    @property
    def progress_id(self) -> str:
        return f"progress-area-{self.area}"


@dataclass(frozen=True)
class ChecklistOverview:
    checklist: Checklist
    progress: rules.Progress
    areas: list[AreaBlock]
    yours: list[ItemRow]
    ours: list[ItemRow]
    status: str
    counts: dict[str, int]

    @property
    def filter_options(self) -> list[tuple[str, str, int]]:
        return [(value, str(label), self.counts.get(value, 0)) for value, label in STATUS_FILTERS]


STATUS_FILTERS: tuple[tuple[str, Any], ...] = (*rules.STATES, ("overdue", gettext_lazy("Overdue")))


def _item_rows(queryset: Any, today: date) -> list[ItemRow]:
    items = (
        queryset.active()
        .select_related("template_item")
        .annotate(
            evidence_count=Count("evidence_links", distinct=True),
            comment_count=Count("comments", distinct=True),
        )
        .order_by("template_item__sort_order", "code")
    )
    return [
        ItemRow(
            item=item,
            overdue=item.is_overdue(today),
            evidence_count=item.evidence_count,
            comment_count=item.comment_count,
        )
        for item in items
    ]


def checklist_overview(
    *, user: Any, hotline: Hotline, status: str = "", today: date | None = None
) -> ChecklistOverview | None:
    """The checklist by area with progress (overall and per area), filtered by status, and the next
    actions: the candidate's ("yours") and the association's ("ours"). Three queries."""
    today = today or timezone.localdate()
    checklist = Checklist.objects.visible_to(user).select_related("template", "hotline").filter(hotline=hotline).first()
    if checklist is None:
        return None
    rows = _item_rows(ChecklistItem.objects.visible_to(user).filter(checklist=checklist), today)
    measured = rules.progress(
        rules.ItemStatus(r.item.area, r.item.state, r.item.waiver_approved and bool(r.item.waiver_reason)) for r in rows
    )
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row.item.state] += 1
        counts["overdue"] += row.overdue
    valid = {key for key, _label in STATUS_FILTERS}
    status = status if status in valid else ""
    shown = [r for r in rows if not status or (r.overdue if status == "overdue" else r.item.state == status)]
    areas = []
    for area, _label in rules.AREAS:
        in_area = [r for r in shown if r.item.area == area]
        if area not in measured.by_area or (status and not in_area):
            continue
        areas.append(AreaBlock(area=area, label=rules.area_label(area), progress=measured.by_area[area], rows=in_area))

    def urgency(row: ItemRow) -> tuple:
        first = row.item.state in (rules.CHANGES_REQUESTED, rules.EXPIRED)
        return (not first, not row.overdue, row.item.due_on or date.max, row.item.template_item.sort_order)

    yours = sorted((r for r in rows if r.item.state in rules.CANDIDATE_TURN), key=urgency)
    ours = sorted(
        (r for r in rows if rules.awaits_us(r.item.state, waiver_approved=r.item.waiver_approved)),
        key=lambda r: r.item.submitted_at or r.item.waived_at or r.item.state_changed_at,
    )
    return ChecklistOverview(
        checklist=checklist,
        progress=measured.overall,
        areas=areas,
        yours=yours,
        ours=ours,
        status=status,
        counts=dict(counts),
    )


def checklist_progress(*, hotline: Hotline) -> rules.Progress | None:
    """Done over total for a hotline's checklist (None without one), in one query."""
    rows = list(
        ChecklistItem.objects.active()
        .filter(checklist__hotline=hotline)
        .values_list("template_item__area", "state", "waiver_reason", "waiver_approved_by_id")
    )
    if not rows:
        return None
    return rules.progress(
        rules.ItemStatus(area, state, bool(reason) and approver is not None) for area, state, reason, approver in rows
    ).overall


@dataclass(frozen=True)
class LinkedDocument:
    document: EvidenceDocument
    expired: bool


@dataclass(frozen=True)
class ItemPage:
    item: ChecklistItem
    hotline: Hotline
    actors: frozenset[str]
    documents: list[LinkedDocument]
    other_documents: list[EvidenceDocument]
    comments: list[ItemComment]
    events: list[ItemEvent]
    actions: list[str]
    overdue: bool

    @property
    def editable(self) -> bool:
        return rules.EDIT in self.actions

    @property
    def can_comment(self) -> bool:
        return bool(self.actors) and self.item.removed_at is None


def item_page(*, user: Any, item: ChecklistItem, today: date | None = None) -> ItemPage:
    """Everything the item page shows: guidance, evidence, other documents of the dossier to link,
    the thread, the history and the actions `user` may take. A fixed number of queries."""
    today = today or timezone.localdate()
    hotline = item.checklist.hotline
    actors = dossier_actors(user=user, hotline=hotline)
    linked = list(
        EvidenceDocument.objects.visible_to(user)
        .filter(links__item=item)
        .select_related("uploaded_by")
        .order_by("uploaded_at", "pk")
    )
    linked_ids = {d.pk for d in linked}
    others = [
        d
        for d in EvidenceDocument.objects.visible_to(user).filter(hotline=hotline).order_by("-uploaded_at", "pk")
        if d.pk not in linked_ids and not d.is_expired(today)
    ]
    facts = rules.ItemFacts(
        state=item.state,
        submitted_by=item.submitted_by_id,
        waived_by=item.waived_by_id,
        waiver_approved=item.waiver_approved,
    )
    actions = []
    if item.removed_at is None:
        for action in rules.actions_from(item.state, actors):
            if action.name == rules.EXPIRE:
                continue
            if action.not_by == rules.SUBMITTER and getattr(user, "pk", None) == facts.submitted_by:
                continue
            if action.not_by == rules.WAIVER and getattr(user, "pk", None) == facts.waived_by:
                continue
            if action.name == rules.APPROVE_WAIVER and facts.waiver_approved:
                continue
            actions.append(action.name)
    return ItemPage(
        item=item,
        hotline=hotline,
        actors=actors,
        documents=[LinkedDocument(d, d.is_expired(today)) for d in linked],
        other_documents=others,
        comments=list(ItemComment.objects.visible_to(user).filter(item=item).select_related("author")),
        events=list(ItemEvent.objects.visible_to(user).filter(item=item).select_related("actor")),
        actions=actions,
        overdue=item.is_overdue(today),
    )


# -- Review queue -----------------------------------------------------------------------------
AGE_FILTERS: tuple[tuple[str, int], ...] = (("7", 7), ("14", 14), ("30", 30))


def review_queue(
    *,
    user: Any,
    area: int | None = None,
    hotline_id: int | None = None,
    older_than_days: int | None = None,
    now: datetime | None = None,
) -> Any:
    """Submitted items awaiting review in the dossiers open to `user`, oldest submission first."""
    now = now or timezone.now()
    items = (
        ChecklistItem.objects.visible_to(user)
        .awaiting_review()
        .select_related("template_item", "checklist__hotline__country", "submitted_by")
        .annotate(evidence_count=Count("evidence_links", distinct=True))
        .order_by("submitted_at", "pk")
    )
    if area:
        items = items.filter(template_item__area=area)
    if hotline_id:
        items = items.filter(checklist__hotline_id=hotline_id)
    if older_than_days:
        items = items.filter(submitted_at__lte=now - timedelta(days=older_than_days))
    return items


def review_queue_candidates(*, user: Any) -> list[tuple[int, str]]:
    """The candidates with items awaiting review (for the queue's filter)."""
    return list(
        ChecklistItem.objects.visible_to(user)
        .awaiting_review()
        .values_list("checklist__hotline_id", "checklist__hotline__brand_name")
        .distinct()
        .order_by("checklist__hotline__brand_name")
    )


# -- Dossier (admin) --------------------------------------------------------------------------
@dataclass(frozen=True)
class DossierDocument:
    document: EvidenceDocument
    codes: list[str]
    expired: bool
    downloads: int


@dataclass(frozen=True)
class Dossier:
    hotline: Hotline
    overview: ChecklistOverview | None
    newer_template: ChecklistTemplate | None
    assignments: list[ReviewerAssignment]
    assessments: list[Assessment]
    documents: list[DossierDocument]


def dossier(*, user: Any, hotline: Hotline, today: date | None = None) -> Dossier:
    today = today or timezone.localdate()
    overview = checklist_overview(user=user, hotline=hotline, today=today)
    newer = None
    if overview is not None:
        current = overview.checklist.template
        newer = (
            ChecklistTemplate.objects.published()
            .filter(name=current.name, version__gt=current.version)
            .order_by("-version")
            .first()
        )
    documents = []
    for document in (
        EvidenceDocument.objects.visible_to(user)
        .filter(hotline=hotline)
        .prefetch_related("links__item")
        .annotate(download_count=Count("downloads", distinct=True))
        .select_related("uploaded_by")
        .order_by("-uploaded_at", "pk")
    ):
        documents.append(
            DossierDocument(
                document=document,
                codes=sorted(link.item.code for link in document.links.all()),
                expired=document.is_expired(today),
                downloads=document.download_count,
            )
        )
    return Dossier(
        hotline=hotline,
        overview=overview,
        newer_template=newer,
        assignments=list(
            ReviewerAssignment.objects.visible_to(user)
            .filter(hotline=hotline)
            .select_related("reviewer", "assigned_by")
        ),
        assessments=list(
            Assessment.objects.visible_to(user)
            .filter(hotline=hotline)
            .select_related("decision")
            .order_by("-starts_on", "-pk")
        ),
        documents=documents,
    )


# -- Assessment report ------------------------------------------------------------------------
def assessment_report_data(*, assessment: Assessment, today: date | None = None) -> Any:
    """The frozen snapshot `onboarding.pdf.build_assessment_report` turns into the report."""
    from onboarding import pdf

    today = today or timezone.localdate()
    hotline = assessment.hotline
    reviewers = tuple(
        pdf.ReviewerLine(
            name=assignment.reviewer.get_full_name() or assignment.reviewer.email,
            declared_on=timezone.localdate(assignment.coi_declared_at) if assignment.coi_declared_at else None,
        )
        for assignment in ReviewerAssignment.objects.filter(hotline=hotline, has_conflict=False)
        .select_related("reviewer")
        .order_by("reviewer__last_name", "reviewer__email")
    )
    findings = tuple(
        pdf.FindingLine(area=rules.area_label(f.area), rating=f.get_rating_display(), text=f.text)
        for f in Finding.objects.filter(assessment=assessment).order_by("area")
    )
    actions = tuple(
        pdf.ActionLine(
            title=a.title,
            area=rules.area_label(a.area) if a.area else "—",
            owner=a.owner,
            due_on=a.due_on,
            status=a.get_status_display(),
        )
        for a in CorrectiveAction.objects.filter(assessment=assessment).order_by("due_on", "pk")
    )
    decision = Decision.objects.filter(assessment=assessment).first()
    completed_by = assessment.report_completed_by
    return pdf.AssessmentReportData(
        reference=assessment.reference,
        hotline=hotline.brand_name,
        country=hotline.country.name,
        host_organisation=hotline.host_organisation.name,
        kind=assessment.get_kind_display(),
        mode=assessment.get_mode_display(),
        status=assessment.get_status_display(),
        starts_on=assessment.starts_on,
        ends_on=assessment.ends_on,
        recommendation=assessment.get_recommendation_display() if assessment.recommendation else "",
        summary=assessment.summary,
        completed_on=timezone.localdate(assessment.report_completed_at) if assessment.report_completed_at else None,
        completed_by=(completed_by.get_full_name() or completed_by.email) if completed_by else "",
        generated_on=today,
        reviewers=reviewers,
        findings=findings,
        corrective_actions=actions,
        decision=pdf.DecisionLine(
            body=decision.body,
            decided_on=decision.decided_on,
            minutes_reference=decision.minutes_reference,
            vote=decision.vote_text,
            outcome=decision.get_outcome_display(),
        )
        if decision
        else None,
        not_final=not assessment.is_completed,
    )


# -- Portal: corrective actions ---------------------------------------------------------------
def portal_corrective_actions(*, user: Any) -> list[CorrectiveAction]:
    return list(
        CorrectiveAction.objects.visible_to(user)
        .exclude(assessment__status=Assessment.Status.CANCELLED)
        .select_related("assessment__hotline")
        .annotate(evidence_count=Count("evidence", distinct=True))
        .order_by("status", "due_on", "pk")
    )
