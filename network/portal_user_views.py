"""A hotline's portal users, on the staff side: who works in its host organisation's portal (role, last
sign-in), its pending invitations, and network staff's two actions on a user: change the portal role, or
remove the access (optionally switching the account off). Each action shows what will happen first
(`core.confirm.ConfirmFirstMixin`), then calls `accounts.services` (atomic, audited, the user told in
their language; the organisation keeps a manager). Network staff only (`ACTION_RULES["accounts.portal_users"]`);
the hotline is loaded through `Hotline.objects.visible_to`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.access import may
from accounts.models import Affiliation
from accounts.roles import PORTAL_ROLE_HELP, PortalRole
from core.admin import TitledPageMixin
from core.confirm import ConfirmFirstMixin
from network.models import Hotline


class PortalRoleForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Portal role"), choices=PortalRole.choices, widget=forms.RadioSelect)


class PortalRevokeForm(forms.Form):
    deactivate = forms.BooleanField(
        label=gettext_lazy("Also switch the account off"),
        required=False,
        help_text=gettext_lazy("They can no longer sign in at all, not only to this organisation's portal."),
    )


class PortalUsersMixin(TitledPageMixin, WagtailAdminTemplateMixin):
    header_icon = "group"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may(request.user, "accounts.portal_users"):
            raise PermissionDenied
        self.hotline = get_object_or_404(
            Hotline.objects.visible_to(request.user).select_related("host_organisation"), pk=kwargs["hotline"]
        )
        self.page_subtitle = self.hotline.brand_name
        return super().dispatch(request, *args, **kwargs)

    def index_url(self) -> str:
        return reverse("network_portal_users:index", args=[self.hotline.pk])

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        items = [
            {"url": reverse("network_hotline:index"), "label": _("Hotlines")},
            {"url": reverse("network_hotline:inspect", args=[self.hotline.pk]), "label": self.hotline.brand_name},
        ]
        if not isinstance(self, PortalUsersView):
            items.append({"url": self.index_url(), "label": _("Portal users")})
        return [*items, {"url": "", "label": str(self.get_page_title())}]


class PortalUsersView(PortalUsersMixin, TemplateView):
    template_name = "network/admin/portal_users.html"
    page_title = gettext_lazy("Portal users")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        organisation_id = self.hotline.host_organisation_id
        context.update(
            hotline=self.hotline,
            affiliations=account_selectors.portal_users(organisation_id=organisation_id) if organisation_id else [],
            invitations=account_selectors.organisation_invitations(organisation_id=organisation_id)
            if organisation_id
            else [],
            role_help=[(PortalRole(role).label, text) for role, text in PORTAL_ROLE_HELP.items()],
        )
        return context


class PortalUserActionView(ConfirmFirstMixin, PortalUsersMixin, FormView):
    """One user of the hotline's host organisation: the form, what will happen, then the service."""

    template_name = "network/admin/portal_user_form.html"

    def get_affiliation(self) -> Affiliation:
        found = next(
            (
                a
                for a in account_selectors.portal_users(organisation_id=self.hotline.host_organisation_id or 0)
                if a.user_id == self.kwargs["user"]
            ),
            None,
        )
        if found is None:
            raise Http404
        return found

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(hotline=self.hotline, affiliation=self.affiliation, cancel_url=self.index_url())
        return context

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.affiliation = self.get_affiliation()
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.affiliation = self.get_affiliation()
        return super().post(request, *args, **kwargs)

    def refused(self, form: forms.Form, exc: ValidationError) -> HttpResponse:
        form.add_error(None, exc.messages)
        return self.form_invalid(form)


class PortalUserRoleView(PortalUserActionView):
    form_class = PortalRoleForm
    page_title = gettext_lazy("Change a portal role")
    confirm_label = gettext_lazy("Change the role")

    def get_initial(self) -> dict[str, Any]:
        return {"role": self.affiliation.role}

    def form_valid(self, form: PortalRoleForm) -> HttpResponse:
        if form.cleaned_data["role"] == self.affiliation.role:
            form.add_error("role", _("Choose another role than the one they have."))
            return self.form_invalid(form)
        return super().form_valid(form)

    def consequences(self, form: PortalRoleForm) -> list[str]:
        user, role = self.affiliation.user, PortalRole(form.cleaned_data["role"])
        return [
            _("%(user)s: %(old)s → %(new)s in the portal of %(organisation)s.")
            % {
                "user": user.email,
                "old": self.affiliation.get_role_display(),
                "new": role.label,
                "organisation": self.hotline.host_organisation,
            },
            str(PORTAL_ROLE_HELP[role]),
            _("They are told by email, in their language; the change is in the history."),
        ]

    def confirmed_valid(self, form: PortalRoleForm) -> HttpResponse:
        try:
            account_services.portal_user_set_role(
                user=self.affiliation.user,
                organisation=self.hotline.host_organisation,
                role=form.cleaned_data["role"],
                acting_user=self.request.user,
            )
        except ValidationError as exc:
            return self.refused(form, exc)
        messages.success(
            self.request,
            _("%(user)s is now a %(role)s.")
            % {"user": self.affiliation.user.email, "role": PortalRole(form.cleaned_data["role"]).label.lower()},
        )
        return redirect(self.index_url())


class PortalUserRevokeView(PortalUserActionView):
    form_class = PortalRevokeForm
    page_title = gettext_lazy("Remove portal access")
    confirm_label = gettext_lazy("Remove the access")

    def consequences(self, form: PortalRevokeForm) -> list[str]:
        user = self.affiliation.user
        lines = [
            _("%(user)s no longer reaches the portal of %(organisation)s.")
            % {"user": user.email, "organisation": self.hotline.host_organisation},
            _("Their account is switched off: they can no longer sign in.")
            if form.cleaned_data["deactivate"]
            else _("Their account stays, without a portal, until staff invite them again."),
            _("They are told by email, in their language; the change is in the history."),
        ]
        return lines

    def confirmed_valid(self, form: PortalRevokeForm) -> HttpResponse:
        try:
            account_services.portal_access_revoke(
                user=self.affiliation.user,
                organisation=self.hotline.host_organisation,
                deactivate=form.cleaned_data["deactivate"],
                acting_user=self.request.user,
            )
        except ValidationError as exc:
            return self.refused(form, exc)
        messages.success(
            self.request, _("%(user)s's portal access was removed.") % {"user": self.affiliation.user.email}
        )
        return redirect(self.index_url())
