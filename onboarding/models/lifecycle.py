"""The lifecycle's records: a candidate's profile, its stage history and the country assessment.

A hotline's stage lives on `network.Hotline` and changes only through
`onboarding.services.hotline_transition`, which writes one `StageChange` per move.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from network.models import Country, Hotline
from onboarding.models.common import _staff_only, _staff_or_organisation


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
