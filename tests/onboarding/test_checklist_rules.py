"""The checklist's state rules, without a database: every action from every state, four eyes,
required text and evidence, locking, version comparison and progress."""

from __future__ import annotations

from datetime import date

import pytest

from onboarding import checklist_rules as rules
from onboarding.checklist_rules import ItemActionRefused, ItemFacts

ALL_STATES = [state for state, _label in rules.STATES]
SUBMITTER, REVIEWER_ID, STAFF_ID, STAFF2_ID = 1, 2, 3, 4

# (action, from, to) for every move the table allows; anything else is refused.
ALLOWED = {
    ("edit", "not_started"): "in_progress",
    ("edit", "in_progress"): "in_progress",
    ("edit", "changes_requested"): "changes_requested",
    ("edit", "expired"): "in_progress",
    ("submit", "not_started"): "submitted",
    ("submit", "in_progress"): "submitted",
    ("submit", "changes_requested"): "submitted",
    ("submit", "expired"): "submitted",
    ("withdraw", "submitted"): "in_progress",
    ("accept", "submitted"): "accepted",
    ("request_changes", "submitted"): "changes_requested",
    ("request_changes", "accepted"): "changes_requested",
    ("waive", "not_started"): "waived",
    ("waive", "in_progress"): "waived",
    ("waive", "submitted"): "waived",
    ("waive", "changes_requested"): "waived",
    ("waive", "expired"): "waived",
    ("approve_waiver", "waived"): "waived",
    ("decline_waiver", "waived"): "in_progress",
    ("expire", "accepted"): "expired",
    ("expire", "submitted"): "expired",
}
ACTOR_FOR = {
    "edit": (rules.CANDIDATE, SUBMITTER),
    "submit": (rules.CANDIDATE, SUBMITTER),
    "withdraw": (rules.CANDIDATE, SUBMITTER),
    "accept": (rules.REVIEWER, REVIEWER_ID),
    "request_changes": (rules.REVIEWER, REVIEWER_ID),
    "waive": (rules.STAFF, STAFF_ID),
    "approve_waiver": (rules.STAFF, STAFF2_ID),
    "decline_waiver": (rules.STAFF, STAFF_ID),
    "expire": (rules.SYSTEM, None),
}


def plan(action: str, state: str, *, actor: str | None = None, user: int | None = None, text: str = "x", **facts):
    default_actor, default_user = ACTOR_FOR[action]
    facts.setdefault("submitted_by", SUBMITTER)
    facts.setdefault("waived_by", STAFF_ID)
    facts.setdefault("has_answer", True)  # an answer is saved (an empty answer-only item is refused below)
    return rules.plan_item_action(
        action,
        item=ItemFacts(state=state, **facts),
        actors={actor or default_actor},
        acting_user=user if user is not None else default_user,
        text=text,
    )


@pytest.mark.parametrize("state", ALL_STATES)
@pytest.mark.parametrize("action", [a.name for a in rules.ITEM_ACTIONS])
def test_every_action_from_every_state_follows_the_table(action, state):
    expected = ALLOWED.get((action, state))
    if expected is None:
        with pytest.raises(ItemActionRefused) as refused:
            plan(action, state)
        assert refused.value.code == ItemActionRefused.NOT_FROM_HERE
        assert rules.state_label(state) in refused.value.messages[0]
    else:
        assert plan(action, state) == expected


def test_the_main_path_and_the_loop_back():
    state = "not_started"
    for action in ("edit", "submit", "request_changes", "edit", "submit", "accept"):
        state = plan(action, state)
    assert state == "accepted"


@pytest.mark.parametrize(
    ("action", "state", "actor"),
    [
        ("accept", "submitted", rules.CANDIDATE),  # the candidate cannot accept its own work
        ("request_changes", "submitted", rules.CANDIDATE),
        ("waive", "in_progress", rules.REVIEWER),  # waivers are for network staff only
        ("waive", "in_progress", rules.CANDIDATE),
        ("approve_waiver", "waived", rules.REVIEWER),
        ("submit", "in_progress", rules.REVIEWER),  # reviewers do not answer for the candidate
        ("edit", "in_progress", rules.REVIEWER),
        ("expire", "accepted", rules.STAFF),  # only the expiry of evidence expires an item
    ],
)
def test_actions_are_refused_to_the_wrong_actor(action, state, actor):
    with pytest.raises(ItemActionRefused) as refused:
        plan(action, state, actor=actor, user=99)
    assert refused.value.code == ItemActionRefused.NOT_PERMITTED


def test_staff_may_act_for_the_candidate_and_as_reviewer():
    assert plan("submit", "in_progress", actor=rules.STAFF, user=STAFF_ID) == "submitted"
    assert plan("accept", "submitted", actor=rules.STAFF, user=STAFF2_ID) == "accepted"


@pytest.mark.parametrize("action", ["accept", "request_changes"])
def test_four_eyes_the_submitter_cannot_review(action):
    with pytest.raises(ItemActionRefused) as refused:
        plan(action, "submitted", actor=rules.STAFF, user=SUBMITTER)
    assert refused.value.code == ItemActionRefused.INVALID
    assert "another person must review it" in refused.value.messages[0]
    assert plan(action, "submitted", actor=rules.STAFF, user=STAFF2_ID)


def test_four_eyes_the_waiver_needs_another_staff_member():
    with pytest.raises(ItemActionRefused, match="another staff member must approve"):
        plan("approve_waiver", "waived", user=STAFF_ID)
    assert plan("approve_waiver", "waived", user=STAFF2_ID) == "waived"
    with pytest.raises(ItemActionRefused, match="already approved"):
        plan("approve_waiver", "waived", user=STAFF2_ID, waiver_approved=True)


@pytest.mark.parametrize(
    ("action", "state", "words"),
    [
        ("request_changes", "submitted", "Say what needs to change"),
        ("waive", "in_progress", "reason for the waiver"),
        ("decline_waiver", "waived", "Say why"),
    ],
)
def test_text_is_required_where_it_matters(action, state, words):
    with pytest.raises(ItemActionRefused) as refused:
        plan(action, state, text="   ")
    assert words in refused.value.messages[0]


def test_submitting_needs_current_evidence_when_the_item_requires_it():
    with pytest.raises(ItemActionRefused, match="needs evidence"):
        plan("submit", "in_progress", evidence_required=True, current_evidence=0)
    assert plan("submit", "in_progress", evidence_required=True, current_evidence=1) == "submitted"
    assert plan("submit", "in_progress", evidence_required=False, current_evidence=0) == "submitted"
    with pytest.raises(ItemActionRefused, match="This item is empty"):
        plan("submit", "in_progress", evidence_required=False, current_evidence=0, has_answer=False)


def test_every_problem_is_named_at_once():
    with pytest.raises(ItemActionRefused) as refused:
        plan("request_changes", "submitted", actor=rules.STAFF, user=SUBMITTER, text="")
    assert len(refused.value.messages) == 2


def test_locked_states_offer_the_candidate_no_edit():
    for state in rules.LOCKED_FOR_CANDIDATE:
        assert rules.EDIT not in [a.name for a in rules.actions_from(state, {rules.CANDIDATE})]
    assert {a.name for a in rules.actions_from("changes_requested", {rules.CANDIDATE})} == {"edit", "submit"}
    assert {a.name for a in rules.actions_from("submitted", {rules.REVIEWER})} == {"accept", "request_changes"}


def test_done_overdue_and_whose_turn():
    assert rules.is_done("accepted")
    assert not rules.is_done("waived") and rules.is_done("waived", waiver_approved=True)
    assert not rules.is_done("submitted")
    today = date(2026, 3, 1)
    assert rules.is_overdue("in_progress", date(2026, 2, 28), today)
    assert not rules.is_overdue("submitted", date(2026, 2, 28), today)  # with the reviewers
    assert not rules.is_overdue("in_progress", date(2026, 3, 1), today)
    assert not rules.is_overdue("in_progress", None, today)
    assert (
        rules.awaits_us("submitted")
        and rules.awaits_us("waived")
        and not rules.awaits_us("waived", waiver_approved=True)
    )


def spec(code: str, **changes) -> rules.TemplateItemSpec:
    values = {
        "code": code,
        "area": 1,
        "title": f"Item {code}",
        "guidance": "<p>Guidance</p>",
        "evidence_required": True,
        "gates_stage": "application_submitted",
        "due_days": 30,
    }
    values.update(changes)
    return rules.TemplateItemSpec(**values)


def test_versions_are_compared_by_code():
    old = [spec("1.1"), spec("1.2"), spec("1.3"), spec("1.4")]
    new = [spec("1.1"), spec("1.2", title="Renamed"), spec("1.3", due_days=60), spec("1.5")]
    diff = rules.compare_versions(old, new)
    assert diff.added == ("1.5",) and diff.removed == ("1.4",) and diff.unchanged == ("1.1",)
    assert [(c.code, c.fields) for c in diff.changed] == [("1.2", ("title",)), ("1.3", ("due_days",))]
    assert diff.reopened == ("1.2",)  # a due date change just applies
    assert rules.compare_versions(old, old).is_empty


@pytest.mark.parametrize(
    ("state", "substantive", "after"),
    [
        ("accepted", True, "in_progress"),
        ("submitted", True, "in_progress"),
        ("waived", True, "in_progress"),
        ("changes_requested", True, "changes_requested"),
        ("not_started", True, "not_started"),
        ("accepted", False, "accepted"),
    ],
)
def test_a_changed_question_is_worked_on_again(state, substantive, after):
    assert rules.state_after_version_move(state, substantive_change=substantive) == after


def test_progress_overall_and_per_area():
    measured = rules.progress(
        [
            rules.ItemStatus(1, "accepted"),
            rules.ItemStatus(1, "submitted"),
            rules.ItemStatus(2, "waived", waiver_approved=True),
            rules.ItemStatus(2, "waived"),
            rules.ItemStatus(3, "not_started"),
        ]
    )
    assert (measured.overall.done, measured.overall.total, measured.overall.percent) == (2, 5, 40)
    assert {area: (p.done, p.total) for area, p in measured.by_area.items()} == {1: (1, 2), 2: (1, 2), 3: (0, 1)}
    assert rules.Progress(0, 0).percent == 0 and not rules.Progress(0, 0).complete


def test_fourteen_areas_and_work_stages():
    assert [area for area, _label in rules.AREAS] == list(range(1, 15))
    assert rules.work_stage_for("application_submitted") == "operational_preparation"
    assert rules.work_stage_for("full_member") == "provisional_member"
    assert rules.area_label(14) == "14. Membership formalities"
