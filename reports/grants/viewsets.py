"""The "Grants" admin menu: the donors' and grants' viewsets, and the menu of everything a grant
plans and reports (work packages, activities, deliverables, milestones, indicators, risks, budget
lines).

Modules: `forms` (the grant rows' forms, the activity links on event pages), `admin_views` (the
create, edit and inspect views, the viewsets' base classes), `part_viewsets` (what a grant plans),
this one (donors, grants, the menu).

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

from typing import Any

import django_filters
from django.db.models import Count, Q, QuerySet
from django.urls import path
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup

from core.forms import CountryMultiSelect
from network.models import Country
from reports.grants.admin_views import GrantInspectView, GrantsViewSet, donor_filter, donor_logo
from reports.grants.forms import CountriesField, DonorForm
from reports.grants.part_viewsets import (
    ActivityViewSet,
    BudgetLineViewSet,
    DeliverableViewSet,
    IndicatorViewSet,
    MilestoneViewSet,
    RiskViewSet,
    WorkPackageViewSet,
)
from reports.models import (
    Donor,
    Grant,
)

GRANTS_MENU_HOOK = "register_grants_menu_item"


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
    form_class = DonorForm
    form_fields = [
        "name",
        "short_name",
        "kind",
        "country",
        "website",
        "notes",
        "report_profile",
        "acknowledgement",
        "accepts_interim_reports",
    ]
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

    def get_urlpatterns(self) -> list:
        return [*super().get_urlpatterns(), path("<int:pk>/logo/", donor_logo, name="logo")]

    @cached_property
    def list_display(self) -> list:
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
    country = django_filters.ModelMultipleChoiceFilter(
        field_name="countries",
        queryset=Country.objects.order_by("name"),
        label=gettext_lazy("Country in scope"),
        widget=CountryMultiSelect,
        distinct=True,
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
        "report_due_days",
        "amount",
        "currency",
        "cofunding_rate",
        "objectives",
        "activities_in_scope",
        "countries",
        "granting_authority",
        "report_contact",
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
    def list_display(self) -> list:
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
                widget=CountryMultiSelect,
                label=capfirst(db_field.verbose_name),
                help_text=_("The countries the grant works in; reports count roundtables of these countries."),
            )
        if db_field.name == "donor":
            kwargs["queryset"] = Donor.objects.order_by("name")
        return super().formfield_for_dbfield(db_field, **kwargs)


def _amount(grant: Grant) -> str:
    return f"{grant.amount:,.0f} {grant.currency}"


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
