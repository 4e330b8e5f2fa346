"""Request plumbing shared by every area of the site."""

from __future__ import annotations

import contextvars
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.gzip import GZipMiddleware
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
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


class RequestSizeLimitMiddleware:
    """Refuse a request whose body is larger than REQUEST_MAX_BYTES (413) from its declared length,
    before anything reads the body. Django reads no more than the declared length, and a body sent
    without one (chunked) is not read at all, so this bounds every request. The proxy in front
    applies the same limit (docs/operations.md)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.REQUEST_MAX_BYTES
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if limit and declared > limit:
            context = {"limit_mb": max(1, limit // (1024 * 1024))}
            response = HttpResponse(render_to_string("413.html", context, request=None), status=413)
            response["Connection"] = "close"
            return response
        return self.get_response(request)


class PrivateResponsesMiddleware:
    """Every page answered to a signed-in user is `Cache-Control: private, no-store`: the portal, the
    donor area, the admin and the public pages they see carry their data or their name, and no
    browser history, shared computer or intermediate cache may keep a copy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class CompressionMiddleware(GZipMiddleware):
    """gzip for text responses (HTML, JSON, CSV, XML, JavaScript, CSS) when the client accepts it.

    Office documents, PDFs and images are compressed already and pass untouched. Against
    compression side channels (BREACH): CSRF tokens in forms are masked afresh on every response
    (Django), and Django's gzip adds a random number of bytes to every compressed body; public
    pages, which carry neither a token nor any per-user secret, are stored compressed once
    (`cms.caching`)."""

    COMPRESSIBLE = (
        "text/",
        "application/json",
        "application/xml",
        "application/javascript",
        "application/rss+xml",
        "application/atom+xml",
        "image/svg+xml",
    )

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if not response.get("Content-Type", "").startswith(self.COMPRESSIBLE):
            return response
        return super().process_response(request, response)
