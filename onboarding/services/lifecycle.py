"""Moving hotlines through the lifecycle, and the candidate's own records.

`hotline_transition` is the only way a stage changes. It locks the hotline row, refuses when the
stage is no longer the one the user saw ("changed meanwhile"), checks the user's workflow role
and every gate (`onboarding.workflow.plan`), writes a `StageChange`, updates the hotline (and the
due dates of its checklist, which follow the stage history), audits and queues the notifications,
all in one transaction: two staff moving the same candidate at the same moment cannot both succeed.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core import dataversion
from core.audit import audit
from core.mail import queue_email
from network.models import Hotline
from onboarding import checklist_rules as rules
from onboarding import selectors, workflow
from onboarding.models import (
    ChecklistItem,
    ChecklistTemplateItem,
    StageChange,
)
from onboarding.services.common import Stage, _absolute


class StageChangedMeanwhile(ValidationError):
    """The hotline's stage is not the one the user acted on: someone else moved it first."""


# -- Lifecycle --------------------------------------------------------------------------------
def hotline_transition(
    *,
    hotline: Hotline,
    transition: str,
    reason: str,
    expected_stage: str,
    acting_user: User,
    review_date: date | None = None,
    now: datetime | None = None,
    correction: bool = False,
) -> StageChange:
    """Apply the named transition to `hotline`, which the user saw in `expected_stage`.

    Raises PermissionDenied when the user may not perform it, StageChangedMeanwhile when the stage
    moved since, and ValidationError listing every unmet gate or invalid input. The transitions of a
    decision's correction (`by_service_only`) are taken only by `decision_correct` (`correction=True`).
    """
    now = now or timezone.now()
    spec = workflow.get_transition(transition)
    if spec is None:
        raise ValidationError(_("Unknown transition “%(name)s”.") % {"name": transition})
    if spec.by_service_only and not correction:
        raise ValidationError(_("“%(name)s” follows a correction of the decision only.") % {"name": spec.label})
    with transaction.atomic():
        locked = Hotline.objects.select_for_update(of=("self",)).select_related("host_organisation").get(pk=hotline.pk)
        roles = selectors.workflow_roles_for(user=acting_user, hotline=locked)
        if not workflow.is_permitted(spec, roles):
            raise PermissionDenied(_("You are not allowed to “%(transition)s”.") % {"transition": spec.label})
        _same_stage(locked, expected_stage)
        move = _plan_move(spec, locked, roles=roles, reason=reason, review_date=review_date, now=now)

        change = StageChange.objects.create(
            hotline=locked,
            transition=spec.name,
            from_stage=move.from_stage,
            to_stage=move.to_stage,
            reason=reason.strip(),
            review_date=move.review_date,
            changed_by=acting_user,
            changed_at=now,
        )
        locked.stage = move.to_stage
        locked.stage_entered_at = now
        locked.paused_stage = move.paused_stage
        fields = ["stage", "stage_entered_at", "paused_stage", "updated_at"]
        today = timezone.localdate(now)
        if move.to_stage == Stage.PROVISIONAL_MEMBER and not locked.joined_on:
            locked.joined_on = today
            fields.append("joined_on")
        if spec.clears_membership and locked.joined_on:
            locked.joined_on = None
            fields.append("joined_on")
        if move.to_stage == Stage.FULL_MEMBER and not locked.full_member_on:
            locked.full_member_on = today
            fields.append("full_member_on")
            if not locked.joined_on:
                locked.joined_on = today
                fields.append("joined_on")
        locked.save(update_fields=fields)
        _reschedule_checklist(locked)
        audit(
            locked,
            "onboarding.stage_change",
            user=acting_user,
            data={
                "transition": spec.name,
                "from": move.from_stage,
                "to": move.to_stage,
                "reason": change.reason,
                "review_date": move.review_date.isoformat() if move.review_date else None,
            },
        )
        _notify_stage_change(hotline=locked, change=change, acting_user=acting_user)
    hotline.stage, hotline.stage_entered_at, hotline.paused_stage = locked.stage, now, locked.paused_stage
    return change


def _same_stage(hotline: Hotline, expected_stage: str) -> None:
    if hotline.stage != expected_stage:
        raise StageChangedMeanwhile(
            _(
                "%(hotline)s was changed meanwhile: it is now in %(stage)s. Nothing was changed; "
                "check the candidate page and try again if still needed."
            )
            % {"hotline": hotline.brand_name, "stage": workflow.stage_label(hotline.stage)},
            code="changed_meanwhile",
        )


def _plan_move(
    spec: workflow.Transition, hotline: Hotline, *, roles: Any, reason: str, review_date: date | None, now: datetime
) -> workflow.Move:
    facts = selectors.gate_facts(hotline=hotline, today=timezone.localdate(now))
    try:
        return workflow.plan(
            spec,
            stage=hotline.stage,
            paused_stage=hotline.paused_stage,
            roles=roles,
            facts=facts,
            reason=reason,
            review_date=review_date,
            today=timezone.localdate(now),
        )
    except workflow.TransitionRefused as refusal:
        if refusal.code == workflow.TransitionRefused.NOT_PERMITTED:
            raise PermissionDenied(refusal.messages[0]) from refusal
        raise ValidationError(refusal.messages, code=refusal.code) from refusal


def hotline_transition_check(
    *,
    hotline: Hotline,
    transition: str,
    reason: str,
    expected_stage: str,
    acting_user: User,
    review_date: date | None = None,
) -> workflow.Move:
    """What `hotline_transition` would do, or the same refusal, without writing (the confirmation step)."""
    spec = workflow.get_transition(transition)
    if spec is None or spec.by_service_only:
        raise ValidationError(_("Unknown transition “%(name)s”.") % {"name": transition})
    _same_stage(hotline, expected_stage)
    roles = selectors.workflow_roles_for(user=acting_user, hotline=hotline)
    return _plan_move(spec, hotline, roles=roles, reason=reason, review_date=review_date, now=timezone.now())


def _notify_stage_change(*, hotline: Hotline, change: StageChange, acting_user: User) -> None:
    """Candidate users learn the new stage (not staff's reasons); lead staff get the full change."""
    context = {
        "hotline": hotline,
        "change": change,
        "from_label": Hotline.Stage(change.from_stage).label if change.from_stage else "",
        "to_label": Hotline.Stage(change.to_stage).label,
        "actor": acting_user,
    }

    def subject() -> str:  # in each recipient's language
        return _("%(hotline)s is now in: %(stage)s") % {"hotline": hotline.brand_name, "stage": context["to_label"]}

    candidates = [e for e in selectors.candidate_user_emails(hotline=hotline) if e != acting_user.email]
    queue_email(
        to=candidates,
        subject=subject,
        template="onboarding/email/stage_change_candidate.txt",
        context={**context, "url": _absolute(reverse("portal:onboarding_candidate", args=[hotline.pk]))},
    )
    lead = selectors.active_lead_staff(hotline=hotline)
    if lead is not None and lead.pk != acting_user.pk:
        queue_email(
            to=[lead.email],
            subject=subject,
            template="onboarding/email/stage_change_staff.txt",
            context={**context, "url": _absolute(reverse("onboarding_admin:candidate", args=[hotline.pk]))},
        )


# -- Checklists -------------------------------------------------------------------------------
def _stage_entries(hotline: Hotline) -> dict[str, date]:
    """The day the hotline last entered each stage."""
    rows = StageChange.objects.filter(hotline=hotline).values("to_stage").annotate(at=Max("changed_at"))
    return {row["to_stage"]: timezone.localdate(row["at"]) for row in rows}


def _due_on(template_item: ChecklistTemplateItem, entries: dict[str, date]) -> date | None:
    work = rules.work_stage_for(template_item.gates_stage)
    entered = entries.get(work) if work else None
    return entered + timedelta(days=template_item.due_days) if entered else None


def _reschedule_checklist(hotline: Hotline) -> None:
    """Due dates follow the stage history: count from the day the candidate entered each work stage."""
    items = list(ChecklistItem.objects.active().filter(checklist__hotline=hotline).select_related("template_item"))
    if not items:
        return
    entries = _stage_entries(hotline)
    changed = []
    for item in items:
        due = _due_on(item.template_item, entries)
        if item.due_on != due:
            item.due_on = due
            changed.append(item)
    if changed:
        ChecklistItem.objects.bulk_update(changed, ["due_on"])
        dataversion.bump(ChecklistItem)  # bulk writes send no signals
