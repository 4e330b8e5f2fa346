"""Template tags of the public site: menus, language links, meta tags."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django import template
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import translate_url
from django.utils import translation
from django.utils.html import format_html_join, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_info
from wagtail.models import Page, Site

from cms.caching import PAGE_CACHE_SECONDS, code_version, request_site_version
from cms.selectors import DirectoryHotline

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


def _site_chrome(request: HttpRequest) -> dict[str, Any] | None:
    """What every page of a site and language shows around it: the home page (of the visitor's
    language) and its URL, the menu, and each language's home URL.

    Kept in the shared cache under the site version (which publishing, moving, deleting pages and
    changing sites or locales bump), and on the request, so a page renders it with no query."""
    memo = request.__dict__.setdefault("_cms_tags", {})
    if "chrome" in memo:
        return memo["chrome"]
    site = Site.find_for_request(request)
    if site is None:
        memo["chrome"] = None
        return None
    key = f"cms:chrome:{code_version()}:{request_site_version(request)}:{site.pk}:{translation.get_language()}"
    chrome = cache.get(key)
    if chrome is None:
        chrome = _build_site_chrome(request, site)
        cache.set(key, chrome, PAGE_CACHE_SECONDS)
    memo["chrome"] = chrome
    return chrome


def _build_site_chrome(request: HttpRequest, site: Site) -> dict[str, Any]:
    home = site.root_page.localized
    return {
        "home_pk": home.pk,
        "home_url": home.get_url(request),
        "menu": [
            (child.title, child.get_url(request), child.path) for child in home.get_children().live().public().in_menu()
        ],
        "home_urls": {
            page.locale.language_code: page.get_url(request)
            for page in site.root_page.get_translations(inclusive=True).live().select_related("locale")
        },
    }


def _page_links(request: HttpRequest, page: Page) -> dict[str, Any]:
    """The page's links to itself in each language it is live in (language links and hreflang) and
    its breadcrumbs: in the shared cache under the site version, like the chrome, and on the request."""
    memo = request.__dict__.setdefault("_cms_tags", {})
    memo_key = ("links", page.pk)
    if memo_key in memo:
        return memo[memo_key]
    site = Site.find_for_request(request)
    key = f"cms:page-links:{code_version()}:{request_site_version(request)}:{site.pk if site else 0}:{page.pk}"
    links = cache.get(key)
    if links is None:
        links = {
            "translations": [
                (p.locale.language_code, p.pk, p.get_url(request), p.get_full_url(request))
                for p in page.get_translations(inclusive=True).live().select_related("locale")
            ],
            "crumbs": [
                {"title": ancestor.title, "url": ancestor.get_url(request)}
                for ancestor in page.get_ancestors().filter(depth__gt=1).live()
            ],
        }
        cache.set(key, links, PAGE_CACHE_SECONDS)
    memo[memo_key] = links
    return links


@register.simple_tag(takes_context=True)
def site_home_url(context: template.Context) -> str:
    chrome = _site_chrome(_request(context))
    return (chrome["home_url"] if chrome else None) or "/"


@register.simple_tag(takes_context=True)
def site_menu(context: template.Context, page: Page) -> dict[str, Any]:
    """The home page of the page's language and its children marked "show in menus"."""
    chrome = _site_chrome(_request(context))
    if chrome is None:
        return {"home_url": "/", "is_home": False, "items": []}
    items = [MenuItem(title, url, page.path.startswith(path)) for title, url, path in chrome["menu"]]
    return {"home_url": chrome["home_url"], "is_home": page.pk == chrome["home_pk"], "items": items}


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
    translations = {code: url for code, _pk, url, _full in _page_links(request, page)["translations"]}
    chrome = _site_chrome(request)
    home_urls: dict[str, str] = chrome["home_urls"] if chrome else {}
    for code, _name in settings.LANGUAGES:
        url = translations.get(code) or home_urls.get(code)
        if url:
            links.append(LanguageLink(code, get_language_info(code)["name_local"], url, code == current))
    return links


@register.simple_tag(takes_context=True)
def breadcrumb_pages(context: template.Context, page: Page) -> list[dict[str, str]]:
    return _page_links(_request(context), page)["crumbs"]


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
    translations = _page_links(request, page)["translations"]
    alternates = [{"code": code, "url": full_url} for code, _pk, _url, full_url in translations]
    own = next((code for code, pk, _url, _full in translations if pk == page.pk), None)
    language = own or page.locale.language_code
    canonical = next((full_url for _code, pk, _url, full_url in translations if pk == page.pk), None)
    return {
        "canonical": canonical or page.get_full_url(request),
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


@register.simple_tag
def hotline_card(hotline: DirectoryHotline, country_name: str = "", show_home: bool = False) -> SafeString:
    """A member hotline's card (`cms/includes/hotline_card.html`) for the row of `country_name`."""
    return _hotline_card(hotline, country_name, bool(show_home), translation.get_language() or "")


# A pure function of the entry (its public fields, in the visitor's language), the row and the
# language: each process keeps the cards it rendered, so "where to report", when it misses the page
# cache, renders only the hotlines that changed.
@lru_cache(maxsize=16384)
def _hotline_card(hotline: DirectoryHotline, country_name: str, show_home: bool, language: str) -> SafeString:
    context = {"hotline": hotline, "country_name": country_name, "show_home": show_home}
    return render_to_string("cms/includes/hotline_card.html", context)


@register.simple_tag
def country_options(choices: tuple[tuple[str, str], ...], selected: str = "") -> SafeString:
    """The `<option>`s of a country filter (`cms.selectors.country_choices`), `selected` marked."""
    return _country_options(choices, selected)


@lru_cache(maxsize=256)
def _country_options(choices: tuple[tuple[str, str], ...], selected: str) -> SafeString:
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((code, mark_safe(" selected") if code == selected else "", name) for code, name in choices),
    )
