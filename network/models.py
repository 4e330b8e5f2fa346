"""The network registry: countries, organisations, people, hotlines, analysts, training, capacity.

The toolkit never stores abuse material, report contents or content URLs: statistics are
aggregate numbers per hotline and period, analysts are pseudonymous codes.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import is_staff_user, organisation_id_for


class ProgrammeRegion(models.TextChoices):
    EUROPE = "europe", _("Europe")
    NORTH_AMERICA = "north_america", _("North America")
    LATIN_AMERICA_CARIBBEAN = "latin_america_caribbean", _("Latin America and Caribbean")
    ASIA_PACIFIC = "asia_pacific", _("Asia-Pacific")
    SOUTH_ASIA = "south_asia", _("South Asia")
    SUB_SAHARAN_AFRICA = "sub_saharan_africa", _("Sub-Saharan Africa")
    MIDDLE_EAST_NORTH_AFRICA = "middle_east_north_africa", _("Middle East and North Africa")


class Sector(models.TextChoices):
    """A stakeholder's sector (contacts, roundtable participants, coverage matrix)."""

    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    GOVERNMENT = "government", _("Government / ministry")
    REGULATOR = "regulator", _("Regulator")
    INDUSTRY_ISP = "industry_isp", _("Industry: internet service provider")
    INDUSTRY_HOSTING = "industry_hosting", _("Industry: hosting")
    INDUSTRY_PLATFORM = "industry_platform", _("Industry: online platform")
    INDUSTRY_MOBILE = "industry_mobile", _("Industry: mobile operator")
    NGO = "ngo", _("NGO / child protection")
    INTERNATIONAL_ORG = "international_org", _("International organisation")
    ACADEMIA = "academia", _("Academia")
    DONOR = "donor", _("Donor")
    HOST_CANDIDATE = "host_candidate", _("Host candidate")

    @classmethod
    def industry(cls) -> tuple[str, ...]:
        return (cls.INDUSTRY_ISP, cls.INDUSTRY_HOSTING, cls.INDUSTRY_PLATFORM, cls.INDUSTRY_MOBILE)


def _staff_or_none(queryset: models.QuerySet, user: Any) -> models.QuerySet | None:
    """Association staff see the whole registry; None means "not staff: scope it"."""
    return queryset.all() if is_staff_user(user) else None


class CountryQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> CountryQuerySet:
        """Reference data: the public directory and map show every country."""
        return self.all()

    def in_region(self, region: str) -> CountryQuerySet:
        return self.filter(programme_region=region)


class Country(models.Model):
    """An ISO 3166-1 country with its UN M49 region and the association's programme region."""

    code = models.CharField(_("ISO code"), max_length=2, primary_key=True)
    alpha3 = models.CharField(_("ISO alpha-3"), max_length=3, unique=True)
    numeric = models.CharField(_("ISO numeric"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=100)
    m49_region = models.CharField(_("UN M49 region"), max_length=40, blank=True)
    m49_subregion = models.CharField(_("UN M49 sub-region"), max_length=60, blank=True)
    programme_region = models.CharField(
        _("programme region"), max_length=30, choices=ProgrammeRegion.choices, blank=True
    )
    time_zone = models.CharField(
        _("main time zone"),
        max_length=64,
        blank=True,
        help_text=_(
            "IANA time zone (tz database), e.g. Asia/Kathmandu: the default of the country's roundtables and "
            "visits. Set from the tz database; change it where the country's capital uses another."
        ),
    )

    objects = CountryQuerySet.as_manager()

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def zone_name(self) -> str:
        """The country's main time zone (the tz database's, unless staff chose another)."""
        from network.time_zones import main_zone

        return self.time_zone or main_zone(self.code)

    def clean(self) -> None:
        from network.time_zones import is_zone

        if self.time_zone and not is_zone(self.time_zone):
            raise ValidationError(
                {"time_zone": _("“%(zone)s” is not a time zone of the tz database.") % {"zone": self.time_zone}}
            )


class OrganisationQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> OrganisationQuerySet:
        if (everything := _staff_or_none(self, user)) is not None:
            return everything
        organisation_id = organisation_id_for(user)
        return self.filter(pk=organisation_id) if organisation_id else self.none()


class Organisation(models.Model):
    """Any organisation the association deals with: hotline hosts, ministries, police, companies."""

    class Type(models.TextChoices):
        NGO = "ngo", _("NGO / charity")
        GOVERNMENT = "government", _("Government body")
        LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
        REGULATOR = "regulator", _("Regulator")
        INDUSTRY_ASSOCIATION = "industry_association", _("Industry association")
        COMPANY = "company", _("Company")
        ACADEMIA = "academia", _("Academia")
        INTERNATIONAL_ORG = "international_org", _("International organisation")
        DONOR = "donor", _("Donor / funder")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    type = models.CharField(_("type"), max_length=30, choices=Type.choices)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("country")
    )
    website = models.URLField(_("website"), blank=True)
    registration_number = models.CharField(_("registration number"), max_length=100, blank=True)
    publish_name_consent = models.BooleanField(
        _("consents to its name in reports"),
        default=False,
        help_text=_("Donor reports name this organisation only when this is ticked."),
    )
    affiliations = GenericRelation("accounts.Affiliation")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ContactQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ContactQuerySet:
        if (everything := _staff_or_none(self, user)) is not None:
            return everything
        organisation_id = organisation_id_for(user)
        return self.filter(organisation_id=organisation_id) if organisation_id else self.none()

    def past_retention(self, on: date | None = None) -> ContactQuerySet:
        return self.filter(retain_until__lt=on or timezone.localdate(), erased_at__isnull=True)

    def not_erased(self) -> ContactQuerySet:
        return self.filter(erased_at__isnull=True)


class Contact(models.Model):
    """A person at an organisation, held under a lawful basis until a retention date."""

    class LawfulBasis(models.TextChoices):
        CONSENT = "consent", _("Consent")
        LEGITIMATE_INTEREST = "legitimate_interest", _("Legitimate interest")
        CONTRACT = "contract", _("Contract")
        LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation")
        PUBLIC_TASK = "public_task", _("Public task")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role / job title"), max_length=200, blank=True)
    sector = models.CharField(_("sector"), max_length=30, choices=Sector.choices, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    lawful_basis = models.CharField(_("lawful basis"), max_length=30, choices=LawfulBasis.choices)
    consent_date = models.DateField(_("consent date"), null=True, blank=True)
    retain_until = models.DateField(_("retain until"))
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContactQuerySet.as_manager()

    # The personal data an erasure removes (sector, organisation and dates stay for the counts).
    PERSONAL_FIELDS = ("name", "role", "email", "phone")

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["organisation__name", "name"]
        permissions = [("erase_contact", "Can erase a contact's personal data")]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="contact_name_unique_in_organisation",
                violation_error_message=_("This organisation already has a contact with this name."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def is_past_retention(self) -> bool:
        return not self.is_erased and self.retain_until < timezone.localdate()

    def clean(self) -> None:
        if self.is_erased:
            return  # an erased record keeps only what the counts need
        if self.lawful_basis == self.LawfulBasis.CONSENT and not self.consent_date:
            raise ValidationError({"consent_date": _("Give the date consent was obtained.")})
        if self.consent_date and self.consent_date > timezone.localdate():
            raise ValidationError({"consent_date": _("The consent date cannot be in the future.")})
        if self.consent_date and self.retain_until and self.retain_until < self.consent_date:
            raise ValidationError({"retain_until": _("The retention date is before the consent date.")})


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

    def in_region(self, region: str) -> HotlineQuerySet:
        return self.filter(country__programme_region=region)

    def with_analyst_counts(self, on: date | None = None) -> HotlineQuerySet:
        """Annotate `active_analyst_count`: the analysts working on `on` (today by default)."""
        working = analyst_working_on(on or timezone.localdate(), prefix="analysts__")
        return self.annotate(active_analyst_count=models.Count("analysts", filter=working, distinct=True))

    def visible_to(self, user: Any) -> HotlineQuerySet:
        if (everything := _staff_or_none(self, user)) is not None:
            return everything
        organisation_id = organisation_id_for(user)
        return self.filter(host_organisation_id=organisation_id) if organisation_id else self.none()


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
    def is_candidate(self) -> bool:
        return self.stage in self.CANDIDATE_STAGES

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


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last_day))


def _staff_or_affiliated(queryset: models.QuerySet, user: Any) -> models.QuerySet:
    """The training catalogue: staff and hotline users see it all, anyone else nothing."""
    if is_staff_user(user) or organisation_id_for(user):
        return queryset.all()
    return queryset.none()


class TrainingCourseQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> TrainingCourseQuerySet:
        return _staff_or_affiliated(self, user)


class TrainingCourse(models.Model):
    """A course the association runs or recognises."""

    class Kind(models.TextChoices):
        CORE = "core", _("Core training")
        CONTENT_ASSESSMENT = "content_assessment", _("Content assessment")
        ONLINE_CERTIFICATION = "online_certification", _("Online certification module")
        ADVANCED_WORKSHOP = "advanced_workshop", _("Advanced workshop")
        LAW_ENFORCEMENT_JOINT = "law_enforcement_joint", _("Law-enforcement joint training")
        WELFARE = "welfare", _("Welfare")
        OTHER = "other", _("Other")

    title = models.CharField(_("title"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    certificate_valid_months = models.PositiveSmallIntegerField(
        _("certificate valid for (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("Leave empty when the course gives no certificate, or one that does not expire."),
    )

    objects = TrainingCourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("training course")
        verbose_name_plural = _("training courses")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def certificate_expiry(self, certified_on: date) -> date | None:
        """When a certificate issued on `certified_on` expires (None: it does not)."""
        if not self.certificate_valid_months:
            return None
        return add_months(certified_on, self.certificate_valid_months)


class TrainingEventQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> TrainingEventQuerySet:
        return _staff_or_affiliated(self, user)

    def upcoming(self, on: date | None = None) -> TrainingEventQuerySet:
        """Events that have not started yet: hotlines may still nominate analysts."""
        return self.filter(starts_on__gt=on or timezone.localdate())


EVENT_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,39}$")


class TrainingEvent(models.Model):
    """One run of a course: dates, online or a place, provider."""

    code = models.CharField(
        _("event code"),
        max_length=40,
        unique=True,
        help_text=_("Short unique reference, e.g. CORE-2024-03; filled in from the course and date when left empty."),
    )
    course = models.ForeignKey(
        TrainingCourse, on_delete=models.PROTECT, related_name="events", verbose_name=_("course")
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    online = models.BooleanField(_("online"), default=False)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.ForeignKey(
        Country,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("country"),
    )
    provider = models.CharField(_("provider"), max_length=200, blank=True)

    objects = TrainingEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("training event")
        verbose_name_plural = _("training events")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="training_event_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title or self.course.title} ({self.starts_on:%Y-%m-%d})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.code:
            self.code = self.suggested_code()
        super().save(*args, **kwargs)

    @property
    def place(self) -> str:
        if self.online:
            return str(_("Online"))
        return ", ".join(part for part in (self.city, self.country.name if self.country_id else "") if part)

    def is_upcoming(self, on: date | None = None) -> bool:
        return self.starts_on > (on or timezone.localdate())

    def suggested_code(self) -> str:
        """A free code from the course kind and the start month, e.g. CORE-2024-03-2."""
        kind = (self.course.kind if self.course_id else "event").replace("_", "-").upper()[:20]
        base = f"{kind}-{self.starts_on:%Y-%m}" if self.starts_on else kind
        others = TrainingEvent.objects.filter(code__startswith=base).exclude(pk=self.pk)
        taken = set(others.values_list("code", flat=True))
        if base not in taken:
            return base
        return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)

    def clean(self) -> None:
        self.code = (self.code or "").strip().upper()
        if not self.code and self.course_id and self.starts_on:
            self.code = self.suggested_code()
        errors: dict[str, str] = {}
        if self.code and not EVENT_CODE.match(self.code):
            errors["code"] = _("Use 3-40 capital letters, digits or hyphens, e.g. CORE-2024-03.")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The event ends before it starts.")
        if not self.online and not (self.city or self.country_id):
            errors["city"] = _("Give the place of an in-person event, or tick online.")
        if errors:
            raise ValidationError(errors)


class TrainingParticipationQuerySet(HotlineScopedQuerySet):
    hotline_path = "analyst__hotline"

    def certificates_valid(self, *, on: date | None = None) -> TrainingParticipationQuerySet:
        """Certificates valid on `on` (today by default): issued by then, not expired before it, held by
        an analyst working that day. Pure form: `reports.aggregations.valid_certificates_on`."""
        day = on or timezone.localdate()
        return self.filter(
            analyst_working_on(day, prefix="analyst__"),
            analyst__isnull=False,
            certified_on__lte=day,
        ).filter(Q(certificate_expires_on__isnull=True) | Q(certificate_expires_on__gte=day))

    def certificates_expiring(self, *, within_days: int = 90, on: date | None = None) -> TrainingParticipationQuerySet:
        """Certificates valid on `on` that expire within `within_days` days (of working analysts only)."""
        day = on or timezone.localdate()
        return self.certificates_valid(on=day).filter(certificate_expires_on__lte=day + timedelta(days=within_days))


class TrainingParticipation(models.Model):
    """One person's place at a training event: an analyst (by code) or another participant type."""

    class ParticipantType(models.TextChoices):
        ANALYST = "analyst", _("Hotline analyst")
        HOTLINE_MANAGER = "hotline_manager", _("Hotline manager")
        LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
        INDUSTRY = "industry", _("Industry")
        GOVERNMENT = "government", _("Government")
        NGO = "ngo", _("NGO")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("Nominated")
        CONFIRMED = "confirmed", _("Confirmed")
        COMPLETED = "completed", _("Completed")
        NOT_COMPLETED = "not_completed", _("Did not complete")

    event = models.ForeignKey(
        TrainingEvent,
        on_delete=models.CASCADE,
        related_name="participations",
        verbose_name=_("event"),
    )
    participant_type = models.CharField(
        _("participant type"),
        max_length=20,
        choices=ParticipantType.choices,
        default=ParticipantType.ANALYST,
    )
    analyst = models.ForeignKey(
        Analyst,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="participations",
        verbose_name=_("analyst"),
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("organisation"),
    )
    reference = models.CharField(
        _("participant reference"),
        max_length=40,
        blank=True,
        help_text=_(
            "For participants who are not registered analysts: a registration number unique within the "
            "event, e.g. LE-03. Never a name."
        ),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CONFIRMED)
    certified_on = models.DateField(_("certified on"), null=True, blank=True)
    certificate_expires_on = models.DateField(_("certificate expires on"), null=True, blank=True)

    objects = TrainingParticipationQuerySet.as_manager()

    class Meta:
        verbose_name = _("training participation")
        verbose_name_plural = _("training participations")
        ordering = ["-event__starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "analyst"],
                condition=Q(analyst__isnull=False),
                name="participation_once_per_analyst",
                violation_error_message=_("This analyst already has a place at this event."),
            ),
            models.UniqueConstraint(
                fields=["event", "reference"],
                condition=~Q(reference=""),
                name="participation_reference_unique_in_event",
                violation_error_message=_("Another participant of this event has this reference."),
            ),
            models.CheckConstraint(
                condition=Q(certificate_expires_on__isnull=True)
                | Q(certified_on__isnull=True)
                | Q(certificate_expires_on__gte=models.F("certified_on")),
                name="participation_certificate_expires_after_issue",
            ),
        ]

    # Participant types that are hotline staff registered as analysts (by code).
    HOTLINE_TYPES = (ParticipantType.ANALYST, ParticipantType.HOTLINE_MANAGER)

    def __str__(self) -> str:
        return f"{self.participant_label} at {self.event}"

    @property
    def participant_label(self) -> str:
        if self.analyst_id:
            return self.analyst.code
        return self.reference or str(self.get_participant_type_display())

    @property
    def completed(self) -> bool:
        return self.status == self.Status.COMPLETED

    def clean(self) -> None:
        self.reference = (self.reference or "").strip()
        if self.participant_type == self.ParticipantType.ANALYST and not self.analyst_id:
            raise ValidationError({"analyst": _("Choose the analyst (by code).")})
        if self.analyst_id and self.participant_type not in self.HOTLINE_TYPES:
            raise ValidationError(
                {"participant_type": _("A registered analyst takes part as an analyst or a hotline manager.")}
            )
        if not self.analyst_id and not self.reference:
            raise ValidationError(
                {"reference": _("Give a participant reference (a registration number, never a name).")}
            )
        if self.certified_on and self.status != self.Status.COMPLETED:
            raise ValidationError({"certified_on": _("Only a completed training can be certified.")})
        if self.certificate_expires_on and not self.certified_on:
            raise ValidationError({"certificate_expires_on": _("Give the certification date first.")})
        if self.certificate_expires_on and self.certified_on and self.certificate_expires_on < self.certified_on:
            raise ValidationError({"certificate_expires_on": _("The certificate expires before it was issued.")})


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


def _is_language_code(code: str) -> bool:
    import pycountry

    return len(code) == 2 and pycountry.languages.get(alpha_2=code) is not None


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

    def clean(self, others: Iterable[HotlineStatistics] | None = None) -> None:
        """`others`: the hotline's other returns to check for overlap (default: the database's)."""
        errors: dict[str, str] = {}
        if self.period_start and self.period_end and self.period_end < self.period_start:
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


__all__ = [
    "Analyst",
    "Contact",
    "Country",
    "Hotline",
    "HotlineAnnualProfile",
    "HotlineStatistics",
    "Organisation",
    "ProgrammeRegion",
    "Sector",
    "TrainingCourse",
    "TrainingEvent",
    "TrainingParticipation",
]
