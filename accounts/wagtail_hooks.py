from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from accounts import admin_urls
from accounts.access import has_role
from accounts.roles import Role


@hooks.register("register_admin_urls")
def register_invitation_urls():
    return [path("invitations/", include(admin_urls, namespace="accounts_admin"))]


class NetworkStaffMenuItem(MenuItem):
    def is_shown(self, request):
        return has_role(request.user, Role.NETWORK_STAFF)


@hooks.register("register_settings_menu_item")
def register_invitations_menu_item():
    return NetworkStaffMenuItem(
        _("Invitations"), reverse("accounts_admin:invitation_index"), icon_name="mail", order=610
    )


@hooks.register("register_log_actions")
def register_account_actions(actions):
    actions.register_action("accounts.invitation.create", _("Invite"), _("Invitation sent"))
    actions.register_action("accounts.invitation.accept", _("Accept invitation"), _("Invitation accepted"))
    actions.register_action("accounts.invitation.revoke", _("Withdraw invitation"), _("Invitation withdrawn"))
    actions.register_action("accounts.affiliation.set", _("Affiliate"), _("Affiliation set"))
    actions.register_action("accounts.import.create", _("Import (new)"), _("Created by a workbook import"))
    actions.register_action("accounts.import.update", _("Import (update)"), _("Updated by a workbook import"))
