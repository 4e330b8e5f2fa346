"""Donors and grants: a donor's grants, their work packages, activities, deliverables, milestones,
indicators, risks and budget lines.

Who sees what: staff who hold the model's view permission (grants managers, network staff) see every
donor, grant and report; a donor's users see their own donor, its grants and, of its reports, the
published ones (and superseded versions kept for the record). Everyone else sees nothing."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from accounts.access import donor_id_for, is_authenticated
from accounts.roles import Role
from core import dataversion


def _is_grants_staff(user: Any) -> bool:
    from accounts.access import has_role

    return bool(user.is_superuser) or has_role(user, Role.GRANTS, Role.NETWORK_STAFF)


class DonorScopedQuerySet(models.QuerySet):
    """Rows of one donor: all of them for grants staff, their own donor's for a donor's users.
    `donor_field` is the lookup from the row to its donor's id."""

    donor_field = "grant__donor_id"

    def visible_to(self, user: Any) -> models.QuerySet:
        if not is_authenticated(user):
            return self.none()
        if _is_grants_staff(user):
            return self.all()
        donor_id = donor_id_for(user)
        return self.filter(**{self.donor_field: donor_id}) if donor_id is not None else self.none()


class DonorQuerySet(DonorScopedQuerySet):
    donor_field = "pk"


class ReportProfile(models.TextChoices):
    EU = "eu", _("European Union")
    GENERIC = "generic", _("Other donor")


class Donor(models.Model):
    """A funder: a global fund, the European Commission, a foundation, a company, a government."""

    class Kind(models.TextChoices):
        PUBLIC_FUND = "public_fund", _("Public or multilateral fund")
        EU = "eu", _("European Union")
        GOVERNMENT = "government", _("Government")
        FOUNDATION = "foundation", _("Foundation")
        COMPANY = "company", _("Company")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PUBLIC_FUND)
    country = models.ForeignKey(
        "network.Country", verbose_name=_("country"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    website = models.URLField(_("website"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # How its reports acknowledge it (`reports.donor.profiles`).
    report_profile = models.CharField(
        _("report profile"),
        max_length=20,
        choices=ReportProfile.choices,
        default=ReportProfile.GENERIC,
        help_text=_(
            "European Union: the EU emblem, “Funded by the European Union” and the EU disclaimer on the cover and "
            "in the footer. Other donor: the donor's own acknowledgement and logo, if any."
        ),
    )
    acknowledgement = models.TextField(
        _("acknowledgement"),
        blank=True,
        help_text=_("For another donor: the sentence its reports carry, e.g. “This work is supported by …”."),
    )
    # A PNG re-encoded from the upload (`reports.donor.profiles.clean_logo`), stored privately.
    logo_name = models.CharField(_("logo"), max_length=255, blank=True, editable=False)
    accepts_interim_reports = models.BooleanField(
        _("accepts interim reports"),
        default=True,
        help_text=_(
            "A report for a period that has not ended is marked “interim” on its cover. Untick when this donor "
            "refuses such reports: they then cannot be submitted before the period ends."
        ),
    )

    objects = DonorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("donor")
        verbose_name_plural = _("donors")

    def __str__(self) -> str:
        return self.name


class GrantScopedQuerySet(DonorScopedQuerySet):
    """Rows that belong to a grant: visible with the grant."""


class GrantQuerySet(DonorScopedQuerySet):
    donor_field = "donor_id"


class Grant(models.Model):
    """A grant agreement with a donor: what it funds, where, when, and how it is reported."""

    class Kind(models.TextChoices):
        OPERATING = "operating", _("Operating grant")
        ACTION = "action", _("Action grant")

    donor = models.ForeignKey(Donor, verbose_name=_("donor"), on_delete=models.PROTECT, related_name="grants")
    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("A short unique code used in reports and on the command line, e.g. GF-EXP-2025."),
    )
    title = models.CharField(_("title"), max_length=255)
    programme = models.CharField(_("programme"), max_length=200, blank=True)
    call_identifier = models.CharField(_("call identifier"), max_length=100, blank=True)
    agreement_number = models.CharField(_("grant agreement number"), max_length=100, blank=True)
    beneficiary = models.CharField(
        _("beneficiary"), max_length=200, blank=True, help_text=_("Leave empty for the association itself.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ACTION)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    currency = models.CharField(_("currency"), max_length=3, default="EUR", help_text=_("ISO 4217 code, e.g. EUR."))
    cofunding_rate = models.DecimalField(
        _("co-funding rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("The share of eligible costs the donor pays, in per cent."),
    )
    objectives = models.TextField(_("objectives"), blank=True)
    activities_in_scope = models.TextField(_("activities in scope"), blank=True)
    countries = models.ManyToManyField(
        "network.Country", verbose_name=_("countries in scope"), blank=True, related_name="grants"
    )
    reporting_period_months = models.PositiveSmallIntegerField(
        _("reporting period (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("Reports cover consecutive periods of this length from the start of the grant."),
    )
    report_due_days = models.PositiveSmallIntegerField(
        _("report due (days after the period)"),
        default=60,
        validators=[MaxValueValidator(365)],
        help_text=_("Each periodic report is due this many days after its period ends."),
    )
    granting_authority = models.CharField(
        _("granting authority"),
        max_length=200,
        blank=True,
        help_text=_(
            "For an EU grant: the body named in the disclaimer, e.g. “the European Health and Digital Executive "
            "Agency (HaDEA)”. Left empty: the European Commission."
        ),
    )
    report_contact = models.CharField(
        _("contact for reports"),
        max_length=255,
        blank=True,
        help_text=_("Name, role and email address printed under the report's declaration."),
    )

    objects = GrantQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "code"]
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="grant_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    def clean(self) -> None:
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("A grant ends on or after the day it starts.")
        if self.currency and not (len(self.currency) == 3 and self.currency.isalpha()):
            errors["currency"] = _("Enter a three-letter currency code such as EUR or USD.")
        if errors:
            raise ValidationError(errors)
        self.currency = (self.currency or "").upper()

    @property
    def beneficiary_name(self) -> str:
        return self.beneficiary or settings.ASSOCIATION_NAME

    def reporting_periods(self) -> list[tuple[date, date]]:
        """The grant's reporting periods: consecutive spans of `reporting_period_months`, the last cut at the end."""
        periods: list[tuple[date, date]] = []
        start = self.starts_on
        while start <= self.ends_on:
            next_start = _add_months(start, self.reporting_period_months)
            end = min(next_start - timedelta(days=1), self.ends_on)
            periods.append((start, end))
            start = next_start
        return periods

    def report_due_on(self, period_end: date) -> date:
        """The day the report for a period ending on `period_end` is due."""
        return period_end + timedelta(days=self.report_due_days)

    def reporting_period_of(self, period_start: date, period_end: date) -> tuple[date, date] | None:
        """The reporting period with these bounds, or None when they are not one of the grant's periods."""
        return (period_start, period_end) if (period_start, period_end) in self.reporting_periods() else None


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class WorkPackage(models.Model):
    grant = models.ForeignKey(Grant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="work_packages")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=255)
    objectives = models.TextField(_("objectives"), blank=True)
    lead = models.CharField(_("lead"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    objects = GrantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["grant", "number"]
        verbose_name = _("work package")
        verbose_name_plural = _("work packages")
        constraints = [models.UniqueConstraint(fields=["grant", "number"], name="work_package_number_unique")]

    def __str__(self) -> str:
        return f"WP{self.number} {self.title}"


class Activity(models.Model):
    """Something a grant pays for, planned and then implemented; linked to the registry's events."""

    class Kind(models.TextChoices):
        ROUNDTABLE = "roundtable", _("Roundtable")
        TRAINING = "training", _("Training")
        PEER_EXCHANGE = "peer_exchange", _("Peer exchange")
        CAMPAIGN = "campaign", _("Awareness campaign")
        MEETING = "meeting", _("Meeting or conference")
        COORDINATION = "coordination", _("Coordination")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Implemented")
        DELAYED = "delayed", _("Delayed")
        CANCELLED = "cancelled", _("Cancelled")

    grant = models.ForeignKey(Grant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="activities")
    work_package = models.ForeignKey(
        WorkPackage,
        verbose_name=_("work package"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    title = models.CharField(_("title"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    roundtables = models.ManyToManyField(
        "onboarding.Roundtable", verbose_name=_("roundtables"), blank=True, related_name="grant_activities"
    )
    training_events = models.ManyToManyField(
        "network.TrainingEvent", verbose_name=_("training events"), blank=True, related_name="grant_activities"
    )
    other_events = models.TextField(
        _("other events"), blank=True, help_text=_("Peer exchanges, campaigns or meetings not in the registry.")
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = GrantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["grant", "planned_start", "title"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.planned_end and self.planned_start and self.planned_end < self.planned_start:
            errors["planned_end"] = _("The planned end is on or after the planned start.")
        if self.actual_end and self.actual_start and self.actual_end < self.actual_start:
            errors["actual_end"] = _("The actual end is on or after the actual start.")
        if self.actual_end and not self.actual_start:
            errors["actual_start"] = _("Enter the actual start too.")
        if self.work_package_id and self.grant_id and self.work_package.grant_id != self.grant_id:
            errors["work_package"] = _("Choose a work package of the same grant.")
        if errors:
            raise ValidationError(errors)


class Deliverable(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        DELAYED = "delayed", _("Delayed")

    class Dissemination(models.TextChoices):
        PUBLIC = "public", _("Public")
        SENSITIVE = "sensitive", _("Sensitive")

    grant = models.ForeignKey(Grant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="deliverables")
    work_package = models.ForeignKey(
        WorkPackage,
        verbose_name=_("work package"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliverables",
    )
    code = models.CharField(_("code"), max_length=20, help_text=_("e.g. D2.1"))
    title = models.CharField(_("title"), max_length=255)
    due_on = models.DateField(_("due on"))
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    dissemination = models.CharField(
        _("dissemination level"), max_length=20, choices=Dissemination.choices, default=Dissemination.PUBLIC
    )

    objects = GrantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["grant", "due_on", "code"]
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")
        constraints = [models.UniqueConstraint(fields=["grant", "code"], name="deliverable_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Milestone(models.Model):
    grant = models.ForeignKey(Grant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="milestones")
    work_package = models.ForeignKey(
        WorkPackage,
        verbose_name=_("work package"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="milestones",
    )
    code = models.CharField(_("code"), max_length=20, help_text=_("e.g. MS3"))
    title = models.CharField(_("title"), max_length=255)
    due_on = models.DateField(_("due on"))
    achieved_on = models.DateField(_("achieved on"), null=True, blank=True)
    verification = models.CharField(_("means of verification"), max_length=255, blank=True)

    objects = GrantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["grant", "due_on", "code"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [models.UniqueConstraint(fields=["grant", "code"], name="milestone_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Indicator(models.Model):
    """A grant's indicator: a metric of the registry computed from live data, or a manual value with
    the justification of where it comes from. A metric's indicator names its scope, and its baseline
    is that metric measured on that scope on the baseline day, frozen when the indicator is made."""

    class Scope(models.TextChoices):
        GRANT = "grant", _("The grant's coverage")
        NETWORK = "network", _("The whole network")

    grant = models.ForeignKey(Grant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="indicators")
    work_package = models.ForeignKey(
        WorkPackage,
        verbose_name=_("work package"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicators",
    )
    code = models.CharField(_("code"), max_length=20, help_text=_("e.g. I1"))
    title = models.CharField(_("title"), max_length=255)
    metric_key = models.CharField(
        _("metric"),
        max_length=80,
        blank=True,
        help_text=_(
            "The registry indicator that computes the achieved value from live data. Leave empty for a manual value."
        ),
    )
    manual_value = models.DecimalField(_("manual value"), max_digits=14, decimal_places=2, null=True, blank=True)
    justification = models.TextField(
        _("justification"), blank=True, help_text=_("Where a manual value comes from (source, date, who counted).")
    )
    scope = models.CharField(
        _("scope"),
        max_length=20,
        choices=Scope.choices,
        default=Scope.GRANT,
        help_text=_(
            "What a metric is measured over: the grant's coverage (its countries, and the roundtables and training "
            "events its activities are linked to), or the whole network. The baseline is measured on the same scope."
        ),
    )
    baseline_on = models.DateField(
        _("baseline day"),
        null=True,
        blank=True,
        help_text=_("The day the baseline describes. Left empty: the day before the grant starts."),
    )
    baseline = models.DecimalField(
        _("baseline"),
        max_digits=14,
        decimal_places=2,
        default=0,
        help_text=_(
            "For a metric, leave it empty: it is measured on the baseline day, on the indicator's scope, and kept. "
            "Another value needs a justification, which reports show."
        ),
    )
    # What the metric gave on the baseline day when the indicator was made (or its metric, scope or
    # baseline day changed); None for a manual indicator, or one made before baselines were measured.
    baseline_measured = models.DecimalField(
        _("measured baseline"), max_digits=14, decimal_places=2, null=True, blank=True, editable=False
    )
    baseline_justification = models.TextField(
        _("why another baseline"),
        blank=True,
        help_text=_("Required when the baseline is not the measured one: where the other value comes from."),
    )
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = GrantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["grant", "order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["grant", "code"], name="indicator_code_unique"),
            models.CheckConstraint(
                condition=~models.Q(metric_key="") | models.Q(manual_value__isnull=False),
                name="indicator_metric_or_manual",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_manual(self) -> bool:
        return not self.metric_key

    @property
    def baseline_day(self) -> date | None:
        """The day the baseline describes: as recorded, else the day before the grant starts."""
        if self.baseline_on:
            return self.baseline_on
        return self.grant.starts_on - timedelta(days=1) if self.grant_id else None

    @property
    def baseline_overridden(self) -> bool:
        """A metric's indicator whose baseline is not the value measured for it."""
        return self.baseline_measured is not None and self.baseline != self.baseline_measured

    def measures_like(self, other: Indicator | None) -> bool:
        """Whether `other` (the saved row) measures its baseline the same way: same metric, scope and day.
        A frozen baseline is kept while this holds, and measured again when it does not."""
        return (
            other is not None
            and other.metric_key == self.metric_key
            and other.scope == self.scope
            and other.baseline_day == self.baseline_day
        )

    def clean(self) -> None:
        from reports import metrics

        errors = {}
        if self.metric_key and self.manual_value is not None:
            errors["manual_value"] = _("Choose either a metric or a manual value, not both.")
        elif not self.metric_key and self.manual_value is None:
            errors["metric_key"] = _("Choose a metric, or enter a manual value with its justification.")
        if self.metric_key:
            try:
                metric = metrics.get(self.metric_key)
            except KeyError:
                errors["metric_key"] = _("There is no metric with the key “%(key)s”.") % {"key": self.metric_key}
            else:
                if metric.kind != metrics.COUNT and metric.kind != metrics.PERCENT and metric.kind != metrics.DAYS:
                    errors["metric_key"] = _("Choose a metric with a single number (not a breakdown).")
        if self.manual_value is not None and not self.justification.strip():
            errors["justification"] = _("A manual value needs a justification: where does the number come from?")
        if self.metric_key and self.baseline_overridden and not self.baseline_justification.strip():
            errors["baseline_justification"] = _(
                "The baseline measured for this metric on its scope is %(measured)s. Explain why the indicator "
                "uses %(baseline)s instead, or leave the baseline empty to use the measured one."
            ) % {"measured": _plain(self.baseline_measured), "baseline": _plain(self.baseline)}
        if errors:
            raise ValidationError(errors)


def _plain(value: Any) -> str:
    """A decimal as people write it: 54, 12.5."""
    return format(value.normalize(), "f") if value is not None else ""


class Risk(models.Model):
    class Level(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MITIGATED = "mitigated", _("Mitigated")
        OCCURRED = "occurred", _("Occurred")
        CLOSED = "closed", _("Closed")

    grant = models.ForeignKey(Grant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="risks")
    work_package = models.ForeignKey(
        WorkPackage, verbose_name=_("work package"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.TextField(_("description"))
    likelihood = models.CharField(_("likelihood"), max_length=10, choices=Level.choices, default=Level.MEDIUM)
    impact = models.CharField(_("impact"), max_length=10, choices=Level.choices, default=Level.MEDIUM)
    mitigation = models.TextField(_("mitigation"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)

    objects = GrantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["grant", "pk"]
        verbose_name = _("risk")
        verbose_name_plural = _("risks")

    def __str__(self) -> str:
        return Truncator(self.description).chars(60)


class BudgetLine(models.Model):
    class Category(models.TextChoices):
        PERSONNEL = "personnel", _("Personnel")
        TRAVEL = "travel", _("Travel and subsistence")
        EQUIPMENT = "equipment", _("Equipment")
        SUBCONTRACTING = "subcontracting", _("Subcontracting")
        OTHER_DIRECT = "other_direct", _("Other direct costs")
        INDIRECT = "indirect", _("Indirect costs")

    grant = models.ForeignKey(Grant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="budget_lines")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.CharField(_("description"), max_length=255, blank=True)
    planned = models.DecimalField(_("planned"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    actual = models.DecimalField(
        _("actual"), max_digits=14, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )

    objects = GrantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["grant", "category", "pk"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.description}" if self.description else self.get_category_display()

    def clean(self) -> None:
        if self.pk is None:
            return
        total = self.period_amounts.aggregate(total=models.Sum("actual"))["total"]
        if total is not None and self.actual != total:
            raise ValidationError(
                {
                    "actual": _(
                        "This line has spending entered by period: its actual is their sum, %(total)s. Change the "
                        "period amounts instead."
                    )
                    % {"total": _plain(total)}
                }
            )

    def sync_actual(self) -> None:
        """Once a line has amounts by period, its actual is their sum (what was spent so far)."""
        total = self.period_amounts.aggregate(total=models.Sum("actual"))["total"]
        if self.period_amounts.exists() and total is not None and total != self.actual:
            self.actual = total
            type(self).objects.filter(pk=self.pk).update(actual=total)
            dataversion.bump(type(self))  # an update sends no signals


class BudgetPeriodScopedQuerySet(DonorScopedQuerySet):
    donor_field = "budget_line__grant__donor_id"


class BudgetPeriodAmount(models.Model):
    """A budget line's planned amount and actual spending in one reporting period of its grant. The
    line's `planned` is the whole grant's; its `actual`, once it has period amounts, is their sum
    (kept by `save`, so the line and its periods never disagree)."""

    budget_line = models.ForeignKey(
        BudgetLine, verbose_name=_("budget line"), on_delete=models.CASCADE, related_name="period_amounts"
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    planned = models.DecimalField(
        _("planned in the period"), max_digits=14, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    actual = models.DecimalField(
        _("spent in the period"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Leave empty until the spending is known; a report warns about a period without it."),
    )
    variance_justification = models.TextField(
        _("why spending differs from the plan"),
        blank=True,
        help_text=_("Required when the spending differs from the planned amount by more than the threshold."),
    )

    objects = BudgetPeriodScopedQuerySet.as_manager()

    class Meta:
        ordering = ["budget_line", "period_start"]
        verbose_name = _("budget amount for a period")
        verbose_name_plural = _("budget amounts by period")
        constraints = [
            models.UniqueConstraint(fields=["budget_line", "period_start"], name="budget_period_unique"),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="budget_period_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.budget_line}: {self.period_start}–{self.period_end}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        self.budget_line.sync_actual()

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        line = self.budget_line
        result = super().delete(*args, **kwargs)
        line.sync_actual()
        return result

    @property
    def variance(self) -> Any:
        """Actual minus planned (None until the actual is entered)."""
        return None if self.actual is None else self.actual - self.planned

    @property
    def variance_share(self) -> float | None:
        """The variance as a percentage of the planned amount (None with nothing planned or spent yet)."""
        if self.actual is None or not self.planned:
            return None
        return float((self.actual - self.planned) / self.planned * 100)

    def needs_justification(self) -> bool:
        share = self.variance_share
        if share is None:
            return self.actual is not None and not self.planned and self.actual > 0
        return abs(share) > settings.DONOR_REPORT_VARIANCE_THRESHOLD

    def clean(self) -> None:
        errors = {}
        line = self.budget_line if self.budget_line_id else None
        if line is not None and self.period_start and self.period_end:
            if line.grant.reporting_period_of(self.period_start, self.period_end) is None:
                periods = ", ".join(f"{start} to {end}" for start, end in line.grant.reporting_periods())
                errors["period_start"] = _("Choose one of the grant's reporting periods: %(periods)s.") % {
                    "periods": periods
                }
            else:
                others = line.period_amounts.exclude(pk=self.pk).aggregate(total=models.Sum("planned"))["total"] or 0
                if self.planned is not None and others + self.planned > line.planned:
                    errors["planned"] = _(
                        "The periods' planned amounts would add up to %(total)s, more than the line's %(line)s."
                    ) % {"total": _plain(others + self.planned), "line": _plain(line.planned)}
        if self.needs_justification() and not self.variance_justification.strip():
            errors["variance_justification"] = _(
                "Spending differs from the plan by more than %(threshold)s %%: explain why."
            ) % {"threshold": settings.DONOR_REPORT_VARIANCE_THRESHOLD}
        if errors:
            raise ValidationError(errors)
