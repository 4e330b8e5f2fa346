"""The onboarding checklist as data: the 14 areas, item states, the actions that move an item, what
counts as done, how a new template version compares with the old one, and progress.

Pure: no queries, no saves. `plan_item_action` answers whether one action may happen to one item
and what state follows, or raises `ItemActionRefused` naming every reason in plain words. The
services apply its answer (row lock, history, audit, emails).

Invariants:
- An item moves not_started -> in_progress -> submitted -> accepted or changes_requested
  (-> submitted again). Staff may waive an item (a reason is required); a waiver counts only once
  a second staff member approves it. An accepted or submitted item whose evidence expires becomes
  expired and must be submitted again.
- A submitted, accepted or waived item is locked for the candidate: answer and evidence change only
  after changes are requested (or the waiver is declined).
- Four eyes: whoever submitted an item cannot review it (accept or request changes); whoever waived
  it cannot approve the waiver.
- Due dates count from the day the candidate entered the stage in which the work is done: the stage
  before the one the item gates (`WORK_STAGE`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from network.models import Hotline

Stage = Hotline.Stage

# -- Areas ------------------------------------------------------------------------------------
AREAS: tuple[tuple[int, str], ...] = (
    (1, gettext_lazy("Country context and feasibility")),
    (2, gettext_lazy("Host organisation and governance")),
    (3, gettext_lazy("Legal framework")),
    (4, gettext_lazy("Law-enforcement cooperation (MoU)")),
    (5, gettext_lazy("Government and policy support")),
    (6, gettext_lazy("Industry cooperation (notice-and-takedown)")),
    (7, gettext_lazy("Stakeholder engagement")),
    (8, gettext_lazy("Funding and sustainability")),
    (9, gettext_lazy("Operations and procedures")),
    (10, gettext_lazy("Technology and security")),
    (11, gettext_lazy("Data protection")),
    (12, gettext_lazy("People, training and welfare")),
    (13, gettext_lazy("Communications and awareness")),
    (14, gettext_lazy("Membership formalities")),
)
AREA_LABELS: dict[int, str] = dict(AREAS)


def area_label(area: int) -> str:
    return f"{area}. {AREA_LABELS[area]}" if area in AREA_LABELS else str(area)


# -- Stages an item can gate ------------------------------------------------------------------
# The stage an item gates -> the stage in which the candidate works on it (its due date counts from
# the day the candidate entered that stage).
WORK_STAGE: dict[str, str] = {
    Stage.STAKEHOLDER_ENGAGEMENT: Stage.FEASIBILITY_REVIEW,
    Stage.OPERATIONAL_PREPARATION: Stage.STAKEHOLDER_ENGAGEMENT,
    Stage.APPLICATION_SUBMITTED: Stage.OPERATIONAL_PREPARATION,
    Stage.FULL_MEMBER: Stage.PROVISIONAL_MEMBER,
}
GATED_STAGES: tuple[str, ...] = tuple(WORK_STAGE)
# Items for these stages must all be done before the application (its gate lists them together).
UP_TO_APPLICATION: tuple[str, ...] = (
    Stage.STAKEHOLDER_ENGAGEMENT,
    Stage.OPERATIONAL_PREPARATION,
    Stage.APPLICATION_SUBMITTED,
)

# Items the lifecycle gates name one by one (DOMAIN: "host due diligence item accepted", "legal review accepted").
GATE_FACT_HOST_DUE_DILIGENCE = "host_due_diligence"
GATE_FACT_LEGAL_REVIEW = "legal_review"
GATE_FACTS: tuple[tuple[str, str], ...] = (
    (GATE_FACT_HOST_DUE_DILIGENCE, gettext_lazy("Host organisation due diligence (gate into stakeholder engagement)")),
    (GATE_FACT_LEGAL_REVIEW, gettext_lazy("Legal review (gate into operational preparation)")),
)


def work_stage_for(gated_stage: str) -> str | None:
    return WORK_STAGE.get(gated_stage)


# -- States -----------------------------------------------------------------------------------
NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
SUBMITTED = "submitted"
CHANGES_REQUESTED = "changes_requested"
ACCEPTED = "accepted"
WAIVED = "waived"
EXPIRED = "expired"

STATES: tuple[tuple[str, str], ...] = (
    (NOT_STARTED, gettext_lazy("Not started")),
    (IN_PROGRESS, gettext_lazy("In progress")),
    (SUBMITTED, gettext_lazy("Submitted for review")),
    (CHANGES_REQUESTED, gettext_lazy("Changes requested")),
    (ACCEPTED, gettext_lazy("Accepted")),
    (WAIVED, gettext_lazy("Waived")),
    (EXPIRED, gettext_lazy("Evidence expired")),
)
STATE_LABELS: dict[str, str] = dict(STATES)

# The candidate's move: work on it, answer the reviewer, replace expired evidence.
CANDIDATE_TURN: frozenset[str] = frozenset({NOT_STARTED, IN_PROGRESS, CHANGES_REQUESTED, EXPIRED})
# Locked for the candidate (answer and evidence cannot change).
LOCKED_FOR_CANDIDATE: frozenset[str] = frozenset({SUBMITTED, ACCEPTED, WAIVED})


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))


def is_done(state: str, *, waiver_approved: bool = False) -> bool:
    """Counts for gates and progress: accepted, or waived with a reason and a second person's approval."""
    return state == ACCEPTED or (state == WAIVED and waiver_approved)


def is_overdue(state: str, due_on: date | None, today: date) -> bool:
    """Past its due date while it is the candidate's turn (a submitted item waits for the reviewers)."""
    return due_on is not None and due_on < today and state in CANDIDATE_TURN


# Days a candidate gets to answer a request for changes, unless the template says otherwise.
DEFAULT_RESUBMISSION_DAYS = 14


def due_after_changes_requested(*, current: date | None, today: date, days: int, chosen: date | None = None) -> date:
    """The item's new due date when a reviewer sends it back: the date the reviewer chose, else the
    template's period from today (never earlier than a due date still ahead). Never in the past."""
    if chosen is not None:
        if chosen < today:
            raise ValueError(_("The new due date cannot be in the past."))
        return chosen
    proposed = today + timedelta(days=days)
    return max(proposed, current) if current is not None else proposed


def awaits_us(state: str, *, waiver_approved: bool = False) -> bool:
    """The association's turn: a submission to review or a waiver to approve."""
    return state == SUBMITTED or (state == WAIVED and not waiver_approved)


# -- Actors and actions -----------------------------------------------------------------------
CANDIDATE = "candidate"  # a portal user of the candidate's host organisation
REVIEWER = "reviewer"  # an accreditation reviewer assigned to the dossier, conflicts declared
STAFF = "staff"  # network staff
SYSTEM = "system"  # send_reminders (evidence expiry)

# Who must not be the actor (four eyes): the person who submitted, or who waived.
SUBMITTER = "submitted_by"
WAIVER = "waived_by"


@dataclass(frozen=True)
class ItemAction:
    name: str
    label: str
    moves: dict[str, str]  # source state -> target state
    actors: frozenset[str]
    needs_text: str = ""  # "comment" or "reason" when text is required
    not_by: str = ""  # SUBMITTER or WAIVER: four eyes
    needs_evidence: bool = False

    @property
    def sources(self) -> frozenset[str]:
        return frozenset(self.moves)


EDIT = "edit"
SUBMIT = "submit"
ACCEPT = "accept"
REQUEST_CHANGES = "request_changes"
WAIVE = "waive"
APPROVE_WAIVER = "approve_waiver"
DECLINE_WAIVER = "decline_waiver"
EXPIRE = "expire"
WITHDRAW = "withdraw"

_CANDIDATE_SIDE = frozenset({CANDIDATE, STAFF})
_REVIEW_SIDE = frozenset({REVIEWER, STAFF})

ITEM_ACTIONS: tuple[ItemAction, ...] = (
    ItemAction(
        EDIT,
        gettext_lazy("Work on the item"),
        {
            NOT_STARTED: IN_PROGRESS,
            IN_PROGRESS: IN_PROGRESS,
            CHANGES_REQUESTED: CHANGES_REQUESTED,
            EXPIRED: IN_PROGRESS,
        },
        _CANDIDATE_SIDE,
    ),
    ItemAction(
        SUBMIT,
        gettext_lazy("Submit for review"),
        {NOT_STARTED: SUBMITTED, IN_PROGRESS: SUBMITTED, CHANGES_REQUESTED: SUBMITTED, EXPIRED: SUBMITTED},
        _CANDIDATE_SIDE,
        needs_evidence=True,
    ),
    # Before a reviewer has acted on it, the candidate may take a submission back to work on it again.
    ItemAction(WITHDRAW, gettext_lazy("Withdraw the submission"), {SUBMITTED: IN_PROGRESS}, _CANDIDATE_SIDE),
    ItemAction(ACCEPT, gettext_lazy("Accept"), {SUBMITTED: ACCEPTED}, _REVIEW_SIDE, not_by=SUBMITTER),
    ItemAction(
        REQUEST_CHANGES,
        gettext_lazy("Request changes"),
        {SUBMITTED: CHANGES_REQUESTED, ACCEPTED: CHANGES_REQUESTED},
        _REVIEW_SIDE,
        needs_text="comment",
        not_by=SUBMITTER,
    ),
    ItemAction(
        WAIVE,
        gettext_lazy("Waive"),
        dict.fromkeys((NOT_STARTED, IN_PROGRESS, SUBMITTED, CHANGES_REQUESTED, EXPIRED), WAIVED),
        frozenset({STAFF}),
        needs_text="reason",
    ),
    ItemAction(APPROVE_WAIVER, gettext_lazy("Approve the waiver"), {WAIVED: WAIVED}, frozenset({STAFF}), not_by=WAIVER),
    ItemAction(
        DECLINE_WAIVER,
        gettext_lazy("Decline the waiver"),
        {WAIVED: IN_PROGRESS},
        frozenset({STAFF}),
        needs_text="comment",
    ),
    ItemAction(EXPIRE, gettext_lazy("Evidence expired"), {ACCEPTED: EXPIRED, SUBMITTED: EXPIRED}, frozenset({SYSTEM})),
)
_ACTIONS: dict[str, ItemAction] = {a.name: a for a in ITEM_ACTIONS}
assert len(_ACTIONS) == len(ITEM_ACTIONS), "item action names must be unique"


def get_action(name: str) -> ItemAction | None:
    return _ACTIONS.get(name)


def actions_from(state: str, actors: Iterable[str]) -> list[ItemAction]:
    """The actions `actors` may start from `state` (before text, evidence and four-eyes checks)."""
    held = set(actors)
    return [a for a in ITEM_ACTIONS if state in a.moves and a.actors & held]


class ItemActionRefused(Exception):
    NOT_PERMITTED = "not_permitted"
    NOT_FROM_HERE = "not_from_here"
    INVALID = "invalid"

    def __init__(self, code: str, messages: list[str]) -> None:
        super().__init__(" ".join(messages))
        self.code = code
        self.messages = messages


@dataclass(frozen=True)
class ItemFacts:
    """What a decision about one item looks at."""

    state: str
    submitted_by: int | None = None
    waived_by: int | None = None
    waiver_approved: bool = False
    evidence_required: bool = False
    current_evidence: int = 0  # linked documents not expired
    has_answer: bool = False  # a written answer is saved


def plan_item_action(
    name: str, *, item: ItemFacts, actors: Iterable[str], acting_user: int | None, text: str = ""
) -> str:
    """Check one action on one item; return the state that follows, or raise `ItemActionRefused`."""
    action = get_action(name)
    if action is None:
        raise ItemActionRefused(ItemActionRefused.NOT_PERMITTED, [_("Unknown action.")])
    if not action.actors & set(actors):
        raise ItemActionRefused(
            ItemActionRefused.NOT_PERMITTED, [_("You are not allowed to “%(action)s”.") % {"action": action.label}]
        )
    if item.state not in action.moves:
        raise ItemActionRefused(
            ItemActionRefused.NOT_FROM_HERE,
            [
                _("This item is “%(state)s”: “%(action)s” is not possible now.")
                % {"state": state_label(item.state), "action": action.label}
            ],
        )
    problems: list[str] = []
    if action.needs_text == "comment" and not text.strip():
        problems.append(
            _("Say what needs to change: the comment is required.")
            if name == REQUEST_CHANGES
            else _("Say why: the comment is required.")
        )
    if action.needs_text == "reason" and not text.strip():
        problems.append(_("Give the reason for the waiver."))
    if action.not_by == SUBMITTER and acting_user is not None and acting_user == item.submitted_by:
        problems.append(_("You submitted this item: another person must review it."))
    if action.not_by == WAIVER and acting_user is not None and acting_user == item.waived_by:
        problems.append(_("You waived this item: another staff member must approve the waiver."))
    if name == APPROVE_WAIVER and item.waiver_approved:
        problems.append(_("This waiver is already approved."))
    if action.needs_evidence and item.evidence_required and item.current_evidence < 1:
        problems.append(_("This item needs evidence: attach at least one current document before submitting."))
    if name == SUBMIT and not item.evidence_required and not item.has_answer and item.current_evidence < 1:
        problems.append(
            _("This item is empty: write your answer and save it (or attach a document) before submitting.")
        )
    if problems:
        raise ItemActionRefused(ItemActionRefused.INVALID, problems)
    return action.moves[item.state]


# -- Template versions ------------------------------------------------------------------------
@dataclass(frozen=True)
class TemplateItemSpec:
    """One template item as far as a version comparison is concerned."""

    code: str
    area: int
    title: str
    guidance: str
    evidence_required: bool
    gates_stage: str
    due_days: int
    gate_fact: str = ""


# A change to these fields changes what is asked: an answer given to the old item is reviewed again.
SUBSTANTIVE_FIELDS = ("title", "guidance", "evidence_required", "gates_stage", "gate_fact")
# The others (area, due days) just apply.
OTHER_FIELDS = ("area", "due_days")


@dataclass(frozen=True)
class ItemChange:
    code: str
    fields: tuple[str, ...]

    @property
    def substantive(self) -> bool:
        return any(name in SUBSTANTIVE_FIELDS for name in self.fields)


@dataclass(frozen=True)
class VersionDiff:
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[ItemChange, ...] = ()
    unchanged: tuple[str, ...] = ()

    @property
    def reopened(self) -> tuple[str, ...]:
        return tuple(change.code for change in self.changed if change.substantive)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def compare_versions(old: Sequence[TemplateItemSpec], new: Sequence[TemplateItemSpec]) -> VersionDiff:
    """Items matched by code: added, removed, changed (which fields) and unchanged, in the new order."""
    before = {spec.code: spec for spec in old}
    after = {spec.code: spec for spec in new}
    changed: list[ItemChange] = []
    unchanged: list[str] = []
    for code, spec in after.items():
        if code not in before:
            continue
        fields = tuple(
            name for name in (*SUBSTANTIVE_FIELDS, *OTHER_FIELDS) if getattr(before[code], name) != getattr(spec, name)
        )
        if fields:
            changed.append(ItemChange(code, fields))
        else:
            unchanged.append(code)
    return VersionDiff(
        added=tuple(code for code in after if code not in before),
        removed=tuple(code for code in before if code not in after),
        changed=tuple(changed),
        unchanged=tuple(unchanged),
    )


def state_after_version_move(state: str, *, substantive_change: bool) -> str:
    """An item whose question changed is worked on again (its answer and evidence are kept as a draft)."""
    if substantive_change and state in (SUBMITTED, ACCEPTED, WAIVED, EXPIRED):
        return IN_PROGRESS
    return state


# -- Progress ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Progress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done == self.total


@dataclass(frozen=True)
class ItemStatus:
    """The few facts progress and next actions need about one item."""

    area: int
    state: str
    waiver_approved: bool = False


@dataclass(frozen=True)
class ChecklistProgress:
    overall: Progress
    by_area: dict[int, Progress] = field(default_factory=dict)


def progress(items: Iterable[ItemStatus]) -> ChecklistProgress:
    """Done over total, overall and per area (areas without items are left out)."""
    done: dict[int, int] = {}
    total: dict[int, int] = {}
    for item in items:
        total[item.area] = total.get(item.area, 0) + 1
        done[item.area] = done.get(item.area, 0) + is_done(item.state, waiver_approved=item.waiver_approved)
    by_area = {area: Progress(done[area], total[area]) for area in sorted(total)}
    return ChecklistProgress(
        overall=Progress(sum(done.values()), sum(total.values())),
        by_area=by_area,
    )
