"""The site's own address comes from configuration: sitemap, feeds and language links resolve where it is served."""

from __future__ import annotations

import re
import urllib.request

import pytest
from wagtail.models import Site

from cms.site_address import apply_after_migrate, apply_site_address, configured_address
from tests.cms.site import build_site_tree


@pytest.mark.django_db
def test_the_default_site_takes_its_hostname_and_port_from_the_configured_base_url(client, settings):
    build_site_tree()
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
    Site.objects.filter(is_default_site=True).update(hostname="localhost", port=80)
    apply_after_migrate(sender=None)  # what every `migrate` runs
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port, site.root_url) == ("127.0.0.1", 8000, "http://127.0.0.1:8000")
    sitemap = client.get("/sitemap.xml").content.decode()
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert locations and all(url.startswith("http://127.0.0.1:8000/") for url in locations)
    assert "localhost" not in sitemap
    feed = client.get("/feeds/articles/rss/").content.decode()
    assert "http://127.0.0.1:8000/" in feed and "http://localhost" not in feed

    settings.WAGTAILADMIN_BASE_URL = "https://hotline.example.org/"
    assert configured_address() == ("hotline.example.org", 443)
    assert apply_site_address().root_url == "https://hotline.example.org"


@pytest.mark.django_db(transaction=True)
def test_every_sitemap_link_resolves_where_the_site_is_served(live_server, settings):
    build_site_tree()
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    apply_site_address()
    with urllib.request.urlopen(f"{live_server.url}/sitemap.xml", timeout=30) as response:  # noqa: S310
        sitemap = response.read().decode()
    links = set(re.findall(r"<loc>([^<]+)</loc>", sitemap)) | set(re.findall(r'href="([^"]+)"', sitemap))
    assert len(links) > 5
    for url in sorted(links):
        assert url.startswith(live_server.url), url
        with urllib.request.urlopen(url, timeout=30) as page:  # noqa: S310
            assert page.status == 200, url
            html = page.read().decode()
        for alternate in re.findall(r'<link rel="alternate" hreflang="[^"]+" href="([^"]+)"', html):
            assert alternate.startswith(live_server.url), (url, alternate)
