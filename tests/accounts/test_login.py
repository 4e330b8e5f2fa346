from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from core.mail import retry_due_emails
from core.models import OutgoingEmail
from tests.accounts.factories import TEST_PASSWORD

# These tests read `response.context`.
pytestmark = [pytest.mark.django_db, pytest.mark.template_context]


def test_login_by_email_lands_in_the_users_area(client, make_user):
    make_user(Role.NETWORK_STAFF, email="samira@example.org")
    response = client.post(reverse("account_login"), {"login": "Samira@Example.org", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("accounts:home")
    assert client.get(reverse("accounts:home")).url == reverse("wagtailadmin_home")
    assert client.get(reverse("wagtailadmin_home")).status_code == 200


def test_wrong_password_is_refused_without_saying_whether_the_email_exists(client, make_user):
    make_user(email="known@example.org")
    known = client.post(reverse("account_login"), {"login": "known@example.org", "password": "wrong-password-1"})
    unknown = client.post(reverse("account_login"), {"login": "nobody@example.org", "password": "wrong-password-1"})
    assert known.status_code == unknown.status_code == 200
    assert "_auth_user_id" not in client.session

    def errors(response):
        return [str(e) for e in response.context["form"].non_field_errors()]

    assert errors(known) == errors(unknown)
    assert errors(known)


def test_failed_logins_are_rate_limited(client, make_user):
    make_user(email="target@example.org")
    for _ in range(5):
        client.post(
            reverse("account_login"),
            {"login": "target@example.org", "password": "not-the-password"},
        )
    blocked = client.post(reverse("account_login"), {"login": "target@example.org", "password": TEST_PASSWORD})
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in blocked.content.decode()


def test_signup_is_closed(client):
    page = client.get("/accounts/signup/")
    assert page.status_code == 200
    assert "Sign Up Closed" in page.content.decode() or "closed" in page.content.decode().lower()
    client.post(
        "/accounts/signup/",
        {
            "email": "walk-in@example.org",
            "password1": "a-long-password-123",
            "password2": "a-long-password-123",
        },
    )
    assert not User.objects.filter(email="walk-in@example.org").exists()


def test_wagtail_login_page_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "next=/admin/pages/" in response.url


def test_anonymous_admin_request_is_sent_to_sign_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_password_reset_mail_goes_out_through_the_outbox(client, make_user, django_capture_on_commit_callbacks):
    make_user(email="forgetful@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "forgetful@example.org"})
    queued = OutgoingEmail.objects.get()
    assert queued.status == OutgoingEmail.Status.SENT and queued.to == ["forgetful@example.org"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["forgetful@example.org"]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    assert mail.outbox[0].subject.count("[Hotline network]") == 1


def test_password_reset_answers_even_when_the_mail_server_is_down(
    client, make_user, django_capture_on_commit_callbacks
):
    """The reset email waits in the outbox and is retried; the visitor gets the normal answer."""
    make_user(email="forgetful@example.org")
    delivery = "django.core.mail.backends.locmem.EmailBackend.send_messages"  # the SMTP server, in tests
    with (
        mock.patch(delivery, side_effect=ConnectionRefusedError("smtp down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(reverse("account_reset_password"), {"email": "forgetful@example.org"})
    assert response.status_code == 302
    queued = OutgoingEmail.objects.get()
    assert queued.status == OutgoingEmail.Status.RETRYING and "smtp down" in queued.last_error
    assert retry_due_emails(now=timezone.now() + timedelta(hours=1)) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[-1].body


def test_wagtail_mail_helper_goes_through_the_outbox(django_capture_on_commit_callbacks):
    from wagtail.admin.mail import send_mail

    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Subject line", "Body text", ["editor@example.org"], html_message="<p>Body text</p>")
    queued = OutgoingEmail.objects.get()
    assert queued.subject == "Subject line" and queued.html_body == "<p>Body text</p>"
    assert mail.outbox[-1].subject == "Subject line"
    assert mail.outbox[-1].alternatives[0].content == "<p>Body text</p>"


def test_password_must_be_long_and_uncommon(make_user):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("short-pw1")
    with pytest.raises(ValidationError):
        validate_password("password1234")
    validate_password("river-lantern-copper-41")


PROXY = "10.0.0.2"  # every request reaches the application from the reverse proxy's address


def _sign_in(client, email, password, *, client_address, proxy_says=None):
    forwarded = f"{proxy_says}, {client_address}" if proxy_says else client_address
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_a_flood_of_failed_sign_ins_behind_the_proxy_does_not_lock_out_other_users(client_for, make_user, settings):
    """Behind the proxy all requests share its address; with the proxy trusted (one hop), rate limits
    follow each client's own address, so a flood on made-up emails stops only the flooder."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    make_user(email="real.user@example.org")
    attacker = client_for(None)
    answers = [
        _sign_in(attacker, f"made-up-{n}@example.org", "wrong-password-1", client_address="198.51.100.7").status_code
        for n in range(40)
    ]
    assert 429 in answers  # the flooder is stopped...
    # ...and cannot escape by sending its own X-Forwarded-For: the proxy appends the real address.
    spoofed = _sign_in(
        attacker, "made-up@example.org", "wrong-password-1", client_address="198.51.100.7", proxy_says="192.0.2.1"
    )
    assert spoofed.status_code == 429
    real = client_for(None)
    response = _sign_in(real, "real.user@example.org", TEST_PASSWORD, client_address="203.0.113.9")
    assert response.status_code == 302
    assert "_auth_user_id" in real.session


def test_forwarded_addresses_are_ignored_unless_a_proxy_is_trusted(client_for, settings):
    """Off by default: a client that sends X-Forwarded-For itself gains nothing."""
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0
    attacker = client_for(None)
    answers = [
        _sign_in(attacker, f"made-up-{n}@example.org", "wrong-password-1", client_address=f"192.0.2.{n}").status_code
        for n in range(40)
    ]
    assert 429 in answers


def test_the_sign_in_page_explains_invitations_and_does_not_offer_sign_up(client):
    page = client.get(reverse("account_login")).content.decode()
    assert reverse("account_signup") not in page
    assert "sign up" not in page.lower().replace("sign-up is closed", "")
    assert "accounts are opened by invitation only" in page
    assert "to invite you" in page
    closed = client.get(reverse("account_signup")).content.decode()
    assert "Sign-up is closed" in closed and "accounts are opened by invitation only" in closed
    assert reverse("account_login") in closed
