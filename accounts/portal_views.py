"""The portal's "Colleagues" pages: an organisation's portal users and their roles; its managers
invite colleagues, change roles, remove access and withdraw pending invitations (each through
`accounts.services`, which checks the rule again; destructive steps ask for confirmation)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts import selectors, services
from accounts.access import may, portal_user_required
from accounts.forms import ColleagueInviteForm, ColleagueRoleForm
from accounts.models import Affiliation
from accounts.roles import PORTAL_ROLE_HELP, PortalRole


def _require_manager(request: HttpRequest) -> None:
    if not may(request.user, "portal.colleagues"):
        raise PermissionDenied(_("Only your organisation's portal managers can manage colleagues."))


def _colleague(request: HttpRequest, pk: int) -> Affiliation:
    affiliation = selectors.colleague_of(user=request.user, pk=pk)
    if affiliation is None:
        raise Http404("Not a colleague.")
    return affiliation


def _form_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@portal_user_required
def colleagues(request: HttpRequest) -> HttpResponse:
    manager = may(request.user, "portal.colleagues")
    return render(
        request,
        "accounts/portal/colleagues.html",
        {
            "affiliations": selectors.colleagues(user=request.user),
            "invitations": selectors.pending_invitations(user=request.user) if manager else [],
            "manager": manager,
            "roles": [(role.label, PORTAL_ROLE_HELP[role]) for role in PortalRole],
            "organisation": request.user.affiliation_or_none.target,
        },
    )


@portal_user_required
def colleague_invite(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = ColleagueInviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.colleague_invite(
                email=form.cleaned_data["email"], role=form.cleaned_data["role"], acting_user=request.user
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s. The link works once and expires on %(date)s.")
                % {"email": created.invitation.email, "date": created.invitation.expires_at.date().isoformat()},
            )
            return redirect("portal:colleagues")
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "accounts/portal/colleague_form.html",
        {"form": form, "title": _("Invite a colleague"), "submit": _("Send invitation")},
        status=status,
    )


@portal_user_required
def colleague_role(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    affiliation = _colleague(request, pk)
    form = ColleagueRoleForm(request.POST if request.method == "POST" else None, initial={"role": affiliation.role})
    if request.method == "POST" and form.is_valid():
        try:
            services.colleague_set_role(user=affiliation.user, role=form.cleaned_data["role"], acting_user=request.user)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is now %(role)s.")
                % {"name": affiliation.user.display_name, "role": PortalRole(form.cleaned_data["role"]).label},
            )
            return redirect("portal:colleagues")
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "accounts/portal/colleague_form.html",
        {
            "form": form,
            "title": _("Role of %(name)s") % {"name": affiliation.user.display_name},
            "submit": _("Change role"),
        },
        status=status,
    )


@portal_user_required
def colleague_remove(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    affiliation = _colleague(request, pk)
    error = ""
    if request.method == "POST":
        try:
            services.colleague_remove(user=affiliation.user, acting_user=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request, _("%(name)s no longer has access to the portal.") % {"name": affiliation.user.display_name}
            )
            return redirect("portal:colleagues")
    return render(
        request,
        "accounts/portal/colleague_confirm.html",
        {
            "title": _("Remove access"),
            "question": _(
                "Remove the portal access of %(name)s (%(email)s)? They will no longer see your organisation's "
                "dossier or records. Their account stays; you can invite them again later."
            )
            % {"name": affiliation.user.display_name, "email": affiliation.user.email},
            "confirm": _("Remove access"),
            "error": error,
        },
        status=400 if error else 200,
    )


@portal_user_required
def colleague_invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    invitation = next((i for i in selectors.pending_invitations(user=request.user) if i.pk == pk), None)
    if invitation is None:
        raise Http404("No such pending invitation.")
    error = ""
    if request.method == "POST":
        try:
            services.invitation_revoke(invitation=invitation, acting_user=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email})
            return redirect("portal:colleagues")
    return render(
        request,
        "accounts/portal/colleague_confirm.html",
        {
            "title": _("Withdraw invitation"),
            "question": _("Withdraw the invitation to %(email)s? Its link will stop working.")
            % {"email": invitation.email},
            "confirm": _("Withdraw invitation"),
            "error": error,
        },
        status=400 if error else 200,
    )
