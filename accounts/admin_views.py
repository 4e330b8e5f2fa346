"""Staff screens for invitations in the Wagtail admin (registration lives in wagtail_hooks)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from accounts import services
from accounts.access import may
from accounts.forms import InvitationCreateForm
from accounts.models import Invitation, User


class NetworkStaffOnlyMixin:
    """Invitations are managed by network staff; the page title also shows in the breadcrumbs."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may(request.user, "accounts.invitations"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        items = list(super().get_breadcrumbs_items())
        if not isinstance(self, InvitationIndexView):
            items.append({"url": reverse("accounts_admin:invitation_index"), "label": _("Invitations")})
        return [*items, {"url": "", "label": str(self.page_title)}]


class InvitationIndexView(NetworkStaffOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "accounts/admin/invitation_index.html"
    page_title = gettext_lazy("Invitations")
    header_icon = "mail"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        invitations = (
            Invitation.objects.visible_to(self.request.user)
            .select_related("created_by", "content_type")
            .order_by("-created_at")
        )
        page = Paginator(invitations, 50).get_page(self.request.GET.get("p"))
        context.update({"page_obj": page, "invitations": page.object_list})
        context["awaiting"] = User.objects.filter(awaiting_invitation=True).order_by("email")
        return context

    def get_header_buttons(self) -> list:
        return []


class InvitationCreateView(NetworkStaffOnlyMixin, WagtailAdminTemplateMixin, FormView):
    template_name = "wagtailadmin/generic/form.html"
    form_class = InvitationCreateForm
    page_title = gettext_lazy("Invite a person")
    header_icon = "mail"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["action_url"] = reverse("accounts_admin:invitation_add")
        context["submit_button_label"] = _("Send invitation")
        return context

    def form_valid(self, form: InvitationCreateForm) -> HttpResponse:
        try:
            created = services.invitation_create(
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                target=form.cleaned_data["target"],
                acting_user=self.request.user,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Invitation sent to %(email)s. The link works once and expires on %(date)s.")
            % {
                "email": created.invitation.email,
                "date": created.invitation.expires_at.date().isoformat(),
            },
        )
        return redirect("accounts_admin:invitation_index")


class InvitationRevokeView(NetworkStaffOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "accounts/admin/invitation_revoke.html"
    page_title = gettext_lazy("Withdraw invitation")
    header_icon = "mail"

    def get_invitation(self) -> Invitation:
        return get_object_or_404(Invitation.objects.visible_to(self.request.user), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["invitation"] = self.get_invitation()
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        invitation = self.get_invitation()
        try:
            services.invitation_revoke(invitation=invitation, acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email},
            )
        return redirect("accounts_admin:invitation_index")
