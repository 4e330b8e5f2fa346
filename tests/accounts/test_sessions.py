"""Sessions and accounts: idle expiry for staff, sign out everywhere, recovery codes, lockout."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse

from accounts.middleware import StaffIdleTimeoutMiddleware
from accounts.roles import Role
from tests.accounts.factories import TEST_PASSWORD

# These tests read `response.context`.
pytestmark = [pytest.mark.django_db, pytest.mark.template_context]


def _login(client: Client, email: str) -> None:
    response = client.post(reverse("account_login"), {"login": email, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]


def test_idle_staff_session_is_signed_out(settings, make_user):
    settings.ACCOUNTS_STAFF_IDLE_TIMEOUT = 1800
    staff = make_user(Role.NETWORK_STAFF)
    client = Client()
    _login(client, staff.email)
    assert client.get("/admin/").status_code == 200
    session = client.session
    session[StaffIdleTimeoutMiddleware.SESSION_KEY] = int(time.time()) - 1801
    session.save()
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_active_staff_session_stays(settings, make_user):
    settings.ACCOUNTS_STAFF_IDLE_TIMEOUT = 1800
    staff = make_user(Role.NETWORK_STAFF)
    client = Client()
    _login(client, staff.email)
    session = client.session
    session[StaffIdleTimeoutMiddleware.SESSION_KEY] = int(time.time()) - 600
    session.save()
    assert client.get("/admin/").status_code == 200
    assert client.session[StaffIdleTimeoutMiddleware.SESSION_KEY] >= int(time.time()) - 5


def test_non_staff_sessions_are_not_cut_by_the_staff_idle_limit(settings, make_user):
    settings.ACCOUNTS_STAFF_IDLE_TIMEOUT = 1
    user = make_user()
    client = Client()
    _login(client, user.email)
    time.sleep(1.1)
    assert client.get(reverse("accounts:home")).status_code == 200


def test_sign_out_everywhere_ends_the_other_sessions(make_user):
    user = make_user()
    laptop, phone = Client(), Client()
    _login(laptop, user.email)
    _login(phone, user.email)
    assert UserSession.objects.filter(user=user).count() == 2
    page = laptop.get(reverse("usersessions_list"))
    assert page.status_code == 200
    laptop.post(reverse("usersessions_list"), {})
    assert phone.get(reverse("accounts:home")).status_code == 302  # signed out
    assert laptop.get(reverse("accounts:home")).status_code == 200  # this one stays


def test_recovery_code_signs_in_when_the_authenticator_is_lost(make_user):
    user = make_user()
    TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    codes = RecoveryCodes.activate(user).get_unused_codes()
    assert len(codes) == 10
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    done = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert done.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    # A used code does not work twice.
    assert (
        codes[0]
        not in Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES).wrap().get_unused_codes()
    )


def test_lockout_message_is_the_same_for_known_and_unknown_addresses(make_user):
    make_user(email="real@example.org")

    def lockout_text(email: str) -> str:
        client = Client()
        response = None
        for _ in range(6):
            response = client.post(reverse("account_login"), {"login": email, "password": "wrong-password-xyz"})
        return str(response.context["form"].non_field_errors())

    known, unknown = lockout_text("real@example.org"), lockout_text("ghost@example.org")
    assert "Too many failed login attempts" in known
    assert known == unknown
