from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from accounts import services
from accounts.access import (
    donor_id_for,
    donor_user_required,
    is_staff_user,
    organisation_id_for,
    portal_user_required,
)
from accounts.areas import DONOR_PANELS_HOOK, PORTAL_PANELS_HOOK, collect
from accounts.forms import InvitationAcceptForm
from accounts.roles import ROLE_LABELS, Role


@never_cache
@sensitive_post_parameters("password1", "password2")
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_for_token(token)
    if invitation is None or not invitation.is_usable:
        status = 404 if invitation is None else 410
        return render(
            request,
            "accounts/invitation_invalid.html",
            {"message": services._invalid_message(invitation)},
            status=status,
        )
    form = InvitationAcceptForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                token=token,
                password=form.cleaned_data["password1"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                language=translation.get_language() or "",
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect("accounts:home")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"form": form, "invitation": invitation, "role_label": ROLE_LABELS[Role(invitation.role)]},
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Where a user lands after signing in: the area their role gives them."""
    user = request.user
    if is_staff_user(user):
        return redirect("wagtailadmin_home")
    if organisation_id_for(user) is not None:
        return redirect("portal:home")
    if donor_id_for(user) is not None:
        return redirect("donors:home")
    return render(request, "accounts/no_area.html")


@portal_user_required
def portal_home(request: HttpRequest) -> HttpResponse:
    panels = collect(PORTAL_PANELS_HOOK, request)
    return render(request, "portal/home.html", {"panels": panels})


@donor_user_required
def donors_home(request: HttpRequest) -> HttpResponse:
    panels = collect(DONOR_PANELS_HOOK, request)
    return render(request, "donors/home.html", {"panels": panels})


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switcher; a signed-in person's choice also becomes the language of their emails."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and response.status_code in (302, 204)
        and language in dict(settings.LANGUAGES)
    ):
        services.user_set_language(user=request.user, language=language, acting_user=request.user)
    return response
