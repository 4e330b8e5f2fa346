"""Request plumbing shared by every area of the site."""

from __future__ import annotations

import contextvars
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.utils.csp import CSP

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
