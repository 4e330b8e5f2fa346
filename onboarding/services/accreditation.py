"""Accreditation: assessments, their findings and corrective actions, the membership decision and its
corrections, and the full-membership confirmation. A decision, its correction and the confirmation
move the hotline through `hotline_transition`; every service is atomic and audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit, changed_fields
from core.dates import past_due_problem
from core.mail import queue_email
from network.models import Hotline
from onboarding import checklist_rules as rules
from onboarding import selectors, workflow
from onboarding.models import (
    Assessment,
    CorrectiveAction,
    Decision,
    DecisionCorrection,
    Finding,
    StageChange,
)
from onboarding.services.common import Stage, _absolute, _portal_url, _require_actor, _require_network_staff
from onboarding.services.lifecycle import hotline_transition

# -- Assessments ------------------------------------------------------------------------------
_REVIEW_SIDE = {rules.REVIEWER, rules.STAFF}


# Sent inside the transaction when a quality-assurance review may have settled (its report completed, or
# one of its corrective actions verified), with the moment it settled (`now`): the member cycle issues the
# certificate it earns (`onboarding.services.membership`), so this module does not depend on it.
qa_review_settled = Signal()


def assessment_create(
    *,
    hotline: Hotline,
    kind: str,
    mode: str,
    starts_on: date,
    ends_on: date | None,
    acting_user: User,
    time_zone: str = "",
    now: datetime | None = None,
) -> Assessment:
    _require_network_staff(acting_user, _("Only network staff can plan assessments."))
    assessment = Assessment(
        hotline=hotline,
        kind=kind,
        mode=mode,
        starts_on=starts_on,
        ends_on=ends_on,
        time_zone=time_zone or hotline.country.zone_name,
        created_by=acting_user,
        created_at=now or timezone.now(),
    )
    assessment.full_clean(exclude=["reference"])
    with transaction.atomic():
        assessment.save()
        audit(assessment, "onboarding.assessment_create", user=acting_user, data={"kind": kind, "hotline": hotline.pk})
    return assessment


def assessment_update(
    *,
    assessment: Assessment,
    mode: str,
    starts_on: date,
    ends_on: date | None,
    acting_user: User,
    time_zone: str = "",
) -> Assessment:
    _require_network_staff(acting_user, _("Only network staff can change assessments."))
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if not locked.is_open:
            raise ValidationError(
                _("This assessment is %(status)s: it cannot change.") % {"status": locked.get_status_display().lower()}
            )
        before = {
            "mode": locked.mode,
            "starts_on": str(locked.starts_on),
            "ends_on": str(locked.ends_on),
            "time_zone": locked.zone_name,
        }
        locked.mode, locked.starts_on, locked.ends_on = mode, starts_on, ends_on
        locked.time_zone = time_zone or locked.zone_name
        locked.full_clean()
        locked.save()
        after = {
            "mode": locked.mode,
            "starts_on": str(locked.starts_on),
            "ends_on": str(locked.ends_on),
            "time_zone": locked.zone_name,
        }
        audit(locked, "onboarding.assessment_update", user=acting_user, data={"changed": changed_fields(before, after)})
    return locked


def assessment_cancel(*, assessment: Assessment, reason: str, acting_user: User) -> Assessment:
    _require_network_staff(acting_user, _("Only network staff can cancel assessments."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for cancelling."))
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if not locked.is_open:
            raise ValidationError(_("Only a planned or running assessment can be cancelled."))
        locked.status = Assessment.Status.CANCELLED
        locked.save(update_fields=["status", "updated_at"])
        audit(locked, "onboarding.assessment_cancel", user=acting_user, data={"reason": reason.strip()})
    return locked


def _open_assessment(assessment: Assessment, acting_user: User) -> Assessment:
    locked = (
        Assessment.objects.select_for_update(of=("self",)).select_related("hotline__lead_staff").get(pk=assessment.pk)
    )
    _require_actor(
        acting_user, locked.hotline, _REVIEW_SIDE, _("Only the dossier's reviewers and network staff can do this.")
    )
    if not locked.is_open:
        raise ValidationError(
            _("This assessment is %(status)s: it cannot change.") % {"status": locked.get_status_display().lower()}
        )
    return locked


def assessment_record_findings(
    *, assessment: Assessment, findings: dict[int, tuple[str, str]], acting_user: User, now: datetime | None = None
) -> int:
    """Record the findings of several areas at once: {area: (rating, text)}. An empty rating and
    text leave the area as it is; a rating needs its text. Returns how many areas changed."""
    now = now or timezone.now()
    problems: list[str] = []
    wanted: dict[int, tuple[str, str]] = {}
    for area, (rating, text) in sorted(findings.items()):
        rating, text = (rating or "").strip(), (text or "").strip()
        if area not in rules.AREA_LABELS:
            problems.append(_("Unknown area %(area)s.") % {"area": area})
        elif not rating and not text:
            continue
        elif rating not in Finding.Rating.values:
            problems.append(_("%(area)s: choose a rating.") % {"area": rules.area_label(area)})
        elif not text:
            problems.append(_("%(area)s: write the finding.") % {"area": rules.area_label(area)})
        else:
            wanted[area] = (rating, text)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        locked = _open_assessment(assessment, acting_user)
        existing = {f.area: f for f in Finding.objects.filter(assessment=locked)}
        changed = 0
        for area, (rating, text) in wanted.items():
            finding = existing.get(area)
            if finding is not None and (finding.rating, finding.text) == (rating, text):
                continue
            Finding.objects.update_or_create(
                assessment=locked,
                area=area,
                defaults={"rating": rating, "text": text, "recorded_by": acting_user, "updated_at": now},
            )
            changed += 1
        if changed:
            if locked.status == Assessment.Status.PLANNED:
                locked.status = Assessment.Status.IN_PROGRESS
                locked.save(update_fields=["status", "updated_at"])
            audit(locked, "onboarding.assessment_findings", user=acting_user, data={"areas": sorted(wanted)})
    return changed


def corrective_action_create(
    *,
    assessment: Assessment,
    title: str,
    owner: str,
    due_on: date,
    acting_user: User,
    description: str = "",
    area: int | None = None,
    now: datetime | None = None,
) -> CorrectiveAction:
    now = now or timezone.now()
    with transaction.atomic():
        locked = Assessment.objects.select_for_update(of=("self",)).select_related("hotline").get(pk=assessment.pk)
        _require_actor(
            acting_user, locked.hotline, _REVIEW_SIDE, _("Only the dossier's reviewers and network staff can do this.")
        )
        if locked.status == Assessment.Status.CANCELLED:
            raise ValidationError(_("This assessment was cancelled."))
        problem = past_due_problem(due_on, today=timezone.localdate(now))
        if problem:
            raise ValidationError({"due_on": problem})
        action = CorrectiveAction(
            assessment=locked,
            title=title.strip(),
            description=description.strip(),
            owner=owner.strip(),
            due_on=due_on,
            area=area,
            created_by=acting_user,
            created_at=now,
        )
        action.full_clean()
        action.save()
        audit(locked, "onboarding.corrective_action_create", user=acting_user, data={"action": action.title})
        queue_email(
            to=selectors.candidate_user_emails(hotline=locked.hotline),
            subject=lambda: (
                _("Corrective action due %(date)s: %(title)s") % {"date": due_on.isoformat(), "title": action.title}
            ),
            template="onboarding/email/corrective_action.txt",
            context={
                "action": action,
                "hotline": locked.hotline,
                "url": _portal_url("portal:onboarding_corrective_action", action.pk),
            },
        )
    return action


def corrective_action_complete(
    *, action: CorrectiveAction, note: str, acting_user: User, now: datetime | None = None
) -> CorrectiveAction:
    """The hotline reports a corrective action done (with what was done); reviewers then verify it."""
    now = now or timezone.now()
    if not note.strip():
        raise ValidationError(_("Say what was done."))
    with transaction.atomic():
        locked = (
            CorrectiveAction.objects.select_for_update(of=("self",))
            .select_related("assessment__hotline")
            .get(pk=action.pk)
        )
        hotline = locked.assessment.hotline
        _require_actor(acting_user, hotline, {rules.CANDIDATE, rules.STAFF}, _("You cannot update this action."))
        if locked.status not in CorrectiveAction.DUE_STATUSES:
            raise ValidationError(
                _("This action is %(status)s already.") % {"status": locked.get_status_display().lower()}
            )
        locked.status = CorrectiveAction.Status.COMPLETED
        locked.completion_note = note.strip()
        locked.completed_at, locked.completed_by = now, acting_user
        locked.save()
        audit(
            locked.assessment, "onboarding.corrective_action_complete", user=acting_user, data={"action": locked.title}
        )
        queue_email(
            to=[e for e in selectors.association_emails(hotline=hotline) if e != acting_user.email],
            subject=lambda: (
                _("Corrective action completed: %(title)s (%(hotline)s)")
                % {"title": locked.title, "hotline": hotline.brand_name}
            ),
            template="onboarding/email/corrective_action_completed.txt",
            context={
                "action": locked,
                "hotline": hotline,
                "url": _absolute(reverse("onboarding_admin:assessment", args=[locked.assessment_id])),
            },
        )
    return locked


def corrective_action_verify(
    *, action: CorrectiveAction, acting_user: User, approve: bool = True, note: str = "", now: datetime | None = None
) -> CorrectiveAction:
    """A reviewer verifies a completed action (closed), or sends it back (in progress, with a note)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            CorrectiveAction.objects.select_for_update(of=("self",))
            .select_related("assessment__hotline")
            .get(pk=action.pk)
        )
        _require_actor(
            acting_user, locked.assessment.hotline, _REVIEW_SIDE, _("Only the dossier's reviewers and staff verify.")
        )
        if locked.status != CorrectiveAction.Status.COMPLETED:
            raise ValidationError(_("Only a completed action can be verified."))
        if locked.completed_by_id == acting_user.pk:
            raise ValidationError(_("You reported this action done: another person must verify it."))
        if approve:
            locked.status = CorrectiveAction.Status.VERIFIED
            locked.verified_at, locked.verified_by = now, acting_user
        else:
            if not note.strip():
                raise ValidationError(_("Say what is still missing."))
            locked.status = CorrectiveAction.Status.IN_PROGRESS
            locked.completion_note = f"{locked.completion_note}\n\n{_('Sent back')}: {note.strip()}".strip()
        locked.save()
        audit(
            locked.assessment,
            "onboarding.corrective_action_verify",
            user=acting_user,
            data={"action": locked.title, "verified": approve, "note": note.strip()},
        )
        if approve and locked.assessment.kind == Assessment.Kind.QA_REVIEW:
            qa_review_settled.send(sender=Assessment, assessment=locked.assessment, acting_user=acting_user, now=now)
    return locked


def assessment_complete_report(
    *, assessment: Assessment, recommendation: str, summary: str, acting_user: User, now: datetime | None = None
) -> Assessment:
    """Complete the report: findings for all 14 areas, a summary and a recommendation that fits the kind."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _open_assessment(assessment, acting_user)
        problems = []
        covered = set(Finding.objects.filter(assessment=locked).values_list("area", flat=True))
        missing = [rules.area_label(area) for area in rules.AREA_LABELS if area not in covered]
        if missing:
            problems.append(
                _("Record a finding for every area first; missing: %(areas)s.") % {"areas": "; ".join(missing)}
            )
        if not summary.strip():
            problems.append(_("Write the report summary."))
        if recommendation not in dict(locked.recommendation_choices()):
            problems.append(
                _("Choose a recommendation that fits a %(kind)s.") % {"kind": locked.get_kind_display().lower()}
            )
        if problems:
            raise ValidationError(problems)
        locked.recommendation = recommendation
        locked.summary = summary.strip()
        locked.status = Assessment.Status.COMPLETED
        locked.report_completed_at, locked.report_completed_by = now, acting_user
        locked.full_clean()
        locked.save()
        audit(locked, "onboarding.assessment_report", user=acting_user, data={"recommendation": recommendation})
        if locked.kind == Assessment.Kind.QA_REVIEW:
            qa_review_settled.send(sender=Assessment, assessment=locked, acting_user=acting_user, now=now)
        lead = selectors.active_lead_staff(hotline=locked.hotline)
        if lead is not None and lead.pk != acting_user.pk:
            queue_email(
                to=[lead.email],
                subject=lambda: _("Assessment report completed: %(hotline)s") % {"hotline": locked.hotline.brand_name},
                template="onboarding/email/assessment_report.txt",
                context={
                    "assessment": locked,
                    "url": _absolute(reverse("onboarding_admin:assessment", args=[locked.pk])),
                },
            )
    return locked


def _new_decision(assessment: Assessment, **values: Any) -> Decision:
    """A decision on `assessment` with these values, validated by the decision rule
    (`selectors.decision_refusal`) and the model's rules (not saved)."""
    refusal = selectors.decision_refusal(
        assessment=assessment, decision_exists=Decision.objects.filter(assessment=assessment).exists()
    )
    if refusal:
        raise ValidationError(refusal)
    decision = Decision(assessment=assessment, **{k: v.strip() if isinstance(v, str) else v for k, v in values.items()})
    decision.full_clean()
    return decision


def decision_check(*, assessment: Assessment, **values: Any) -> None:
    """Raise what `decision_record` would refuse, writing nothing (the form's confirmation step)."""
    _new_decision(Assessment.objects.select_related("hotline").get(pk=assessment.pk), **values)


def decision_record(
    *,
    assessment: Assessment,
    body: str,
    decided_on: date,
    minutes_reference: str,
    votes_for: int,
    votes_against: int,
    votes_abstaining: int,
    outcome: str,
    acting_user: User,
    notes: str = "",
    now: datetime | None = None,
) -> Decision:
    """Record the membership decision on an application and move the candidate accordingly
    (decision pending -> provisional member or rejected), in one transaction. Where the General
    Assembly adopts decisions of this outcome (`settings.GENERAL_ASSEMBLY_ADOPTS`), this is the Board's
    decision and the candidate moves when `decision_adopt` records the adoption."""
    _require_network_staff(acting_user, _("Only network staff record membership decisions."))
    now = now or timezone.now()
    with transaction.atomic():
        locked = Assessment.objects.select_for_update(of=("self",)).select_related("hotline").get(pk=assessment.pk)
        hotline = locked.hotline
        decision = _new_decision(
            locked,
            body=body,
            decided_on=decided_on,
            minutes_reference=minutes_reference,
            votes_for=votes_for,
            votes_against=votes_against,
            votes_abstaining=votes_abstaining,
            outcome=outcome,
            notes=notes,
        )
        decision.recorded_by, decision.recorded_at = acting_user, now
        decision.adoption_required = selectors.adoption_required_for(outcome)
        decision.save()
        audit(
            locked,
            "onboarding.decision_record",
            user=acting_user,
            data={
                "outcome": outcome,
                "body": decision.body,
                "decided_on": decided_on.isoformat(),
                "vote": decision.vote_text,
                "adoption_required": decision.adoption_required,
            },
        )
        if decision.adoption_required:
            # The Board's decision takes effect once the General Assembly adopts it (`decision_adopt`).
            return decision
        hotline_transition(
            hotline=hotline,
            transition="admit_provisional_member" if outcome == Decision.Outcome.ADMIT else "reject_application",
            reason=_("%(body)s decision of %(date)s (minutes %(minutes)s): %(vote)s.")
            % {
                "body": decision.body,
                "date": decided_on.isoformat(),
                "minutes": decision.minutes_reference,
                "vote": decision.vote_text,
            },
            expected_stage=Stage.DECISION_PENDING,
            acting_user=acting_user,
            now=now,
        )
    return decision


# Fields of a recorded decision that a correction may change.
DECISION_FIELDS = (
    "body",
    "decided_on",
    "minutes_reference",
    "votes_for",
    "votes_against",
    "votes_abstaining",
    "outcome",
    "notes",
)


@dataclass(frozen=True)
class DecisionCorrectionPlan:
    """What a correction would change: {field: [old, new]}, and the move through the lifecycle it needs."""

    changes: dict[str, list[Any]]
    transition: workflow.Transition | None
    from_stage: str
    problems: tuple[str, ...]


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def decision_correction_plan(*, decision: Decision, values: Mapping[str, Any]) -> DecisionCorrectionPlan:
    """The changes `values` make to `decision` and their consequence, without writing anything."""
    changes = {}
    for name in DECISION_FIELDS:
        if name not in values:
            continue
        new = values[name].strip() if isinstance(values[name], str) else values[name]
        old = getattr(decision, name)
        if new != old:
            changes[name] = [_plain(old), _plain(new)]
    hotline = decision.assessment.hotline
    transition = None
    problems: list[str] = []
    if "outcome" in changes:
        name = (
            "correct_decision_to_reject"
            if values["outcome"] == Decision.Outcome.REJECT
            else "correct_decision_to_admit"
        )
        transition = workflow.get_transition(name)
        if hotline.stage not in transition.sources:
            problems.append(
                _(
                    "%(hotline)s is in %(stage)s now, not where the recorded decision left it: the outcome can "
                    "no longer be corrected here. Move it through its transitions first."
                )
                % {"hotline": hotline.brand_name, "stage": workflow.stage_label(hotline.stage)}
            )
    return DecisionCorrectionPlan(
        changes=changes, transition=transition, from_stage=hotline.stage, problems=tuple(problems)
    )


def decision_correct(
    *,
    decision: Decision,
    values: Mapping[str, Any],
    reason: str,
    acting_user: User,
    now: datetime | None = None,
) -> DecisionCorrection:
    """Correct a recorded decision: the new values, a correction record (what, why, who, when) and an
    audit entry, in one transaction. When the outcome changes, the hotline moves through the lifecycle
    (provisional member <-> rejected) with the correction's reason."""
    _require_network_staff(acting_user, _("Only network staff correct membership decisions."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the decision is corrected.")})
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Decision.objects.select_for_update(of=("self",)).select_related("assessment__hotline").get(pk=decision.pk)
        )
        plan = decision_correction_plan(decision=locked, values=values)
        if not plan.changes:
            raise ValidationError(_("Nothing to correct: these are the recorded values."))
        if plan.problems:
            raise ValidationError({"outcome": list(plan.problems)})
        for name in plan.changes:
            value = values[name]
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
        locked.full_clean()
        locked.save()
        correction = DecisionCorrection.objects.create(
            decision=locked, changes=plan.changes, reason=reason, corrected_by=acting_user, corrected_at=now
        )
        if plan.transition is not None:
            correction.stage_change = hotline_transition(
                hotline=locked.assessment.hotline,
                transition=plan.transition.name,
                reason=_("Correction of the membership decision: %(reason)s") % {"reason": reason},
                expected_stage=plan.from_stage,
                acting_user=acting_user,
                now=now,
                correction=True,
            )
            correction.save(update_fields=["stage_change"])
        audit(
            locked.assessment,
            "onboarding.decision_correct",
            user=acting_user,
            data={"changes": plan.changes, "reason": reason, "stage_changed": plan.transition is not None},
        )
    return correction


def assessment_confirm_full_membership(*, assessment: Assessment, acting_user: User) -> StageChange:
    """A passed quality-assurance review (and training done) confirms a provisional member as full member."""
    _require_network_staff(acting_user, _("Only network staff confirm full membership."))
    assessment = Assessment.objects.select_related("hotline").get(pk=assessment.pk)
    refusal = selectors.full_membership_refusal(assessment=assessment)
    if refusal:
        raise ValidationError(refusal)
    hotline = assessment.hotline
    return hotline_transition(
        hotline=hotline,
        transition="confirm_full_membership",
        reason=_("Quality-assurance review %(reference)s: %(recommendation)s.")
        % {"reference": assessment.reference, "recommendation": assessment.get_recommendation_display()},
        expected_stage=hotline.stage,
        acting_user=acting_user,
    )
