"""Work on the candidate's side: portal roles, colleagues invited by their organisation's manager,
items assigned to colleagues. Access: a colleague of candidate A never sees candidate B's dossier; a
viewer cannot edit; a manager cannot invite into another organisation nor give a staff role."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from accounts import services as account_services
from accounts.access import may
from accounts.models import Affiliation, Invitation
from accounts.roles import PortalRole, Role
from core.models import OutgoingEmail
from onboarding import services
from tests.onboarding.dossier import build_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user):
    world = build_dossier()
    make_user(Role.NETWORK_STAFF, email="watch@example.org")
    return world


def join(world, email: str, role: str, *, client_for=None, django_capture_on_commit_callbacks=None):
    """Invite `email` as the manager of candidate A, then accept: the new colleague."""
    created = account_services.colleague_invite(email=email, role=role, acting_user=world.candidate)
    token = created.url.rstrip("/").rsplit("/", 1)[1]
    return account_services.invitation_accept(token=token, password="a-long-pass-phrase-2026")


def test_a_manager_invites_a_colleague_of_their_own_organisation(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = account_services.colleague_invite(
            email="Writer@Example.org", role=PortalRole.CONTRIBUTOR, acting_user=world.candidate
        )
    invitation = created.invitation
    assert invitation.target == world.hotline.host_organisation and invitation.role == Role.HOTLINE_USER
    assert invitation.portal_role == PortalRole.CONTRIBUTOR
    assert ModelLogEntry.objects.filter(action="accounts.invitation.create", object_id=str(invitation.pk)).exists()
    [to_invitee] = [m for m in mail.outbox if m.to == ["writer@example.org"]]
    assert "Contributor" in to_invitee.body
    [to_staff] = [m for m in mail.outbox if "invited a colleague" in m.subject]
    assert "watch@example.org" in to_staff.to and "writer@example.org" in to_staff.body

    token = created.url.rstrip("/").rsplit("/", 1)[1]
    colleague = account_services.invitation_accept(token=token, password="a-long-pass-phrase-2026")
    assert colleague.affiliation.role == PortalRole.CONTRIBUTOR
    assert colleague.affiliation.object_id == world.hotline.host_organisation_id


def test_no_staff_role_no_other_organisation_no_invitations_by_non_managers(world, client_for):
    with pytest.raises(ValidationError):
        account_services.colleague_invite(
            email="x@example.org", role=str(Role.NETWORK_STAFF), acting_user=world.candidate
        )
    client = client_for(world.candidate)
    other = world.hotline2.host_organisation
    response = client.post(
        reverse("portal:colleague_invite"),
        {"email": "sneaky@example.org", "role": str(Role.NETWORK_STAFF), "target": other.pk},
    )
    assert response.status_code == 400 and not Invitation.objects.filter(email="sneaky@example.org").exists()
    # Whatever else is posted, the invitation goes to the manager's own organisation.
    client.post(
        reverse("portal:colleague_invite"),
        {"email": "own@example.org", "role": "viewer", "object_id": other.pk, "content_type": 1},
    )
    assert Invitation.objects.get(email="own@example.org").object_id == world.hotline.host_organisation_id

    contributor = join(world, "writer@example.org", PortalRole.CONTRIBUTOR)
    with pytest.raises(PermissionDenied):
        account_services.colleague_invite(email="y@example.org", role="viewer", acting_user=contributor)
    assert client_for(contributor).get(reverse("portal:colleague_invite")).status_code == 403
    assert client_for(world.staff).get(reverse("portal:colleague_invite")).status_code == 403


def test_a_colleague_of_candidate_a_never_sees_candidate_bs_dossier(world, client_for):
    colleague = join(world, "writer@example.org", PortalRole.CONTRIBUTOR)
    client = client_for(colleague)
    assert client.get(reverse("portal:onboarding_checklist", args=[world.hotline.pk])).status_code == 200
    assert client.get(reverse("portal:onboarding_checklist", args=[world.hotline2.pk])).status_code == 404
    foreign_item = world.hotline2.checklist.items.first()
    assert client.get(reverse("portal:onboarding_checklist_item", args=[foreign_item.pk])).status_code == 404
    assert client.get(reverse("portal:onboarding_item_assign", args=[foreign_item.pk])).status_code == 404
    html = client.get(reverse("portal:colleagues")).content.decode()
    assert world.candidate.email in html and world.candidate2.email not in html
    # Candidate B's manager cannot touch A's people or invitations.
    pending = account_services.colleague_invite(email="p@example.org", role="viewer", acting_user=world.candidate)
    other = client_for(world.candidate2)
    assert other.get(reverse("portal:colleague_role", args=[colleague.pk])).status_code == 404
    assert other.post(reverse("portal:colleague_remove", args=[colleague.pk])).status_code == 404
    revoke = reverse("portal:colleague_invitation_revoke", args=[pending.invitation.pk])
    assert other.post(revoke).status_code == 404
    assert "p@example.org" not in other.get(reverse("portal:colleagues")).content.decode()
    assert Invitation.objects.get(pk=pending.invitation.pk).is_usable


def test_a_viewer_reads_but_cannot_edit_or_submit(world, client_for):
    viewer = join(world, "reader@example.org", PortalRole.VIEWER)
    assert not may(viewer, "portal.edit") and may(world.candidate, "portal.edit")
    item = world.item("9.1")
    with pytest.raises((PermissionDenied, ValidationError)):
        services.item_save_answer(item=item, answer="From a viewer", acting_user=viewer)
    client = client_for(viewer)
    assert client.get(reverse("portal:onboarding_checklist_item", args=[item.pk])).status_code == 200
    client.post(reverse("portal:onboarding_checklist_item", args=[item.pk]), {"action": "save", "answer": "Nope"})
    item.refresh_from_db()
    assert item.answer == ""
    assert client.get(reverse("portal:colleague_invite")).status_code == 403


def test_roles_change_access_is_removed_and_an_organisation_keeps_a_manager(world, client_for):
    colleague = join(world, "writer@example.org", PortalRole.CONTRIBUTOR)
    with pytest.raises(ValidationError, match="at least one manager"):
        account_services.colleague_set_role(user=world.candidate, role="viewer", acting_user=world.candidate)
    client = client_for(world.candidate)
    response = client.post(reverse("portal:colleague_role", args=[colleague.pk]), {"role": "manager"})
    assert response.status_code == 302
    assert Affiliation.objects.get(user=colleague).role == PortalRole.MANAGER
    assert ModelLogEntry.objects.filter(action="accounts.colleague.role", object_id=str(colleague.pk)).exists()
    # Removing asks first (GET shows the question), then removes on POST.
    remove = reverse("portal:colleague_remove", args=[colleague.pk])
    assert "Remove the portal access" in client.get(remove).content.decode()
    assert Affiliation.objects.filter(user=colleague).exists()
    assert client.post(remove).status_code == 302
    assert not Affiliation.objects.filter(user=colleague).exists()
    assert client_for(colleague).get(reverse("portal:home")).status_code == 403
    with pytest.raises(ValidationError):
        account_services.colleague_remove(user=world.candidate, acting_user=world.candidate)


def test_managers_and_staff_withdraw_pending_invitations(world, client_for):
    first = account_services.colleague_invite(email="a@example.org", role="viewer", acting_user=world.candidate)
    second = account_services.colleague_invite(email="b@example.org", role="viewer", acting_user=world.candidate)
    client = client_for(world.candidate)
    html = client.get(reverse("portal:colleagues")).content.decode()
    assert "a@example.org" in html and "b@example.org" in html
    assert client.post(reverse("portal:colleague_invitation_revoke", args=[first.invitation.pk])).status_code == 302
    assert Invitation.objects.get(pk=first.invitation.pk).status == Invitation.Status.REVOKED
    account_services.invitation_revoke(invitation=second.invitation, acting_user=world.staff)
    assert Invitation.objects.get(pk=second.invitation.pk).status == Invitation.Status.REVOKED


def test_items_are_assigned_to_colleagues_and_show_on_their_home(world, client_for, django_assert_max_num_queries):
    colleague = join(world, "writer@example.org", PortalRole.CONTRIBUTOR)
    viewer = join(world, "reader@example.org", PortalRole.VIEWER)
    item = world.item("9.1")
    due = timezone.localdate() + timedelta(days=10)
    with pytest.raises(ValidationError, match="viewers cannot edit"):
        services.item_assign(item=item, assignee=viewer, due_on=due, acting_user=world.candidate)
    with pytest.raises(ValidationError):
        services.item_assign(item=item, assignee=world.candidate2, due_on=due, acting_user=world.candidate)
    with pytest.raises(PermissionDenied):
        services.item_assign(item=item, assignee=colleague, due_on=due, acting_user=colleague)

    client = client_for(world.candidate)
    response = client.post(
        reverse("portal:onboarding_item_assign", args=[item.pk]), {"assignee": colleague.pk, "due_on": due.isoformat()}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.assigned_to, item.due_on) == (colleague, due)
    assert item.events.filter(action="assign", actor=world.candidate).exists()
    assert OutgoingEmail.objects.filter(to=["writer@example.org"], subject__contains="Assigned to you: 9.1").exists()

    home = client_for(colleague).get(reverse("portal:home")).content.decode()
    assert "My items" in home and "9.1" in home
    listing = client.get(reverse("portal:onboarding_checklist", args=[world.hotline.pk])).content.decode()
    row = re.search(r'<th scope="row"><a [^>]*>9\.1 .*?</tr>', listing, re.DOTALL).group(0)
    assert colleague.display_name in row and "Assigned" in row and world.candidate.display_name in row

    # The list costs the same with more history.
    for code in ("8.1", "8.2", "10.1"):
        services.item_assign(item=world.item(code), assignee=colleague, due_on=due, acting_user=world.candidate)
    url = reverse("portal:onboarding_checklist", args=[world.hotline.pk])
    client.get(url)
    with django_assert_max_num_queries(40) as captured:
        client.get(url)
    count = len(captured.captured_queries)
    for code in ("11.1", "11.2", "12.1"):
        services.item_assign(item=world.item(code), assignee=colleague, due_on=due, acting_user=world.candidate)
    with django_assert_max_num_queries(count):
        client.get(url)
