"""Search, sitemap.xml, robots.txt, the articles feed, canonical and Open Graph tags."""

from __future__ import annotations

import io

import pytest
from django.core.files.images import ImageFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from wagtail.images import get_image_model

from tests.cms.site import publish

pytestmark = pytest.mark.django_db


def test_search_finds_live_pages_in_the_visitors_language(client, site_tree):
    html = client.get("/search/?q=hotline").content.decode()
    assert "How a hotline handles your report" in html
    assert "From report to removal." in html
    site_tree.reload(site_tree.article).unpublish()
    html = client.get("/search/?q=handles").content.decode()
    assert "How a hotline handles your report" not in html
    assert "0 results" in html
    # French search only returns French pages.
    html = client.get("/fr/search/?q=signaler").content.decode()
    assert "Où signaler" in html and "Where to report" not in html


def test_search_without_a_query_shows_the_form(client, site_tree):
    response = client.get("/search/")
    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()
    assert client.post("/search/", {"q": "x"}).status_code == 405


def test_sitemap_lists_every_language_with_alternates(client, site_tree):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    assert "<loc>http://testserver/where-to-report/</loc>" in xml
    assert "<loc>http://testserver/fr/ou-signaler/</loc>" in xml
    assert '<xhtml:link rel="alternate" hreflang="fr" href="http://testserver/fr/ou-signaler/"/>' in xml
    site_tree.reload(site_tree.about).unpublish()
    assert "/about/" not in client.get("/sitemap.xml").content.decode()


def test_robots_txt_points_to_the_sitemap_and_keeps_private_areas_out(client):
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    for area in ("/admin/", "/portal/", "/donors/", "/accounts/"):
        assert f"Disallow: {area}" in text


def test_article_feeds(client, site_tree):
    atom = client.get("/feeds/articles/atom/")
    assert atom["Content-Type"].startswith("application/atom+xml")
    body = atom.content.decode()
    assert "How a hotline handles your report" in body
    assert "http://testserver/news/how-a-hotline-works/" in body
    rss = client.get("/feeds/articles/rss/").content.decode()
    assert "<rss" in rss and "From report to removal." in rss
    # The French feed has no English articles.
    assert "How a hotline handles your report" not in client.get("/fr/feeds/articles/rss/").content.decode()


def test_canonical_open_graph_and_hreflang(client, site_tree):
    html = client.get("/where-to-report/").content.decode()
    assert '<link rel="canonical" href="http://testserver/where-to-report/">' in html
    assert '<meta property="og:title" content="Where to report">' in html
    assert '<meta property="og:url" content="http://testserver/where-to-report/">' in html
    assert '<meta property="og:locale" content="en_GB">' in html
    assert '<link rel="alternate" hreflang="fr" href="http://testserver/fr/ou-signaler/">' in html
    article = client.get("/news/how-a-hotline-works/").content.decode()
    assert '<meta property="og:type" content="article">' in article
    assert '<meta property="og:description" content="From report to removal.">' in article
    french = client.get("/fr/ou-signaler/").content.decode()
    assert '<meta property="og:locale" content="fr_FR">' in french


@pytest.mark.parametrize(
    ("query", "shown"), [('"', None), ("\x00", None), ('"hotline', "hotline"), ("hot\x00line", "hot line")]
)
def test_search_takes_quotes_and_control_characters(client, site_tree, query, shown):
    """An unpaired quote and a NUL once gave a server error (SQLite's full-text parser, PostgreSQL's
    refusal of NUL): now a results page, or a plain message when no word is left."""
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    if shown is None:
        assert "nothing to search for" in html
    else:
        assert f"for “{shown}”" in html


@settings(max_examples=60, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(alphabet=st.sampled_from("\"'()*-+^:!&|~<>{}[]\\/%_ \x00\x01\t\nab\u00e9\u202e"), max_size=12))
def test_any_query_string_gives_a_results_page(client, site_tree, query):
    assert client.get("/search/", {"q": query}).status_code == 200


def test_an_article_image_is_its_open_graph_image(client, site_tree, settings, tmp_path):
    """Shared links show the article's image, cut to the 1200x630 Open Graph size, at its full address."""
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (960, 540), "#1f6f8b").save(buffer, format="PNG")
    image = get_image_model()(title="Analysts at work")
    image.file = ImageFile(buffer, name="analysts.png")
    image.save()
    article = site_tree.reload(site_tree.article)
    article.image = image
    publish(article)

    html = client.get("/news/how-a-hotline-works/").content.decode()
    og_image = html.split('<meta property="og:image" content="')[1].split('"')[0]
    assert og_image.startswith("http://testserver/") and ".fill-1200x630." in og_image
    assert '<meta property="og:image"' not in client.get("/where-to-report/").content.decode()
