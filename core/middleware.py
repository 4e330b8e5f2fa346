"""Request plumbing shared by every area of the site."""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.utils.csp import CSP

logger = logging.getLogger(__name__)

# The current request's CSP nonce, for templates rendered without the request in their context
# (Wagtail's form widgets and panels carry small inline scripts).
current_csp_nonce: contextvars.ContextVar[object | None] = contextvars.ContextVar("current_csp_nonce", default=None)


class CspNonceMiddleware:
    """Expose the request's CSP nonce to widget templates; allow same-origin framing only where a
    view has explicitly opted in (Wagtail's preview panel sets X-Frame-Options: SAMEORIGIN)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_csp_nonce.set(get_nonce(request))
        try:
            response = self.get_response(request)
        finally:
            current_csp_nonce.reset(token)
        if response.get("X-Frame-Options") == "SAMEORIGIN":
            response._csp_config = {**settings.SECURE_CSP, "frame-ancestors": [CSP.SELF]}
        return response


class DatabaseUnavailableMiddleware:
    """Answer a friendly 503 page (never a traceback) when the database cannot be reached."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.db import InterfaceError, OperationalError
        from django.template.loader import render_to_string

        if isinstance(exception, OperationalError | InterfaceError):
            logger.error("Database unavailable while serving %s: %s", request.path, type(exception).__name__)
            response = HttpResponse(render_to_string("503.html"), status=503)
            response["Retry-After"] = "60"
            return response
        return None
