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

from django.core.exceptions import PermissionDenied, ValidationError

from accounts.access import has_role
from accounts.roles import Role
from core.seeding import DemoContext
from onboarding import checklist_rules as rules
from onboarding import services
from onboarding.models import (
    Assessment,
    ConsolidatedRecommendation,
    Decision,
    EvidenceDocument,
    Recommendation,
    ReviewerAssignment,
)
from onboarding.selectors import dossier_actors, review_areas


def seed(ctx: DemoContext) -> None:
    staff = ctx.users.get("staff")
    if staff is None:
        return
    consolidations = _consolidations_before_decisions(staff)
    comments = _discussions(ctx, staff)
    ctx.log(
        f"{consolidations} consolidated recommendations before the Board's decisions, {comments} comments on "
        "evidence documents and assessments"
    )


def _discussions(ctx: DemoContext, staff: Any) -> int:
    """A thread of each visibility on one of the demo candidate's documents, and on the member's review."""
    made = 0
    candidate, member, reviewer = ctx.users.get("candidate"), ctx.users.get("member"), ctx.users.get("reviewer")
    for user, kind in ((candidate, "document"), (member, "assessment")):
        if user is None or user.affiliation_or_none is None:
            continue
        organisation_id = user.affiliation_or_none.object_id
        if kind == "document":
            subject = (
                EvidenceDocument.objects.current()
                .filter(hotline__host_organisation_id=organisation_id)
                .order_by("uploaded_at", "pk")
                .first()
            )
            service, key = services.evidence_comment, "document"
        else:
            subject = (
                Assessment.objects.filter(hotline__host_organisation_id=organisation_id, status="completed")
                .order_by("-starts_on")
                .first()
            )
            service, key = services.assessment_comment, "assessment"
        if subject is None:
            continue
        thread = [
            (staff, "staff", "The signature page looks scanned from a copy: keep an eye on the original."),
            (reviewer or staff, "reviewers", "Compare with the version the host organisation filed last year."),
            (reviewer or staff, "shared", "Thank you. Could you send the signed original as well?"),
            (user, "", "Yes: the signed original follows this week."),
        ]
        for author, visibility, body in thread:
            try:
                service(**{key: subject}, body=body, visibility=visibility, acting_user=author)
            except (PermissionDenied, ValidationError):
                continue  # a small demo without that person's access: skip their line
            made += 1
    return made


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
        lead = next((u for u in (hotline.lead_staff, staff) if u and has_role(u, Role.NETWORK_STAFF)), None)
        if reviewer is None or lead is None:
            continue  # no reviewer or no lead (a small demo): the Board decided on the report alone
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
            acting_user=lead,
            now=at,
        )
        made += 1
    return made
