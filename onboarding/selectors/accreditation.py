"""Reads of accreditation: whether a membership decision or the full-membership confirmation may follow an
assessment (one rule for the page's buttons and the services), the assessment report's frozen data (for
the PDF) and the corrective actions a candidate's portal users work on.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from network.models import Hotline
from onboarding import checklist_rules as rules
from onboarding import pdf, workflow
from onboarding.models import (
    Assessment,
    ConsolidatedRecommendation,
    CorrectiveAction,
    Decision,
    Finding,
    ReviewerAssignment,
)


# -- Decision and full membership --------------------------------------------------------------
def decision_refusal(*, assessment: Assessment, decision_exists: bool) -> str | None:
    """Why no membership decision can be recorded on `assessment` now (None when one can): a decision
    follows the completed report of an application's assessment, once, while the hotline awaits it."""
    if decision_exists:
        return _("The decision on this assessment is recorded already.")
    hotline = assessment.hotline
    if hotline.stage != Hotline.Stage.DECISION_PENDING:
        return _("%(hotline)s is in %(stage)s, not awaiting a decision.") % {
            "hotline": hotline.brand_name,
            "stage": workflow.stage_label(hotline.stage),
        }
    if assessment.kind not in Assessment.APPLICATION_KINDS or not assessment.is_completed:
        return _("A decision follows the completed report of a pre-membership or follow-up assessment.")
    return consolidation_refusal(assessment=assessment)


def board_recommendation(*, assessment: Assessment) -> ConsolidatedRecommendation | None:
    """The lead's consolidated recommendation that goes to the Board deciding on `assessment`: the
    assessment's own, else the one on the candidate's dossier (None: not recorded)."""
    return ConsolidatedRecommendation.objects.before_decision_on(assessment).select_related("recorded_by").first()


def consolidation_refusal(*, assessment: Assessment) -> str | None:
    """ "The lead consolidates; the Board decides": why the Board cannot decide on `assessment` yet for want of
    a consolidated recommendation (None when there is one, or when no reviewer declared: with no review to
    consolidate, the Board decides on the assessment report alone)."""
    declared = ReviewerAssignment.objects.filter(hotline_id=assessment.hotline_id).declared().count()
    if not declared or ConsolidatedRecommendation.objects.before_decision_on(assessment).exists():
        return None
    return ngettext(
        "No consolidated recommendation yet: %(hotline)s has %(count)s declared reviewer, and the lead records "
        "the consolidated recommendation of the reviews on the reviews page before the Board decides.",
        "No consolidated recommendation yet: %(hotline)s has %(count)s declared reviewers, and the lead records "
        "the consolidated recommendation of their reviews on the reviews page before the Board decides.",
        declared,
    ) % {"hotline": assessment.hotline.brand_name, "count": declared}


def may_record_decision(*, assessment: Assessment, actors: frozenset[str], decision_exists: bool) -> bool:
    """Network staff may record the decision on `assessment` now (`actors`: `dossier_actors`)."""
    return rules.STAFF in actors and decision_refusal(assessment=assessment, decision_exists=decision_exists) is None


def full_membership_refusal(*, assessment: Assessment) -> str | None:
    """Why `assessment` cannot confirm its hotline as a full member now (None when it can, gates aside):
    a completed quality-assurance review of a hotline in a stage the transition starts from."""
    if assessment.kind != Assessment.Kind.QA_REVIEW or not assessment.is_completed:
        return _("Full membership follows a completed quality-assurance review.")
    transition = workflow.get_transition("confirm_full_membership")
    hotline = assessment.hotline
    if transition is not None and hotline.stage not in transition.sources:
        # The words `workflow.plan` refuses with.
        return _("“%(transition)s” is not possible from the stage %(stage)s.") % {
            "transition": transition.label,
            "stage": workflow.stage_label(hotline.stage),
        }
    return None


def may_confirm_full_membership(*, assessment: Assessment, actors: frozenset[str]) -> bool:
    """Network staff may confirm full membership from `assessment` now (its gates are checked apart:
    `workflow.unmet_gates`)."""
    return rules.STAFF in actors and full_membership_refusal(assessment=assessment) is None


# -- Assessment report ------------------------------------------------------------------------
def assessment_report_data(*, assessment: Assessment, today: date | None = None) -> pdf.AssessmentReportData:
    """The frozen snapshot `onboarding.pdf.build_assessment_report` turns into the report."""
    today = today or timezone.localdate()
    hotline = assessment.hotline
    reviewers = tuple(
        pdf.ReviewerLine(
            name=assignment.reviewer.get_full_name() or assignment.reviewer.email,
            declared_on=timezone.localdate(assignment.coi_declared_at) if assignment.coi_declared_at else None,
        )
        for assignment in ReviewerAssignment.objects.filter(hotline=hotline, has_conflict=False)
        .select_related("reviewer")
        .order_by("reviewer__last_name", "reviewer__email")
    )
    findings = tuple(
        pdf.FindingLine(area=rules.area_label(f.area), rating=f.get_rating_display(), text=f.text)
        for f in Finding.objects.filter(assessment=assessment).order_by("area")
    )
    actions = tuple(
        pdf.ActionLine(
            title=a.title,
            area=rules.area_label(a.area) if a.area else "—",
            owner=a.owner,
            due_on=a.due_on,
            status=a.get_status_display(),
        )
        for a in CorrectiveAction.objects.filter(assessment=assessment).order_by("due_on", "pk")
    )
    decision = Decision.objects.filter(assessment=assessment).first()
    completed_by = assessment.report_completed_by
    return pdf.AssessmentReportData(
        reference=assessment.reference,
        hotline=hotline.brand_name,
        country=hotline.country.name,
        host_organisation=hotline.host_organisation.name,
        kind=assessment.get_kind_display(),
        mode=assessment.get_mode_display(),
        status=assessment.get_status_display(),
        starts_on=assessment.starts_on,
        ends_on=assessment.ends_on,
        recommendation=assessment.get_recommendation_display() if assessment.recommendation else "",
        summary=assessment.summary,
        completed_on=timezone.localdate(assessment.report_completed_at) if assessment.report_completed_at else None,
        completed_by=(completed_by.get_full_name() or completed_by.email) if completed_by else "",
        generated_on=today,
        reviewers=reviewers,
        findings=findings,
        corrective_actions=actions,
        decision=pdf.DecisionLine(
            body=decision.body,
            decided_on=decision.decided_on,
            minutes_reference=decision.minutes_reference,
            vote=decision.vote_text,
            outcome=decision.get_outcome_display(),
        )
        if decision
        else None,
        not_final=not assessment.is_completed,
    )


# -- Portal: corrective actions ---------------------------------------------------------------
def portal_corrective_actions(*, user: Any) -> list[CorrectiveAction]:
    return list(
        CorrectiveAction.objects.visible_to(user)
        .exclude(assessment__status=Assessment.Status.CANCELLED)
        .select_related("assessment__hotline")
        .annotate(evidence_count=Count("evidence", distinct=True))
        .order_by("status", "due_on", "pk")
    )
