"""Assessments, their report, decisions and decision corrections."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView, View

from core.confirm import ConfirmFirstMixin, spelled_date
from network.models import Hotline
from onboarding import checklist_rules as rules
from onboarding import selectors, services, workflow
from onboarding.admin_views import AdminPage, OnboardingAdminMixin, PermissionRequiredMixin, _add_errors
from onboarding.forms import (
    AppealAnswerForm,
    AssessmentEditForm,
    AssessmentForm,
    CancelForm,
    CorrectiveActionForm,
    DecisionCorrectionForm,
    DecisionForm,
    FindingsForm,
    ReportForm,
)
from onboarding.models import (
    Assessment,
    CorrectiveAction,
    Decision,
    DossierComment,
    Finding,
    Interaction,
    Review,
    ReviewerAssignment,
    SelfAssessment,
)
from onboarding.pdf import build_assessment_report
from onboarding.review_views.common import (
    _dossier_hotline_or_404,
    _errors,
    thread_context,
)


# -- Assessments ------------------------------------------------------------------------------
def _reviews_url(assessment: Assessment) -> str:
    """Where the reviews to consolidate before the Board decides are: the assessment's own when any was
    started, else the candidate's dossier's."""
    if Review.objects.filter(assessment=assessment).exists():
        return reverse("onboarding_admin:reviews_assessment", args=[assessment.pk])
    return reverse("onboarding_admin:reviews", args=[assessment.hotline_id])


def _assessment_or_404(request: HttpRequest, pk: int) -> Assessment:
    return get_object_or_404(
        Assessment.objects.visible_to(request.user).select_related(
            "hotline__country", "hotline__host_organisation", "report_completed_by"
        ),
        pk=pk,
    )


class AssessmentListView(AdminPage):
    permission_required = "onboarding.view_assessment"
    template_name = "onboarding/admin/assessment_list.html"
    page_title = gettext_lazy("Assessments")
    header_icon = "clipboard-list"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        assessments = (
            Assessment.objects.visible_to(self.request.user)
            .select_related("hotline__country")
            .annotate(open_actions=Count("corrective_actions", distinct=True))
            .order_by("-starts_on", "-pk")
        )
        status = self.request.GET.get("status", "")
        if status in Assessment.Status.values:
            assessments = assessments.filter(status=status)
        else:
            status = ""
        page = Paginator(assessments, 50).get_page(self.request.GET.get("p"))
        context.update(page_obj=page, status=status, statuses=Assessment.Status.choices)
        return context


class AssessmentCreateView(OnboardingAdminMixin, FormView):
    permission_required = "onboarding.add_assessment"
    template_name = "onboarding/admin/form.html"
    form_class = AssessmentForm
    page_title = gettext_lazy("Plan an assessment")
    header_icon = "clipboard-list"

    def prepare(self, request: HttpRequest, **kwargs: Any) -> None:
        self.hotline = _dossier_hotline_or_404(request, kwargs["pk"])

    def get_page_subtitle(self) -> str:
        return self.hotline.brand_name

    def get_initial(self) -> dict[str, Any]:
        kind = Assessment.Kind.QA_REVIEW if self.hotline.is_member else Assessment.Kind.PRE_MEMBERSHIP
        return {"kind": kind, "starts_on": timezone.localdate()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "cancel_url": reverse("onboarding_admin:dossier", args=[self.hotline.pk]),
        }

    def form_valid(self, form: AssessmentForm) -> HttpResponse:
        try:
            assessment = services.assessment_create(
                hotline=self.hotline, acting_user=self.request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            _add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Assessment %(reference)s planned.") % {"reference": assessment.reference})
        return redirect("onboarding_admin:assessment", assessment.pk)


class AssessmentEditView(OnboardingAdminMixin, FormView):
    # Planning (dates, mode, cancelling) is network staff's, like creating: reviewers change findings and report.
    permission_required = "onboarding.add_assessment"
    template_name = "onboarding/admin/assessment_edit.html"
    form_class = AssessmentEditForm
    page_title = gettext_lazy("Change the assessment")
    header_icon = "edit"

    def prepare(self, request: HttpRequest, **kwargs: Any) -> None:
        self.assessment = _assessment_or_404(request, kwargs["pk"])

    def get_page_subtitle(self) -> str:
        return self.assessment.reference

    def get_initial(self) -> dict[str, Any]:
        a = self.assessment
        return {"mode": a.mode, "starts_on": a.starts_on, "ends_on": a.ends_on, "time_zone": a.zone_name}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "assessment": self.assessment,
            "cancel_form": kwargs.get("cancel_form") or CancelForm(),
        }

    def form_valid(self, form: AssessmentEditForm) -> HttpResponse:
        try:
            services.assessment_update(assessment=self.assessment, acting_user=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect("onboarding_admin:assessment", self.assessment.pk)


class AssessmentCancelView(AssessmentEditView):
    """Cancelling a planned assessment, with a reason (the edit page's second form)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = CancelForm(request.POST)
        if form.is_valid():
            try:
                services.assessment_cancel(
                    assessment=self.assessment, reason=form.cleaned_data["reason"], acting_user=request.user
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Assessment cancelled."))
                return redirect("onboarding_admin:assessment", self.assessment.pk)
        edit_form = self.get_form_class()(initial=self.get_initial())
        return self.render_to_response(self.get_context_data(form=edit_form, cancel_form=form))


class AssessmentDetailView(AdminPage):
    """The assessment: reviewers, findings per area, corrective actions, report, decision. Its forms post
    to one view per action (below), which show this page again when a form has errors."""

    permission_required = "onboarding.view_assessment"
    template_name = "onboarding/admin/assessment_detail.html"
    page_title = gettext_lazy("Assessment")
    header_icon = "clipboard-list"
    http_method_names = ["get", "head", "options"]

    def prepare(self, request: HttpRequest, **kwargs: Any) -> None:
        self.assessment = _assessment_or_404(request, kwargs["pk"])

    def get_page_subtitle(self) -> str:
        return f"{self.assessment.reference}: {self.assessment.hotline.brand_name}"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        a = self.assessment
        user = self.request.user
        actors = selectors.dossier_actors(user=user, hotline=a.hotline)
        reviews = bool(actors & {rules.STAFF, rules.REVIEWER})
        findings = {
            f.area: f for f in Finding.objects.visible_to(user).filter(assessment=a).select_related("recorded_by")
        }
        hotline = a.hotline
        decision = Decision.objects.visible_to(user).filter(assessment=a).first()
        can_confirm_full = selectors.may_confirm_full_membership(assessment=a, actors=actors)
        context.update(
            assessment=a,
            hotline=hotline,
            reviews=reviews,
            staff=rules.STAFF in actors,
            findings=[(area, rules.area_label(area), findings.get(area)) for area, _label in rules.AREAS],
            findings_form=kwargs.get("findings_form") or FindingsForm(findings=findings),
            actions=list(
                CorrectiveAction.objects.visible_to(user)
                .filter(assessment=a)
                .select_related("completed_by", "verified_by")
                .prefetch_related("evidence")
            ),
            action_form=kwargs.get("action_form") or CorrectiveActionForm(),
            report_form=kwargs.get("report_form")
            or ReportForm(assessment=a, initial={"recommendation": a.recommendation, "summary": a.summary}),
            assignments=list(ReviewerAssignment.objects.filter(hotline=hotline).select_related("reviewer")),
            decision=decision,
            corrections=list(decision.corrections.select_related("corrected_by")) if decision else [],
            can_correct=decision is not None and rules.STAFF in actors,
            letter_refusal=selectors.letter_refusal(decision=decision) if decision else None,
            appeals=list(
                Interaction.objects.visible_to(user)
                .filter(appeal_of=decision)
                .select_related("recorded_by", "answered_by")
                .order_by("occurred_on", "pk")
            )
            if decision
            else [],
            appeal_form=AppealAnswerForm(),
            can_decide=selectors.may_record_decision(assessment=a, actors=actors, decision_exists=decision is not None),
            consolidation_missing=(
                selectors.consolidation_refusal(assessment=a)
                if decision is None and rules.STAFF in actors and hotline.stage == Hotline.Stage.DECISION_PENDING
                else None
            ),
            reviews_url=_reviews_url(a),
            can_confirm_full=can_confirm_full,
            full_missing=self._full_missing(hotline) if can_confirm_full else [],
            **thread_context(
                user=user,
                hotline=hotline,
                comments=DossierComment.objects.visible_to(user).filter(assessment=a),
                form=kwargs.get("comment_form"),
            ),
            self_assessment=SelfAssessment.objects.visible_to(user).filter(review=a).first(),
            may_ask_self_assessment=a.kind == Assessment.Kind.QA_REVIEW
            and a.is_open
            and user.has_perm("onboarding.add_selfassessment"),
        )
        return context

    def _full_missing(self, hotline: Hotline) -> list[str]:
        transition = workflow.get_transition("confirm_full_membership")
        return workflow.unmet_gates(transition, selectors.gate_facts(hotline=hotline))


class AssessmentActionView(AssessmentDetailView):
    """One action on the assessment page, posted from its form: the assessment is loaded as the page loads
    it, then the action's own permission is checked (403 without it)."""

    http_method_names = ["post", "options"]
    action_permission = ""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_perm(self.action_permission):
            raise PermissionDenied
        return self.act(request)

    def act(self, request: HttpRequest) -> HttpResponse:
        raise NotImplementedError

    def back(self) -> HttpResponse:
        return redirect("onboarding_admin:assessment", self.assessment.pk)


class AssessmentFindingsView(AssessmentActionView):
    action_permission = "onboarding.change_finding"

    def act(self, request: HttpRequest) -> HttpResponse:
        form = FindingsForm(request.POST, findings={})
        if form.is_valid():
            try:
                changed = services.assessment_record_findings(
                    assessment=self.assessment, findings=form.findings(), acting_user=request.user
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    ngettext("%(count)s area updated.", "%(count)s areas updated.", changed) % {"count": changed},
                )
                return self.back()
        return self.render_to_response(self.get_context_data(findings_form=form))


class AssessmentCorrectiveActionView(AssessmentActionView):
    action_permission = "onboarding.add_correctiveaction"

    def act(self, request: HttpRequest) -> HttpResponse:
        form = CorrectiveActionForm(request.POST)
        if form.is_valid():
            try:
                services.corrective_action_create(
                    assessment=self.assessment, acting_user=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Corrective action added; the hotline's users are told."))
                return self.back()
        return self.render_to_response(self.get_context_data(action_form=form))


class AssessmentActionVerifyView(AssessmentActionView):
    """Verify and close a completed corrective action, or send it back (`outcome` "send_back")."""

    action_permission = "onboarding.change_correctiveaction"

    OUTCOMES = ("verify", "send_back")

    def act(self, request: HttpRequest) -> HttpResponse:
        outcome = request.POST.get("outcome", "")
        if outcome not in self.OUTCOMES:
            raise Http404
        corrective = get_object_or_404(
            CorrectiveAction.objects.visible_to(request.user).filter(assessment=self.assessment),
            pk=request.POST.get("id") or 0,
        )
        try:
            services.corrective_action_verify(
                action=corrective,
                approve=outcome == "verify",
                note=request.POST.get("note", ""),
                acting_user=request.user,
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Corrective action updated."))
        return self.back()


class AssessmentReportCompleteView(AssessmentActionView):
    action_permission = "onboarding.change_assessment"

    def act(self, request: HttpRequest) -> HttpResponse:
        form = ReportForm(request.POST, assessment=self.assessment)
        if form.is_valid():
            try:
                services.assessment_complete_report(
                    assessment=self.assessment, acting_user=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Report completed."))
                return self.back()
        return self.render_to_response(self.get_context_data(report_form=form))


class AssessmentFullMembershipView(AssessmentActionView):
    action_permission = "onboarding.add_decision"

    def act(self, request: HttpRequest) -> HttpResponse:
        try:
            services.assessment_confirm_full_membership(assessment=self.assessment, acting_user=request.user)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(
                request, _("%(hotline)s is now a full member.") % {"hotline": self.assessment.hotline.brand_name}
            )
        return self.back()


class AssessmentReportView(PermissionRequiredMixin, View):
    permission_required = "onboarding.view_assessment"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        assessment = _assessment_or_404(request, pk)
        return report_response(assessment)


def report_response(assessment: Assessment) -> HttpResponse:
    data = selectors.assessment_report_data(assessment=assessment)
    response = HttpResponse(build_assessment_report(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{assessment.reference}.pdf"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class DecisionCreateView(ConfirmFirstMixin, OnboardingAdminMixin, FormView):
    """The Board's decision, with the lead's consolidated recommendation beside the form (or, where reviewers
    declared and none is recorded yet, what is missing and where to record it)."""

    permission_required = "onboarding.add_decision"
    template_name = "onboarding/admin/decision_form.html"
    form_class = DecisionForm
    page_title = gettext_lazy("Record the membership decision")
    header_icon = "success"

    def prepare(self, request: HttpRequest, **kwargs: Any) -> None:
        self.assessment = _assessment_or_404(request, kwargs["pk"])

    def get_page_subtitle(self) -> str:
        return self.assessment.hotline.brand_name

    def get_initial(self) -> dict[str, Any]:
        outcome = "reject" if self.assessment.recommendation == Assessment.Recommendation.REJECT else "admit"
        return {"decided_on": timezone.localdate(), "outcome": outcome}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "intro": _(
                "Recording the decision moves %(hotline)s out of “Decision pending”: to provisional member when "
                "admitted, to rejected otherwise. Recommendation of the report: %(recommendation)s."
            )
            % {
                "hotline": self.assessment.hotline.brand_name,
                "recommendation": self.assessment.get_recommendation_display() or "—",
            },
            "cancel_url": reverse("onboarding_admin:assessment", args=[self.assessment.pk]),
            "consolidated": selectors.board_recommendation(assessment=self.assessment),
            "consolidation_missing": selectors.consolidation_refusal(assessment=self.assessment),
            "reviews_url": _reviews_url(self.assessment),
        }

    def form_valid(self, form: DecisionForm) -> HttpResponse:
        try:
            services.decision_check(assessment=self.assessment, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
            return self.form_invalid(form)
        return super().form_valid(form)

    def consequences(self, form: DecisionForm) -> list[str]:
        data = form.cleaned_data
        admit = data["outcome"] == Decision.Outcome.ADMIT
        hotline = self.assessment.hotline
        return [
            _(
                "Decision: %(outcome)s, by %(body)s on %(date)s (minutes %(minutes)s): %(votes_for)s for, "
                "%(votes_against)s against, %(votes_abstaining)s abstaining."
            )
            % {
                "outcome": dict(Decision.Outcome.choices)[data["outcome"]],
                "body": data["body"],
                "date": spelled_date(data["decided_on"]),
                "minutes": data["minutes_reference"],
                "votes_for": data["votes_for"],
                "votes_against": data["votes_against"],
                "votes_abstaining": data["votes_abstaining"],
            },
            _(
                "The General Assembly adopts this decision: %(hotline)s stays in Decision pending until you "
                "record the adoption."
            )
            % {"hotline": hotline.brand_name}
            if selectors.adoption_required_for(data["outcome"])
            else _("%(hotline)s moves from Decision pending to %(stage)s, now%(joined)s.")
            % {
                "hotline": hotline.brand_name,
                "stage": workflow.stage_label("provisional_member" if admit else "rejected"),
                "joined": _(", and joins the network today") if admit and not hotline.joined_on else "",
            },
            _("The candidate's users and the lead staff member are told by email."),
            _("A recorded decision is corrected, if ever needed, by a correction record (what, why, who)."),
        ]

    def confirmed_valid(self, form: DecisionForm) -> HttpResponse:
        try:
            decision = services.decision_record(
                assessment=self.assessment, acting_user=self.request.user, **form.cleaned_data
            )
        except services.StageChangedMeanwhile as exc:
            _errors(self.request, exc)
            return redirect("onboarding_admin:assessment", self.assessment.pk)
        except ValidationError as exc:
            _add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Decision recorded: %(outcome)s.") % {"outcome": decision.get_outcome_display()}
        )
        return redirect("onboarding_admin:candidate", self.assessment.hotline_id)


class DecisionCorrectView(ConfirmFirstMixin, OnboardingAdminMixin, FormView):
    """Correct a recorded decision: the new values and why; if the outcome changes, the hotline moves
    through the lifecycle (shown before confirming)."""

    permission_required = "onboarding.change_decision"
    template_name = "onboarding/admin/form.html"
    form_class = DecisionCorrectionForm
    page_title = gettext_lazy("Correct the membership decision")
    header_icon = "edit"
    confirm_label = gettext_lazy("Record the correction")

    def prepare(self, request: HttpRequest, **kwargs: Any) -> None:
        self.assessment = _assessment_or_404(request, kwargs["pk"])
        self.decision = get_object_or_404(Decision.objects.visible_to(request.user), assessment=self.assessment)

    def get_page_subtitle(self) -> str:
        return self.assessment.hotline.brand_name

    def get_initial(self) -> dict[str, Any]:
        return {name: getattr(self.decision, name) for name in services.DECISION_FIELDS}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "intro": _(
                "Change what was recorded wrongly and say why. The decision keeps a record of every correction "
                "(what, why, who). A different outcome moves %(hotline)s through the lifecycle."
            )
            % {"hotline": self.assessment.hotline.brand_name},
            "cancel_url": reverse("onboarding_admin:assessment", args=[self.assessment.pk]),
        }

    def _plan(self, form: DecisionCorrectionForm) -> services.DecisionCorrectionPlan:
        values = {name: form.cleaned_data[name] for name in services.DECISION_FIELDS}
        return services.decision_correction_plan(decision=self.decision, values=values)

    def form_valid(self, form: DecisionCorrectionForm) -> HttpResponse:
        plan = self._plan(form)
        if not plan.changes:
            form.add_error(None, _("Nothing to correct: these are the recorded values."))
            return self.form_invalid(form)
        if plan.problems:
            form.add_error("outcome", list(plan.problems))
            return self.form_invalid(form)
        return super().form_valid(form)

    def consequences(self, form: DecisionCorrectionForm) -> list[str]:
        plan = self._plan(form)
        lines = [
            _("%(field)s: %(old)s → %(new)s")
            % {
                "field": Decision._meta.get_field(name).verbose_name,
                "old": old if old not in (None, "") else "—",
                "new": new,
            }
            for name, (old, new) in plan.changes.items()
        ]
        if plan.transition is not None:
            lines.append(
                _("%(hotline)s moves from %(stage)s to %(target)s, with this reason in its stage history.")
                % {
                    "hotline": self.assessment.hotline.brand_name,
                    "stage": workflow.stage_label(plan.from_stage),
                    "target": workflow.stage_label(plan.transition.target),
                }
            )
        else:
            lines.append(_("The hotline's stage does not change."))
        lines.append(_("Reason: %(reason)s") % {"reason": form.cleaned_data["reason"]})
        return lines

    def confirmed_valid(self, form: DecisionCorrectionForm) -> HttpResponse:
        values = {name: form.cleaned_data[name] for name in services.DECISION_FIELDS}
        try:
            services.decision_correct(
                decision=self.decision, values=values, reason=form.cleaned_data["reason"], acting_user=self.request.user
            )
        except services.StageChangedMeanwhile as exc:
            _errors(self.request, exc)
            return redirect("onboarding_admin:assessment", self.assessment.pk)
        except ValidationError as exc:
            _add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The decision was corrected."))
        return redirect("onboarding_admin:assessment", self.assessment.pk)
