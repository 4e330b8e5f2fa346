"""Contacts and their personal data: the list, the retention review and erasure (`services.contact_erase`)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from accounts.access import may
from core.admin import ScopedViewSet, TitledPageMixin
from core.tables import DayColumn
from network import services
from network.models import (
    Contact,
    Organisation,
    Sector,
)
from network.viewsets.base import LinkViewSet, country_filter, region_filter


class ContactFilterSet(WagtailFilterSet):
    sector = django_filters.ChoiceFilter(choices=Sector.choices, label=gettext_lazy("Sector"))
    organisation_type = django_filters.ChoiceFilter(
        field_name="organisation__type", choices=Organisation.Type.choices, label=gettext_lazy("Organisation type")
    )
    region = region_filter("organisation__country__programme_region")
    country = country_filter("organisation__country")
    lawful_basis = django_filters.ChoiceFilter(choices=Contact.LawfulBasis.choices, label=gettext_lazy("Lawful basis"))
    past_retention = django_filters.BooleanFilter(
        label=gettext_lazy("Past its retention date"), method="filter_past_retention"
    )

    class Meta:
        model = Contact
        fields = ["sector", "lawful_basis"]

    def filter_past_retention(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        past = queryset.past_retention()
        return past if value else queryset.exclude(pk__in=past.values("pk"))


class ContactEraseView(TitledPageMixin, WagtailAdminTemplateMixin, TemplateView):
    """Confirm, then anonymise a contact (services.contact_erase)."""

    template_name = "network/admin/contact_erase.html"
    page_title = gettext_lazy("Erase personal data")
    header_icon = "user"
    viewset = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may(request.user, "network.contacts.erase"):
            raise PermissionDenied
        self.contact = get_object_or_404(
            Contact.objects.visible_to(request.user).select_related("organisation"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            contact=self.contact,
            action_url=self.request.path,
            cancel_url=reverse("network_contact:retention"),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            services.contact_erase(contact=self.contact, acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("The contact's personal data was erased; the record stays for the counts (%(org)s, %(sector)s).")
                % {"org": self.contact.organisation, "sector": self.contact.get_sector_display() or _("no sector")},
            )
        return redirect("network_contact:retention")


class ContactRetentionView(TitledPageMixin, WagtailAdminTemplateMixin, TemplateView):
    """Contacts held past their retention date, to erase (or to renew their lawful basis)."""

    template_name = "network/admin/contact_retention.html"
    page_title = gettext_lazy("Contacts past their retention date")
    header_icon = "user"
    viewset = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may(request.user, "network.contacts.view"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        contacts = (
            Contact.objects.visible_to(self.request.user)
            .past_retention()
            .select_related("organisation__country")
            .order_by("retain_until", "organisation__name", "name")
        )
        from django.core.paginator import Paginator

        page = Paginator(contacts, 50).get_page(self.request.GET.get("p"))
        context.update(
            page_obj=page,
            contacts=page.object_list,
            can_erase=may(self.request.user, "network.contacts.erase"),
            today=timezone.localdate(),
        )
        return context


class ContactViewSet(ScopedViewSet):
    model = Contact
    icon = "user"
    menu_label = gettext_lazy("Contacts")
    name = "network_contact"
    url_prefix = "network/contacts"
    form_fields = [
        "organisation",
        "name",
        "role",
        "sector",
        "email",
        "phone",
        "lawful_basis",
        "consent_date",
        "retain_until",
    ]
    list_select_related = ("organisation__country",)
    filterset_class = ContactFilterSet
    search_fields = ["name", "email", "role", "organisation__name"]
    ordering = ["organisation__name", "name"]
    list_export = [
        "name",
        "organisation.name",
        "role",
        "get_sector_display",
        "email",
        "phone",
        "get_lawful_basis_display",
        "consent_date",
        "retain_until",
        "erased_at",
    ]
    export_headings = {
        "organisation.name": gettext_lazy("Organisation"),
        "get_sector_display": gettext_lazy("Sector"),
        "get_lawful_basis_display": gettext_lazy("Lawful basis"),
    }
    export_filename = "contacts"
    inspect_view_fields_exclude = ["id"]

    @cached_property
    def list_display(self) -> list:
        return [
            "name",
            "organisation",
            "sector",
            "role",
            "lawful_basis",
            DayColumn("retain_until", label=gettext_lazy("Retain until"), sort_key="retain_until"),
            BooleanColumn("is_erased", label=gettext_lazy("Erased")),
        ]

    def formfield_for_dbfield(self, db_field: Any, **kwargs: Any) -> Any:
        if db_field.name == "organisation":
            kwargs["queryset"] = Organisation.objects.order_by("name")
        return super().formfield_for_dbfield(db_field, **kwargs)

    def get_urlpatterns(self) -> list:
        return [
            *super().get_urlpatterns(),
            path("retention/", ContactRetentionView.as_view(), name="retention"),
            path("erase/<int:pk>/", ContactEraseView.as_view(), name="erase"),
        ]


class RetentionLinkViewSet(LinkViewSet):
    name = "network_retention"
    icon = "warning"
    menu_label = gettext_lazy("Personal data review")
    url_name = "network_contact:retention"
    action = "network.contacts.view"
