from django.urls import path

from accounts import admin_views

app_name = "accounts_admin"

urlpatterns = [
    path("", admin_views.InvitationIndexView.as_view(), name="invitation_index"),
    path("add/", admin_views.InvitationCreateView.as_view(), name="invitation_add"),
    path("<int:pk>/withdraw/", admin_views.InvitationRevokeView.as_view(), name="invitation_revoke"),
]
