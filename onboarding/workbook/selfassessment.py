"""Sheets of members' self-assessments before their quality-assurance reviews (after the member cycle's):
each self-assessment (its hotline, template version, the review it prepares, due date, status) and its
answers with the evidence documents they cite. The template itself is on the Checklist templates sheets
(purpose "qa_self_assessment")."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from core.workbook import Column, registry
from core.workbook.sheets import ImportContext
from onboarding.workbook.columns import (
    AuditedSheet,
    _apply_template,
    _datetime_column,
    _datetime_key_column,
    _hotline,
    _model,
    _to_second,
    _user_column,
)


def _self_assessment_of(values: dict[str, Any], ctx: ImportContext) -> Any:
    key = (values.get("hotline"), values.get("requested_at"))
    found = ctx.resolve(registry().get("Self-assessments"), key)
    if found is None:
        raise ValidationError(f"No self-assessment of “{key[0]}” asked at {key[1]} (Self-assessments sheet).")
    return found


def _apply_answer_parent(answer: Any, values: dict[str, Any], ctx: ImportContext) -> None:
    parent = _self_assessment_of(values, ctx)
    answer.self_assessment = parent
    code = values.get("code")
    item = ctx.resolve(
        registry().get("Checklist template items"), (parent.template.name, parent.template.version, code)
    )
    if item is None:
        raise ValidationError(f"“{code}” is not a question of {parent.template} (Checklist template items sheet).")
    answer.template_item = item


SHEETS = [
    AuditedSheet(
        name="Self-assessments",
        model="onboarding.SelfAssessment",
        order=276,
        description=(
            "Members' self-assessments before a quality-assurance review: the template version, the review it "
            "prepares, the due date, and whether it is requested, in progress or submitted."
        ),
        key_headers=["hotline", "requested_at"],
        queryset=lambda: (
            _model("SelfAssessment")
            .objects.select_related("hotline", "template", "review", "requested_by", "submitted_by")
            .order_by("hotline__brand_name", "requested_at")
        ),
        columns=[
            _hotline(),
            _datetime_key_column("requested_at", "requested_at", "When staff asked for it (local time)."),
            Column(
                "template",
                None,
                required=True,
                export=lambda s: s.template.name,
                apply=_apply_template,
                help="Name of the self-assessment template (Checklist templates sheet).",
            ),
            Column("version", None, kind="int", required=True, export=lambda s: s.template.version, help="Version."),
            Column("review", "review", kind="ref", ref="Assessments", help="Reference of the review it prepares."),
            Column("due_on", "due_on", kind="date", required=True, help="Due date."),
            Column("status", "status", kind="choice", required=True, help="requested, in_progress or submitted."),
            _user_column("requested_by", "requested_by", "Email of the staff member who asked for it."),
            _datetime_column("submitted_at", "submitted_at", "When the member submitted it."),
            _user_column("submitted_by", "submitted_by", "Email of the member's user who submitted it."),
        ],
    ),
    AuditedSheet(
        name="Self-assessment answers",
        model="onboarding.SelfAssessmentAnswer",
        order=278,
        description="The member's answer to each question of a self-assessment and the documents it cites.",
        key_headers=["hotline", "requested_at", "code"],
        queryset=lambda: (
            _model("SelfAssessmentAnswer")
            .objects.select_related("self_assessment__hotline", "template_item", "updated_by")
            .prefetch_related("documents")
            .order_by("self_assessment__hotline__brand_name", "self_assessment__requested_at", "code")
        ),
        columns=[
            Column(
                "hotline",
                None,
                required=True,
                export=lambda a: a.self_assessment.hotline.brand_name,
                apply=_apply_answer_parent,
                help="Hotline (with requested_at: the self-assessment, Self-assessments sheet).",
            ),
            Column(
                "requested_at",
                None,
                kind="datetime",
                required=True,
                export=lambda a: _to_second(a.self_assessment.requested_at),
                help="When the self-assessment was asked for.",
            ),
            Column("code", "code", required=True, help="Question code, e.g. QA1.1."),
            Column("answer", "answer", help="The member's answer."),
            Column(
                "documents",
                "documents",
                kind="refs",
                ref="Evidence documents",
                help="Stored names of the evidence documents it cites, separated by “; ”.",
            ),
            _datetime_column("updated_at", "updated_at", "When the answer last changed."),
            _user_column("updated_by", "updated_by", "Email of the account that last changed it."),
        ],
    ),
]
