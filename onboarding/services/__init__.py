"""Writes of onboarding, one module per sub-domain; every service is re-exported here, so
`from onboarding.services import X` (and `services.X`) keeps working.

- `lifecycle`: `hotline_transition`, the only way a stage changes (it locks the hotline row, refuses
  when the stage is not the one the user saw, checks the workflow role and every gate of
  `onboarding.workflow.plan`, writes a `StageChange`, reschedules the checklist's due dates, audits and
  queues the notifications, in one transaction);
- `candidates`: a candidate's arrival (registry entry, profile, first stage, checklist) and profile;
- `emailing`: emails from records (a roundtable's invitation with its .ics, a message to a candidate),
  each in its recipient's language, through the outbox, logged as an interaction;
- `engagement`: roundtable minutes and attendance, agreement documents, MoU alternatives, calendar feeds;
- the dossier: `checklists` (templates, checklists, items through `_item_action`), `evidence` (files
  written before their rows and removed again on failure) and `reviewers` (assignments, declarations);
- `accreditation`: assessments, findings, corrective actions, decisions and their corrections, the
  full-membership confirmation (each decision moves the hotline through `hotline_transition`);
- `reviews`: each reviewer's own review (draft, then submitted and frozen) and the consolidated
  recommendation;
- `decisions`: the General Assembly's adoption (moving the hotline through `hotline_transition`), the
  decision letter with its appeal window, appeals (interactions staff answer);
- `membership`: the member cycle after admission: renewal packs opened for a year and what members
  record on them, the daily lapse step (warning, then a proposal to suspend), staff's decision on a
  proposal (through `hotline_transition`), joint visits, quality-assurance certificates;
- `common`: the actor checks and addresses the modules share.

Every service is atomic and audited. Modules depend one way: common <- lifecycle <- checklists <-
evidence <- accreditation <- decisions, membership (reviews, reviewers, engagement and candidates on the
layers below them only).
"""

from onboarding.services.accreditation import (
    DECISION_FIELDS,
    DecisionCorrectionPlan,
    assessment_cancel,
    assessment_complete_report,
    assessment_confirm_full_membership,
    assessment_create,
    assessment_record_findings,
    assessment_update,
    corrective_action_complete,
    corrective_action_create,
    corrective_action_verify,
    decision_check,
    decision_correct,
    decision_correction_plan,
    decision_record,
)
from onboarding.services.assignments import item_assign
from onboarding.services.candidates import candidate_create, candidate_profile_save, candidates_reassign_lead
from onboarding.services.checklists import (
    VersionMove,
    checklist_create,
    checklist_move_to_version,
    checklist_version_diff,
    item_accept,
    item_approve_waiver,
    item_comment,
    item_decline_waiver,
    item_request_changes,
    item_save_answer,
    item_submit,
    item_waive,
    item_withdraw,
    template_new_version,
    template_problems,
    template_publish,
)
from onboarding.services.common import Stage
from onboarding.services.decisions import appeal_answer, decision_adopt, decision_appeal, decision_send_letter
from onboarding.services.discussion import assessment_comment, evidence_comment
from onboarding.services.emailing import EmailsSent, candidate_email, roundtable_email_participants
from onboarding.services.engagement import (
    agreement_attach_document,
    calendar_token_create,
    calendar_token_revoke,
    calendar_token_user,
    hash_token,
    mou_alternative_decide,
    mou_alternative_propose,
    roundtable_attach_minutes,
    roundtable_invite_organisations,
    roundtable_record_attendance,
)
from onboarding.services.evidence import (
    ExpiredEvidence,
    evidence_expire_due,
    evidence_link,
    evidence_record_download,
    evidence_remove,
    evidence_replace,
    evidence_unlink,
    evidence_upload,
)
from onboarding.services.lifecycle import StageChangedMeanwhile, hotline_transition, hotline_transition_check
from onboarding.services.membership import (
    joint_visit_plan,
    qa_certificate_issue,
    renewal_confirm_contacts,
    renewal_declare_code,
    renewal_lapses_apply,
    renewal_open_for_year,
    suspension_proposal_dismiss,
    suspension_proposal_suspend,
)
from onboarding.services.reviewers import reviewer_assign, reviewer_declare, reviewer_unassign
from onboarding.services.reviews import review_consolidate, review_save, review_submit
from onboarding.services.selfassessment import (
    self_assessment_add_evidence,
    self_assessment_request,
    self_assessment_save,
    self_assessment_submit,
)

__all__ = [
    "DECISION_FIELDS",
    "DecisionCorrectionPlan",
    "EmailsSent",
    "ExpiredEvidence",
    "Stage",
    "StageChangedMeanwhile",
    "VersionMove",
    "agreement_attach_document",
    "appeal_answer",
    "assessment_cancel",
    "assessment_comment",
    "assessment_complete_report",
    "assessment_confirm_full_membership",
    "assessment_create",
    "assessment_record_findings",
    "assessment_update",
    "calendar_token_create",
    "calendar_token_revoke",
    "calendar_token_user",
    "candidate_create",
    "candidate_email",
    "candidate_profile_save",
    "candidates_reassign_lead",
    "checklist_create",
    "checklist_move_to_version",
    "checklist_version_diff",
    "corrective_action_complete",
    "corrective_action_create",
    "corrective_action_verify",
    "decision_adopt",
    "decision_appeal",
    "decision_check",
    "decision_correct",
    "decision_correction_plan",
    "decision_record",
    "decision_send_letter",
    "evidence_comment",
    "evidence_expire_due",
    "evidence_link",
    "evidence_record_download",
    "evidence_remove",
    "evidence_replace",
    "evidence_unlink",
    "evidence_upload",
    "hash_token",
    "hotline_transition",
    "hotline_transition_check",
    "item_accept",
    "item_approve_waiver",
    "item_assign",
    "item_comment",
    "item_decline_waiver",
    "item_request_changes",
    "item_save_answer",
    "item_submit",
    "item_waive",
    "item_withdraw",
    "joint_visit_plan",
    "mou_alternative_decide",
    "mou_alternative_propose",
    "qa_certificate_issue",
    "renewal_confirm_contacts",
    "renewal_declare_code",
    "renewal_lapses_apply",
    "renewal_open_for_year",
    "review_consolidate",
    "review_save",
    "review_submit",
    "reviewer_assign",
    "reviewer_declare",
    "reviewer_unassign",
    "roundtable_attach_minutes",
    "roundtable_email_participants",
    "roundtable_invite_organisations",
    "roundtable_record_attendance",
    "self_assessment_add_evidence",
    "self_assessment_request",
    "self_assessment_save",
    "self_assessment_submit",
    "suspension_proposal_dismiss",
    "suspension_proposal_suspend",
    "template_new_version",
    "template_problems",
    "template_publish",
]
