"""The "Grants" admin menu: donors, grants and what a grant plans and reports (work packages,
activities, deliverables, milestones, indicators, risks, budget lines).

The viewsets follow the Network menu's pattern (`network.viewsets.NetworkViewSet`): every view
starts from `Model.objects.visible_to(user)`, lists have filters, search, ordering and a spreadsheet
export of the filtered list, and create/edit/delete go through the audited Wagtail actions
registered in `reports.wagtail_hooks` (one history entry with the changed fields each). Grants
managers hold add/change/delete/view, network staff view (`reports.apps`).

The grant's page (inspect view) is the hub: it shows everything the grant plans, with links to add
each kind of row; those forms open pre-filled with the grant (`?grant=ID`) and return to the
grant's page. The rules themselves (dates in order, a metric or a justified manual value, ...)
are the models' `clean()`; the forms only show their messages.

Other screens join the menu in either of two ways: append a viewset class to `GRANT_VIEWSETS`
before the admin's viewsets are registered (from a module `reports.wagtail_hooks` imports), or
give a registered viewset `menu_hook = GRANTS_MENU_HOOK` (Wagtail then adds its menu item here).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_filters
from django import forms
from django.db.models import Count, Q, QuerySet
from django.forms.models import ModelChoiceIterator, modelform_factory
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import CreateView
from wagtail.admin.viewsets.base import ViewSetGroup

from core.contributed_fields import ContributedField
from network.models import Country, ProgrammeRegion, TrainingEvent
from network.viewsets import NetworkEditView, NetworkInspectView, NetworkViewSet
from onboarding.models import Roundtable
from reports import metrics, selectors
from reports.grants import selectors as grant_selectors
from reports.grants import services as grant_services
from reports.models import (
    Activity,
    BudgetLine,
    Deliverable,
    Donor,
    Grant,
    Indicator,
    Milestone,
    Risk,
    WorkPackage,
)

GRANTS_MENU_HOOK = "register_grants_menu_item"


# -- forms ------------------------------------------------------------------------------------------------
class CountriesByRegionIterator(ModelChoiceIterator):
    """Countries grouped under their programme region (the checkboxes read like an atlas)."""

    def __iter__(self) -> Any:
        groups: dict[str, list[Any]] = {}
        for country in self.queryset.order_by("programme_region", "name"):
            groups.setdefault(country.programme_region or "", []).append(self.choice(country))
        labels = dict(ProgrammeRegion.choices)
        for region, choices in groups.items():
            yield (labels.get(region, _("No programme region")), choices)


class CountriesField(forms.ModelMultipleChoiceField):
    iterator = CountriesByRegionIterator

    def label_from_instance(self, obj: Country) -> str:
        return obj.name


def single_number_metrics() -> list[metrics.Metric]:
    """The registry's metrics an indicator can use: one number each (counts, shares, days)."""
    return [m for m in metrics.all_metrics() if m.kind in (metrics.COUNT, metrics.PERCENT, metrics.DAYS)]


def metric_choices() -> list[tuple[str, str]]:
    return [("", _("— none: a manual value —")), *((m.key, str(m.label)) for m in single_number_metrics())]


class MetricSelect(forms.Select):
    """A select of the registry's metrics with each one's definition listed beneath it."""

    template_name = "reports/grants/metric_select.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["definitions"] = [(str(m.label), str(m.definition), str(m.unit)) for m in single_number_metrics()]
        return context


class GrantChildForm(forms.ModelForm):
    """A row of a grant: its work package (if any) is one of the same grant's."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        grant_id = self._grant_id()
        for name in ("work_package",):
            if name in self.fields and grant_id:
                self.fields[name].queryset = WorkPackage.objects.filter(grant_id=grant_id)

    def _grant_id(self) -> str | int | None:
        if self.is_bound:
            value = self.data.get(self.add_prefix("grant"))
            return value if value and str(value).isdigit() else None
        if self.instance.grant_id:
            return self.instance.grant_id
        value = self.initial.get("grant")
        return value if value and str(value).isdigit() else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        grant, package = cleaned.get("grant"), cleaned.get("work_package")
        if grant and package and package.grant_id != grant.pk:
            self.add_error("work_package", _("Choose a work package of the same grant."))
        return cleaned


class ActivityForm(GrantChildForm):
    """Roundtables of the grant's countries (and those already linked); training events during the grant."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        grant = Grant.objects.filter(pk=self._grant_id()).first() if self._grant_id() else None
        linked_roundtables = self.instance.roundtables.all() if self.instance.pk else Roundtable.objects.none()
        linked_events = self.instance.training_events.all() if self.instance.pk else TrainingEvent.objects.none()
        roundtables = Roundtable.objects.select_related("country").order_by("-starts_at")
        events = TrainingEvent.objects.select_related("course").order_by("-starts_on")
        if grant is not None:
            countries = grant.countries.all()
            if countries.exists():
                roundtables = roundtables.filter(Q(country__in=countries) | Q(pk__in=linked_roundtables.values("pk")))
            events = events.filter(
                Q(starts_on__range=(grant.starts_on, grant.ends_on)) | Q(pk__in=linked_events.values("pk"))
            )
        self.fields["roundtables"].queryset = roundtables.distinct()
        self.fields["training_events"].queryset = events.distinct()
        self.fields["roundtables"].label_from_instance = _roundtable_label
        self.fields["training_events"].label_from_instance = _event_label


class IndicatorForm(GrantChildForm):
    """A metric's baseline is measured on the indicator's scope and baseline day when the indicator is
    made (or its metric, scope or baseline day changes) and kept after that; the baseline field may be
    left empty to take it. Another value needs the justification the model asks for."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "baseline" in self.fields:
            self.fields["baseline"].required = False
        self._saved = Indicator.objects.filter(pk=self.instance.pk).select_related("grant").first()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        grant, metric_key = cleaned.get("grant"), cleaned.get("metric_key") or ""
        indicator = self.instance
        indicator.grant = grant
        indicator.metric_key = metric_key
        indicator.scope = cleaned.get("scope") or Indicator.Scope.GRANT
        indicator.baseline_on = cleaned.get("baseline_on")
        if grant is None or self.errors:
            return cleaned
        if not metric_key:
            indicator.baseline_measured = None
            if cleaned.get("baseline") is None:
                cleaned["baseline"] = Decimal(0)
            return cleaned
        if not indicator.measures_like(self._saved) or self._saved.baseline_measured is None:
            try:
                measured = selectors.measured_baseline(indicator)
            except KeyError:
                return cleaned  # the model's clean names the unknown metric
            indicator.baseline_measured = None if measured is None else Decimal(str(round(measured, 2)))
        else:
            indicator.baseline_measured = self._saved.baseline_measured
        if cleaned.get("baseline") is None:
            cleaned["baseline"] = indicator.baseline_measured if indicator.baseline_measured is not None else Decimal(0)
        return cleaned


def grant_activity_fields(model: type, instance: Any) -> list[ContributedField]:
    """The "Grant activities" field of the roundtable and training event forms (`core.contributed_fields`): the
    activities of the grants that funded the event, so that their figures count it."""
    if model is Roundtable:
        field_name = "roundtables"
    elif model is TrainingEvent:
        field_name = "training_events"
    else:
        return []
    activities = Activity.objects.select_related("grant").order_by("-grant__starts_on", "grant__code", "planned_start")
    initial = list(activities.filter(**{field_name: instance})) if instance is not None and instance.pk else []
    field = forms.ModelMultipleChoiceField(
        queryset=activities,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Grant activities"),
        help_text=_(
            "The grant activities that funded this event. A grant that links events counts only the ones it "
            "links in its figures; its page lists the events in its countries and period that none links."
        ),
    )
    field.label_from_instance = _activity_label

    def save(event: Any, value: Any, user: Any) -> None:
        grant_services.event_grant_activities_set(event=event, activities=value or [], acting_user=user)

    return [ContributedField("grant_activities", field, initial, save)]


def _activity_label(activity: Activity) -> str:
    return f"{activity.grant.code} · {activity.title} ({activity.planned_start:%Y-%m-%d})"


def _roundtable_label(roundtable: Roundtable) -> str:
    return f"{timezone.localtime(roundtable.starts_at):%Y-%m-%d} · {roundtable.country.name} · {roundtable.title}"


def _event_label(event: TrainingEvent) -> str:
    return f"{event.starts_on:%Y-%m-%d} · {event.title or event.course.title}"


# -- views ------------------------------------------------------------------------------------------------
class GrantChildCreateView(CreateView):
    """Opens pre-filled with `?grant=ID` (a grant the user can see) and returns to that grant's page."""

    @cached_property
    def prefill_grant(self) -> Grant | None:
        raw = self.request.GET.get("grant", "")
        return Grant.objects.visible_to(self.request.user).filter(pk=raw).first() if raw.isdigit() else None

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        if self.prefill_grant is not None:
            initial["grant"] = self.prefill_grant.pk
        return initial

    def get_add_url(self) -> str:
        url = super().get_add_url()
        if self.prefill_grant is None:
            return url
        return f"{url}{'&' if '?' in url else '?'}grant={self.prefill_grant.pk}"

    def get_success_url(self) -> str:
        if self.object is not None and self.object.grant_id:
            return reverse("reports_grant:inspect", args=(self.object.grant_id,))
        return super().get_success_url()


class GrantChildEditView(NetworkEditView):
    def get_success_url(self) -> str:
        return reverse("reports_grant:inspect", args=(self.object.grant_id,))


class GrantInspectView(NetworkInspectView):
    """The grant's page: its details and everything it plans, each with a link to add more."""

    template_name = "reports/grants/grant_inspect.html"

    def get_object(self, queryset: Any = None) -> Grant:
        return get_object_or_404(
            Grant.objects.visible_to(self.request.user).select_related("donor"),
            pk=self.pk,
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        grant, user = self.object, self.request.user
        metric_labels = {m.key: m for m in metrics.all_metrics()}
        indicators = list(grant.indicators.select_related("work_package"))
        for indicator in indicators:
            indicator.metric = metric_labels.get(indicator.metric_key)
        budget = list(grant.budget_lines.all())
        planned = sum((line.planned for line in budget), Decimal(0))
        actual = sum((line.actual for line in budget), Decimal(0))

        def section(model: type, rows: list[Any], viewset_name: str) -> dict[str, Any]:
            codename = model._meta.model_name
            return {
                "rows": rows,
                "add_url": f"{reverse(f'{viewset_name}:add')}?grant={grant.pk}"
                if user.has_perm(f"reports.add_{codename}")
                else "",
                "can_edit": user.has_perm(f"reports.change_{codename}"),
                "edit_url_name": f"{viewset_name}:edit",
            }

        context.update(
            grant=grant,
            countries=list(grant.countries.order_by("name")),
            periods=grant.reporting_periods(),
            work_packages=section(WorkPackage, list(grant.work_packages.all()), "reports_work_package"),
            indicators=section(Indicator, indicators, "reports_indicator"),
            activities=section(
                Activity,
                list(
                    grant.activities.select_related("work_package").prefetch_related(
                        "roundtables__country", "training_events__course"
                    )
                ),
                "reports_activity",
            ),
            deliverables=section(
                Deliverable, list(grant.deliverables.select_related("work_package")), "reports_deliverable"
            ),
            milestones=section(Milestone, list(grant.milestones.select_related("work_package")), "reports_milestone"),
            risks=section(Risk, list(grant.risks.all()), "reports_risk"),
            budget=section(BudgetLine, budget, "reports_budget_line"),
            budget_planned=planned,
            budget_actual=actual,
            budget_execution=round(actual * 100 / planned, 1) if planned else None,
            report_count=grant.reports.count(),
            today=timezone.localdate(),
            unlinked=grant_selectors.grant_unlinked_events(grant=grant),
            scope_labels=dict(Indicator.Scope.choices),
        )
        return context


# -- base viewsets ------------------------------------------------------------------------------------------
class GrantsViewSet(NetworkViewSet):
    """Network's list/inspect/history/delete behaviour; a form class of our own when set."""

    form_class: type[forms.ModelForm] | None = None

    def get_form_class(self, for_update: bool = False) -> type[forms.ModelForm]:
        if self.form_class is None:
            return super().get_form_class(for_update)
        return modelform_factory(
            self.model, form=self.form_class, fields=self.form_fields, formfield_callback=self.formfield_for_dbfield
        )

    def formfield_for_dbfield(self, db_field: Any, **kwargs: Any) -> Any:
        if db_field.name == "grant":
            kwargs["queryset"] = Grant.objects.select_related("donor").order_by("code")
        elif db_field.name == "work_package":
            kwargs["queryset"] = WorkPackage.objects.select_related("grant").order_by("grant__code", "number")
        return super().formfield_for_dbfield(db_field, **kwargs)


class GrantChildViewSet(GrantsViewSet):
    add_view_class = GrantChildCreateView
    edit_view_class = GrantChildEditView
    form_class = GrantChildForm
    list_select_related: tuple[str, ...] = ("grant",)


def grant_filter() -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        field_name="grant", queryset=Grant.objects.order_by("code"), label=gettext_lazy("Grant")
    )


def donor_filter(path: str) -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        field_name=path, queryset=Donor.objects.order_by("name"), label=gettext_lazy("Donor")
    )


# -- donors -----------------------------------------------------------------------------------------------
class DonorFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(choices=Donor.Kind.choices, label=gettext_lazy("Kind"))

    class Meta:
        model = Donor
        fields = ["kind"]


class DonorViewSet(GrantsViewSet):
    model = Donor
    icon = "group"
    menu_label = gettext_lazy("Donors")
    name = "reports_donor"
    url_prefix = "grants/donors"
    form_fields = ["name", "short_name", "kind", "country", "website", "notes"]
    list_select_related = ("country",)
    filterset_class = DonorFilterSet
    search_fields = ["name", "short_name"]
    ordering = ["name"]
    list_export = ["name", "short_name", "get_kind_display", "country.code", "website", "grant_count"]
    export_headings = {
        "get_kind_display": gettext_lazy("Kind"),
        "country.code": gettext_lazy("Country code"),
        "grant_count": gettext_lazy("Grants"),
    }
    export_filename = "donors"

    def list_queryset(self, queryset: QuerySet) -> QuerySet:
        return super().list_queryset(queryset).annotate(grant_count=Count("grants"))

    @cached_property
    def list_display(self) -> list:  # type: ignore[override]
        return [
            "name",
            "short_name",
            "kind",
            "country",
            Column("grant_count", label=gettext_lazy("Grants"), sort_key="grant_count"),
        ]

    def formfield_for_dbfield(self, db_field: Any, **kwargs: Any) -> Any:
        if db_field.name == "country":
            kwargs["queryset"] = Country.objects.order_by("name")
        return super().formfield_for_dbfield(db_field, **kwargs)


# -- grants -----------------------------------------------------------------------------------------------
class GrantFilterSet(WagtailFilterSet):
    donor = donor_filter("donor")
    kind = django_filters.ChoiceFilter(choices=Grant.Kind.choices, label=gettext_lazy("Kind"))
    country = django_filters.ModelChoiceFilter(
        field_name="countries", queryset=Country.objects.order_by("name"), label=gettext_lazy("Country in scope")
    )
    running = django_filters.BooleanFilter(label=gettext_lazy("Running today"), method="filter_running")

    class Meta:
        model = Grant
        fields = ["donor", "kind"]

    def filter_running(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        today = timezone.localdate()
        running = Q(starts_on__lte=today, ends_on__gte=today)
        return queryset.filter(running) if value else queryset.exclude(running)


class GrantViewSet(GrantsViewSet):
    model = Grant
    icon = "doc-full"
    menu_label = gettext_lazy("Grants")
    name = "reports_grant"
    url_prefix = "grants/grants"
    inspect_view_class = GrantInspectView
    form_fields = [
        "donor",
        "code",
        "title",
        "kind",
        "programme",
        "call_identifier",
        "agreement_number",
        "beneficiary",
        "starts_on",
        "ends_on",
        "reporting_period_months",
        "amount",
        "currency",
        "cofunding_rate",
        "objectives",
        "activities_in_scope",
        "countries",
    ]
    list_select_related = ("donor",)
    filterset_class = GrantFilterSet
    search_fields = ["code", "title", "programme", "agreement_number", "donor__name"]
    ordering = ["-starts_on", "code"]
    list_export = [
        "code",
        "title",
        "donor.name",
        "get_kind_display",
        "programme",
        "call_identifier",
        "agreement_number",
        "beneficiary_name",
        "starts_on",
        "ends_on",
        "amount",
        "currency",
        "cofunding_rate",
        "reporting_period_months",
        "country_count",
    ]
    export_headings = {
        "donor.name": gettext_lazy("Donor"),
        "get_kind_display": gettext_lazy("Kind"),
        "beneficiary_name": gettext_lazy("Beneficiary"),
        "country_count": gettext_lazy("Countries in scope"),
    }
    export_filename = "grants"

    def list_queryset(self, queryset: QuerySet) -> QuerySet:
        return (
            super()
            .list_queryset(queryset)
            .annotate(
                country_count=Count("countries", distinct=True),
                indicator_count=Count("indicators", distinct=True),
            )
        )

    @cached_property
    def list_display(self) -> list:  # type: ignore[override]
        return [
            "code",
            "title",
            "donor",
            "kind",
            "starts_on",
            "ends_on",
            Column("amount_display", label=gettext_lazy("Amount"), accessor=_amount, sort_key="amount"),
            Column("country_count", label=gettext_lazy("Countries"), sort_key="country_count"),
            Column("indicator_count", label=gettext_lazy("Indicators"), sort_key="indicator_count"),
        ]

    def formfield_for_dbfield(self, db_field: Any, **kwargs: Any) -> Any:
        if db_field.name == "countries":
            return CountriesField(
                queryset=Country.objects.all(),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                label=db_field.verbose_name,
                help_text=_("The countries the grant works in; reports count roundtables of these countries."),
            )
        if db_field.name == "donor":
            kwargs["queryset"] = Donor.objects.order_by("name")
        return super().formfield_for_dbfield(db_field, **kwargs)


def _amount(grant: Grant) -> str:
    return f"{grant.amount:,.0f} {grant.currency}"


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


# -- the menu ---------------------------------------------------------------------------------------------
# The Grants menu's entries, in order. Other screens may append a viewset class here (before the
# admin registers its viewsets) or set `menu_hook = GRANTS_MENU_HOOK` on a viewset they register.
GRANT_VIEWSETS: list[Any] = [
    GrantViewSet,
    DonorViewSet,
    WorkPackageViewSet,
    IndicatorViewSet,
    ActivityViewSet,
    DeliverableViewSet,
    MilestoneViewSet,
    RiskViewSet,
    BudgetLineViewSet,
]


class GrantsViewSetGroup(ViewSetGroup):
    menu_label = gettext_lazy("Grants")
    menu_icon = "doc-full"
    menu_order = 250
    submenu_hook = GRANTS_MENU_HOOK

    def __init__(self) -> None:
        self.items = tuple(GRANT_VIEWSETS)
        super().__init__()
