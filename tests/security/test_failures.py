"""Failures: the database or the mail server goes away; users get clear answers, nothing is lost."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse

from accounts.models import Invitation
from accounts.roles import Role
from core.mail import retry_due_emails
from core.models import OutgoingEmail

pytestmark = pytest.mark.django_db


def _database_down():
    return mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection",
        side_effect=OperationalError("could not connect to server: Connection refused"),
    )


def test_database_unreachable_gives_503_health_and_a_friendly_page(client):
    client.raise_request_exception = False
    client.get("/")  # warm up: the page exists while the database is up
    with _database_down():
        health = client.get("/healthz")
        page = client.get("/")
    assert health.status_code == 503
    assert health.json() == {"status": "error", "checks": {"database": "unreachable", "tasks": "unknown"}}
    assert page.status_code == 503
    html = page.content.decode()
    assert "temporarily unavailable" in html
    assert "Traceback" not in html and "Connection refused" not in html and "OperationalError" not in html
    assert page["Retry-After"] == "60"


def test_signed_in_pages_also_answer_503_when_the_database_goes(client, make_user):
    client.raise_request_exception = False
    user = make_user(Role.NETWORK_STAFF)
    client.force_login(user)
    with _database_down():
        response = client.get("/admin/")
    assert response.status_code == 503
    assert "Traceback" not in response.content.decode()


def test_mail_server_failure_does_not_undo_the_users_action(
    client_for, staff_user, caplog, django_capture_on_commit_callbacks
):
    client = client_for(staff_user)
    with (
        mock.patch("django.core.mail.EmailMessage.send", side_effect=ConnectionRefusedError("SMTP down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            reverse("accounts_admin:invitation_add"), {"email": "newcomer@example.org", "role": Role.EDITOR}
        )
    assert response.status_code == 302  # the invitation was made
    assert Invitation.objects.filter(email="newcomer@example.org").exists()
    email = OutgoingEmail.objects.get(to=["newcomer@example.org"])
    assert email.status == OutgoingEmail.Status.RETRYING
    assert "SMTP down" in email.last_error
    assert any("retrying" in record.getMessage() for record in caplog.records)

    # Later, with the server back, the retry sends it.
    from datetime import timedelta

    from django.core import mail
    from django.utils import timezone

    assert retry_due_emails(now=timezone.now() + timedelta(hours=1)) == 1
    assert mail.outbox[-1].to == ["newcomer@example.org"]
