"""The lifecycle table, without a database: every transition, every gate, roles, hold and resume."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from accounts.roles import Role
from network.models import Hotline, Sector
from onboarding import gates, workflow
from onboarding.workflow import CANDIDATE, STAFF, GateFacts, TransitionRefused

Stage = Hotline.Stage
TODAY = date(2026, 3, 1)
ALL_MET = GateFacts(
    host_organisation_confirmed=True,
    interactions_logged=1,
    country_assessment_recorded=True,
    held_roundtable_sectors=(frozenset({Sector.LAW_ENFORCEMENT, Sector.GOVERNMENT, Sector.INDUSTRY_ISP}),),
    le_mou_signed=True,
    letter_of_support_signed=True,
    first_year_funding_secured=True,
    code_of_practice_declared=True,
    analysts_with_core_training=2,
    analysts_with_core_and_content_training=2,
    host_due_diligence_accepted=True,
    legal_review_accepted=True,
    application_items_open=(),
    stage_items_open=(),
    reviewers_assigned=2,
    reviewers_without_coi_declaration=0,
    assessment_recommendation_recorded=True,
    decision_outcome=gates.DECISION_ADMIT,
    qa_review_passed=True,
)


def facts_for(transition: workflow.Transition) -> GateFacts:
    if transition.target == Stage.REJECTED:
        return replace(ALL_MET, decision_outcome=gates.DECISION_REJECT)
    return ALL_MET


def plan(name: str, stage: str, *, facts: GateFacts = ALL_MET, roles=(STAFF,), paused: str = "", **kwargs):
    kwargs.setdefault("reason", "Because.")
    kwargs.setdefault("today", TODAY)
    return workflow.plan(
        workflow.get_transition(name), stage=stage, paused_stage=paused, roles=roles, facts=facts, **kwargs
    )


# -- Gates ------------------------------------------------------------------------------------
GATE_CASES = [
    (workflow.host_organisation_recorded, {"host_organisation_confirmed": False}, "host organisation"),
    (workflow.first_interaction_logged, {"interactions_logged": 0}, "first interaction"),
    (workflow.country_assessment_recorded, {"country_assessment_recorded": False}, "country assessment"),
    (workflow.host_due_diligence_accepted, {"host_due_diligence_accepted": False}, "not been accepted"),
    (workflow.host_due_diligence_accepted, {"host_due_diligence_accepted": None}, "not recorded yet"),
    (workflow.roundtable_with_key_sectors, {"held_roundtable_sectors": ()}, "Hold a roundtable"),
    (workflow.law_enforcement_mou, {"le_mou_signed": False}, "memorandum of understanding"),
    (workflow.legal_review_accepted, {"legal_review_accepted": False}, "not been accepted"),
    (workflow.legal_review_accepted, {"legal_review_accepted": None}, "not recorded yet"),
    (workflow.letter_of_support, {"letter_of_support_signed": False}, "letter of support"),
    (workflow.first_year_funding, {"first_year_funding_secured": False}, "first operating year"),
    (workflow.application_checklist_complete, {"application_items_open": None}, "not recorded yet"),
    (workflow.application_checklist_complete, {"application_items_open": ("3.1 Legal opinion",)}, "3.1 Legal opinion"),
    (workflow.checklist_items_for_stakeholder_engagement, {"stage_items_open": None}, "not recorded yet"),
    (
        workflow.checklist_items_for_stakeholder_engagement,
        {"stage_items_open": (("stakeholder_engagement", ("1.2 Map of services",)),)},
        "1.2 Map of services",
    ),
    (workflow.checklist_items_for_operational_preparation, {"stage_items_open": None}, "Operational preparation"),
    (
        workflow.checklist_items_for_operational_preparation,
        {"stage_items_open": (("operational_preparation", ("8.1 Budget",)), ("full_member", ()))},
        "8.1 Budget",
    ),
    (
        workflow.checklist_items_for_full_member,
        {"stage_items_open": (("full_member", ("10.4 Incident plan", "13.3 Annual report")),)},
        "2 checklist items needed before “Full member”",
    ),
    (workflow.analysts_core_trained, {"analysts_with_core_training": 1}, "so far: 1"),
    (workflow.code_of_practice_declared, {"code_of_practice_declared": False}, "Code of Practice"),
    (workflow.reviewers_assigned_with_coi, {"reviewers_assigned": None}, "Assign reviewers"),
    (workflow.reviewers_assigned_with_coi, {"reviewers_assigned": 0}, "Assign reviewers"),
    (workflow.reviewers_assigned_with_coi, {"reviewers_without_coi_declaration": 1}, "conflict of interest"),
    (workflow.reviewers_assigned_with_coi, {"reviewers_conflicted": 1}, "assign someone else"),
    (workflow.assessment_report_with_recommendation, {"assessment_recommendation_recorded": None}, "recommendation"),
    (workflow.decision_to_admit, {"decision_outcome": None}, "minutes reference and vote"),
    (workflow.decision_to_admit, {"decision_outcome": gates.DECISION_REJECT}, "does not admit"),
    (workflow.decision_to_reject, {"decision_outcome": gates.DECISION_ADMIT}, "does not reject"),
    (workflow.quality_assurance_passed, {"qa_review_passed": None}, "none is recorded"),
    (workflow.quality_assurance_passed, {"qa_review_passed": False}, "not passed"),
    (workflow.core_and_content_training_done, {"analysts_with_core_and_content_training": 1}, "content-assessment"),
]


@pytest.mark.parametrize(("gate", "unmet", "words"), GATE_CASES, ids=lambda v: getattr(v, "__name__", None))
def test_each_gate_names_what_is_missing_and_passes_once_met(gate, unmet, words):
    met = replace(ALL_MET, decision_outcome=gates.DECISION_REJECT) if gate is workflow.decision_to_reject else ALL_MET
    assert gate(met) is None
    message = gate(replace(met, **unmet))
    assert message and words in message


def test_every_gate_is_covered_by_the_cases_and_fails_on_empty_facts():
    covered = {case[0] for case in GATE_CASES}
    assert set(workflow.ALL_GATES) == covered
    for gate in workflow.ALL_GATES:
        assert gate(GateFacts()), gate.__name__


def test_an_approved_alternative_replaces_the_law_enforcement_mou():
    facts = replace(ALL_MET, le_mou_signed=False, le_mou_alternative_approved=True)
    assert workflow.law_enforcement_mou(facts) is None


def test_roundtable_gate_needs_all_three_sectors_at_one_roundtable():
    split = (frozenset({Sector.LAW_ENFORCEMENT}), frozenset({Sector.GOVERNMENT, Sector.INDUSTRY_HOSTING}))
    message = workflow.roundtable_with_key_sectors(GateFacts(held_roundtable_sectors=split))
    assert "lacked: law enforcement" in message
    together = (frozenset({Sector.LAW_ENFORCEMENT, Sector.REGULATOR, Sector.INDUSTRY_MOBILE}),)
    assert workflow.roundtable_with_key_sectors(GateFacts(held_roundtable_sectors=together)) is None
    nobody = (frozenset(),)
    assert "law enforcement, government, industry" in workflow.roundtable_with_key_sectors(
        GateFacts(held_roundtable_sectors=nobody)
    )


def test_long_lists_of_open_checklist_items_are_shortened():
    items = tuple(f"Item {n}" for n in range(8))
    message = workflow.application_checklist_complete(GateFacts(application_items_open=items))
    assert message.startswith("8 checklist items") and "Item 4, …" in message and "Item 7" not in message


# -- Transitions ------------------------------------------------------------------------------
ALL_MOVES = [(t, source) for t in workflow.TRANSITIONS for source in t.sources]


@pytest.mark.parametrize(("transition", "source"), ALL_MOVES, ids=lambda v: getattr(v, "name", v))
def test_every_transition_moves_staff_from_each_source_when_its_gates_pass(transition, source):
    paused = Stage.OPERATIONAL_PREPARATION if source == Stage.ON_HOLD else Stage.FULL_MEMBER
    move = workflow.plan(
        transition,
        stage=source,
        paused_stage=paused if source in (Stage.ON_HOLD, Stage.SUSPENDED) else "",
        roles={STAFF},
        facts=facts_for(transition),
        reason="Agreed at the team meeting.",
        review_date=TODAY + timedelta(days=30) if transition.needs_review_date else None,
        today=TODAY,
    )
    assert move.from_stage == source
    assert move.to_stage == (transition.target or paused)
    assert move.paused_stage == (source if transition.remembers_stage else "")


@pytest.mark.parametrize("transition", [t for t in workflow.TRANSITIONS if t.gates], ids=lambda t: t.name)
def test_gated_transitions_list_every_unmet_gate(transition):
    with pytest.raises(TransitionRefused) as refused:
        workflow.plan(
            transition,
            stage=transition.sources[0],
            paused_stage="",
            roles={STAFF},
            facts=GateFacts(),
            reason="Try.",
            today=TODAY,
        )
    assert refused.value.code == TransitionRefused.GATES_UNMET
    assert len(refused.value.messages) == len(transition.gates)


@pytest.mark.parametrize("transition", workflow.TRANSITIONS, ids=lambda t: t.name)
def test_no_transition_starts_from_a_stage_outside_its_sources(transition):
    for stage in set(Stage.values) - set(transition.sources):
        with pytest.raises(TransitionRefused) as refused:
            workflow.plan(
                transition,
                stage=stage,
                paused_stage=Stage.EXPLORING,
                roles={STAFF},
                facts=facts_for(transition),
                reason="x",
                review_date=TODAY + timedelta(days=5),
                today=TODAY,
            )
        assert refused.value.code == TransitionRefused.NOT_FROM_HERE


def test_side_exits_follow_the_domain():
    def sources(name: str) -> set[str]:
        return set(workflow.get_transition(name).sources)

    assert sources("declare_not_feasible") == {Stage.FEASIBILITY_REVIEW}
    assert sources("withdraw") == set(Hotline.CANDIDATE_STAGES)
    assert sources("reject_application") == {Stage.DECISION_PENDING}
    assert sources("reopen_application") == {Stage.REJECTED}
    assert sources("suspend") == set(Hotline.MEMBER_STAGES)
    assert sources("reinstate") == {Stage.SUSPENDED}
    assert sources("put_on_hold") == set(Hotline.TRACK[:9])
    assert Stage.CEASED not in {s for t in workflow.TRANSITIONS for s in t.sources}


def test_every_stage_is_reachable_from_identified():
    reachable, frontier = {Stage.IDENTIFIED}, [Stage.IDENTIFIED]
    while frontier:
        stage = frontier.pop()
        for edge in workflow.edges():
            if edge.source == stage and edge.target not in reachable:
                reachable.add(edge.target)
                frontier.append(edge.target)
    assert reachable == set(Stage.values)


# -- Roles ------------------------------------------------------------------------------------
def test_only_network_staff_move_stages_except_the_candidate_submitting_its_application():
    for transition in workflow.TRANSITIONS:
        assert STAFF in transition.roles
        expected = {STAFF, CANDIDATE} if transition.name == "submit_application" else {STAFF}
        assert transition.roles == expected, transition.name


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.CAPACITY, Role.GRANTS, Role.EDITOR, CANDIDATE])
def test_other_roles_cannot_start_exploring(role):
    with pytest.raises(TransitionRefused) as refused:
        plan("start_exploring", Stage.IDENTIFIED, roles={str(role)})
    assert refused.value.code == TransitionRefused.NOT_PERMITTED


def test_the_candidate_may_submit_its_application_only_when_the_gates_pass():
    move = plan("submit_application", Stage.OPERATIONAL_PREPARATION, roles={CANDIDATE})
    assert move.to_stage == Stage.APPLICATION_SUBMITTED
    with pytest.raises(TransitionRefused) as refused:
        plan("submit_application", Stage.OPERATIONAL_PREPARATION, roles={CANDIDATE}, facts=GateFacts())
    assert refused.value.code == TransitionRefused.GATES_UNMET


def test_reviewers_cannot_submit_on_a_candidates_behalf():
    with pytest.raises(TransitionRefused):
        plan("submit_application", Stage.OPERATIONAL_PREPARATION, roles={str(Role.REVIEWER)})


# -- Hold, resume, suspend, reinstate ---------------------------------------------------------
@pytest.mark.parametrize("stage", Hotline.TRACK[:9])
def test_on_hold_remembers_the_stage_and_resumes_to_it(stage):
    held = plan("put_on_hold", stage, review_date=TODAY + timedelta(days=60))
    assert (held.to_stage, held.paused_stage, held.review_date) == (Stage.ON_HOLD, stage, TODAY + timedelta(days=60))
    resumed = plan("resume", Stage.ON_HOLD, paused=held.paused_stage, facts=GateFacts())
    assert (resumed.to_stage, resumed.paused_stage) == (stage, "")


def test_on_hold_needs_a_future_review_date():
    for review_date, words in [(None, "Give a date"), (TODAY, "in the future"), (TODAY - timedelta(days=1), "future")]:
        with pytest.raises(TransitionRefused) as refused:
            plan("put_on_hold", Stage.EXPLORING, review_date=review_date)
        assert refused.value.code == TransitionRefused.INVALID_INPUT
        assert words in refused.value.messages[0]


def test_resume_without_a_remembered_stage_is_refused():
    with pytest.raises(TransitionRefused) as refused:
        plan("resume", Stage.ON_HOLD, paused="")
    assert refused.value.code == TransitionRefused.INVALID_INPUT


def test_suspension_returns_to_the_member_stage_or_ends_in_ceased():
    suspended = plan("suspend", Stage.PROVISIONAL_MEMBER, review_date=TODAY + timedelta(days=90))
    assert suspended.paused_stage == Stage.PROVISIONAL_MEMBER
    assert plan("reinstate", Stage.SUSPENDED, paused=Stage.PROVISIONAL_MEMBER).to_stage == Stage.PROVISIONAL_MEMBER
    assert plan("cease", Stage.SUSPENDED, paused=Stage.PROVISIONAL_MEMBER).to_stage == Stage.CEASED


def test_a_reason_is_always_required():
    with pytest.raises(TransitionRefused) as refused:
        plan("withdraw", Stage.EXPLORING, reason="   ")
    assert refused.value.messages == ["Give the reason for this change."]


def test_rejected_candidates_may_reapply():
    assert plan("reject_application", Stage.DECISION_PENDING, facts=replace(ALL_MET, decision_outcome="reject"))
    assert plan("reopen_application", Stage.REJECTED).to_stage == Stage.OPERATIONAL_PREPARATION


# -- Phases, targets, next step ---------------------------------------------------------------
def test_stage_targets_follow_the_published_timeline():
    days = workflow.STAGE_TARGET_DAYS
    country_review = days[Stage.IDENTIFIED] + days[Stage.EXPLORING] + days[Stage.FEASIBILITY_REVIEW]
    assert country_review == 60  # months 1-2
    assert days[Stage.STAKEHOLDER_ENGAGEMENT] == 180  # months 2-8
    assert days[Stage.OPERATIONAL_PREPARATION] == 120  # months 8-12
    assert workflow.target_days(Stage.FULL_MEMBER) is None


def test_time_in_stage_against_target():
    late = workflow.time_in_stage(Stage.EXPLORING, 30)
    assert (late.target, late.over_target, late.days_over) == (21, True, 9)
    assert not workflow.time_in_stage(Stage.EXPLORING, 21).over_target
    assert not workflow.time_in_stage(Stage.ON_HOLD, 999).over_target


def test_progress_marks_phases_done_current_and_upcoming():
    states = [p.state for p in workflow.progress(Stage.STAKEHOLDER_ENGAGEMENT)]
    assert states == ["done", "current", "upcoming", "upcoming", "upcoming"]
    on_hold = [p.state for p in workflow.progress(Stage.ON_HOLD, Stage.OPERATIONAL_PREPARATION)]
    assert on_hold == ["done", "done", "current", "upcoming", "upcoming"]
    assert all(p.state == "done" for p in workflow.progress(Stage.FULL_MEMBER))


def test_next_transition_is_the_forward_move():
    assert workflow.next_transition(Stage.IDENTIFIED).target == Stage.EXPLORING
    assert workflow.next_transition(Stage.CHANGES_REQUESTED).target == Stage.UNDER_ASSESSMENT
    assert workflow.next_transition(Stage.ON_HOLD).name == "resume"
    assert workflow.next_transition(Stage.FULL_MEMBER) is None
    for stage in Hotline.TRACK[:-1]:
        assert workflow.next_transition(stage) is not None, stage


def test_the_diagram_draws_every_transition():
    diagram = workflow.mermaid_diagram()
    assert diagram.startswith("stateDiagram-v2")
    for transition in workflow.TRANSITIONS:
        assert f": {transition.name}" in diagram, transition.name


def test_counts_in_gate_messages_are_singular_or_plural():
    one = gates.application_checklist_complete(GateFacts(application_items_open=("1.1 Country context",)))
    assert one.startswith("1 checklist item still") and "items" not in one
    two = gates.application_checklist_complete(GateFacts(application_items_open=("A", "B")))
    assert two.startswith("2 checklist items still")
    waiting = gates.reviewers_assigned_with_coi(GateFacts(reviewers_assigned=2, reviewers_without_coi_declaration=1))
    assert waiting.startswith("1 assigned reviewer still has to declare")


def test_every_gate_says_where_it_is_put_right():
    from onboarding.gates import FIXED_AT, GATE_CHECKLIST_FACT, FixedAt, fixed_at

    assert set(FIXED_AT) == {gates.gate_name(gate) for gate in workflow.ALL_GATES}
    for gate in workflow.ALL_GATES:
        place = fixed_at(gate)
        if place == FixedAt.CHECKLIST_ITEM:
            assert gates.gate_name(gate) in GATE_CHECKLIST_FACT
