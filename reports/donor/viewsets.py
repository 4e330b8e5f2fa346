"""Staff screens for donor reports in the Wagtail admin ("Donor reports" in the Grants menu): the
list with filters, the create form, the report page with its generation state, the narrative's forms
(texts, one per work package, one per indicator behind or at risk), the checklist of what is missing
before review, the staff preview of the PDF, the lifecycle actions (POST only; publishing asks for
confirmation first and is offered only to someone who neither prepared nor submitted the report), the
versions and the report's history. Rules live in `reports.donor.services`; reads in `reports.donor.selectors`."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.conf import settings
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
from wagtail.admin.rich_text import get_rich_text_editor_widget
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from core.forms import DateField, DatePickerInput
from core.uploads import private_file_response
from reports.donor import (
    hooks,  # noqa: F401 (registers the audit actions' labels)
    narrative,
    selectors,
    services,
)
from reports.grants.selectors import INDICATOR_STATUS_TEXT
from reports.models import DonorReport, Grant, Indicator, IndicatorExplanation, WorkPackage, WorkPackageNarrative

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
                    "grant__donor", "supersedes", "created_by", "submitted_by", "published_by"
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
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        choices=settings.LANGUAGES,
        initial=settings.LANGUAGE_CODE,
        required=False,
        help_text=gettext_lazy("Every fixed text, label and date of the report is in this language."),
    )
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


def _summary_help() -> str:
    return _("Plain paragraphs a donor may publish as they are; at most %(limit)s characters.") % {
        "limit": settings.DONOR_REPORT_SUMMARY_MAX_CHARS
    }


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=gettext_lazy("Publishable summary"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )


class NarrativeForm(forms.Form):
    """The report's narrative texts (plain text); the service holds the summary's limit."""

    summary = forms.CharField(
        label=gettext_lazy("Publishable summary"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    ethics = forms.CharField(
        label=gettext_lazy("Ethical issues"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Ethical issues met in the period and how they were solved; “None” when there were none."
        ),
    )
    dissemination = forms.CharField(
        label=gettext_lazy("Dissemination and communication"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    conclusions = forms.CharField(
        label=gettext_lazy("Conclusions and recommendations"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["summary"].help_text = _summary_help()
        self.fields["summary"].widget.attrs["maxlength"] = settings.DONOR_REPORT_SUMMARY_MAX_CHARS


class WorkPackageNarrativeForm(forms.Form):
    work_done = forms.CharField(
        label=gettext_lazy("Work done in the period"),
        required=False,
        help_text=gettext_lazy("Paragraphs, bold, italic and lists."),
    )
    deviations = forms.CharField(
        label=gettext_lazy("Deviations from the plan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("What did not go as planned, and why. Write “None” when nothing deviated."),
    )
    corrective_measures = forms.CharField(
        label=gettext_lazy("Corrective measures"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["work_done"].widget = get_rich_text_editor_widget(features=narrative.RICH_TEXT_FEATURES)


class IndicatorExplanationForm(forms.Form):
    explanation = forms.CharField(
        label=gettext_lazy("Why, and what is done about it"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Leave empty to remove the explanation."),
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
                language=data["language"] or None,
                acting_user=self.request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
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
        editing = manage and draft
        in_review = report.status == DonorReport.Status.IN_REVIEW
        checks = selectors.report_checks(report) if draft else []
        blocking = any(check.blocking for check in checks)
        refusal = selectors.publish_refusal(report=report, user=user) if in_review else ""
        narratives = {row.work_package_id: row for row in WorkPackageNarrative.objects.filter(report=report)}
        packages = []
        for package in WorkPackage.objects.filter(grant=report.grant).order_by("number"):
            row = narratives.get(package.pk)
            form = None
            if editing:
                initial = (
                    {
                        "work_done": row.work_done,
                        "deviations": row.deviations,
                        "corrective_measures": row.corrective_measures,
                    }
                    if row
                    else {}
                )
                form = WorkPackageNarrativeForm(initial=initial, prefix=f"wp-{package.number}")
            packages.append({"package": package, "narrative": row, "form": form})
        explanations = {
            row.indicator.code: row
            for row in IndicatorExplanation.objects.filter(report=report).select_related("indicator")
        }
        indicator_rows = []
        if editing:
            by_code = {indicator.code: indicator for indicator in Indicator.objects.filter(grant=report.grant)}
            for line in selectors.indicators_needing_explanation(report):
                indicator = by_code.get(line.code)
                if indicator is None:
                    continue
                row = explanations.get(line.code)
                indicator_rows.append(
                    {
                        "line": line,
                        "status_text": INDICATOR_STATUS_TEXT.get(line.status, line.status_text),
                        "indicator": indicator,
                        "form": IndicatorExplanationForm(
                            initial={"explanation": row.explanation if row else ""}, prefix=f"indicator-{line.code}"
                        ),
                    }
                )
        context.update(
            report=report,
            versions=selectors.report_versions(report=report, user=user),
            can_manage=manage,
            editing=editing,
            checks=checks,
            blocking=blocking,
            can_submit=editing and report.pdf_generated and not blocking,
            can_return=manage and in_review,
            can_publish=manage and in_review and not refusal,
            publish_refusal=refusal if manage else "",
            narrative_form=NarrativeForm(
                initial={
                    "summary": report.summary,
                    "ethics": report.ethics,
                    "dissemination": report.dissemination,
                    "conclusions": report.conclusions,
                }
            )
            if editing
            else None,
            packages=packages,
            indicator_rows=indicator_rows,
            explanations=list(explanations.values()),
            history=selectors.report_history(report=report, user=user)[:50],
            can_retry=manage and selectors.can_retry(report=report),
            can_correct=manage
            and services.can_create_reports(user)
            and report.status == DonorReport.Status.PUBLISHED
            and not DonorReport.objects.filter(supersedes=report).exists(),
            correction=DonorReport.objects.visible_to(user).filter(supersedes=report).first(),
            correction_form=CorrectionForm(),
            return_form=ReturnForm(),
            generation_running=report.generation in (DonorReport.Generation.QUEUED, DonorReport.Generation.RUNNING),
        )
        media = forms.Media()
        for row in packages:
            if row["form"] is not None:
                media += row["form"].media
        context["narrative_media"] = media
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
    anchor = ""

    def get_form(self, data: Any) -> forms.Form:
        assert self.form_class is not None
        return self.form_class(data)

    def back(self, pk: int) -> str:
        return _url("report", pk) + (f"#{self.anchor}" if self.anchor else "")

    def has_permission(self, user: Any) -> bool:
        return services.can_manage_reports(user)

    def act(self, report: DonorReport, data: dict[str, Any]) -> DonorReport:
        raise NotImplementedError

    def post(self, request: HttpRequest, pk: int, **kwargs: Any) -> HttpResponse:
        data: dict[str, Any] = {}
        if self.form_class is not None:
            form = self.get_form(request.POST)
            if not form.is_valid():
                messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
                return redirect(self.back(pk))
            data = form.cleaned_data
        try:
            result = self.act(self.report, data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(self.back(pk))
        messages.success(request, str(self.done_message))
        if isinstance(result, DonorReport) and result.pk != self.report.pk:
            return redirect(_url("report", result.pk))
        return redirect(self.back(pk))


class SummaryView(ActionView):
    form_class = SummaryForm
    done_message = gettext_lazy("Summary saved; the PDF is being generated again.")

    def act(self, report: DonorReport, data: dict[str, Any]) -> DonorReport:
        return services.donor_report_update_summary(
            report=report, summary=data["summary"], acting_user=self.request.user
        )


class NarrativeView(ActionView):
    form_class = NarrativeForm
    anchor = selectors.NARRATIVE_ANCHOR
    done_message = gettext_lazy("Narrative saved; the PDF is being generated again.")

    def act(self, report: DonorReport, data: dict[str, Any]) -> DonorReport:
        return services.donor_report_update_narrative(
            report=report,
            acting_user=self.request.user,
            summary=data["summary"],
            ethics=data["ethics"],
            dissemination=data["dissemination"],
            conclusions=data["conclusions"],
        )


class WorkPackageNarrativeView(ActionView):
    form_class = WorkPackageNarrativeForm
    done_message = gettext_lazy("Work package narrative saved; the PDF is being generated again.")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not self.has_permission(request.user):
            raise PermissionDenied
        self.work_package = get_object_or_404(WorkPackage.objects.visible_to(request.user), pk=kwargs["package"])
        self.anchor = f"wp-{self.work_package.number}"
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, data: Any) -> forms.Form:
        return WorkPackageNarrativeForm(data, prefix=self.anchor)

    def act(self, report: DonorReport, data: dict[str, Any]) -> DonorReport:
        services.donor_report_update_work_package(
            report=report,
            work_package=self.work_package,
            work_done=data["work_done"],
            deviations=data["deviations"],
            corrective_measures=data["corrective_measures"],
            acting_user=self.request.user,
        )
        return report


class IndicatorExplanationView(ActionView):
    form_class = IndicatorExplanationForm
    done_message = gettext_lazy("Explanation saved; the PDF is being generated again.")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not self.has_permission(request.user):
            raise PermissionDenied
        self.indicator = get_object_or_404(Indicator.objects.visible_to(request.user), pk=kwargs["indicator"])
        self.anchor = f"indicator-{self.indicator.code}"
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, data: Any) -> forms.Form:
        return IndicatorExplanationForm(data, prefix=self.anchor)

    def act(self, report: DonorReport, data: dict[str, Any]) -> DonorReport:
        services.donor_report_explain_indicator(
            report=report, indicator=self.indicator, explanation=data["explanation"], acting_user=self.request.user
        )
        return report


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
        refusal = selectors.publish_refusal(report=self.report, user=self.request.user)
        return super().get_context_data(**kwargs) | {
            "report": self.report,
            "recipients": len(selectors.donor_user_emails(grant=self.report.grant)),
            "in_review": self.report.status == DonorReport.Status.IN_REVIEW,
            "publishable": self.report.status == DonorReport.Status.IN_REVIEW and not refusal,
            "refusal": refusal,
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
            path("<int:pk>/narrative/", NarrativeView.as_view(), name="narrative"),
            path("<int:pk>/work-packages/<int:package>/", WorkPackageNarrativeView.as_view(), name="work_package"),
            path("<int:pk>/indicators/<int:indicator>/", IndicatorExplanationView.as_view(), name="indicator"),
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
