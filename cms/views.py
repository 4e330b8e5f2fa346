"""Public views that are not pages: site search and robots.txt."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET
from wagtail.models import Locale, Page

SEARCH_PAGE_SIZE = 10
SEARCH_MAX_QUERY = 200


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Full-text search over the live public pages in the visitor's language."""
    query = request.GET.get("q", "").strip()[:SEARCH_MAX_QUERY]
    results = None
    if query:
        pages = Page.objects.live().public().filter(locale=Locale.get_active()).specific()
        results = Paginator(pages.search(query), SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(request, "cms/search.html", {"query": query, "results": results})


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
