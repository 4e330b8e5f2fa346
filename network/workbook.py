"""Sheets of the network registry in the network workbook (documented in docs/data-format.md).

Natural keys: countries by ISO code, organisations by name, contacts by organisation and name,
hotlines by brand name, analysts by code within their hotline, courses by title, events by code,
participations by event and analyst (or the participant's reference), annual profiles by hotline
and year, statistics by hotline and period. Lifecycle stages are written as their keys
(`full_member`); an import restores them as they are, without running the workflow.
User accounts are not part of the workbook (who submitted a return stays in the history).
Every row an import creates or changes is recorded in that record's history with its fields.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from core.audit import audit
from core.workbook import Column, ImportContext, ModelSheet, registry
from network.history import audit_change, created_fields, field_values


class AuditedModelSheet(ModelSheet):
    """A model sheet whose import leaves a history entry (with the changed fields) per written row."""

    def import_row(self, values: dict[str, Any], ctx: ImportContext, *, row: int) -> tuple[str, Any]:
        key = self.key_of(values)
        existing = ctx.resolve(self, key)
        if existing is None:
            # Remember the miss, so that the row's import does not look the key up a second time.
            ctx.by_key.setdefault(self.name, {})[key] = None
        before = field_values(existing) if existing is not None else None
        outcome, obj = super().import_row(values, ctx, row=row)
        where = {"sheet": self.name, "row": row}
        if outcome == "created":
            audit(obj, "network.import.create", data={"changed": created_fields(obj), **where})
        elif outcome == "updated":
            audit_change(obj, "network.import.update", before=before or {}, user=None, extra=where)
        return outcome, obj


def _to_second(value: datetime | None) -> datetime | None:
    """Datetimes in the workbook are local time to the second (spreadsheets keep no more)."""
    if value is None:
        return None
    return timezone.localtime(value).replace(microsecond=0, tzinfo=None)


def _model(label: str) -> Any:
    from django.apps import apps

    return apps.get_model("network", label)


# -- custom columns -------------------------------------------------------------------------------
def _apply_point_of_contact(hotline: Any, values: dict[str, Any], ctx: ImportContext) -> None:
    name = values.get("point_of_contact")
    if not name:
        hotline.point_of_contact = None
        return
    organisation = values.get("host_organisation")
    contact = ctx.resolve(registry().get("Contacts"), (organisation, name))
    if contact is None:
        raise ValidationError(f"No contact “{name}” at “{organisation}” (Contacts sheet or database).")
    hotline.point_of_contact = contact


def _apply_participant(participation: Any, values: dict[str, Any], ctx: ImportContext) -> None:
    code, hotline = values.get("analyst"), values.get("hotline")
    if not code and not hotline:
        participation.analyst = None
        return
    if not (code and hotline):
        raise ValidationError("Give both the hotline and the analyst's code, or neither.")
    analyst = ctx.resolve(registry().get("Analysts"), (str(code).upper(), hotline))
    if analyst is None:
        raise ValidationError(f"No analyst “{code}” at hotline “{hotline}” (Analysts sheet or database).")
    participation.analyst = analyst


class AnalystSheet(AuditedModelSheet):
    """Codes are capitals: a lower-case code in the sheet is the same analyst."""

    def key_of(self, values: dict[str, Any]) -> tuple:
        code, hotline = super().key_of(values)
        return (code.upper() if isinstance(code, str) else code, hotline)


class ParticipationSheet(AuditedModelSheet):
    """Keyed by event and analyst (hotline + code), or by event and reference for other participants."""

    def key_of(self, values: dict[str, Any]) -> tuple:
        event, hotline, code, reference = super().key_of(values)
        if code or hotline:
            return (event, "analyst", hotline, str(code or "").upper())
        return (event, "reference", reference)


def _participation_lookup(key: tuple) -> Any:
    participations = _model("TrainingParticipation").objects.filter(event__code=key[0])
    if key[1] == "analyst":
        return participations.filter(analyst__hotline__brand_name=key[2], analyst__code=key[3]).first()
    if not key[2]:
        return None
    return participations.filter(analyst__isnull=True, reference=key[2]).first()


SHEETS = [
    ModelSheet(
        name="Countries",
        model="network.Country",
        order=10,
        description="Reference data: every ISO 3166-1 country (update only; the programme region is editable).",
        key_headers=["code"],
        allow_create=False,
        queryset=lambda: _model("Country").objects.order_by("code"),
        columns=[
            Column("code", "code", required=True, help="ISO 3166-1 alpha-2 code, e.g. KE."),
            Column("name", "name", required=True, help="English short name."),
            Column("alpha3", "alpha3", required=True, help="ISO 3166-1 alpha-3 code."),
            Column("numeric", "numeric", required=True, help="ISO 3166-1 numeric code (3 digits)."),
            Column("m49_region", "m49_region", help="UN M49 region."),
            Column("m49_subregion", "m49_subregion", help="UN M49 sub-region."),
            Column(
                "programme_region",
                "programme_region",
                kind="choice",
                help="Association programme region key.",
            ),
        ],
    ),
    AuditedModelSheet(
        name="Organisations",
        model="network.Organisation",
        order=20,
        description="Every organisation: hotline hosts, ministries, police, companies, donors.",
        key_headers=["name"],
        queryset=lambda: _model("Organisation").objects.select_related("country").order_by("name"),
        columns=[
            Column("name", "name", required=True, help="Unique name; other sheets refer to it."),
            Column("type", "type", kind="choice", required=True, help="Organisation type key."),
            Column(
                "country",
                "country",
                kind="ref",
                ref="Countries",
                required=True,
                help="Country code.",
            ),
            Column("website", "website", help="Web address."),
            Column("registration_number", "registration_number", help="Company or charity number."),
            Column(
                "publish_name_consent",
                "publish_name_consent",
                kind="bool",
                help="TRUE if reports may name it.",
            ),
        ],
    ),
    AuditedModelSheet(
        name="Contacts",
        model="network.Contact",
        order=30,
        description=(
            "People at organisations (personal data: keep the workbook safe). An erased contact keeps its "
            "row with the name replaced and role, email and phone empty."
        ),
        key_headers=["organisation", "name"],
        queryset=lambda: (
            _model("Contact").objects.select_related("organisation").order_by("organisation__name", "name")
        ),
        columns=[
            Column(
                "organisation",
                "organisation",
                kind="ref",
                ref="Organisations",
                required=True,
                help="Organisation name.",
            ),
            Column("name", "name", required=True, help="Full name; unique within the organisation."),
            Column("role", "role", help="Role or job title."),
            Column("sector", "sector", kind="choice", help="Stakeholder sector key."),
            Column("email", "email", help="Email address."),
            Column("phone", "phone", help="Phone number."),
            Column(
                "lawful_basis", "lawful_basis", kind="choice", required=True, help="Lawful basis for holding the data."
            ),
            Column("consent_date", "consent_date", kind="date", help="Required when the lawful basis is consent."),
            Column(
                "retain_until",
                "retain_until",
                kind="date",
                required=True,
                help="Date after which the personal data is to be erased.",
            ),
            Column(
                "erased_at",
                "erased_at",
                kind="datetime",
                export=lambda c: _to_second(c.erased_at),
                help="When the personal data was erased (empty while held).",
            ),
        ],
    ),
    AuditedModelSheet(
        name="Hotlines",
        model="network.Hotline",
        order=40,
        description=(
            "Hotlines, prospective and member, with their lifecycle stage. Import sets the stage as given "
            "(restoring data); changing a stage day to day is the onboarding workflow's job."
        ),
        key_headers=["brand_name"],
        queryset=lambda: (
            _model("Hotline")
            .objects.select_related("host_organisation", "country", "point_of_contact")
            .prefetch_related("countries_served")
            .order_by("brand_name")
        ),
        columns=[
            Column("brand_name", "brand_name", required=True, help="Unique public name; other sheets refer to it."),
            Column(
                "host_organisation",
                "host_organisation",
                kind="ref",
                ref="Organisations",
                required=True,
                help="Name of the organisation running the hotline.",
            ),
            Column("country", "country", kind="ref", ref="Countries", required=True, help="Home country code."),
            Column(
                "countries_served",
                "countries_served",
                kind="refs",
                ref="Countries",
                help="Country codes of every country served, e.g. `BE; LU`.",
            ),
            Column("public_reporting_url", "public_reporting_url", help="The public reporting page."),
            Column("description", "description", help="Public description (directory)."),
            Column("stage", "stage", kind="choice", required=True, help="Lifecycle stage key."),
            Column(
                "stage_entered_at",
                "stage_entered_at",
                kind="datetime",
                export=lambda h: _to_second(h.stage_entered_at),
                help="When the hotline entered its stage.",
            ),
            Column(
                "paused_stage",
                "paused_stage",
                kind="choice",
                help="For `on_hold`: the stage it paused in (it resumes there).",
            ),
            Column("joined_on", "joined_on", kind="date", help="Date it joined the network."),
            Column("full_member_on", "full_member_on", kind="date", help="Date it became a full member."),
            Column(
                "secure_exchange_access",
                "secure_exchange_access",
                kind="bool",
                help="TRUE if it has access to the secure exchange platform.",
            ),
            Column("secure_exchange_since", "secure_exchange_since", kind="date", help="Date access was granted."),
            Column(
                "point_of_contact",
                "point_of_contact",
                export=lambda h: h.point_of_contact.name if h.point_of_contact_id else None,
                apply=_apply_point_of_contact,
                help="Name of a contact at the host organisation (Contacts sheet).",
            ),
        ],
    ),
    AnalystSheet(
        name="Analysts",
        model="network.Analyst",
        order=50,
        description="Analysts by pseudonymous code, never by name; a code is unique within its hotline.",
        key_headers=["code", "hotline"],
        queryset=lambda: _model("Analyst").objects.select_related("hotline").order_by("hotline__brand_name", "code"),
        columns=[
            Column("code", "code", required=True, help="Pseudonymous code, e.g. AN-07 (capitals, with a digit)."),
            Column("hotline", "hotline", kind="ref", ref="Hotlines", required=True, help="Hotline brand name."),
            Column("role", "role", kind="choice", help="Role key."),
            Column("started_on", "started_on", kind="date", help="Start date."),
            Column("ended_on", "ended_on", kind="date", help="End date, when the person has left."),
        ],
    ),
    AuditedModelSheet(
        name="Training courses",
        model="network.TrainingCourse",
        order=60,
        description="Courses the association runs or recognises.",
        key_headers=["title"],
        queryset=lambda: _model("TrainingCourse").objects.order_by("title"),
        columns=[
            Column("title", "title", required=True, help="Unique title."),
            Column("kind", "kind", kind="choice", required=True, help="Course kind key."),
            Column("description", "description", help="What the course covers."),
            Column(
                "certificate_valid_months",
                "certificate_valid_months",
                kind="int",
                help="Months a certificate stays valid (empty: no expiry).",
            ),
        ],
    ),
    AuditedModelSheet(
        name="Training events",
        model="network.TrainingEvent",
        order=70,
        description="Runs of a course: dates, online or a place, provider.",
        key_headers=["code"],
        queryset=lambda: _model("TrainingEvent").objects.select_related("course", "country").order_by("code"),
        columns=[
            Column("code", "code", required=True, help="Unique event code, e.g. CORE-2024-03."),
            Column("course", "course", kind="ref", ref="Training courses", required=True, help="Course title."),
            Column("title", "title", help="Title of this run, when it differs from the course."),
            Column("starts_on", "starts_on", kind="date", required=True, help="First day."),
            Column("ends_on", "ends_on", kind="date", required=True, help="Last day."),
            Column("online", "online", kind="bool", help="TRUE for an online event."),
            Column("city", "city", help="City of an in-person event."),
            Column("country", "country", kind="ref", ref="Countries", help="Country code of an in-person event."),
            Column("provider", "provider", help="Who delivers it."),
        ],
    ),
    ParticipationSheet(
        name="Training participations",
        model="network.TrainingParticipation",
        order=80,
        description=(
            "Places at training events: an analyst (hotline and code) or another participant identified by a "
            "reference unique within the event (never a name)."
        ),
        key_headers=["event", "hotline", "analyst", "reference"],
        lookup=_participation_lookup,
        queryset=lambda: (
            _model("TrainingParticipation")
            .objects.select_related("event", "analyst__hotline", "organisation")
            .order_by("event__code", "analyst__hotline__brand_name", "analyst__code", "reference")
        ),
        columns=[
            Column("event", "event", kind="ref", ref="Training events", required=True, help="Event code."),
            Column(
                "hotline",
                None,
                export=lambda p: p.analyst.hotline.brand_name if p.analyst_id else None,
                apply=lambda obj, values, ctx: None,
                help="Hotline brand name of the analyst.",
            ),
            Column(
                "analyst",
                "analyst",
                export=lambda p: p.analyst.code if p.analyst_id else None,
                apply=_apply_participant,
                help="Analyst code (with `hotline`); empty for other participants.",
            ),
            Column("reference", "reference", help="Registration reference of a participant who is not an analyst."),
            Column("participant_type", "participant_type", kind="choice", required=True, help="Participant type key."),
            Column(
                "organisation", "organisation", kind="ref", ref="Organisations", help="The participant's organisation."
            ),
            Column("status", "status", kind="choice", required=True, help="Participation status key."),
            Column("certified_on", "certified_on", kind="date", help="Date the certificate was issued."),
            Column(
                "certificate_expires_on", "certificate_expires_on", kind="date", help="Date the certificate expires."
            ),
        ],
    ),
    AuditedModelSheet(
        name="Annual profiles",
        model="network.HotlineAnnualProfile",
        order=90,
        description="Each hotline's capacity, one row per year.",
        key_headers=["hotline", "year"],
        queryset=lambda: (
            _model("HotlineAnnualProfile").objects.select_related("hotline").order_by("hotline__brand_name", "year")
        ),
        columns=[
            Column("hotline", "hotline", kind="ref", ref="Hotlines", required=True, help="Hotline brand name."),
            Column("year", "year", kind="int", required=True, help="Year the profile describes."),
            Column(
                "analyst_headcount",
                "analyst_headcount",
                kind="int",
                required=True,
                help="Analysts (people), 0 or more.",
            ),
            Column("fte", "fte", kind="decimal", required=True, help="Analyst full-time equivalents."),
            Column("welfare_policy", "welfare_policy", kind="bool", help="TRUE if a welfare policy is in place."),
            Column(
                "welfare_policy_reviewed_on",
                "welfare_policy_reviewed_on",
                kind="date",
                help="Last review of the welfare policy.",
            ),
            Column("psychological_support", "psychological_support", kind="choice", help="Psychological support key."),
            Column(
                "le_mou_in_force", "le_mou_in_force", kind="bool", help="TRUE if a law-enforcement MoU is in force."
            ),
            Column("languages", "languages", help="ISO 639-1 codes separated by commas, e.g. `en, fr`."),
            Column(
                "submitted_at",
                "submitted_at",
                kind="datetime",
                export=lambda p: _to_second(p.submitted_at),
                help="When the hotline submitted it.",
            ),
        ],
    ),
    AuditedModelSheet(
        name="Statistics",
        model="network.HotlineStatistics",
        order=100,
        description=(
            "Aggregate statistics per hotline and period: numbers only, never content. Shares are percentages "
            "(0-100) of the content URLs processed; removed and referred shares cannot exceed the share "
            "assessed illegal; periods of one hotline never overlap."
        ),
        key_headers=["hotline", "period_start", "period_end"],
        queryset=lambda: (
            _model("HotlineStatistics")
            .objects.select_related("hotline")
            .order_by("hotline__brand_name", "period_start")
        ),
        columns=[
            Column("hotline", "hotline", kind="ref", ref="Hotlines", required=True, help="Hotline brand name."),
            Column("period_start", "period_start", kind="date", required=True, help="First day of the period."),
            Column("period_end", "period_end", kind="date", required=True, help="Last day of the period."),
            Column("reports_received", "reports_received", kind="int", required=True, help="Count, 0 or more."),
            Column(
                "content_urls_processed", "content_urls_processed", kind="int", required=True, help="Count, 0 or more."
            ),
            Column("share_assessed_illegal", "share_assessed_illegal", kind="decimal", help="Percentage 0-100."),
            Column(
                "share_removed_within_3_days",
                "share_removed_within_3_days",
                kind="decimal",
                help="Percentage 0-100, at most the share assessed illegal.",
            ),
            Column(
                "share_referred_le_within_3_days",
                "share_referred_le_within_3_days",
                kind="decimal",
                help="Percentage 0-100, at most the share assessed illegal.",
            ),
            Column("source", "source", kind="choice", help="Where the numbers come from."),
            Column("validation_status", "validation_status", kind="choice", help="Validation status key."),
            Column(
                "submitted_at",
                "submitted_at",
                kind="datetime",
                export=lambda s: _to_second(s.submitted_at),
                help="When the return was submitted.",
            ),
        ],
    ),
]
