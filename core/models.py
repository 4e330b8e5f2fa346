from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OutgoingEmail(models.Model):
    """One email the toolkit sends: kept until delivered, retried when the mail server fails.

    `dedupe_key` makes an email idempotent: a key is unique, so an email already queued once is never
    queued again (one reminder digest per person and day; the items in it are in `SentReminder`).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        RETRYING = "retrying", _("Failed, will retry")
        FAILED = "failed", _("Failed")

    to = models.JSONField(_("recipients"), default=list)
    cc = models.JSONField(_("copy to"), default=list, blank=True)
    bcc = models.JSONField(_("blind copy to"), default=list, blank=True)
    reply_to = models.JSONField(_("reply to"), default=list, blank=True)
    # Empty: DEFAULT_FROM_EMAIL.
    from_email = models.CharField(_("sender"), max_length=255, blank=True)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    html_body = models.TextField(_("HTML body"), blank=True)
    dedupe_key = models.CharField(_("reminder key"), max_length=200, unique=True, null=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"


class OutgoingAttachment(models.Model):
    """A small file sent with an outgoing email (a calendar invitation, ...), kept with it until it is
    delivered and through its retries. Its size is capped (`core.mail.MAX_ATTACHMENT_BYTES`): large
    documents are shared by a link instead."""

    email = models.ForeignKey(
        OutgoingEmail, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("email")
    )
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    content = models.BinaryField(_("content"))
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        verbose_name = _("email attachment")
        verbose_name_plural = _("email attachments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.filename


class SentReminder(models.Model):
    """The reminder ledger: one reminder item (its key names the obligation, the moment and the date)
    sent to one person in a digest. A pair is never recorded twice, so it is never sent twice."""

    key = models.CharField(_("reminder key"), max_length=200)
    recipient = models.EmailField(_("recipient"))
    sent_on = models.DateField(_("digest of"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [models.UniqueConstraint(fields=["key", "recipient"], name="reminder_sent_once_per_person")]

    def __str__(self) -> str:
        return f"{self.key} → {self.recipient}"


class WorkbookImportQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> WorkbookImportQuerySet:
        """A run shows its uploader's data: only the uploader sees it (the views also require network staff)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(created_by=user)


class WorkbookImport(models.Model):
    """One run of the network workbook's import in the background: a preview (dry run) or the import it confirms.

    The uploaded file stays in private storage under a random name until the run that imports it is
    done; its SHA-256 proves the confirmed import reads the same bytes as the preview. Progress is
    written as the sheets are read, so the admin page can show a bar; the result (errors, and each
    new or changed row) is kept as JSON for the result page.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    filename = models.CharField(_("file name"), max_length=255)
    stored_name = models.CharField(max_length=255, editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    dry_run = models.BooleanField(_("preview"), default=True)
    preview = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="imports", verbose_name=_("preview")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress_done = models.PositiveSmallIntegerField(default=0)
    progress_total = models.PositiveSmallIntegerField(default=0)
    progress_label = models.CharField(max_length=100, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = WorkbookImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("workbook import")
        verbose_name_plural = _("workbook imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        return int(100 * self.progress_done / self.progress_total) if self.progress_total else 0
