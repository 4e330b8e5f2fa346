"""Discussion threads on an evidence document and on an assessment, beside the checklist items' own
(`ItemComment`). One model, `DossierComment`, with exactly one subject (a document or an assessment:
a check constraint) and the same visibility as item comments (`CommentVisibility`), read through the
same rule (`visible_comments`): network staff every comment, an assigned and declared reviewer those
for reviewers and staff or shared, the candidate's users the shared ones only.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from network.models import Hotline
from onboarding.models.accreditation import Assessment
from onboarding.models.dossier import CommentVisibility, EvidenceDocument, visible_comments


class DossierCommentQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> DossierCommentQuerySet:
        return visible_comments(self, user, "hotline")

    def shared(self) -> DossierCommentQuerySet:
        return self.filter(visibility=CommentVisibility.SHARED)


class DossierComment(models.Model):
    """A message in the thread of an evidence document or of an assessment; its visibility says who
    reads it (the candidate's own comments are always shared)."""

    hotline = models.ForeignKey(
        Hotline, on_delete=models.CASCADE, related_name="dossier_comments", verbose_name=_("hotline")
    )
    document = models.ForeignKey(
        EvidenceDocument,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("evidence document"),
    )
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("assessment"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("comment"), max_length=5000)
    visibility = models.CharField(
        _("visible to"), max_length=20, choices=CommentVisibility.choices, default=CommentVisibility.REVIEWERS
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    objects = DossierCommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence or assessment comment")
        verbose_name_plural = _("evidence and assessment comments")
        ordering = ["hotline", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(document__isnull=False) & Q(assessment__isnull=True))
                | (Q(document__isnull=True) & Q(assessment__isnull=False)),
                name="dossier_comment_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_reference}: {self.body[:40]}"

    @property
    def subject_reference(self) -> str:
        return self.assessment.reference if self.assessment_id else self.document.original_name
