"""Hotlines (the registry's centre: the inspect page shows the whole profile) and their analysts."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn, Column

from accounts.access import may
from core.admin import ScopedInspectView, ScopedViewSet
from core.forms import CountryMultiSelect
from network import selectors
from network.models import (
    Analyst,
    Contact,
    Country,
    Hotline,
    Organisation,
)
from network.viewsets.base import country_filter, region_filter


class HotlineFilterSet(WagtailFilterSet):
    stage = django_filters.MultipleChoiceFilter(
        choices=Hotline.Stage.choices, widget=forms.CheckboxSelectMultiple, label=gettext_lazy("Stage")
    )
    region = region_filter("country__programme_region")
    country = country_filter("country")
    host_type = django_filters.ChoiceFilter(
        field_name="host_organisation__type",
        choices=Organisation.Type.choices,
        label=gettext_lazy("Host organisation type"),
    )
    secure_exchange_access = django_filters.BooleanFilter(label=gettext_lazy("Secure exchange access"))

    class Meta:
        model = Hotline
        fields = ["stage", "secure_exchange_access"]


# Other apps add sections to the hotline page: `@hooks.register(HOTLINE_PAGE_PANELS_HOOK)` with a function
# `(request, hotline) -> list[AreaPanel]` (scoped through `visible_to(request.user)`); each panel's
# template receives its context as `panel`.
HOTLINE_PAGE_PANELS_HOOK = "hotline_page_panels"


class HotlineInspectView(ScopedInspectView):
    """The hotline page: profile, contacts, analysts, training, statistics over time, history, and the
    sections other apps contribute (`HOTLINE_PAGE_PANELS_HOOK`)."""

    template_name = "network/admin/hotline_inspect.html"

    def get_object(self, queryset: Any = None) -> Hotline:
        return get_object_or_404(
            Hotline.objects.visible_to(self.request.user).select_related(
                "country", "host_organisation__country", "point_of_contact", "lead_staff"
            ),
            pk=self.pk,
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        context.update(
            hotline=self.object,
            overview=selectors.hotline_overview(hotline=self.object, user=user, today=today),
            countries_served=list(self.object.countries_served.order_by("name")),
            can_view_contacts=may(user, "network.contacts.view"),
            portal_users_url=reverse("network_portal_users:index", args=[self.object.pk])
            if may(user, "accounts.portal_users") and self.object.host_organisation_id
            else "",
            history_url=reverse("network_hotline:history", args=(self.object.pk,)),
            today=today,
            expiry_cutoff=selectors.expiry_cutoff(today),
            panels=sorted(
                (
                    panel
                    for fn in hooks.get_hooks(HOTLINE_PAGE_PANELS_HOOK)
                    for panel in fn(self.request, self.object) or ()
                ),
                key=lambda panel: panel.order,
            ),
        )
        return context


class HotlineViewSet(ScopedViewSet):
    model = Hotline
    icon = "site"
    menu_label = gettext_lazy("Hotlines")
    name = "network_hotline"
    url_prefix = "network/hotlines"
    inspect_view_class = HotlineInspectView
    title_opens_inspect = True
    form_fields = [
        "brand_name",
        "host_organisation",
        "country",
        "countries_served",
        "public_reporting_url",
        "description",
        "reporting_languages",
        "anonymous_reports",
        "accepts_regional_reports",
        "joined_on",
        "full_member_on",
        "secure_exchange_access",
        "secure_exchange_since",
        "point_of_contact",
        "lead_staff",
    ]
    list_select_related = ("country", "host_organisation")
    filterset_class = HotlineFilterSet
    search_fields = ["brand_name", "host_organisation__name", "country__name"]
    ordering = ["brand_name"]
    list_export = [
        "brand_name",
        "host_organisation.name",
        "country.code",
        "country.name",
        "get_stage_display",
        "stage_entered_at",
        "joined_on",
        "full_member_on",
        "secure_exchange_access",
        "secure_exchange_since",
        "public_reporting_url",
        "active_analyst_count",
    ]
    export_headings = {
        "host_organisation.name": gettext_lazy("Host organisation"),
        "country.code": gettext_lazy("Country code"),
        "country.name": gettext_lazy("Country"),
        "get_stage_display": gettext_lazy("Stage"),
        "active_analyst_count": gettext_lazy("Active analysts"),
    }
    export_filename = "hotlines"

    def list_queryset(self, queryset: QuerySet) -> QuerySet:
        return super().list_queryset(queryset).with_analyst_counts()

    @cached_property
    def list_display(self) -> list:
        return [
            "brand_name",
            "country",
            "host_organisation",
            "stage",
            "joined_on",
            "full_member_on",
            Column("active_analyst_count", label=gettext_lazy("Active analysts"), sort_key="active_analyst_count"),
            BooleanColumn("secure_exchange_access", label=gettext_lazy("Secure exchange")),
        ]

    def formfield_for_dbfield(self, db_field: Any, **kwargs: Any) -> Any:
        if db_field.name == "point_of_contact":
            kwargs["queryset"] = Contact.objects.not_erased().select_related("organisation")
        elif db_field.name == "host_organisation":
            kwargs["queryset"] = Organisation.objects.order_by("name")
        elif db_field.name == "countries_served":
            kwargs.update(queryset=Country.objects.order_by("name"), widget=CountryMultiSelect)
        elif db_field.name == "lead_staff":
            from accounts.models import User

            kwargs["queryset"] = User.objects.filter(is_staff=True, is_active=True).order_by("email")
        return super().formfield_for_dbfield(db_field, **kwargs)


# -- analysts ------------------------------------------------------------------------------------------
class AnalystFilterSet(WagtailFilterSet):
    role = django_filters.ChoiceFilter(choices=Analyst.Role.choices, label=gettext_lazy("Role"))
    region = region_filter("hotline__country__programme_region")
    country = country_filter("hotline__country")
    hotline = django_filters.ModelChoiceFilter(queryset=Hotline.objects.order_by("brand_name"))
    active = django_filters.BooleanFilter(label=gettext_lazy("Active"), method="filter_active")

    class Meta:
        model = Analyst
        fields = ["role", "hotline"]

    def filter_active(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        active = queryset.working_on()
        return active if value else queryset.exclude(pk__in=active.values("pk"))


class AnalystViewSet(ScopedViewSet):
    model = Analyst
    icon = "user"
    menu_label = gettext_lazy("Analysts")
    name = "network_analyst"
    url_prefix = "network/analysts"
    form_fields = ["hotline", "code", "role", "started_on", "ended_on"]
    list_select_related = ("hotline__country",)
    filterset_class = AnalystFilterSet
    search_fields = ["code", "hotline__brand_name"]
    ordering = ["hotline__brand_name", "code"]
    list_export = ["code", "hotline.brand_name", "hotline.country.code", "get_role_display", "started_on", "ended_on"]
    export_headings = {
        "hotline.brand_name": gettext_lazy("Hotline"),
        "hotline.country.code": gettext_lazy("Country code"),
        "get_role_display": gettext_lazy("Role"),
    }
    export_filename = "analysts"

    def list_queryset(self, queryset: QuerySet) -> QuerySet:
        return (
            super()
            .list_queryset(queryset)
            .annotate(completed_trainings=Count("participations", filter=Q(participations__status="completed")))
        )

    @cached_property
    def list_display(self) -> list:
        return [
            "code",
            "hotline",
            "hotline__country",
            "role",
            "started_on",
            "ended_on",
            Column("completed_trainings", label=gettext_lazy("Trainings completed"), sort_key="completed_trainings"),
        ]

    def formfield_for_dbfield(self, db_field: Any, **kwargs: Any) -> Any:
        if db_field.name == "hotline":
            kwargs["queryset"] = Hotline.objects.order_by("brand_name")
        return super().formfield_for_dbfield(db_field, **kwargs)
