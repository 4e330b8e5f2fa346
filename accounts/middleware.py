"""Staff must have two-factor authentication before they reach the Wagtail admin."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from accounts.access import is_staff_user


class StaffMfaRequiredMiddleware:
    """With ACCOUNTS_REQUIRE_STAFF_MFA on, send staff without TOTP to the set-up page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.ACCOUNTS_REQUIRE_STAFF_MFA
            and request.path.startswith("/admin/")
            and is_staff_user(request.user)
            and not is_mfa_enabled(request.user)
        ):
            messages.warning(
                request,
                _(
                    "Set up two-factor authentication to use the staff area: scan the code with an "
                    "authenticator app and enter the code it shows."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
