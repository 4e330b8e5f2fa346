"""Onboarding routes outside the admin and the portal: the staff calendar feed, which calendar
apps fetch with a secret address instead of a session."""

from django.urls import path

from onboarding import views

app_name = "onboarding"

urlpatterns = [
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
