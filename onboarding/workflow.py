"""The hotline lifecycle as data: stages, phases, transitions, gates and who may move what.

Pure: no queries, no saves. The gates themselves (named checks of one frozen `GateFacts`, built by
`onboarding.selectors.gate_facts`) live in `onboarding.gates`; this module is the one table of which
gates each stage needs (`ENTRY_GATES`) and of the transitions. `plan()` answers whether a transition may happen
and where it leads, or raises `TransitionRefused` with every reason in plain words.

Invariants:
- One track from first contact to membership (`Hotline.TRACK`) plus side exits (not feasible,
  on hold, withdrawn, rejected, suspended, ceased).
- Entering a stage of the track (and `rejected`) needs that stage's gates (`ENTRY_GATES`);
  side exits and returns (hold, resume, withdraw, suspend, reinstate, cease) need none.
- On hold and suspended remember the stage they paused (`paused_stage`); resume and reinstate
  return to exactly that stage.
- Network staff move stages. A candidate's own users may submit the application, and nothing
  else. (Role names are `accounts.roles.Role` values; `CANDIDATE` means "a portal user
  affiliated to this hotline's host organisation".)
- Time in stage is measured against targets derived from the published hotline-creation
  timeline: country review months 1-2, stakeholder engagement months 2-8, training and
  preparation months 8-12, then the membership application.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Role
from network.models import Hotline
from onboarding.gates import (
    GateCheck,
    GateFacts,
    analysts_core_trained,
    application_checklist_complete,
    assessment_report_with_recommendation,
    checklist_items_for_full_member,
    checklist_items_for_operational_preparation,
    checklist_items_for_stakeholder_engagement,
    code_of_practice_declared,
    core_and_content_training_done,
    country_assessment_recorded,
    decision_to_admit,
    decision_to_reject,
    first_interaction_logged,
    first_year_funding,
    host_due_diligence_accepted,
    host_organisation_recorded,
    law_enforcement_mou,
    legal_review_accepted,
    letter_of_support,
    quality_assurance_passed,
    reviewers_assigned_with_coi,
    roundtable_with_key_sectors,
)

Stage = Hotline.Stage

STAFF = str(Role.NETWORK_STAFF)
# A portal user affiliated to the host organisation of the hotline being moved.
CANDIDATE = str(Role.HOTLINE_USER)

ACTIVE_STAGES: tuple[str, ...] = tuple(Hotline.CANDIDATE_STAGES)
# Stages a candidate can be put on hold from (every active stage but on hold itself).
PAUSABLE_STAGES: tuple[str, ...] = tuple(Hotline.TRACK[:9])
MEMBER_STAGES: tuple[str, ...] = tuple(Hotline.MEMBER_STAGES)
ENDED_STAGES: tuple[str, ...] = tuple(Hotline.ENDED_STAGES)


# What entering each stage requires (DOMAIN: "Gates").
ENTRY_GATES: dict[str, tuple[GateCheck, ...]] = {
    Stage.EXPLORING: (host_organisation_recorded, first_interaction_logged),
    Stage.STAKEHOLDER_ENGAGEMENT: (
        country_assessment_recorded,
        host_due_diligence_accepted,
        checklist_items_for_stakeholder_engagement,
    ),
    Stage.OPERATIONAL_PREPARATION: (
        roundtable_with_key_sectors,
        law_enforcement_mou,
        legal_review_accepted,
        letter_of_support,
        first_year_funding,
        checklist_items_for_operational_preparation,
    ),
    Stage.APPLICATION_SUBMITTED: (application_checklist_complete, analysts_core_trained, code_of_practice_declared),
    Stage.UNDER_ASSESSMENT: (reviewers_assigned_with_coi,),
    Stage.DECISION_PENDING: (assessment_report_with_recommendation,),
    Stage.PROVISIONAL_MEMBER: (decision_to_admit,),
    Stage.REJECTED: (decision_to_reject,),
    Stage.FULL_MEMBER: (quality_assurance_passed, core_and_content_training_done, checklist_items_for_full_member),
}

ALL_GATES: tuple[GateCheck, ...] = tuple(dict.fromkeys(g for gates in ENTRY_GATES.values() for g in gates))


# -- Transitions ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Transition:
    """A named move: from any of `sources` to `target` (None: back to the paused stage)."""

    name: str
    label: str
    sources: tuple[str, ...]
    target: str | None
    roles: frozenset[str]
    gates: tuple[GateCheck, ...] = ()
    # Forward along the track (what "the next stage" means to staff and candidates).
    forward: bool = False
    # On hold and suspended: remember the stage left, to return to it.
    remembers_stage: bool = False
    needs_review_date: bool = False
    # A correction of an admission: the hotline never joined after all (its joining date is cleared).
    clears_membership: bool = False
    # Taken only by a service (a decision's correction), never offered on the candidate page.
    by_service_only: bool = False
    help: str = ""

    def target_from(self, paused_stage: str) -> str:
        return self.target if self.target is not None else paused_stage


def _t(
    name: str,
    label: str,
    sources: Iterable[str],
    target: str | None,
    *,
    roles: Iterable[str] = (STAFF,),
    forward: bool = False,
    remembers_stage: bool = False,
    needs_review_date: bool = False,
    clears_membership: bool = False,
    help: str = "",
) -> Transition:
    return Transition(
        name=name,
        label=label,
        sources=tuple(sources),
        target=target,
        roles=frozenset(roles),
        gates=ENTRY_GATES.get(target, ()) if target is not None else (),
        forward=forward,
        remembers_stage=remembers_stage,
        needs_review_date=needs_review_date,
        clears_membership=clears_membership,
        by_service_only=clears_membership or name.startswith("correct_decision"),
        help=help,
    )


TRANSITIONS: tuple[Transition, ...] = (
    _t("start_exploring", gettext_lazy("Start exploring"), [Stage.IDENTIFIED], Stage.EXPLORING, forward=True),
    _t(
        "start_feasibility_review",
        gettext_lazy("Start the feasibility review"),
        [Stage.EXPLORING],
        Stage.FEASIBILITY_REVIEW,
        forward=True,
    ),
    _t(
        "start_stakeholder_engagement",
        gettext_lazy("Feasible: start stakeholder engagement"),
        [Stage.FEASIBILITY_REVIEW],
        Stage.STAKEHOLDER_ENGAGEMENT,
        forward=True,
    ),
    _t(
        "declare_not_feasible",
        gettext_lazy("Declare not feasible"),
        [Stage.FEASIBILITY_REVIEW],
        Stage.NOT_FEASIBLE,
        help=gettext_lazy("The review found that a hotline cannot be set up in this country now."),
    ),
    _t(
        "start_operational_preparation",
        gettext_lazy("Start operational preparation"),
        [Stage.STAKEHOLDER_ENGAGEMENT],
        Stage.OPERATIONAL_PREPARATION,
        forward=True,
    ),
    _t(
        "submit_application",
        gettext_lazy("Submit the membership application"),
        [Stage.OPERATIONAL_PREPARATION],
        Stage.APPLICATION_SUBMITTED,
        roles=(STAFF, CANDIDATE),
        forward=True,
    ),
    _t(
        "start_assessment",
        gettext_lazy("Start the assessment"),
        [Stage.APPLICATION_SUBMITTED],
        Stage.UNDER_ASSESSMENT,
        forward=True,
    ),
    _t(
        "request_changes",
        gettext_lazy("Request changes"),
        [Stage.UNDER_ASSESSMENT],
        Stage.CHANGES_REQUESTED,
        help=gettext_lazy("The assessment found things the candidate must change first."),
    ),
    _t(
        "resume_assessment",
        gettext_lazy("Changes made: resume the assessment"),
        [Stage.CHANGES_REQUESTED],
        Stage.UNDER_ASSESSMENT,
        forward=True,
    ),
    _t(
        "complete_assessment",
        gettext_lazy("Assessment complete: await the decision"),
        [Stage.UNDER_ASSESSMENT],
        Stage.DECISION_PENDING,
        forward=True,
    ),
    _t(
        "admit_provisional_member",
        gettext_lazy("Admit as provisional member"),
        [Stage.DECISION_PENDING],
        Stage.PROVISIONAL_MEMBER,
        forward=True,
    ),
    _t(
        "reject_application",
        gettext_lazy("Reject the application"),
        [Stage.DECISION_PENDING],
        Stage.REJECTED,
        help=gettext_lazy("The candidate may prepare a new application later."),
    ),
    _t(
        "correct_decision_to_reject",
        gettext_lazy("Correct the decision: application rejected"),
        [Stage.PROVISIONAL_MEMBER],
        Stage.REJECTED,
        clears_membership=True,
        help=gettext_lazy("Only through a correction of the recorded membership decision."),
    ),
    _t(
        "correct_decision_to_admit",
        gettext_lazy("Correct the decision: admitted"),
        [Stage.REJECTED],
        Stage.PROVISIONAL_MEMBER,
        help=gettext_lazy("Only through a correction of the recorded membership decision."),
    ),
    _t(
        "reopen_application",
        gettext_lazy("Re-apply: back to operational preparation"),
        [Stage.REJECTED],
        Stage.OPERATIONAL_PREPARATION,
        help=gettext_lazy("A rejected candidate prepares a new application."),
    ),
    _t(
        "confirm_full_membership",
        gettext_lazy("Confirm full membership"),
        [Stage.PROVISIONAL_MEMBER],
        Stage.FULL_MEMBER,
        forward=True,
    ),
    _t(
        "put_on_hold",
        gettext_lazy("Put on hold"),
        PAUSABLE_STAGES,
        Stage.ON_HOLD,
        remembers_stage=True,
        needs_review_date=True,
        help=gettext_lazy("Pause the candidate; it resumes in the stage it was paused in."),
    ),
    _t(
        "resume",
        gettext_lazy("Resume"),
        [Stage.ON_HOLD],
        None,
        forward=True,
        help=gettext_lazy("Back to the stage the candidate was paused in."),
    ),
    _t(
        "withdraw",
        gettext_lazy("Withdraw"),
        ACTIVE_STAGES,
        Stage.WITHDRAWN,
        help=gettext_lazy("The candidate or the association stops the onboarding."),
    ),
    _t(
        "suspend",
        gettext_lazy("Suspend membership"),
        MEMBER_STAGES,
        Stage.SUSPENDED,
        remembers_stage=True,
        needs_review_date=True,
    ),
    _t(
        "reinstate",
        gettext_lazy("Reinstate membership"),
        [Stage.SUSPENDED],
        None,
        help=gettext_lazy("Back to the member stage the hotline was suspended from."),
    ),
    _t(
        "cease",
        gettext_lazy("End the membership"),
        [*MEMBER_STAGES, Stage.SUSPENDED],
        Stage.CEASED,
    ),
)

_BY_NAME: dict[str, Transition] = {t.name: t for t in TRANSITIONS}
assert len(_BY_NAME) == len(TRANSITIONS), "transition names must be unique"


def get_transition(name: str) -> Transition | None:
    return _BY_NAME.get(name)


def transitions_from(stage: str) -> list[Transition]:
    """Every transition that can start in `stage`, in declaration order."""
    return [t for t in TRANSITIONS if stage in t.sources]


def next_transition(stage: str) -> Transition | None:
    """The forward move out of `stage` (what "the next stage" means), if there is one."""
    return next((t for t in transitions_from(stage) if t.forward), None)


def is_permitted(transition: Transition, roles: Iterable[str]) -> bool:
    return bool(transition.roles & set(roles))


def unmet_gates(transition: Transition, facts: GateFacts) -> list[str]:
    """The human messages of every gate of `transition` that `facts` do not satisfy."""
    return [message for _gate, message in unmet_gate_checks(transition, facts)]


def unmet_gate_checks(transition: Transition, facts: GateFacts) -> list[tuple[GateCheck, str]]:
    """Each gate of `transition` that `facts` do not satisfy, with its message."""
    return [(gate, message) for gate in transition.gates if (message := gate(facts))]


# -- Applying ---------------------------------------------------------------------------------
class TransitionRefused(Exception):
    """A transition cannot happen; `messages` say why, `code` says which kind of refusal."""

    NOT_PERMITTED = "not_permitted"
    NOT_FROM_HERE = "not_from_here"
    GATES_UNMET = "gates_unmet"
    INVALID_INPUT = "invalid_input"

    def __init__(self, code: str, messages: list[str]) -> None:
        super().__init__(" ".join(messages))
        self.code = code
        self.messages = messages


@dataclass(frozen=True)
class Move:
    """The outcome of a permitted transition: the new stage and the stage to remember."""

    transition: Transition
    from_stage: str
    to_stage: str
    paused_stage: str
    review_date: date | None


def plan(
    transition: Transition,
    *,
    stage: str,
    paused_stage: str,
    roles: Iterable[str],
    facts: GateFacts,
    reason: str,
    review_date: date | None = None,
    today: date,
) -> Move:
    """Check everything about one transition; return the move or raise `TransitionRefused`."""
    if not is_permitted(transition, roles):
        raise TransitionRefused(
            TransitionRefused.NOT_PERMITTED,
            [_("You are not allowed to “%(transition)s”.") % {"transition": transition.label}],
        )
    if stage not in transition.sources:
        raise TransitionRefused(
            TransitionRefused.NOT_FROM_HERE,
            [
                _("“%(transition)s” is not possible from the stage %(stage)s.")
                % {"transition": transition.label, "stage": stage_label(stage)}
            ],
        )
    problems: list[str] = []
    if not reason.strip():
        problems.append(_("Give the reason for this change."))
    if transition.needs_review_date:
        if review_date is None:
            problems.append(_("Give a date by which to review this decision."))
        elif review_date <= today:
            problems.append(_("The review date must be in the future."))
    elif review_date is not None and review_date < today:
        problems.append(_("The review date must not be in the past."))
    target = transition.target_from(paused_stage)
    if not target:
        problems.append(_("The stage to return to is not known; choose the stage explicitly with staff help."))
    if problems:
        raise TransitionRefused(TransitionRefused.INVALID_INPUT, problems)
    missing = unmet_gates(transition, facts)
    if missing:
        raise TransitionRefused(TransitionRefused.GATES_UNMET, missing)
    return Move(
        transition=transition,
        from_stage=stage,
        to_stage=target,
        paused_stage=stage if transition.remembers_stage else "",
        review_date=review_date,
    )


# -- Phases and targets -----------------------------------------------------------------------
@dataclass(frozen=True)
class Phase:
    key: str
    label: str
    months: str
    stages: tuple[str, ...]


PHASES: tuple[Phase, ...] = (
    Phase(
        "country_review",
        gettext_lazy("Country review"),
        gettext_lazy("months 1-2"),
        (Stage.IDENTIFIED, Stage.EXPLORING, Stage.FEASIBILITY_REVIEW),
    ),
    Phase(
        "stakeholder_engagement",
        gettext_lazy("Building foundations: stakeholder engagement"),
        gettext_lazy("months 2-8"),
        (Stage.STAKEHOLDER_ENGAGEMENT,),
    ),
    Phase(
        "training_preparation",
        gettext_lazy("Training and preparation"),
        gettext_lazy("months 8-12"),
        (Stage.OPERATIONAL_PREPARATION,),
    ),
    Phase(
        "membership_application",
        gettext_lazy("Membership application"),
        gettext_lazy("after month 12"),
        (Stage.APPLICATION_SUBMITTED, Stage.UNDER_ASSESSMENT, Stage.CHANGES_REQUESTED, Stage.DECISION_PENDING),
    ),
    Phase(
        "membership",
        gettext_lazy("Membership"),
        gettext_lazy("provisional, then full"),
        (Stage.PROVISIONAL_MEMBER, Stage.FULL_MEMBER),
    ),
)

# Days a candidate is expected to spend in each stage. The first three phases split the
# published timeline (2 + 6 + 4 months); the application stages and the provisional year are
# the association's working targets. Stages without a target are absent.
STAGE_TARGET_DAYS: dict[str, int] = {
    Stage.IDENTIFIED: 14,
    Stage.EXPLORING: 21,
    Stage.FEASIBILITY_REVIEW: 25,
    Stage.STAKEHOLDER_ENGAGEMENT: 180,
    Stage.OPERATIONAL_PREPARATION: 120,
    Stage.APPLICATION_SUBMITTED: 30,
    Stage.UNDER_ASSESSMENT: 60,
    Stage.CHANGES_REQUESTED: 45,
    Stage.DECISION_PENDING: 30,
    Stage.PROVISIONAL_MEMBER: 365,
}


def stage_label(stage: str) -> str:
    try:
        return str(Stage(stage).label)
    except ValueError:
        return stage


def target_days(stage: str) -> int | None:
    return STAGE_TARGET_DAYS.get(stage)


@dataclass(frozen=True)
class TimeInStage:
    days: int
    target: int | None

    @property
    def over_target(self) -> bool:
        return self.target is not None and self.days > self.target

    @property
    def days_over(self) -> int:
        return max(0, self.days - self.target) if self.target is not None else 0


def time_in_stage(stage: str, days: int) -> TimeInStage:
    return TimeInStage(days=max(0, days), target=target_days(stage))


def phase_of(stage: str) -> Phase | None:
    return next((phase for phase in PHASES if stage in phase.stages), None)


@dataclass(frozen=True)
class PhaseProgress:
    phase: Phase
    state: str  # "done", "current" or "upcoming"


def progress(stage: str, paused_stage: str = "") -> list[PhaseProgress]:
    """Each phase as done, current or upcoming, for a hotline in `stage` (on hold: where it paused)."""
    where = paused_stage if stage in (Stage.ON_HOLD, Stage.SUSPENDED) and paused_stage else stage
    current = phase_of(where)
    if current is None:
        return [PhaseProgress(phase, "upcoming") for phase in PHASES]
    index = PHASES.index(current)
    result = []
    for i, phase in enumerate(PHASES):
        state = "done" if i < index else "current" if i == index else "upcoming"
        if where == Stage.FULL_MEMBER and phase.key == "membership":
            state = "done"
        result.append(PhaseProgress(phase, state))
    return result


# -- Diagram ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str
    gated: bool = False


def edges() -> list[Edge]:
    """Every (source, target) move of the lifecycle; returns to a paused stage fan out."""
    result: list[Edge] = []
    for transition in TRANSITIONS:
        for source in transition.sources:
            if transition.target is not None:
                result.append(Edge(source, transition.target, transition.name, bool(transition.gates)))
            elif source == Stage.ON_HOLD:
                result.extend(Edge(source, back, transition.name) for back in PAUSABLE_STAGES)
            elif source == Stage.SUSPENDED:
                result.extend(Edge(source, back, transition.name) for back in MEMBER_STAGES)
    return result


def mermaid_diagram() -> str:
    """The lifecycle as a Mermaid state diagram, generated from `TRANSITIONS`.

    Put on hold and withdraw start from every active stage: they are drawn once, from a
    pseudo-state standing for all of them; resume and reinstate return to the remembered stage.
    """
    lines = ["stateDiagram-v2", "    direction TB", f"    [*] --> {Stage.IDENTIFIED}"]
    seen: set[tuple[str, str]] = set()
    for edge in edges():
        if edge.label in ("put_on_hold", "withdraw", "resume") or (edge.source, edge.target) in seen:
            continue
        seen.add((edge.source, edge.target))
        lines.append(f"    {edge.source} --> {edge.target}: {edge.label}{' (gated)' if edge.gated else ''}")
    lines += [
        '    state "any active stage" as active_stages',
        '    state "the stage it was paused in" as paused_stage',
        f"    active_stages --> {Stage.ON_HOLD}: put_on_hold",
        f"    {Stage.ON_HOLD} --> paused_stage: resume",
        f"    active_stages --> {Stage.WITHDRAWN}: withdraw",
    ]
    lines += [f"    {stage} --> [*]" for stage in ENDED_STAGES if not transitions_from(stage)]
    return "\n".join(lines)
