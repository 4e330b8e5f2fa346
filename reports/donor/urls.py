"""Routes this app adds to /donors/ (namespace "donors")."""

from django.urls import path

from reports.donor import views as donor_views

urlpatterns: list = [
    path("grants/<int:pk>/", donor_views.grant_detail, name="grant"),
    path("reports/<int:pk>/download/", donor_views.report_download, name="report_download"),
    path(
        "reports/<int:pk>/indicators.<str:export_format>",
        donor_views.report_indicators,
        name="report_indicators",
    ),
    # Public: anyone holding a report's PDF can check it is the one the association published.
    path("verify/", donor_views.verify, name="verify"),
]
