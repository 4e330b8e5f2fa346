"""Reads of members' self-assessments before their quality-assurance reviews: a self-assessment's page
(its questions by area with the answers and cited documents, what keeps it from being submitted, whether
the reader may answer), a member's own self-assessments, and the latest one per member for the staff
board. Every function that serves a user starts from `visible_to(user)`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from onboarding import checklist_rules as rules
from onboarding.models import (
    AnswerFacts,
    EvidenceDocument,
    SelfAssessment,
    SelfAssessmentAnswer,
    submission_problems,
)
from onboarding.selectors.common import dossier_actors


def self_assessment_answers(self_assessment: SelfAssessment) -> QuerySet[SelfAssessmentAnswer]:
    """Its answers in the template's order, each with its question, cited documents and their count."""
    return (
        SelfAssessmentAnswer.objects.filter(self_assessment=self_assessment)
        .select_related("template_item")
        .annotate(cited=Count("documents", distinct=True))
        .prefetch_related(Prefetch("documents", queryset=EvidenceDocument.objects.order_by("original_name", "pk")))
        .order_by("template_item__sort_order", "code")
    )


@dataclass(frozen=True)
class SelfAssessmentArea:
    label: str
    answers: list[SelfAssessmentAnswer]


@dataclass(frozen=True)
class SelfAssessmentPage:
    self_assessment: SelfAssessment
    areas: list[SelfAssessmentArea]
    problems: list[str]
    may_answer: bool  # the member's own manager or contributor, while it is open
    documents: list[EvidenceDocument] = field(default_factory=list)  # the dossier's, to cite

    @property
    def answered(self) -> int:
        return sum(1 for area in self.areas for answer in area.answers if answer.answer.strip())

    @property
    def questions(self) -> int:
        return sum(len(area.answers) for area in self.areas)


def self_assessment_page(*, user: Any, self_assessment: SelfAssessment) -> SelfAssessmentPage:
    """The page of a self-assessment `user` may read (the caller found it through `visible_to(user)`)."""
    answers = list(self_assessment_answers(self_assessment))
    areas: dict[int, list[SelfAssessmentAnswer]] = {}
    for answer in answers:
        areas.setdefault(answer.template_item.area, []).append(answer)
    facts = [
        AnswerFacts(
            code=a.code,
            answered=bool(a.answer.strip()),
            evidence_required=a.template_item.evidence_required,
            has_evidence=a.cited > 0,
        )
        for a in answers
    ]
    may_answer = self_assessment.is_open and rules.CANDIDATE in dossier_actors(
        user=user, hotline=self_assessment.hotline
    )
    documents = (
        list(
            EvidenceDocument.objects.visible_to(user)
            .current()
            .filter(hotline_id=self_assessment.hotline_id)
            .order_by("original_name", "pk")
        )
        if may_answer
        else []
    )
    return SelfAssessmentPage(
        self_assessment=self_assessment,
        areas=[SelfAssessmentArea(rules.area_label(area), rows) for area, rows in areas.items()],
        problems=submission_problems(facts) if self_assessment.is_open else [],
        may_answer=may_answer,
        documents=documents,
    )


def member_self_assessments(*, user: Any, hotline_id: int) -> list[SelfAssessment]:
    """A member's self-assessments, the latest asked first, as `user` may see them."""
    return list(
        SelfAssessment.objects.visible_to(user)
        .filter(hotline_id=hotline_id)
        .select_related("review")
        .order_by("-requested_at", "-pk")
    )


def latest_self_assessments(hotline_ids: Iterable[int]) -> dict[int, SelfAssessment]:
    """The latest self-assessment asked of each hotline (the staff board), in one query."""
    found: dict[int, SelfAssessment] = {}
    for item in SelfAssessment.objects.filter(hotline_id__in=list(hotline_ids)).order_by("requested_at", "pk"):
        found[item.hotline_id] = item
    return found


def self_assessments_due(*, until: date) -> QuerySet[SelfAssessment]:
    """Open self-assessments due by `until` (the reminders read them with their hotline)."""
    return (
        SelfAssessment.objects.open()
        .filter(due_on__lte=until)
        .select_related("hotline__lead_staff")
        .order_by("due_on", "pk")
    )
