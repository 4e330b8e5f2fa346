"""Staff and reviewer screens of the dossier in the Wagtail admin: the review queue, the item review
page, a candidate's dossier (checklist, reviewers, evidence, assessments), conflict-of-interest
declarations, assessments with findings, corrective actions, report and decision, and checklist
templates. Every object is loaded through `visible_to(user)`: a dossier is open to network staff
and to the reviewers assigned to it who declared no conflict; anyone else gets 404. Rules live in
checklist_rules, selectors and services."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, View

from core.confirm import ConfirmFirstMixin, spelled_date
from core.uploads import private_file_response, private_storage
from network.models import Hotline
from onboarding import checklist_rules as rules
from onboarding import selectors, services, workflow
from onboarding.admin_views import AdminPage, OnboardingAdminMixin, PermissionRequiredMixin, _add_errors
from onboarding.forms import (
    AssessmentEditForm,
    AssessmentForm,
    CancelForm,
    CommentForm,
    CorrectiveActionForm,
    DecisionCorrectionForm,
    DecisionForm,
    DeclarationForm,
    FindingsForm,
    ReportForm,
    ReviewerAssignForm,
    ReviewForm,
)
from onboarding.models import (
    Assessment,
    Checklist,
    ChecklistItem,
    ChecklistTemplate,
    CorrectiveAction,
    Decision,
    EvidenceDocument,
    Finding,
    ReviewerAssignment,
)
from onboarding.pdf import build_assessment_report


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _dossier_hotline_or_404(request: HttpRequest, pk: int) -> Hotline:
    """A hotline whose dossier is open to the user (network staff; an assigned, declared reviewer)."""
    hotline = get_object_or_404(
        Hotline.objects.visible_to(request.user).select_related("country", "host_organisation", "lead_staff"), pk=pk
    )
    if not selectors.dossier_actors(user=request.user, hotline=hotline) & {rules.STAFF, rules.REVIEWER}:
        raise Http404
    return hotline


def evidence_response(document: EvidenceDocument, user: Any) -> HttpResponse:
    """Serve an evidence document the caller loaded through `visible_to`, recording the download."""
    if not private_storage().exists(document.stored_name):
        raise Http404("The stored file is missing.")
    services.evidence_record_download(document=document, acting_user=user)
    return private_file_response(
        document.stored_name, download_name=document.original_name, content_type=document.content_type
    )


# -- Review queue -----------------------------------------------------------------------------
class ReviewQueueView(AdminPage):
    permission_required = "onboarding.view_checklistitem"
    template_name = "onboarding/admin/review_queue.html"
    page_title = gettext_lazy("Review queue")
    header_icon = "tasks"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        get = self.request.GET
        area = int(get["area"]) if get.get("area", "").isdigit() and int(get["area"]) in rules.AREA_LABELS else None
        hotline = int(get["candidate"]) if get.get("candidate", "").isdigit() else None
        ages = dict(selectors.AGE_FILTERS)
        age = get.get("age", "") if get.get("age", "") in ages else ""
        items = selectors.review_queue(
            user=self.request.user, area=area, hotline_id=hotline, older_than_days=ages.get(age)
        )
        page = Paginator(items, 50).get_page(get.get("p"))
        now = timezone.now()
        context.update(
            page_obj=page,
            rows=[(item, (now - item.submitted_at).days if item.submitted_at else 0) for item in page.object_list],
            areas=rules.AREAS,
            area=area,
            candidates=selectors.review_queue_candidates(user=self.request.user),
            candidate=hotline,
            ages=selectors.AGE_FILTERS,
            age=age,
        )
        return context


class ReviewItemView(AdminPage):
    """One item as a reviewer sees it: guidance, answer, evidence, thread, history; review actions."""

    permission_required = "onboarding.view_checklistitem"
    template_name = "onboarding/admin/review_item.html"
    page_title = gettext_lazy("Review a checklist item")
    header_icon = "tasks"

    ACTIONS = {
        rules.ACCEPT: services.item_accept,
        rules.REQUEST_CHANGES: services.item_request_changes,
        rules.WAIVE: services.item_waive,
        rules.APPROVE_WAIVER: services.item_approve_waiver,
        rules.DECLINE_WAIVER: services.item_decline_waiver,
    }

    def prepare(self, request: HttpRequest, **kwargs: Any) -> None:
        self.item = get_object_or_404(
            ChecklistItem.objects.visible_to(request.user).select_related(
                "template_item", "checklist__hotline__country", "checklist__template", "submitted_by", "reviewed_by"
            ),
            pk=kwargs["pk"],
        )

    def get_page_subtitle(self) -> str:
        return f"{self.item.checklist.hotline.brand_name}: {self.item.code} {self.item.template_item.title}"

    def default_due_on(self) -> date:
        """What requesting changes sets when the reviewer keeps the proposed date."""
        return rules.due_after_changes_requested(
            current=self.item.due_on,
            today=timezone.localdate(),
            days=self.item.checklist.template.resubmission_days,
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = selectors.item_page(user=self.request.user, item=self.item)
        context.update(
            page=page,
            item=self.item,
            review_form=kwargs.get("review_form") or ReviewForm(initial={"due_on": self.default_due_on()}),
            comment_form=kwargs.get("comment_form") or CommentForm(),
            review_actions=[rules.get_action(a) for a in page.actions if a in self.ACTIONS],
            review_action_names=[a for a in page.actions if a in self.ACTIONS],
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        action = request.POST.get("action", "")
        if action == "comment":
            if not request.user.has_perm("onboarding.add_itemcomment"):
                raise PermissionDenied
            form = CommentForm(request.POST)
            if form.is_valid():
                try:
                    services.item_comment(item=self.item, body=form.cleaned_data["body"], acting_user=request.user)
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    messages.success(request, _("Comment added; the candidate's users are told by email."))
                    return redirect("onboarding_admin:review_item", self.item.pk)
            return self.render_to_response(self.get_context_data(comment_form=form))
        service = self.ACTIONS.get(action)
        if service is None:
            raise Http404
        if not request.user.has_perm("onboarding.change_checklistitem"):
            raise PermissionDenied
        form = ReviewForm(request.POST)
        if form.is_valid():
            text = form.cleaned_data["comment"]
            kwargs = {"comment": text} if action in (rules.ACCEPT, rules.REQUEST_CHANGES, rules.DECLINE_WAIVER) else {}
            if action == rules.WAIVE:
                kwargs = {"reason": text}
            if action == rules.REQUEST_CHANGES:
                kwargs["due_on"] = form.cleaned_data.get("due_on")
            try:
                updated = service(item=self.item, acting_user=request.user, **kwargs)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("%(code)s is now: %(state)s.") % {"code": updated.code, "state": updated.state_label},
                )
                return redirect("onboarding_admin:review_item", self.item.pk)
        return self.render_to_response(self.get_context_data(review_form=form))


class EvidenceDownloadView(PermissionRequiredMixin, View):
    permission_required = "onboarding.view_evidencedocument"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        document = get_object_or_404(EvidenceDocument.objects.visible_to(request.user), pk=pk)
        return evidence_response(document, request.user)


# -- Dossier ----------------------------------------------------------------------------------
class DossierView(AdminPage):
    permission_required = "onboarding.view_checklist"
    template_name = "onboarding/admin/dossier.html"
    page_title = gettext_lazy("Dossier")
    header_icon = "folder-open-inverse"

    def prepare(self, request: HttpRequest, **kwargs: Any) -> None:
        self.hotline = _dossier_hotline_or_404(request, kwargs["pk"])

    def get_page_subtitle(self) -> str:
        return self.hotline.brand_name

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            dossier=selectors.dossier(user=user, hotline=self.hotline),
            hotline=self.hotline,
            assign_form=ReviewerAssignForm(hotline=self.hotline)
            if user.has_perm("onboarding.add_reviewerassignment")
            else None,
            can_start=user.has_perm("onboarding.add_checklist") and ChecklistTemplate.objects.published().exists(),
        )
        return context


class ChecklistStartView(PermissionRequiredMixin, View):
    permission_required = "onboarding.add_checklist"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        hotline = _dossier_hotline_or_404(request, pk)
        try:
            services.checklist_create(hotline=hotline, acting_user=request.user)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Checklist started for %(hotline)s.") % {"hotline": hotline.brand_name})
        return redirect("onboarding_admin:dossier", pk)


class ChecklistVersionView(AdminPage):
    """Preview what moving a candidate's checklist to the newest version changes, then do it."""

    permission_required = "onboarding.change_checklist"
    template_name = "onboarding/admin/checklist_version.html"
    page_title = gettext_lazy("Move the checklist to a new version")
    header_icon = "resubmit"

    def prepare(self, request: HttpRequest, **kwargs: Any) -> None:
        self.hotline = _dossier_hotline_or_404(request, kwargs["pk"])
        self.checklist = get_object_or_404(
            Checklist.objects.visible_to(request.user).select_related("template"), hotline=self.hotline
        )
        self.target = get_object_or_404(
            ChecklistTemplate.objects.published().prefetch_related("items"),
            name=self.checklist.template.name,
            version__gt=self.checklist.template.version,
        )

    def get_page_subtitle(self) -> str:
        return self.hotline.brand_name

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        diff = services.checklist_version_diff(checklist=self.checklist, template=self.target)
        titles = {item.code: item.title for item in self.checklist.template.items.all()}
        titles.update({item.code: item.title for item in self.target.items.all()})
        context.update(
            hotline=self.hotline,
            checklist=self.checklist,
            target=self.target,
            diff=diff,
            added=[(code, titles.get(code, "")) for code in diff.added],
            removed=[(code, titles.get(code, "")) for code in diff.removed],
            changed=[(change, titles.get(change.code, "")) for change in diff.changed],
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            move = services.checklist_move_to_version(
                checklist=self.checklist, template=self.target, acting_user=request.user
            )
        except ValidationError as exc:
            _errors(request, exc)
            return redirect("onboarding_admin:dossier", self.hotline.pk)
        diff = move.diff
        messages.success(
            request,
            _(
                "Moved from version %(old)s to %(new)s: %(added)s new, %(removed)s dropped, %(changed)s changed "
                "(%(reopened)s to submit again), %(kept)s kept as they were."
            )
            % {
                "old": move.from_version,
                "new": move.to_version,
                "added": len(diff.added),
                "removed": len(diff.removed),
                "changed": len(diff.changed),
                "reopened": len(diff.reopened),
                "kept": len(diff.unchanged),
            },
        )
        return redirect("onboarding_admin:dossier", self.hotline.pk)


# -- Reviewers --------------------------------------------------------------------------------
class ReviewerAssignView(PermissionRequiredMixin, View):
    permission_required = "onboarding.add_reviewerassignment"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        hotline = _dossier_hotline_or_404(request, pk)
        form = ReviewerAssignForm(request.POST, hotline=hotline)
        if not form.is_valid():
            messages.error(request, _("Choose a reviewer from the list."))
            return redirect("onboarding_admin:dossier", pk)
        try:
            services.reviewer_assign(hotline=hotline, reviewer=form.cleaned_data["reviewer"], acting_user=request.user)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(
                request,
                _("%(user)s assigned; they are asked to declare any conflict of interest.")
                % {"user": form.cleaned_data["reviewer"]},
            )
        return redirect("onboarding_admin:dossier", pk)


class ReviewerUnassignView(PermissionRequiredMixin, View):
    permission_required = "onboarding.delete_reviewerassignment"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        assignment = get_object_or_404(ReviewerAssignment.objects.visible_to(request.user), pk=pk)
        hotline_id = assignment.hotline_id
        services.reviewer_unassign(assignment=assignment, acting_user=request.user)
        messages.success(request, _("Reviewer removed from the dossier."))
        return redirect("onboarding_admin:dossier", hotline_id)


class AssignmentsView(AdminPage):
    """The dossiers a reviewer is assigned to, with their declaration status."""

    permission_required = "onboarding.view_reviewerassignment"
    template_name = "onboarding/admin/assignments.html"
    page_title = gettext_lazy("My review assignments")
    header_icon = "user"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        assignments = (
            ReviewerAssignment.objects.visible_to(self.request.user)
            .filter(reviewer=self.request.user)
            .select_related("hotline__country")
            .annotate(
                awaiting=Count(
                    "hotline__checklist__items",
                    filter=Q(
                        hotline__checklist__items__state=rules.SUBMITTED,
                        hotline__checklist__items__removed_at__isnull=True,
                    ),
                )
            )
            .order_by("-assigned_at")
        )
        context["assignments"] = list(assignments)
        return context


class DeclareView(OnboardingAdminMixin, FormView):
    permission_required = "onboarding.change_reviewerassignment"
    template_name = "onboarding/admin/declare.html"
    form_class = DeclarationForm
    page_title = gettext_lazy("Declare conflicts of interest")
    header_icon = "user"

    def prepare(self, request: HttpRequest, **kwargs: Any) -> None:
        self.assignment = get_object_or_404(
            ReviewerAssignment.objects.visible_to(request.user).select_related(
                "hotline__country", "hotline__host_organisation"
            ),
            pk=kwargs["pk"],
            reviewer=request.user,
        )

    def get_page_subtitle(self) -> str:
        return self.assignment.hotline.brand_name

    def get_initial(self) -> dict[str, Any]:
        if self.assignment.declared:
            return {
                "has_conflict": "yes" if self.assignment.has_conflict else "no",
                "statement": self.assignment.coi_statement,
            }
        return {}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "assignment": self.assignment}

    def form_valid(self, form: DeclarationForm) -> HttpResponse:
        try:
            services.reviewer_declare(
                assignment=self.assignment,
                has_conflict=form.cleaned_data["has_conflict"],
                statement=form.cleaned_data["statement"],
                acting_user=self.request.user,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
            return self.form_invalid(form)
        if form.cleaned_data["has_conflict"]:
            messages.success(self.request, _("Conflict declared: the dossier stays closed to you and staff are told."))
            return redirect("onboarding_admin:assignments")
        messages.success(self.request, _("Declaration recorded: the dossier is open to you."))
        return redirect("onboarding_admin:dossier", self.assignment.hotline_id)


# -- Assessments ------------------------------------------------------------------------------
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

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.POST.get("action") == "cancel":
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
            return self.render_to_response(self.get_context_data(cancel_form=form))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: AssessmentEditForm) -> HttpResponse:
        try:
            services.assessment_update(assessment=self.assessment, acting_user=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect("onboarding_admin:assessment", self.assessment.pk)


class AssessmentDetailView(AdminPage):
    """The assessment: reviewers, findings per area, corrective actions, report, decision."""

    permission_required = "onboarding.view_assessment"
    template_name = "onboarding/admin/assessment_detail.html"
    page_title = gettext_lazy("Assessment")
    header_icon = "clipboard-list"

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
            can_decide=rules.STAFF in actors
            and a.kind in Assessment.APPLICATION_KINDS
            and a.is_completed
            and decision is None
            and hotline.stage == Hotline.Stage.DECISION_PENDING,
            can_confirm_full=rules.STAFF in actors
            and a.kind == Assessment.Kind.QA_REVIEW
            and a.is_completed
            and hotline.stage == Hotline.Stage.PROVISIONAL_MEMBER,
            full_missing=self._full_missing(hotline) if hotline.stage == Hotline.Stage.PROVISIONAL_MEMBER else [],
        )
        return context

    def _full_missing(self, hotline: Hotline) -> list[str]:
        from onboarding import workflow

        transition = workflow.get_transition("confirm_full_membership")
        return workflow.unmet_gates(transition, selectors.gate_facts(hotline=hotline))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        action = request.POST.get("action", "")
        a = self.assessment
        if action == "findings":
            if not request.user.has_perm("onboarding.change_finding"):
                raise PermissionDenied
            form = FindingsForm(request.POST, findings={})
            if form.is_valid():
                try:
                    changed = services.assessment_record_findings(
                        assessment=a, findings=form.findings(), acting_user=request.user
                    )
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    messages.success(request, _("%(count)s area(s) updated.") % {"count": changed})
                    return redirect("onboarding_admin:assessment", a.pk)
            return self.render_to_response(self.get_context_data(findings_form=form))
        if action == "corrective_action":
            if not request.user.has_perm("onboarding.add_correctiveaction"):
                raise PermissionDenied
            form = CorrectiveActionForm(request.POST)
            if form.is_valid():
                try:
                    services.corrective_action_create(assessment=a, acting_user=request.user, **form.cleaned_data)
                except ValidationError as exc:
                    _add_errors(form, exc)
                else:
                    messages.success(request, _("Corrective action added; the hotline's users are told."))
                    return redirect("onboarding_admin:assessment", a.pk)
            return self.render_to_response(self.get_context_data(action_form=form))
        if action in ("verify", "send_back"):
            if not request.user.has_perm("onboarding.change_correctiveaction"):
                raise PermissionDenied
            corrective = get_object_or_404(
                CorrectiveAction.objects.visible_to(request.user).filter(assessment=a), pk=request.POST.get("id") or 0
            )
            try:
                services.corrective_action_verify(
                    action=corrective,
                    approve=action == "verify",
                    note=request.POST.get("note", ""),
                    acting_user=request.user,
                )
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(request, _("Corrective action updated."))
            return redirect("onboarding_admin:assessment", a.pk)
        if action == "report":
            if not request.user.has_perm("onboarding.change_assessment"):
                raise PermissionDenied
            form = ReportForm(request.POST, assessment=a)
            if form.is_valid():
                try:
                    services.assessment_complete_report(assessment=a, acting_user=request.user, **form.cleaned_data)
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    messages.success(request, _("Report completed."))
                    return redirect("onboarding_admin:assessment", a.pk)
            return self.render_to_response(self.get_context_data(report_form=form))
        if action == "full_membership":
            if not request.user.has_perm("onboarding.add_decision"):
                raise PermissionDenied
            try:
                services.assessment_confirm_full_membership(assessment=a, acting_user=request.user)
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(request, _("%(hotline)s is now a full member.") % {"hotline": a.hotline.brand_name})
            return redirect("onboarding_admin:assessment", a.pk)
        raise Http404


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
    permission_required = "onboarding.add_decision"
    template_name = "onboarding/admin/form.html"
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
            _("%(hotline)s moves from Decision pending to %(stage)s, now%(joined)s.")
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


# -- Checklist templates ----------------------------------------------------------------------
class TemplateDetailView(AdminPage):
    permission_required = "onboarding.view_checklisttemplate"
    template_name = "onboarding/admin/template_detail.html"
    page_title = gettext_lazy("Checklist template")
    header_icon = "list-ul"

    def prepare(self, request: HttpRequest, **kwargs: Any) -> None:
        self.template = get_object_or_404(ChecklistTemplate.objects.visible_to(request.user), pk=kwargs["pk"])

    def get_page_subtitle(self) -> str:
        return str(self.template)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        t = self.template
        previous = (
            ChecklistTemplate.objects.filter(name=t.name, version__lt=t.version)
            .exclude(status=ChecklistTemplate.Status.DRAFT)
            .order_by("-version")
            .first()
        )
        items = list(t.items.all())
        context.update(
            template=t,
            items=[(item, rules.area_label(item.area)) for item in items],
            previous=previous,
            diff=rules.compare_versions(previous.specs(), [i.spec() for i in items]) if previous else None,
            problems=services.template_problems(t) if t.is_draft else [],
            checklists=t.checklists.count(),
        )
        return context


class TemplatePublishView(PermissionRequiredMixin, View):
    """Publishing is confirmed first: the page says which version replaces which, then publishes."""

    permission_required = "onboarding.change_checklisttemplate"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        template = get_object_or_404(ChecklistTemplate.objects.visible_to(request.user), pk=pk)
        if request.POST.get("confirmed") != "yes":
            current = ChecklistTemplate.objects.published().filter(name=template.name).first()
            lines = [
                _("Version %(version)s of “%(name)s” becomes the published checklist: new candidates start on it.")
                % {"version": template.version, "name": template.name},
                _("Version %(version)s is retired.") % {"version": current.version}
                if current
                else _("No version was published before."),
                _("Candidates' checklists stay on their version until you move them (with a preview)."),
            ]
            problems = services.template_problems(template)
            if problems:
                _errors(request, ValidationError(problems))
                return redirect("onboarding_admin:template", pk)
            return TemplateResponse(
                request,
                "core/admin/confirm.html",
                {
                    "page_title": _("Publish the checklist version"),
                    "header_icon": "list-ul",
                    "consequences": lines,
                    "confirm_label": _("Publish this version"),
                    "form": forms.Form(),
                },
            )
        try:
            services.template_publish(template=template, acting_user=request.user)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(
                request,
                _("Version %(version)s published. Candidates' checklists stay on their version until you move them.")
                % {"version": template.version},
            )
        return redirect("onboarding_admin:template", pk)


class TemplateNewVersionView(PermissionRequiredMixin, View):
    permission_required = "onboarding.add_checklisttemplate"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        template = get_object_or_404(ChecklistTemplate.objects.visible_to(request.user), pk=pk)
        try:
            draft = services.template_new_version(template=template, acting_user=request.user)
        except ValidationError as exc:
            _errors(request, exc)
            return redirect("onboarding_admin:template", pk)
        messages.success(
            request, _("Draft version %(version)s created: edit it, then publish it.") % {"version": draft.version}
        )
        return redirect("onboarding_templates:edit", draft.pk)
