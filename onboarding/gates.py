"""The lifecycle's gates: the facts they look at and the named checks, each returning a message (what is
missing, in plain words) or None. `onboarding.workflow.ENTRY_GATES` says which gates entering each stage
needs; the facts are read by `onboarding.selectors.gate_facts_for`.

Pure: no queries, no saves. A fact that comes from a record not made yet (checklist, assessment,
decision) is None, "not recorded yet", and never passes a gate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from network.models import Hotline, Sector
from onboarding.checklist_rules import GATE_FACT_HOST_DUE_DILIGENCE, GATE_FACT_LEGAL_REVIEW

Stage = Hotline.Stage

MIN_TRAINED_ANALYSTS = 2


# -- Facts ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GateFacts:
    """What the gates look at, for one hotline at one moment. Defaults mean "nothing recorded".

    Fields typed `bool | None` / `... | None` come from the checklist, assessment and decision
    records: None means "not recorded yet" and never passes a gate.
    """

    # Registry and candidate profile
    host_organisation_confirmed: bool = False
    interactions_logged: int = 0
    country_assessment_recorded: bool = False
    # Stakeholder engagement: attended sectors of each roundtable held for this candidate
    held_roundtable_sectors: tuple[frozenset[str], ...] = ()
    # Agreements in force for this candidate
    le_mou_signed: bool = False
    le_mou_alternative_approved: bool = False
    letter_of_support_signed: bool = False
    first_year_funding_secured: bool = False
    code_of_practice_declared: bool = False
    # People and training (registry: analysts and completed courses)
    analysts_with_core_training: int = 0
    analysts_with_core_and_content_training: int = 0
    # Checklist (None: no checklist recorded for this candidate yet)
    host_due_diligence_accepted: bool | None = None
    legal_review_accepted: bool | None = None
    # Titles of checklist items needed up to the application (their stage is stakeholder engagement,
    # operational preparation or the application) that are neither accepted nor validly waived.
    application_items_open: tuple[str, ...] | None = None
    # Per stage an item can gate (stakeholder engagement, operational preparation, full membership):
    # the titles of its open items, the items named by their own gate left out.
    stage_items_open: tuple[tuple[str, tuple[str, ...]], ...] | None = None
    # Assessment: reviewers assigned to the dossier, those yet to declare, those who declared a conflict
    reviewers_assigned: int | None = None
    reviewers_without_coi_declaration: int = 0
    reviewers_conflicted: int = 0
    assessment_recommendation_recorded: bool | None = None
    # Decision: "admit" or "reject" once a complete decision (body, date, minutes, vote) is recorded
    decision_outcome: str | None = None
    # The Board decided, and the General Assembly has yet to adopt the decision (it is not in effect)
    decision_awaiting_adoption: bool = False
    # Declared reviewers, and no consolidated recommendation of their reviews for the Board yet
    # (`selectors.consolidation_refusal`: the lead consolidates, then the Board decides)
    consolidation_missing: bool = False
    qa_review_passed: bool | None = None


DECISION_ADMIT = "admit"
DECISION_REJECT = "reject"


# -- Gates ------------------------------------------------------------------------------------
GateCheck = Callable[[GateFacts], str | None]


def host_organisation_recorded(facts: GateFacts) -> str | None:
    if not facts.host_organisation_confirmed:
        return _("Record the host organisation and the date it agreed to host the hotline.")
    return None


def first_interaction_logged(facts: GateFacts) -> str | None:
    if facts.interactions_logged < 1:
        return _("Log a first interaction (meeting, call or seminar) with the candidate.")
    return None


def country_assessment_recorded(facts: GateFacts) -> str | None:
    if not facts.country_assessment_recorded:
        return _("Record the country assessment (criteria scores and overall rating).")
    return None


def host_due_diligence_accepted(facts: GateFacts) -> str | None:
    if facts.host_due_diligence_accepted is None:
        return _("Host organisation due diligence: the checklist item is not recorded yet.")
    if not facts.host_due_diligence_accepted:
        return _("Host organisation due diligence: the checklist item has not been accepted yet.")
    return None


# Sector groups a roundtable must bring together before operational preparation.
ROUNDTABLE_SECTOR_GROUPS: dict[str, frozenset[str]] = {
    "law_enforcement": frozenset({Sector.LAW_ENFORCEMENT}),
    "government": frozenset({Sector.GOVERNMENT, Sector.REGULATOR}),
    "industry": frozenset(Sector.industry()),
}
ROUNDTABLE_GROUP_LABELS = {
    "law_enforcement": gettext_lazy("law enforcement"),
    "government": gettext_lazy("government"),
    "industry": gettext_lazy("industry"),
}


def missing_sector_groups(sectors: Iterable[str]) -> list[str]:
    """The sector groups (law enforcement, government, industry) not among `sectors`."""
    present = set(sectors)
    return [group for group, members in ROUNDTABLE_SECTOR_GROUPS.items() if not present & members]


def roundtable_with_key_sectors(facts: GateFacts) -> str | None:
    if not facts.held_roundtable_sectors:
        return _("Hold a roundtable attended by law enforcement, government and industry.")
    best = min((missing_sector_groups(sectors) for sectors in facts.held_roundtable_sectors), key=len)
    if not best:
        return None
    return _(
        "No roundtable yet had law enforcement, government and industry all attending "
        "(the closest one lacked: %(missing)s)."
    ) % {"missing": ", ".join(str(ROUNDTABLE_GROUP_LABELS[group]) for group in best)}


def law_enforcement_mou(facts: GateFacts) -> str | None:
    if not (facts.le_mou_signed or facts.le_mou_alternative_approved):
        return _("Sign a memorandum of understanding with law enforcement, or have a documented alternative approved.")
    return None


def legal_review_accepted(facts: GateFacts) -> str | None:
    if facts.legal_review_accepted is None:
        return _("Legal review: the checklist item is not recorded yet.")
    if not facts.legal_review_accepted:
        return _("Legal review: the checklist item has not been accepted yet.")
    return None


def letter_of_support(facts: GateFacts) -> str | None:
    if not facts.letter_of_support_signed:
        return _("Obtain a signed letter of support (for example from the ministry).")
    return None


def first_year_funding(facts: GateFacts) -> str | None:
    if not facts.first_year_funding_secured:
        return _("Secure funding for the first operating year (a signed funding agreement).")
    return None


def application_checklist_complete(facts: GateFacts) -> str | None:
    if facts.application_items_open is None:
        return _("Onboarding checklist: the items required for the application are not recorded yet.")
    if facts.application_items_open:
        return ngettext(
            "%(count)s checklist item still to be accepted or waived: %(items)s.",
            "%(count)s checklist items still to be accepted or waived: %(items)s.",
            len(facts.application_items_open),
        ) % {
            "count": len(facts.application_items_open),
            "items": _open_titles_text(facts.application_items_open),
        }
    return None


def _open_titles_text(titles: tuple[str, ...]) -> str:
    return ", ".join(titles[:5]) + (", …" if len(titles) > 5 else "")


def _stage_checklist_gate(stage: str) -> GateCheck:
    """A gate: the checklist items needed before `stage` are all accepted or validly waived."""

    def gate(facts: GateFacts) -> str | None:
        if facts.stage_items_open is None:
            return _("Onboarding checklist: the items needed before “%(stage)s” are not recorded yet.") % {
                "stage": Stage(stage).label
            }
        titles = dict(facts.stage_items_open).get(stage, ())
        if titles:
            return ngettext(
                "%(count)s checklist item needed before “%(stage)s” still to be accepted or waived: %(items)s.",
                "%(count)s checklist items needed before “%(stage)s” still to be accepted or waived: %(items)s.",
                len(titles),
            ) % {
                "count": len(titles),
                "stage": Stage(stage).label,
                "items": _open_titles_text(titles),
            }
        return None

    gate.__name__ = gate.__qualname__ = f"checklist_items_for_{stage}"
    return gate


checklist_items_for_stakeholder_engagement = _stage_checklist_gate(Stage.STAKEHOLDER_ENGAGEMENT)
checklist_items_for_operational_preparation = _stage_checklist_gate(Stage.OPERATIONAL_PREPARATION)
checklist_items_for_full_member = _stage_checklist_gate(Stage.FULL_MEMBER)


def analysts_core_trained(facts: GateFacts) -> str | None:
    if facts.analysts_with_core_training < MIN_TRAINED_ANALYSTS:
        return _("At least %(needed)s analysts must have completed core training (so far: %(count)s).") % {
            "needed": MIN_TRAINED_ANALYSTS,
            "count": facts.analysts_with_core_training,
        }
    return None


def code_of_practice_declared(facts: GateFacts) -> str | None:
    if not facts.code_of_practice_declared:
        return _("Sign the Code of Practice declaration.")
    return None


def reviewers_assigned_with_coi(facts: GateFacts) -> str | None:
    if not facts.reviewers_assigned:
        return _("Assign reviewers to the application.")
    if facts.reviewers_without_coi_declaration:
        return ngettext(
            "%(count)s assigned reviewer still has to declare any conflict of interest.",
            "%(count)s assigned reviewers still have to declare any conflict of interest.",
            facts.reviewers_without_coi_declaration,
        ) % {"count": facts.reviewers_without_coi_declaration}
    if facts.reviewers_conflicted:
        return ngettext(
            "%(count)s assigned reviewer declared a conflict of interest: assign someone else instead.",
            "%(count)s assigned reviewers declared a conflict of interest: assign someone else instead.",
            facts.reviewers_conflicted,
        ) % {"count": facts.reviewers_conflicted}
    return None


def assessment_report_with_recommendation(facts: GateFacts) -> str | None:
    if not facts.assessment_recommendation_recorded:
        return _("Record the assessment report with its recommendation.")
    return None


def _decision(facts: GateFacts, wanted: str) -> str | None:
    if facts.decision_outcome is None:
        if facts.decision_awaiting_adoption:
            return _("The General Assembly has yet to adopt the Board's membership decision.")
        if facts.consolidation_missing:
            return _(
                "Record the consolidated recommendation of the reviewers' reviews, then the Board's membership "
                "decision (decision-making body, date, minutes reference and vote)."
            )
        return _("Record the membership decision (decision-making body, date, minutes reference and vote).")
    if facts.decision_outcome != wanted:
        if wanted == DECISION_ADMIT:
            return _("The recorded membership decision does not admit the candidate.")
        return _("The recorded membership decision does not reject the application.")
    return None


def decision_to_admit(facts: GateFacts) -> str | None:
    return _decision(facts, DECISION_ADMIT)


def decision_to_reject(facts: GateFacts) -> str | None:
    return _decision(facts, DECISION_REJECT)


def quality_assurance_passed(facts: GateFacts) -> str | None:
    if facts.qa_review_passed is None:
        return _("Pass a quality-assurance review: none is recorded yet.")
    if not facts.qa_review_passed:
        return _("Pass a quality-assurance review: the latest one was not passed.")
    return None


def core_and_content_training_done(facts: GateFacts) -> str | None:
    if facts.analysts_with_core_and_content_training < MIN_TRAINED_ANALYSTS:
        return _(
            "At least %(needed)s analysts must have completed both core and content-assessment training "
            "(so far: %(count)s)."
        ) % {"needed": MIN_TRAINED_ANALYSTS, "count": facts.analysts_with_core_and_content_training}
    return None


def gate_name(gate: GateCheck) -> str:
    return gate.__name__


# -- Where each gate is put right ---------------------------------------------------------------
class FixedAt(StrEnum):
    """The screen where what a gate misses is recorded. Staff links: `onboarding.selectors.fixes`."""

    HOST_ORGANISATION = "host_organisation"  # the candidate's profile
    INTERACTIONS = "interactions"  # log an interaction
    COUNTRY_ASSESSMENT = "country_assessment"  # assess the country
    CHECKLIST_ITEM = "checklist_item"  # the one checklist item the gate names
    CHECKLIST = "checklist"  # the candidate's checklist (dossier)
    ROUNDTABLE = "roundtable"  # the candidate's latest roundtable (attendance), or plan one
    AGREEMENT = "agreement"  # record the agreement
    TRAINING = "training"  # the hotline's analysts and their training
    REVIEWERS = "reviewers"  # assign reviewers; reviewers declare
    ASSESSMENT = "assessment"  # the application's or quality review's assessment and decision


# One line per gate: where it is put right (a test checks that every gate has one).
FIXED_AT: dict[str, FixedAt] = {
    "host_organisation_recorded": FixedAt.HOST_ORGANISATION,
    "first_interaction_logged": FixedAt.INTERACTIONS,
    "country_assessment_recorded": FixedAt.COUNTRY_ASSESSMENT,
    "host_due_diligence_accepted": FixedAt.CHECKLIST_ITEM,
    "checklist_items_for_stakeholder_engagement": FixedAt.CHECKLIST,
    "roundtable_with_key_sectors": FixedAt.ROUNDTABLE,
    "law_enforcement_mou": FixedAt.AGREEMENT,
    "legal_review_accepted": FixedAt.CHECKLIST_ITEM,
    "letter_of_support": FixedAt.AGREEMENT,
    "first_year_funding": FixedAt.AGREEMENT,
    "checklist_items_for_operational_preparation": FixedAt.CHECKLIST,
    "application_checklist_complete": FixedAt.CHECKLIST,
    "analysts_core_trained": FixedAt.TRAINING,
    "code_of_practice_declared": FixedAt.AGREEMENT,
    "reviewers_assigned_with_coi": FixedAt.REVIEWERS,
    "assessment_report_with_recommendation": FixedAt.ASSESSMENT,
    "decision_to_admit": FixedAt.ASSESSMENT,
    "decision_to_reject": FixedAt.ASSESSMENT,
    "quality_assurance_passed": FixedAt.ASSESSMENT,
    "core_and_content_training_done": FixedAt.TRAINING,
    "checklist_items_for_full_member": FixedAt.CHECKLIST,
}

# The checklist item a gate names one by one (its template item's `gate_fact`).
GATE_CHECKLIST_FACT: dict[str, str] = {
    "host_due_diligence_accepted": GATE_FACT_HOST_DUE_DILIGENCE,
    "legal_review_accepted": GATE_FACT_LEGAL_REVIEW,
}


def fixed_at(gate: GateCheck) -> FixedAt:
    return FIXED_AT[gate_name(gate)]
