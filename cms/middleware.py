"""Which language a request is served in."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.urls import Resolver404, resolve
from django.utils import translation

# URL names served under `i18n_patterns` (config/urls.py): the public site.
PUBLIC_URL_NAMES = frozenset({"wagtail_serve", "cms_search", "cms_feed_rss", "cms_feed_atom"})


def is_public_site_path(path: str) -> bool:
    """Whether an unprefixed path is a page of the (English) public site."""
    # Resolve as English: the language-prefix pattern matches unprefixed paths only for it.
    with translation.override(settings.LANGUAGE_CODE):
        try:
            match = resolve(path)
        except Resolver404:
            return False
    return match.url_name in PUBLIC_URL_NAMES


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's LocaleMiddleware, except that only the public site takes its language from the URL.

    Public pages live at `/` (English), `/fr/` and `/es/`, so an unprefixed public URL is always
    English (it is cached and shared). The portal, donor area and accounts pages have no language
    prefix: they follow the visitor's choice (the language cookie set by the switcher), then the
    browser's preference.
    """

    def process_request(self, request: HttpRequest) -> None:
        if translation.get_language_from_path(request.path_info) or is_public_site_path(request.path_info):
            super().process_request(request)
            return
        translation.activate(translation.get_language_from_request(request, check_path=False))
        request.LANGUAGE_CODE = translation.get_language()
