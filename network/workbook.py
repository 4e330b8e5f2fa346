"""Sheets of the network registry in the network workbook (documented in docs/data-format.md).

Natural keys: countries by ISO code, organisations by name, contacts by organisation and name,
hotlines by brand name, analysts by code within their hotline, courses by title, events by code,
participations by event and analyst (or the participant's reference), annual profiles by hotline
and year, statistics by hotline and period. Lifecycle stages are written as their keys
(`full_member`). An import never moves a hotline through the lifecycle: it refuses any change to a
recorded hotline's stage, stage dates and membership dates (`HotlineSheet`), and restores a new
hotline's stage only when the Stage history sheet brings the history that ends in it.
Every row an import creates or changes is recorded in that record's history with its fields.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.constraints import field_value
from core.workbook import NEW, AuditedModelSheet, Column, ImportContext, ModelSheet, registry

# Fields only the lifecycle moves (onboarding.services.hotline_transition): an import never changes them.
LIFECYCLE_HEADERS = ("stage", "stage_entered_at", "paused_stage", "joined_on", "full_member_on")


class HotlineSheet(AuditedModelSheet):
    """Hotlines: an import may create a hotline with its stage only together with its stage history
    (a restore), and never changes the stage, stage dates or membership dates of a recorded hotline."""

    def row_checks(self, plan: Any, ctx: ImportContext) -> dict[str, list[str]]:
        brand = plan.values.get("brand_name")
        if plan.status != NEW:
            moved = [header for header in LIFECYCLE_HEADERS if header in plan.headers]
            return {
                header: [
                    _(
                        "“%(hotline)s”: stage changes go through the lifecycle, not an import. The workbook "
                        "changes %(column)s from “%(old)s” to “%(new)s”; use the transitions on the hotline's "
                        "candidate page, which check the gates and record the change."
                    )
                    % {"hotline": brand, "column": header, "old": old or "—", "new": new or "—"}
                ]
                for header in moved
                for old, new in [_change(plan, header)]
            }
        return _new_hotline_problems(plan, ctx)


def _change(plan: Any, header: str) -> tuple[str, str]:
    change = next((c for c in plan.fields if c.column == header), None)
    return (change.old, change.new) if change else ("", "")


def _new_hotline_problems(plan: Any, ctx: ImportContext) -> dict[str, list[str]]:
    """A new hotline's stage (and stage dates) must agree with the last row of its stage history."""
    brand = plan.values.get("brand_name")
    stage = plan.values.get("stage")
    history = [
        (values.get("changed_at"), row, values)
        for row, values in ctx.parsed.get("Stage history", [])
        if values.get("hotline") == brand and values.get("changed_at") is not None
    ]
    if not history:
        return {
            "stage": [
                _(
                    "“%(hotline)s” is new: its stage (%(stage)s) can only be restored with its stage history. "
                    "Add its rows to the Stage history sheet, or create the candidate in the admin."
                )
                % {"hotline": brand, "stage": stage}
            ]
        }
    changed_at, row, last = max(history, key=lambda item: (item[0], item[1]))
    problems: dict[str, list[str]] = {}
    if last.get("to_stage") != stage:
        problems["stage"] = [
            _(
                "“%(hotline)s”: the last row of its stage history (Stage history, row %(row)s) moves it to "
                "%(last)s, not to %(stage)s."
            )
            % {"hotline": brand, "row": row, "last": last.get("to_stage"), "stage": stage}
        ]
    entered = plan.values.get("stage_entered_at")
    if entered is not None and entered.replace(microsecond=0) != changed_at.replace(microsecond=0):
        problems["stage_entered_at"] = [
            _("“%(hotline)s” entered its stage when its last stage change happened (Stage history, row %(row)s).")
            % {"hotline": brand, "row": row}
        ]
    paused = plan.values.get("paused_stage") or ""
    if stage in ("on_hold", "suspended") and paused != (last.get("from_stage") or ""):
        problems["paused_stage"] = [
            _("“%(hotline)s” was paused in %(stage)s (Stage history, row %(row)s).")
            % {"hotline": brand, "stage": last.get("from_stage") or "—", "row": row}
        ]
    return problems


class StatisticsSheet(AuditedModelSheet):
    """Statistics returns: the one-return-per-period rule is checked against the other rows in memory."""

    def clean_row(self, obj: Any, ctx: ImportContext) -> None:
        groups = ctx.cache.setdefault(self.name, {})
        if not groups:
            for other in ctx.index(self).values():
                groups.setdefault(field_value(other, "hotline"), []).append(other)
        siblings = groups.setdefault(field_value(obj, "hotline"), [])
        obj.clean(others=siblings)
        if all(other is not obj for other in siblings):
            siblings.append(obj)


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
            Column(
                "time_zone",
                "time_zone",
                export=lambda c: c.zone_name,
                help="Main time zone (tz database, e.g. Asia/Kathmandu): the default of its meetings.",
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
    HotlineSheet(
        name="Hotlines",
        model="network.Hotline",
        order=40,
        description=(
            "Hotlines, prospective and member, with their lifecycle stage. An import never changes the stage, "
            "stage dates or membership dates of a recorded hotline (stages move only through the lifecycle's "
            "transitions); a new hotline's stage is restored only with its stage history, whose last row "
            "must agree with it."
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
            Column(
                "reporting_languages",
                "reporting_languages",
                help="Languages reports are taken in: ISO 639-1 codes, e.g. `en, fr` (directory).",
            ),
            Column(
                "anonymous_reports",
                "anonymous_reports",
                kind="choice",
                help="`yes` when reports can be anonymous, `no` when reporters give their name; empty: not said.",
            ),
            Column(
                "accepts_regional_reports",
                "accepts_regional_reports",
                kind="bool",
                help="TRUE if it also takes reports from the countries of its region with no member hotline.",
            ),
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
    StatisticsSheet(
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
