"""Shared by the onboarding models: the two access rules that are not the dossier's (staff only; staff or
the hotline's own organisation), when a task with a due date is overdue, and private documents (minutes,
agreements) served after access checks.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import is_staff_user, organisation_id_for


def _staff_only(queryset: models.QuerySet, user: Any) -> models.QuerySet:
    return queryset.all() if is_staff_user(user) else queryset.none()


def _staff_or_organisation(queryset: models.QuerySet, user: Any, path: str) -> models.QuerySet:
    """Staff see all; a portal user sees rows whose `path` is their organisation."""
    if is_staff_user(user):
        return queryset.all()
    organisation_id = organisation_id_for(user)
    if not organisation_id:
        return queryset.none()
    return queryset.filter(**{path: organisation_id})


class DueOn:
    """A task with a due date (`due_on`) and a status: overdue when its status is one of `DUE_STATUSES`
    (still to be done) and its due date has passed (before today, or before `on`)."""

    DUE_STATUSES: ClassVar[tuple[str, ...]]

    def is_overdue(self, on: date | None = None) -> bool:
        return self.status in self.DUE_STATUSES and self.due_on < (on or timezone.localdate())

    @property
    def overdue(self) -> bool:
        return self.is_overdue()


class PrivateDocument(models.Model):
    """An uploaded office document (minutes, agreements), stored privately and served after access checks."""

    stored_name = models.CharField(_("stored as"), max_length=255, unique=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("private document")
        verbose_name_plural = _("private documents")

    def __str__(self) -> str:
        return self.original_name
