"""Sheets of the member cycle: joint visits (before the assessments that point to them), renewal packs,
proposals to suspend and quality-assurance certificates. A pack's status and parts are not columns:
they are read from the records (annual profiles, statistics returns) and the pack's own dates."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from core.workbook import Column, registry
from core.workbook.sheets import ImportContext
from onboarding.workbook.columns import (
    AuditedSheet,
    _datetime_column,
    _hotline,
    _model,
    _to_second,
    _user_column,
)


def _apply_pack(proposal: Any, values: dict[str, Any], ctx: ImportContext) -> None:
    key = (values.get("hotline"), values.get("year"))
    pack = ctx.resolve(registry().get("Renewals"), key)
    if pack is None:
        raise ValidationError(f"No renewal pack of “{key[0]}” for {key[1]} (Renewals sheet or database).")
    proposal.pack = pack


def _apply_proposal_stage_change(proposal: Any, values: dict[str, Any], ctx: ImportContext) -> None:
    when = values.get("stage_changed_at")
    if when is None:
        proposal.stage_change = None
        return
    hotline = values.get("hotline")
    change = ctx.resolve(registry().get("Stage history"), (hotline, when))
    if change is None:
        raise ValidationError(f"No stage change of “{hotline}” at {when} (Stage history sheet or database).")
    proposal.stage_change = change


JOINT_VISITS = AuditedSheet(
    name="Joint visits",
    model="onboarding.JointVisit",
    order=238,
    description="Visits that review several hotlines at once (their reviews name the visit in Assessments).",
    key_headers=["reference"],
    queryset=lambda: _model("JointVisit").objects.select_related("created_by").order_by("reference"),
    columns=[
        Column("reference", "reference", required=True, help="Unique reference, e.g. JV-2026-BALKANS."),
        Column("title", "title", required=True, help="Title."),
        Column("mode", "mode", kind="choice", required=True, help="on_site or remote."),
        Column("starts_on", "starts_on", kind="date", required=True, help="First day."),
        Column("ends_on", "ends_on", kind="date", required=True, help="Last day."),
        Column("notes", "notes", help="Notes."),
        _user_column("created_by", "created_by", "Email of the staff member who planned it."),
    ],
)

SHEETS = [
    AuditedSheet(
        name="Renewals",
        model="onboarding.RenewalPack",
        order=270,
        description=(
            "Annual renewal packs: due date and grace, and what the member recorded on them (Code of Practice "
            "re-declared, contacts confirmed). The annual profile and statistics parts are read from their sheets."
        ),
        key_headers=["hotline", "year"],
        queryset=lambda: (
            _model("RenewalPack")
            .objects.select_related("hotline", "opened_by", "code_declared_by", "contacts_confirmed_by")
            .order_by("hotline__brand_name", "year")
        ),
        columns=[
            _hotline(),
            Column("year", "year", kind="int", required=True, help="The renewal's year."),
            Column("due_on", "due_on", kind="date", required=True, help="Due date."),
            Column("grace_until", "grace_until", kind="date", required=True, help="Last day of grace."),
            _datetime_column("opened_at", "opened_at", "When the pack was opened."),
            _user_column("opened_by", "opened_by", "Email of the staff member who opened it."),
            _datetime_column("code_declared_at", "code_declared_at", "When the Code of Practice was re-declared."),
            _user_column("code_declared_by", "code_declared_by", "Email of the member's user who re-declared it."),
            _datetime_column("contacts_confirmed_at", "contacts_confirmed_at", "When the contacts were confirmed."),
            _user_column("contacts_confirmed_by", "contacts_confirmed_by", "Email of the user who confirmed them."),
            Column("warned_on", "warned_on", kind="date", help="When the lapse warning went out, if it did."),
        ],
    ),
    AuditedSheet(
        name="Suspension proposals",
        model="onboarding.SuspensionProposal",
        order=272,
        description="Proposals to suspend a member whose renewal lapsed, and staff's decision on each.",
        key_headers=["hotline", "year"],
        queryset=lambda: (
            _model("SuspensionProposal")
            .objects.select_related("hotline", "pack", "decided_by", "stage_change")
            .order_by("hotline__brand_name", "pack__year")
        ),
        columns=[
            _hotline(),
            Column(
                "year",
                None,
                kind="int",
                required=True,
                export=lambda p: p.pack.year,
                apply=_apply_pack,
                help="Year of the lapsed renewal pack (Renewals sheet).",
            ),
            Column("proposed_on", "proposed_on", kind="date", required=True, help="When it was proposed."),
            Column("status", "status", kind="choice", required=True, help="open, suspended or dismissed."),
            Column("reason", "reason", help="Why it was acted on or dismissed."),
            _datetime_column("decided_at", "decided_at", "When staff decided."),
            _user_column("decided_by", "decided_by", "Email of the staff member who decided."),
            Column(
                "stage_changed_at",
                None,
                kind="datetime",
                export=lambda p: _to_second(p.stage_change.changed_at) if p.stage_change_id else None,
                apply=_apply_proposal_stage_change,
                help="When the suspension moved the hotline (Stage history), if it did.",
            ),
        ],
    ),
    AuditedSheet(
        name="QA certificates",
        model="onboarding.QaCertificate",
        order=274,
        description="Quality reviews' certificates: the passed review, the hotline and the validity dates.",
        key_headers=["reference"],
        queryset=lambda: (
            _model("QaCertificate").objects.select_related("assessment", "hotline", "issued_by").order_by("reference")
        ),
        columns=[
            Column("reference", "reference", required=True, help="Certificate number."),
            Column("assessment", "assessment", kind="ref", ref="Assessments", required=True, help="Review reference."),
            _hotline(),
            Column("valid_from", "valid_from", kind="date", required=True, help="First day of validity."),
            Column("valid_until", "valid_until", kind="date", required=True, help="Last day of validity."),
            _datetime_column("issued_at", "issued_at", "When it was issued."),
            _user_column("issued_by", "issued_by", "Email of the account that issued it (empty: on its own)."),
        ],
    ),
]
