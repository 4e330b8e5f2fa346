from django.urls import path

from onboarding import admin_views as views
from onboarding import bulk_views, email_views, review_views

app_name = "onboarding_admin"

urlpatterns = [
    path("", views.BoardView.as_view(), name="board"),
    path("candidates/", views.CandidateListView.as_view(), name="candidates"),
    path("candidates/reassign/", bulk_views.CandidateReassignView.as_view(), name="candidates_reassign"),
    path("candidates/add/", views.CandidateCreateView.as_view(), name="candidate_add"),
    path("candidates/<int:pk>/", views.CandidateDetailView.as_view(), name="candidate"),
    path("candidates/<int:pk>/edit/", views.CandidateEditView.as_view(), name="candidate_edit"),
    path("candidates/<int:pk>/email/", email_views.CandidateEmailView.as_view(), name="candidate_email"),
    path("candidates/<int:pk>/move/<slug:name>/", views.TransitionView.as_view(), name="transition"),
    path(
        "candidates/<int:pk>/mou-alternative/",
        views.MouAlternativeCreateView.as_view(),
        name="mou_alternative_add",
    ),
    path("mou-alternatives/<int:pk>/decide/", views.MouAlternativeDecideView.as_view(), name="mou_alternative_decide"),
    path(
        "mou-alternatives/<int:pk>/document/",
        views.MouAlternativeDocumentView.as_view(),
        name="mou_alternative_document",
    ),
    path("roundtable/<int:pk>/", views.RoundtableDetailView.as_view(), name="roundtable"),
    path("roundtable/<int:pk>/invite/", bulk_views.RoundtableInviteView.as_view(), name="roundtable_invite"),
    path("roundtable/<int:pk>/email/", email_views.RoundtableEmailView.as_view(), name="roundtable_email"),
    path("roundtable/<int:pk>/attendance/", views.RoundtableAttendanceView.as_view(), name="roundtable_attendance"),
    path(
        "roundtable/<int:pk>/minutes/upload/",
        views.RoundtableMinutesUploadView.as_view(),
        name="roundtable_minutes_upload",
    ),
    path("roundtable/<int:pk>/minutes/", views.RoundtableMinutesView.as_view(), name="roundtable_minutes"),
    path("roundtable/<int:pk>/calendar.ics", views.RoundtableIcsView.as_view(), name="roundtable_ics"),
    path("agreement/<int:pk>/", views.AgreementDetailView.as_view(), name="agreement"),
    path(
        "agreement/<int:pk>/document/upload/",
        views.AgreementDocumentUploadView.as_view(),
        name="agreement_document_upload",
    ),
    path("agreement/<int:pk>/document/", views.AgreementDocumentView.as_view(), name="agreement_document"),
    path("agreements/expiring/", views.AgreementsExpiringView.as_view(), name="agreements_expiring"),
    path("coverage/", views.CoverageView.as_view(), name="coverage"),
    path("coverage/<str:code>/", views.CoverageCountryView.as_view(), name="coverage_country"),
    path("calendar/", views.CalendarView.as_view(), name="calendar"),
    # The dossier: checklist review, reviewers, evidence, assessments, decisions, templates
    path("reviews/", review_views.ReviewQueueView.as_view(), name="review_queue"),
    path("reviews/items/<int:pk>/", review_views.ReviewItemView.as_view(), name="review_item"),
    path("evidence/<int:pk>/download/", review_views.EvidenceDownloadView.as_view(), name="evidence_download"),
    path("evidence/<int:pk>/", review_views.EvidenceDetailView.as_view(), name="evidence"),
    path("candidates/<int:pk>/dossier/", review_views.DossierView.as_view(), name="dossier"),
    path("candidates/<int:pk>/checklist/start/", review_views.ChecklistStartView.as_view(), name="checklist_start"),
    path(
        "candidates/<int:pk>/checklist/version/", review_views.ChecklistVersionView.as_view(), name="checklist_version"
    ),
    path("candidates/<int:pk>/reviewers/add/", review_views.ReviewerAssignView.as_view(), name="reviewer_assign"),
    path("assignments/<int:pk>/remove/", review_views.ReviewerUnassignView.as_view(), name="reviewer_unassign"),
    path("assignments/", review_views.AssignmentsView.as_view(), name="assignments"),
    path("assignments/<int:pk>/declare/", review_views.DeclareView.as_view(), name="assignment_declare"),
    path("assessments/", review_views.AssessmentListView.as_view(), name="assessments"),
    path("candidates/<int:pk>/assessments/add/", review_views.AssessmentCreateView.as_view(), name="assessment_add"),
    path("assessments/<int:pk>/", review_views.AssessmentDetailView.as_view(), name="assessment"),
    path("assessments/<int:pk>/findings/", review_views.AssessmentFindingsView.as_view(), name="assessment_findings"),
    path(
        "assessments/<int:pk>/corrective-actions/add/",
        review_views.AssessmentCorrectiveActionView.as_view(),
        name="assessment_corrective_action",
    ),
    path(
        "assessments/<int:pk>/corrective-actions/verify/",
        review_views.AssessmentActionVerifyView.as_view(),
        name="assessment_action_verify",
    ),
    path(
        "assessments/<int:pk>/report/complete/",
        review_views.AssessmentReportCompleteView.as_view(),
        name="assessment_report_complete",
    ),
    path(
        "assessments/<int:pk>/full-membership/",
        review_views.AssessmentFullMembershipView.as_view(),
        name="assessment_full_membership",
    ),
    path("assessments/<int:pk>/edit/", review_views.AssessmentEditView.as_view(), name="assessment_edit"),
    path("assessments/<int:pk>/cancel/", review_views.AssessmentCancelView.as_view(), name="assessment_cancel"),
    path("assessments/<int:pk>/comment/", review_views.AssessmentCommentView.as_view(), name="assessment_comment"),
    path("assessments/<int:pk>/report.pdf", review_views.AssessmentReportView.as_view(), name="assessment_report"),
    path("assessments/<int:pk>/decision/", review_views.DecisionCreateView.as_view(), name="decision_add"),
    path("assessments/<int:pk>/decision/correct/", review_views.DecisionCorrectView.as_view(), name="decision_correct"),
    path("assessments/<int:pk>/decision/adopt/", review_views.DecisionAdoptView.as_view(), name="decision_adopt"),
    path(
        "assessments/<int:pk>/decision/letter/send/",
        review_views.DecisionLetterSendView.as_view(),
        name="decision_letter_send",
    ),
    path("assessments/<int:pk>/decision/letter.pdf", review_views.DecisionLetterView.as_view(), name="decision_letter"),
    path("appeals/<int:pk>/answer/", review_views.AppealAnswerView.as_view(), name="appeal_answer"),
    # Independent reviews of a dossier or an assessment
    path("candidates/<int:pk>/reviews/", review_views.ReviewsView.as_view(), name="reviews"),
    path("candidates/<int:pk>/reviews/mine/", review_views.ReviewEditView.as_view(), name="review_edit"),
    path("assessments/<int:assessment>/reviews/", review_views.ReviewsView.as_view(), name="reviews_assessment"),
    path(
        "assessments/<int:assessment>/reviews/mine/",
        review_views.ReviewEditView.as_view(),
        name="review_edit_assessment",
    ),
    path("checklist-templates/<int:pk>/", review_views.TemplateDetailView.as_view(), name="template"),
    path("checklist-templates/<int:pk>/publish/", review_views.TemplatePublishView.as_view(), name="template_publish"),
    path(
        "checklist-templates/<int:pk>/new-version/",
        review_views.TemplateNewVersionView.as_view(),
        name="template_new_version",
    ),
    # The member cycle: renewals, suspension proposals, quality-assurance reviews
    path("member-cycle/", review_views.MemberCycleView.as_view(), name="member_cycle"),
    path(
        "member-cycle/hotlines/<int:pk>/self-assessment/ask/",
        review_views.SelfAssessmentRequestView.as_view(),
        name="self_assessment_request",
    ),
    path("member-cycle/self-assessments/<int:pk>/", review_views.SelfAssessmentView.as_view(), name="self_assessment"),
    path("member-cycle/renewals/open/", review_views.RenewalsOpenView.as_view(), name="renewals_open"),
    path(
        "member-cycle/proposals/<int:pk>/",
        review_views.SuspensionProposalView.as_view(),
        name="suspension_proposal",
    ),
    path("member-cycle/joint-visits/add/", review_views.JointVisitCreateView.as_view(), name="joint_visit_add"),
]
