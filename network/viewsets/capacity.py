"""What hotlines report each year and period: annual capacity profiles and statistics returns."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn

from core.admin import ScopedViewSet
from network.models import (
    Hotline,
    HotlineAnnualProfile,
    HotlineStatistics,
)
from network.viewsets.base import country_filter, region_filter


class AnnualProfileFilterSet(WagtailFilterSet):
    year = django_filters.NumberFilter()
    region = region_filter("hotline__country__programme_region")
    country = country_filter("hotline__country")
    welfare_policy = django_filters.BooleanFilter(label=gettext_lazy("Welfare policy in place"))
    psychological_support = django_filters.ChoiceFilter(choices=HotlineAnnualProfile.PsychologicalSupport.choices)

    class Meta:
        model = HotlineAnnualProfile
        fields = ["year", "welfare_policy"]


class HotlineAnnualProfileViewSet(ScopedViewSet):
    model = HotlineAnnualProfile
    icon = "form"
    menu_label = gettext_lazy("Annual profiles")
    name = "network_profile"
    url_prefix = "network/annual-profiles"
    form_fields = [
        "hotline",
        "year",
        "analyst_headcount",
        "fte",
        "welfare_policy",
        "welfare_policy_reviewed_on",
        "psychological_support",
        "le_mou_in_force",
        "languages",
    ]
    list_select_related = ("hotline__country",)
    filterset_class = AnnualProfileFilterSet
    search_fields = ["hotline__brand_name"]
    ordering = ["-year", "hotline__brand_name"]
    list_export = [
        "hotline.brand_name",
        "year",
        "analyst_headcount",
        "fte",
        "welfare_policy",
        "welfare_policy_reviewed_on",
        "get_psychological_support_display",
        "le_mou_in_force",
        "languages",
    ]
    export_headings = {
        "hotline.brand_name": gettext_lazy("Hotline"),
        "get_psychological_support_display": gettext_lazy("Psychological support"),
    }
    export_filename = "annual-profiles"
    list_display = [
        "hotline",
        "year",
        "analyst_headcount",
        "fte",
        BooleanColumn("welfare_policy", label=gettext_lazy("Welfare policy")),
        "psychological_support",
        BooleanColumn("le_mou_in_force", label=gettext_lazy("LE MoU")),
    ]

    def formfield_for_dbfield(self, db_field: Any, **kwargs: Any) -> Any:
        if db_field.name == "hotline":
            kwargs["queryset"] = Hotline.objects.order_by("brand_name")
        return super().formfield_for_dbfield(db_field, **kwargs)


class StatisticsFilterSet(WagtailFilterSet):
    validation_status = django_filters.ChoiceFilter(choices=HotlineStatistics.Validation.choices)
    source = django_filters.ChoiceFilter(choices=HotlineStatistics.Source.choices)
    region = region_filter("hotline__country__programme_region")
    country = country_filter("hotline__country")
    year = django_filters.NumberFilter(field_name="period_start__year", label=gettext_lazy("Year"))

    class Meta:
        model = HotlineStatistics
        fields = ["validation_status", "source"]


class HotlineStatisticsViewSet(ScopedViewSet):
    model = HotlineStatistics
    icon = "table"
    menu_label = gettext_lazy("Statistics returns")
    name = "network_statistics"
    url_prefix = "network/statistics"
    form_fields = [
        "hotline",
        "period_start",
        "period_end",
        "reports_received",
        "content_urls_processed",
        "share_assessed_illegal",
        "share_removed_within_3_days",
        "share_referred_le_within_3_days",
        "source",
        "validation_status",
    ]
    list_select_related = ("hotline__country",)
    filterset_class = StatisticsFilterSet
    search_fields = ["hotline__brand_name"]
    ordering = ["-period_start", "hotline__brand_name"]
    list_export = [
        "hotline.brand_name",
        "hotline.country.code",
        "period_start",
        "period_end",
        "reports_received",
        "content_urls_processed",
        "share_assessed_illegal",
        "share_removed_within_3_days",
        "share_referred_le_within_3_days",
        "get_source_display",
        "get_validation_status_display",
    ]
    export_headings = {
        "hotline.brand_name": gettext_lazy("Hotline"),
        "hotline.country.code": gettext_lazy("Country code"),
        "get_source_display": gettext_lazy("Source"),
        "get_validation_status_display": gettext_lazy("Validation"),
    }
    export_filename = "statistics-returns"
    list_display = [
        "hotline",
        "period_start",
        "period_end",
        "reports_received",
        "content_urls_processed",
        "share_assessed_illegal",
        "share_removed_within_3_days",
        "validation_status",
    ]

    def formfield_for_dbfield(self, db_field: Any, **kwargs: Any) -> Any:
        if db_field.name == "hotline":
            kwargs["queryset"] = Hotline.objects.order_by("brand_name")
        return super().formfield_for_dbfield(db_field, **kwargs)
