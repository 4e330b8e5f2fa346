"""Facts page figures are the shared metrics; the map data follows the registry; query counts are flat."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms import selectors
from network.models import Hotline
from reports import metrics
from tests.cms.factories import make_hotline, set_stage

pytestmark = pytest.mark.django_db

FACT_KEYS = ("member_hotlines", "full_members", "countries_covered", "analysts", "new_members")


def _figure(html: str, key: str) -> str:
    match = re.search(rf'id="figure-{key}".*?<span class="figure">([^<]*)</span>', html, re.S)
    assert match, key
    return match.group(1)


def _build_network(size: int) -> None:
    codes = ["DE", "FR", "ES", "IT", "PT", "PL", "BR", "ZA", "PH", "NZ", "CA", "MX", "JP", "KE", "GH", "SE", "FI"]
    for index in range(size):
        make_hotline(codes[index % len(codes)], serves=("AD", "MC") if index % 2 else (), analysts=index % 3 + 1)
    make_hotline("TD", stage=Hotline.Stage.EXPLORING)


def test_facts_figures_equal_the_metrics_and_show_their_definitions(client, site_tree):
    _build_network(9)
    html = client.get(site_tree.facts.url).content.decode()
    for key in FACT_KEYS:
        metric = metrics.get(key)
        assert _figure(html, key) == metrics.display_count(metrics.compute(key), people=metric.counts_people), key
        assert str(metric.definition).replace("'", "&#x27;") in html
    assert _figure(html, "member_hotlines") == "9"
    # DE FR ES IT PT PL in Europe; BR, ZA and PH alone in their regions: hotlines are organisations,
    # shown however few.
    assert metrics.compute("hotlines_by_region")["europe"] == 6
    assert '<th scope="row">Europe</th><td>6</td>' in html
    assert '<th scope="row">Sub-Saharan Africa</th><td>1</td>' in html
    assert '<th scope="row">South Asia</th><td>0</td>' in html


def test_small_counts_of_people_are_never_shown(client, site_tree):
    make_hotline("DE", analysts=2)
    make_hotline("KE", analysts=1)
    html = client.get(site_tree.facts.url).content.decode()
    # Two hotlines in two countries: counts of organisations and countries are shown.
    assert _figure(html, "member_hotlines") == "2"
    assert _figure(html, "countries_covered") == "2"
    # Three analysts: a count of people below 5.
    assert _figure(html, "analysts") == "fewer than 5"
    assert "counts of people from 1 to 4 are shown as “fewer than 5”" in html


def test_facts_follow_the_registry_through_the_cache(client, site_tree):
    hotlines = [make_hotline(code) for code in ("DE", "FR", "ES", "IT", "PT", "PL")]
    assert _figure(client.get(site_tree.facts.url).content.decode(), "member_hotlines") == "6"
    set_stage(hotlines[0], Hotline.Stage.SUSPENDED)
    assert _figure(client.get(site_tree.facts.url).content.decode(), "member_hotlines") == "5"


def test_map_data_gives_each_country_its_status(client, site_tree):
    make_hotline("DE", serves=("AT",))
    make_hotline("KE", stage=Hotline.Stage.STAKEHOLDER_ENGAGEMENT)
    make_hotline("NO", stage=Hotline.Stage.SUSPENDED)
    html = client.get(site_tree.map.url).content.decode()
    data = json.loads(re.search(r'<script id="network-map-data" type="application/json">(.*?)</script>', html, re.S)[1])
    status = {row["iso3"]: row["status"] for row in data["countries"]}
    assert status["DEU"] == status["AUT"] == "member"
    assert status["KEN"] == "candidate"
    assert status["NOR"] == "none" and status["FRA"] == "none"
    assert len(status) > 240
    assert data["labels"]["member"] == "Member hotline"
    # The text alternative lists the same countries.
    assert "2 countries with a member hotline" in html and "1 country where a hotline is being set up" in html
    # No inline script (CSP): only external files and JSON data.
    assert re.findall(r"<script(?![^>]*(src=|application/json))", html) == []
    assert 'data-topojson-url="/static/cms/vendor/topojson/"' in html


def test_a_metric_that_is_not_public_cannot_be_shown():
    private = metrics.Metric(
        key="test_private_metric",
        label="Private",
        definition="Internal only.",
        unit="things",
        public=False,
        compute=lambda *, period=None, scope=None: 3,
    )
    metrics.register(private)
    try:
        with pytest.raises(ValueError, match="not public"):
            selectors.public_figure("test_private_metric")
    finally:
        metrics._registry.pop("test_private_metric")


@pytest.mark.parametrize("page_name", ["home", "directory", "facts", "map", "news", "article", "project"])
def test_public_page_queries_do_not_grow_with_hotlines(client, site_tree, page_name, django_assert_max_num_queries):
    url = getattr(site_tree, page_name).url
    _build_network(3)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _build_network(30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200
