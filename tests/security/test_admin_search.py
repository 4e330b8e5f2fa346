"""The admin search: each role finds what its lists show it and nothing else; a reviewer finds only
the dossiers assigned to them; the number of queries does not grow with the rows found."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import search
from tests.security.policy import visible_markers
from tests.security.world import World, marker

pytestmark = pytest.mark.django_db
URL = "/admin/search/"


def _search(client_for, world: World, role: str, query: str):
    return client_for(world.users[role]).get(URL, {"q": query})


def _kinds(html: str) -> set[str]:
    return set(re.findall(r'data-kind="(\w+)"', html))


def test_the_url_is_the_admin_search():
    assert reverse("core_admin_search") == URL


@pytest.mark.parametrize("role", ["admin", "staff", "reviewer", "capacity", "grants", "editor"])
def test_each_staff_role_finds_only_what_it_may_see(world: World, client_for, role: str):
    response = _search(client_for, world, role, "QZ")
    assert response.status_code == 200
    found = set(re.findall(r"QZ[A-Z]+7", response.content.decode()))
    assert found, "the world's markers are found"
    assert found <= visible_markers(role, public_page=False), found - visible_markers(role, public_page=False)


def test_network_staff_find_candidates_dossier_documents_and_contacts(world: World, client_for):
    html = _search(client_for, world, "staff", marker("CB", "REG")).content.decode()
    assert "candidates" in _kinds(html)
    assert reverse("onboarding_admin:candidate", args=[world.pk("CB")]) in html
    evidence = _search(client_for, world, "staff", marker("CB", "DOS")).content.decode()
    assert "evidence" in _kinds(evidence)
    assert reverse("onboarding_admin:dossier", args=[world.pk("CB")]) in evidence
    kinds = {kind.key for kind in search.kinds_for(world.users["staff"])}
    assert {"hotlines", "candidates", "organisations", "contacts", "roundtables", "training_events"} <= kinds
    assert {"grants", "donor_reports", "evidence"} <= kinds
    assert "dossiers" not in kinds  # staff reach a candidate through the lifecycle


def test_a_reviewer_finds_only_the_dossiers_assigned_to_them(world: World, client_for):
    own = _search(client_for, world, "reviewer", marker("CA", "REG")).content.decode()
    assert _kinds(own) >= {"dossiers"}
    assert reverse("onboarding_admin:dossier", args=[world.pk("CA")]) in own
    assert f'href="{reverse("onboarding_admin:candidate", args=[world.pk("CA")])}"' not in own

    foreign = _search(client_for, world, "reviewer", marker("CB", "REG")).content.decode()
    assert "dossiers" not in _kinds(foreign) and "candidates" not in _kinds(foreign)
    assert reverse("onboarding_admin:dossier", args=[world.pk("CB")]) not in foreign

    documents = _search(client_for, world, "reviewer", "DOS7").content.decode()
    assert marker("CA", "DOS") in documents and marker("MA", "DOS") in documents
    assert marker("CB", "DOS") not in documents and marker("MB", "DOS") not in documents
    kinds = {kind.key for kind in search.kinds_for(world.users["reviewer"])}
    assert "contacts" not in kinds and "grants" not in kinds and "candidates" not in kinds


def test_capacity_and_grants_staff_search_their_own_records(world: World, client_for):
    capacity = {kind.key for kind in search.kinds_for(world.users["capacity"])}
    assert "training_events" in capacity
    assert not capacity & {"contacts", "candidates", "dossiers", "evidence", "grants", "donor_reports", "roundtables"}
    grants = {kind.key for kind in search.kinds_for(world.users["grants"])}
    assert {"grants", "donor_reports", "roundtables"} <= grants
    assert not grants & {"contacts", "candidates", "dossiers", "evidence"}
    from reports.models import Grant

    grant = Grant.objects.order_by("pk").first()
    html = _search(client_for, world, "grants", grant.code).content.decode()
    assert {"grants", "donor_reports"} <= _kinds(html)
    assert reverse("reports_grant:inspect", args=[grant.pk]) in html
    assert "grants" not in _kinds(_search(client_for, world, "capacity", grant.code).content.decode())


def test_pages_are_searched_only_by_those_who_may_explore_them(world: World, client_for):
    assert "pages" in {kind.key for kind in search.kinds_for(world.users["editor"])}
    assert "pages" not in {kind.key for kind in search.kinds_for(world.users["staff"])}
    html = _search(client_for, world, "editor", "hotline").content.decode()
    assert "pages" in _kinds(html)
    assert "/admin/pages/" in html


@pytest.mark.parametrize("role", ["candidate", "member", "donor"])
def test_portal_and_donor_users_never_reach_it(world: World, client_for, role: str):
    response = _search(client_for, world, role, "QZ")
    assert response.status_code == 302
    assert "QZ" not in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL, {"q": "x"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_query_count_does_not_grow_with_the_rows_found(world: World, client_for):
    client = client_for(world.users["staff"])

    def queries(query: str) -> tuple[int, str]:
        with CaptureQueriesContext(connection) as context:
            response = client.get(URL, {"q": query})
        return len(context.captured_queries), response.content.decode()

    few, _html = queries(marker("CA", "REG"))
    many, html = queries("a")
    assert many <= few + 1, (few, many)  # +1: a cold cache read
    assert many < 40
    # Each kind shows at most PER_KIND rows and links to its own list for the rest.
    assert f"{reverse('network_hotline:index')}?q=a" in html
    assert all(len(group.hits) <= search.PER_KIND for group in search.search(user=world.users["staff"], query="a"))


def test_the_candidate_list_has_a_text_search(world: World, client_for):
    client = client_for(world.users["staff"])
    html = client.get(reverse("onboarding_admin:candidates"), {"q": marker("CA", "REG")}).content.decode()
    assert marker("CA", "REG") in html and marker("CB", "REG") not in html
    html = client.get(reverse("onboarding_admin:candidates"), {"q": "no such hotline anywhere"}).content.decode()
    assert "No hotline matches" in html


def test_the_admin_home_search_box_leads_to_the_admin_search(world: World, client_for):
    html = client_for(world.users["reviewer"]).get("/admin/").content.decode()
    assert f'action="{URL}"' in html


def test_queries_are_cleaned():
    assert search.clean_query("  net\x00 watch \n") == "net watch"
    assert search.clean_query("x" * 500) == "x" * search.MAX_QUERY
    assert search.query_words('"safe line" -') == ["safe", "line"]
    assert search.query_words(search.clean_query("\x00")) == []
