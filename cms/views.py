"""Public views that are not pages: site search and robots.txt."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET
from wagtail.models import Locale

from cms import selectors

SEARCH_PAGE_SIZE = 10


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Full-text search over the live public pages in the visitor's language."""
    raw = request.GET.get("q", "")
    query = selectors.search_terms(raw)
    results = None
    if query:
        results = Paginator(selectors.pages_matching(query=query), SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "query": query,
        "results": results,
        "nothing_to_search": bool(raw.strip()) and not query,
        **_where_to_report(query),
    }
    return TemplateResponse(request, "cms/search.html", context)


def _where_to_report(query: str) -> dict[str, Any]:
    """Countries and member hotlines the query names, each leading to its country's entry in the
    "where to report" directory of the visitor's language (a country without a member hotline
    included: its entry says where to report instead)."""
    from cms.models import HotlineDirectoryPage

    if not query:
        return {}
    countries, hotlines = selectors.directory_search(query)
    if not countries and not hotlines:
        return {}
    page = HotlineDirectoryPage.objects.live().public().filter(locale=Locale.get_active()).first()
    if page is None:
        return {}
    base = page.get_url(request=None)
    return {
        "directory_page": page,
        "report_countries": [(name, f"{base}?{urlencode({'country': code})}") for code, name in countries],
        "report_hotlines": [
            (name, country, f"{base}?{urlencode({'country': code})}") for name, code, country in hotlines
        ],
    }


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /portal/",
        "Disallow: /donors/",
        "Disallow: /documents/",
        "Disallow: /search/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('cms_sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
