from django.urls import path

from network import portal_user_views as views

app_name = "network_portal_users"

urlpatterns = [
    path("", views.PortalUsersView.as_view(), name="index"),
    path("<int:user>/role/", views.PortalUserRoleView.as_view(), name="role"),
    path("<int:user>/revoke/", views.PortalUserRevokeView.as_view(), name="revoke"),
]
