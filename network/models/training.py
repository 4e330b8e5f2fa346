"""Training: the courses the association runs or recognises, their events, and who took part
(with the certificates and their expiry)."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import is_staff_user, organisation_id_for
from network.models.hotlines import Analyst, HotlineScopedQuerySet, analyst_working_on
from network.models.registry import Country, Organisation


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

    # What the label (`__str__`) reads besides the row: admin choices select it (`core.forms`).
    label_related = ("course",)

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
        # Certificates expiring soon are found by their expiry, not by scanning every place.
        indexes = [models.Index(fields=["certificate_expires_on"], name="participation_expiry")]

    # Participant types that are hotline staff registered as analysts (by code).
    HOTLINE_TYPES = (ParticipantType.ANALYST, ParticipantType.HOTLINE_MANAGER)

    def __str__(self) -> str:
        return f"{self.participant_label} at {self.event}"

    @classmethod
    def place_for(cls, *, event: TrainingEvent, analyst: Analyst, status: str) -> TrainingParticipation:
        """A registered analyst's place at `event` (not saved): as a hotline manager when that is their
        role, otherwise as an analyst, for their hotline's host organisation."""
        return cls(
            event=event,
            analyst=analyst,
            participant_type=(
                cls.ParticipantType.HOTLINE_MANAGER
                if analyst.role == Analyst.Role.MANAGER
                else cls.ParticipantType.ANALYST
            ),
            organisation_id=analyst.hotline.host_organisation_id,
            status=status,
        )

    @property
    def participant_label(self) -> str:
        if self.analyst_id:
            return self.analyst.code
        return self.reference or str(self.get_participant_type_display())

    @property
    def completed(self) -> bool:
        return self.status == self.Status.COMPLETED

    def withdrawal_refusal(self, today: date | None = None) -> str | None:
        """Why the nomination cannot be withdrawn (None when it can): only before the association confirms
        it and before the event starts (`today`: the local date by default)."""
        if self.status != self.Status.NOMINATED:
            return str(_("Only a nomination that has not been confirmed can be withdrawn."))
        if not self.event.is_upcoming(today):
            return str(_("This event has started; the nomination can no longer be withdrawn."))
        return None

    def is_withdrawable(self, today: date | None = None) -> bool:
        """The member may withdraw this nomination (the portal's button, its view and the service)."""
        return self.withdrawal_refusal(today) is None

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
