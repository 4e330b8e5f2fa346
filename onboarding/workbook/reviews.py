"""Sheets of the independent reviews: each reviewer's review (one row per review), its verdicts (one row per
review and area) and the consolidated recommendations. A review's subject is "dossier" or the reference
of the assessment it reviews."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from core.workbook import Column, ImportContext, registry
from onboarding.workbook.columns import (
    AuditedSheet,
    _datetime_column,
    _hotline,
    _model,
    _required_user_column,
    _user_column,
)

DOSSIER = "dossier"


def _subject(obj: Any) -> str:
    return obj.assessment.reference if obj.assessment_id else DOSSIER


def _apply_subject(obj: Any, values: dict[str, Any], ctx: ImportContext) -> None:
    reference = (values.get("subject") or "").strip()
    if reference == DOSSIER:
        obj.assessment = None
        return
    assessment = ctx.resolve(registry().get("Assessments"), (reference,))
    if assessment is None:
        raise ValidationError(f"“{reference}” is neither “dossier” nor an assessment (Assessments sheet or database).")
    obj.assessment = assessment


def _subject_column() -> Column:
    return Column(
        "subject",
        None,
        required=True,
        export=_subject,
        apply=_apply_subject,
        help="“dossier” for a review of the dossier, else the reference of the reviewed assessment.",
    )


def _apply_review(verdict: Any, values: dict[str, Any], ctx: ImportContext) -> None:
    key = (values.get("hotline"), values.get("subject"), values.get("reviewer"))
    review = ctx.resolve(registry().get("Reviews"), key)
    if review is None:
        raise ValidationError(f"No review {' / '.join(str(k) for k in key)} (Reviews sheet or database).")
    verdict.review = review


def _apply_appeal_of(appeal: Any, values: dict[str, Any], ctx: ImportContext) -> None:
    reference = values.get("decision")
    decision = ctx.resolve(registry().get("Decisions"), (reference,))
    if decision is None:
        raise ValidationError(f"No decision on “{reference}” (Decisions sheet or database).")
    appeal.appeal_of = decision
    appeal.kind = "appeal"


SHEETS = [
    AuditedSheet(
        name="Appeals",
        model="onboarding.Interaction",
        order=258,
        description="Appeals against membership decisions (interactions of kind appeal) and their answers.",
        key_headers=["hotline", "occurred_on", "subject"],
        queryset=lambda: (
            _model("Interaction")
            .objects.filter(kind="appeal")
            .select_related("hotline", "recorded_by", "answered_by", "appeal_of__assessment")
            .order_by("hotline__brand_name", "occurred_on", "subject")
        ),
        columns=[
            _hotline(),
            Column("occurred_on", "occurred_on", kind="date", required=True, help="Date of the appeal."),
            Column("subject", "subject", required=True, help="Subject."),
            Column(
                "decision",
                None,
                required=True,
                export=lambda i: i.appeal_of.assessment.reference if i.appeal_of_id else None,
                apply=_apply_appeal_of,
                help="Reference of the decided assessment the appeal contests (Decisions sheet).",
            ),
            Column("summary", "summary", help="The grounds of the appeal."),
            _user_column("recorded_by", "recorded_by", "Email of the candidate's user who appealed."),
            Column("answer", "answer", help="The association's answer (empty: still open)."),
            _datetime_column("answered_at", "answered_at", "When it was answered."),
            _user_column("answered_by", "answered_by", "Email of the staff member who answered."),
        ],
    ),
    AuditedSheet(
        name="Reviews",
        model="onboarding.Review",
        order=260,
        description=(
            "Each reviewer's own review of a dossier or an assessment: status, overall recommendation, "
            "reasons, submitted on (its verdicts per area: Review verdicts)."
        ),
        key_headers=["hotline", "subject", "reviewer"],
        queryset=lambda: (
            _model("Review")
            .objects.select_related("hotline", "assessment", "reviewer")
            .order_by("hotline__brand_name", "assessment__reference", "reviewer__email")
        ),
        columns=[
            _hotline(),
            _subject_column(),
            _required_user_column("reviewer", "reviewer", "Email of the reviewer's account."),
            Column("status", "status", kind="choice", required=True, help="draft or submitted."),
            Column(
                "recommendation",
                "recommendation",
                kind="choice",
                help="admit, admit_with_conditions, defer or refuse (empty in a draft).",
            ),
            Column("reasons", "reasons", help="Reasons for the recommendation."),
            _datetime_column("created_at", "created_at", "When the review was started."),
            _datetime_column("updated_at", "updated_at", "When it was last saved."),
            _datetime_column("submitted_at", "submitted_at", "When it was submitted (empty: a draft)."),
        ],
    ),
    AuditedSheet(
        name="Review verdicts",
        model="onboarding.ReviewVerdict",
        order=262,
        description="A review's verdict on one area, with the reviewer's comment.",
        key_headers=["hotline", "subject", "reviewer", "area"],
        queryset=lambda: (
            _model("ReviewVerdict")
            .objects.select_related("review__hotline", "review__assessment", "review__reviewer")
            .order_by("review__hotline__brand_name", "review__assessment__reference", "review__reviewer__email", "area")
        ),
        columns=[
            Column(
                "hotline",
                None,
                required=True,
                export=lambda v: v.review.hotline.brand_name,
                apply=_apply_review,
                help="Hotline of the review (Reviews sheet).",
            ),
            Column("subject", None, required=True, export=lambda v: _subject(v.review), help="Subject of the review."),
            Column("reviewer", None, required=True, export=lambda v: v.review.reviewer.email, help="Reviewer's email."),
            Column("area", "area", kind="int", required=True, help="Area 1-14."),
            Column("verdict", "verdict", kind="choice", required=True, help="meets, partly_meets or does_not_meet."),
            Column("comment", "comment", help="The reviewer's comment."),
        ],
    ),
    AuditedSheet(
        name="Consolidated recommendations",
        model="onboarding.ConsolidatedRecommendation",
        order=264,
        description="The lead staff member's recommendation after the reviews of a dossier or an assessment.",
        key_headers=["hotline", "subject"],
        queryset=lambda: (
            _model("ConsolidatedRecommendation")
            .objects.select_related("hotline", "assessment", "recorded_by")
            .order_by("hotline__brand_name", "assessment__reference")
        ),
        columns=[
            _hotline(),
            _subject_column(),
            Column("recommendation", "recommendation", kind="choice", required=True, help="Recommendation key."),
            Column("reasons", "reasons", required=True, help="Reasons."),
            Column("reviews_considered", "reviews_considered", kind="int", help="Submitted reviews it considered."),
            _user_column("recorded_by", "recorded_by", "Email of the staff member who recorded it."),
            _datetime_column("recorded_at", "recorded_at", "When it was recorded."),
        ],
    ),
]
