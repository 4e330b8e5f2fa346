"""What hotlines report each year and period: annual capacity profiles and statistics returns."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import MenuItem

from core.admin import ScopedIndexView, ScopedViewSet, TitledPageMixin
from network import services
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


class StatisticsQueryForm(forms.Form):
    question = forms.CharField(
        label=gettext_lazy("Your question to the hotline"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("The hotline's portal users are sent it; the return is open to them again."),
    )


class StatisticsQueryView(TitledPageMixin, WagtailAdminTemplateMixin, TemplateView):
    """A return's exchange with its hotline, and the form to query it (`services.statistics_query`)."""

    template_name = "network/admin/statistics_query.html"
    page_title = gettext_lazy("Query a statistics return")
    header_icon = "table"
    viewset = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_perm("network.view_hotlinestatistics"):
            raise PermissionDenied
        self.statistics = get_object_or_404(
            HotlineStatistics.objects.visible_to(request.user).select_related("hotline"), pk=kwargs["pk"]
        )
        self.form = StatisticsQueryForm(request.POST or None)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self) -> str:
        return str(self.statistics)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            statistics=self.statistics,
            exchange=list(self.statistics.messages.select_related("author")),
            form=self.form,
            may_query=self.request.user.has_perm("network.change_hotlinestatistics"),
            back_url=reverse("network_statistics:index"),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.form.is_valid():
            try:
                services.statistics_query(
                    statistics=self.statistics, question=self.form.cleaned_data["question"], acting_user=request.user
                )
            except ValidationError as exc:
                self.form.add_error("question" if hasattr(exc, "error_dict") else None, exc)
            else:
                messages.success(request, _("The return is queried; the hotline's users are told."))
                return redirect("network_statistics:query", pk=self.statistics.pk)
        return self.render_to_response(self.get_context_data())


class StatisticsIndexView(ScopedIndexView):
    def get_list_more_buttons(self, instance: Any) -> list:
        return [
            *super().get_list_more_buttons(instance),
            MenuItem(
                _("Query or see the exchange"),
                url=reverse("network_statistics:query", args=[instance.pk]),
                icon_name="comment",
                priority=35,
            ),
        ]


class HotlineStatisticsViewSet(ScopedViewSet):
    model = HotlineStatistics
    icon = "table"
    menu_label = gettext_lazy("Statistics returns")
    name = "network_statistics"
    url_prefix = "network/statistics"
    index_view_class = StatisticsIndexView
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

    def get_urlpatterns(self) -> list:
        return [*super().get_urlpatterns(), path("query/<int:pk>/", StatisticsQueryView.as_view(), name="query")]
