"""What a hotline reports: its capacity for a year (annual profile) and aggregate statistics for a
period. Numbers only: never abuse material, report contents or content URLs."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from network.models.hotlines import Hotline, HotlineScopedQuerySet, is_language_code


class HotlineAnnualProfile(models.Model):
    """What a hotline reports about its capacity for one year."""

    class PsychologicalSupport(models.TextChoices):
        NONE = "none", _("None")
        ON_REQUEST = "on_request", _("On request")
        REGULAR = "regular", _("Regular, mandatory sessions")

    hotline = models.ForeignKey(
        Hotline, on_delete=models.CASCADE, related_name="annual_profiles", verbose_name=_("hotline")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1999), MaxValueValidator(2100)])
    analyst_headcount = models.PositiveSmallIntegerField(_("analysts (headcount)"))
    fte = models.DecimalField(_("analyst FTE"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)])
    welfare_policy = models.BooleanField(_("welfare policy in place"), default=False)
    welfare_policy_reviewed_on = models.DateField(_("welfare policy last reviewed"), null=True, blank=True)
    psychological_support = models.CharField(
        _("psychological support"),
        max_length=20,
        choices=PsychologicalSupport.choices,
        default=PsychologicalSupport.NONE,
    )
    le_mou_in_force = models.BooleanField(_("law-enforcement MoU in force"), default=False)
    languages = models.CharField(
        _("working languages"),
        max_length=200,
        blank=True,
        help_text=_("ISO 639-1 codes separated by commas, e.g. en, fr"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = HotlineScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("annual capacity profile")
        verbose_name_plural = _("annual capacity profiles")
        ordering = ["hotline__brand_name", "-year"]
        constraints = [models.UniqueConstraint(fields=["hotline", "year"], name="one_profile_per_hotline_year")]

    def __str__(self) -> str:
        return f"{self.hotline} {self.year}"

    @property
    def language_codes(self) -> list[str]:
        return [code for code in (part.strip().lower() for part in self.languages.split(",")) if code]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.year is not None and self.year > timezone.localdate().year:
            errors["year"] = _("You can report for this year or earlier years only.")
        if self.fte is not None and self.analyst_headcount is not None and self.fte > self.analyst_headcount:
            errors["fte"] = _("FTE cannot exceed the headcount.")
        if self.welfare_policy_reviewed_on and not self.welfare_policy:
            errors["welfare_policy_reviewed_on"] = _("Tick “welfare policy in place” first.")
        if self.welfare_policy_reviewed_on and self.welfare_policy_reviewed_on > timezone.localdate():
            errors["welfare_policy_reviewed_on"] = _("The review date cannot be in the future.")
        codes = self.language_codes
        unknown = [code for code in codes if not _is_language_code(code)]
        if unknown:
            errors["languages"] = _("Not ISO 639-1 language codes: %(codes)s. Use two letters, e.g. en, fr.") % {
                "codes": ", ".join(unknown)
            }
        else:
            self.languages = ", ".join(dict.fromkeys(codes))
        if errors:
            raise ValidationError(errors)


_is_language_code = is_language_code


percentage = [MinValueValidator(0), MaxValueValidator(100)]


class HotlineStatistics(models.Model):
    """Aggregate statistics a hotline returns for one period. Numbers only: never content.

    Every share is a percentage of the content URLs processed in the period.
    """

    class Source(models.TextChoices):
        HOTLINE_RETURN = "hotline_return", _("Hotline's own return")
        STAFF_ENTRY = "staff_entry", _("Entered by association staff")
        IMPORT = "import", _("Imported")

    class Validation(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        VALIDATED = "validated", _("Validated")
        QUERIED = "queried", _("Queried")

    hotline = models.ForeignKey(Hotline, on_delete=models.CASCADE, related_name="statistics", verbose_name=_("hotline"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    reports_received = models.PositiveIntegerField(_("reports received"))
    content_urls_processed = models.PositiveIntegerField(_("content URLs processed"))
    share_assessed_illegal = models.DecimalField(
        _("% assessed illegal"),
        max_digits=5,
        decimal_places=2,
        validators=percentage,
        null=True,
        blank=True,
    )
    share_removed_within_3_days = models.DecimalField(
        _("% removed within 3 days"),
        max_digits=5,
        decimal_places=2,
        validators=percentage,
        null=True,
        blank=True,
    )
    share_referred_le_within_3_days = models.DecimalField(
        _("% referred to law enforcement within 3 days"),
        max_digits=5,
        decimal_places=2,
        validators=percentage,
        null=True,
        blank=True,
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.HOTLINE_RETURN)
    validation_status = models.CharField(
        _("validation"), max_length=20, choices=Validation.choices, default=Validation.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = HotlineScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("statistics return")
        verbose_name_plural = _("statistics returns")
        ordering = ["hotline__brand_name", "-period_start"]
        constraints = [
            models.UniqueConstraint(fields=["hotline", "period_start", "period_end"], name="one_return_per_period"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="statistics_period_order",
            ),
        ]

    ILLEGAL_SHARE = "share_assessed_illegal"
    DEPENDENT_SHARES = ("share_removed_within_3_days", "share_referred_le_within_3_days")

    def __str__(self) -> str:
        return f"{self.hotline} {self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d}"

    @staticmethod
    def covering_year(year: int, prefix: str = "") -> Q:
        """Returns whose period overlaps the calendar year: a year is returned once one covers part of it."""
        return Q(**{f"{prefix}period_start__lte": date(year, 12, 31), f"{prefix}period_end__gte": date(year, 1, 1)})

    @staticmethod
    def due_on(year: int) -> date:
        """When the return for a calendar year is due: a day of the next year (settings)."""
        return date(year + 1, settings.STATISTICS_RETURN_DUE_MONTH, settings.STATISTICS_RETURN_DUE_DAY)

    def clean(self, others: Iterable[HotlineStatistics] | None = None) -> None:
        """`others`: the hotline's other returns to check for overlap (default: the database's)."""
        errors: dict[str, str] = {}
        if self.period_end and self.period_end >= timezone.localdate():
            errors["period_end"] = _("A return covers a period that has ended; this one ends today or later.")
        elif self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _("The period ends before it starts.")
        illegal = self.share_assessed_illegal
        for name in self.DEPENDENT_SHARES:
            value = getattr(self, name)
            if value is not None and illegal is None:
                errors[name] = _("Give the share assessed illegal first.")
            elif value is not None and illegal is not None and value > illegal:
                errors[name] = _("Cannot exceed the share assessed illegal (%(illegal)s%%).") % {"illegal": illegal}
        if self.content_urls_processed == 0:
            for name in (self.ILLEGAL_SHARE, *self.DEPENDENT_SHARES):
                if getattr(self, name) and name not in errors:
                    errors[name] = _("No content URLs were processed, so this share must be 0 or empty.")
        if self.period_start and self.period_end and "period_end" not in errors:
            overlapping = self.overlapping_return(others)
            if overlapping is not None:
                errors["period_start"] = _(
                    "This hotline already has a return for %(start)s to %(end)s; one return per period."
                ) % {"start": overlapping.period_start.isoformat(), "end": overlapping.period_end.isoformat()}
        if errors:
            raise ValidationError(errors)

    def overlapping_return(self, others: Iterable[HotlineStatistics] | None = None) -> HotlineStatistics | None:
        """The earliest other return of the same hotline whose period overlaps this one's (one per period)."""
        if others is None:
            if not self.hotline_id:
                return None
            others = HotlineStatistics.objects.filter(
                hotline_id=self.hotline_id, period_start__lte=self.period_end, period_end__gte=self.period_start
            ).exclude(pk=self.pk)
        overlapping = [
            other
            for other in others
            if other is not self
            and (other.pk is None or other.pk != self.pk)
            and other.period_start <= self.period_end
            and other.period_end >= self.period_start
        ]
        return min(overlapping, key=lambda other: other.period_start, default=None)

    @property
    def period_label(self) -> str:
        start, end = self.period_start, self.period_end
        if start.month == 1 and start.day == 1 and end.month == 12 and end.day == 31 and start.year == end.year:
            return str(start.year)
        return f"{start:%Y-%m-%d} – {end:%Y-%m-%d}"


class StatisticsMessageQuerySet(HotlineScopedQuerySet):
    hotline_path = "statistics__hotline"


class StatisticsMessage(models.Model):
    """One message in the exchange about a statistics return: the association's query, or the
    hotline's answer when it resubmits. Kept with the return, oldest first."""

    class Kind(models.TextChoices):
        QUERY = "query", _("Query from the association")
        ANSWER = "answer", _("Answer from the hotline")

    statistics = models.ForeignKey(
        HotlineStatistics, on_delete=models.CASCADE, related_name="messages", verbose_name=_("statistics return")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    body = models.TextField(_("message"), max_length=5000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    objects = StatisticsMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("statistics return message")
        verbose_name_plural = _("statistics return messages")
        ordering = ["statistics", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.statistics}: {self.get_kind_display()}"
