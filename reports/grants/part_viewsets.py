"""Viewsets of what a grant plans and reports: work packages, activities, deliverables, milestones,
indicators, risks and budget lines (each opened from the grant's page), and a budget line's amounts
by reporting period (grants managers enter them; `services.budget_line_update_period_amounts`)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from reports import metrics
from reports.donor import services as report_services
from reports.grants.admin_views import GrantChildEditView, GrantChildViewSet, grant_filter
from reports.grants.forms import ActivityForm, IndicatorForm, MetricSelect, metric_choices
from reports.models import (
    Activity,
    BudgetLine,
    BudgetPeriodAmount,
    Deliverable,
    Indicator,
    Milestone,
    Risk,
    WorkPackage,
)


# -- work packages ----------------------------------------------------------------------------------------
class WorkPackageFilterSet(WagtailFilterSet):
    grant = grant_filter()

    class Meta:
        model = WorkPackage
        fields = ["grant"]


class WorkPackageViewSet(GrantChildViewSet):
    model = WorkPackage
    icon = "list-ol"
    menu_label = gettext_lazy("Work packages")
    name = "reports_work_package"
    url_prefix = "grants/work-packages"
    form_fields = ["grant", "number", "title", "objectives", "lead", "starts_on", "ends_on"]
    filterset_class = WorkPackageFilterSet
    search_fields = ["title", "lead", "grant__code"]
    ordering = ["grant__code", "number"]
    list_display = ["__str__", "grant", "lead", "starts_on", "ends_on"]
    list_export = ["grant.code", "number", "title", "lead", "starts_on", "ends_on", "objectives"]
    export_headings = {"grant.code": gettext_lazy("Grant")}
    export_filename = "work-packages"


# -- activities -------------------------------------------------------------------------------------------
class ActivityFilterSet(WagtailFilterSet):
    grant = grant_filter()
    kind = django_filters.ChoiceFilter(choices=Activity.Kind.choices, label=gettext_lazy("Kind"))
    status = django_filters.ChoiceFilter(choices=Activity.Status.choices, label=gettext_lazy("Status"))

    class Meta:
        model = Activity
        fields = ["grant", "kind", "status"]


class ActivityViewSet(GrantChildViewSet):
    model = Activity
    icon = "date"
    menu_label = gettext_lazy("Activities")
    name = "reports_activity"
    url_prefix = "grants/activities"
    form_class = ActivityForm
    form_fields = [
        "grant",
        "work_package",
        "title",
        "kind",
        "status",
        "planned_start",
        "planned_end",
        "actual_start",
        "actual_end",
        "roundtables",
        "training_events",
        "other_events",
        "notes",
    ]
    list_select_related = ("grant", "work_package")
    filterset_class = ActivityFilterSet
    search_fields = ["title", "other_events", "grant__code"]
    ordering = ["grant__code", "planned_start"]
    list_export = [
        "grant.code",
        "work_package.number",
        "title",
        "get_kind_display",
        "get_status_display",
        "planned_start",
        "planned_end",
        "actual_start",
        "actual_end",
        "roundtable_count",
        "training_event_count",
        "other_events",
    ]
    export_headings = {
        "grant.code": gettext_lazy("Grant"),
        "work_package.number": gettext_lazy("Work package"),
        "get_kind_display": gettext_lazy("Kind"),
        "get_status_display": gettext_lazy("Status"),
        "roundtable_count": gettext_lazy("Roundtables"),
        "training_event_count": gettext_lazy("Training events"),
    }
    export_filename = "activities"

    def list_queryset(self, queryset: QuerySet) -> QuerySet:
        return (
            super()
            .list_queryset(queryset)
            .annotate(
                roundtable_count=Count("roundtables", distinct=True),
                training_event_count=Count("training_events", distinct=True),
            )
        )

    @cached_property
    def list_display(self) -> list:
        return [
            "title",
            "grant",
            "work_package",
            "kind",
            "status",
            "planned_start",
            "actual_start",
            Column("roundtable_count", label=gettext_lazy("Roundtables"), sort_key="roundtable_count"),
            Column("training_event_count", label=gettext_lazy("Trainings"), sort_key="training_event_count"),
        ]

    def formfield_for_dbfield(self, db_field: Any, **kwargs: Any) -> Any:
        if db_field.name in ("roundtables", "training_events"):
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_dbfield(db_field, **kwargs)


# -- deliverables and milestones ------------------------------------------------------------------------
class DeliverableFilterSet(WagtailFilterSet):
    grant = grant_filter()
    status = django_filters.ChoiceFilter(choices=Deliverable.Status.choices, label=gettext_lazy("Status"))
    overdue = django_filters.BooleanFilter(label=gettext_lazy("Overdue"), method="filter_overdue")

    class Meta:
        model = Deliverable
        fields = ["grant", "status"]

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        overdue = Q(due_on__lt=timezone.localdate(), submitted_on__isnull=True)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class DeliverableViewSet(GrantChildViewSet):
    model = Deliverable
    icon = "doc-full-inverse"
    menu_label = gettext_lazy("Deliverables")
    name = "reports_deliverable"
    url_prefix = "grants/deliverables"
    form_fields = ["grant", "work_package", "code", "title", "due_on", "submitted_on", "status", "dissemination"]
    filterset_class = DeliverableFilterSet
    search_fields = ["code", "title", "grant__code"]
    ordering = ["grant__code", "due_on"]
    list_display = ["code", "title", "grant", "due_on", "submitted_on", "status", "dissemination"]
    list_export = [
        "grant.code",
        "code",
        "title",
        "due_on",
        "submitted_on",
        "get_status_display",
        "get_dissemination_display",
    ]
    export_headings = {
        "grant.code": gettext_lazy("Grant"),
        "get_status_display": gettext_lazy("Status"),
        "get_dissemination_display": gettext_lazy("Dissemination level"),
    }
    export_filename = "deliverables"


class MilestoneFilterSet(WagtailFilterSet):
    grant = grant_filter()
    achieved = django_filters.BooleanFilter(
        field_name="achieved_on", lookup_expr="isnull", exclude=True, label=gettext_lazy("Achieved")
    )

    class Meta:
        model = Milestone
        fields = ["grant"]


class MilestoneViewSet(GrantChildViewSet):
    model = Milestone
    icon = "flag"
    menu_label = gettext_lazy("Milestones")
    name = "reports_milestone"
    url_prefix = "grants/milestones"
    form_fields = ["grant", "work_package", "code", "title", "due_on", "achieved_on", "verification"]
    filterset_class = MilestoneFilterSet
    search_fields = ["code", "title", "grant__code"]
    ordering = ["grant__code", "due_on"]
    list_display = ["code", "title", "grant", "due_on", "achieved_on"]
    list_export = ["grant.code", "code", "title", "due_on", "achieved_on", "verification"]
    export_headings = {"grant.code": gettext_lazy("Grant")}
    export_filename = "milestones"


# -- indicators -------------------------------------------------------------------------------------------
class IndicatorFilterSet(WagtailFilterSet):
    grant = grant_filter()
    manual = django_filters.BooleanFilter(label=gettext_lazy("Manual value"), method="filter_manual")

    class Meta:
        model = Indicator
        fields = ["grant"]

    def filter_manual(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(metric_key="") if value else queryset.exclude(metric_key="")


class IndicatorViewSet(GrantChildViewSet):
    model = Indicator
    icon = "order"
    menu_label = gettext_lazy("Indicators")
    name = "reports_indicator"
    url_prefix = "grants/indicators"
    form_class = IndicatorForm
    form_fields = [
        "grant",
        "work_package",
        "code",
        "title",
        "metric_key",
        "scope",
        "manual_value",
        "justification",
        "baseline_on",
        "baseline",
        "baseline_justification",
        "target",
        "unit",
        "order",
    ]
    filterset_class = IndicatorFilterSet
    search_fields = ["code", "title", "metric_key", "grant__code"]
    ordering = ["grant__code", "order", "code"]
    list_export = [
        "grant.code",
        "code",
        "title",
        "metric_key",
        "get_scope_display",
        "manual_value",
        "justification",
        "baseline_day",
        "baseline",
        "baseline_measured",
        "baseline_justification",
        "target",
        "unit",
    ]
    export_headings = {
        "grant.code": gettext_lazy("Grant"),
        "get_scope_display": gettext_lazy("Scope"),
        "baseline_day": gettext_lazy("Baseline day"),
    }
    export_filename = "indicators"

    @cached_property
    def list_display(self) -> list:
        return [
            "code",
            "title",
            "grant",
            Column("source", label=gettext_lazy("Source"), accessor=_indicator_source),
            "scope",
            "baseline",
            "target",
            "unit",
        ]

    def formfield_for_dbfield(self, db_field: Any, **kwargs: Any) -> Any:
        if db_field.name == "metric_key":
            return forms.ChoiceField(
                choices=metric_choices,
                required=False,
                label=db_field.verbose_name,
                widget=MetricSelect,
                help_text=db_field.help_text,
            )
        return super().formfield_for_dbfield(db_field, **kwargs)


def _indicator_source(indicator: Indicator) -> str:
    if indicator.is_manual:
        return _("Manual: %(value)s") % {"value": indicator.manual_value}
    try:
        return str(metrics.get(indicator.metric_key).label)
    except KeyError:
        return indicator.metric_key


# -- risks and budget -------------------------------------------------------------------------------------
class RiskFilterSet(WagtailFilterSet):
    grant = grant_filter()
    status = django_filters.ChoiceFilter(choices=Risk.Status.choices, label=gettext_lazy("Status"))
    likelihood = django_filters.ChoiceFilter(choices=Risk.Level.choices, label=gettext_lazy("Likelihood"))
    impact = django_filters.ChoiceFilter(choices=Risk.Level.choices, label=gettext_lazy("Impact"))

    class Meta:
        model = Risk
        fields = ["grant", "status", "likelihood", "impact"]


class RiskViewSet(GrantChildViewSet):
    model = Risk
    icon = "warning"
    menu_label = gettext_lazy("Risks")
    name = "reports_risk"
    url_prefix = "grants/risks"
    form_fields = ["grant", "work_package", "description", "likelihood", "impact", "mitigation", "status"]
    filterset_class = RiskFilterSet
    search_fields = ["description", "mitigation", "grant__code"]
    ordering = ["grant__code", "pk"]
    list_display = ["__str__", "grant", "likelihood", "impact", "status"]
    list_export = [
        "grant.code",
        "description",
        "get_likelihood_display",
        "get_impact_display",
        "mitigation",
        "get_status_display",
    ]
    export_headings = {
        "grant.code": gettext_lazy("Grant"),
        "get_likelihood_display": gettext_lazy("Likelihood"),
        "get_impact_display": gettext_lazy("Impact"),
        "get_status_display": gettext_lazy("Status"),
    }
    export_filename = "risks"


class BudgetLineFilterSet(WagtailFilterSet):
    grant = grant_filter()
    category = django_filters.ChoiceFilter(choices=BudgetLine.Category.choices, label=gettext_lazy("Category"))

    class Meta:
        model = BudgetLine
        fields = ["grant", "category"]


class PeriodAmountForm(forms.Form):
    """One reporting period of a budget line (the form's prefix is the period's first day)."""

    planned = forms.DecimalField(label=gettext_lazy("Planned"), required=False, min_value=0, decimal_places=2)
    actual = forms.DecimalField(
        label=gettext_lazy("Spent"),
        required=False,
        min_value=0,
        decimal_places=2,
    )
    variance_justification = forms.CharField(
        label=gettext_lazy("Why spending differs from the plan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class BudgetPeriodsView(WagtailAdminTemplateMixin, TemplateView):
    """A budget line's planned and actual amounts in each reporting period of its grant, saved together."""

    template_name = "reports/grants/budget_periods.html"
    header_icon = "table"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_perm(report_services.BUDGET_CHANGE_PERMISSION):
            raise PermissionDenied
        self.line = get_object_or_404(
            BudgetLine.objects.visible_to(request.user).select_related("grant"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return _("Amounts by period: %(line)s") % {"line": self.line}

    def get_page_subtitle(self) -> str:
        return self.line.grant.code

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return []

    def rows(self, data: Any = None) -> list[dict[str, Any]]:
        saved = {row.period_start: row for row in BudgetPeriodAmount.objects.filter(budget_line=self.line)}
        rows = []
        for start, end in self.line.grant.reporting_periods():
            row = saved.get(start)
            initial = (
                {"planned": row.planned, "actual": row.actual, "variance_justification": row.variance_justification}
                if row
                else {}
            )
            rows.append(
                {
                    "start": start,
                    "end": end,
                    "saved": row,
                    "form": PeriodAmountForm(data, initial=initial, prefix=start.isoformat()),
                }
            )
        return rows

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        rows = kwargs.get("rows") or self.rows()
        return context | {
            "line": self.line,
            "rows": rows,
            "threshold": settings.DONOR_REPORT_VARIANCE_THRESHOLD,
            "grant_url": reverse("reports_grant:inspect", args=[self.line.grant_id]),
            "edit_url": reverse("reports_budget_line:edit", args=[self.line.pk]),
        }

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        rows = self.rows(request.POST)
        if not all(row["form"].is_valid() for row in rows):
            return self.render_to_response(self.get_context_data(rows=rows))
        amounts = [
            report_services.PeriodAmountInput(
                period_start=row["start"],
                period_end=row["end"],
                planned=row["form"].cleaned_data["planned"],
                actual=row["form"].cleaned_data["actual"],
                variance_justification=row["form"].cleaned_data["variance_justification"],
            )
            for row in rows
        ]
        try:
            report_services.budget_line_update_period_amounts(
                budget_line=self.line, amounts=amounts, acting_user=request.user
            )
        except ValidationError as exc:
            by_period = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
            for row in rows:
                for message in by_period.get(row["start"].isoformat(), []):
                    row["form"].add_error(None, message)
            if "" in by_period:
                messages.error(request, " ".join(by_period[""]))
            return self.render_to_response(self.get_context_data(rows=rows))
        messages.success(request, _("Amounts by period saved; the line's spending is now their sum."))
        return redirect(reverse("reports_budget_line:periods", args=[self.line.pk]))


class BudgetLineEditView(GrantChildEditView):
    @cached_property
    def header_buttons(self) -> list[Any]:
        return [
            *super().header_buttons,
            HeaderButton(
                _("Amounts by period"),
                url=reverse("reports_budget_line:periods", args=[self.object.pk]),
                icon_name="table",
            ),
        ]


class BudgetLineViewSet(GrantChildViewSet):
    model = BudgetLine
    edit_view_class = BudgetLineEditView
    icon = "table"
    menu_label = gettext_lazy("Budget lines")
    name = "reports_budget_line"
    url_prefix = "grants/budget-lines"
    form_fields = ["grant", "category", "description", "planned", "actual"]
    filterset_class = BudgetLineFilterSet
    search_fields = ["description", "grant__code"]
    ordering = ["grant__code", "category"]
    list_display = ["grant", "category", "description", "planned", "actual"]
    list_export = ["grant.code", "get_category_display", "description", "planned", "actual", "grant.currency"]
    export_headings = {
        "grant.code": gettext_lazy("Grant"),
        "get_category_display": gettext_lazy("Category"),
        "grant.currency": gettext_lazy("Currency"),
    }
    export_filename = "budget-lines"

    def get_urlpatterns(self) -> list:
        return [*super().get_urlpatterns(), path("<int:pk>/periods/", BudgetPeriodsView.as_view(), name="periods")]
