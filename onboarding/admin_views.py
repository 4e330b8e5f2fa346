"""Staff screens of the lifecycle in the Wagtail admin: board, candidates, transitions, roundtables,
agreements, coverage and the calendar feed. Registration lives in wagtail_hooks; rules in
workflow, selectors and services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.mixins import SpreadsheetExportMixin

from core import search
from core.confirm import ConfirmFirstMixin, spelled_date
from core.spreadsheets import FormulaSafeExportMixin
from network.models import Country, Hotline, Sector
from onboarding import gates, selectors, services, workflow
from onboarding.downloads import document_response, ics_response
from onboarding.forms import (
    BoardFilterForm,
    CandidateCreateForm,
    CandidateProfileForm,
    CoverageFilterForm,
    DocumentUploadForm,
    MouAlternativeForm,
    MouDecisionForm,
    ReassignLeadForm,
    TransitionForm,
)
from onboarding.models import (
    ActionItem,
    Agreement,
    CalendarFeedToken,
    CandidateProfile,
    CountryAssessment,
    MouAlternative,
    Roundtable,
    RoundtableParticipant,
)
from onboarding.search import CANDIDATE_SEARCH_FIELDS


class PermissionRequiredMixin:
    """Checks the permission first, then loads the view's objects (`prepare`), then dispatches."""

    permission_required = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_perm(self.permission_required):
            raise PermissionDenied
        self.prepare(request, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def prepare(self, request: HttpRequest, **kwargs: Any) -> None:
        """Load what the view works on (404 when not visible to the user)."""


class OnboardingAdminMixin(PermissionRequiredMixin, WagtailAdminTemplateMixin):
    header_icon = "site"

    def get_header_buttons(self) -> list:
        return []

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return []  # the full header: a visible h1 with the page's title and subject


class AdminPage(OnboardingAdminMixin, TemplateView):
    pass


def _candidate_or_404(request: HttpRequest, pk: int) -> Hotline:
    return get_object_or_404(
        Hotline.objects.visible_to(request.user).select_related("country", "host_organisation", "lead_staff"), pk=pk
    )


# -- Board and candidates ---------------------------------------------------------------------
class BoardView(AdminPage):
    permission_required = "onboarding.view_stagechange"
    template_name = "onboarding/admin/board.html"
    page_title = gettext_lazy("Pipeline board")
    header_icon = "table"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = BoardFilterForm(self.request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}  # invalid filters are named, not applied
        columns = selectors.pipeline_board(
            user=self.request.user,
            lead=filters.get("lead"),
            region=filters.get("region", ""),
            phase=filters.get("phase", ""),
        )
        context.update(
            columns=columns,
            total=sum(len(c.cards) for c in columns),
            filter_form=form,
            filtered=bool(filters and any(filters.values())),
        )
        return context


class CandidateListView(AdminPage):
    permission_required = "onboarding.view_stagechange"
    template_name = "onboarding/admin/candidate_list.html"
    page_title = gettext_lazy("Hotlines in the lifecycle")
    header_icon = "list-ul"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        hotlines = (
            Hotline.objects.visible_to(self.request.user)
            .select_related("country", "host_organisation", "lead_staff")
            .order_by("brand_name")
        )
        stage = self.request.GET.get("stage", "")
        if stage in Hotline.Stage.values:
            hotlines = hotlines.filter(stage=stage)
        else:
            stage = ""
        query = search.clean_query(self.request.GET.get("q", ""))
        if search.query_words(query):
            hotlines = search.matching(hotlines, query, fields=CANDIDATE_SEARCH_FIELDS, ordering=("brand_name",))
        page = Paginator(hotlines, 50).get_page(self.request.GET.get("p"))
        now = timezone.now()
        rows = [(h, workflow.time_in_stage(h.stage, (now - h.stage_entered_at).days)) for h in page.object_list]
        context.update(
            page_obj=page,
            rows=rows,
            stage=stage,
            stages=Hotline.Stage.choices,
            query=query,
            lead_choices=ReassignLeadForm(user=self.request.user).fields["lead_staff"].choices,
        )
        return context


class CandidateCreateView(OnboardingAdminMixin, FormView):
    permission_required = "onboarding.add_candidateprofile"
    template_name = "onboarding/admin/form.html"
    form_class = CandidateCreateForm
    page_title = gettext_lazy("New candidate")
    header_icon = "plus"

    def get_initial(self) -> dict[str, Any]:
        return {"identified_on": timezone.localdate(), "lead_staff": self.request.user.pk}

    def form_valid(self, form: CandidateCreateForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            hotline = services.candidate_create(
                brand_name=data["brand_name"],
                country=data["country"],
                host_organisation=data["host_organisation"],
                new_host_name=data["new_host_name"],
                new_host_type=data["new_host_type"],
                identified_on=data["identified_on"],
                source=data["source"],
                lead_staff=data["lead_staff"],
                notes=data["notes"],
                acting_user=self.request.user,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("%(hotline)s added as a candidate.") % {"hotline": hotline})
        return redirect("onboarding_admin:candidate", hotline.pk)


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class CandidateDetailView(AdminPage):
    permission_required = "onboarding.view_stagechange"
    template_name = "onboarding/admin/candidate_detail.html"
    page_title = gettext_lazy("Candidate")
    header_icon = "site"

    def prepare(self, request: HttpRequest, **kwargs: Any) -> None:
        self.hotline = _candidate_or_404(request, kwargs["pk"])

    def get_page_subtitle(self) -> str:
        return self.hotline.brand_name

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        hotline = self.hotline
        facts = selectors.gate_facts(hotline=hotline)
        now = timezone.now()
        context.update(
            hotline=hotline,
            profile=CandidateProfile.objects.filter(hotline=hotline).first(),
            time=workflow.time_in_stage(hotline.stage, (now - hotline.stage_entered_at).days),
            steps=selectors.next_steps(hotline=hotline, user=self.request.user, facts=facts),
            phases=workflow.progress(hotline.stage, hotline.paused_stage),
            timeline=selectors.candidate_timeline(hotline=hotline),
            assessment=CountryAssessment.objects.filter(country_id=hotline.country_id).order_by("-assessed_on").first(),
            alternatives=list(
                MouAlternative.objects.filter(hotline=hotline).select_related("proposed_by", "decided_by", "document")
            ),
            paused_label=workflow.stage_label(hotline.paused_stage) if hotline.paused_stage else "",
            checklist_progress=selectors.checklist_progress(hotline=hotline),
            can_email=selectors.may_email_about(user=self.request.user, hotline=hotline),
        )
        return context


class CandidateEditView(OnboardingAdminMixin, FormView):
    permission_required = "onboarding.change_candidateprofile"
    template_name = "onboarding/admin/form.html"
    form_class = CandidateProfileForm
    page_title = gettext_lazy("Edit candidate")
    header_icon = "edit"

    def prepare(self, request: HttpRequest, **kwargs: Any) -> None:
        self.hotline = _candidate_or_404(request, kwargs["pk"])

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        profile = CandidateProfile.objects.filter(hotline=self.hotline).first()
        kwargs["instance"] = profile or CandidateProfile(hotline=self.hotline)
        return kwargs

    def get_page_subtitle(self) -> str:
        return self.hotline.brand_name

    def form_valid(self, form: CandidateProfileForm) -> HttpResponse:
        try:
            services.candidate_profile_save(
                profile=form.instance, lead_staff=form.cleaned_data["lead_staff"], acting_user=self.request.user
            )
        except ValidationError as exc:
            _add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect("onboarding_admin:candidate", self.hotline.pk)


class TransitionView(ConfirmFirstMixin, OnboardingAdminMixin, FormView):
    """Asks for the reason (and review date) of one transition, shows what is missing, then what will
    happen, and applies it once confirmed."""

    permission_required = "onboarding.view_stagechange"
    template_name = "onboarding/admin/transition.html"
    form_class = TransitionForm
    header_icon = "arrow-right"

    def prepare(self, request: HttpRequest, **kwargs: Any) -> None:
        self.transition = workflow.get_transition(kwargs["name"])
        if self.transition is None or self.transition.by_service_only:
            raise Http404
        self.hotline = _candidate_or_404(request, kwargs["pk"])

    def get_page_title(self) -> str:
        return str(self.transition.label)

    def get_page_subtitle(self) -> str:
        return self.hotline.brand_name

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "transition": self.transition}

    def get_initial(self) -> dict[str, Any]:
        return {"expected_stage": self.hotline.stage}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        facts = selectors.gate_facts(hotline=self.hotline)
        roles = selectors.workflow_roles_for(user=self.request.user, hotline=self.hotline)
        target = self.transition.target_from(self.hotline.paused_stage)
        missing = selectors.missing_lines(
            transition=self.transition,
            facts=facts,
            hotline=self.hotline,
            user=self.request.user,
            back=reverse("onboarding_admin:candidate", args=[self.hotline.pk]),
        )
        # A refused step shows its reasons once: the gates' own lines (with where to fix them) say
        # what is missing; the form's errors keep only what they do not already say.
        missing_messages = {line.message for line in missing}
        form = context.get("form")
        errors = [str(error) for error in form.non_field_errors()] if form is not None else []
        context.update(
            hotline=self.hotline,
            transition=self.transition,
            target_label=workflow.stage_label(target) if target else "",
            available=self.hotline.stage in self.transition.sources,
            permitted=workflow.is_permitted(self.transition, roles),
            missing=missing,
            refused=any(error in missing_messages for error in errors),
            other_errors=[error for error in errors if error not in missing_messages],
            stage_label=workflow.stage_label(self.hotline.stage),
        )
        return context

    def form_valid(self, form: TransitionForm) -> HttpResponse:
        try:
            services.hotline_transition_check(
                hotline=self.hotline,
                transition=self.transition.name,
                reason=form.cleaned_data["reason"],
                review_date=form.cleaned_data.get("review_date"),
                expected_stage=form.cleaned_data["expected_stage"],
                acting_user=self.request.user,
            )
        except services.StageChangedMeanwhile as exc:
            messages.error(self.request, " ".join(exc.messages))
            return redirect("onboarding_admin:candidate", self.hotline.pk)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        return super().form_valid(form)

    def consequences(self, form: TransitionForm) -> list[str]:
        target = self.transition.target_from(self.hotline.paused_stage)
        lines = [
            _("%(hotline)s moves from %(stage)s to %(target)s, now.")
            % {
                "hotline": self.hotline.brand_name,
                "stage": workflow.stage_label(self.hotline.stage),
                "target": workflow.stage_label(target) if target else "—",
            },
            _("Reason recorded in its stage history: %(reason)s") % {"reason": form.cleaned_data["reason"]},
        ]
        if form.cleaned_data.get("review_date"):
            lines.append(_("To be reviewed by %(date)s.") % {"date": spelled_date(form.cleaned_data["review_date"])})
        lines.append(_("The candidate's users and the lead staff member are told by email."))
        return lines

    def confirmed_valid(self, form: TransitionForm) -> HttpResponse:
        try:
            change = services.hotline_transition(
                hotline=self.hotline,
                transition=self.transition.name,
                reason=form.cleaned_data["reason"],
                review_date=form.cleaned_data.get("review_date"),
                expected_stage=form.cleaned_data["expected_stage"],
                acting_user=self.request.user,
            )
        except services.StageChangedMeanwhile as exc:
            messages.error(self.request, " ".join(exc.messages))
            return redirect("onboarding_admin:candidate", self.hotline.pk)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(hotline)s moved to %(stage)s.")
            % {"hotline": self.hotline.brand_name, "stage": workflow.stage_label(change.to_stage)},
        )
        return redirect("onboarding_admin:candidate", self.hotline.pk)


# -- MoU alternatives -------------------------------------------------------------------------
class MouAlternativeCreateView(OnboardingAdminMixin, FormView):
    permission_required = "onboarding.add_moualternative"
    template_name = "onboarding/admin/form.html"
    form_class = MouAlternativeForm
    page_title = gettext_lazy("Propose an alternative to a law-enforcement MoU")
    header_icon = "doc-full"

    def prepare(self, request: HttpRequest, **kwargs: Any) -> None:
        self.hotline = _candidate_or_404(request, kwargs["pk"])

    def get_page_subtitle(self) -> str:
        return self.hotline.brand_name

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "intro": _(
                "Where law enforcement cannot sign an MoU, describe the arrangement that replaces it. "
                "It counts for the gate once another staff member approves it."
            ),
        }

    def form_valid(self, form: MouAlternativeForm) -> HttpResponse:
        try:
            services.mou_alternative_propose(
                hotline=self.hotline,
                arrangement=form.cleaned_data["arrangement"],
                why_no_mou=form.cleaned_data["why_no_mou"],
                upload=form.cleaned_data.get("document"),
                acting_user=self.request.user,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Alternative proposed; another staff member must approve it."))
        return redirect("onboarding_admin:candidate", self.hotline.pk)


class MouAlternativeDecideView(OnboardingAdminMixin, FormView):
    permission_required = "onboarding.change_moualternative"
    template_name = "onboarding/admin/mou_decide.html"
    form_class = MouDecisionForm
    page_title = gettext_lazy("Decide on an MoU alternative")
    header_icon = "doc-full"

    def prepare(self, request: HttpRequest, **kwargs: Any) -> None:
        self.alternative = get_object_or_404(
            MouAlternative.objects.visible_to(request.user).select_related("hotline", "proposed_by"),
            pk=kwargs["pk"],
        )

    def get_page_subtitle(self) -> str:
        return self.alternative.hotline.brand_name

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "alternative": self.alternative}

    def form_valid(self, form: MouDecisionForm) -> HttpResponse:
        try:
            services.mou_alternative_decide(
                alternative=self.alternative,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
                acting_user=self.request.user,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Decision recorded."))
        return redirect("onboarding_admin:candidate", self.alternative.hotline_id)


class AttachedDocumentView(PermissionRequiredMixin, View):
    """A record's attached document (`field`), served once the record itself is visible to the user."""

    model: type[models.Model]
    field: str

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = get_object_or_404(
            self.model.objects.visible_to(request.user).select_related(self.field),
            pk=pk,
            **{f"{self.field}__isnull": False},
        )
        return document_response(getattr(record, self.field))


class AttachDocumentView(PermissionRequiredMixin, View):
    """Upload a document to a visible record through its service (`attach`), then back to its page."""

    model: type[models.Model]
    page: str  # the URL name of the record's page
    done: Any  # the message once uploaded

    def attach(self, record: Any, upload: Any, user: Any) -> None:
        raise NotImplementedError

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = get_object_or_404(self.model.objects.visible_to(request.user), pk=pk)
        form = DocumentUploadForm(request.POST, request.FILES)
        if form.is_valid():
            self.attach(record, form.cleaned_data["document"], request.user)
            messages.success(request, self.done)
        else:
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(self.page, pk)


class MouAlternativeDocumentView(AttachedDocumentView):
    permission_required = "onboarding.view_moualternative"
    model, field = MouAlternative, "document"


# -- Roundtables ------------------------------------------------------------------------------
def _roundtable_or_404(request: HttpRequest, pk: int) -> Roundtable:
    return get_object_or_404(
        Roundtable.objects.visible_to(request.user).select_related("country", "hotline", "minutes"), pk=pk
    )


class RoundtableDetailView(AdminPage):
    permission_required = "onboarding.view_roundtable"
    template_name = "onboarding/admin/roundtable_detail.html"
    page_title = gettext_lazy("Roundtable")
    header_icon = "group"

    def prepare(self, request: HttpRequest, **kwargs: Any) -> None:
        self.roundtable = _roundtable_or_404(request, kwargs["pk"])

    def get_page_subtitle(self) -> str:
        return self.roundtable.title

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        roundtable = self.roundtable
        participants = list(
            RoundtableParticipant.objects.filter(roundtable=roundtable).select_related("organisation", "contact")
        )
        items = list(
            ActionItem.objects.filter(roundtable=roundtable).select_related("owner_user", "owner_organisation")
        )
        sectors_attended = {p.sector for p in participants if p.status == RoundtableParticipant.Status.ATTENDED}
        missing_groups = gates.missing_sector_groups(sectors_attended)
        context.update(
            roundtable=roundtable,
            participants=participants,
            action_items=items,
            can_record_attendance=roundtable.status != Roundtable.Status.CANCELLED
            and roundtable.starts_at <= timezone.now()
            and self.request.user.has_perm("onboarding.change_roundtableparticipant"),
            missing_groups=[str(gates.ROUNDTABLE_GROUP_LABELS[g]) for g in missing_groups],
            upload_form=DocumentUploadForm(),
            here=self.request.get_full_path(),
            can_email=selectors.may_email_about(user=self.request.user, hotline=roundtable.hotline),
        )
        return context


class RoundtableAttendanceView(PermissionRequiredMixin, View):
    """Bulk attendance: ticked participants attended, the others did not; ticked "committed" committed."""

    permission_required = "onboarding.change_roundtableparticipant"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        roundtable = _roundtable_or_404(request, pk)
        try:
            attended = {int(v) for v in request.POST.getlist("attended")}
            committed = {int(v) for v in request.POST.getlist("committed")}
        except ValueError:
            messages.error(request, _("The attendance form was not understood; reload the page and try again."))
            return redirect("onboarding_admin:roundtable", pk)
        try:
            summary = services.roundtable_record_attendance(
                roundtable=roundtable, attended_ids=attended, committed_ids=committed, acting_user=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Attendance saved: %(attended)s attended, %(absent)s did not, %(committed)s committed.") % summary,
            )
        return redirect("onboarding_admin:roundtable", pk)


class RoundtableMinutesUploadView(AttachDocumentView):
    permission_required = "onboarding.change_roundtable"
    model, page, done = Roundtable, "onboarding_admin:roundtable", gettext_lazy("Minutes uploaded.")

    def attach(self, record: Roundtable, upload: Any, user: Any) -> None:
        services.roundtable_attach_minutes(roundtable=record, upload=upload, acting_user=user)


class RoundtableMinutesView(AttachedDocumentView):
    permission_required = "onboarding.view_roundtable"
    model, field = Roundtable, "minutes"


class RoundtableIcsView(PermissionRequiredMixin, View):
    permission_required = "onboarding.view_roundtable"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        roundtable = _roundtable_or_404(request, pk)
        return ics_response([selectors.roundtable_event(roundtable)], name=roundtable.title, filename=roundtable.code)


# -- Agreements -------------------------------------------------------------------------------
def _agreement_or_404(request: HttpRequest, pk: int) -> Agreement:
    return get_object_or_404(
        Agreement.objects.visible_to(request.user).select_related("country", "hotline", "document"), pk=pk
    )


class AgreementDetailView(AdminPage):
    permission_required = "onboarding.view_agreement"
    template_name = "onboarding/admin/agreement_detail.html"
    page_title = gettext_lazy("Agreement")
    header_icon = "doc-full"

    def prepare(self, request: HttpRequest, **kwargs: Any) -> None:
        self.agreement = _agreement_or_404(request, kwargs["pk"])

    def get_page_subtitle(self) -> str:
        return self.agreement.title

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        agreement = self.agreement
        context.update(
            agreement=agreement,
            parties=list(agreement.parties.select_related("organisation")),
            upload_form=DocumentUploadForm(),
            here=self.request.get_full_path(),
        )
        return context


class AgreementDocumentUploadView(AttachDocumentView):
    permission_required = "onboarding.change_agreement"
    model, page, done = Agreement, "onboarding_admin:agreement", gettext_lazy("Document uploaded.")

    def attach(self, record: Agreement, upload: Any, user: Any) -> None:
        services.agreement_attach_document(agreement=record, upload=upload, acting_user=user)


class AgreementDocumentView(AttachedDocumentView):
    permission_required = "onboarding.view_agreement"
    model, field = Agreement, "document"


class AgreementsExpiringView(AdminPage):
    permission_required = "onboarding.view_agreement"
    template_name = "onboarding/admin/agreements_expiring.html"
    page_title = gettext_lazy("Agreements expiring in 90 days")
    header_icon = "warning"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        agreements = selectors.agreements_expiring(user=self.request.user, within_days=90, today=today)
        context.update(rows=[(a, (a.expires_on - today).days) for a in agreements])
        return context


# -- Coverage ---------------------------------------------------------------------------------
class CoverageView(FormulaSafeExportMixin, SpreadsheetExportMixin, AdminPage):
    """The stakeholder coverage matrix: filters (candidates only, region) kept in the address, the gaps
    beside each country, and the same rows as CSV or XLSX (`?export=csv|xlsx`, with the filters)."""

    permission_required = "onboarding.view_roundtable"
    template_name = "onboarding/admin/coverage.html"
    page_title = gettext_lazy("Stakeholder coverage")
    header_icon = "table"
    export_filename = "stakeholder-coverage"

    def prepare(self, request: HttpRequest, **kwargs: Any) -> None:
        self.filter_form = CoverageFilterForm(request.GET or None)
        filters = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        self.countries = selectors.coverage(
            user=request.user,
            candidates_only=bool(filters.get("candidates_only")),
            region=filters.get("region", ""),
        )
        self.filtered = bool(filters and any(filters.values()))
        levels = selectors.coverage_level_labels()
        self.list_export = ["country", "code", "region", "gaps", *Sector.values]
        self.export_headings = {
            "country": _("Country"),
            "code": _("Country code"),
            "region": _("Programme region"),
            "gaps": _("Gaps"),
            **dict(Sector.choices),
        }
        self.level_labels = levels

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.is_export:
            if self.filter_form.is_bound and not self.filter_form.is_valid():
                return HttpResponse(_("These filters are not valid."), status=400, content_type="text/plain")
            return self.as_spreadsheet(self.export_rows(), request.GET["export"])
        return super().get(request, *args, **kwargs)

    def export_rows(self) -> list[dict[str, str]]:
        return [
            {
                "country": item.country.name,
                "code": item.country.pk,
                "region": item.country.get_programme_region_display() or "",
                "gaps": ", ".join(cell.sector_label for cell in item.gaps),
                **{cell.sector: str(self.level_labels[cell.level]) for cell in item.cells},
            }
            for item in self.countries
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("export", None)
        context.update(
            countries=self.countries,
            sectors=[(value, label) for value, label in Sector.choices],
            level_labels=self.level_labels,
            filter_form=self.filter_form,
            filtered=self.filtered,
            export_query=query.urlencode(),
        )
        return context


class CoverageCountryView(AdminPage):
    permission_required = "onboarding.view_roundtable"
    template_name = "onboarding/admin/coverage_country.html"
    page_title = gettext_lazy("Stakeholder coverage")
    header_icon = "table"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        country = get_object_or_404(Country.objects.visible_to(self.request.user), pk=self.kwargs["code"].upper())
        coverage = selectors.coverage(user=self.request.user, country=country)[0]
        context.update(
            country=country,
            coverage=coverage,
            level_labels=selectors.coverage_level_labels(),
            roundtables=list(
                Roundtable.objects.visible_to(self.request.user)
                .filter(country=country)
                .select_related("hotline")
                .annotate(
                    attended=Count("participants", filter=Q(participants__status=RoundtableParticipant.Status.ATTENDED))
                )
            ),
        )
        return context

    def get_page_subtitle(self) -> str:
        return self.kwargs["code"].upper()


# -- Calendar ---------------------------------------------------------------------------------
class CalendarView(AdminPage):
    """The staff member's secret feed address: create (shown once), replace or revoke it."""

    permission_required = "onboarding.view_roundtable"
    template_name = "onboarding/admin/calendar.html"
    page_title = gettext_lazy("Calendar feed")
    header_icon = "date"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["feed"] = CalendarFeedToken.objects.visible_to(self.request.user).first()
        token = self.request.session.pop("onboarding_calendar_token", None)
        if token:
            context["feed_url"] = self.request.build_absolute_uri(reverse("onboarding:calendar_feed", args=[token]))
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.POST.get("action") == "revoke":
            if services.calendar_token_revoke(acting_user=request.user):
                messages.success(request, _("Your calendar feed address no longer works."))
        else:
            token = services.calendar_token_create(acting_user=request.user)
            # Shown once on the next page; only the hash is stored.
            request.session["onboarding_calendar_token"] = token
            messages.success(request, _("New calendar feed address created; any earlier one stopped working."))
        return HttpResponseRedirect(reverse("onboarding_admin:calendar"))
