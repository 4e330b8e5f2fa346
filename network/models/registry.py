"""The registry's reference data and people: countries, organisations, contacts (personal data with
a lawful basis and a retention date), and the choices other models share (regions, sectors)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
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

    # What the label (`__str__`) reads besides the row: admin choices select it (`core.forms`).
    label_related = ("organisation",)

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
