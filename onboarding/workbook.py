"""Sheets of the onboarding records in the network workbook (documented in docs/data-format.md).

The dossier follows: checklist templates (by name and version) and their items (by code),
candidates' checklists and item states (by hotline and code), comments (text), evidence documents'
metadata (by their stored name, which is how a restored private-files folder finds them again; the
files themselves are not in the workbook), evidence links, reviewer assignments (by hotline and the
reviewer's email), assessments (by reference), findings (by assessment and area), corrective
actions (by assessment and title) and decisions (by assessment). Item history stays in the
database with the audit trail, like every record's history.

They come after the registry's sheets. Natural keys: candidate profiles by hotline, stage history
by hotline and time (to the second), country assessments by country and date, interactions by
hotline, date and subject, roundtables and agreements by their reference, participants by
roundtable, organisation and contact name, action items by roundtable and title, agreement
parties by agreement and organisation, MoU alternatives by hotline and time proposed.
People appear by their account's email, which must be in the Accounts sheet or recorded already.
Uploaded documents (minutes, signed agreements) are not part of the workbook. Stage history is
restored only for hotlines the import creates (a restore), never added to or changed for a
recorded hotline: the lifecycle alone writes it (`StageHistorySheet`).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models.functions import TruncSecond
from django.utils import timezone
from django.utils.translation import gettext as _

from core.constraints import field_value
from core.workbook import NEW, Column, ImportContext, ModelSheet, registry
from network.time_zones import is_zone
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

    audit_action = "onboarding.import"


class StageHistorySheet(AuditedSheet):
    """The stage history is written by the lifecycle; an import only restores the history of a hotline
    it creates (and leaves a recorded hotline's history as it is)."""

    def row_checks(self, plan: Any, ctx: ImportContext) -> dict[str, list[str]]:
        hotlines = registry().get("Hotlines")
        hotline = plan.obj.hotline if plan.obj.hotline_id or field_value(plan.obj, "hotline") else None
        if hotline is None or not ctx.is_existing(hotlines, hotline):
            return {}
        if plan.status == NEW:
            message = _(
                "“%(hotline)s” is recorded already: its stage history grows only through the lifecycle's "
                "transitions, never by an import."
            )
        else:
            message = _("“%(hotline)s”: a recorded stage change cannot be altered by an import.")
        return {"changed_at": [message % {"hotline": hotline.brand_name}]}


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
        setattr(obj, field, _account(email, ctx))

    return Column(header, None, export=export, apply=apply, help=help)


def _account(email: str, ctx: ImportContext) -> Any:
    user = ctx.user(email)
    if user is None:
        raise ValidationError(
            _("No account “%(email)s” in the Accounts sheet nor already recorded.") % {"email": email}
        )
    return user


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


def _local_time_column(header: str, *, required: bool, help: str) -> Column:
    """A roundtable's time as its people read it: wall-clock time in the row's time zone."""

    def zone_of(values: dict[str, Any], roundtable: Any, ctx: ImportContext) -> ZoneInfo:
        name = values.get("time_zone") or ""
        if not name:
            country = ctx.resolve(registry().get("Countries"), (values.get("country"),))
            name = country.zone_name if country is not None else settings.TIME_ZONE
        if not is_zone(name):
            raise ValidationError(f"“{name}” is not a time zone of the tz database.")
        return ZoneInfo(name)

    def export(roundtable: Any) -> datetime | None:
        moment = getattr(roundtable, header)
        return roundtable.local(moment).replace(microsecond=0, tzinfo=None) if moment else None

    def apply(roundtable: Any, values: dict[str, Any], ctx: ImportContext) -> None:
        value = values.get(header)
        if value is None:
            if required:
                raise ValidationError("A value is required.")
            setattr(roundtable, header, None)
            return
        wall_clock = timezone.make_naive(value) if timezone.is_aware(value) else value
        setattr(
            roundtable, header, timezone.make_aware(wall_clock.replace(microsecond=0), zone_of(values, roundtable, ctx))
        )

    return Column(header, None, kind="datetime", required=required, export=export, apply=apply, help=help)


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


def _hotline(help: str = "Brand name of the hotline (Hotlines sheet).", *, required: bool = True) -> Column:
    return Column("hotline", "hotline", kind="ref", ref="Hotlines", required=required, help=help)


# -- dossier helpers --------------------------------------------------------------------------
def _datetime_column(header: str, field: str, help: str) -> Column:
    return Column(header, field, kind="datetime", export=lambda obj: _to_second(getattr(obj, field)), help=help)


def _required_user_column(header: str, field: str, help: str) -> Column:
    def apply(obj: Any, values: dict[str, Any], ctx: ImportContext) -> None:
        email = (values.get(header) or "").strip()
        if not email:
            raise ValidationError(_("A value is required."))
        setattr(obj, field, _account(email, ctx))

    return Column(
        header,
        None,
        required=True,
        export=lambda obj: getattr(obj, field).email,
        apply=apply,
        help=help,
    )


def _template_of(values: dict[str, Any], ctx: ImportContext, name_header: str, version_header: str) -> Any:
    key = (values.get(name_header), values.get(version_header))
    template = ctx.resolve(registry().get("Checklist templates"), key)
    if template is None:
        raise ValidationError(f"No checklist template “{key[0]}” version {key[1]} (Checklist templates sheet).")
    return template


def _apply_template(item: Any, values: dict[str, Any], ctx: ImportContext) -> None:
    item.template = _template_of(values, ctx, "template", "version")


def _apply_checklist_template(checklist: Any, values: dict[str, Any], ctx: ImportContext) -> None:
    checklist.template = _template_of(values, ctx, "template", "version")


def _checklist_of(hotline: str, ctx: ImportContext) -> Any:
    checklist = ctx.resolve(registry().get("Checklists"), (hotline,))
    if checklist is None:
        raise ValidationError(f"“{hotline}” has no checklist (Checklists sheet).")
    return checklist


def _apply_item_checklist(item: Any, values: dict[str, Any], ctx: ImportContext) -> None:
    checklist = _checklist_of(values.get("hotline"), ctx)
    item.checklist = checklist
    version = values.get("template_version") or checklist.template.version
    template_item = ctx.resolve(
        registry().get("Checklist template items"), (checklist.template.name, version, values.get("code"))
    )
    if template_item is None:
        raise ValidationError(f"Version {version} of “{checklist.template.name}” has no item “{values.get('code')}”.")
    item.template_item = template_item


def _item_of(values: dict[str, Any], ctx: ImportContext) -> Any:
    key = (values.get("hotline"), values.get("code"))
    item = ctx.resolve(registry().get("Checklist items"), key)
    if item is None:
        raise ValidationError(f"No checklist item “{key[1]}” for “{key[0]}” (Checklist items sheet).")
    return item


def _apply_comment_item(comment: Any, values: dict[str, Any], ctx: ImportContext) -> None:
    comment.item = _item_of(values, ctx)


def _apply_link_item(link: Any, values: dict[str, Any], ctx: ImportContext) -> None:
    link.item = _item_of(values, ctx)


def _apply_corrected_decision(correction: Any, values: dict[str, Any], ctx: ImportContext) -> None:
    reference = values.get("assessment")
    decision = ctx.resolve(registry().get("Decisions"), (reference,))
    if decision is None:
        raise ValidationError(f"No decision on “{reference}” (Decisions sheet or database).")
    correction.decision = decision


def _apply_changes(correction: Any, values: dict[str, Any], ctx: ImportContext) -> None:
    try:
        changes = json.loads(values.get("changes") or "")
    except ValueError as exc:
        raise ValidationError("Not the JSON of {field: [old, new]}.") from exc
    if not isinstance(changes, dict) or not all(isinstance(v, list) and len(v) == 2 for v in changes.values()):
        raise ValidationError("Not the JSON of {field: [old, new]}.")
    correction.changes = changes


def _apply_correction_stage_change(correction: Any, values: dict[str, Any], ctx: ImportContext) -> None:
    when = values.get("stage_changed_at")
    if when is None:
        correction.stage_change = None
        return
    hotline = correction.decision.assessment.hotline.brand_name
    change = ctx.resolve(registry().get("Stage history"), (hotline, when))
    if change is None:
        raise ValidationError(f"No stage change of “{hotline}” at {when} (Stage history sheet or database).")
    correction.stage_change = change


def _item_hotline(obj: Any) -> str:
    return obj.item.checklist.hotline.brand_name


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
    # -- The dossier ----------------------------------------------------------------------------
    AuditedSheet(
        name="Checklist templates",
        model="onboarding.ChecklistTemplate",
        order=200,
        description="Versions of the onboarding checklist (draft, published, retired).",
        key_headers=["name", "version"],
        queryset=lambda: _model("ChecklistTemplate").objects.order_by("name", "version"),
        columns=[
            Column("name", "name", required=True, help="Name of the checklist."),
            Column("version", "version", kind="int", required=True, help="Version number."),
            Column("status", "status", kind="choice", required=True, help="draft, published or retired."),
            Column("notes", "notes", help="What changed in this version."),
            Column(
                "resubmission_days",
                "resubmission_days",
                kind="int",
                help="Days a candidate gets to answer a request for changes (empty: 14).",
            ),
            _datetime_column("published_at", "published_at", "When it was published (local time)."),
            _user_column("published_by", "published_by", "Email of the account that published it."),
        ],
    ),
    AuditedSheet(
        name="Checklist template items",
        model="onboarding.ChecklistTemplateItem",
        order=205,
        description="The items of each template version: code, area (1-14), title, guidance, evidence, the "
        "stage each gates and its due date.",
        key_headers=["template", "version", "code"],
        queryset=lambda: (
            _model("ChecklistTemplateItem")
            .objects.select_related("template")
            .order_by("template__name", "template__version", "sort_order", "code")
        ),
        columns=[
            Column(
                "template",
                None,
                required=True,
                export=lambda i: i.template.name,
                apply=_apply_template,
                help="Name of the checklist (Checklist templates sheet).",
            ),
            Column("version", None, kind="int", required=True, export=lambda i: i.template.version, help="Version."),
            Column("code", "code", required=True, help="Stable item code, e.g. 3.1."),
            Column("sort_order", "sort_order", kind="int", help="Position in the checklist."),
            Column("area", "area", kind="int", required=True, help="Area 1-14 (DOMAIN: the 14 areas)."),
            Column("title", "title", required=True, help="Title."),
            Column("guidance", "guidance", help="Guidance (HTML rich text)."),
            Column("evidence_required", "evidence_required", kind="bool", help="TRUE if a document is required."),
            Column("gates_stage", "gates_stage", kind="choice", required=True, help="The stage it is needed before."),
            Column(
                "due_days", "due_days", kind="int", required=True, help="Due after this many days in the stage before."
            ),
            Column(
                "gate_fact", "gate_fact", kind="choice", help="host_due_diligence or legal_review, for the named gates."
            ),
        ],
    ),
    AuditedSheet(
        name="Checklists",
        model="onboarding.Checklist",
        order=210,
        description="Each candidate's checklist and the template version it follows.",
        key_headers=["hotline"],
        queryset=lambda: (
            _model("Checklist").objects.select_related("hotline", "template").order_by("hotline__brand_name")
        ),
        columns=[
            _hotline(),
            Column(
                "template",
                None,
                required=True,
                export=lambda c: c.template.name,
                apply=_apply_checklist_template,
                help="Name of the checklist template.",
            ),
            Column(
                "version", None, kind="int", required=True, export=lambda c: c.template.version, help="Its version."
            ),
        ],
    ),
    AuditedSheet(
        name="Checklist items",
        model="onboarding.ChecklistItem",
        order=215,
        description="Each candidate's item states, answers, due dates, reviews and waivers.",
        key_headers=["hotline", "code"],
        queryset=lambda: (
            _model("ChecklistItem")
            .objects.select_related(
                "checklist__hotline",
                "template_item__template",
                "submitted_by",
                "reviewed_by",
                "waived_by",
                "waiver_approved_by",
            )
            .order_by("checklist__hotline__brand_name", "template_item__sort_order", "code")
        ),
        columns=[
            Column(
                "hotline",
                None,
                required=True,
                export=lambda i: i.checklist.hotline.brand_name,
                apply=_apply_item_checklist,
                help="Brand name of the hotline (Checklists sheet).",
            ),
            Column("code", "code", required=True, help="Item code."),
            Column(
                "template_version",
                None,
                kind="int",
                export=lambda i: i.template_item.template.version,
                help="Template version the item follows (empty: the checklist's).",
            ),
            Column("state", "state", kind="choice", required=True, help="Item state key."),
            Column("answer", "answer", help="The candidate's answer."),
            Column("due_on", "due_on", kind="date", help="Due date."),
            _datetime_column("state_changed_at", "state_changed_at", "When the state last changed."),
            _user_column("submitted_by", "submitted_by", "Email of the account that last submitted it."),
            _datetime_column("submitted_at", "submitted_at", "When it was last submitted."),
            _user_column("reviewed_by", "reviewed_by", "Email of the last reviewer."),
            _datetime_column("reviewed_at", "reviewed_at", "When it was last reviewed."),
            Column("waiver_reason", "waiver_reason", help="Why it was waived."),
            _user_column("waived_by", "waived_by", "Email of the staff member who waived it."),
            _datetime_column("waived_at", "waived_at", "When it was waived."),
            _user_column("waiver_approved_by", "waiver_approved_by", "Email of the second staff member who approved."),
            _datetime_column("waiver_approved_at", "waiver_approved_at", "When the waiver was approved."),
            _datetime_column("removed_at", "removed_at", "When a version move dropped it (empty: current)."),
        ],
    ),
    AuditedSheet(
        name="Checklist comments",
        model="onboarding.ItemComment",
        order=220,
        description="The comment threads of checklist items (text).",
        key_headers=["hotline", "code", "created_at", "author"],
        queryset=lambda: (
            _model("ItemComment")
            .objects.select_related("item__checklist__hotline", "author")
            # To the second, as the sheet holds it: the order survives a round trip.
            .order_by(
                "item__checklist__hotline__brand_name", "item__code", TruncSecond("created_at"), "author__email", "body"
            )
        ),
        columns=[
            Column("hotline", None, required=True, export=_item_hotline, apply=_apply_comment_item, help="Hotline."),
            Column("code", None, required=True, export=lambda c: c.item.code, help="Item code."),
            _datetime_key_column("created_at", "created_at", "When it was written (local time, to the second)."),
            _user_column("author", "author", "Email of the author's account."),
            Column("body", "body", required=True, help="The comment."),
        ],
    ),
    AuditedSheet(
        name="Evidence documents",
        model="onboarding.EvidenceDocument",
        order=225,
        description="Metadata of the evidence documents (not the files: those stay in the private files folder, "
        "where `stored_name` finds them).",
        key_headers=["stored_name"],
        queryset=lambda: (
            _model("EvidenceDocument")
            .objects.select_related("hotline", "uploaded_by")
            .order_by("hotline__brand_name", "stored_name")
        ),
        columns=[
            Column("stored_name", "stored_name", required=True, help="Name in the private files folder."),
            _hotline(),
            Column("original_name", "original_name", required=True, help="File name as uploaded (cleaned)."),
            Column("content_type", "content_type", required=True, help="Type decided from the content."),
            Column("size", "size", kind="int", required=True, help="Size in bytes."),
            Column("sha256", "sha256", required=True, help="SHA-256 of the content."),
            Column("description", "description", help="Description."),
            Column("expires_on", "expires_on", kind="date", help="Valid until."),
            Column(
                "expiry_processed_for",
                "expiry_processed_for",
                kind="date",
                help="The expiry date whose consequences were applied (items reopened, people told).",
            ),
            _user_column("uploaded_by", "uploaded_by", "Email of the uploading account."),
            _datetime_key_column("uploaded_at", "uploaded_at", "When it was uploaded."),
        ],
    ),
    AuditedSheet(
        name="Evidence links",
        model="onboarding.EvidenceLink",
        order=230,
        description="Which checklist items each document supports.",
        key_headers=["document", "hotline", "code"],
        queryset=lambda: (
            _model("EvidenceLink")
            .objects.select_related("document", "item__checklist__hotline", "linked_by")
            .order_by("document__stored_name", "item__code")
        ),
        columns=[
            Column("document", "document", kind="ref", ref="Evidence documents", required=True, help="Stored name."),
            Column("hotline", None, required=True, export=_item_hotline, apply=_apply_link_item, help="Hotline."),
            Column("code", None, required=True, export=lambda link: link.item.code, help="Item code."),
            _user_column("linked_by", "linked_by", "Email of the account that linked it."),
            _datetime_column("linked_at", "linked_at", "When."),
        ],
    ),
    AuditedSheet(
        name="Reviewer assignments",
        model="onboarding.ReviewerAssignment",
        order=235,
        description="Reviewers assigned to each dossier and their conflict-of-interest declarations.",
        key_headers=["hotline", "reviewer"],
        queryset=lambda: (
            _model("ReviewerAssignment")
            .objects.select_related("hotline", "reviewer", "assigned_by")
            .order_by("hotline__brand_name", "reviewer__email")
        ),
        columns=[
            _hotline(),
            _required_user_column("reviewer", "reviewer", "Email of the reviewer's account."),
            _user_column("assigned_by", "assigned_by", "Email of the staff member who assigned them."),
            _datetime_column("assigned_at", "assigned_at", "When."),
            _datetime_column("coi_declared_at", "coi_declared_at", "When they declared (empty: not yet)."),
            Column("has_conflict", "has_conflict", kind="bool", help="TRUE if they declared a conflict."),
            Column("coi_statement", "coi_statement", help="Their declaration."),
        ],
    ),
    AuditedSheet(
        name="Assessments",
        model="onboarding.Assessment",
        order=240,
        description="Accreditation assessments: kind, mode, dates, status, recommendation and report summary.",
        key_headers=["reference"],
        queryset=lambda: (
            _model("Assessment")
            .objects.select_related("hotline", "report_completed_by", "created_by")
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
]
