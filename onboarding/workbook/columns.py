"""Sheet classes, columns and helpers shared by the onboarding sheets."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.constraints import field_value
from core.workbook import NEW, Column, ImportContext, ModelSheet, registry
from network.time_zones import is_zone


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
