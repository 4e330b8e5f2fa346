"""The admin carries the association's brand: its name in page titles, its logo instead of Wagtail's
bird, and no links to Wagtail's editor guide or release notes."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_admin_pages_show_the_association_name_and_logo(settings, make_user, client_for):
    settings.ASSOCIATION_NAME = "Network of Test Hotlines"
    settings.ASSOCIATION_LOGO = "cms/favicon.svg"
    user = make_user(Role.NETWORK_STAFF)
    html = client_for(user).get(reverse("wagtailadmin_home")).content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert title.strip().endswith("Network of Test Hotlines")
    assert "Wagtail" not in title
    assert 'alt="Network of Test Hotlines"' in html
    assert "/static/cms/favicon.svg" in html
    assert "wagtailadmin/images/favicon.ico" not in html


def test_the_help_menu_has_no_wagtail_guide_or_release_notes(make_user, client_for):
    html = client_for(make_user(Role.EDITOR)).get(reverse("wagtailadmin_home")).content.decode()
    assert "guide.wagtail.org" not in html
    assert "Editor Guide" not in html
    assert "What's new in Wagtail" not in html
    assert "keyboard-shortcuts-dialog" in html  # the rest of the help menu is still there


def test_the_admin_error_page_is_branded(settings, rf, make_user):
    from django.template.loader import render_to_string

    settings.ASSOCIATION_NAME = "Network of Test Hotlines"
    request = rf.get("/admin/no-such-screen/")
    request.user = make_user(Role.NETWORK_STAFF)
    html = render_to_string("wagtailadmin/404.html", request=request)
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert title.strip().endswith("Network of Test Hotlines")
    assert 'alt="Network of Test Hotlines"' in html
