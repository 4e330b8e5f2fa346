"""The public site in a real browser: axe-core finds no serious or critical WCAG 2.2 AA violation on
the key pages, nothing breaks the CSP, and the network map draws with no request leaving the site."""

from __future__ import annotations

from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import pytest

from network.models import Hotline
from tests.cms.factories import make_hotline
from tests.cms.site import build_site_tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# axe-core as shipped in the pinned axe-playwright-python package (never a CDN).
AXE_SOURCE = resources.files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture
def public_site(transactional_db: None) -> Any:
    tree = build_site_tree()
    make_hotline("DE", name="Netzwache", serves=("AT",), analysts=3)
    make_hotline("FR", name="Signal France", stage=Hotline.Stage.PROVISIONAL_MEMBER, analysts=2)
    for code in ("ES", "IT", "PT", "BR"):
        make_hotline(code, analysts=2)
    make_hotline("KE", stage=Hotline.Stage.STAKEHOLDER_ENGAGEMENT)
    return tree


def _local_only(page: Any, live_server: Any) -> list[str]:
    """Abort every request that does not go to the test server; return what was attempted."""
    host = urlsplit(live_server.url).hostname
    attempted: list[str] = []

    def route(route: Any) -> None:
        if urlsplit(route.request.url).hostname in (host, "localhost", "127.0.0.1"):
            route.continue_()
        else:
            attempted.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    return attempted


def _csp_errors(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    return errors


def _axe_violations(page: Any) -> list[str]:
    page.evaluate(AXE_SOURCE)
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in result["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


def test_key_public_pages_have_no_serious_accessibility_violations(live_server, page, public_site):
    attempted = _local_only(page, live_server)
    csp_errors = _csp_errors(page)
    paths = {
        "home": "/",
        "article": public_site.article.url,
        "directory": public_site.directory.url,
        "directory filtered to a country without a hotline": public_site.directory.url + "?country=TD",
        "facts": public_site.facts.url,
        "search": "/search/?q=hotline",
        "French home": "/fr/",
    }
    failures = {}
    for name, path in paths.items():
        page.goto(live_server.url + path)
        if name == "facts":
            page.wait_for_selector("#network-map[data-rendered=true]")
        violations = _axe_violations(page)
        if violations:
            failures[name] = violations
    assert failures == {}
    assert csp_errors == []
    assert attempted == []


def test_the_network_map_draws_offline(live_server, page, public_site):
    attempted = _local_only(page, live_server)
    csp_errors = _csp_errors(page)
    page.goto(live_server.url + public_site.map.url)
    page.wait_for_selector("#network-map[data-rendered=true]")
    # One shape per country of the world geometry, coloured by status.
    assert page.locator("#network-map .choropleth path").count() > 150
    colours = page.eval_on_selector_all(
        "#network-map .choropleth path", "paths => paths.map(p => getComputedStyle(p).fill)"
    )
    assert len(set(colours)) == 3  # member, candidate, no hotline
    assert attempted == []
    assert csp_errors == []
    # The same data as text, for everyone.
    page.get_by_text("countries with a member hotline").click()
    assert page.get_by_role("listitem").filter(has_text="Austria").count() == 1


def test_directory_search_works_without_javascript(live_server, browser, public_site):
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    page.goto(live_server.url + public_site.directory.url)
    page.get_by_label("Country", exact=True).select_option("AT")
    page.get_by_role("button", name="Find").click()
    assert page.get_by_role("link", name="Netzwache").count() == 1
    assert page.get_by_text("Signal France").count() == 0
    page.get_by_label("Country", exact=True).select_option("TD")
    page.get_by_role("button", name="Find").click()
    assert page.get_by_role("heading", name="There is no member hotline in Chad yet").count() == 1
    context.close()
