"""Public pages come from the shared cache; publishing and registry writes refresh them; signed-in
users and previews never see cached pages."""

from __future__ import annotations

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import RequestFactory

from accounts.roles import Role
from tests.cms.site import publish

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_get_the_cached_page(client, site_tree):
    first = client.get("/about/")
    assert first["X-Page-Cache"] == "miss"
    second = client.get("/about/")
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    # Security headers still apply to cached responses.
    assert "script-src" in second["Content-Security-Policy"]


def test_publishing_refreshes_cached_pages(client, site_tree):
    assert "Who we are." in client.get("/about/").content.decode()
    about = site_tree.reload(site_tree.about)
    about.intro = "Who we are, revised."
    revision = about.save_revision()
    # A draft changes nothing for the public.
    assert client.get("/about/")["X-Page-Cache"] == "hit"
    revision.publish()
    response = client.get("/about/")
    assert response["X-Page-Cache"] == "miss"
    assert "Who we are, revised." in response.content.decode()
    # Other pages that list it (menus) are refreshed too.
    assert client.get("/")["X-Page-Cache"] == "miss"


def test_unpublishing_and_deleting_refresh_listings(client, site_tree):
    assert "How a hotline handles your report" in client.get("/news/").content.decode()
    site_tree.reload(site_tree.article).unpublish()
    assert "How a hotline handles your report" not in client.get("/news/").content.decode()


def test_each_query_string_of_a_page_is_cached_separately(client, site_tree):
    assert "How to report safely" in client.get("/resources/?audience=public").content.decode()
    html = client.get("/resources/?audience=industry").content.decode()
    assert "How to report safely" not in html
    # Parameters the page does not read do not create new entries.
    client.get("/resources/")
    assert client.get("/resources/?utm_source=newsletter")["X-Page-Cache"] == "hit"


def test_signed_in_users_are_never_served_from_the_cache(client_for, make_user, site_tree):
    anonymous = client_for(None)
    anonymous.get("/about/")
    assert anonymous.get("/about/")["X-Page-Cache"] == "hit"
    editor = client_for(make_user(Role.EDITOR))
    response = editor.get("/about/")
    assert "X-Page-Cache" not in response
    assert "Sign out" in response.content.decode()
    # And what they saw was not stored for others.
    assert "Sign out" not in anonymous.get("/about/").content.decode()


def test_previews_are_never_cached(client_for, superuser, site_tree):
    anonymous = client_for(None)
    anonymous.get("/about/")
    assert anonymous.get("/about/")["X-Page-Cache"] == "hit"
    about = site_tree.reload(site_tree.about)
    about.intro = "Unpublished draft text."
    request = RequestFactory().get("/about/")
    request.user = superuser
    response = about.make_preview_request(original_request=request)
    assert response.status_code == 200
    assert "Unpublished draft text." in response.content.decode()
    assert "X-Page-Cache" not in response
    assert "Unpublished draft text." not in anonymous.get("/about/").content.decode()


def test_requests_with_pending_messages_are_not_cached(site_tree):
    from cms.caching import is_cacheable_request

    request = RequestFactory().get("/about/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    request.COOKIES = {}
    storage = CookieStorage(request)
    request._messages = storage
    assert is_cacheable_request(request)
    storage.add(constants.INFO, "You have signed out.")
    assert not is_cacheable_request(request)


def test_registry_and_site_versions_are_part_of_the_key(client, site_tree):
    from core import dataversion

    client.get("/facts/")
    assert client.get("/facts/")["X-Page-Cache"] == "hit"
    dataversion.bump()
    assert client.get("/facts/")["X-Page-Cache"] == "miss"
    publish(site_tree.reload(site_tree.campaign))
    assert client.get("/facts/")["X-Page-Cache"] == "miss"


def test_a_new_deployment_does_not_serve_pages_cached_by_the_old_one(client, site_tree, monkeypatch):
    from cms import caching

    client.get("/about/")
    assert client.get("/about/")["X-Page-Cache"] == "hit"
    monkeypatch.setattr(caching, "code_version", lambda: "next-release")
    assert client.get("/about/")["X-Page-Cache"] == "miss"


@pytest.mark.parametrize("restricted", ["news", "article"])
def test_a_page_behind_a_password_is_never_served_from_the_shared_cache(restricted, client_for, site_tree):
    """One visitor enters the password and reads the page (or a page under it); a visitor who did
    not must get the password form, never the stored page."""
    from django.urls import reverse
    from wagtail.models import PageViewRestriction

    page = getattr(site_tree, restricted)
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="correct-horse-battery"
    )
    url = site_tree.article.url
    authorised = client_for(None)
    assert "How a hotline handles your report" not in authorised.get(url).content.decode()
    authorised.post(
        reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, page.pk]),
        {"password": "correct-horse-battery", "return_url": url},
    )
    for _visit in range(2):
        response = authorised.get(url)
        assert "How a hotline handles your report" in response.content.decode()
        assert "X-Page-Cache" not in response

    stranger = client_for(None)
    for _visit in range(2):
        response = stranger.get(url)
        assert "How a hotline handles your report" not in response.content.decode()
        assert response.get("X-Page-Cache") != "hit"
        assert 'name="password"' in response.content.decode()


@pytest.mark.parametrize("kind", ["login", "groups"])
def test_pages_behind_a_sign_in_or_a_group_are_never_stored(kind, site_tree):
    """Whoever passed Wagtail's check (it runs before `serve`), the page is not stored for others."""
    from django.contrib.auth.models import AnonymousUser, Group
    from wagtail.models import PageViewRestriction

    restriction = PageViewRestriction.objects.create(page=site_tree.news, restriction_type=kind)
    if kind == "groups":
        restriction.groups.add(Group.objects.get(name="Editor"))
    page = site_tree.reload(site_tree.article)
    request = RequestFactory().get(page.url)
    request.user = AnonymousUser()
    request.session = {}
    response = page.serve(request)
    assert response.status_code == 200
    assert "X-Page-Cache" not in response
    assert page.is_restricted()
    assert not site_tree.reload(site_tree.about).is_restricted()
