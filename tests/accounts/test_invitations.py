from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.access import has_role
from accounts.models import Invitation, User
from accounts.roles import Role
from core.models import OutgoingEmail

# These tests read `response.context`.
pytestmark = [pytest.mark.django_db, pytest.mark.template_context]

NEW_PASSWORD = "maple-harbour-violet-72"


def _link(email_body: str) -> str:
    return re.search(r"http://testserver(/accounts/invitation/[^\s]+/)", email_body).group(1)


def test_staff_invite_sends_a_link_that_creates_the_account_once(
    staff_user, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(email="New.Reviewer@example.org", role=Role.REVIEWER, acting_user=staff_user)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.reviewer@example.org"]
    path = _link(message.body)

    form_page = client.get(path)
    assert form_page.status_code == 200
    assert "new.reviewer@example.org" in form_page.content.decode()

    response = client.post(
        path,
        {
            "first_name": "Nia",
            "last_name": "Berg",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.reviewer@example.org")
    assert has_role(user, Role.REVIEWER)
    assert user.check_password(NEW_PASSWORD)
    assert user.emailaddress_set.get().verified
    assert Invitation.objects.get().status == Invitation.Status.ACCEPTED

    # The same link a second time: refused, nothing created.
    other = client.__class__()
    again = other.get(path)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    again_post = other.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert again_post.status_code == 410
    assert User.objects.filter(email="new.reviewer@example.org").count() == 1


def test_expired_invitation_is_refused(staff_user, client):
    created = services.invitation_create(email="late@example.org", role=Role.CAPACITY, acting_user=staff_user)
    Invitation.objects.filter(pk=created.invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    path = created.url.replace("http://testserver", "")
    response = client.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not User.objects.filter(email="late@example.org").exists()
    with pytest.raises(ValidationError):
        services.invitation_accept(token=path.rstrip("/").rsplit("/", 1)[1], password=NEW_PASSWORD)


def test_revoked_and_unknown_links_are_refused(staff_user, client):
    created = services.invitation_create(email="maybe@example.org", role=Role.EDITOR, acting_user=staff_user)
    services.invitation_revoke(invitation=created.invitation, acting_user=staff_user)
    assert client.get(created.url.replace("http://testserver", "")).status_code == 410
    assert client.get("/accounts/invitation/not-a-real-token/").status_code == 404


def test_weak_password_is_refused_with_a_message(staff_user, client):
    created = services.invitation_create(email="weak@example.org", role=Role.EDITOR, acting_user=staff_user)
    path = created.url.replace("http://testserver", "")
    response = client.post(path, {"password1": "password", "password2": "password"})
    assert response.status_code == 200
    assert response.context["form"].errors["password1"]
    assert not User.objects.filter(email="weak@example.org").exists()
    assert Invitation.objects.get().status == Invitation.Status.PENDING


def test_only_network_staff_can_invite(make_user):
    reviewer = make_user(Role.REVIEWER)
    with pytest.raises(PermissionDenied):
        services.invitation_create(email="x@example.org", role=Role.EDITOR, acting_user=reviewer)


def test_existing_account_cannot_be_invited_again(staff_user, make_user):
    make_user(email="already@example.org")
    with pytest.raises(ValidationError):
        services.invitation_create(email="ALREADY@example.org", role=Role.EDITOR, acting_user=staff_user)


def test_invitation_admin_screens(staff_user, client_for, make_user):
    client = client_for(staff_user)
    assert client.get(reverse("accounts_admin:invitation_index")).status_code == 200
    response = client.post(
        reverse("accounts_admin:invitation_add"),
        {"email": "admin-made@example.org", "role": Role.GRANTS},
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="admin-made@example.org")
    assert OutgoingEmail.objects.filter(to=["admin-made@example.org"]).exists()
    listing = client.get(reverse("accounts_admin:invitation_index")).content.decode()
    assert "admin-made@example.org" in listing

    confirm = client.get(reverse("accounts_admin:invitation_revoke", args=[invitation.pk]))
    assert confirm.status_code == 200
    client.post(reverse("accounts_admin:invitation_revoke", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED

    # Other staff roles do not manage invitations: Wagtail sends them back to the dashboard.
    editor_client = client_for(make_user(Role.EDITOR))
    denied = editor_client.get(reverse("accounts_admin:invitation_index"))
    assert (denied.status_code, denied.url) == (302, reverse("wagtailadmin_home"))
    editor_client.post(reverse("accounts_admin:invitation_add"), {"email": "z@example.org", "role": Role.EDITOR})
    assert not Invitation.objects.filter(email="z@example.org").exists()


def test_invitation_actions_are_audited(staff_user):
    from wagtail.models import ModelLogEntry

    created = services.invitation_create(email="audited@example.org", role=Role.EDITOR, acting_user=staff_user)
    services.invitation_revoke(invitation=created.invitation, acting_user=staff_user)
    actions = list(ModelLogEntry.objects.filter(object_id=str(created.invitation.pk)).values_list("action", "user_id"))
    assert ("accounts.invitation.create", staff_user.pk) in actions
    assert ("accounts.invitation.revoke", staff_user.pk) in actions


def test_invitation_admin_pages_say_where_you_are(staff_user, client_for):
    client = client_for(staff_user)
    add = client.get(reverse("accounts_admin:invitation_add")).content.decode()
    breadcrumbs = add[add.index('aria-label="Breadcrumb"') :].split("</nav>")[0]
    assert "Invitations" in breadcrumbs
    assert "Invite a person" in breadcrumbs


def test_the_language_an_invitation_is_accepted_in_becomes_the_language_of_emails(
    staff_user, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(email="lea@example.org", role=Role.REVIEWER, acting_user=staff_user)
    path = _link(mail.outbox[0].body)
    client.cookies["django_language"] = "fr"
    client.post(path, {"first_name": "Léa", "last_name": "Roux", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert User.objects.get(email="lea@example.org").language == "fr"
