"""A cached public page is served before Wagtail routes the request: no database query on a hit,
and nothing that changes the page tree or a page's restrictions leaves a stale copy reachable."""

from __future__ import annotations

import pytest
from wagtail.models import PageViewRestriction

from accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_a_cached_page_is_served_without_any_query(client, site_tree, django_assert_num_queries):
    first = client.get("/about/")
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get("/about/")
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert "script-src" in second["Content-Security-Policy"]
    assert second["X-Frame-Options"] == "DENY"


def test_a_page_restricted_after_caching_is_no_longer_served_from_the_cache(client, site_tree):
    client.get("/about/")
    assert client.get("/about/")["X-Page-Cache"] == "hit"
    PageViewRestriction.objects.create(page=site_tree.reload(site_tree.about), restriction_type="login")
    response = client.get("/about/")
    assert response.status_code == 302
    assert "Who we are." not in response.content.decode()


def test_an_unpublished_page_is_gone_at_once(client, site_tree):
    assert client.get("/news/how-a-hotline-works/").status_code == 200
    assert client.get("/news/how-a-hotline-works/")["X-Page-Cache"] == "hit"
    site_tree.reload(site_tree.article).unpublish()
    assert client.get("/news/how-a-hotline-works/").status_code == 404


def test_a_moved_page_is_not_served_at_its_old_path(client, site_tree):
    client.get("/about/")
    about = site_tree.reload(site_tree.about)
    about.slug = "who-we-are"
    about.save_revision().publish()
    assert client.get("/about/").status_code == 404
    assert client.get("/who-we-are/").status_code == 200


def test_signed_in_users_are_routed_as_usual(client_for, make_user, site_tree):
    anonymous = client_for(None)
    anonymous.get("/about/")
    assert anonymous.get("/about/")["X-Page-Cache"] == "hit"
    response = client_for(make_user(Role.EDITOR)).get("/about/")
    assert "X-Page-Cache" not in response
    assert "Sign out" in response.content.decode()


def test_the_query_parameters_a_page_reads_still_pick_the_entry(client, site_tree):
    public = client.get("/resources/?audience=public").content.decode()
    assert "How to report safely" in public
    client.get("/resources/?audience=industry")
    cached = client.get("/resources/?audience=industry")
    assert cached["X-Page-Cache"] == "hit"
    assert "How to report safely" not in cached.content.decode()
    assert client.get("/resources/?audience=public&utm_source=x")["X-Page-Cache"] == "hit"


def test_the_menu_and_language_links_follow_the_page_tree(client_for, make_user, site_tree):
    from cms.models import StandardPage
    from tests.cms.site import add, publish

    # Signed-in users are never served cached pages, but the site's menu is shared chrome.
    editor = client_for(make_user(Role.EDITOR))
    assert "Get involved" not in editor.get("/about/").content.decode()
    home = site_tree.reload(site_tree.home)
    page = add(home, StandardPage(title="Get involved", slug="get-involved", show_in_menus=True))
    publish(page)
    html = editor.get("/about/").content.decode()
    assert 'href="/get-involved/"' in html
    site_tree.reload(page).unpublish()
    assert "Get involved" not in editor.get("/about/").content.decode()


def test_a_page_renders_its_chrome_from_the_cache(client_for, make_user, site_tree, django_assert_max_num_queries):
    editor = client_for(make_user(Role.EDITOR))
    editor.get("/news/how-a-hotline-works/")
    editor.get("/about/")
    with django_assert_max_num_queries(40) as captured:
        editor.get("/about/")
    # No query looks for the menu's pages: the menu came from the cache.
    conditions = [query["sql"].split("WHERE", 1)[-1] for query in captured.captured_queries if "WHERE" in query["sql"]]
    assert not any('"show_in_menus"' in condition for condition in conditions)


def test_each_site_routes_its_own_pages_without_looking_the_site_up_again(client, site_tree):
    """The page cache matches the request's site from the sites it keeps (as Wagtail matches it) and
    hands it to Wagtail's routing: an uncached page runs no query for the site, and a second site
    on another host name serves its own root page, on a miss and on a hit."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from wagtail.models import Page, Site

    from cms.models import StandardPage
    from tests.cms.site import publish

    other_home = StandardPage(title="Partner site", slug="partner-home", intro="Another site.")
    Page.get_first_root_node().add_child(instance=other_home)
    publish(other_home)
    Site.objects.create(hostname="localhost", port=80, root_page=other_home, site_name="Partner")

    with CaptureQueriesContext(connection) as queries:
        first = client.get("/", HTTP_HOST="localhost")
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    assert "Partner site" in first.content.decode()
    assert not [q for q in queries if _site_lookup(q["sql"])]
    again = client.get("/", HTTP_HOST="localhost")
    assert again["X-Page-Cache"] == "hit" and "Partner site" in again.content.decode()
    assert "Partner site" not in client.get("/").content.decode()

    client.get("/about/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/about/", HTTP_X_BENCH_CACHE="miss").status_code == 200
    assert not [q for q in queries if 'FROM "wagtailcore_site"' in q["sql"]]


def _site_lookup(sql: str) -> bool:
    """Wagtail's own lookup of a request's site (`Site.find_for_request`: the sites ranked by match)."""
    return 'FROM "wagtailcore_site"' in sql and "CASE WHEN" in sql


def test_a_hit_is_one_cache_read_once_the_process_has_served_the_page(client, site_tree, monkeypatch, cache_reads):
    """A process that served a page reads the page's entry together with the versions: one round
    trip to the shared cache. A write that changes the page (its data, the page tree) makes the next
    request a miss that renders the page afresh, never the remembered entry."""
    from cms import caching
    from tests.cms.factories import make_hotline

    monkeypatch.setattr(caching, "_recent", caching._Recent())
    reads = cache_reads
    assert client.get("/about/")["X-Page-Cache"] == "miss"
    response, trips = reads.during(lambda: client.get("/about/"))
    assert response["X-Page-Cache"] == "hit" and trips == 1
    # Another spelling of the host: the same entry, found the long way once, then in one read.
    response, trips = reads.during(lambda: client.get("/about/", HTTP_HOST="localhost"))
    assert response["X-Page-Cache"] == "hit" and trips == 3
    response, trips = reads.during(lambda: client.get("/about/", HTTP_HOST="localhost"))
    assert response["X-Page-Cache"] == "hit" and trips == 1

    client.get("/where-to-report/")
    assert reads.during(lambda: client.get("/where-to-report/"))[1] == 1
    make_hotline("DE", name="Netzwache")
    response = client.get("/where-to-report/")
    assert response["X-Page-Cache"] == "miss" and "Netzwache" in response.content.decode()
    response, trips = reads.during(lambda: client.get("/where-to-report/"))
    assert response["X-Page-Cache"] == "hit" and trips == 1 and "Netzwache" in response.content.decode()

    about = site_tree.reload(site_tree.about)
    about.title = "Who we are today"
    about.save_revision().publish()
    response = client.get("/about/")
    assert response["X-Page-Cache"] == "miss" and "Who we are today" in response.content.decode()
