"""Reads of the lifecycle: who may move what and the next steps, the pipeline board, a candidate's
timeline, and the portal's view of a candidate's onboarding. Every function that serves a user starts
from `visible_to(user)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.access import has_role, is_authenticated, may, organisation_id_for
from accounts.roles import Role
from network.models import (
    Hotline,
)
from onboarding import workflow
from onboarding.models import (
    Agreement,
    Interaction,
    MouAlternative,
    Roundtable,
    RoundtableParticipant,
    StageChange,
)
from onboarding.selectors.common import Stage
from onboarding.selectors.facts import gate_facts, gate_facts_for
from onboarding.selectors.fixes import MissingLine, missing_lines


# -- Who may move what ------------------------------------------------------------------------
def workflow_roles_for(*, user: Any, hotline: Hotline) -> frozenset[str]:
    """The workflow roles `user` holds for `hotline`: network staff, and/or the candidate's own user."""
    if not is_authenticated(user):
        return frozenset()
    roles: set[str] = set()
    if has_role(user, Role.NETWORK_STAFF):
        roles.add(workflow.STAFF)
    if organisation_id_for(user) == hotline.host_organisation_id and may(user, "portal.edit"):
        roles.add(workflow.CANDIDATE)
    return frozenset(roles)


@dataclass(frozen=True)
class NextStep:
    transition: workflow.Transition
    target: str
    target_label: str
    missing: list[MissingLine]
    permitted: bool

    @property
    def ready(self) -> bool:
        return self.permitted and not self.missing


def next_steps(*, hotline: Hotline, user: Any, facts: workflow.GateFacts | None = None) -> list[NextStep]:
    """Every transition out of the hotline's stage, with what is missing (and where it is put right) and
    whether `user` may do it."""
    facts = facts if facts is not None else gate_facts(hotline=hotline)
    roles = workflow_roles_for(user=user, hotline=hotline)
    back = reverse("onboarding_admin:candidate", args=[hotline.pk])
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
                missing=missing_lines(transition=transition, facts=facts, hotline=hotline, user=user, back=back),
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


NO_LEAD = "none"


def lead_staff_choices() -> Any:
    """The people who may lead a candidate: active network staff (and superusers)."""
    from accounts.models import User

    return User.objects.filter(
        Q(groups__name=str(Role.NETWORK_STAFF)) | Q(is_superuser=True), is_active=True
    ).distinct()


def pipeline_board(
    *, user: Any, now: datetime | None = None, lead: Any = None, region: str = "", phase: str = ""
) -> list[BoardColumn]:
    """A column per active stage, a card per candidate. Constant queries whatever the number of candidates.

    Filters: `lead` (a user, or `NO_LEAD` for candidates nobody leads), `region` (a programme region of
    the candidate's country) and `phase` (a `workflow.PHASES` key: its stages' columns only, and the
    candidates on hold that paused in one of them)."""
    now = now or timezone.now()
    hotlines = Hotline.objects.visible_to(user).candidates()
    if lead == NO_LEAD:
        hotlines = hotlines.filter(lead_staff__isnull=True)
    elif lead is not None:
        hotlines = hotlines.filter(lead_staff=lead)
    if region:
        hotlines = hotlines.filter(country__programme_region=region)
    stages = workflow.ACTIVE_STAGES
    if phase:
        phase_stages = next(p.stages for p in workflow.PHASES if p.key == phase)
        stages = tuple(stage for stage in workflow.ACTIVE_STAGES if stage in phase_stages or stage == Stage.ON_HOLD)
        hotlines = hotlines.filter(Q(stage__in=phase_stages) | Q(stage=Stage.ON_HOLD, paused_stage__in=phase_stages))
    hotlines = list(
        hotlines.select_related("country", "lead_staff", "host_organisation").order_by("stage_entered_at", "brand_name")
    )
    facts = gate_facts_for(hotlines=hotlines, today=timezone.localdate(now))
    columns = {
        stage: BoardColumn(stage=stage, label=workflow.stage_label(stage), target_days=workflow.target_days(stage))
        for stage in stages
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
                ngettext("%(count)s organisation attended.", "%(count)s organisations attended.", roundtable.attended)
                % {"count": roundtable.attended}
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
