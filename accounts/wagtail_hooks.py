from typing import Any

from django import forms
from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.account import BaseSettingsPanel

from accounts import admin_urls
from accounts.access import may, shows_home_panel
from accounts.areas import AreaMenuItem


@hooks.register("register_admin_urls")
def register_invitation_urls():
    return [path("invitations/", include(admin_urls, namespace="accounts_admin"))]


class NetworkStaffMenuItem(MenuItem):
    def is_shown(self, request):
        return may(request.user, "accounts.invitations")


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
    actions.register_action("accounts.colleague.role", _("Change portal role"), _("Portal role changed"))
    actions.register_action("accounts.colleague.remove", _("Remove portal access"), _("Portal access removed"))
    actions.register_action(
        "accounts.portal_user.role", _("Change portal role (staff)"), _("Portal role changed by staff")
    )
    actions.register_action(
        "accounts.portal_user.revoke", _("Revoke portal access (staff)"), _("Portal access revoked by staff")
    )
    actions.register_action("accounts.user.language", _("Choose language"), _("Language of emails changed"))
    actions.register_action("accounts.import.create", _("Import (new)"), _("Created by a workbook import"))
    actions.register_action("accounts.import.update", _("Import (update)"), _("Updated by a workbook import"))


class SignInSettingsPanel(BaseSettingsPanel):
    """The admin's account page links to allauth's pages for the email address and the password
    (Wagtail's own fields are switched off: WAGTAIL_EMAIL/PASSWORD_MANAGEMENT_ENABLED)."""

    name = "sign_in"
    title = _("Email address and password")
    order = 500
    template_name = "accounts/admin/sign_in_panel.html"

    def get_form(self) -> forms.Form:
        return forms.Form(prefix=self.name)  # nothing to save here

    def get_context_data(self) -> dict[str, Any]:
        return {"user": self.user}


@hooks.register("register_account_settings_panel")
def register_sign_in_panel(request: HttpRequest, user: Any, profile: Any) -> SignInSettingsPanel:
    return SignInSettingsPanel(request, user, profile)


@hooks.register("portal_menu_items")
def colleagues_menu(request: HttpRequest) -> list[AreaMenuItem]:
    return [AreaMenuItem(order=90, label=str(_("Colleagues")), url=reverse("portal:colleagues"))]


@hooks.register("construct_homepage_panels", order=1000)
def keep_the_panels_of_my_roles(request: HttpRequest, panels: list[Any]) -> None:
    """After every app added its panels: keep those the user's roles act on (`roles.HOME_PANELS`)."""
    panels[:] = [panel for panel in panels if shows_home_panel(request.user, getattr(panel, "name", ""))]
