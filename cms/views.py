"""Public views that are not pages: site search and robots.txt."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

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
    context = {"query": query, "results": results, "nothing_to_search": bool(raw.strip()) and not query}
    return TemplateResponse(request, "cms/search.html", context)


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
