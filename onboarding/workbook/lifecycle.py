"""Sheets of the candidate lifecycle: candidate profiles, stage history and country assessments."""

from __future__ import annotations

from core.workbook import Column
from onboarding.models import ASSESSMENT_CRITERIA
from onboarding.workbook.columns import (
    AuditedSheet,
    StageHistorySheet,
    _datetime_key_column,
    _hotline,
    _model,
    _user_column,
)

SHEETS = [
    AuditedSheet(
        name="Candidate profiles",
        model="onboarding.CandidateProfile",
        order=110,
        description="What onboarding knows about a prospective hotline beyond its registry entry.",
        key_headers=["hotline"],
        queryset=lambda: _model("CandidateProfile").objects.select_related("hotline").order_by("hotline__brand_name"),
        columns=[
            _hotline(),
            Column("identified_on", "identified_on", kind="date", required=True, help="When it was identified."),
            Column("source", "source", kind="choice", required=True, help="How it was identified."),
            Column(
                "host_confirmed_on",
                "host_confirmed_on",
                kind="date",
                help="When the host organisation agreed to host the hotline (a gate into exploring).",
            ),
            Column(
                "target_membership_on", "target_membership_on", kind="date", help="Target date for the application."
            ),
            Column("notes", "notes", help="Staff notes."),
        ],
    ),
    StageHistorySheet(
        name="Stage history",
        model="onboarding.StageChange",
        order=120,
        description=(
            "Every move of a hotline through the lifecycle: who, when, from, to, why. Restored as it is; "
            "the current stage is the Hotlines sheet's."
        ),
        key_headers=["hotline", "changed_at"],
        queryset=lambda: (
            _model("StageChange")
            .objects.select_related("hotline", "changed_by")
            .order_by("hotline__brand_name", "changed_at")
        ),
        columns=[
            _hotline(),
            _datetime_key_column("changed_at", "changed_at", "When the stage changed (local time, to the second)."),
            Column("from_stage", "from_stage", kind="choice", help="Stage key before (empty for the first entry)."),
            Column("to_stage", "to_stage", kind="choice", required=True, help="Stage key after."),
            Column("transition", "transition", help="Name of the workflow transition (docs/lifecycle.md)."),
            Column("reason", "reason", required=True, help="Why."),
            Column("review_date", "review_date", kind="date", help="For holds and suspensions: review by."),
            _user_column("changed_by", "changed_by", "Email of the account that made the change."),
        ],
    ),
    AuditedSheet(
        name="Country assessments",
        model="onboarding.CountryAssessment",
        order=130,
        description="The association's review of a country: criteria scored 1 (poor) to 5 (strong), overall rating.",
        key_headers=["country", "assessed_on"],
        queryset=lambda: (
            _model("CountryAssessment")
            .objects.select_related("country", "assessed_by")
            .order_by("country_id", "assessed_on")
        ),
        columns=[
            Column("country", "country", kind="ref", ref="Countries", required=True, help="Country code."),
            Column("assessed_on", "assessed_on", kind="date", required=True, help="Date of the assessment."),
            *[
                Column(name, name, kind="int", required=True, help=f"{label}: {meaning} (1-5)")
                for name, label, meaning in ASSESSMENT_CRITERIA
            ],
            Column("overall_rating", "overall_rating", kind="choice", required=True, help="Overall rating key."),
            Column(
                "on_target_list",
                "on_target_list",
                kind="bool",
                help="TRUE if the association aims to set up a hotline here.",
            ),
            Column("summary", "summary", help="Summary."),
            _user_column("assessed_by", "assessed_by", "Email of the assessing staff member's account."),
        ],
    ),
]
