from django.urls import path

from onboarding import admin_views as views

app_name = "onboarding_admin"

urlpatterns = [
    path("", views.BoardView.as_view(), name="board"),
    path("candidates/", views.CandidateListView.as_view(), name="candidates"),
    path("candidates/add/", views.CandidateCreateView.as_view(), name="candidate_add"),
    path("candidates/<int:pk>/", views.CandidateDetailView.as_view(), name="candidate"),
    path("candidates/<int:pk>/edit/", views.CandidateEditView.as_view(), name="candidate_edit"),
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
]
