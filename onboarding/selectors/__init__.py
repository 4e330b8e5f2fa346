"""Reads across onboarding and the registry, for screens, gates, reminders and the calendar, one module
per sub-domain; every public name is re-exported here, so `from onboarding.selectors import X` (and
`selectors.X`) keeps working.

- `facts`: `gate_facts_for` builds the facts every gate looks at for many hotlines in a constant number
  of queries; with no checklist, assessment or decision recorded those facts stay "not recorded yet";
- `lifecycle`: workflow roles and next steps, the pipeline board, a candidate's timeline, portal status;
- `engagement`: stakeholder coverage, agreements expiring, open action items, the calendar;
- `dossier`: checklist overview and progress, item pages, the review queue, the admin's dossier page;
- `accreditation`: whether a decision or full membership may follow an assessment, assessment report
  data, the portal's corrective actions;
- `reviews`: the areas of an independent review, what a review lacks before it is submitted, the
  reviews side by side with their agreement;
- `decisions`: General Assembly adoption, the decision letter (its language and data) and appeals;
- `membership`: the member cycle: renewal packs' parts and status, the staff board of renewals and
  quality-assurance reviews, a member's own cycle, whether a review earns its certificate;
- `selfassessment`: a member's self-assessment page, its own self-assessments, the latest per member;
- `common`: who is told, and who acts on a dossier.

Every function that serves a user starts from `visible_to(user)`. Modules depend one way: common <-
facts <- lifecycle; engagement, dossier and accreditation on common only.
"""

from onboarding.selectors.accreditation import (
    assessment_report_data,
    board_recommendation,
    consolidation_refusal,
    decision_refusal,
    full_membership_refusal,
    may_confirm_full_membership,
    may_record_decision,
    portal_corrective_actions,
)
from onboarding.selectors.common import (
    Stage,
    association_emails,
    candidate_user_emails,
    dossier_actors,
    reviewer_emails,
)
from onboarding.selectors.decisions import (
    adoption_refusal,
    adoption_required_for,
    appeal_refusal,
    candidate_language,
    decision_letter_data,
    letter_refusal,
    portal_decisions,
)
from onboarding.selectors.dossier import (
    AGE_FILTERS,
    STATUS_FILTERS,
    AreaBlock,
    ChecklistOverview,
    Dossier,
    DossierDocument,
    ItemPage,
    ItemRow,
    LinkedDocument,
    checklist_overview,
    checklist_progress,
    dossier,
    item_page,
    portal_my_items,
    review_queue,
    review_queue_candidates,
)
from onboarding.selectors.engagement import (
    COVERAGE_LEVELS,
    EXPECTED_SECTORS,
    CalendarEvent,
    CountryCoverage,
    CoverageCell,
    Invitable,
    agreements_expiring,
    calendar_events_for,
    coverage,
    coverage_level_labels,
    invitable_organisations,
    open_action_items,
    roundtable_event,
)
from onboarding.selectors.facts import gate_facts, gate_facts_for
from onboarding.selectors.fixes import MissingLine, fix_link, missing_lines
from onboarding.selectors.lifecycle import (
    NO_LEAD,
    PORTAL_STAGES,
    BoardCard,
    BoardColumn,
    NextStep,
    PortalStatus,
    TimelineEntry,
    candidate_timeline,
    missing_before_next_stage,
    next_steps,
    pipeline_board,
    portal_candidates,
    portal_status,
    workflow_roles_for,
)
from onboarding.selectors.membership import (
    MemberCycle,
    MemberCycleBoard,
    MemberCycleRow,
    RenewalOverview,
    RenewalPart,
    certificate_refusal,
    certificate_refusal_for,
    hotline_certificate,
    lapsed_packs,
    member_cycle,
    member_cycle_board,
    portal_members,
    renewal_overviews,
    valid_certificates,
)
from onboarding.selectors.reviews import (
    ComparisonRow,
    ReviewComparison,
    agreement,
    review_areas,
    review_comparison,
    review_problems,
    reviews_to_write,
    verdicts_of,
)
from onboarding.selectors.selfassessment import (
    SelfAssessmentPage,
    latest_self_assessments,
    member_self_assessments,
    self_assessment_answers,
    self_assessment_page,
    self_assessments_due,
)

__all__ = [
    "AGE_FILTERS",
    "COVERAGE_LEVELS",
    "EXPECTED_SECTORS",
    "NO_LEAD",
    "PORTAL_STAGES",
    "STATUS_FILTERS",
    "AreaBlock",
    "BoardCard",
    "BoardColumn",
    "CalendarEvent",
    "ChecklistOverview",
    "ComparisonRow",
    "CountryCoverage",
    "CoverageCell",
    "Dossier",
    "DossierDocument",
    "Invitable",
    "ItemPage",
    "ItemRow",
    "LinkedDocument",
    "MemberCycle",
    "MemberCycleBoard",
    "MemberCycleRow",
    "MissingLine",
    "NextStep",
    "PortalStatus",
    "RenewalOverview",
    "RenewalPart",
    "ReviewComparison",
    "SelfAssessmentPage",
    "Stage",
    "TimelineEntry",
    "adoption_refusal",
    "adoption_required_for",
    "agreement",
    "agreements_expiring",
    "appeal_refusal",
    "assessment_report_data",
    "association_emails",
    "board_recommendation",
    "calendar_events_for",
    "candidate_language",
    "candidate_timeline",
    "candidate_user_emails",
    "certificate_refusal",
    "certificate_refusal_for",
    "checklist_overview",
    "checklist_progress",
    "consolidation_refusal",
    "coverage",
    "coverage_level_labels",
    "decision_letter_data",
    "decision_refusal",
    "dossier",
    "dossier_actors",
    "fix_link",
    "full_membership_refusal",
    "gate_facts",
    "gate_facts_for",
    "hotline_certificate",
    "invitable_organisations",
    "item_page",
    "lapsed_packs",
    "latest_self_assessments",
    "letter_refusal",
    "may_confirm_full_membership",
    "may_record_decision",
    "member_cycle",
    "member_cycle_board",
    "member_self_assessments",
    "missing_before_next_stage",
    "missing_lines",
    "next_steps",
    "open_action_items",
    "pipeline_board",
    "portal_candidates",
    "portal_corrective_actions",
    "portal_decisions",
    "portal_members",
    "portal_my_items",
    "portal_status",
    "renewal_overviews",
    "review_areas",
    "review_comparison",
    "review_problems",
    "review_queue",
    "review_queue_candidates",
    "reviewer_emails",
    "reviews_to_write",
    "roundtable_event",
    "self_assessment_answers",
    "self_assessment_page",
    "self_assessments_due",
    "valid_certificates",
    "verdicts_of",
    "workflow_roles_for",
]
