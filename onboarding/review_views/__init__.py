"""Staff and reviewer screens of the dossier in the Wagtail admin: the review queue, the item review
page, a candidate's dossier (checklist, reviewers, evidence, assessments), conflict-of-interest
declarations, assessments with findings, corrective actions, report and decision (one view per action
on the assessment page), independent reviews side by side, the decision path (General Assembly adoption,
letter, appeals), and checklist templates. Every object is loaded through `visible_to(user)`: a
on the assessment page), checklist templates, and the member cycle (renewals, proposals to suspend,
joint visits). Every object is loaded through `visible_to(user)`: a
dossier is open to network staff and to the reviewers assigned to it who declared no conflict; anyone
else gets 404. Rules live in checklist_rules, selectors and services."""

from onboarding.review_views.assessments import (
    AssessmentActionVerifyView,
    AssessmentCancelView,
    AssessmentCorrectiveActionView,
    AssessmentCreateView,
    AssessmentDetailView,
    AssessmentEditView,
    AssessmentFindingsView,
    AssessmentFullMembershipView,
    AssessmentListView,
    AssessmentReportCompleteView,
    AssessmentReportView,
    DecisionCorrectView,
    DecisionCreateView,
    report_response,
)
from onboarding.review_views.checklist_templates import TemplateDetailView, TemplateNewVersionView, TemplatePublishView
from onboarding.review_views.common import evidence_response
from onboarding.review_views.decisions import (
    AppealAnswerView,
    DecisionAdoptView,
    DecisionLetterSendView,
    DecisionLetterView,
    letter_response,
)
from onboarding.review_views.declarations import DeclareView
from onboarding.review_views.discussion import AssessmentCommentView, EvidenceDetailView
from onboarding.review_views.dossier import (
    AssignmentsView,
    ChecklistStartView,
    ChecklistVersionView,
    DossierView,
    ReviewerAssignView,
    ReviewerUnassignView,
)
from onboarding.review_views.membership import (
    JointVisitCreateView,
    MemberCycleView,
    RenewalsOpenView,
    SuspensionProposalView,
)
from onboarding.review_views.queue import EvidenceDownloadView, ReviewItemView, ReviewQueueView
from onboarding.review_views.reviews import ReviewEditView, ReviewsView
from onboarding.review_views.selfassessment import SelfAssessmentRequestView, SelfAssessmentView

__all__ = [
    "AppealAnswerView",
    "AssessmentActionVerifyView",
    "AssessmentCancelView",
    "AssessmentCommentView",
    "AssessmentCorrectiveActionView",
    "AssessmentCreateView",
    "AssessmentDetailView",
    "AssessmentEditView",
    "AssessmentFindingsView",
    "AssessmentFullMembershipView",
    "AssessmentListView",
    "AssessmentReportCompleteView",
    "AssessmentReportView",
    "AssignmentsView",
    "ChecklistStartView",
    "ChecklistVersionView",
    "DecisionAdoptView",
    "DecisionCorrectView",
    "DecisionCreateView",
    "DecisionLetterSendView",
    "DecisionLetterView",
    "DeclareView",
    "DossierView",
    "EvidenceDetailView",
    "EvidenceDownloadView",
    "JointVisitCreateView",
    "MemberCycleView",
    "RenewalsOpenView",
    "ReviewEditView",
    "ReviewItemView",
    "ReviewQueueView",
    "ReviewerAssignView",
    "ReviewerUnassignView",
    "ReviewsView",
    "SelfAssessmentRequestView",
    "SelfAssessmentView",
    "SuspensionProposalView",
    "TemplateDetailView",
    "TemplateNewVersionView",
    "TemplatePublishView",
    "evidence_response",
    "letter_response",
    "report_response",
]
