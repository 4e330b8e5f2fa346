"""Routes this app adds to /portal/ (namespace "portal"; prefix names with the app)."""

from django.urls import path

from onboarding import membership_portal_views, portal_assign_views, portal_views, selfassessment_portal_views

urlpatterns = [
    path("onboarding/", portal_views.status, name="onboarding_status"),
    path("onboarding/<int:pk>/", portal_views.candidate, name="onboarding_candidate"),
    path("onboarding/<int:pk>/submit/", portal_views.submit, name="onboarding_submit"),
    path("onboarding/roundtables/<int:pk>/", portal_views.roundtable, name="onboarding_roundtable"),
    path(
        "onboarding/roundtables/<int:pk>/calendar.ics",
        portal_views.roundtable_ics,
        name="onboarding_roundtable_ics",
    ),
    path("onboarding/<int:pk>/checklist/", portal_views.checklist, name="onboarding_checklist"),
    path("onboarding/checklist/items/<int:pk>/", portal_views.checklist_item, name="onboarding_checklist_item"),
    path("onboarding/checklist/items/<int:pk>/assign/", portal_assign_views.item_assign, name="onboarding_item_assign"),
    path("onboarding/evidence/<int:pk>/download/", portal_views.evidence_download, name="onboarding_evidence"),
    path("onboarding/evidence/<int:pk>/", portal_views.document, name="onboarding_document"),
    path("onboarding/evidence/<int:pk>/remove/", portal_views.document_remove, name="onboarding_document_remove"),
    path("onboarding/corrective-actions/", portal_views.corrective_actions, name="onboarding_corrective_actions"),
    path(
        "onboarding/corrective-actions/<int:pk>/",
        portal_views.corrective_action,
        name="onboarding_corrective_action",
    ),
    path(
        "onboarding/assessments/<int:pk>/report.pdf",
        portal_views.assessment_report,
        name="onboarding_assessment_report",
    ),
    path("onboarding/decisions/<int:pk>/letter.pdf", portal_views.decision_letter, name="onboarding_decision_letter"),
    path("onboarding/decisions/<int:pk>/appeal/", portal_views.decision_appeal, name="onboarding_decision_appeal"),
    path("membership/", membership_portal_views.home, name="membership"),
    path("membership/<int:pk>/", membership_portal_views.hotline, name="membership_hotline"),
    path("membership/self-assessments/<int:pk>/", selfassessment_portal_views.self_assessment, name="self_assessment"),
    path("membership/renewals/<int:pk>/declare/", membership_portal_views.declare, name="membership_declare"),
    path("membership/renewals/<int:pk>/contacts/", membership_portal_views.contacts, name="membership_contacts"),
]
