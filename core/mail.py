"""Outgoing email through an outbox.

Every email goes through it. The default mailer is `OutboxBackend`, so what allauth (password
reset, verification, notifications of credential changes), Wagtail (moderation) or Django send is
recorded like our own `queue_email`: in the caller's transaction, handed to the task worker after
commit, delivered through the `delivery` mailer (MAILERS["delivery"]: SMTP in production). A
failing mail server never undoes, blocks or breaks the user's action. Delivery failures are logged
and retried with back-off (`MAX_ATTEMPTS` in all); `retry_due_emails` picks up anything the worker
missed. A `dedupe_key` makes a message idempotent: the same key is never queued twice (the ledger
`send_reminders` relies on). Small attachments (a calendar invitation) are kept with the message
(`OutgoingAttachment`, at most `MAX_ATTACHMENT_BYTES` in all) and sent with every attempt.
"""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Callable, Sequence
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise

from core.models import OutgoingAttachment, OutgoingEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BACKOFF_MINUTES = (1, 5, 30, 120, 720)
# The mailer that really sends (MAILERS); the default mailer only records into the outbox.
DELIVERY_MAILER = "delivery"
# What an email may carry in attachments, in all: invitations and short documents, never archives.
MAX_ATTACHMENT_BYTES = 1_000_000

# (file name, content, content type): text is sent as UTF-8.
Attachment = tuple[str, bytes | str, str]


def queue_email(
    *,
    to: list[str],
    subject: str | Promise | Callable[[], str],
    template: str | None = None,
    context: dict | None = None,
    body: str | None = None,
    dedupe_key: str | None = None,
    attachments: Sequence[Attachment] = (),
) -> OutgoingEmail | None:
    """Queue one email in each recipient's language; returns the first one queued, or None when
    nobody is to receive it or the key was already used.

    Recipients are grouped by the language of their account (`User.language`; the site's default for
    an address without an account or a language), and the subject and template are rendered once per
    group under that language: pass the subject as a lazy string or a callable (`lambda: _("...") %
    {...}`) so it is translated there too. A `dedupe_key` covers every group (`key:language` when the
    recipients need more than one language).
    """
    recipients = sorted({address for address in to if address})
    if not recipients:
        return None
    if template is None and body is None:
        raise ValueError("queue_email needs a template or a body")
    groups = recipients_by_language(recipients)
    first: OutgoingEmail | None = None
    for language, addresses in groups.items():
        key = dedupe_key if dedupe_key is None or len(groups) == 1 else f"{dedupe_key}:{language}"
        with translation.override(language):
            text = (
                render_to_string(template, {"site_name": settings.WAGTAIL_SITE_NAME, **(context or {})})
                if template is not None
                else str(body)
            )
            title = str(subject() if callable(subject) else subject)
        queued = _record(to=addresses, subject=title, body=text, dedupe_key=key, attachments=attachments)
        first = first or queued
    return first


def offered_language(code: str | None) -> str | None:
    """`code` as one of the site's languages ("fr-ca" -> "fr"), or None when the site does not offer it."""
    offered = {language for language, _name in settings.LANGUAGES}
    if not code:
        return None
    return code if code in offered else (code.split("-")[0] if code.split("-")[0] in offered else None)


def languages_by_address(addresses: list[str]) -> dict[str, str]:
    """The language of what is sent to each address: its account's `language` (set when the person
    accepted their invitation and whenever they switch language signed in), else the preferred language
    of their admin profile when the site offers it, else the site's default. The one rule for the
    language of a person's emails, digests and letters. A query per 500 addresses."""
    lowered = sorted({address.lower() for address in addresses})
    found: dict[str, tuple[str, str | None]] = {}
    for start in range(0, len(lowered), 500):  # stays under the database's limit of parameters
        rows = (
            get_user_model()
            .objects.filter(email__in=lowered[start : start + 500])
            .values_list("email", "language", "wagtail_userprofile__preferred_language")
        )
        found.update((email.lower(), (language, preferred)) for email, language, preferred in rows)
    default = settings.LANGUAGE_CODE
    result = {}
    for address in addresses:
        language, preferred = found.get(address.lower(), ("", None))
        result[address] = offered_language(language) or offered_language(preferred) or default
    return result


def recipients_by_language(addresses: list[str]) -> dict[str, list[str]]:
    """The addresses grouped by their language (`languages_by_address`)."""
    languages = languages_by_address(addresses)
    groups: dict[str, list[str]] = {}
    for address in addresses:
        groups.setdefault(languages[address], []).append(address)
    return groups


def _checked_attachments(attachments: Sequence[Attachment | object]) -> list[tuple[str, bytes, str]]:
    """The attachments as (name, bytes, content type); a MIME part or a total over
    `MAX_ATTACHMENT_BYTES` is refused (ValueError) rather than dropped."""
    checked = []
    for attachment in attachments:
        if not isinstance(attachment, tuple) or len(attachment) != 3 or not attachment[0]:
            raise ValueError("The outbox keeps attachments given as (file name, content, content type) only.")
        filename, content, content_type = attachment
        data = content.encode() if isinstance(content, str) else bytes(content)
        content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        checked.append((str(filename)[:255], data, str(content_type)[:100]))
    total = sum(len(data) for _name, data, _type in checked)
    if total > MAX_ATTACHMENT_BYTES:
        raise ValueError(
            f"The attachments weigh {total} bytes; an email carries at most {MAX_ATTACHMENT_BYTES}: send a link."
        )
    return checked


def _keep_attachments(email: OutgoingEmail, attachments: list[tuple[str, bytes, str]]) -> None:
    OutgoingAttachment.objects.bulk_create(
        OutgoingAttachment(email=email, filename=name, content=data, content_type=kind, size=len(data))
        for name, data, kind in attachments
    )


def _record(
    *, to: list[str], subject: str, body: str, dedupe_key: str | None, attachments: Sequence[Attachment] = ()
) -> OutgoingEmail | None:
    subject = " ".join((settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject).split())[:255]
    files = _checked_attachments(attachments)
    try:
        with transaction.atomic():
            email = OutgoingEmail.objects.create(to=to, subject=subject, body=body, dedupe_key=dedupe_key)
            _keep_attachments(email, files)
    except IntegrityError:
        if dedupe_key and OutgoingEmail.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise
    transaction.on_commit(lambda: _enqueue(email.pk))
    return email


def queue_message(message: EmailMessage) -> OutgoingEmail | None:
    """Record an email built with Django's classes (ours, allauth's, Wagtail's) in the outbox, as it is:
    subject, addresses, text and HTML bodies, and its attachments (file name, content, type: at most
    `MAX_ATTACHMENT_BYTES` in all; a MIME part, or more than that, is refused with ValueError, never
    dropped)."""
    files = _checked_attachments(message.attachments)
    if not message.recipients():
        return None
    html = next((content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), "")
    with transaction.atomic():
        email = _create_from_message(message, html)
        _keep_attachments(email, files)
    transaction.on_commit(lambda: _enqueue(email.pk))
    return email


def _create_from_message(message: EmailMessage, html: str) -> OutgoingEmail:
    return OutgoingEmail.objects.create(
        to=list(message.to),
        cc=list(message.cc),
        bcc=list(message.bcc),
        reply_to=list(message.reply_to),
        from_email=message.from_email or "",
        subject=" ".join(str(message.subject).split())[:255],
        body=str(message.body),
        html_body=str(html),
    )


class OutboxBackend(BaseEmailBackend):
    """The default mailer: records each message in the outbox (see the module docstring)."""

    def send_messages(self, email_messages: list[EmailMessage]) -> int:
        return sum(1 for message in email_messages if queue_message(message) is not None)


def _enqueue(email_id: int, *, delay: timedelta | None = None) -> None:
    from core.tasks import deliver_email

    task = deliver_email
    if delay is not None:
        if not task.get_backend().supports_defer:
            return  # no delayed tasks on this backend: retry_due_emails delivers it when due
        task = task.using(run_after=timezone.now() + delay)
    try:
        task.enqueue(email_id)
    except Exception:  # a broken queue must not break the user's request
        logger.exception("Could not enqueue email %s; retry_due_emails will pick it up", email_id)


def deliver(email_id: int) -> str:
    """Send one queued email now. Returns its new status."""
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status in (
            OutgoingEmail.Status.SENT,
            OutgoingEmail.Status.FAILED,
        ):
            return email.status if email else "missing"
        email.attempts += 1
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=email.body,
            from_email=email.from_email or settings.DEFAULT_FROM_EMAIL,
            to=email.to,
            cc=email.cc,
            bcc=email.bcc,
            reply_to=email.reply_to,
        )
        if email.html_body:
            message.attach_alternative(email.html_body, "text/html")
        for attachment in email.attachments.all():
            message.attach(attachment.filename, bytes(attachment.content), attachment.content_type)
        try:
            message.send(using=DELIVERY_MAILER)
        except Exception as exc:
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if email.attempts >= MAX_ATTEMPTS:
                email.status = OutgoingEmail.Status.FAILED
                email.next_attempt_at = None
                logger.error("Email %s failed for good after %s attempts: %s", email.pk, email.attempts, exc)
            else:
                delay = timedelta(minutes=BACKOFF_MINUTES[min(email.attempts - 1, len(BACKOFF_MINUTES) - 1)])
                email.status = OutgoingEmail.Status.RETRYING
                email.next_attempt_at = timezone.now() + delay
                logger.warning(
                    "Email %s failed (attempt %s), retrying in %s: %s",
                    email.pk,
                    email.attempts,
                    delay,
                    exc,
                )
                transaction.on_commit(lambda: _enqueue(email.pk, delay=delay))
        else:
            email.status = OutgoingEmail.Status.SENT
            email.sent_at = timezone.now()
            email.next_attempt_at = None
            email.last_error = ""
        email.save()
        return email.status


def retry_due_emails(*, now: timezone.datetime | None = None) -> int:
    """Deliver emails whose retry time has come, or that were never picked up. Returns how many."""
    now = now or timezone.now()
    stale = now - timedelta(minutes=10)
    due = OutgoingEmail.objects.filter(
        status=OutgoingEmail.Status.RETRYING, next_attempt_at__lte=now
    ) | OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED, created_at__lte=stale)
    count = 0
    for email_id in due.values_list("pk", flat=True):
        deliver(email_id)
        count += 1
    return count
