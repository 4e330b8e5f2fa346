"""Countries (reference data: only their programme region and time zone are edited) and organisations."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Count, Q, QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from core.admin import ScopedViewSet
from network.models import (
    Country,
    Organisation,
    ProgrammeRegion,
)
from network.viewsets.base import country_filter, region_filter


class ReferenceDataPermissionPolicy(ModelPermissionPolicy):
    """Countries come from ISO 3166-1: nobody adds or deletes them; staff edit the programme region."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action not in ("add", "delete") and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions: Any) -> QuerySet:
        return super().users_with_any_permission([a for a in actions if a not in ("add", "delete")] or ["none"])


register_permission_policy(Country, ReferenceDataPermissionPolicy(Country), exact_class=True)


class CountryFilterSet(WagtailFilterSet):
    programme_region = django_filters.ChoiceFilter(choices=ProgrammeRegion.choices, label=gettext_lazy("Region"))
    m49_region = django_filters.CharFilter(label=gettext_lazy("UN M49 region"), lookup_expr="iexact")
    has_hotline = django_filters.BooleanFilter(label=gettext_lazy("Has a hotline"), method="filter_has_hotline")

    class Meta:
        model = Country
        fields = ["programme_region"]

    def filter_has_hotline(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        with_hotline = Q(home_hotlines__isnull=False)
        return queryset.filter(with_hotline).distinct() if value else queryset.exclude(with_hotline)


class CountryViewSet(ScopedViewSet):
    model = Country
    icon = "globe"
    menu_label = gettext_lazy("Countries")
    name = "network_country"
    url_prefix = "network/countries"
    form_fields = ["programme_region", "time_zone"]
    list_export = [
        "code",
        "alpha3",
        "numeric",
        "name",
        "m49_region",
        "m49_subregion",
        "programme_region",
        "time_zone",
    ]
    export_filename = "countries"
    filterset_class = CountryFilterSet
    search_fields = ["name", "code", "alpha3"]
    ordering = ["name"]

    def list_queryset(self, queryset: QuerySet) -> QuerySet:
        return queryset.annotate(hotline_count=Count("home_hotlines"))

    def formfield_for_dbfield(self, db_field: Any, **kwargs: Any) -> Any:
        if db_field.name == "time_zone":
            from network.forms import time_zone_field

            return time_zone_field(label=db_field.verbose_name, help_text=db_field.help_text)
        return super().formfield_for_dbfield(db_field, **kwargs)

    @cached_property
    def list_display(self) -> list:
        return [
            "name",
            "code",
            "programme_region",
            "time_zone",
            "m49_region",
            "m49_subregion",
            Column("hotline_count", label=gettext_lazy("Hotlines"), sort_key="hotline_count"),
        ]


# -- organisations -----------------------------------------------------------------------------------
class OrganisationFilterSet(WagtailFilterSet):
    type = django_filters.ChoiceFilter(choices=Organisation.Type.choices, label=gettext_lazy("Organisation type"))
    region = region_filter("country__programme_region")
    country = country_filter("country")

    class Meta:
        model = Organisation
        fields = ["type", "country"]


class OrganisationViewSet(ScopedViewSet):
    model = Organisation
    icon = "group"
    menu_label = gettext_lazy("Organisations")
    name = "network_organisation"
    url_prefix = "network/organisations"
    form_fields = ["name", "type", "country", "website", "registration_number", "publish_name_consent"]
    list_select_related = ("country",)
    filterset_class = OrganisationFilterSet
    search_fields = ["name", "registration_number", "website"]
    ordering = ["name"]
    list_export = [
        "name",
        "get_type_display",
        "country.code",
        "country.name",
        "website",
        "registration_number",
        "publish_name_consent",
        "hotline_count",
        "contact_count",
    ]
    export_headings = {
        "get_type_display": gettext_lazy("Type"),
        "country.code": gettext_lazy("Country code"),
        "country.name": gettext_lazy("Country"),
        "hotline_count": gettext_lazy("Hotlines"),
        "contact_count": gettext_lazy("Contacts"),
    }
    export_filename = "organisations"

    def list_queryset(self, queryset: QuerySet) -> QuerySet:
        return (
            super()
            .list_queryset(queryset)
            .annotate(
                hotline_count=Count("hotlines", distinct=True),
                contact_count=Count("contacts", filter=Q(contacts__erased_at__isnull=True), distinct=True),
            )
        )

    @cached_property
    def list_display(self) -> list:
        return [
            "name",
            "type",
            "country",
            "country__programme_region",
            Column("hotline_count", label=gettext_lazy("Hotlines"), sort_key="hotline_count"),
            Column("contact_count", label=gettext_lazy("Contacts"), sort_key="contact_count"),
        ]
