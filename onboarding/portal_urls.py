"""Routes this app adds to /portal/ (namespace "portal"; prefix names with the app)."""

from django.urls import path

from onboarding import portal_views

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
]
