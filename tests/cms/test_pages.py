"""Page types: where each may be created, and every type renders for the public."""

from __future__ import annotations

import pytest
from wagtail.models import Page

from cms.models import (
    ArticleIndexPage,
    ArticlePage,
    CampaignPage,
    FactsPage,
    HomePage,
    HotlineDirectoryPage,
    NetworkMapPage,
    ProjectPage,
    ResourceIndexPage,
    ResourcePage,
    StandardPage,
)
from tests.cms.site import add

pytestmark = pytest.mark.django_db


def test_page_types_only_go_where_they_belong(site_tree):
    root = Page.get_first_root_node()
    home, news, resources, about = site_tree.home, site_tree.news, site_tree.resources, site_tree.about

    assert HomePage.can_create_at(root)
    assert not StandardPage.can_create_at(root)
    for page_type in (StandardPage, CampaignPage, ProjectPage):
        assert page_type.can_create_at(home)
        assert page_type.can_create_at(about)
    assert not ArticlePage.can_create_at(home)
    assert ArticlePage.can_create_at(news)
    assert not ResourcePage.can_create_at(home)
    assert ResourcePage.can_create_at(resources)
    assert not ArticleIndexPage.can_create_at(about)
    assert not HomePage.can_create_at(home)
    # Articles, resources and the data pages are leaves.
    for leaf in (site_tree.article, site_tree.resource, site_tree.directory, site_tree.facts, site_tree.map):
        assert leaf.specific_class.allowed_subpage_models() == []
    # One of each of these per language site (they exist already in site_tree).
    for single in (ArticleIndexPage, ResourceIndexPage, HotlineDirectoryPage, FactsPage, NetworkMapPage):
        assert not single.can_create_at(home), single
    assert set(HomePage.allowed_subpage_models()) == {
        StandardPage,
        ArticleIndexPage,
        ResourceIndexPage,
        CampaignPage,
        ProjectPage,
        HotlineDirectoryPage,
        FactsPage,
        NetworkMapPage,
    }


def test_every_page_type_renders(client, site_tree):
    expected = {
        site_tree.home: ["Hotline network", "Report child sexual abuse material found online.", "Member hotlines"],
        site_tree.about: ["About the network", "Member hotlines assess reports.", "No country without a hotline."],
        site_tree.news: ["News", "How a hotline handles your report"],
        site_tree.article: [
            "From report to removal.",
            "Every report counts.",
            "Our reporting guide",
            'href="/where-to-report/"',
            "Countries covered",
            'href="/news/?tag=reporting"',
        ],
        site_tree.directory: ["Where to report", "Find your hotline."],
        site_tree.facts: ["Facts and figures", "Member hotlines", "Countries covered", "network-map-data"],
        site_tree.map: ["Network map", "network-map-data", "cms/vendor/plotly.min.js"],
        site_tree.resources: ["Resources", "How to report safely"],
        site_tree.resource: ["How to report safely", "General public", "Guide", "/documents/"],
        site_tree.campaign: ["Report, don&#x27;t share", "Social media, Press and media", "General public, NGOs"],
        site_tree.project: ["Network expansion", "Hold roundtables in each country.", "New members"],
    }
    for page, fragments in expected.items():
        response = client.get(page.url)
        assert response.status_code == 200, page
        html = response.content.decode()
        for fragment in fragments:
            assert fragment in html, (page, fragment)
        assert '<link rel="canonical"' in html


def test_article_index_filters_by_category_and_tag(client, site_tree):
    other = add(
        site_tree.news,
        ArticlePage(
            title="Industry notice and takedown", slug="ntd", category="industry", summary="For hosts.", body=[]
        ),
    )
    assert other.live
    html = client.get("/news/?category=industry").content.decode()
    assert "Industry notice and takedown" in html
    assert "How a hotline handles your report" not in html
    html = client.get("/news/?tag=reporting").content.decode()
    assert "How a hotline handles your report" in html
    assert "Industry notice and takedown" not in html
    # An unknown category shows everything rather than failing.
    html = client.get("/news/?category=nonsense").content.decode()
    assert "Industry notice and takedown" in html and "How a hotline handles your report" in html


def test_resources_filter_by_audience(client, site_tree):
    assert "How to report safely" in client.get("/resources/?audience=public").content.decode()
    html = client.get("/resources/?audience=law_enforcement").content.decode()
    assert "How to report safely" not in html
    assert "No resources for this audience yet." in html


def test_unpublished_pages_are_not_served(client, site_tree):
    site_tree.about.unpublish()
    assert client.get("/about/").status_code == 404


def test_block_validation_names_the_problem():
    from django.core.exceptions import ValidationError

    from cms.blocks import CallToActionBlock, LiveFigureBlock

    cta = CallToActionBlock()
    with pytest.raises(ValidationError):
        cta.clean(cta.to_python({"title": "Report", "text": "", "page": None, "url": "", "button_label": "Go"}))
    figure = LiveFigureBlock()
    with pytest.raises(ValidationError):
        figure.clean(figure.to_python({"metric": "member_hotlines", "start": "2025-01-01", "end": None, "region": ""}))
    with pytest.raises(ValidationError):
        figure.clean(
            figure.to_python({"metric": "member_hotlines", "start": "2025-02-01", "end": "2025-01-01", "region": ""})
        )
