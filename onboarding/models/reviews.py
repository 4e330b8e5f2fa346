"""Independent reviews: each assigned reviewer's own review of a candidate's dossier or of an assessment
(a verdict per area, an overall recommendation with reasons), and the lead staff member's consolidated
recommendation that follows them.

A review is a draft until its reviewer submits it; a submitted review is frozen. Who reads which review
is one rule, `ReviewQuerySet.visible_to`: network staff read every review; a reviewer the dossier is
open to reads their own, and the others' submitted reviews of the same subject only once they submitted
their own; the candidate's users and other staff roles read none.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import has_role, is_authenticated
from accounts.roles import Role
from network.models import Hotline
from onboarding import checklist_rules as rules
from onboarding.models.accreditation import Assessment
from onboarding.models.dossier import ReviewerAssignment


class Verdict(models.TextChoices):
    MEETS = "meets", _("Meets the requirements")
    PARTLY_MEETS = "partly_meets", _("Partly meets the requirements")
    DOES_NOT_MEET = "does_not_meet", _("Does not meet the requirements")


class Recommendation(models.TextChoices):
    ADMIT = "admit", _("Admit")
    ADMIT_WITH_CONDITIONS = "admit_with_conditions", _("Admit with conditions")
    DEFER = "defer", _("Defer")
    REFUSE = "refuse", _("Refuse")


class ReviewQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ReviewQuerySet:
        """Network staff read every review. A reviewer the dossier is open to reads their own, and the
        others' submitted reviews of a subject once their own review of it is submitted. Nobody else
        reads any (the candidate's users never do)."""
        if not is_authenticated(user):
            return self.none()
        if has_role(user, Role.NETWORK_STAFF):
            return self.all()
        if not has_role(user, Role.REVIEWER):
            return self.none()
        open_dossiers = ReviewerAssignment.objects.open_to(user).values("hotline_id")
        # The same subject: the same hotline and the same assessment, or both dossier reviews (no assessment).
        own_submitted = (
            Review.objects.filter(reviewer=user, status=Review.Status.SUBMITTED, hotline_id=OuterRef("hotline_id"))
            .annotate(subject=Coalesce("assessment_id", 0))
            .filter(subject=Coalesce(OuterRef("assessment_id"), 0))
        )
        return self.filter(hotline_id__in=open_dossiers).filter(
            Q(reviewer=user) | (Q(status=Review.Status.SUBMITTED) & Exists(own_submitted))
        )

    def of_subject(self, *, hotline: Hotline, assessment: Assessment | None) -> ReviewQuerySet:
        return self.filter(hotline=hotline, assessment=assessment)

    def submitted(self) -> ReviewQuerySet:
        return self.filter(status=Review.Status.SUBMITTED)


class Review(models.Model):
    """One reviewer's own review of a candidate's dossier (no assessment) or of an assessment."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    hotline = models.ForeignKey(Hotline, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("hotline"))
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reviews",
        verbose_name=_("assessment"),
        help_text=_("Empty: a review of the dossier."),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("reviewer")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    recommendation = models.CharField(_("recommendation"), max_length=30, choices=Recommendation.choices, blank=True)
    reasons = models.TextField(_("reasons"), blank=True, max_length=10_000)
    created_at = models.DateTimeField(_("started at"), default=timezone.now)
    updated_at = models.DateTimeField(_("saved at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["hotline", "assessment", "submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["hotline", "reviewer"], condition=Q(assessment__isnull=True), name="review_of_dossier_once"
            ),
            models.UniqueConstraint(
                fields=["assessment", "reviewer"],
                condition=Q(assessment__isnull=False),
                name="review_of_assessment_once",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | (Q(submitted_at__isnull=False) & ~Q(recommendation="")),
                name="review_submitted_is_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_reference}: {self.reviewer}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def subject_reference(self) -> str:
        """The dossier's or assessment's reference, as the workbook and the pages name it."""
        return self.assessment.reference if self.assessment_id else f"dossier:{self.hotline.brand_name}"


class ReviewVerdictQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ReviewVerdictQuerySet:
        return self.filter(review__in=Review.objects.visible_to(user))


class ReviewVerdict(models.Model):
    """A reviewer's verdict on one area, with their comment."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="verdicts")
    area = models.PositiveSmallIntegerField(_("area"), choices=rules.AREAS)
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=5000)

    objects = ReviewVerdictQuerySet.as_manager()

    class Meta:
        verbose_name = _("review verdict")
        verbose_name_plural = _("review verdicts")
        ordering = ["review", "area"]
        constraints = [models.UniqueConstraint(fields=["review", "area"], name="review_verdict_once_per_area")]

    def __str__(self) -> str:
        return f"{self.review}: area {self.area} {self.get_verdict_display()}"


class ConsolidatedRecommendationQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ConsolidatedRecommendationQuerySet:
        """Network staff; the reviewers the dossier is open to (never the candidate's users)."""
        if not is_authenticated(user):
            return self.none()
        if has_role(user, Role.NETWORK_STAFF):
            return self.all()
        if has_role(user, Role.REVIEWER):
            return self.filter(hotline_id__in=ReviewerAssignment.objects.open_to(user).values("hotline_id"))
        return self.none()

    def before_decision_on(self, assessment: Assessment) -> ConsolidatedRecommendationQuerySet:
        """The consolidations that may go to the Board deciding on `assessment`: the assessment's own,
        else the one on its candidate's dossier (the assessment's first, `order_by` kept)."""
        return (
            self.filter(hotline_id=assessment.hotline_id)
            .filter(Q(assessment_id=assessment.pk) | Q(assessment__isnull=True))
            .order_by(models.F("assessment_id").asc(nulls_last=True))
        )


class ConsolidatedRecommendation(models.Model):
    """The lead staff member's recommendation after reading the reviews of a dossier or an assessment side
    by side: what goes to the Board."""

    hotline = models.ForeignKey(
        Hotline, on_delete=models.CASCADE, related_name="consolidated_recommendations", verbose_name=_("hotline")
    )
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="consolidated_recommendations",
        verbose_name=_("assessment"),
    )
    recommendation = models.CharField(_("recommendation"), max_length=30, choices=Recommendation.choices)
    reasons = models.TextField(_("reasons"), max_length=10_000)
    reviews_considered = models.PositiveSmallIntegerField(_("reviews considered"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = ConsolidatedRecommendationQuerySet.as_manager()

    class Meta:
        verbose_name = _("consolidated recommendation")
        verbose_name_plural = _("consolidated recommendations")
        ordering = ["hotline", "assessment"]
        constraints = [
            models.UniqueConstraint(
                fields=["hotline"], condition=Q(assessment__isnull=True), name="consolidated_dossier_once"
            ),
            models.UniqueConstraint(
                fields=["assessment"], condition=Q(assessment__isnull=False), name="consolidated_assessment_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hotline}: {self.get_recommendation_display()}"
