"""Donor reports: frozen versions of a grant's report for a period, and who downloaded them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import is_authenticated
from reports.models.grants import Grant, GrantScopedQuerySet, _is_grants_staff


class FrozenReportError(ValidationError):
    """A change to a published (or superseded) donor report, which never changes."""


class DonorReportQuerySet(GrantScopedQuerySet):
    def visible_to(self, user: Any) -> models.QuerySet:
        """Staff see every report; a donor's users see the published (and superseded) reports of their grants."""
        visible = super().visible_to(user)
        if is_authenticated(user) and not _is_grants_staff(user):
            visible = visible.filter(status__in=DonorReport.DONOR_VISIBLE_STATUSES)
        return visible

    def published(self) -> models.QuerySet:
        return self.filter(status=DonorReport.Status.PUBLISHED)


class DonorReport(models.Model):
    """One version of a grant's report for a period: the frozen data, the PDF rendered from it, its
    SHA-256 and the generator's version. Published versions never change; a correction is a new
    version that supersedes the published one (both are kept)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Superseded")

    class Generation(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    DONOR_VISIBLE_STATUSES = (Status.PUBLISHED, Status.SUPERSEDED)

    grant = models.ForeignKey(Grant, verbose_name=_("grant"), on_delete=models.PROTECT, related_name="reports")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("supersedes"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("Every fixed text, label and date of the report is in this language."),
    )
    # The narrative, written by staff for this period and frozen into the data with the PDF.
    summary = models.TextField(
        _("publishable summary"),
        blank=True,
        help_text=_("Plain paragraphs a donor may publish as they are; shown on the report's first pages."),
    )
    ethics = models.TextField(
        _("ethical issues"), blank=True, help_text=_("Ethical issues met in the period and how they were solved.")
    )
    dissemination = models.TextField(
        _("dissemination and communication"),
        blank=True,
        help_text=_("Dissemination and communication activities in the period."),
    )
    conclusions = models.TextField(_("conclusions and recommendations"), blank=True)
    correction_note = models.TextField(_("what this version corrects"), blank=True)
    # The generation, run by the task worker.
    generation = models.CharField(_("generation"), max_length=20, choices=Generation.choices, default=Generation.QUEUED)
    generation_error = models.TextField(_("generation error"), blank=True)
    task_id = models.CharField(max_length=64, blank=True, editable=False)
    # What the generation produced: set together, once, when it succeeds.
    data = models.JSONField(_("data snapshot"), null=True, blank=True, editable=False)
    pdf_name = models.CharField(_("stored PDF"), max_length=255, blank=True, editable=False)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True, editable=False, db_index=True)
    pdf_size = models.PositiveIntegerField(_("PDF size (bytes)"), null=True, blank=True, editable=False)
    generator_version = models.CharField(_("generator version"), max_length=40, blank=True, editable=False)
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = DonorReportQuerySet.as_manager()

    class Meta:
        ordering = ["grant", "-period_start", "-version"]
        verbose_name = _("donor report")
        verbose_name_plural = _("donor reports")
        constraints = [
            models.UniqueConstraint(
                fields=["grant", "period_start", "period_end", "version"], name="donor_report_version_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="donor_report_period_order"
            ),
            # A published report has its PDF.
            models.CheckConstraint(
                condition=~models.Q(status__in=["published", "superseded"]) | ~models.Q(pdf_sha256=""),
                name="donor_report_published_has_pdf",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grant.code} {self.period_start}–{self.period_end} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            self._refuse_changes_to_frozen()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        stored = type(self)._base_manager.filter(pk=self.pk).values_list("status", flat=True).first()
        if stored in self.DONOR_VISIBLE_STATUSES:
            raise FrozenReportError(_("A published report is kept for the record; it cannot be deleted."))
        return super().delete(*args, **kwargs)

    def _refuse_changes_to_frozen(self) -> None:
        """Once published, a report never changes, except published -> superseded (nothing else)."""
        stored = type(self)._base_manager.filter(pk=self.pk).first()
        if stored is None or stored.status not in self.DONOR_VISIBLE_STATUSES:
            return
        changed = {
            field.attname
            for field in self._meta.concrete_fields
            if getattr(stored, field.attname) != getattr(self, field.attname)
        }
        superseding = (
            changed == {"status"} and stored.status == self.Status.PUBLISHED and self.status == self.Status.SUPERSEDED
        )
        if changed and not superseding:
            raise FrozenReportError(_("A published report cannot be changed; correct it with a new version instead."))

    @property
    def is_frozen(self) -> bool:
        return self.status in (self.Status.PUBLISHED, self.Status.SUPERSEDED)

    @property
    def pdf_generated(self) -> bool:
        """Its generation is done and the PDF is stored with its digest: what submitting it for review,
        publishing it and the submit button need."""
        return self.generation == self.Generation.DONE and bool(self.pdf_name) and bool(self.pdf_sha256)

    @property
    def download_name(self) -> str:
        return f"{self.grant.code}-{self.period_start:%Y%m%d}-{self.period_end:%Y%m%d}-v{self.version}.pdf"


class DonorReportDownloadQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> models.QuerySet:
        if not is_authenticated(user):
            return self.none()
        if _is_grants_staff(user):
            return self.all()
        return self.filter(user=user)


class DonorReportDownload(models.Model):
    """Who downloaded which report version, and when."""

    report = models.ForeignKey(DonorReport, on_delete=models.CASCADE, related_name="downloads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    downloaded_at = models.DateTimeField(default=timezone.now)

    objects = DonorReportDownloadQuerySet.as_manager()

    class Meta:
        ordering = ["-downloaded_at"]
        verbose_name = _("report download")
        verbose_name_plural = _("report downloads")

    def __str__(self) -> str:
        return f"{self.report} ← {self.user}"


class ReportNarrativeQuerySet(GrantScopedQuerySet):
    """Narrative rows of a report: seen with the report (staff; a donor's users only once published)."""

    donor_field = "report__grant__donor_id"

    def visible_to(self, user: Any) -> models.QuerySet:
        return self.filter(report__in=DonorReport.objects.visible_to(user))


class WorkPackageNarrative(models.Model):
    """What was done in a work package during the report's period, how it deviated from the plan and why,
    and what corrects it. Written on the draft; frozen into the report's data when it is generated."""

    report = models.ForeignKey(DonorReport, on_delete=models.CASCADE, related_name="work_package_narratives")
    work_package = models.ForeignKey(
        "reports.WorkPackage", verbose_name=_("work package"), on_delete=models.CASCADE, related_name="+"
    )
    work_done = models.TextField(
        _("work done in the period"),
        blank=True,
        help_text=_("Rich text: paragraphs, bold, italic and lists."),
    )
    deviations = models.TextField(
        _("deviations from the plan"),
        blank=True,
        help_text=_("What did not go as planned, and why (the justification). Write “None” when nothing deviated."),
    )
    corrective_measures = models.TextField(_("corrective measures"), blank=True)

    objects = ReportNarrativeQuerySet.as_manager()

    class Meta:
        ordering = ["report", "work_package__number"]
        verbose_name = _("work package narrative")
        verbose_name_plural = _("work package narratives")
        constraints = [
            models.UniqueConstraint(fields=["report", "work_package"], name="wp_narrative_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.report}: WP{self.work_package.number}"


class IndicatorExplanation(models.Model):
    """Why an indicator is behind (or at risk) at the end of the report's period, and what is done about it."""

    report = models.ForeignKey(DonorReport, on_delete=models.CASCADE, related_name="indicator_explanations")
    indicator = models.ForeignKey(
        "reports.Indicator", verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="+"
    )
    explanation = models.TextField(_("explanation"))

    objects = ReportNarrativeQuerySet.as_manager()

    class Meta:
        ordering = ["report", "indicator__order", "indicator__code"]
        verbose_name = _("indicator explanation")
        verbose_name_plural = _("indicator explanations")
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="indicator_explanation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.report}: {self.indicator.code}"
