"""/donors/: the donor area. One namespace ("donors"); the reports app contributes its routes."""

from django.urls import path

from accounts import views as account_views
from reports.donor.urls import urlpatterns as report_patterns

app_name = "donors"

urlpatterns = [
    path("", account_views.donors_home, name="home"),
    *report_patterns,
]
