"""Demo data for "the lead consolidates; the Board decides" and for the discussions on evidence documents
and assessments.

Every demo decision on a hotline with declared reviewers gets, through the services and dated before the
decision, the declared reviewer's submitted review of the assessment and the lead's consolidated
recommendation (`review_save`, `review_submit`, `review_consolidate`). Then a few comments of each
visibility on an evidence document and on an assessment (`evidence_comment`, `assessment_comment`).

Called with one line from `onboarding.demo.seed`, after the reviews.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from core.seeding import DemoContext
from onboarding import checklist_rules as rules
from onboarding import services
from onboarding.models import ConsolidatedRecommendation, Decision, Recommendation, ReviewerAssignment
from onboarding.selectors import dossier_actors, review_areas


def seed(ctx: DemoContext) -> None:
    staff = ctx.users.get("staff")
    if staff is None:
        return
    consolidations = _consolidations_before_decisions(staff)
    ctx.log(f"{consolidations} consolidated recommendations before the Board's decisions")


def _consolidations_before_decisions(staff: Any) -> int:
    made = 0
    decisions = Decision.objects.select_related("assessment__hotline").order_by("pk")
    for decision in decisions:
        assessment = decision.assessment
        hotline = assessment.hotline
        if ConsolidatedRecommendation.objects.before_decision_on(assessment).exists():
            continue
        reviewer = next(
            (
                a.reviewer
                for a in ReviewerAssignment.objects.filter(hotline=hotline).declared().select_related("reviewer")
                if rules.REVIEWER in dossier_actors(user=a.reviewer, hotline=hotline)
            ),
            None,
        )
        if reviewer is None:
            continue  # no reviewer to review (a small demo): the Board decided on the report alone
        at = decision.recorded_at - timedelta(days=12)
        areas = review_areas(hotline=hotline, assessment=assessment)
        review = services.review_save(
            hotline=hotline,
            assessment=assessment,
            verdicts={area: ("meets", "In place and documented.") for area, _label in areas},
            recommendation=Recommendation.ADMIT_WITH_CONDITIONS,
            reasons="The hotline operates as its application describes; two procedures are to be written "
            "down during the provisional year.",
            acting_user=reviewer,
            now=at - timedelta(days=2),
        )
        services.review_submit(review=review, acting_user=reviewer, now=at - timedelta(days=1))
        services.review_consolidate(
            hotline=hotline,
            assessment=assessment,
            recommendation=Recommendation.ADMIT_WITH_CONDITIONS,
            reasons="The reviewer's conditions stand: the deconfliction procedure and the retention schedule "
            "in writing within the provisional year.",
            acting_user=hotline.lead_staff if hotline.lead_staff_id else staff,
            now=at,
        )
        made += 1
    return made
