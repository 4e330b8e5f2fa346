"""Sheets of engagement: interactions, roundtables with their participants and action items,
agreements and their parties, MoU alternatives."""

from __future__ import annotations

from core.workbook import Column
from onboarding.workbook.columns import (
    AuditedSheet,
    _apply_contact,
    _datetime_key_column,
    _hotline,
    _local_time_column,
    _model,
    _to_second,
    _user_column,
)

SHEETS = [
    AuditedSheet(
        name="Interactions",
        model="onboarding.Interaction",
        order=140,
        description="The contact log with candidates: meetings, calls, seminars.",
        key_headers=["hotline", "occurred_on", "subject"],
        queryset=lambda: (
            _model("Interaction")
            .objects.exclude(kind="appeal")  # appeals: their own sheet, after the decisions they contest
            .select_related("hotline", "recorded_by")
            .prefetch_related("organisations")
            .order_by("hotline__brand_name", "occurred_on", "subject")
        ),
        columns=[
            _hotline(),
            Column("occurred_on", "occurred_on", kind="date", required=True, help="Date."),
            Column("subject", "subject", required=True, help="Subject."),
            Column("kind", "kind", kind="choice", required=True, help="Kind key."),
            Column("summary", "summary", help="Summary."),
            Column(
                "organisations",
                "organisations",
                kind="refs",
                ref="Organisations",
                help="Names of the organisations involved, separated by “; ”.",
            ),
            _user_column("recorded_by", "recorded_by", "Email of the account that logged it."),
        ],
    ),
    AuditedSheet(
        name="Roundtables",
        model="onboarding.Roundtable",
        order=150,
        description="Meetings of a country's stakeholders about a hotline (minutes documents are not included).",
        key_headers=["code"],
        queryset=lambda: (
            _model("Roundtable").objects.select_related("country", "hotline").order_by("starts_at", "code")
        ),
        columns=[
            Column(
                "code", "code", required=True, help="Unique reference, e.g. RT-KE-2026-03-12; other sheets refer to it."
            ),
            Column("title", "title", required=True, help="Title."),
            Column("country", "country", kind="ref", ref="Countries", required=True, help="Country code."),
            _hotline("Brand name of the candidate hotline, if any.", required=False),
            Column("status", "status", kind="choice", required=True, help="planned, held or cancelled."),
            Column(
                "time_zone",
                "time_zone",
                export=lambda r: r.zone_name,
                help="Time zone of its times (tz database, e.g. Asia/Kathmandu; empty: the country's main zone).",
            ),
            _local_time_column("starts_at", required=True, help="Start, on the roundtable's clock (its time zone)."),
            _local_time_column("ends_at", required=False, help="End, on the roundtable's clock (its time zone)."),
            Column("format", "format", kind="choice", required=True, help="Format key."),
            Column("venue", "venue", help="Place, or the online tool."),
            Column("agenda", "agenda", help="Agenda."),
            Column("outcomes", "outcomes", help="Outcomes."),
        ],
    ),
    AuditedSheet(
        name="Roundtable participants",
        model="onboarding.RoundtableParticipant",
        order=160,
        description="Organisations (and optionally one of their contacts) invited to a roundtable, by sector.",
        key_headers=["roundtable", "organisation", "contact"],
        queryset=lambda: (
            _model("RoundtableParticipant")
            .objects.select_related("roundtable", "organisation", "contact")
            .order_by("roundtable__code", "organisation__name", "contact__name")
        ),
        columns=[
            Column("roundtable", "roundtable", kind="ref", ref="Roundtables", required=True, help="Roundtable code."),
            Column(
                "organisation",
                "organisation",
                kind="ref",
                ref="Organisations",
                required=True,
                help="Organisation name.",
            ),
            Column(
                "contact",
                None,
                export=lambda p: p.contact.name if p.contact_id else None,
                apply=_apply_contact,
                help="Name of a contact at that organisation (Contacts sheet), or empty.",
            ),
            Column("sector", "sector", kind="choice", required=True, help="Sector key."),
            Column("status", "status", kind="choice", required=True, help="invited, attended or absent."),
            Column("committed", "committed", kind="bool", help="TRUE if it committed to support the hotline."),
            Column("notes", "notes", help="Notes."),
        ],
    ),
    AuditedSheet(
        name="Action items",
        model="onboarding.ActionItem",
        order=170,
        description="What was agreed at a roundtable: who does it by when.",
        key_headers=["roundtable", "title"],
        queryset=lambda: (
            _model("ActionItem")
            .objects.select_related("roundtable", "owner_user", "owner_organisation")
            .order_by("roundtable__code", "due_on", "title")
        ),
        columns=[
            Column("roundtable", "roundtable", kind="ref", ref="Roundtables", required=True, help="Roundtable code."),
            Column("title", "title", required=True, help="The action."),
            _user_column("owner_user", "owner_user", "Email of the owner's account (receives the reminders)."),
            Column(
                "owner_organisation",
                "owner_organisation",
                kind="ref",
                ref="Organisations",
                help="Name of the owning organisation.",
            ),
            Column("due_on", "due_on", kind="date", required=True, help="Due date."),
            Column("status", "status", kind="choice", required=True, help="Status key."),
            Column("completed_on", "completed_on", kind="date", help="When it was done."),
            Column("notes", "notes", help="Notes."),
        ],
    ),
    AuditedSheet(
        name="Agreements",
        model="onboarding.Agreement",
        order=180,
        description="MoUs, letters of support, funding and other agreements (signed documents are not included).",
        key_headers=["reference"],
        queryset=lambda: _model("Agreement").objects.select_related("country", "hotline").order_by("reference"),
        columns=[
            Column("reference", "reference", required=True, help="Unique reference, e.g. AG-KE-LE-MOU-1."),
            Column("kind", "kind", kind="choice", required=True, help="Kind key."),
            Column("title", "title", required=True, help="Title."),
            Column("country", "country", kind="ref", ref="Countries", required=True, help="Country code."),
            _hotline("Brand name of the hotline it is for, if any.", required=False),
            Column("status", "status", kind="choice", required=True, help="Status key."),
            Column("signed_on", "signed_on", kind="date", help="Signing date (required when signed)."),
            Column("expires_on", "expires_on", kind="date", help="Expiry date (empty: none)."),
            Column(
                "covers_first_operating_year",
                "covers_first_operating_year",
                kind="bool",
                help="Funding agreements: TRUE if it funds the first operating year.",
            ),
            Column("notes", "notes", help="Notes."),
        ],
    ),
    AuditedSheet(
        name="Agreement parties",
        model="onboarding.AgreementParty",
        order=190,
        description="The organisations party to each agreement and the sector they sign for.",
        key_headers=["agreement", "organisation"],
        queryset=lambda: (
            _model("AgreementParty")
            .objects.select_related("agreement", "organisation")
            .order_by("agreement__reference", "organisation__name")
        ),
        columns=[
            Column("agreement", "agreement", kind="ref", ref="Agreements", required=True, help="Agreement reference."),
            Column(
                "organisation",
                "organisation",
                kind="ref",
                ref="Organisations",
                required=True,
                help="Organisation name.",
            ),
            Column("sector", "sector", kind="choice", required=True, help="Sector key."),
        ],
    ),
    AuditedSheet(
        name="MoU alternatives",
        model="onboarding.MouAlternative",
        order=195,
        description="Documented alternatives to a law-enforcement MoU and their approval.",
        key_headers=["hotline", "proposed_at"],
        queryset=lambda: (
            _model("MouAlternative")
            .objects.select_related("hotline", "proposed_by", "decided_by")
            .order_by("hotline__brand_name", "proposed_at")
        ),
        columns=[
            _hotline(),
            _datetime_key_column("proposed_at", "proposed_at", "When it was proposed (local time, to the second)."),
            Column("arrangement", "arrangement", required=True, help="The arrangement replacing the MoU."),
            Column("why_no_mou", "why_no_mou", required=True, help="Why no MoU is possible."),
            Column("status", "status", kind="choice", required=True, help="proposed, approved or declined."),
            _user_column("proposed_by", "proposed_by", "Email of the proposing account."),
            _user_column("decided_by", "decided_by", "Email of the deciding account (another staff member)."),
            Column(
                "decided_at",
                "decided_at",
                kind="datetime",
                export=lambda a: _to_second(a.decided_at),
                help="When it was decided.",
            ),
            Column("decision_note", "decision_note", help="Decision note."),
        ],
    ),
    AuditedSheet(
        name="Message templates",
        model="onboarding.MessageTemplate",
        order=197,
        description="The texts of the emails staff send from records (a roundtable's invitation, a message to a "
        "candidate), in English, French and Spanish; placeholders are checked as in the admin.",
        key_headers=["purpose"],
        queryset=lambda: _model("MessageTemplate").objects.order_by("purpose"),
        columns=[
            Column(
                "purpose",
                "purpose",
                kind="choice",
                required=True,
                help="roundtable_invitation or candidate_message.",
            ),
            Column("subject_en", "subject_en", required=True, help="Subject in English (placeholders in braces)."),
            Column("body_en", "body_en", required=True, help="Text in English (placeholders in braces)."),
            Column("subject_fr", "subject_fr", required=True, help="Subject in French (placeholders in braces)."),
            Column("body_fr", "body_fr", required=True, help="Text in French (placeholders in braces)."),
            Column("subject_es", "subject_es", required=True, help="Subject in Spanish (placeholders in braces)."),
            Column("body_es", "body_es", required=True, help="Text in Spanish (placeholders in braces)."),
        ],
    ),
]
