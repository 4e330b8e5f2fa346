"""Template tags of the public site: menus, language links, meta tags."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.translation import get_language_info
from wagtail.models import Locale, Page, Site

register = template.Library()

OG_LOCALES = {"en": "en_GB", "fr": "fr_FR", "es": "es_ES"}


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str
    url: str
    current: bool


@dataclass(frozen=True)
class MenuItem:
    title: str
    url: str
    current: bool


def _request(context: template.Context) -> HttpRequest:
    return context["request"]


def _localized_home(request: HttpRequest) -> Page | None:
    site = Site.find_for_request(request)
    if site is None:
        return None
    return site.root_page.localized


@register.simple_tag(takes_context=True)
def site_home_url(context: template.Context) -> str:
    request = _request(context)
    home = _localized_home(request)
    return (home.get_url(request) if home else None) or "/"


@register.simple_tag(takes_context=True)
def site_menu(context: template.Context, page: Page) -> dict[str, Any]:
    """The home page of the page's language and its children marked "show in menus"."""
    request = _request(context)
    home = _localized_home(request)
    if home is None:
        return {"home_url": "/", "is_home": False, "items": []}
    items = [
        MenuItem(child.title, child.get_url(request), page.path.startswith(child.path))
        for child in home.get_children().live().public().in_menu()
    ]
    return {"home_url": home.get_url(request), "is_home": page.pk == home.pk, "items": items}


@register.simple_tag(takes_context=True)
def page_languages(context: template.Context, page: Page | None) -> list[LanguageLink]:
    """Links to this page in each language: its translation, or that language's home page."""
    request = _request(context)
    current = translation.get_language()
    links: list[LanguageLink] = []
    if page is None:
        path = request.get_full_path()
        for code, _name in settings.LANGUAGES:
            links.append(
                LanguageLink(code, get_language_info(code)["name_local"], translate_url(path, code), code == current)
            )
        return links
    translations = {
        p.locale.language_code: p for p in page.get_translations(inclusive=True).live().select_related("locale")
    }
    site = Site.find_for_request(request)
    homes: dict[str, Page] = {}
    if site is not None:
        homes = {
            p.locale.language_code: p
            for p in site.root_page.get_translations(inclusive=True).live().select_related("locale")
        }
    for code, _name in settings.LANGUAGES:
        target = translations.get(code) or homes.get(code)
        if target is None:
            continue
        url = target.get_url(request)
        if url:
            links.append(LanguageLink(code, get_language_info(code)["name_local"], url, code == current))
    return links


@register.simple_tag(takes_context=True)
def breadcrumb_pages(context: template.Context, page: Page) -> list[dict[str, str]]:
    request = _request(context)
    ancestors = page.get_ancestors().filter(depth__gt=1).live()
    return [{"title": ancestor.title, "url": ancestor.get_url(request)} for ancestor in ancestors]


@register.simple_tag(takes_context=True)
def page_meta(context: template.Context, page: Page) -> dict[str, Any]:
    """Canonical URL, description, Open Graph type/locale/image and hreflang alternates."""
    request = _request(context)
    specific = page.specific if type(page) is Page else page
    description = specific.search_description or getattr(specific, "listing_summary", "") or ""
    image = getattr(specific, "social_image", None)
    image_url = ""
    if image is not None:
        image_url = request.build_absolute_uri(image.get_rendition("fill-1200x630").url)
    alternates = [
        {"code": p.locale.language_code, "url": p.get_full_url(request)}
        for p in page.get_translations(inclusive=True).live().select_related("locale")
    ]
    language = page.locale.language_code if isinstance(page.locale, Locale) else translation.get_language()
    return {
        "canonical": page.get_full_url(request),
        "description": strip_tags(str(description))[:300],
        "og_type": "article" if specific.__class__.__name__ == "ArticlePage" else "website",
        "og_locale": OG_LOCALES.get(language, language),
        "image_url": image_url,
        "alternates": alternates if len(alternates) > 1 else [],
    }


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: Any) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    query = _request(context).GET.copy()
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()
