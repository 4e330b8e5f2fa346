"""Network staff change a hotline's portal users' roles and remove their access, from the hotline's
"Portal users" page: confirmed first, audited, the user told in their language, the organisation never
left without a manager. Reviewers and the portal's own users may not."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from wagtail.models import ModelLogEntry

from accounts import services as account_services
from accounts.models import Affiliation, User
from accounts.roles import PortalRole
from core.models import OutgoingEmail
from tests.onboarding.dossier import build_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = build_dossier()
    world.organisation = world.hotline.host_organisation
    world.colleague = User.objects.create_user(email="colleague@example.org", password="x", language="fr")
    account_services.affiliation_set(
        user=world.colleague, target=world.organisation, acting_user=None, role=PortalRole.CONTRIBUTOR
    )
    return world


def urls(world, user: User) -> tuple[str, str, str]:
    return (
        reverse("network_portal_users:index", args=[world.hotline.pk]),
        reverse("network_portal_users:role", args=[world.hotline.pk, user.pk]),
        reverse("network_portal_users:revoke", args=[world.hotline.pk, user.pk]),
    )


def role_of(user: User) -> str | None:
    found = Affiliation.objects.filter(user=user).first()
    return found.role if found else None


def test_staff_change_a_role_after_confirming_audited_and_the_user_told_in_their_language(
    world, client_for, django_capture_on_commit_callbacks
):
    index, role_url, _revoke = urls(world, world.colleague)
    staff = client_for(world.staff)
    page = staff.get(index).content.decode()
    assert "colleague@example.org" in page and "dossier.candidate@example.org" in page and "Contributor" in page
    checked = staff.post(role_url, {"role": "manager"}).content.decode()
    assert "Check what will happen" in checked and "Contributor → Manager" in checked
    assert role_of(world.colleague) == PortalRole.CONTRIBUTOR  # nothing changed yet
    with django_capture_on_commit_callbacks(execute=True):
        done = staff.post(role_url, {"role": "manager", "confirmed": "yes"})
    assert done.status_code == 302 and role_of(world.colleague) == PortalRole.MANAGER
    entry = ModelLogEntry.objects.get(action="accounts.portal_user.role", object_id=str(world.colleague.pk))
    assert entry.user == world.staff and entry.data["from"] == "contributor" and entry.data["to"] == "manager"
    email = OutgoingEmail.objects.get(to=["colleague@example.org"])
    assert "Gestionnaire" in email.body or "gestionnaire" in email.body.lower() or "portail" in email.body.lower()


def test_the_last_manager_keeps_the_role_and_the_access(world, client_for):
    with pytest.raises(ValidationError, match="needs at least one manager"):
        account_services.portal_user_set_role(
            user=world.candidate, organisation=world.organisation, role="viewer", acting_user=world.staff
        )
    with pytest.raises(ValidationError, match="last manager"):
        account_services.portal_access_revoke(
            user=world.candidate, organisation=world.organisation, deactivate=False, acting_user=world.staff
        )
    _index, role_url, _revoke = urls(world, world.candidate)
    refused = client_for(world.staff).post(role_url, {"role": "viewer", "confirmed": "yes"}).content.decode()
    assert "needs at least one manager" in refused
    assert role_of(world.candidate) == PortalRole.MANAGER


def test_staff_remove_an_access_and_may_switch_the_account_off(world, client_for):
    _index, _role, revoke_url = urls(world, world.colleague)
    staff = client_for(world.staff)
    checked = staff.post(revoke_url, {"deactivate": "on"}).content.decode()
    assert "can no longer sign in" in checked and role_of(world.colleague) == PortalRole.CONTRIBUTOR
    assert staff.post(revoke_url, {"deactivate": "on", "confirmed": "yes"}).status_code == 302
    world.colleague.refresh_from_db()
    assert role_of(world.colleague) is None and not world.colleague.is_active
    assert ModelLogEntry.objects.filter(
        action="accounts.portal_user.revoke", object_id=str(world.colleague.pk)
    ).exists()
    assert OutgoingEmail.objects.filter(to=["colleague@example.org"]).exists()


def test_only_network_staff_reviewers_and_portal_managers_may_not(world, client_for):
    index, role_url, revoke_url = urls(world, world.colleague)
    for user in (world.reviewer, world.candidate, world.candidate2):
        client = client_for(user)
        for url in (index, role_url, revoke_url):
            assert client.get(url).status_code in (302, 403, 404), (user, url)
        client.post(role_url, {"role": "viewer", "confirmed": "yes"})
        client.post(revoke_url, {"confirmed": "yes"})
    assert role_of(world.colleague) == PortalRole.CONTRIBUTOR
    for user in (world.reviewer, world.candidate):
        with pytest.raises(PermissionDenied):
            account_services.portal_user_set_role(
                user=world.colleague, organisation=world.organisation, role="viewer", acting_user=user
            )
        with pytest.raises(PermissionDenied):
            account_services.portal_access_revoke(
                user=world.colleague, organisation=world.organisation, deactivate=True, acting_user=user
            )


def test_a_user_of_another_organisation_is_not_found_through_this_hotline(world, client_for):
    _index, role_url, revoke_url = urls(world, world.candidate2)
    staff = client_for(world.staff)
    assert staff.get(role_url).status_code == 404 and staff.get(revoke_url).status_code == 404
    with pytest.raises(ValidationError, match="is not a portal user"):
        account_services.portal_user_set_role(
            user=world.candidate2, organisation=world.organisation, role="viewer", acting_user=world.staff
        )


def test_the_hotline_page_links_to_its_portal_users_for_network_staff_only(world, client_for):
    page_url = reverse("network_hotline:inspect", args=[world.hotline.pk])
    index = reverse("network_portal_users:index", args=[world.hotline.pk])
    assert index in client_for(world.staff).get(page_url).content.decode()
    reviewer_page = client_for(world.reviewer).get(page_url)
    assert reviewer_page.status_code != 200 or index not in reviewer_page.content.decode()
