"""The admin's account page: name and preferences only; the email address and the password change
through allauth (verified address, rate limits, notifications)."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.roles import Role
from tests.accounts.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(make_user):
    user = make_user(Role.EDITOR, email="editor.account@example.org", first_name="Ed", last_name="Itor")
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    return user


def test_wagtail_account_page_offers_neither_email_nor_password_fields(client_for, staff):
    html = client_for(staff).get(reverse("wagtailadmin_account")).content.decode()
    assert 'name="name_email-email"' not in html
    assert 'name="password-new_password1"' not in html
    assert reverse("account_email") in html and reverse("account_change_password") in html


def test_posting_wagtails_old_fields_changes_nothing(client_for, staff):
    client = client_for(staff)
    client.post(
        reverse("wagtailadmin_account"),
        {
            "name_email-first_name": "Ed",
            "name_email-last_name": "Itor",
            "name_email-email": "attacker@example.org",
            "password-new_password1": "a-new-password-nobody-approved-1",
            "password-new_password2": "a-new-password-nobody-approved-1",
        },
    )
    staff.refresh_from_db()
    assert staff.email == "editor.account@example.org"
    assert staff.check_password(TEST_PASSWORD)


def test_email_change_waits_for_the_new_address_to_be_confirmed(client_for, staff, django_capture_on_commit_callbacks):
    client = client_for(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_email"), {"email": "new.address@example.org", "action_add": ""})
    staff.refresh_from_db()
    assert staff.email == "editor.account@example.org"  # not yet
    confirmation = next(m for m in mail.outbox if m.to == ["new.address@example.org"])
    link = re.search(r"/accounts/confirm-email/[^\s]+/", confirmation.body).group(0)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link)
    staff.refresh_from_db()
    assert staff.email == "new.address@example.org"
    # The old address is told.
    assert any(m.to == ["editor.account@example.org"] for m in mail.outbox if m is not confirmation)


def test_password_change_is_notified_by_email(client_for, staff, django_capture_on_commit_callbacks):
    client = client_for(staff)
    new_password = "river-lantern-copper-2026"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_change_password"),
            {"oldpassword": TEST_PASSWORD, "password1": new_password, "password2": new_password},
        )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password(new_password)
    assert [m.to for m in mail.outbox] == [["editor.account@example.org"]]
    assert "password" in mail.outbox[0].subject.lower()
