"""Engagement with a candidate country: the contact log (interactions), roundtables with their
participants and action items, agreements with their parties, law-enforcement MoU alternatives, and
staff calendar-feed tokens for the roundtables' calendar.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from accounts.access import is_staff_user, organisation_id_for
from network.models import Contact, Country, Hotline, Organisation, Sector
from network.time_zones import is_zone, zone_label
from onboarding.models.common import DueOn, PrivateDocument, _staff_or_organisation


class InteractionQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> InteractionQuerySet:
        # Internal contact log of the association; a candidate reads only its own appeals (and their answers).
        if is_staff_user(user):
            return self.all()
        organisation_id = organisation_id_for(user)
        if not organisation_id:
            return self.none()
        return self.filter(kind=Interaction.Kind.APPEAL, hotline__host_organisation_id=organisation_id)

    def awaiting_answer(self) -> InteractionQuerySet:
        """Appeals staff have not answered yet."""
        return self.filter(kind=Interaction.Kind.APPEAL, answered_at__isnull=True)


class Interaction(models.Model):
    """A meeting, call or seminar with a candidate: the contact log."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        CALL = "call", _("Call")
        SEMINAR = "seminar", _("Seminar")
        WORKSHOP = "workshop", _("Workshop")
        VISIT = "visit", _("Site visit")
        EMAIL = "email", _("Email exchange")
        APPEAL = "appeal", _("Appeal against a membership decision")
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
    # An appeal: the decision it contests, and the association's answer (open until answered).
    appeal_of = models.ForeignKey(
        "onboarding.Decision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
        editable=False,
        verbose_name=_("appeal against"),
    )
    answer = models.TextField(_("answer"), blank=True, editable=False)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True, editable=False)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

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

    # What the label (`__str__`) reads besides the row: admin choices select it (`core.forms`).
    label_related = ("country",)

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

    # What the label (`__str__`) reads besides the row: admin choices select it (`core.forms`).
    label_related = ("organisation", "contact", "roundtable__country")

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


class ActionItem(DueOn, models.Model):
    """Something agreed at a roundtable: who does it by when."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)
    DUE_STATUSES = OPEN_STATUSES

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
