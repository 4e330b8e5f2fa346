from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from core.mail import MAX_ATTACHMENT_BYTES, queue_email, queue_message, retry_due_emails
from core.models import OutgoingEmail

pytestmark = pytest.mark.django_db


def test_queued_email_is_delivered_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(to=["a@example.org", "a@example.org", ""], subject="Hello", body="Body")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["a@example.org"]
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.SENT


def test_same_reminder_key_is_never_queued_twice(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue_email(to=["a@example.org"], subject="Due", body="x", dedupe_key="item:1:due")
        second = queue_email(to=["a@example.org"], subject="Due", body="x", dedupe_key="item:1:due")
    assert first is not None and second is None
    assert len(mail.outbox) == 1


def test_mail_server_failure_keeps_the_email_and_retries_later(django_capture_on_commit_callbacks, caplog):
    with (
        mock.patch("django.core.mail.EmailMessage.send", side_effect=ConnectionRefusedError("smtp down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        email = queue_email(to=["b@example.org"], subject="Later", body="x")
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.RETRYING
    assert "smtp down" in email.last_error
    assert "retrying" in caplog.text
    assert mail.outbox == []

    # Not due yet: nothing happens. Once due, it goes out.
    assert retry_due_emails() == 0
    assert retry_due_emails(now=timezone.now() + timedelta(hours=1)) == 1
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT
    assert len(mail.outbox) == 1


def test_nobody_to_send_to_queues_nothing():
    assert queue_email(to=["", None], subject="x", body="y") is None
    assert OutgoingEmail.objects.count() == 0


def test_every_email_sent_anywhere_goes_through_the_outbox(django_capture_on_commit_callbacks):
    """The default mailer records; delivery happens after commit through the "delivery" mailer,
    keeping the addresses and the HTML part."""
    from django.core.mail import EmailMultiAlternatives

    from config.settings import base

    assert base.MAILERS["default"]["BACKEND"] == "core.mail.OutboxBackend"
    message = EmailMultiAlternatives(
        "Verify your address", "Text", to=["a@example.org"], cc=["c@example.org"], bcc=["b@example.org"]
    )
    message.attach_alternative("<p>Text</p>", "text/html")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message.send()
    queued = OutgoingEmail.objects.get()
    assert queued.status == OutgoingEmail.Status.QUEUED and mail.outbox == []
    for callback in callbacks:
        callback()
    queued.refresh_from_db()
    assert queued.status == OutgoingEmail.Status.SENT
    (sent,) = mail.outbox
    assert (sent.to, sent.cc, sent.bcc) == (["a@example.org"], ["c@example.org"], ["b@example.org"])
    assert sent.alternatives[0].content == "<p>Text</p>"
    assert sent.subject == "Verify your address"


ICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


def test_a_queued_message_keeps_its_attachment_and_sends_it(django_capture_on_commit_callbacks):
    from django.core.mail import EmailMessage

    message = EmailMessage("Invitation", "See the invitation", to=["a@example.org"])
    message.attach("roundtable.ics", ICS, "text/calendar")
    with django_capture_on_commit_callbacks(execute=True):
        queued = queue_message(message)
    (kept,) = queued.attachments.all()
    assert (kept.filename, kept.content_type, kept.size) == ("roundtable.ics", "text/calendar", len(ICS))
    (sent,) = mail.outbox
    (attachment,) = sent.attachments
    assert attachment.filename == "roundtable.ics" and attachment.mimetype == "text/calendar"
    content = attachment.content
    assert "BEGIN:VCALENDAR" in (content if isinstance(content, str) else content.decode())


def test_retries_keep_the_attachment(django_capture_on_commit_callbacks):
    with (
        mock.patch("django.core.mail.EmailMessage.send", side_effect=ConnectionRefusedError("smtp down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        email = queue_email(
            to=["b@example.org"], subject="Later", body="x", attachments=[("invite.ics", ICS, "text/calendar")]
        )
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.RETRYING and mail.outbox == []
    assert retry_due_emails(now=timezone.now() + timedelta(hours=1)) == 1
    (sent,) = mail.outbox
    assert [a.filename for a in sent.attachments] == ["invite.ics"]
    assert email.attachments.count() == 1


def test_the_outbox_refuses_attachments_too_large_or_not_files():
    from email.message import MIMEPart

    from django.core.mail import EmailMessage

    message = EmailMessage("Report", "See attached", to=["a@example.org"])
    message.attach("report.pdf", b"x" * (MAX_ATTACHMENT_BYTES + 1), "application/pdf")
    with pytest.raises(ValueError, match="at most"):
        message.send()
    part = EmailMessage("Report", "See attached", to=["a@example.org"])
    inline = MIMEPart()
    inline.set_content("inline")
    part.attach(inline)
    with pytest.raises(ValueError, match="file name"):
        part.send()
    assert OutgoingEmail.objects.count() == 0
