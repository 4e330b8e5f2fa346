"""Hotlines, prospective or member (their place in the lifecycle and public profile), and their
analysts, known only by pseudonymous codes."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import organisation_id_for
from network.models.registry import Contact, Country, Organisation, _staff_or_none


class HotlineQuerySet(models.QuerySet):
    def in_stage(self, *stages: str) -> HotlineQuerySet:
        return self.filter(stage__in=stages)

    def members(self) -> HotlineQuerySet:
        return self.in_stage(*Hotline.MEMBER_STAGES)

    def candidates(self) -> HotlineQuerySet:
        """Prospective hotlines still moving through the lifecycle (on hold included)."""
        return self.in_stage(*Hotline.CANDIDATE_STAGES)

    def in_directory(self) -> HotlineQuerySet:
        """What the public "where to report" directory lists: provisional and full members."""
        return self.members()

    def with_analyst_counts(self, on: date | None = None) -> HotlineQuerySet:
        """Annotate `active_analyst_count`: the analysts working on `on` (today by default)."""
        working = analyst_working_on(on or timezone.localdate(), prefix="analysts__")
        return self.annotate(active_analyst_count=models.Count("analysts", filter=working, distinct=True))

    def visible_to(self, user: Any) -> HotlineQuerySet:
        if (everything := _staff_or_none(self, user)) is not None:
            return everything
        organisation_id = organisation_id_for(user)
        return self.filter(host_organisation_id=organisation_id) if organisation_id else self.none()


class AnonymousReports(models.TextChoices):
    YES = "yes", _("Reports can be anonymous")
    NO = "no", _("Reporters give their name")


def is_language_code(code: str) -> bool:
    """An ISO 639-1 code (two letters) of a known language."""
    import pycountry

    return len(code) == 2 and pycountry.languages.get(alpha_2=code) is not None


def language_codes(text: str) -> list[str]:
    """The codes of a comma-separated list of language codes, lower case, in order, once each."""
    return list(dict.fromkeys(code for code in (part.strip().lower() for part in (text or "").split(",")) if code))


class Hotline(models.Model):
    """A hotline, prospective or member: its place in the lifecycle and its public profile."""

    class Stage(models.TextChoices):
        IDENTIFIED = "identified", _("Identified")
        EXPLORING = "exploring", _("Exploring")
        FEASIBILITY_REVIEW = "feasibility_review", _("Feasibility review")
        STAKEHOLDER_ENGAGEMENT = "stakeholder_engagement", _("Stakeholder engagement")
        OPERATIONAL_PREPARATION = "operational_preparation", _("Operational preparation")
        APPLICATION_SUBMITTED = "application_submitted", _("Application submitted")
        UNDER_ASSESSMENT = "under_assessment", _("Under assessment")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        DECISION_PENDING = "decision_pending", _("Decision pending")
        PROVISIONAL_MEMBER = "provisional_member", _("Provisional member")
        FULL_MEMBER = "full_member", _("Full member")
        NOT_FEASIBLE = "not_feasible", _("Not feasible")
        ON_HOLD = "on_hold", _("On hold")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")
        CEASED = "ceased", _("Ceased")

    # The main track, in order (for boards, progress and time-in-stage figures).
    TRACK = (
        Stage.IDENTIFIED,
        Stage.EXPLORING,
        Stage.FEASIBILITY_REVIEW,
        Stage.STAKEHOLDER_ENGAGEMENT,
        Stage.OPERATIONAL_PREPARATION,
        Stage.APPLICATION_SUBMITTED,
        Stage.UNDER_ASSESSMENT,
        Stage.CHANGES_REQUESTED,
        Stage.DECISION_PENDING,
        Stage.PROVISIONAL_MEMBER,
        Stage.FULL_MEMBER,
    )
    CANDIDATE_STAGES = (*TRACK[:9], Stage.ON_HOLD)
    MEMBER_STAGES = (Stage.PROVISIONAL_MEMBER, Stage.FULL_MEMBER)
    ENDED_STAGES = (Stage.NOT_FEASIBLE, Stage.WITHDRAWN, Stage.REJECTED, Stage.CEASED)

    brand_name = models.CharField(_("brand name"), max_length=200, unique=True)
    host_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="hotlines",
        verbose_name=_("host organisation"),
    )
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="home_hotlines",
        verbose_name=_("home country"),
    )
    countries_served = models.ManyToManyField(
        Country,
        blank=True,
        related_name="hotlines_serving",
        verbose_name=_("countries served"),
        help_text=_("Every country the hotline takes reports for, its home country included."),
    )
    public_reporting_url = models.URLField(_("public reporting page"), blank=True)
    description = models.TextField(_("public description"), blank=True, max_length=2000)
    # What the public "where to report" card says besides the description (kept by the member).
    reporting_languages = models.CharField(
        _("languages reports are taken in"),
        max_length=200,
        blank=True,
        help_text=_("ISO 639-1 codes separated by commas, e.g. en, fr"),
    )
    anonymous_reports = models.CharField(
        _("anonymous reports"),
        max_length=3,
        choices=AnonymousReports.choices,
        blank=True,
        help_text=_("Whether someone can report without giving their name."),
    )
    accepts_regional_reports = models.BooleanField(
        _("takes reports from the rest of its region"),
        default=False,
        help_text=_(
            "Also takes reports from the countries of its programme region that have no member hotline: "
            "the public site then lists it for those countries."
        ),
    )
    # Changed only by the onboarding workflow's transition service (never by edit forms).
    stage = models.CharField(
        _("lifecycle stage"),
        max_length=30,
        choices=Stage.choices,
        default=Stage.IDENTIFIED,
        editable=False,
    )
    stage_entered_at = models.DateTimeField(_("in this stage since"), default=timezone.now, editable=False)
    paused_stage = models.CharField(
        _("stage paused in"), max_length=30, choices=Stage.choices, blank=True, editable=False
    )
    joined_on = models.DateField(_("joined the network on"), null=True, blank=True)
    full_member_on = models.DateField(_("full member since"), null=True, blank=True)
    secure_exchange_access = models.BooleanField(_("secure exchange platform access"), default=False)
    secure_exchange_since = models.DateField(_("secure exchange access since"), null=True, blank=True)
    point_of_contact = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("point of contact"),
    )
    lead_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lead_hotlines",
        verbose_name=_("lead staff member"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HotlineQuerySet.as_manager()

    class Meta:
        verbose_name = _("hotline")
        verbose_name_plural = _("hotlines")
        ordering = ["brand_name"]
        indexes = [models.Index(fields=["stage"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(full_member_on__isnull=True) | Q(joined_on__isnull=False),
                name="hotline_full_member_after_joining",
                violation_error_message=_("A full member must have a joining date."),
            ),
        ]

    def __str__(self) -> str:
        return self.brand_name

    @property
    def is_member(self) -> bool:
        return self.stage in self.MEMBER_STAGES

    @property
    def days_in_stage(self) -> int:
        return (timezone.now() - self.stage_entered_at).days

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.full_member_on and self.joined_on and self.full_member_on < self.joined_on:
            errors["full_member_on"] = _("Full membership cannot start before joining.")
        if self.full_member_on and not self.joined_on:
            errors["joined_on"] = _("A full member must have a joining date.")
        if self.secure_exchange_since and not self.secure_exchange_access:
            errors["secure_exchange_since"] = _("Tick secure exchange access, or leave the date empty.")
        if (
            self.point_of_contact_id
            and self.host_organisation_id
            and self.point_of_contact.organisation_id != self.host_organisation_id
        ):
            errors["point_of_contact"] = _("The point of contact must be a contact of the host organisation.")
        codes = language_codes(self.reporting_languages)
        if unknown := [code for code in codes if not is_language_code(code)]:
            errors["reporting_languages"] = _(
                "Not ISO 639-1 language codes: %(codes)s. Use two letters, e.g. en, fr."
            ) % {"codes": ", ".join(unknown)}
        else:
            self.reporting_languages = ", ".join(codes)
        if errors:
            raise ValidationError(errors)


class HotlineScopedQuerySet(models.QuerySet):
    """For rows that belong to one hotline: staff see all, hotline users their own hotline's."""

    hotline_path = "hotline"

    def visible_to(self, user: Any) -> models.QuerySet:
        if (everything := _staff_or_none(self, user)) is not None:
            return everything
        organisation_id = organisation_id_for(user)
        if not organisation_id:
            return self.none()
        return self.filter(**{f"{self.hotline_path}__host_organisation_id": organisation_id})


def analyst_working_on(day: date, *, prefix: str = "") -> Q:
    """Analysts working on `day`: started by then (or no start recorded) and not yet left. The one
    definition of "an analyst still working"; `prefix` reaches the analyst from another model
    ("analyst__", "analysts__"). Its pure form is `reports.aggregations.working_on` (a parity test
    runs both on the same rows)."""
    return (Q(**{f"{prefix}started_on__isnull": True}) | Q(**{f"{prefix}started_on__lte": day})) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": day})
    )


class AnalystQuerySet(HotlineScopedQuerySet):
    def working_on(self, day: date | None = None) -> AnalystQuerySet:
        """Analysts working on `day` (today by default): `analyst_working_on`."""
        return self.filter(analyst_working_on(day or timezone.localdate()))


ANALYST_CODE = re.compile(r"^(?=.*\d)[A-Z0-9][A-Z0-9_-]{1,19}$")


class Analyst(models.Model):
    """A hotline analyst, known here only by a pseudonymous code the hotline holds. Never a name."""

    class Role(models.TextChoices):
        ANALYST = "analyst", _("Analyst")
        SENIOR_ANALYST = "senior_analyst", _("Senior analyst")
        MANAGER = "manager", _("Hotline manager")
        TRAINEE = "trainee", _("Trainee")

    hotline = models.ForeignKey(Hotline, on_delete=models.CASCADE, related_name="analysts", verbose_name=_("hotline"))
    code = models.CharField(
        _("pseudonymous code"),
        max_length=20,
        help_text=_("2-20 capital letters, digits, - or _, with at least one digit (e.g. AN-07). Never a name."),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.ANALYST)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = AnalystQuerySet.as_manager()

    class Meta:
        verbose_name = _("analyst")
        verbose_name_plural = _("analysts")
        ordering = ["hotline__brand_name", "code"]
        constraints = [
            models.UniqueConstraint(fields=["hotline", "code"], name="analyst_code_unique_in_hotline"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="analyst_ends_after_start",
            ),
        ]

    # What the label (`__str__`) reads besides the row: admin choices select it (`core.forms`).
    label_related = ("hotline",)

    def __str__(self) -> str:
        return f"{self.code} ({self.hotline})"

    def is_working_on(self, day: date) -> bool:
        """The instance form of `analyst_working_on`."""
        return (self.started_on is None or self.started_on <= day) and (self.ended_on is None or self.ended_on >= day)

    @property
    def is_active(self) -> bool:
        """Working today."""
        return self.is_working_on(timezone.localdate())

    def clean(self) -> None:
        self.code = (self.code or "").strip().upper()
        if not ANALYST_CODE.match(self.code):
            raise ValidationError(
                {"code": _("Use a pseudonymous code: 2-20 capital letters, digits, - or _, with at least one digit.")}
            )
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("The end date is before the start date.")})
