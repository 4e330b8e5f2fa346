"""Viewsets of what a grant plans and reports: work packages, activities, deliverables, milestones,
indicators, risks and budget lines (each opened from the grant's page)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column

from reports import metrics
from reports.grants.admin_views import GrantChildViewSet, grant_filter
from reports.grants.forms import ActivityForm, IndicatorForm, MetricSelect, metric_choices
from reports.models import (
    Activity,
    BudgetLine,
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
    def list_display(self) -> list:  # type: ignore[override]
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
    def list_display(self) -> list:  # type: ignore[override]
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


class BudgetLineViewSet(GrantChildViewSet):
    model = BudgetLine
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
