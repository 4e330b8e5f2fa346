"""Accreditation of a candidate or member: assessments with their findings and corrective actions, the
membership decision and its corrections. Visible as the dossier is (`dossier._dossier`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import is_staff_user
from network.models import Hotline
from network.time_zones import is_zone
from onboarding import checklist_rules as rules
from onboarding.models.common import DueOn
from onboarding.models.dossier import EvidenceDocument, _dossier
from onboarding.models.lifecycle import StageChange


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
    joint_visit = models.ForeignKey(
        "onboarding.JointVisit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assessments",
        verbose_name=_("joint visit"),
        help_text=_("One visit reviewing several hotlines: the reviews it covers share it."),
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


class CorrectiveAction(DueOn, models.Model):
    """What an assessment asks the hotline to put right: owner, due date, status and evidence."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed, awaiting verification")
        VERIFIED = "verified", _("Verified and closed")

    # Still the hotline's to do (a completed action awaits verification and is not overdue any more).
    DUE_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

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
    # General Assembly adoption, where `settings.GENERAL_ASSEMBLY_ADOPTS` names the outcome: the decision
    # above is then the Board's, and takes effect (moves the hotline) once the assembly adopts it.
    adoption_required = models.BooleanField(_("needs adoption by the General Assembly"), default=False)
    adopted_on = models.DateField(_("adopted by the General Assembly on"), null=True, blank=True)
    adoption_minutes_reference = models.CharField(_("General Assembly minutes reference"), max_length=200, blank=True)
    adoption_votes_for = models.PositiveSmallIntegerField(_("General Assembly votes for"), null=True, blank=True)
    adoption_votes_against = models.PositiveSmallIntegerField(
        _("General Assembly votes against"), null=True, blank=True
    )
    adoption_votes_abstaining = models.PositiveSmallIntegerField(
        _("General Assembly abstentions"), null=True, blank=True
    )
    adoption_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The decision letter, sent through the portal, and the appeal window it opens.
    letter_language = models.CharField(_("letter language"), max_length=10, blank=True)
    letter_sent_at = models.DateTimeField(_("letter sent at"), null=True, blank=True)
    letter_sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    appeal_until = models.DateField(_("appeals accepted until"), null=True, blank=True)

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

    @property
    def is_final(self) -> bool:
        """In effect: taken by the Board alone, or adopted by the General Assembly where it must be."""
        return not self.adoption_required or self.adopted_on is not None

    @property
    def final_on(self) -> date | None:
        return (self.adopted_on if self.adoption_required else self.decided_on) if self.is_final else None

    @property
    def adoption_vote_text(self) -> str:
        if self.adopted_on is None:
            return ""
        return str(_("%(for)s for, %(against)s against, %(abstaining)s abstaining")) % {
            "for": self.adoption_votes_for,
            "against": self.adoption_votes_against,
            "abstaining": self.adoption_votes_abstaining,
        }

    def appeal_open(self, on: date | None = None) -> bool:
        """The candidate may still appeal: the letter is sent and its window has not closed."""
        return self.appeal_until is not None and (on or timezone.localdate()) <= self.appeal_until

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
        if self.adopted_on is not None:
            errors.update(self._adoption_errors())
        if errors:
            raise ValidationError(errors)

    def _adoption_errors(self) -> dict[str, Any]:
        errors: dict[str, Any] = {}
        if self.adopted_on > timezone.localdate():
            errors["adopted_on"] = _(
                "An adoption is recorded once the General Assembly voted: the date is in the future."
            )
        elif self.decided_on and self.adopted_on < self.decided_on:
            errors["adopted_on"] = _(
                "The General Assembly adopts the Board's decision after it: %(date)s is before it."
            ) % {"date": formats.date_format(self.adopted_on, "DATE_FORMAT")}
        if not self.adoption_minutes_reference.strip():
            errors["adoption_minutes_reference"] = _("Give the reference of the General Assembly's minutes.")
        votes = [self.adoption_votes_for, self.adoption_votes_against, self.adoption_votes_abstaining]
        if any(v is None for v in votes) or sum(votes) == 0:
            errors["adoption_votes_for"] = _("Record the General Assembly's vote: for, against and abstaining.")
        elif self.adoption_votes_for <= self.adoption_votes_against:
            errors["adoption_votes_for"] = _(
                "The vote does not adopt the decision: more votes against than for (or a tie)."
            )
        return errors


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
