"""A home page per role: the admin home shows each role the panels it acts on (`roles.HOME_PANELS`,
applied once by the `construct_homepage_panels` hook), checked for every demo staff user."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse
from wagtail.admin.views.home import HomeView

from accounts.access import shows_home_panel
from accounts.models import User
from accounts.roles import HOME_PANELS, Role

pytestmark = pytest.mark.django_db

# What each demo staff user's home is made of (the panels its role acts on).
EXPECTED = {
    "staff": {
        "board_summary",
        "my_candidates",
        "statistics_to_validate",
        "my_action_items",
        "items_awaiting_review",
        "certificates_expiring",
    },
    "reviewer": {"my_review_assignments", "items_awaiting_review", "my_action_items"},
    "capacity": {"certificates_expiring", "upcoming_training_events", "my_action_items"},
    "grants": {"grant_deadlines", "my_action_items"},
    "grants2": {"grant_deadlines", "my_action_items"},
    "editor": {"workflow_objects_to_moderate", "user_objects_in_workflow_moderation", "recent_edits", "locked_pages"},
    "moderator": {
        "workflow_objects_to_moderate",
        "user_objects_in_workflow_moderation",
        "recent_edits",
        "locked_pages",
        "site_recent_edits",
    },
}


def _panel_names(user: User) -> set[str]:
    request = RequestFactory().get("/admin/")
    request.user = user
    view = HomeView()
    view.setup(request)
    return {panel.name for panel in view.get_panels()}


def test_the_rule_names_every_panel_the_admin_home_offers(superuser):
    offered = _panel_names(superuser)
    assert offered == set(HOME_PANELS), "every panel needs a line in accounts.roles.HOME_PANELS"


def test_a_panel_outside_the_rule_is_for_superusers_only(make_user, superuser):
    assert shows_home_panel(superuser, "someone_elses_panel")
    assert not shows_home_panel(make_user(Role.NETWORK_STAFF), "someone_elses_panel")
    assert not shows_home_panel(make_user(Role.EDITOR), "grant_deadlines")
    assert shows_home_panel(make_user(Role.GRANTS), "grant_deadlines")


def test_each_demo_role_sees_the_panels_it_acts_on(demo, client_for):
    users = {user.email.split("@")[0]: user for user in User.objects.filter(email__endswith="@example.org")}
    for key, expected in EXPECTED.items():
        assert _panel_names(users[key]) == expected, key

    pages = {key: client_for(users[key]).get(reverse("wagtailadmin_home")) for key in EXPECTED}
    assert all(response.status_code == 200 for response in pages.values())
    html = {key: response.content.decode() for key, response in pages.items()}
    # Grants manager: reporting deadlines, never certificate expiry or the pipeline.
    assert 'id="grant-deadlines' in html["grants"]
    assert 'id="certificates-expiring' not in html["grants"] and 'id="board-summary' not in html["grants"]
    # Network staff: the board's summary, statistics returns to validate.
    assert 'id="board-summary' in html["staff"] and 'id="statistics-to-validate' in html["staff"]
    assert 'id="grant-deadlines' not in html["staff"]
    # Reviewer: their assigned dossiers and declarations.
    assert 'id="my-review-assignments' in html["reviewer"]
    assert 'id="certificates-expiring' not in html["reviewer"]
    # Capacity: certificates expiring and training events.
    assert 'id="certificates-expiring' in html["capacity"] and 'id="upcoming-training-events' in html["capacity"]
    assert 'id="board-summary' not in html["capacity"]
    # Editor and moderator: pages, nothing of the registry.
    for key in ("editor", "moderator"):
        assert 'id="board-summary' not in html[key] and 'id="certificates-expiring' not in html[key], key
    # The moderator's home is not empty: the demo's page awaiting moderation, the site's recent edits.
    assert 'id="awaiting-review' in html["moderator"] and "Peer exchange on analyst welfare" in html["moderator"]
    assert 'id="site-recent-edits' in html["moderator"] and 'id="site-recent-edits' not in html["editor"]
