"""Onboarding records: candidates' profiles and stage history, country assessments, interactions,
roundtables with participants and action items, agreements with their parties, law-enforcement
MoU alternatives, private documents and staff calendar-feed tokens; and each candidate's dossier:
its checklist (from a versioned template) with evidence, comments and history, the reviewers
assigned to it, accreditation assessments with findings and corrective actions, and the
membership decision.

A hotline's stage lives on `network.Hotline` and changes only through
`onboarding.services.hotline_transition`, which writes one `StageChange` per move. A dossier is
open to network staff, to the reviewers assigned to it once they declared no conflict of interest,
and to the candidate's own portal users (`_dossier`).
"""

from __future__ import annotations

import html
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.fields import RichTextField
from wagtail.models import Orderable

from accounts.access import has_role, is_authenticated, is_staff_user, organisation_id_for
from accounts.roles import Role
from network.models import Contact, Country, Hotline, Organisation, Sector
from network.time_zones import is_zone, zone_label
from onboarding import checklist_rules as rules


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


class CandidateProfileQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> CandidateProfileQuerySet:
        return _staff_or_organisation(self, user, "hotline__host_organisation_id")


class CandidateProfile(models.Model):
    """What onboarding knows about a prospective hotline beyond the registry entry."""

    class Source(models.TextChoices):
        OUTREACH = "outreach", _("Association outreach")
        REFERRAL = "referral", _("Referral by a partner")
        SELF_NOMINATED = "self_nominated", _("The organisation approached the association")
        DONOR_PROGRAMME = "donor_programme", _("Donor programme")
        OTHER = "other", _("Other")

    hotline = models.OneToOneField(
        Hotline,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="candidate_profile",
        verbose_name=_("hotline"),
    )
    identified_on = models.DateField(_("identified on"), default=timezone.localdate)
    source = models.CharField(
        _("how it was identified"), max_length=20, choices=Source.choices, default=Source.OUTREACH
    )
    host_confirmed_on = models.DateField(
        _("host confirmed on"),
        null=True,
        blank=True,
        help_text=_("The date the host organisation agreed to host the hotline."),
    )
    target_membership_on = models.DateField(_("target date for the application"), null=True, blank=True)
    notes = models.TextField(_("staff notes"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CandidateProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("candidate profile")
        verbose_name_plural = _("candidate profiles")

    def __str__(self) -> str:
        return str(self.hotline)


class StageChangeQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> StageChangeQuerySet:
        # The reasons are staff notes: the portal shows the current stage only.
        return _staff_only(self, user)


class StageChange(models.Model):
    """One move of a hotline through the lifecycle: who, when, from, to, why."""

    hotline = models.ForeignKey(Hotline, on_delete=models.CASCADE, related_name="stage_changes")
    transition = models.CharField(_("transition"), max_length=50, blank=True)
    from_stage = models.CharField(_("from"), max_length=30, choices=Hotline.Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=30, choices=Hotline.Stage.choices)
    reason = models.TextField(_("reason"))
    review_date = models.DateField(_("review by"), null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    objects = StageChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["hotline", "changed_at"]
        constraints = [
            models.UniqueConstraint(fields=["hotline", "changed_at"], name="one_stage_change_per_instant"),
        ]

    def __str__(self) -> str:
        return f"{self.hotline}: {self.from_stage or '—'} → {self.to_stage}"


class CountryAssessmentQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> CountryAssessmentQuerySet:
        return _staff_only(self, user)

    def latest_per_country(self) -> CountryAssessmentQuerySet:
        newer = CountryAssessment.objects.filter(
            country_id=OuterRef("country_id"), assessed_on__gt=OuterRef("assessed_on")
        )
        return self.filter(~Exists(newer))


SCORE = [MinValueValidator(1), MaxValueValidator(5)]
# Country assessment criteria: (field, label, what a high score means); each scored 1 (poor) to 5 (strong).
ASSESSMENT_CRITERIA: tuple[tuple[str, Any, Any], ...] = (
    ("need_score", _("Need"), _("Internet use is high and no reporting mechanism exists.")),
    ("legal_framework_score", _("Legal framework"), _("Laws criminalise the material and allow notice and takedown.")),
    ("law_enforcement_score", _("Law enforcement"), _("Police have a cybercrime unit willing to cooperate.")),
    ("government_support_score", _("Government support"), _("A ministry or regulator supports a hotline.")),
    ("industry_score", _("Industry"), _("Providers and platforms are present and willing to act.")),
    ("host_candidates_score", _("Host candidates"), _("Credible organisations could host the hotline.")),
    ("funding_score", _("Funding prospects"), _("Funding for the first years looks achievable.")),
)


class CountryAssessment(models.Model):
    """The association's review of a country: is a hotline needed and possible there?"""

    class Rating(models.TextChoices):
        FAVOURABLE = "favourable", _("Favourable")
        CONDITIONAL = "conditional", _("Favourable with conditions")
        UNFAVOURABLE = "unfavourable", _("Unfavourable")

    CRITERIA = ASSESSMENT_CRITERIA

    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("country")
    )
    assessed_on = models.DateField(_("assessed on"), default=timezone.localdate)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assessed by"),
    )
    need_score = models.PositiveSmallIntegerField(_("need"), validators=SCORE, help_text=_("1 (poor) to 5 (strong)"))
    legal_framework_score = models.PositiveSmallIntegerField(_("legal framework"), validators=SCORE)
    law_enforcement_score = models.PositiveSmallIntegerField(_("law enforcement"), validators=SCORE)
    government_support_score = models.PositiveSmallIntegerField(_("government support"), validators=SCORE)
    industry_score = models.PositiveSmallIntegerField(_("industry"), validators=SCORE)
    host_candidates_score = models.PositiveSmallIntegerField(_("host candidates"), validators=SCORE)
    funding_score = models.PositiveSmallIntegerField(_("funding prospects"), validators=SCORE)
    overall_rating = models.CharField(_("overall rating"), max_length=20, choices=Rating.choices)
    on_target_list = models.BooleanField(
        _("on the target list"), default=False, help_text=_("The association aims to set up a hotline here.")
    )
    summary = models.TextField(_("summary"), blank=True)

    objects = CountryAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("country assessment")
        verbose_name_plural = _("country assessments")
        ordering = ["country__name", "-assessed_on"]
        constraints = [
            models.UniqueConstraint(fields=["country", "assessed_on"], name="one_assessment_per_country_day"),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": 1, f"{name}__lte": 5}), name=f"assessment_{name}_1_to_5"
                )
                for name, _label, _help in ASSESSMENT_CRITERIA
            ],
        ]

    def __str__(self) -> str:
        return f"{self.country} ({self.assessed_on:%Y-%m-%d})"

    @property
    def scores(self) -> list[tuple[str, int]]:
        return [(str(label), getattr(self, name)) for name, label, _help in self.CRITERIA]

    @property
    def average_score(self) -> float | None:
        values = [getattr(self, name) for name, _label, _help in self.CRITERIA]
        if any(v is None for v in values):
            return None
        return round(sum(values) / len(values), 1)


class InteractionQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> InteractionQuerySet:
        # Internal contact log of the association.
        return _staff_only(self, user)


class Interaction(models.Model):
    """A meeting, call or seminar with a candidate: the contact log."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        CALL = "call", _("Call")
        SEMINAR = "seminar", _("Seminar")
        WORKSHOP = "workshop", _("Workshop")
        VISIT = "visit", _("Site visit")
        EMAIL = "email", _("Email exchange")
        OTHER = "other", _("Other")

    hotline = models.ForeignKey(
        Hotline, on_delete=models.CASCADE, related_name="interactions", verbose_name=_("hotline")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    occurred_on = models.DateField(_("date"), default=timezone.localdate)
    subject = models.CharField(_("subject"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("organisations involved")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InteractionQuerySet.as_manager()

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["hotline", "occurred_on", "subject"], name="interaction_unique_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject} ({self.occurred_on:%Y-%m-%d})"

    def clean(self) -> None:
        if self.occurred_on and self.occurred_on > timezone.localdate():
            raise ValidationError({"occurred_on": _("An interaction is logged once it has happened.")})


class RoundtableQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> RoundtableQuerySet:
        return _staff_or_organisation(self, user, "hotline__host_organisation_id")

    def held(self) -> RoundtableQuerySet:
        return self.filter(status=Roundtable.Status.HELD)

    def upcoming(self, now: Any = None) -> RoundtableQuerySet:
        return self.filter(status=Roundtable.Status.PLANNED, starts_at__gte=now or timezone.now())


class Roundtable(models.Model):
    """A meeting of a country's stakeholders about a hotline, usually for one candidate.

    Grants fund roundtables; the link to a grant belongs to the grants side (which depends on
    onboarding, never the reverse) and can point here.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("Hybrid")

    code = models.SlugField(
        _("reference"),
        max_length=40,
        unique=True,
        blank=True,
        help_text=_("Left empty, one is made from the country and date (e.g. RT-KE-2026-03-12)."),
    )
    title = models.CharField(_("title"), max_length=200)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="roundtables", verbose_name=_("country")
    )
    hotline = models.ForeignKey(
        Hotline,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="roundtables",
        verbose_name=_("candidate hotline"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        help_text=_(
            "The time zone of the roundtable's times (tz database, e.g. Asia/Kathmandu). Empty: the country's main "
            "time zone."
        ),
    )
    format = models.CharField(_("format"), max_length=20, choices=Format.choices, default=Format.IN_PERSON)
    venue = models.CharField(_("venue"), max_length=300, blank=True, help_text=_("Place, or the online meeting tool."))
    agenda = models.TextField(_("agenda"), blank=True)
    outcomes = models.TextField(_("outcomes"), blank=True)
    minutes = models.ForeignKey(
        PrivateDocument,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("minutes"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RoundtableQuerySet.as_manager()

    class Meta:
        verbose_name = _("roundtable")
        verbose_name_plural = _("roundtables")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="roundtable_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.country_id}, {self.local(self.starts_at):%Y-%m-%d})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.code:
            self.code = self.next_code(self.country_id, self.starts_at)
        if not self.time_zone and self.country_id:
            self.time_zone = self.country.zone_name
        super().save(*args, **kwargs)

    @property
    def end(self) -> Any:
        return self.ends_at or self.starts_at + timedelta(hours=3)

    @property
    def zone_name(self) -> str:
        return self.time_zone or (self.country.zone_name if self.country_id else settings.TIME_ZONE)

    def local(self, moment: datetime) -> datetime:
        """`moment` on the roundtable's own clock."""
        return moment.astimezone(ZoneInfo(self.zone_name))

    @property
    def when_label(self) -> str:
        """2026-03-12 10:00–13:00 Asia/Kathmandu (UTC+05:45): local time, with the zone."""
        start = self.local(self.starts_at)
        text = formats.date_format(start, "DATETIME_FORMAT")
        if self.ends_at:
            end = self.local(self.ends_at)
            same_day = end.date() == start.date()
            text += "–" + formats.date_format(end, "TIME_FORMAT" if same_day else "DATETIME_FORMAT")
        return f"{text} {zone_label(self.zone_name, self.starts_at)}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.time_zone and not is_zone(self.time_zone):
            errors["time_zone"] = _("“%(zone)s” is not a time zone of the tz database.") % {"zone": self.time_zone}
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            errors["ends_at"] = _("The roundtable ends before it starts.")
        if self.status == self.Status.HELD and self.starts_at and self.starts_at > timezone.now():
            errors["status"] = _("A roundtable in the future cannot have been held yet.")
        if self.format in (self.Format.IN_PERSON, self.Format.HYBRID) and not self.venue.strip():
            errors["venue"] = _("Give the venue of an in-person or hybrid roundtable.")
        if self.hotline_id and self.country_id and self.hotline.country_id != self.country_id:
            errors["hotline"] = _("This candidate is in %(country)s, not in the roundtable's country.") % {
                "country": self.hotline.country
            }
        if errors:
            raise ValidationError(errors)

    @classmethod
    def next_code(cls, country_id: str, starts_at: Any) -> str:
        day = timezone.localtime(starts_at).date() if starts_at else timezone.localdate()
        base = f"RT-{country_id}-{day:%Y-%m-%d}"
        taken = set(cls.objects.filter(code__startswith=base).values_list("code", flat=True))
        if base not in taken:
            return base
        return next(f"{base}-{n}" for n in range(2, 1000) if f"{base}-{n}" not in taken)


class RoundtableParticipantQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> RoundtableParticipantQuerySet:
        return _staff_or_organisation(self, user, "roundtable__hotline__host_organisation_id")


class RoundtableParticipant(models.Model):
    """An organisation (and optionally one of its contacts) invited to a roundtable, by sector."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ATTENDED = "attended", _("Attended")
        ABSENT = "absent", _("Did not attend")

    roundtable = models.ForeignKey(
        Roundtable, on_delete=models.CASCADE, related_name="participants", verbose_name=_("roundtable")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="roundtable_participations", verbose_name=_("organisation")
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("contact")
    )
    sector = models.CharField(_("sector"), max_length=30, choices=Sector.choices)
    status = models.CharField(_("attendance"), max_length=20, choices=Status.choices, default=Status.INVITED)
    committed = models.BooleanField(
        _("committed"), default=False, help_text=_("Committed to support or cooperate with the hotline.")
    )
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    objects = RoundtableParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("roundtable participant")
        verbose_name_plural = _("roundtable participants")
        ordering = ["sector", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["roundtable", "organisation", "contact"],
                condition=Q(contact__isnull=False),
                name="participant_contact_once",
            ),
            models.UniqueConstraint(
                fields=["roundtable", "organisation"],
                condition=Q(contact__isnull=True),
                name="participant_organisation_once",
            ),
        ]

    def __str__(self) -> str:
        who = f"{self.organisation} ({self.contact.name})" if self.contact_id else str(self.organisation)
        return f"{who} at {self.roundtable.title}"

    def clean(self) -> None:
        if self.contact_id and self.organisation_id and self.contact.organisation_id != self.organisation_id:
            raise ValidationError({"contact": _("This contact works for another organisation.")})


class ActionItemQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ActionItemQuerySet:
        return _staff_or_organisation(self, user, "roundtable__hotline__host_organisation_id")

    def open(self) -> ActionItemQuerySet:
        return self.filter(status__in=ActionItem.OPEN_STATUSES)

    def overdue(self, on: date | None = None) -> ActionItemQuerySet:
        return self.open().filter(due_on__lt=on or timezone.localdate())

    def due_within(self, days: int, on: date | None = None) -> ActionItemQuerySet:
        today = on or timezone.localdate()
        return self.open().filter(due_on__gte=today, due_on__lte=today + timedelta(days=days))


class ActionItem(models.Model):
    """Something agreed at a roundtable: who does it by when."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    roundtable = models.ForeignKey(
        Roundtable, on_delete=models.CASCADE, related_name="action_items", verbose_name=_("roundtable")
    )
    title = models.CharField(_("action"), max_length=300)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="onboarding_action_items",
        verbose_name=_("owner (user)"),
        help_text=_("Staff member or portal user who receives the reminders."),
    )
    owner_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner (organisation)"),
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["roundtable", "title"], name="action_item_unique_in_roundtable"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def is_overdue(self, on: date | None = None) -> bool:
        return self.is_open and self.due_on < (on or timezone.localdate())

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    @property
    def overdue_label(self) -> str:
        """Shown in listings: a word, not only a colour."""
        return str(_("Overdue")) if self.overdue else ""

    @property
    def owner_label(self) -> str:
        parts = [str(p) for p in (self.owner_user, self.owner_organisation) if p]
        return " / ".join(parts) or "—"

    def clean(self) -> None:
        if not self.owner_user_id and not self.owner_organisation_id:
            raise ValidationError(_("Give the owner: a user, an organisation or both."))
        if self.status == self.Status.DONE and not self.completed_on:
            self.completed_on = timezone.localdate()
        if self.status != self.Status.DONE:
            self.completed_on = None


class AgreementQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> AgreementQuerySet:
        if is_staff_user(user):
            return self.all()
        organisation_id = organisation_id_for(user)
        if not organisation_id:
            return self.none()
        party = AgreementParty.objects.filter(agreement_id=OuterRef("pk"), organisation_id=organisation_id)
        return self.filter(Q(hotline__host_organisation_id=organisation_id) | Q(Exists(party)))

    def in_force(self, on: date | None = None) -> AgreementQuerySet:
        today = on or timezone.localdate()
        return self.filter(status=Agreement.Status.SIGNED, signed_on__lte=today).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=today)
        )

    def expiring(self, *, within_days: int = 90, on: date | None = None) -> AgreementQuerySet:
        today = on or timezone.localdate()
        return self.in_force(today).filter(expires_on__lte=today + timedelta(days=within_days))


class Agreement(ClusterableModel):
    """A signed (or pending) arrangement that a hotline needs: MoUs, letters, funding, declarations."""

    class Kind(models.TextChoices):
        LE_MOU = "le_mou", _("Law-enforcement MoU")
        LETTER_OF_SUPPORT = "letter_of_support", _("Letter of support")
        NOTICE_AND_TAKEDOWN = "notice_and_takedown", _("Industry notice-and-takedown arrangement")
        FUNDING = "funding", _("Funding agreement")
        DATA_PROCESSING = "data_processing", _("Data-processing agreement")
        CODE_OF_PRACTICE = "code_of_practice", _("Code of Practice declaration")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        NEGOTIATING = "negotiating", _("Under negotiation")
        SIGNED = "signed", _("Signed")
        TERMINATED = "terminated", _("Terminated")

    reference = models.SlugField(
        _("reference"),
        max_length=40,
        unique=True,
        blank=True,
        help_text=_("Left empty, one is made from the country and kind (e.g. AG-KE-LE-MOU-1)."),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("country"))
    hotline = models.ForeignKey(
        Hotline,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agreements",
        verbose_name=_("hotline"),
        help_text=_("The candidate or member hotline this agreement is for."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True, help_text=_("Empty: no expiry."))
    covers_first_operating_year = models.BooleanField(
        _("covers the first operating year"),
        default=False,
        help_text=_("Funding agreements: tick when it funds the hotline's first year of operation."),
    )
    document = models.ForeignKey(
        PrivateDocument,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("document"),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["country__name", "kind", "-signed_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(signed_on__isnull=True)
                | Q(expires_on__gte=models.F("signed_on")),
                name="agreement_expires_after_signing",
            ),
            models.CheckConstraint(
                condition=~Q(status="signed") | Q(signed_on__isnull=False),
                name="agreement_signed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_kind_display()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.reference:
            self.reference = self.next_reference(self.country_id, self.kind)
        super().save(*args, **kwargs)

    def is_in_force(self, on: date | None = None) -> bool:
        today = on or timezone.localdate()
        return (
            self.status == self.Status.SIGNED
            and self.signed_on is not None
            and self.signed_on <= today
            and (self.expires_on is None or self.expires_on >= today)
        )

    @property
    def status_label(self) -> str:
        """The status as people mean it: a signed agreement past its expiry date has expired."""
        if self.status == self.Status.SIGNED and self.expires_on and self.expires_on < timezone.localdate():
            return str(_("Expired"))
        return self.get_status_display()

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.status == self.Status.SIGNED and not self.signed_on:
            errors["signed_on"] = _("Give the date the agreement was signed.")
        if self.signed_on and self.signed_on > timezone.localdate():
            errors["signed_on"] = _("The signing date cannot be in the future.")
        if self.signed_on and self.expires_on and self.expires_on < self.signed_on:
            errors["expires_on"] = _("The agreement expires before it was signed.")
        if self.covers_first_operating_year and self.kind != self.Kind.FUNDING:
            errors["covers_first_operating_year"] = _("Only a funding agreement can cover the first operating year.")
        if self.hotline_id and self.country_id and self.hotline.country_id != self.country_id:
            errors["hotline"] = _("This hotline is in %(country)s, not in the agreement's country.") % {
                "country": self.hotline.country
            }
        if errors:
            raise ValidationError(errors)

    @classmethod
    def next_reference(cls, country_id: str, kind: str) -> str:
        base = f"AG-{country_id}-{kind.replace('_', '-').upper()}"
        taken = set(cls.objects.filter(reference__startswith=base).values_list("reference", flat=True))
        return next(f"{base}-{n}" for n in range(1, 10_000) if f"{base}-{n}" not in taken)


class AgreementParty(models.Model):
    """An organisation that is party to an agreement, and the sector it signs for."""

    agreement = ParentalKey(Agreement, on_delete=models.CASCADE, related_name="parties", verbose_name=_("agreement"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="agreement_parties", verbose_name=_("organisation")
    )
    sector = models.CharField(_("sector"), max_length=30, choices=Sector.choices)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["organisation__name"]
        constraints = [models.UniqueConstraint(fields=["agreement", "organisation"], name="party_once_per_agreement")]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_sector_display()})"


class MouAlternativeQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> MouAlternativeQuerySet:
        return _staff_or_organisation(self, user, "hotline__host_organisation_id")

    def approved(self) -> MouAlternativeQuerySet:
        return self.filter(status=MouAlternative.Status.APPROVED)


class MouAlternative(models.Model):
    """Where no law-enforcement MoU can be signed: the documented arrangement that replaces it.

    Counts for the operational-preparation gate only once approved by a staff member other than
    the one who proposed it.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    hotline = models.ForeignKey(
        Hotline, on_delete=models.CASCADE, related_name="mou_alternatives", verbose_name=_("hotline")
    )
    arrangement = models.TextField(
        _("arrangement"), help_text=_("How the hotline and law enforcement will cooperate instead of an MoU.")
    )
    why_no_mou = models.TextField(_("why no MoU is possible"))
    document = models.ForeignKey(
        PrivateDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("document")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    objects = MouAlternativeQuerySet.as_manager()

    class Meta:
        verbose_name = _("law-enforcement MoU alternative")
        verbose_name_plural = _("law-enforcement MoU alternatives")
        ordering = ["-proposed_at"]
        constraints = [
            models.UniqueConstraint(fields=["hotline", "proposed_at"], name="mou_alternative_unique_instant"),
            models.CheckConstraint(
                condition=Q(status="proposed") | Q(decided_at__isnull=False),
                name="mou_alternative_decision_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hotline}: {self.get_status_display()}"


class CalendarFeedTokenQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> CalendarFeedTokenQuerySet:
        if not is_staff_user(user):
            return self.none()
        return self.filter(user=user)


class CalendarFeedToken(models.Model):
    """A staff member's secret calendar-feed address (calendar apps cannot sign in). Only its hash is kept."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed_token")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = CalendarFeedTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")

    def __str__(self) -> str:
        return f"{self.user} calendar feed"


# == The dossier: checklist, evidence, reviewers, assessments, decisions ========================
def _dossier(queryset: models.QuerySet, user: Any, hotline_path: str) -> models.QuerySet:
    """A candidate's dossier is open to network staff; to an accreditation reviewer once assigned to
    it and declared free of conflicts of interest; to the candidate's own portal users. Other staff
    roles see none of it. (`hotline_path` "pk": the queryset is of hotlines themselves.)"""
    if not is_authenticated(user):
        return queryset.none()
    if has_role(user, Role.NETWORK_STAFF):
        return queryset.all()
    if is_staff_user(user):
        if not has_role(user, Role.REVIEWER):
            return queryset.none()
        open_to = ReviewerAssignment.objects.open_to(user).values("hotline_id")
        return queryset.filter(**{f"{hotline_path}__in": open_to})
    organisation_id = organisation_id_for(user)
    if not organisation_id:
        return queryset.none()
    organisation_path = "host_organisation_id" if hotline_path == "pk" else f"{hotline_path}__host_organisation_id"
    return queryset.filter(**{organisation_path: organisation_id})


def dossier_hotlines(user: Any) -> models.QuerySet:
    """The hotlines whose dossier is open to `user` (the dossier rule, on the hotlines)."""
    return _dossier(Hotline.objects.all(), user, "pk")


class ChecklistTemplateQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ChecklistTemplateQuerySet:
        return _staff_only(self, user)

    def published(self) -> ChecklistTemplateQuerySet:
        return self.filter(status=ChecklistTemplate.Status.PUBLISHED)


class ChecklistTemplate(ClusterableModel):
    """One version of the onboarding checklist: the items every candidate works through.

    Drafts are edited; publishing freezes a version (and retires the previous one). A candidate's
    checklist stays on its version until staff move it to a newer one.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    DEFAULT_NAME = "Onboarding checklist"

    name = models.CharField(_("name"), max_length=200, default=DEFAULT_NAME)
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False)
    notes = models.TextField(_("what changed in this version"), blank=True)
    resubmission_days = models.PositiveSmallIntegerField(
        _("days to answer a request for changes"),
        default=rules.DEFAULT_RESUBMISSION_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_(
            "When a reviewer requests changes, the item becomes due this many days later (the reviewer may "
            "choose another date), so it is not overdue the moment it is sent back."
        ),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    objects = ChecklistTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="checklist_template_version_once"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(status="published"), name="checklist_template_one_published"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, version {self.version} ({self.get_status_display()})"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def specs(self) -> list[rules.TemplateItemSpec]:
        return [item.spec() for item in self.items.all()]


class ChecklistTemplateItem(Orderable):
    """One question of a template: what to provide, in which area, gating which stage, due when."""

    template = ParentalKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(
        _("code"),
        max_length=20,
        help_text=_("Stable reference, e.g. 3.1; a candidate's answer follows its code from version to version."),
    )
    area = models.PositiveSmallIntegerField(_("area"), choices=rules.AREAS)
    title = models.CharField(_("title"), max_length=250)
    guidance = RichTextField(
        _("guidance"),
        blank=True,
        features=["bold", "italic", "ol", "ul", "link"],
        help_text=_("What a good answer shows."),
    )
    evidence_required = models.BooleanField(_("evidence required"), default=True)
    gates_stage = models.CharField(
        _("needed before"),
        max_length=30,
        choices=[(stage, Hotline.Stage(stage).label) for stage in rules.GATED_STAGES],
        default=Hotline.Stage.APPLICATION_SUBMITTED,
        help_text=_("The stage the candidate cannot enter until this item is accepted or waived."),
    )
    due_days = models.PositiveSmallIntegerField(
        _("due after (days)"),
        default=60,
        help_text=_("Days after the candidate enters the stage before the one this item gates."),
    )
    gate_fact = models.CharField(
        _("named in a lifecycle gate"),
        max_length=30,
        choices=rules.GATE_FACTS,
        blank=True,
        help_text=_("Only for the host due-diligence and legal-review items, which gates name one by one."),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [models.UniqueConstraint(fields=["template", "code"], name="template_item_code_once")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def spec(self) -> rules.TemplateItemSpec:
        return rules.TemplateItemSpec(
            code=self.code,
            area=self.area,
            title=self.title,
            guidance=self.guidance,
            evidence_required=self.evidence_required,
            gates_stage=self.gates_stage,
            due_days=self.due_days,
            gate_fact=self.gate_fact,
        )

    def clean(self) -> None:
        # The editor keeps guidance to its features; a workbook import brings raw HTML: filter it the same way.
        if self.guidance:
            from wagtail.admin.rich_text.converters.editor_html import EditorHTMLConverter

            features = self._meta.get_field("guidance").features
            cleaned = EditorHTMLConverter(features=features).to_database_format(self.guidance)
            if html.unescape(cleaned) != html.unescape(self.guidance):  # not merely re-encoded quotes
                self.guidance = cleaned
        errors: dict[str, Any] = {}
        if self.code and not all(c.isalnum() or c in ".-" for c in self.code):
            errors["code"] = _("Use letters, digits, dots and hyphens only (e.g. 3.1).")
        expected = {
            rules.GATE_FACT_HOST_DUE_DILIGENCE: Hotline.Stage.STAKEHOLDER_ENGAGEMENT,
            rules.GATE_FACT_LEGAL_REVIEW: Hotline.Stage.OPERATIONAL_PREPARATION,
        }
        if self.gate_fact and self.gates_stage != expected[self.gate_fact]:
            errors["gates_stage"] = _("This item is named in the gate into %(stage)s: it must be needed before it.") % {
                "stage": Hotline.Stage(expected[self.gate_fact]).label
            }
        if errors:
            raise ValidationError(errors)


class ChecklistQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ChecklistQuerySet:
        return _dossier(self, user, "hotline")


class Checklist(models.Model):
    """A candidate's own checklist, on one template version."""

    hotline = models.OneToOneField(
        Hotline, on_delete=models.CASCADE, related_name="checklist", verbose_name=_("hotline")
    )
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.PROTECT, related_name="checklists", verbose_name=_("template version")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ChecklistQuerySet.as_manager()

    class Meta:
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")

    def __str__(self) -> str:
        return f"{self.hotline}: {self.template}"


class ChecklistItemQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ChecklistItemQuerySet:
        return _dossier(self, user, "checklist__hotline")

    def active(self) -> ChecklistItemQuerySet:
        """Items of the checklist's current version (not dropped by a version move)."""
        return self.filter(removed_at__isnull=True)

    def awaiting_review(self) -> ChecklistItemQuerySet:
        return self.active().filter(state=rules.SUBMITTED)


class ChecklistItem(models.Model):
    """A candidate's answer to one template item: its state, answer, evidence, due date and review."""

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    template_item = models.ForeignKey(ChecklistTemplateItem, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("code"), max_length=20)
    state = models.CharField(_("state"), max_length=20, choices=rules.STATES, default=rules.NOT_STARTED)
    answer = models.TextField(_("answer"), blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    state_changed_at = models.DateTimeField(_("state since"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    waiver_reason = models.TextField(_("waiver reason"), blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    waived_at = models.DateTimeField(_("waived at"), null=True, blank=True)
    waiver_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    waiver_approved_at = models.DateTimeField(_("waiver approved at"), null=True, blank=True)
    removed_at = models.DateTimeField(
        _("dropped from the checklist at"),
        null=True,
        blank=True,
        help_text=_("Not in the checklist's current version."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ChecklistItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("checklist item (candidate)")
        verbose_name_plural = _("checklist items (candidates)")
        ordering = ["checklist", "template_item__sort_order", "code"]
        indexes = [models.Index(fields=["state", "submitted_at"])]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "code"], name="checklist_item_code_once"),
            models.CheckConstraint(
                condition=~Q(state="waived") | ~Q(waiver_reason=""), name="checklist_item_waiver_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.template_item.title}"

    @property
    def title(self) -> str:
        return self.template_item.title

    @property
    def area(self) -> int:
        return self.template_item.area

    @property
    def waiver_approved(self) -> bool:
        return self.waiver_approved_by_id is not None

    @property
    def is_done(self) -> bool:
        return rules.is_done(self.state, waiver_approved=self.waiver_approved and bool(self.waiver_reason))

    @property
    def locked_for_candidate(self) -> bool:
        return self.state in rules.LOCKED_FOR_CANDIDATE

    @property
    def state_label(self) -> str:
        if self.state == rules.WAIVED and not self.waiver_approved:
            return str(_("Waived (awaiting approval)"))
        return rules.state_label(self.state)

    def is_overdue(self, on: date | None = None) -> bool:
        return rules.is_overdue(self.state, self.due_on, on or timezone.localdate())

    @property
    def overdue(self) -> bool:
        return self.is_overdue()


class ItemEventQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ItemEventQuerySet:
        return _dossier(self, user, "item__checklist__hotline")


class ItemEvent(models.Model):
    """One change in a checklist item's history: who did what, when, from which state to which."""

    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=40)
    from_state = models.CharField(_("from"), max_length=20, choices=rules.STATES, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=rules.STATES, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = ItemEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("checklist item event")
        verbose_name_plural = _("checklist item history")
        ordering = ["item", "at", "id"]

    def __str__(self) -> str:
        return f"{self.item.code}: {self.action}"

    ACTION_LABELS = {
        "created": _("Added to the checklist"),
        "edit": _("Answer saved"),
        "submit": _("Submitted for review"),
        "accept": _("Accepted"),
        "request_changes": _("Changes requested"),
        "waive": _("Waived"),
        "approve_waiver": _("Waiver approved"),
        "decline_waiver": _("Waiver declined"),
        "expire": _("Evidence expired"),
        "evidence_add": _("Evidence added"),
        "evidence_remove": _("Evidence removed"),
        "version_move": _("Moved to a new checklist version"),
        "removed": _("Dropped: not in the new checklist version"),
        "due_date": _("Due date set"),
    }

    @property
    def action_label(self) -> str:
        return str(self.ACTION_LABELS.get(self.action, self.action))


class ItemCommentQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ItemCommentQuerySet:
        return _dossier(self, user, "item__checklist__hotline")


class ItemComment(models.Model):
    """A message in an item's thread, between the candidate's users and the reviewers."""

    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("comment"), max_length=5000)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    objects = ItemCommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("checklist item comment")
        verbose_name_plural = _("checklist item comments")
        ordering = ["item", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.item.code}: {self.body[:40]}"


class EvidenceDocumentQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> EvidenceDocumentQuerySet:
        return _dossier(self, user, "hotline")

    def expired(self, on: date | None = None) -> EvidenceDocumentQuerySet:
        return self.filter(expires_on__lt=on or timezone.localdate())


class EvidenceDocument(models.Model):
    """A document a candidate provides as evidence; it may support several checklist items and
    corrective actions. Stored privately under a random name; served after an access check."""

    hotline = models.ForeignKey(
        Hotline, on_delete=models.CASCADE, related_name="evidence_documents", verbose_name=_("hotline")
    )
    stored_name = models.CharField(_("stored as"), max_length=255, unique=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    description = models.CharField(_("description"), max_length=300, blank=True)
    expires_on = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("For certificates and other documents that expire.")
    )
    expiry_processed_for = models.DateField(
        null=True, blank=True, editable=False, help_text="The expiry date whose consequences were applied."
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    items = models.ManyToManyField(ChecklistItem, through="EvidenceLink", related_name="evidence", blank=True)

    objects = EvidenceDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence document")
        verbose_name_plural = _("evidence documents")
        ordering = ["hotline", "-uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    def is_expired(self, on: date | None = None) -> bool:
        return self.expires_on is not None and self.expires_on < (on or timezone.localdate())

    @property
    def expired(self) -> bool:
        return self.is_expired()


class EvidenceLink(models.Model):
    """A document supporting one checklist item."""

    document = models.ForeignKey(EvidenceDocument, on_delete=models.CASCADE, related_name="links")
    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="evidence_links")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("evidence link")
        verbose_name_plural = _("evidence links")
        constraints = [models.UniqueConstraint(fields=["document", "item"], name="evidence_link_once")]

    def __str__(self) -> str:
        return f"{self.document} → {self.item.code}"


class EvidenceDownloadQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> EvidenceDownloadQuerySet:
        return self.all() if has_role(user, Role.NETWORK_STAFF) else self.none()


class EvidenceDownload(models.Model):
    """Who downloaded an evidence document, and when."""

    document = models.ForeignKey(EvidenceDocument, on_delete=models.CASCADE, related_name="downloads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    downloaded_at = models.DateTimeField(default=timezone.now)

    objects = EvidenceDownloadQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence download")
        verbose_name_plural = _("evidence downloads")
        ordering = ["-downloaded_at"]

    def __str__(self) -> str:
        return f"{self.document} by {self.user}"


class ReviewerAssignmentQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ReviewerAssignmentQuerySet:
        if has_role(user, Role.NETWORK_STAFF):
            return self.all()
        if is_staff_user(user):
            return self.filter(reviewer=user)
        return self.none()

    def open_to(self, user: Any) -> ReviewerAssignmentQuerySet:
        """The assignments that open a dossier to `user`: declared, without a conflict."""
        return self.filter(reviewer=user, coi_declared_at__isnull=False, has_conflict=False)


class ReviewerAssignment(models.Model):
    """An accreditation reviewer assigned to a candidate's dossier, and their conflict-of-interest
    declaration (the dossier opens to them only once they declared no conflict)."""

    hotline = models.ForeignKey(
        Hotline, on_delete=models.CASCADE, related_name="reviewer_assignments", verbose_name=_("hotline")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="review_assignments",
        verbose_name=_("reviewer"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)
    coi_declared_at = models.DateTimeField(_("conflicts declared at"), null=True, blank=True)
    has_conflict = models.BooleanField(_("has a conflict of interest"), default=False)
    coi_statement = models.TextField(_("declaration"), blank=True)

    objects = ReviewerAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("reviewer assignment")
        verbose_name_plural = _("reviewer assignments")
        ordering = ["hotline", "assigned_at"]
        constraints = [
            models.UniqueConstraint(fields=["hotline", "reviewer"], name="reviewer_assigned_once"),
            models.CheckConstraint(
                condition=Q(has_conflict=False) | Q(coi_declared_at__isnull=False),
                name="reviewer_conflict_is_declared",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.hotline}"

    @property
    def declared(self) -> bool:
        return self.coi_declared_at is not None

    @property
    def status_label(self) -> str:
        if not self.declared:
            return str(_("Declaration awaited"))
        return str(_("Conflict of interest declared")) if self.has_conflict else str(_("No conflict declared"))


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> AssessmentQuerySet:
        return _dossier(self, user, "hotline")


class Assessment(models.Model):
    """An accreditation assessment of a candidate or member: pre-membership, quality-assurance
    review or follow-up; its findings per area, corrective actions and recommendation form the report."""

    class Kind(models.TextChoices):
        PRE_MEMBERSHIP = "pre_membership", _("Pre-membership assessment")
        QA_REVIEW = "qa_review", _("Quality-assurance review")
        FOLLOW_UP = "follow_up", _("Follow-up assessment")

    class Mode(models.TextChoices):
        ON_SITE = "on_site", _("On site")
        REMOTE = "remote", _("Remote")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Report completed")
        CANCELLED = "cancelled", _("Cancelled")

    class Recommendation(models.TextChoices):
        ADMIT = "admit", _("Admit as a provisional member")
        ADMIT_WITH_ACTIONS = "admit_with_actions", _("Admit, with corrective actions")
        CHANGES_NEEDED = "changes_needed", _("Changes needed before a decision")
        REJECT = "reject", _("Do not admit")
        PASSED = "passed", _("Passed")
        PASSED_WITH_ACTIONS = "passed_with_actions", _("Passed once the corrective actions are closed")
        FAILED = "failed", _("Not passed")

    APPLICATION_KINDS = (Kind.PRE_MEMBERSHIP, Kind.FOLLOW_UP)
    RECOMMENDATIONS_BY_KIND = {
        Kind.PRE_MEMBERSHIP: (
            Recommendation.ADMIT,
            Recommendation.ADMIT_WITH_ACTIONS,
            Recommendation.CHANGES_NEEDED,
            Recommendation.REJECT,
        ),
        Kind.FOLLOW_UP: (
            Recommendation.ADMIT,
            Recommendation.ADMIT_WITH_ACTIONS,
            Recommendation.CHANGES_NEEDED,
            Recommendation.REJECT,
        ),
        Kind.QA_REVIEW: (Recommendation.PASSED, Recommendation.PASSED_WITH_ACTIONS, Recommendation.FAILED),
    }

    reference = models.SlugField(
        _("reference"),
        max_length=40,
        unique=True,
        blank=True,
        help_text=_("Left empty, one is made from the country and year (e.g. AS-GH-2026-1)."),
    )
    hotline = models.ForeignKey(
        Hotline, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("hotline")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices, default=Mode.ON_SITE)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    time_zone = models.CharField(
        _("time zone of the visit"),
        max_length=64,
        blank=True,
        help_text=_("Where the visit's days are counted (tz database). Empty: the hotline country's main time zone."),
    )
    recommendation = models.CharField(_("recommendation"), max_length=30, choices=Recommendation.choices, blank=True)
    summary = models.TextField(_("report summary"), blank=True)
    report_completed_at = models.DateTimeField(_("report completed at"), null=True, blank=True)
    report_completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="assessment_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | (~Q(recommendation="") & Q(report_completed_at__isnull=False)),
                name="assessment_completed_has_recommendation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.get_kind_display()} of {self.hotline}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.reference:
            self.reference = self.next_reference(self.hotline.country_id, self.starts_on)
        if not self.time_zone and self.hotline_id:
            self.time_zone = self.hotline.country.zone_name
        super().save(*args, **kwargs)

    @property
    def zone_name(self) -> str:
        return self.time_zone or self.hotline.country.zone_name

    @classmethod
    def next_reference(cls, country_id: str, starts_on: date | None) -> str:
        base = f"AS-{country_id}-{(starts_on or timezone.localdate()).year}"
        taken = set(cls.objects.filter(reference__startswith=base).values_list("reference", flat=True))
        return next(f"{base}-{n}" for n in range(1, 10_000) if f"{base}-{n}" not in taken)

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.COMPLETED

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PLANNED, self.Status.IN_PROGRESS)

    def recommendation_choices(self) -> list[tuple[str, str]]:
        allowed = self.RECOMMENDATIONS_BY_KIND.get(self.kind, ())
        return [(value, label) for value, label in self.Recommendation.choices if value in allowed]

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The assessment ends before it starts.")
        if self.time_zone and not is_zone(self.time_zone):
            errors["time_zone"] = _("“%(zone)s” is not a time zone of the tz database.") % {"zone": self.time_zone}
        if self.recommendation and self.recommendation not in self.RECOMMENDATIONS_BY_KIND.get(self.kind, ()):
            errors["recommendation"] = _("This recommendation does not fit a %(kind)s.") % {
                "kind": self.get_kind_display().lower()
            }
        if self.status == self.Status.COMPLETED and not self.recommendation:
            errors["recommendation"] = _("A completed report needs its recommendation.")
        if errors:
            raise ValidationError(errors)


class FindingQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> FindingQuerySet:
        scoped = _dossier(self, user, "assessment__hotline")
        if is_staff_user(user):
            return scoped
        # The candidate reads the findings once the report is completed.
        return scoped.filter(assessment__status=Assessment.Status.COMPLETED)


class Finding(models.Model):
    """What an assessment found in one of the 14 areas."""

    class Rating(models.TextChoices):
        MEETS = "meets", _("Meets the requirements")
        PARTLY_MEETS = "partly_meets", _("Partly meets the requirements")
        DOES_NOT_MEET = "does_not_meet", _("Does not meet the requirements")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="findings")
    area = models.PositiveSmallIntegerField(_("area"), choices=rules.AREAS)
    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices)
    text = models.TextField(_("finding"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["assessment", "area"]
        constraints = [models.UniqueConstraint(fields=["assessment", "area"], name="finding_once_per_area")]

    def __str__(self) -> str:
        return f"{self.assessment.reference} area {self.area}: {self.get_rating_display()}"


class CorrectiveActionQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> CorrectiveActionQuerySet:
        return _dossier(self, user, "assessment__hotline")

    def open(self) -> CorrectiveActionQuerySet:
        return self.exclude(status=CorrectiveAction.Status.VERIFIED)


class CorrectiveAction(models.Model):
    """What an assessment asks the hotline to put right: owner, due date, status and evidence."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed, awaiting verification")
        VERIFIED = "verified", _("Verified and closed")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="corrective_actions")
    area = models.PositiveSmallIntegerField(_("area"), choices=rules.AREAS, null=True, blank=True)
    title = models.CharField(_("action"), max_length=300)
    description = models.TextField(_("details"), blank=True)
    owner = models.CharField(
        _("owner"), max_length=200, help_text=_("Who at the hotline does it, e.g. the hotline manager.")
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    completion_note = models.TextField(_("what was done"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    evidence = models.ManyToManyField(
        EvidenceDocument, blank=True, related_name="corrective_actions", verbose_name=_("evidence")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = CorrectiveActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "title"], name="corrective_action_unique_in_assessment")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.VERIFIED

    def is_overdue(self, on: date | None = None) -> bool:
        return self.status in (self.Status.OPEN, self.Status.IN_PROGRESS) and self.due_on < (on or timezone.localdate())

    @property
    def overdue(self) -> bool:
        return self.is_overdue()


class DecisionQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> DecisionQuerySet:
        return _dossier(self, user, "assessment__hotline")


class Decision(models.Model):
    """The membership decision on an application: body, date, minutes reference, vote and outcome."""

    class Outcome(models.TextChoices):
        ADMIT = "admit", _("Admitted as a provisional member")
        REJECT = "reject", _("Application rejected")

    assessment = models.OneToOneField(
        Assessment, on_delete=models.PROTECT, related_name="decision", verbose_name=_("assessment")
    )
    body = models.CharField(_("decision-making body"), max_length=200, help_text=_("e.g. General Assembly, Board."))
    decided_on = models.DateField(_("decided on"))
    minutes_reference = models.CharField(_("minutes reference"), max_length=200)
    votes_for = models.PositiveSmallIntegerField(_("votes for"))
    votes_against = models.PositiveSmallIntegerField(_("votes against"))
    votes_abstaining = models.PositiveSmallIntegerField(_("abstentions"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership decision")
        verbose_name_plural = _("membership decisions")
        ordering = ["-decided_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(votes_for__gt=0) | Q(votes_against__gt=0) | Q(votes_abstaining__gt=0),
                name="decision_has_votes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment.hotline}: {self.get_outcome_display()} ({self.decided_on:%Y-%m-%d})"

    @property
    def vote_text(self) -> str:
        return str(_("%(for)s for, %(against)s against, %(abstaining)s abstaining")) % {
            "for": self.votes_for,
            "against": self.votes_against,
            "abstaining": self.votes_abstaining,
        }

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.decided_on and self.decided_on > timezone.localdate():
            errors["decided_on"] = _("A decision is recorded once it is taken: the date is in the future.")
        if self.decided_on and self.assessment_id:
            last_day = self.assessment.ends_on or self.assessment.starts_on
            if last_day and self.decided_on < last_day:
                errors["decided_on"] = _(
                    "A decision follows its assessment: %(assessment)s ran until %(date)s, after %(decided)s."
                ) % {
                    "assessment": self.assessment.reference,
                    "date": formats.date_format(last_day, "DATE_FORMAT"),
                    "decided": formats.date_format(self.decided_on, "DATE_FORMAT"),
                }
        votes = [self.votes_for, self.votes_against, self.votes_abstaining]
        if all(v is not None for v in votes) and sum(votes) == 0:
            errors["votes_for"] = _("Record the vote: for, against and abstaining.")
        if (
            self.outcome == self.Outcome.ADMIT
            and self.votes_for is not None
            and self.votes_against is not None
            and self.votes_for <= self.votes_against
        ):
            errors["outcome"] = _("The vote does not carry an admission: more votes against than for (or a tie).")
        if errors:
            raise ValidationError(errors)


class DecisionCorrectionQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> DecisionCorrectionQuerySet:
        return _dossier(self, user, "decision__assessment__hotline")


class DecisionCorrection(models.Model):
    """A correction of a recorded membership decision: what changed (old and new values), why, who, when.

    The decision itself holds the corrected values; its corrections are its history. A correction
    that changes the outcome moves the hotline through the lifecycle (`onboarding.services.decision_correct`).
    """

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="corrections", verbose_name=_("decision")
    )
    changes = models.JSONField(_("changes"), help_text=_("{field: [old, new]}"))
    reason = models.TextField(_("reason"))
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    corrected_at = models.DateTimeField(_("corrected at"), default=timezone.now)
    stage_change = models.OneToOneField(StageChange, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = DecisionCorrectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision correction")
        verbose_name_plural = _("decision corrections")
        ordering = ["corrected_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "corrected_at"], name="decision_correction_once_per_instant")
        ]

    def __str__(self) -> str:
        return f"{self.decision}: {self.reason[:60]}"

    def change_lines(self) -> list[tuple[str, str, str]]:
        """(label, old, new) for each corrected field, as people read them."""
        lines = []
        for name, (old, new) in sorted(self.changes.items()):
            field = Decision._meta.get_field(name)
            if field.choices:
                labels = dict(field.flatchoices)
                old, new = labels.get(old, old), labels.get(new, new)
            lines.append((str(field.verbose_name), str(old if old not in (None, "") else "—"), str(new)))
        return lines
