"""Training: courses, events and who took part (certificates and their expiry)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Count, F, Q, QuerySet
from django.forms.models import modelform_factory
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext, gettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.widgets.button import Button

from core.admin import ScopedInspectView, ScopedViewSet
from core.contributed_fields import ContributedFieldsForm
from core.tables import DayColumn
from network import selectors
from network.models import (
    Analyst,
    Hotline,
    Organisation,
    TrainingCourse,
    TrainingEvent,
    TrainingParticipation,
)
from network.viewsets.base import country_filter, region_filter


class TrainingCourseViewSet(ScopedViewSet):
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
    def list_display(self) -> list:
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


class TrainingEventInspectView(ScopedInspectView):
    @cached_property
    def header_more_buttons(self) -> list:
        roster = reverse("network_event:roster", args=(self.object.pk,))
        return [*super().header_more_buttons, Button(gettext("Roster"), url=roster, icon_name="tick", priority=20)]


class TrainingEventViewSet(ScopedViewSet):
    model = TrainingEvent
    icon = "date"
    menu_label = gettext_lazy("Training events")
    name = "network_event"
    url_prefix = "network/events"
    inspect_view_class = TrainingEventInspectView
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
    def list_display(self) -> list:
        return [
            "code",
            "course",
            "course__kind",
            "starts_on",
            "ends_on",
            Column("place", label=gettext_lazy("Place")),
            TitleColumn(
                "participant_count",
                label=gettext_lazy("Participants"),
                sort_key="participant_count",
                url_name="network_event:roster",
            ),
        ]

    def get_urlpatterns(self) -> list:
        from network import roster_views

        return [
            *super().get_urlpatterns(),
            path("<int:pk>/roster/", roster_views.EventRosterView.as_view(), name="roster"),
            path("<int:pk>/roster/update/", roster_views.EventRosterUpdateView.as_view(), name="roster_update"),
            path("<int:pk>/roster/add/", roster_views.EventRosterAddView.as_view(), name="roster_add"),
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
    event = django_filters.ModelChoiceFilter(
        queryset=TrainingEvent.objects.select_related("course").order_by("-starts_on"), label=gettext_lazy("Event")
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
        fields = ["event", "status", "participant_type"]

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


class TrainingParticipationViewSet(ScopedViewSet):
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
    def list_display(self) -> list:
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
