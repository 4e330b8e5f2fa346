"""Public pages are routed as Wagtail routes them (each level's child by slug, only the last page must
be live, a page type with its own routing gets the rest of the path), in a number of queries that does
not grow with the depth (`cms.routing`)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction
from wagtail.url_routing import RouteResult

from cms.models import ArticleIndexPage, StandardPage
from tests.cms.site import add

pytestmark = pytest.mark.django_db


def _route(site_tree, path: str, root=None):
    request = RequestFactory().get(path)
    root = root or site_tree.reload(site_tree.home)
    return root.route(request, [part for part in path.split("/") if part])


def _page_queries(captured) -> int:
    return sum('"wagtailcore_page"' in query["sql"] or '"cms_' in query["sql"] for query in captured)


def test_every_live_page_is_routed_to_itself(site_tree):
    home = site_tree.reload(site_tree.home)
    for page in home.get_descendants().live().specific():
        path = page.url_path.removeprefix(home.url_path)
        found = _route(site_tree, "/" + path)
        assert found.page.pk == page.pk, path
        assert type(found.page) is type(page), path


def test_missing_slugs_slugs_elsewhere_and_drafts_are_not_found(site_tree):
    for path in ("/nowhere/", "/news/nowhere/", "/about/how-a-hotline-works/", "/news/how-a-hotline-works/extra/"):
        with pytest.raises(Http404):
            _route(site_tree, path)
    site_tree.reload(site_tree.article).unpublish()
    with pytest.raises(Http404):
        _route(site_tree, "/news/how-a-hotline-works/")


def test_a_draft_on_the_way_still_leads_to_its_live_child(site_tree):
    """As in Wagtail, only the page asked for must be live."""
    about = site_tree.reload(site_tree.about)
    child = add(about, StandardPage(title="Our history", slug="history", intro="Since 1999."))
    about.unpublish()
    assert _route(site_tree, "/about/history/").page.pk == child.pk
    with pytest.raises(Http404):
        _route(site_tree, "/about/")


def test_the_queries_do_not_grow_with_the_depth(site_tree):
    parent = site_tree.reload(site_tree.about)
    for depth in range(4):
        parent = add(parent, StandardPage(title=f"Level {depth}", slug=f"level-{depth}", intro="Deeper."))
    home = site_tree.reload(site_tree.home)
    _route(site_tree, "/about/", home)  # the sites, recorded once per site version
    with CaptureQueriesContext(connection) as shallow:
        assert _route(site_tree, "/about/", home).page.pk == site_tree.about.pk
    with CaptureQueriesContext(connection) as deep:
        assert _route(site_tree, "/about/level-0/level-1/level-2/level-3/", home).page.pk == parent.pk
    assert _page_queries(deep.captured_queries) == _page_queries(shallow.captured_queries) == 2


def test_a_page_type_with_its_own_routing_gets_the_rest_of_the_path(site_tree, monkeypatch):
    calls = []

    def own_route(self, request, path_components):
        calls.append((self.pk, list(path_components)))
        return RouteResult(self, args=tuple(path_components))

    monkeypatch.setattr(ArticleIndexPage, "route", own_route)
    found = _route(site_tree, "/news/2026/spring/")
    assert calls == [(site_tree.news.pk, ["2026", "spring"])]
    assert found.page.pk == site_tree.news.pk and found.args == ("2026", "spring")
    assert isinstance(found.page, ArticleIndexPage)


def _restriction_queries(captured) -> int:
    return sum('"wagtailcore_pageviewrestriction"' in query["sql"] for query in captured)


def test_without_any_view_restriction_a_page_reads_none(client, site_tree):
    client.get("/")  # the sites are recorded with the site version
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/news/how-a-hotline-works/", HTTP_X_BENCH_CACHE="miss").status_code == 200
    assert _restriction_queries(captured.captured_queries) == 0


def test_a_restriction_added_anywhere_is_checked_at_once(client, site_tree):
    assert client.get("/").status_code == 200  # recorded: no restriction anywhere
    resources = site_tree.reload(site_tree.resources)
    PageViewRestriction.objects.create(page=resources, restriction_type=PageViewRestriction.LOGIN)
    response = client.get("/resources/")
    assert response.status_code == 302 and "/login" in response["Location"]
    child = client.get(site_tree.reload(site_tree.resource).url)
    assert child.status_code == 302
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/about/").status_code == 200
    assert _restriction_queries(captured.captured_queries) >= 1  # checked as Wagtail checks it
