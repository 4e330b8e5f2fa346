"""A member's self-assessment before a quality-assurance review: the questions of the published
self-assessment template (`ChecklistTemplate` of purpose "qa_self_assessment", versioned and translated
like the onboarding checklist), answered by the member's portal users with evidence from its dossier,
then submitted and read by staff and the review's reviewers.

- A `SelfAssessment` is asked for by network staff for one hotline, usually for a planned review
  (`review`), with a due date; it stays on the template version it was asked on. One open (requested
  or in progress) self-assessment per hotline (a database constraint); once submitted it is frozen.
- Each `SelfAssessmentAnswer` answers one template item (by its code) and may cite evidence documents
  of the hotline's dossier.
- Access is the dossier's rule (`_dossier`): network staff, reviewers assigned to the hotline (declared,
  without a conflict of interest) and the member's own portal users; anyone else sees none.
- What keeps it from being submitted is `submission_problems` (pure), the one rule the portal page and
  `services.self_assessment_submit` both apply.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from network.models import Hotline
from onboarding.models.accreditation import Assessment
from onboarding.models.common import DueOn
from onboarding.models.dossier import ChecklistTemplate, ChecklistTemplateItem, EvidenceDocument, _dossier


class SelfAssessmentQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> SelfAssessmentQuerySet:
        return _dossier(self, user, "hotline")

    def open(self) -> SelfAssessmentQuerySet:
        return self.filter(status__in=SelfAssessment.OPEN_STATUSES)

    def submitted(self) -> SelfAssessmentQuerySet:
        return self.filter(status=SelfAssessment.Status.SUBMITTED)


class SelfAssessment(DueOn, models.Model):
    """A member's self-assessment before a quality-assurance review: asked for, answered, submitted."""

    class Status(models.TextChoices):
        REQUESTED = "requested", gettext_lazy("Requested, not started")
        IN_PROGRESS = "in_progress", gettext_lazy("In progress")
        SUBMITTED = "submitted", gettext_lazy("Submitted")

    OPEN_STATUSES = (Status.REQUESTED, Status.IN_PROGRESS)
    DUE_STATUSES = OPEN_STATUSES

    hotline = models.ForeignKey(
        Hotline, on_delete=models.PROTECT, related_name="self_assessments", verbose_name=gettext_lazy("hotline")
    )
    template = models.ForeignKey(
        ChecklistTemplate,
        on_delete=models.PROTECT,
        related_name="self_assessments",
        verbose_name=gettext_lazy("template version"),
    )
    review = models.OneToOneField(
        Assessment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="self_assessment",
        verbose_name=gettext_lazy("quality-assurance review"),
        help_text=gettext_lazy("The planned review it prepares."),
    )
    due_on = models.DateField(gettext_lazy("due on"))
    status = models.CharField(gettext_lazy("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED)
    requested_at = models.DateTimeField(gettext_lazy("requested at"), default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(gettext_lazy("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SelfAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("self-assessment")
        verbose_name_plural = gettext_lazy("self-assessments")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["hotline"],
                condition=Q(status__in=["requested", "in_progress"]),
                name="one_open_self_assessment_per_hotline",
            ),
            models.CheckConstraint(
                condition=~Q(status="submitted") | Q(submitted_at__isnull=False),
                name="self_assessment_submitted_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hotline}: {_('self-assessment')} {self.due_on:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class SelfAssessmentAnswer(models.Model):
    """The member's answer to one question of its self-assessment, with the dossier documents it cites."""

    self_assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="answers")
    template_item = models.ForeignKey(ChecklistTemplateItem, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(gettext_lazy("code"), max_length=20)
    answer = models.TextField(gettext_lazy("answer"), blank=True, max_length=10000)
    documents = models.ManyToManyField(
        EvidenceDocument, blank=True, related_name="self_assessment_answers", verbose_name=gettext_lazy("evidence")
    )
    updated_at = models.DateTimeField(gettext_lazy("updated at"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = gettext_lazy("self-assessment answer")
        verbose_name_plural = gettext_lazy("self-assessment answers")
        ordering = ["self_assessment", "template_item__sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["self_assessment", "code"], name="self_assessment_answer_code_once")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.template_item.title}"

    @property
    def title(self) -> str:
        return self.template_item.localized("title")


@dataclass(frozen=True)
class AnswerFacts:
    """What `submission_problems` reads of one answer."""

    code: str
    answered: bool
    evidence_required: bool
    has_evidence: bool


def submission_problems(answers: Iterable[AnswerFacts]) -> list[str]:
    """Why a self-assessment cannot be submitted yet (empty: it can): every question answered, and
    evidence cited where the template asks for it."""
    answers = list(answers)
    if not answers:
        return [_("The self-assessment has no questions.")]
    unanswered = [a.code for a in answers if not a.answered]
    without_evidence = [a.code for a in answers if a.answered and a.evidence_required and not a.has_evidence]
    problems = []
    if unanswered:
        problems.append(_("Answer every question: %(codes)s still empty.") % {"codes": ", ".join(unanswered)})
    if without_evidence:
        problems.append(
            _("Add a supporting document to %(codes)s: these questions ask for evidence.")
            % {"codes": ", ".join(without_evidence)}
        )
    return problems
