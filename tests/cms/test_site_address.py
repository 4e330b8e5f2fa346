"""The site's own address comes from configuration: sitemap, feeds and language links resolve where it is served."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

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


@pytest.mark.django_db
def test_every_sitemap_link_resolves_where_the_site_is_served(client, settings):
    """Every link of the sitemap, and every language alternate of the pages it lists, names the
    configured address (as `make run` serves it) and answers 200 when requested there."""
    build_site_tree()
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    apply_site_address()
    served = "http://127.0.0.1:8000"

    def fetch(url: str) -> str:
        parts = urlsplit(url)
        response = client.get(parts.path + (f"?{parts.query}" if parts.query else ""), HTTP_HOST=parts.netloc)
        assert response.status_code == 200, url
        return response.content.decode()

    sitemap = fetch(f"{served}/sitemap.xml")
    links = set(re.findall(r"<loc>([^<]+)</loc>", sitemap)) | set(re.findall(r'href="([^"]+)"', sitemap))
    assert len(links) > 5
    for url in sorted(links):
        assert url.startswith(f"{served}/"), url
        html = fetch(url)
        for alternate in re.findall(r'<link rel="alternate" hreflang="[^"]+" href="([^"]+)"', html):
            assert alternate.startswith(f"{served}/"), (url, alternate)
