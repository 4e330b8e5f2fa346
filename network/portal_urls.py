"""Routes this app adds to /portal/ (namespace "portal"; names prefixed with the app)."""

from django.urls import path

from network import portal_views as views

urlpatterns = [
    path("hotline/", views.hotline_home, name="network_hotline"),
    path("hotlines/<int:pk>/", views.overview, name="network_overview"),
    path("hotlines/<int:pk>/profile/", views.public_profile, name="network_profile"),
    path("hotlines/<int:pk>/annual-profiles/", views.annual_profiles, name="network_annual_profiles"),
    path("hotlines/<int:pk>/annual-profiles/new/", views.annual_profile_add, name="network_annual_profile_add"),
    path(
        "hotlines/<int:pk>/annual-profiles/<int:profile_pk>/",
        views.annual_profile_edit,
        name="network_annual_profile_edit",
    ),
    path("hotlines/<int:pk>/statistics/", views.statistics, name="network_statistics"),
    path("hotlines/<int:pk>/statistics/new/", views.statistics_add, name="network_statistics_add"),
    path("hotlines/<int:pk>/statistics/<int:return_pk>/", views.statistics_edit, name="network_statistics_edit"),
    path("hotlines/<int:pk>/analysts/", views.analysts, name="network_analysts"),
    path("hotlines/<int:pk>/analysts/new/", views.analyst_add, name="network_analyst_add"),
    path("hotlines/<int:pk>/analysts/<int:analyst_pk>/", views.analyst_edit, name="network_analyst_edit"),
    path("hotlines/<int:pk>/training/", views.training, name="network_training"),
    path(
        "hotlines/<int:pk>/training/<int:event_pk>/nominate/",
        views.training_nominate,
        name="network_training_nominate",
    ),
    path(
        "hotlines/<int:pk>/training/nominations/<int:participation_pk>/withdraw/",
        views.nomination_withdraw,
        name="network_nomination_withdraw",
    ),
]
