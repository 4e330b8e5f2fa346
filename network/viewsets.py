"""The "Network" admin menu: one viewset per registry model, plus the workbook and personal data.

Every view starts from `Model.objects.visible_to(user)`; roles decide which screens a user sees
through Django permissions (declared in `network.apps`). Create, edit and delete go through the
audited actions of `network.history` (registered in `wagtail_hooks`), so each leaves a history
entry with the actor and the changed fields. The lifecycle stage is never in an edit form: the
model marks it non-editable and only the onboarding workflow changes it.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, ProtectedError, Q, QuerySet
from django.forms.models import modelform_factory
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.models import DeleteView, EditView, IndexView, InspectView
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.coreutils import multigetattr
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from accounts.access import has_role
from accounts.roles import Role
from core.audit import VisibleHistoryMixin
from core.contributed_fields import ContributedFieldsForm
from core.spreadsheets import FormulaSafeExportMixin
from core.tables import DayColumn
from network import selectors, services
from network.history import describe_changes
from network.models import (
    Analyst,
    Contact,
    Country,
    Hotline,
    HotlineAnnualProfile,
    HotlineStatistics,
    Organisation,
    ProgrammeRegion,
    Sector,
    TrainingCourse,
    TrainingEvent,
    TrainingParticipation,
)


class TitledPageMixin:
    """Breadcrumbs that end with the page's own title (Wagtail shows only "Home" otherwise)."""

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.get_page_title()}]


# -- views shared by every network viewset -------------------------------------------------------
class OptionalRelationExportMixin:
    """Spreadsheet exports through an optional relation ("country.code" of a row without a country)
    give an empty cell, not an error."""

    list_export: list[str]

    def to_row_dict(self, item: Any) -> dict[str, Any]:
        return {field: optional_path_value(item, field) for field in self.list_export}


def optional_path_value(item: Any, path: str) -> Any:
    parts = path.split(".")
    for depth in range(1, len(parts)):
        if multigetattr(item, ".".join(parts[:depth])) is None:
            return None
    return multigetattr(item, path)


class NetworkIndexView(FormulaSafeExportMixin, OptionalRelationExportMixin, IndexView):
    viewset: NetworkViewSet | None = None

    def get_base_queryset(self) -> QuerySet:
        queryset = self.model._default_manager.visible_to(self.request.user)
        return self.viewset.list_queryset(queryset) if self.viewset else queryset


class ScopedObjectMixin:
    """Edit and delete find the object among those visible to the user (SingleObjectMixin)."""

    def get_queryset(self) -> QuerySet:
        return self.model._default_manager.visible_to(self.request.user)


class NetworkEditView(ScopedObjectMixin, EditView):
    viewset = None


class NetworkDeleteView(ScopedObjectMixin, DeleteView):
    viewset = None

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            return super().form_valid(form)
        except ProtectedError as exc:
            protected = sorted({str(obj._meta.verbose_name_plural) for obj in exc.protected_objects})
            messages.error(
                self.request,
                _("%(object)s cannot be deleted while %(what)s refer to it.")
                % {"object": self.object, "what": ", ".join(protected)},
            )
            return HttpResponseRedirect(self.request.path)


class ChangesColumn(Column):
    cell_template_name = "network/admin/changes_cell.html"

    def get_value(self, instance: Any) -> list:
        return getattr(instance, "change_lines", [])


class NetworkHistoryView(VisibleHistoryMixin, HistoryView):
    """Wagtail's history, with the fields each entry changed (old → new); readers may see it too, but
    only the entries whose record they may see (`core.audit.log_entries_visible_to`)."""

    viewset = None
    any_permission_required = ["add", "change", "delete", "view"]

    def get_base_object_queryset(self) -> QuerySet:
        return self.model._default_manager.visible_to(self.request.user)

    @cached_property
    def columns(self) -> list:
        columns = list(super().columns)
        columns.insert(1, ChangesColumn("changes", label=gettext_lazy("Changes")))
        return columns

    def get_table(self, object_list: Any, **kwargs: Any) -> Any:
        describe_changes(object_list)
        return super().get_table(object_list, **kwargs)


class NetworkInspectView(InspectView):
    viewset = None

    def get_object(self, queryset: Any = None) -> Any:
        return get_object_or_404(self.model._default_manager.visible_to(self.request.user), pk=self.pk)

    @cached_property
    def header_more_buttons(self) -> list:
        buttons = list(super().header_more_buttons)
        if self.viewset is not None:
            from wagtail.admin.widgets.button import Button

            history = reverse(self.viewset.get_url_name("history"), args=(self.object.pk,))
            buttons.append(Button(_("History"), url=history, icon_name="history", priority=30))
        return buttons


class NetworkViewSet(ModelViewSet):
    index_view_class = NetworkIndexView
    edit_view_class = NetworkEditView
    delete_view_class = NetworkDeleteView
    history_view_class = NetworkHistoryView
    inspect_view_class = NetworkInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False
    list_per_page = 50
    list_select_related: tuple[str, ...] = ()

    def list_queryset(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related(*self.list_select_related) if self.list_select_related else queryset

    def get_common_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_common_view_kwargs(viewset=self, **kwargs)


def region_filter(path: str) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        field_name=path, choices=ProgrammeRegion.choices, label=gettext_lazy("Programme region")
    )


def country_filter(path: str, **kwargs: Any) -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        field_name=path, queryset=Country.objects.order_by("name"), label=gettext_lazy("Country"), **kwargs
    )


# -- countries ---------------------------------------------------------------------------------------
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


class CountryViewSet(NetworkViewSet):
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
    def list_display(self) -> list:  # type: ignore[override]
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


class OrganisationViewSet(NetworkViewSet):
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
    def list_display(self) -> list:  # type: ignore[override]
        return [
            "name",
            "type",
            "country",
            "country__programme_region",
            Column("hotline_count", label=gettext_lazy("Hotlines"), sort_key="hotline_count"),
            Column("contact_count", label=gettext_lazy("Contacts"), sort_key="contact_count"),
        ]


# -- contacts and personal data --------------------------------------------------------------------------
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
        if not (has_role(request.user, Role.NETWORK_STAFF) and request.user.has_perm("network.erase_contact")):
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
        if not request.user.has_perm("network.view_contact"):
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
            can_erase=has_role(self.request.user, Role.NETWORK_STAFF)
            and self.request.user.has_perm("network.erase_contact"),
            today=timezone.localdate(),
        )
        return context


class ContactViewSet(NetworkViewSet):
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
    def list_display(self) -> list:  # type: ignore[override]
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


class StaffMenuItem(MenuItem):
    def __init__(self, *args: Any, permission: str, role: Role | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.permission = permission
        self.role = role

    def is_shown(self, request: HttpRequest) -> bool:
        user = request.user
        return user.has_perm(self.permission) and (self.role is None or has_role(user, self.role))


class LinkViewSet(ViewSet):
    """A menu entry in the Network group for a page another viewset serves."""

    url_name = ""
    permission = ""
    role: Role | None = None

    @cached_property
    def menu_url(self) -> str:  # type: ignore[override]
        return reverse(self.url_name)

    def get_menu_item(self, order: int | None = None) -> MenuItem:
        return StaffMenuItem(
            label=self.menu_label,
            url=self.menu_url,
            name=self.name,
            icon_name=self.menu_icon,
            order=self.get_menu_item_order(order),
            permission=self.permission,
            role=self.role,
        )


class RetentionLinkViewSet(LinkViewSet):
    name = "network_retention"
    icon = "warning"
    menu_label = gettext_lazy("Personal data review")
    url_name = "network_contact:retention"
    permission = "network.view_contact"


# -- hotlines ------------------------------------------------------------------------------------------
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


class HotlineInspectView(NetworkInspectView):
    """The hotline page: profile, contacts, analysts, training, statistics over time, history."""

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
            can_view_contacts=user.has_perm("network.view_contact"),
            history_url=reverse("network_hotline:history", args=(self.object.pk,)),
            today=today,
            expiry_cutoff=selectors.expiry_cutoff(today),
        )
        return context


class HotlineViewSet(NetworkViewSet):
    model = Hotline
    icon = "site"
    menu_label = gettext_lazy("Hotlines")
    name = "network_hotline"
    url_prefix = "network/hotlines"
    inspect_view_class = HotlineInspectView
    form_fields = [
        "brand_name",
        "host_organisation",
        "country",
        "countries_served",
        "public_reporting_url",
        "description",
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
    def list_display(self) -> list:  # type: ignore[override]
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


class AnalystViewSet(NetworkViewSet):
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
    def list_display(self) -> list:  # type: ignore[override]
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


# -- training ------------------------------------------------------------------------------------------
class TrainingCourseViewSet(NetworkViewSet):
    model = TrainingCourse
    icon = "doc-full"
    menu_label = gettext_lazy("Training courses")
    name = "network_course"
    url_prefix = "network/courses"
    form_fields = ["title", "kind", "description", "certificate_valid_months"]
    list_filter = ["kind"]
    search_fields = ["title", "description"]
    ordering = ["title"]
    list_export = ["title", "get_kind_display", "certificate_valid_months", "event_count"]
    export_headings = {"get_kind_display": gettext_lazy("Kind"), "event_count": gettext_lazy("Events")}
    export_filename = "training-courses"

    def list_queryset(self, queryset: QuerySet) -> QuerySet:
        return queryset.annotate(event_count=Count("events"))

    @cached_property
    def list_display(self) -> list:  # type: ignore[override]
        return [
            "title",
            "kind",
            "certificate_valid_months",
            Column("event_count", label=gettext_lazy("Events"), sort_key="event_count"),
        ]


class TrainingEventFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(
        field_name="course__kind", choices=TrainingCourse.Kind.choices, label=gettext_lazy("Course kind")
    )
    course = django_filters.ModelChoiceFilter(queryset=TrainingCourse.objects.order_by("title"))
    online = django_filters.BooleanFilter(label=gettext_lazy("Online"))
    country = country_filter("country")
    starts_on = django_filters.DateFromToRangeFilter(label=gettext_lazy("Starts between"))

    class Meta:
        model = TrainingEvent
        fields = ["course", "online"]


class TrainingEventViewSet(NetworkViewSet):
    model = TrainingEvent
    icon = "date"
    menu_label = gettext_lazy("Training events")
    name = "network_event"
    url_prefix = "network/events"
    form_fields = ["code", "course", "title", "starts_on", "ends_on", "online", "city", "country", "provider"]
    list_select_related = ("course", "country")
    filterset_class = TrainingEventFilterSet
    search_fields = ["code", "title", "course__title", "city", "provider"]
    ordering = ["-starts_on"]
    list_export = [
        "code",
        "course.title",
        "course.get_kind_display",
        "title",
        "starts_on",
        "ends_on",
        "place",
        "provider",
        "participant_count",
        "completed_count",
    ]
    export_headings = {
        "course.title": gettext_lazy("Course"),
        "course.get_kind_display": gettext_lazy("Kind"),
        "place": gettext_lazy("Place"),
        "participant_count": gettext_lazy("Participants"),
        "completed_count": gettext_lazy("Completed"),
    }
    export_filename = "training-events"

    def list_queryset(self, queryset: QuerySet) -> QuerySet:
        return (
            super()
            .list_queryset(queryset)
            .annotate(
                participant_count=Count("participations"),
                completed_count=Count("participations", filter=Q(participations__status="completed")),
            )
        )

    @cached_property
    def list_display(self) -> list:  # type: ignore[override]
        return [
            "code",
            "course",
            "course__kind",
            "starts_on",
            "ends_on",
            Column("place", label=gettext_lazy("Place")),
            Column("participant_count", label=gettext_lazy("Participants"), sort_key="participant_count"),
        ]

    def get_form_class(self, for_update: bool = False) -> Any:
        # Other apps may add fields (reports: the grant activities that funded the event).
        form_class = modelform_factory(
            self.model,
            form=ContributedFieldsForm,
            fields=self.form_fields,
            formfield_callback=self.formfield_for_dbfield,
        )
        form_class.base_fields["code"].required = False
        return form_class


class ParticipationFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(
        field_name="event__course__kind", choices=TrainingCourse.Kind.choices, label=gettext_lazy("Course kind")
    )
    status = django_filters.ChoiceFilter(choices=TrainingParticipation.Status.choices)
    participant_type = django_filters.ChoiceFilter(choices=TrainingParticipation.ParticipantType.choices)
    region = region_filter("analyst__hotline__country__programme_region")
    hotline = django_filters.ModelChoiceFilter(
        field_name="analyst__hotline", queryset=Hotline.objects.order_by("brand_name"), label=gettext_lazy("Hotline")
    )
    expiring = django_filters.BooleanFilter(
        label=gettext_lazy("Certificate expires within 90 days"), method="filter_expiring"
    )

    class Meta:
        model = TrainingParticipation
        fields = ["status", "participant_type"]

    def filter_expiring(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        expiring = queryset.certificates_expiring(within_days=selectors.EXPIRY_WINDOW_DAYS)
        return expiring if value else queryset.exclude(pk__in=expiring.values("pk"))


class ParticipationForm(forms.ModelForm):
    """The admin form: a certificate's expiry follows from the course's validity when left empty."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        certified, event = data.get("certified_on"), data.get("event")
        if certified and not data.get("certificate_expires_on") and event:
            expiry = event.course.certificate_expiry(certified)
            if expiry is not None:
                data["certificate_expires_on"] = self.instance.certificate_expires_on = expiry
        return data


class TrainingParticipationViewSet(NetworkViewSet):
    model = TrainingParticipation
    icon = "tick"
    menu_label = gettext_lazy("Training participation")
    name = "network_participation"
    url_prefix = "network/participations"
    form_fields = [
        "event",
        "participant_type",
        "analyst",
        "reference",
        "organisation",
        "status",
        "certified_on",
        "certificate_expires_on",
    ]
    list_select_related = ("analyst__hotline", "event__course", "organisation")
    filterset_class = ParticipationFilterSet
    search_fields = ["analyst__code", "reference", "event__code", "event__title", "event__course__title"]
    ordering = ["-event__starts_on"]
    list_export = [
        "event.code",
        "event.course.title",
        "event.course.get_kind_display",
        "participant_label",
        "get_participant_type_display",
        "hotline_name",
        "get_status_display",
        "certified_on",
        "certificate_expires_on",
    ]
    export_headings = {
        "event.code": gettext_lazy("Event"),
        "event.course.title": gettext_lazy("Course"),
        "event.course.get_kind_display": gettext_lazy("Kind"),
        "participant_label": gettext_lazy("Participant"),
        "get_participant_type_display": gettext_lazy("Participant type"),
        "hotline_name": gettext_lazy("Hotline"),
        "get_status_display": gettext_lazy("Status"),
    }
    export_filename = "training-participation"

    def list_queryset(self, queryset: QuerySet) -> QuerySet:
        # Participants who are not analysts (police officers, partners) have no hotline: an empty cell.
        return super().list_queryset(queryset).annotate(hotline_name=F("analyst__hotline__brand_name"))

    @cached_property
    def list_display(self) -> list:  # type: ignore[override]
        return [
            Column("participant_label", label=gettext_lazy("Participant")),
            Column("analyst__hotline", label=gettext_lazy("Hotline"), accessor="analyst.hotline"),
            "event",
            "participant_type",
            "status",
            DayColumn("certified_on", label=gettext_lazy("Certified on"), sort_key="certified_on"),
            DayColumn(
                "certificate_expires_on", label=gettext_lazy("Certificate expires"), sort_key="certificate_expires_on"
            ),
        ]

    def get_form_class(self, for_update: bool = False) -> Any:
        base = super().get_form_class(for_update)
        return type(f"Audited{base.__name__}", (ParticipationForm, base), {})

    def formfield_for_dbfield(self, db_field: Any, **kwargs: Any) -> Any:
        if db_field.name == "analyst":
            kwargs["queryset"] = Analyst.objects.select_related("hotline").order_by("hotline__brand_name", "code")
        elif db_field.name == "event":
            kwargs["queryset"] = TrainingEvent.objects.select_related("course").order_by("-starts_on")
        elif db_field.name == "organisation":
            kwargs["queryset"] = Organisation.objects.order_by("name")
        return super().formfield_for_dbfield(db_field, **kwargs)


# -- capacity and statistics -------------------------------------------------------------------------------
class AnnualProfileFilterSet(WagtailFilterSet):
    year = django_filters.NumberFilter()
    region = region_filter("hotline__country__programme_region")
    country = country_filter("hotline__country")
    welfare_policy = django_filters.BooleanFilter(label=gettext_lazy("Welfare policy in place"))
    psychological_support = django_filters.ChoiceFilter(choices=HotlineAnnualProfile.PsychologicalSupport.choices)

    class Meta:
        model = HotlineAnnualProfile
        fields = ["year", "welfare_policy"]


class HotlineAnnualProfileViewSet(NetworkViewSet):
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


class HotlineStatisticsViewSet(NetworkViewSet):
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


# -- the network workbook ------------------------------------------------------------------------------
class WorkbookViewSet(ViewSet):
    """Export the whole network workbook; import one after a preview (network staff only)."""

    name = "network_workbook"
    url_prefix = "network/workbook"
    icon = "download"
    menu_label = gettext_lazy("Import / export")

    def get_urlpatterns(self) -> list:
        from network import admin_views

        return [
            path("", admin_views.WorkbookImportView.as_view(), name="index"),
            path("runs/<int:pk>/", admin_views.WorkbookJobView.as_view(), name="job"),
            path("runs/<int:pk>/import/", admin_views.WorkbookConfirmView.as_view(), name="confirm"),
            path("export/", admin_views.workbook_export, name="export"),
        ]

    def get_menu_item(self, order: int | None = None) -> MenuItem:
        return StaffMenuItem(
            label=self.menu_label,
            url=self.menu_url,
            name=self.name,
            icon_name=self.menu_icon,
            order=self.get_menu_item_order(order),
            permission="wagtailadmin.access_admin",
            role=Role.NETWORK_STAFF,
        )


class NetworkViewSetGroup(ViewSetGroup):
    menu_label = gettext_lazy("Network")
    menu_icon = "globe"
    menu_order = 200
    # Other apps may add entries to this menu with `@hooks.register("register_network_menu_item")`.
    submenu_hook = "register_network_menu_item"
    items = (
        HotlineViewSet,
        OrganisationViewSet,
        ContactViewSet,
        CountryViewSet,
        AnalystViewSet,
        TrainingCourseViewSet,
        TrainingEventViewSet,
        TrainingParticipationViewSet,
        HotlineAnnualProfileViewSet,
        HotlineStatisticsViewSet,
        RetentionLinkViewSet,
        WorkbookViewSet,
    )
