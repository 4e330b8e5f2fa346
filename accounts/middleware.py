"""Staff sessions: two-factor authentication before the admin, and sign-out after idle time."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.access import is_staff_user
from accounts.areas import in_staff_admin


class StaffMfaRequiredMiddleware:
    """With ACCOUNTS_REQUIRE_STAFF_MFA on, send staff without TOTP to the set-up page.

    Decided on the view the URL resolved to (a route inside the admin's URL prefix), never on the
    raw path: under a SCRIPT_NAME prefix (a sub-path deployment, or a header a proxy passed on) the
    full path no longer starts with the admin's prefix, but the resolved route still does."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if (
            settings.ACCOUNTS_REQUIRE_STAFF_MFA
            and in_staff_admin(request)
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
        return None


class StaffIdleTimeoutMiddleware:
    """Sign staff out after ACCOUNTS_STAFF_IDLE_TIMEOUT seconds without a request."""

    SESSION_KEY = "accounts_last_activity"
    # Write the timestamp at most this often, not on every request.
    RESOLUTION = 60

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timeout = settings.ACCOUNTS_STAFF_IDLE_TIMEOUT
        if timeout and is_staff_user(request.user):
            now = int(time.time())
            last = request.session.get(self.SESSION_KEY)
            if last is not None and now - int(last) > timeout:
                logout(request)
                messages.info(
                    request,
                    _("You were signed out after %(minutes)s minutes without activity. Please sign in again.")
                    % {"minutes": timeout // 60},
                )
                query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
                return redirect(reverse("account_login") + (f"?{query}" if query else ""))
            if last is None or now - int(last) >= self.RESOLUTION:
                request.session[self.SESSION_KEY] = now
        return self.get_response(request)
