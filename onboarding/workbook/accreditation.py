"""Sheets of accreditation: assessments, findings, corrective actions, decisions and decision corrections,
and the comment threads of evidence documents and assessments."""

from __future__ import annotations

import json

from django.db.models import F
from django.db.models.functions import TruncSecond

from core.workbook import Column
from onboarding.workbook.columns import (
    AuditedSheet,
    _apply_changes,
    _apply_corrected_decision,
    _apply_correction_stage_change,
    _datetime_column,
    _datetime_key_column,
    _hotline,
    _model,
    _to_second,
    _user_column,
)

SHEETS = [
    AuditedSheet(
        name="Assessments",
        model="onboarding.Assessment",
        order=240,
        description="Accreditation assessments: kind, mode, dates, status, recommendation and report summary.",
        key_headers=["reference"],
        queryset=lambda: (
            _model("Assessment")
            .objects.select_related("hotline", "report_completed_by", "created_by", "joint_visit")
            .order_by("reference")
        ),
        columns=[
            Column("reference", "reference", required=True, help="Unique reference, e.g. AS-GH-2026-1."),
            _hotline(),
            Column("kind", "kind", kind="choice", required=True, help="Kind key."),
            Column("mode", "mode", kind="choice", required=True, help="on_site or remote."),
            Column("status", "status", kind="choice", required=True, help="Status key."),
            Column("starts_on", "starts_on", kind="date", required=True, help="First day."),
            Column("ends_on", "ends_on", kind="date", help="Last day."),
            Column(
                "time_zone",
                "time_zone",
                export=lambda a: a.zone_name,
                help="Time zone of the visit (tz database; empty: the hotline country's main zone).",
            ),
            Column("recommendation", "recommendation", kind="choice", help="Recommendation key."),
            Column("summary", "summary", help="Report summary."),
            _datetime_column("report_completed_at", "report_completed_at", "When the report was completed."),
            _user_column("report_completed_by", "report_completed_by", "Email of the account that completed it."),
            _user_column("created_by", "created_by", "Email of the staff member who planned it."),
            Column(
                "joint_visit",
                "joint_visit",
                kind="ref",
                ref="Joint visits",
                help="Reference of the joint visit it is part of, if any (Joint visits sheet).",
            ),
        ],
    ),
    AuditedSheet(
        name="Findings",
        model="onboarding.Finding",
        order=245,
        description="What each assessment found, per area.",
        key_headers=["assessment", "area"],
        queryset=lambda: (
            _model("Finding")
            .objects.select_related("assessment", "recorded_by")
            .order_by("assessment__reference", "area")
        ),
        columns=[
            Column("assessment", "assessment", kind="ref", ref="Assessments", required=True, help="Reference."),
            Column("area", "area", kind="int", required=True, help="Area 1-14."),
            Column("rating", "rating", kind="choice", required=True, help="meets, partly_meets or does_not_meet."),
            Column("text", "text", required=True, help="The finding."),
            _user_column("recorded_by", "recorded_by", "Email of the reviewer who recorded it."),
        ],
    ),
    AuditedSheet(
        name="Corrective actions",
        model="onboarding.CorrectiveAction",
        order=250,
        description="What assessments asked hotlines to put right: owner, due date, status and evidence.",
        key_headers=["assessment", "title"],
        queryset=lambda: (
            _model("CorrectiveAction")
            .objects.select_related("assessment", "completed_by", "verified_by", "created_by")
            .prefetch_related("evidence")
            .order_by("assessment__reference", "due_on", "title")
        ),
        columns=[
            Column("assessment", "assessment", kind="ref", ref="Assessments", required=True, help="Reference."),
            Column("title", "title", required=True, help="The action."),
            Column("area", "area", kind="int", help="Area 1-14, if any."),
            Column("description", "description", help="Details."),
            Column("owner", "owner", required=True, help="Who at the hotline does it."),
            Column("due_on", "due_on", kind="date", required=True, help="Due date."),
            Column("status", "status", kind="choice", required=True, help="Status key."),
            Column("completion_note", "completion_note", help="What was done."),
            _datetime_column("completed_at", "completed_at", "When it was reported done."),
            _user_column("completed_by", "completed_by", "Email of the account that reported it done."),
            _datetime_column("verified_at", "verified_at", "When it was verified."),
            _user_column("verified_by", "verified_by", "Email of the verifying reviewer."),
            Column(
                "evidence",
                "evidence",
                kind="refs",
                ref="Evidence documents",
                help="Stored names of its evidence documents, separated by “; ”.",
            ),
            _user_column("created_by", "created_by", "Email of the account that added it."),
        ],
    ),
    AuditedSheet(
        name="Decisions",
        model="onboarding.Decision",
        order=255,
        description="Membership decisions: body, date, minutes reference, vote and outcome.",
        key_headers=["assessment"],
        queryset=lambda: _model("Decision").objects.select_related("assessment", "recorded_by").order_by("decided_on"),
        columns=[
            Column("assessment", "assessment", kind="ref", ref="Assessments", required=True, help="Reference."),
            Column("body", "body", required=True, help="Decision-making body."),
            Column("decided_on", "decided_on", kind="date", required=True, help="Date of the decision."),
            Column("minutes_reference", "minutes_reference", required=True, help="Reference of the minutes."),
            Column("votes_for", "votes_for", kind="int", required=True, help="Votes for."),
            Column("votes_against", "votes_against", kind="int", required=True, help="Votes against."),
            Column("votes_abstaining", "votes_abstaining", kind="int", required=True, help="Abstentions."),
            Column("outcome", "outcome", kind="choice", required=True, help="admit or reject."),
            Column("notes", "notes", help="Notes."),
            _user_column("recorded_by", "recorded_by", "Email of the staff member who recorded it."),
            _datetime_column("recorded_at", "recorded_at", "When it was recorded."),
            Column(
                "adoption_required",
                "adoption_required",
                kind="bool",
                help="Whether the General Assembly must adopt the (Board's) decision.",
            ),
            Column("adopted_on", "adopted_on", kind="date", help="Date of the General Assembly's adoption."),
            Column("adoption_minutes_reference", "adoption_minutes_reference", help="General Assembly minutes."),
            Column("adoption_votes_for", "adoption_votes_for", kind="int", help="General Assembly votes for."),
            Column("adoption_votes_against", "adoption_votes_against", kind="int", help="… against."),
            Column("adoption_votes_abstaining", "adoption_votes_abstaining", kind="int", help="… abstaining."),
            _user_column("adoption_recorded_by", "adoption_recorded_by", "Email of who recorded the adoption."),
            Column("letter_language", "letter_language", help="Language of the decision letter (en, fr, es)."),
            _datetime_column("letter_sent_at", "letter_sent_at", "When the decision letter was sent."),
            _user_column("letter_sent_by", "letter_sent_by", "Email of who sent it."),
            Column("appeal_until", "appeal_until", kind="date", help="Last day an appeal is accepted."),
        ],
    ),
    AuditedSheet(
        name="Decision corrections",
        model="onboarding.DecisionCorrection",
        order=257,
        description="Corrections of recorded decisions: what changed (old and new values), why, who, when.",
        key_headers=["assessment", "corrected_at"],
        queryset=lambda: (
            _model("DecisionCorrection")
            .objects.select_related("decision__assessment__hotline", "corrected_by", "stage_change")
            .order_by("decision__assessment__reference", "corrected_at")
        ),
        columns=[
            Column(
                "assessment",
                None,
                required=True,
                export=lambda c: c.decision.assessment.reference,
                apply=_apply_corrected_decision,
                help="Reference of the decided assessment (Decisions sheet).",
            ),
            _datetime_key_column("corrected_at", "corrected_at", "When it was corrected (local time, to the second)."),
            Column(
                "changes",
                None,
                required=True,
                export=lambda c: json.dumps(c.changes, sort_keys=True, ensure_ascii=False),
                apply=_apply_changes,
                help='What changed, as JSON: {"field": [old, new]}.',
            ),
            Column("reason", "reason", required=True, help="Why."),
            _user_column("corrected_by", "corrected_by", "Email of the staff member who corrected it."),
            Column(
                "stage_changed_at",
                None,
                kind="datetime",
                export=lambda c: _to_second(c.stage_change.changed_at) if c.stage_change_id else None,
                apply=_apply_correction_stage_change,
                help="When the correction moved the hotline (Stage history), if it did.",
            ),
        ],
    ),
    AuditedSheet(
        name="Evidence & assessment comments",
        model="onboarding.DossierComment",
        order=266,
        description="The comment threads of evidence documents and assessments (text): one subject each.",
        key_headers=["hotline", "document", "assessment", "created_at", "author"],
        queryset=lambda: (
            _model("DossierComment")
            .objects.select_related("hotline", "document", "assessment", "author")
            # To the second, as the sheet holds it: the order survives a round trip (on any database).
            .order_by(
                "hotline__brand_name",
                F("document__stored_name").asc(nulls_first=True),
                F("assessment__reference").asc(nulls_first=True),
                TruncSecond("created_at"),
                "author__email",
                "body",
            )
        ),
        columns=[
            _hotline(),
            Column(
                "document",
                "document",
                kind="ref",
                ref="Evidence documents",
                help="Stored name of the document discussed (empty for an assessment's comment).",
            ),
            Column(
                "assessment",
                "assessment",
                kind="ref",
                ref="Assessments",
                help="Reference of the assessment discussed (empty for a document's comment).",
            ),
            _datetime_key_column("created_at", "created_at", "When it was written (local time, to the second)."),
            _user_column("author", "author", "Email of the author's account."),
            Column("body", "body", required=True, help="The comment."),
            Column(
                "visibility",
                "visibility",
                kind="choice",
                required=True,
                help="staff (staff only), reviewers (reviewers and staff) or shared (with the candidate).",
            ),
        ],
    ),
]
