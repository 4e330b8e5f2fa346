"""What a public page costs when it misses the page cache.

A page misses after a page is published (the site version), after a registry change (the data it
shows), or in another language. Its figures, directory rows and country statuses are kept in the
shared cache under the registry's version, its links and breadcrumbs under the site version, so the
page itself runs a few queries, the same with 2 hotlines or 12 and with 1 article or 6."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.models import ArticlePage
from cms.selectors import public_figure
from network.models import Hotline
from tests.cms.factories import make_hotline, set_stage
from tests.cms.site import publish

pytestmark = pytest.mark.django_db

PAGES = ("/", "/facts/", "/where-to-report/", "/map/", "/sitemap.xml")
ARTICLE = "/news/how-a-hotline-works/"
COUNTRIES = ("DE", "FR", "IT", "ES", "PL", "NL", "BE", "AT", "SE", "FI", "KE", "GH")


def _miss_queries(client, path: str) -> int:
    """Queries of one request that misses the page cache (the data it reads cached by an earlier one)."""
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, HTTP_X_BENCH_CACHE="miss")
    assert response.status_code == 200, path
    assert response["X-Page-Cache"] == "miss", path
    return len(queries)


def _add_articles(site_tree, count: int) -> None:
    news = site_tree.reload(site_tree.article).get_parent()
    for number in range(count):
        article = ArticlePage(
            title=f"Update {number}",
            slug=f"update-{number}",
            category="education",
            summary="News.",
            date=date(2026, 4, number + 1),
        )
        news.add_child(instance=article)
        publish(article)


def test_uncached_public_pages_run_a_few_queries_whatever_the_size(client, site_tree, settings):
    settings.BENCH_PAGE_CACHE_MISS = True
    for code in COUNTRIES[:2]:
        make_hotline(code, analysts=1)
    small = {path: _miss_queries(client, path) for path in (*PAGES, ARTICLE)}

    for code in COUNTRIES[2:]:
        make_hotline(code, serves=("LU",), analysts=3)
    _add_articles(site_tree, 5)
    large = {path: _miss_queries(client, path) for path in (*PAGES, ARTICLE)}

    assert large == small
    assert max(large[path] for path in PAGES) <= 10, large
    # An article reads its own tags, image, parent and related pages too.
    assert large[ARTICLE] <= 15, large


def test_a_registry_change_costs_the_same_whatever_the_number_of_hotlines(client, site_tree):
    """The first request after a registry change computes the figures again: a fixed number of
    frame queries, not one per hotline."""

    def cold(path: str) -> int:
        make_hotline(COUNTRIES[len(Hotline.objects.all()) % len(COUNTRIES)], analysts=1)  # a registry write
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path)["X-Page-Cache"] == "miss"
        return len(queries)

    for path in ("/", "/facts/", "/where-to-report/", "/map/"):
        client.get(path)  # the site's chrome, read once for every page
    small = {path: cold(path) for path in ("/", "/facts/", "/where-to-report/", "/map/")}
    for code in COUNTRIES[:8]:
        make_hotline(code, serves=("LU",), analysts=2)
    large = {path: cold(path) for path in ("/", "/facts/", "/where-to-report/", "/map/")}
    assert large == small
    assert max(large.values()) <= 25, large


def test_figures_follow_the_registry_at_once(client, site_tree):
    assert public_figure("member_hotlines").display == "0"
    hotline = make_hotline("DE", name="Netzwache")
    assert public_figure("member_hotlines").display == "1"
    assert "Netzwache" in client.get("/where-to-report/").content.decode()
    set_stage(hotline, Hotline.Stage.SUSPENDED)
    assert public_figure("member_hotlines").display == "0"
    assert "Netzwache" not in client.get("/where-to-report/").content.decode()


def test_the_benchmark_header_does_nothing_unless_the_setting_is_on(client, site_tree, settings):
    assert settings.BENCH_PAGE_CACHE_MISS is False
    client.get("/about/")
    assert client.get("/about/", HTTP_X_BENCH_CACHE="miss")["X-Page-Cache"] == "hit"
    settings.BENCH_PAGE_CACHE_MISS = True
    assert client.get("/about/", HTTP_X_BENCH_CACHE="miss")["X-Page-Cache"] == "miss"
    assert client.get("/about/")["X-Page-Cache"] == "hit"


def test_a_page_reads_its_view_restrictions_once_when_it_misses_the_cache(client, site_tree, settings):
    """Wagtail checks a page's view restrictions before serving it and the page cache checks them again
    (a restricted page is never stored): the page's ancestors and their restrictions are read once. (With
    no restriction on any page, none are read: tests/cms/test_routing.py.)"""
    from wagtail.models import PageViewRestriction

    settings.BENCH_PAGE_CACHE_MISS = True
    PageViewRestriction.objects.create(page=site_tree.reload(site_tree.resources), restriction_type="login")
    client.get(ARTICLE)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(ARTICLE, HTTP_X_BENCH_CACHE="miss")["X-Page-Cache"] == "miss"
    restrictions = [q["sql"] for q in queries if "wagtailcore_pageviewrestriction" in q["sql"]]
    ancestors = [q["sql"] for q in queries if '"alias_of_id" FROM "wagtailcore_page"' in q["sql"]]
    assert len(restrictions) == 1, restrictions
    assert len(ancestors) == 1, ancestors


def test_a_page_that_misses_the_cache_reads_the_site_version_once(client, site_tree, settings, cache_reads):
    """The page, its chrome and its language links are keyed by the site version the request read
    first, with the data versions, in one cache round trip: no fragment reads it again."""
    from cms.caching import SITE_VERSION_KEY

    settings.BENCH_PAGE_CACHE_MISS = True
    client.get(ARTICLE)
    response, _trips = cache_reads.during(lambda: client.get(ARTICLE, HTTP_X_BENCH_CACHE="miss"))
    assert response["X-Page-Cache"] == "miss"
    reads = cache_reads.keys
    assert reads.count(SITE_VERSION_KEY) == 1, "\n".join(reads)


def test_an_uncached_page_routes_from_the_root_kept_under_the_site_version(client, site_tree, settings):
    """A page that misses the cache is routed from the site's root as Wagtail routes it (localized to
    the active language, specific), kept in the shared cache under the site version: neither the
    active locale nor the root is read again. French pages route from the French root; a root
    published again is the one that routes."""

    def miss(path: str) -> tuple[str, list[str]]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, HTTP_X_BENCH_CACHE="miss")
        assert response.status_code == 200 and response["X-Page-Cache"] == "miss", path
        return response.content.decode(), [q["sql"] for q in queries]

    settings.BENCH_PAGE_CACHE_MISS = True
    for path in (ARTICLE, "/fr/", "/fr/ou-signaler/", "/"):
        client.get(path)
    for path in (ARTICLE, "/fr/ou-signaler/", "/"):
        _html, queries = miss(path)
        assert not [sql for sql in queries if 'FROM "cms_homepage"' in sql], path
        # (The article's template reads the locale itself, for its related pages.)
        if path != ARTICLE:
            assert not [sql for sql in queries if 'FROM "wagtailcore_locale"' in sql], path
    assert "How a hotline handles your report" in miss(ARTICLE)[0]
    assert "<title>Où signaler" in miss("/fr/ou-signaler/")[0]
    assert "Réseau de hotlines" in miss("/fr/")[0]

    home = site_tree.reload(site_tree.home)
    home.title = "Hotline network, renewed"
    home.save_revision().publish()
    assert "Hotline network, renewed" in miss("/")[0]
    assert "How a hotline handles your report" in miss(ARTICLE)[0]
