"""Sheets of the onboarding records in the network workbook (documented in docs/data-format.md).

They come after the registry's sheets. Natural keys: candidate profiles by hotline, stage history
by hotline and time (to the second), country assessments by country and date, interactions by
hotline, date and subject, roundtables and agreements by their reference, participants by
roundtable, organisation and contact name, action items by roundtable and title, agreement
parties by agreement and organisation, MoU alternatives by hotline and time proposed.
People appear by their account's email: an import links the account when it exists and leaves the
cell's link empty otherwise (accounts are not part of the workbook). Uploaded documents (minutes,
signed agreements) are not part of the workbook either. Stage history is restored as it is,
without running the workflow (the Hotlines sheet carries the current stage).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.audit import audit
from core.workbook import Column, ImportContext, ModelSheet, registry
from onboarding.models import ASSESSMENT_CRITERIA


def _model(name: str) -> Any:
    return apps.get_model("onboarding", name)


def _to_second(value: datetime | None) -> datetime | None:
    """Datetimes in the workbook are local time to the second (spreadsheets keep no more)."""
    if value is None:
        return None
    return timezone.localtime(value).replace(microsecond=0, tzinfo=None)


def _aware_second(value: datetime) -> datetime:
    value = timezone.make_aware(value) if timezone.is_naive(value) else value
    return value.replace(microsecond=0)


class AuditedSheet(ModelSheet):
    """Every row an import creates or changes leaves an entry in that record's history."""

    def import_row(self, values: dict[str, Any], ctx: ImportContext, *, row: int) -> tuple[str, Any]:
        outcome, obj = super().import_row(values, ctx, row=row)
        if outcome in ("created", "updated"):
            audit(
                obj,
                f"onboarding.import.{'create' if outcome == 'created' else 'update'}",
                data={"sheet": self.name, "row": row},
            )
        return outcome, obj


# -- custom columns ---------------------------------------------------------------------------
def _user_column(header: str, field: str, help: str) -> Column:
    def export(obj: Any) -> str | None:
        user = getattr(obj, field)
        return user.email if user is not None else None

    def apply(obj: Any, values: dict[str, Any], ctx: ImportContext) -> None:
        email = (values.get(header) or "").strip()
        if not email:
            setattr(obj, field, None)
            return
        user_model = apps.get_model("accounts", "User")
        setattr(obj, field, user_model.objects.filter(email__iexact=email).first())

    return Column(header, None, export=export, apply=apply, help=help)


def _datetime_key_column(header: str, field: str, help: str) -> Column:
    def apply(obj: Any, values: dict[str, Any], ctx: ImportContext) -> None:
        value = values.get(header)
        if value is None:
            raise ValidationError("A value is required.")
        setattr(obj, field, _aware_second(value))

    return Column(
        header,
        field,
        kind="datetime",
        required=True,
        export=lambda obj: _to_second(getattr(obj, field)),
        apply=apply,
        help=help,
    )


def _within_second(field: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, datetime):
        return {field: value}
    start = _aware_second(value)
    return {f"{field}__gte": start, f"{field}__lt": start + timedelta(seconds=1)}


def _apply_contact(participant: Any, values: dict[str, Any], ctx: ImportContext) -> None:
    name = (values.get("contact") or "").strip()
    if not name:
        participant.contact = None
        return
    organisation = values.get("organisation")
    contact = ctx.resolve(registry().get("Contacts"), (organisation, name))
    if contact is None:
        raise ValidationError(f"No contact “{name}” at “{organisation}” (Contacts sheet or database).")
    participant.contact = contact


def _participant_lookup(key: tuple) -> Any:
    roundtable, organisation, contact = key
    found = _model("RoundtableParticipant").objects.filter(roundtable__code=roundtable, organisation__name=organisation)
    found = found.filter(contact__name=contact) if contact else found.filter(contact__isnull=True)
    return found.first()


def _stage_change_lookup(key: tuple) -> Any:
    hotline, changed_at = key
    return (
        _model("StageChange")
        .objects.filter(hotline__brand_name=hotline, **_within_second("changed_at", changed_at))
        .first()
    )


def _alternative_lookup(key: tuple) -> Any:
    hotline, proposed_at = key
    return (
        _model("MouAlternative")
        .objects.filter(hotline__brand_name=hotline, **_within_second("proposed_at", proposed_at))
        .first()
    )


def _hotline(help: str = "Brand name of the hotline (Hotlines sheet).", *, required: bool = True) -> Column:
    return Column("hotline", "hotline", kind="ref", ref="Hotlines", required=required, help=help)


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
    AuditedSheet(
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
        lookup=_stage_change_lookup,
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
    AuditedSheet(
        name="Interactions",
        model="onboarding.Interaction",
        order=140,
        description="The contact log with candidates: meetings, calls, seminars.",
        key_headers=["hotline", "occurred_on", "subject"],
        queryset=lambda: (
            _model("Interaction")
            .objects.select_related("hotline", "recorded_by")
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
            _datetime_key_column("starts_at", "starts_at", "Start (local time)."),
            Column(
                "ends_at",
                "ends_at",
                kind="datetime",
                export=lambda r: _to_second(r.ends_at),
                help="End (local time).",
            ),
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
        lookup=_participant_lookup,
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
        lookup=_alternative_lookup,
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
]
