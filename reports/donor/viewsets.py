"""Staff screens for donor reports in the Wagtail admin ("Donor reports" in the Grants menu): the
list with filters, the create form, the report page with its generation state, the staff preview of
the PDF, the lifecycle actions (POST only; publishing asks for confirmation first) and the version
history. Rules live in `reports.donor.services`; reads in `reports.donor.selectors`."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from core.forms import DateField, DatePickerInput
from core.uploads import private_file_response
from reports.donor import (
    hooks,  # noqa: F401 (registers the audit actions' labels)
    selectors,
    services,
)
from reports.models import DonorReport, Grant

NAMESPACE = "reports_donor_reports"
VIEW_PERMISSION = "reports.view_donorreport"


def _url(name: str, *args: Any) -> str:
    return reverse(f"{NAMESPACE}:{name}", args=args)


def can_read(user: Any) -> bool:
    return any(user.has_perm(p) for p in (VIEW_PERMISSION, services.ADD_PERMISSION, services.CHANGE_PERMISSION))


class PermissionMixin:
    """Checks the permission first, then loads the report (404 when not visible to the user)."""

    def has_permission(self, user: Any) -> bool:
        return can_read(user)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not self.has_permission(request.user):
            raise PermissionDenied
        if "pk" in kwargs:
            self.report = get_object_or_404(
                DonorReport.objects.visible_to(request.user).select_related(
                    "grant__donor", "supersedes", "created_by", "published_by"
                ),
                pk=kwargs["pk"],
            )
        return super().dispatch(request, *args, **kwargs)


class AdminPage(PermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    header_icon = "doc-full-inverse"

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return []


# -- forms ----------------------------------------------------------------------------------------------------
class FilterForm(forms.Form):
    grant = forms.ModelChoiceField(label=gettext_lazy("Grant"), queryset=Grant.objects.none(), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), choices=[("", "---------"), *DonorReport.Status.choices], required=False
    )
    generation = forms.ChoiceField(
        label=gettext_lazy("Generation"),
        choices=[("", "---------"), *DonorReport.Generation.choices],
        required=False,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grant"].queryset = Grant.objects.visible_to(user).order_by("code")


CUSTOM = "custom"


class ReportCreateForm(forms.Form):
    grant = forms.ModelChoiceField(label=gettext_lazy("Grant"), queryset=Grant.objects.none())
    period = forms.ChoiceField(
        label=gettext_lazy("Reporting period"),
        help_text=gettext_lazy("One of the grant's reporting periods, or a custom period (dates below)."),
    )
    period_start = DateField(label=gettext_lazy("Custom period: first day"), required=False, widget=DatePickerInput())
    period_end = DateField(label=gettext_lazy("Custom period: last day"), required=False, widget=DatePickerInput())
    summary = forms.CharField(
        label=gettext_lazy("Publishable summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("Plain paragraphs, shown on the report's first pages. You can edit it while a draft."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        grants = list(Grant.objects.visible_to(user).order_by("code"))
        self.fields["grant"].queryset = Grant.objects.visible_to(user).order_by("code")
        choices: list[Any] = [(CUSTOM, _("Custom period (enter the dates below)"))]
        for grant in grants:
            options = [
                (f"{grant.pk}:{start.isoformat()}:{end.isoformat()}", f"{start.isoformat()} – {end.isoformat()}")
                for start, end in grant.reporting_periods()
            ]
            choices.append((grant.code, options))
        self.fields["period"].choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        grant: Grant | None = data.get("grant")
        period = data.get("period")
        if grant is None or not period:
            return data
        if period == CUSTOM:
            start, end = data.get("period_start"), data.get("period_end")
            if start is None or end is None:
                raise ValidationError(_("Enter the first and last day of the custom period."))
        else:
            grant_pk, start_text, end_text = period.split(":")
            if int(grant_pk) != grant.pk:
                raise ValidationError(_("The period chosen is one of another grant's reporting periods."))
            start, end = date.fromisoformat(start_text), date.fromisoformat(end_text)
        data["start"], data["end"] = start, end
        return data


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=gettext_lazy("Publishable summary"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )


class CorrectionForm(forms.Form):
    correction_note = forms.CharField(
        label=gettext_lazy("What this version corrects"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Shown to the donor beside the new version."),
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


# -- views ----------------------------------------------------------------------------------------------------
class IndexView(AdminPage):
    template_name = "reports/donor_reports/index.html"
    page_title = gettext_lazy("Donor reports")
    paginate_by = 50

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        form = FilterForm(self.request.GET or None, user=user)
        reports = DonorReport.objects.visible_to(user).select_related("grant").order_by("-created_at", "-pk")
        if form.is_valid():
            if form.cleaned_data["grant"]:
                reports = reports.filter(grant=form.cleaned_data["grant"])
            if form.cleaned_data["status"]:
                reports = reports.filter(status=form.cleaned_data["status"])
            if form.cleaned_data["generation"]:
                reports = reports.filter(generation=form.cleaned_data["generation"])
        page = Paginator(reports, self.paginate_by).get_page(self.request.GET.get("p"))
        context.update(
            filter_form=form,
            page_obj=page,
            can_create=services.can_create_reports(user),
            add_url=_url("add"),
        )
        return context


class CreateView(PermissionMixin, WagtailAdminTemplateMixin, FormView):
    template_name = "reports/donor_reports/form.html"
    page_title = gettext_lazy("New donor report")
    header_icon = "plus"
    form_class = ReportCreateForm

    def has_permission(self, user: Any) -> bool:
        return services.can_create_reports(user)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return []

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        if "grant" in self.request.GET and not self.request.POST:
            kwargs["initial"] = {"grant": self.request.GET["grant"]}
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {"cancel_url": _url("index")}

    def form_valid(self, form: ReportCreateForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            report = services.donor_report_create(
                grant=data["grant"],
                period_start=data["start"],
                period_end=data["end"],
                summary=data["summary"],
                acting_user=self.request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Report created; its PDF is being generated."))
        return redirect(_url("report", report.pk))


class ReportView(AdminPage):
    template_name = "reports/donor_reports/report.html"
    header_icon = "doc-full"

    def get_page_title(self) -> str:
        return _("Donor report %(report)s") % {"report": self.report}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        report, user = self.report, self.request.user
        manage = services.can_manage_reports(user)
        draft = report.status == DonorReport.Status.DRAFT
        context.update(
            report=report,
            versions=selectors.report_versions(report=report, user=user),
            can_manage=manage,
            can_submit=manage and draft and report.generation == DonorReport.Generation.DONE,
            can_return=manage and report.status == DonorReport.Status.IN_REVIEW,
            can_publish=manage and report.status == DonorReport.Status.IN_REVIEW,
            can_retry=manage and selectors.can_retry(report=report),
            can_correct=manage
            and services.can_create_reports(user)
            and report.status == DonorReport.Status.PUBLISHED
            and not DonorReport.objects.filter(supersedes=report).exists(),
            correction=DonorReport.objects.visible_to(user).filter(supersedes=report).first(),
            summary_form=SummaryForm(initial={"summary": report.summary}) if manage and draft else None,
            correction_form=CorrectionForm(),
            return_form=ReturnForm(),
            generation_running=report.generation in (DonorReport.Generation.QUEUED, DonorReport.Generation.RUNNING),
        )
        return context


class PreviewView(PermissionMixin, View):
    """The stored PDF, for staff (drafts included); donors download through the donor area."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.report.pdf_name:
            raise Http404
        return private_file_response(
            self.report.pdf_name, download_name=self.report.download_name, content_type="application/pdf"
        )


class ActionView(PermissionMixin, View):
    """A lifecycle action: POST only, then back to the report page with a message."""

    http_method_names = ["post"]
    form_class: type[forms.Form] | None = None
    done_message = ""

    def has_permission(self, user: Any) -> bool:
        return services.can_manage_reports(user)

    def act(self, report: DonorReport, data: dict[str, Any]) -> DonorReport:
        raise NotImplementedError

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        data: dict[str, Any] = {}
        if self.form_class is not None:
            form = self.form_class(request.POST)
            if not form.is_valid():
                messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
                return redirect(_url("report", pk))
            data = form.cleaned_data
        try:
            result = self.act(self.report, data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(_url("report", pk))
        messages.success(request, str(self.done_message))
        return redirect(_url("report", result.pk))


class SummaryView(ActionView):
    form_class = SummaryForm
    done_message = gettext_lazy("Summary saved; the PDF is being generated again.")

    def act(self, report: DonorReport, data: dict[str, Any]) -> DonorReport:
        return services.donor_report_update_summary(
            report=report, summary=data["summary"], acting_user=self.request.user
        )


class SubmitView(ActionView):
    done_message = gettext_lazy("Report submitted for review.")

    def act(self, report: DonorReport, data: dict[str, Any]) -> DonorReport:
        return services.donor_report_submit(report=report, acting_user=self.request.user)


class ReturnView(ActionView):
    form_class = ReturnForm
    done_message = gettext_lazy("Report returned to draft.")

    def act(self, report: DonorReport, data: dict[str, Any]) -> DonorReport:
        return services.donor_report_return(report=report, reason=data["reason"], acting_user=self.request.user)


class RetryView(ActionView):
    done_message = gettext_lazy("The PDF is being generated again.")

    def act(self, report: DonorReport, data: dict[str, Any]) -> DonorReport:
        return services.donor_report_retry(report=report, acting_user=self.request.user)


class CorrectView(ActionView):
    form_class = CorrectionForm
    done_message = gettext_lazy("Correction created as a new draft version; its PDF is being generated.")

    def act(self, report: DonorReport, data: dict[str, Any]) -> DonorReport:
        return services.donor_report_correct(
            report=report, correction_note=data["correction_note"], acting_user=self.request.user
        )


class PublishView(PermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """GET asks for confirmation (what publishing means); POST publishes."""

    template_name = "reports/donor_reports/publish.html"
    header_icon = "upload"

    def has_permission(self, user: Any) -> bool:
        return services.can_manage_reports(user)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return []

    def get_page_title(self) -> str:
        return _("Publish %(report)s") % {"report": self.report}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {
            "report": self.report,
            "recipients": len(selectors.donor_user_emails(grant=self.report.grant)),
            "publishable": self.report.status == DonorReport.Status.IN_REVIEW,
        }

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            services.donor_report_publish(report=self.report, acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Report published; the donor's users have been emailed."))
        return redirect(_url("report", pk))


# -- the viewset ------------------------------------------------------------------------------------------------
class DonorReportMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return can_read(request.user)


class DonorReportViewSet(ViewSet):
    """Registered by the Grants menu group (or on its own with `register_admin_viewset`)."""

    name = NAMESPACE
    url_prefix = "donor-reports"
    icon = "doc-full-inverse"
    menu_label = gettext_lazy("Donor reports")
    menu_name = "donor-reports"

    @property
    def menu_item_class(self) -> type[MenuItem]:
        return DonorReportMenuItem

    def get_urlpatterns(self) -> list:
        return [
            path("", IndexView.as_view(), name="index"),
            path("new/", CreateView.as_view(), name="add"),
            path("<int:pk>/", ReportView.as_view(), name="report"),
            path("<int:pk>/pdf/", PreviewView.as_view(), name="preview"),
            path("<int:pk>/summary/", SummaryView.as_view(), name="summary"),
            path("<int:pk>/submit/", SubmitView.as_view(), name="submit"),
            path("<int:pk>/return/", ReturnView.as_view(), name="return"),
            path("<int:pk>/publish/", PublishView.as_view(), name="publish"),
            path("<int:pk>/correct/", CorrectView.as_view(), name="correct"),
            path("<int:pk>/retry/", RetryView.as_view(), name="retry"),
        ]


def _join_grants_menu() -> None:
    """Add "Donor reports" to the Grants menu group (read when the admin registers its viewsets)."""
    from reports.grants.viewsets import GRANT_VIEWSETS

    if DonorReportViewSet not in GRANT_VIEWSETS:
        GRANT_VIEWSETS.append(DonorReportViewSet)


_join_grants_menu()
