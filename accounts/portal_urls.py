from django.urls import path

from accounts import portal_views as views

urlpatterns = [
    path("colleagues/", views.colleagues, name="colleagues"),
    path("colleagues/invite/", views.colleague_invite, name="colleague_invite"),
    path("colleagues/<int:pk>/role/", views.colleague_role, name="colleague_role"),
    path("colleagues/<int:pk>/remove/", views.colleague_remove, name="colleague_remove"),
    path(
        "colleagues/invitations/<int:pk>/withdraw/",
        views.colleague_invitation_revoke,
        name="colleague_invitation_revoke",
    ),
]
