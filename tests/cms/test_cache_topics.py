"""What a write empties in the public cache, what the cache key is made of, and compression.

A public page is keyed by the data it shows: the directory, facts, map and pages with a live figure
read the "registry" topic; an article reads only itself and the site. Staff work the public pages do
not show leaves them cached; a registry change still reaches the directory with the next request."""

from __future__ import annotations

import gzip
import re

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from cms import caching
from cms.selectors import REGISTRY_MODELS
from core import dataversion
from network.models import Hotline, Organisation
from tests.cms.factories import make_hotline, set_stage
from tests.cms.site import publish, stream

pytestmark = pytest.mark.django_db

PUBLIC_DATA_PAGES = ("/", "/where-to-report/", "/facts/", "/map/")


def _state(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response["X-Page-Cache"]


def test_staff_work_the_public_does_not_see_keeps_every_public_page_cached(client, site_tree):
    make_hotline("DE", name="Netzwache")
    for path in (*PUBLIC_DATA_PAGES, "/about/"):
        _state(client, path)
        assert _state(client, path) == "hit", path
    general = dataversion.current()

    # An organisation's record, as staff edit it: dashboards see it, the public pages do not.
    Organisation.objects.create(name="Unrelated partner", type=Organisation.Type.NGO, country_id="KE")
    assert dataversion.current() > general
    for path in (*PUBLIC_DATA_PAGES, "/about/"):
        assert _state(client, path) == "hit", path


def test_a_registry_change_reaches_the_directory_and_leaves_other_pages_cached(client, site_tree):
    hotline = make_hotline("DE", name="Netzwache")
    # The test site's article shows a live figure; "about" shows only its own text.
    for path in ("/where-to-report/", "/facts/", "/news/how-a-hotline-works/", "/about/"):
        _state(client, path)
    set_stage(hotline, Hotline.Stage.SUSPENDED)
    response = client.get("/where-to-report/")
    assert response["X-Page-Cache"] == "miss"
    assert "Netzwache" not in response.content.decode()
    assert _state(client, "/facts/") == "miss"
    assert _state(client, "/news/how-a-hotline-works/") == "miss"
    assert _state(client, "/about/") == "hit"


def test_a_page_with_a_live_figure_reads_the_registry(client, site_tree):
    about = site_tree.reload(site_tree.about)
    about.body = stream(("live_figure", {"metric": "member_hotlines", "start": None, "end": None, "region": ""}))
    publish(about)
    _state(client, "/about/")
    assert _state(client, "/about/") == "hit"
    make_hotline("FR", name="Signal France")
    response = client.get("/about/")
    assert response["X-Page-Cache"] == "miss"


def test_public_pages_read_only_the_registry_models_they_declare(client, site_tree):
    """Every table of the network, onboarding and reports apps that the public pages query is in
    REGISTRY_MODELS, so no write they show can leave a stale page in the cache."""
    make_hotline("DE", name="Netzwache", serves=("AT",), analysts=2)
    about = site_tree.reload(site_tree.about)
    about.body = stream(
        ("live_figure", {"metric": "member_hotlines", "start": "2024-01-01", "end": "2024-12-31", "region": ""})
    )
    publish(about)
    tables = {model._meta.db_table: model._meta.label for model in apps.get_models(include_auto_created=True)}
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        for path in (*PUBLIC_DATA_PAGES, "/about/", "/where-to-report/?country=GH"):
            assert client.get(path).status_code == 200
    read = set()
    for query in queries.captured_queries:
        for table in re.findall(r'(?:FROM|JOIN)\s+"?(\w+)"?', query["sql"]):
            label = tables.get(table, "")
            if label.split(".")[0] in dataversion.TRACKED_APPS:
                read.add(label)
    assert read, "the pages read registry data"
    assert read <= REGISTRY_MODELS, sorted(read - REGISTRY_MODELS)


def test_the_key_names_the_matched_site_not_the_host_header(client, site_tree):
    assert _state(client, "/about/") == "miss"
    # Another port, another spelling of an allowed host: the same site, the same entry.
    assert client.get("/about/", HTTP_HOST="testserver:8081")["X-Page-Cache"] == "hit"
    assert client.get("/about/", HTTP_HOST="localhost")["X-Page-Cache"] == "hit"
    # Parameters the page does not read never make an entry of their own.
    assert client.get("/about/?utm_campaign=x&page=2")["X-Page-Cache"] == "hit"


def test_pages_are_compressed_for_clients_that_accept_gzip(client, site_tree):
    plain = client.get("/where-to-report/")
    assert "Content-Encoding" not in plain
    assert "Accept-Encoding" in plain["Vary"]
    # A hit is served from its stored compressed copy; so is a miss, the page compressed once when stored.
    served = []
    for expected in ("hit", "miss", "hit"):
        if expected == "miss":
            make_hotline("DE", name="Netzwache")
        response = client.get("/where-to-report/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        assert response["X-Page-Cache"] == expected
        assert response["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response["Vary"]
        html = gzip.decompress(response.content).decode()
        assert "Where to report" in html
        served.append(response.content)
    assert "Netzwache" in html
    assert served[1] == served[2], "the miss sent the copy the next visitor gets"
    # A client that does not accept gzip gets the page as it is, on a miss as on a hit.
    make_hotline("FR", name="Signal France")
    for expected in ("miss", "hit"):
        response = client.get("/where-to-report/")
        assert response["X-Page-Cache"] == expected and "Content-Encoding" not in response
        assert "Signal France" in response.content.decode()


def test_a_client_without_gzip_has_a_page_decompressed_once_per_process(client, site_tree, monkeypatch):
    """Each web process keeps the pages it decompressed: a client without gzip asking again for "where
    to report" gets the same bytes without another decompression; a changed page is decompressed
    afresh (never answered with the old one); a process keeps no more than its limit."""
    monkeypatch.setattr(caching, "_plain_bodies", caching._PlainBodies(caching.PLAIN_BODIES_BYTES))
    decompressed = []
    real = gzip.decompress
    monkeypatch.setattr(gzip, "decompress", lambda data: decompressed.append(len(data)) or real(data))
    answers = [client.get("/where-to-report/") for _ in range(3)]
    assert [a["X-Page-Cache"] for a in answers] == ["miss", "hit", "hit"]
    assert len(decompressed) == 1
    assert answers[0].content == answers[1].content == answers[2].content
    assert "Content-Encoding" not in answers[2]
    compressed = client.get("/where-to-report/", HTTP_ACCEPT_ENCODING="gzip")
    assert real(compressed.content) == answers[2].content
    make_hotline("DE", name="Netzwache")
    changed = [client.get("/where-to-report/") for _ in range(2)]
    assert len(decompressed) == 2
    assert "Netzwache" in changed[1].content.decode() and changed[0].content == changed[1].content
    # Beyond the limit nothing is kept: each request decompresses its page.
    monkeypatch.setattr(caching, "_plain_bodies", caching._PlainBodies(len(changed[1].content) - 1))
    client.get("/where-to-report/")
    client.get("/where-to-report/")
    assert len(decompressed) == 4
    assert not caching._plain_bodies.bodies


def test_the_sitemap_is_cached_and_follows_the_page_tree(client, site_tree):
    first = client.get("/sitemap.xml")
    assert first["X-Page-Cache"] == "miss"
    assert client.get("/sitemap.xml")["X-Page-Cache"] == "hit"
    site_tree.reload(site_tree.article).unpublish()
    refreshed = client.get("/sitemap.xml")
    assert refreshed["X-Page-Cache"] == "miss"
    assert "how-a-hotline-works" not in refreshed.content.decode()


def test_signed_in_pages_are_compressed_with_their_tokens_masked(client_for, make_user):
    staff = client_for(make_user(Role.NETWORK_STAFF))
    assert staff.get("/admin/", HTTP_ACCEPT_ENCODING="gzip")["Content-Encoding"] == "gzip"
    first = staff.get("/accounts/logout/", HTTP_ACCEPT_ENCODING="gzip")
    assert first.status_code == 200
    assert first["Content-Encoding"] == "gzip"
    second = staff.get("/accounts/logout/", HTTP_ACCEPT_ENCODING="gzip")
    token = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
    tokens = [token.search(gzip.decompress(r.content)) for r in (first, second)]
    assert all(tokens)
    # The same session, a different masked token on every response (BREACH).
    assert tokens[0].group(1) != tokens[1].group(1)


def test_downloads_that_are_compressed_already_pass_untouched(client_for, make_user):
    staff = client_for(make_user(Role.NETWORK_STAFF))
    response = staff.get("/admin/network/workbook/export/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert "Content-Encoding" not in response
