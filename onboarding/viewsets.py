"""Wagtail admin listings and edit forms for onboarding records (registered in wagtail_hooks).

The generic views are narrowed to `visible_to(user)`, join what their columns show (so a listing
costs the same number of queries for 5 rows or 500), and return to a `next` page when given one
(e.g. back to the roundtable or candidate page that linked to the form).
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from core.admin import ScopedExportMixin
from core.audit import VisibleHistoryMixin
from core.contributed_fields import ContributedFieldsMixin, ContributedFieldsObjectList, ContributedFieldsPanel
from core.dates import natural_date, past_due_problem
from network.forms import time_zone_field
from onboarding.models import (
    ActionItem,
    Agreement,
    ChecklistTemplate,
    CountryAssessment,
    Interaction,
    Roundtable,
    RoundtableParticipant,
)


def date_column(name: str, label: Any) -> Column:
    """A sortable date shown as a date (Wagtail's DateColumn says "just now" for dates in the future):
    `core.dates.natural_date` for days, the local date and time for moments."""

    def value(instance: Any) -> str:
        day = getattr(instance, name)
        if day is None:
            return "—"
        if hasattr(day, "tzinfo"):
            return formats.date_format(timezone.localtime(day), "DATETIME_FORMAT")
        return natural_date(day)

    return Column(name, label=label, accessor=value, sort_key=name)


def _next_url(request: Any) -> str | None:
    candidate = request.GET.get("next") or request.POST.get("next")
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}):
        return candidate
    return None


class ScopedIndexView(ScopedExportMixin, generic.IndexView):
    related: tuple[str, ...] = ()

    def get_base_queryset(self) -> models.QuerySet:
        queryset = self.model.objects.visible_to(self.request.user)
        return queryset.select_related(*self.related) if self.related else queryset


class ScopedObjectMixin:
    def get_queryset(self) -> models.QuerySet:
        return self.model.objects.visible_to(self.request.user)


class ReturningCreateView(generic.CreateView):
    """Prefills from the query string (?roundtable=, ?hotline=, ?country=) and returns to ?next=."""

    prefill: tuple[str, ...] = ()

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        for name in self.prefill:
            if value := self.request.GET.get(name):
                initial[name] = value
        return initial

    def get_add_url(self) -> str:
        url = super().get_add_url()
        query = self.request.GET.urlencode()
        return f"{url}{'&' if '?' in url else '?'}{query}" if query else url

    def get_success_url(self) -> str:
        return _next_url(self.request) or super().get_success_url()


class ReturningEditView(ScopedObjectMixin, generic.EditView):
    def get_edit_url(self) -> str:
        url = super().get_edit_url()
        next_url = _next_url(self.request)
        return f"{url}?{self.request.GET.urlencode()}" if next_url else url

    def get_success_url(self) -> str:
        return _next_url(self.request) or super().get_success_url()


class ScopedDeleteView(ScopedObjectMixin, generic.DeleteView):
    def get_success_url(self) -> str:
        return _next_url(self.request) or super().get_success_url()


class ScopedHistoryView(VisibleHistoryMixin, generic.HistoryView):
    """The history of a record, with only the entries the user may read."""


class OnboardingViewSet(ModelViewSet):
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = ScopedIndexView
    history_view_class = ScopedHistoryView
    add_view_class = ReturningCreateView
    edit_view_class = ReturningEditView
    delete_view_class = ScopedDeleteView
    list_per_page = 50
    related: tuple[str, ...] = ()
    prefill: tuple[str, ...] = ()

    def get_index_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_index_view_kwargs(related=self.related, **kwargs)

    def get_add_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_add_view_kwargs(prefill=self.prefill, **kwargs)


# -- Roundtables ------------------------------------------------------------------------------
class RoundtableIndexView(ScopedIndexView):
    def get_edit_url(self, instance: Roundtable) -> str:
        return reverse("onboarding_admin:roundtable", args=[instance.pk])


class RoundtableForm(ContributedFieldsMixin, WagtailAdminModelForm):
    """A roundtable's times are typed and shown on its own clock (its time zone, default the country's);
    other apps may add fields (reports: the grant activities that funded it)."""

    time_zone = time_zone_field(
        label=_("Time zone"), help_text=_("The times above are in this time zone. Empty: the country's main time zone.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.pk:
            self.initial["time_zone"] = instance.zone_name
            for name in ("starts_at", "ends_at"):
                moment = getattr(instance, name)
                self.initial[name] = instance.local(moment).replace(tzinfo=None) if moment else None
        for name in ("starts_at", "ends_at"):
            if name in self.fields:
                self.fields[name].help_text = _("Local time, in the roundtable's time zone.")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        country = data.get("country")
        zone = data.get("time_zone") or (country.zone_name if country else settings.TIME_ZONE)
        data["time_zone"] = zone
        self.instance.time_zone = zone
        for name in ("starts_at", "ends_at"):
            moment = data.get(name)
            if moment is not None:
                wall_clock = timezone.make_naive(moment) if timezone.is_aware(moment) else moment
                data[name] = timezone.make_aware(wall_clock, ZoneInfo(zone))
        return data


class RoundtableViewSet(OnboardingViewSet):
    model = Roundtable
    icon = "group"
    name = "onboarding_roundtables"
    url_prefix = "onboarding/roundtables"
    index_view_class = RoundtableIndexView
    related = ("country", "hotline")
    prefill = ("country", "hotline")
    list_display = [
        "title",
        "code",
        "country",
        "hotline",
        Column("when", accessor="when_label", label=_("When (local time)"), sort_key="starts_at"),
        Column("status", accessor="get_status_display", label=_("Status")),
        Column("format", accessor="get_format_display", label=_("Format")),
    ]
    list_filter = ["status", "format", "country"]
    search_fields = ["title", "venue", "code"]
    ordering = "-starts_at"
    # Other apps may add fields (reports: the grant activities that funded the roundtable).
    edit_handler = ContributedFieldsObjectList(
        [
            FieldPanel("title"),
            FieldRowPanel([FieldPanel("country"), FieldPanel("hotline")]),
            FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
            FieldPanel("time_zone"),
            FieldRowPanel([FieldPanel("format"), FieldPanel("status")]),
            FieldPanel("venue"),
            FieldPanel("agenda"),
            FieldPanel("outcomes"),
            FieldPanel("code"),
            ContributedFieldsPanel(),
        ],
        base_form_class=RoundtableForm,
    )


class ParticipantViewSet(OnboardingViewSet):
    model = RoundtableParticipant
    icon = "user"
    name = "onboarding_participants"
    url_prefix = "onboarding/participants"
    related = ("roundtable__country", "organisation", "contact__organisation")
    prefill = ("roundtable", "organisation", "sector")
    list_display = [
        "organisation",
        "contact",
        Column("sector", accessor="get_sector_display", label=_("Sector")),
        "roundtable",
        Column("status", accessor="get_status_display", label=_("Attendance")),
        "committed",
    ]
    list_filter = ["sector", "status", "committed"]
    panels = [
        FieldPanel("roundtable"),
        FieldRowPanel([FieldPanel("organisation"), FieldPanel("contact")]),
        FieldPanel("sector"),
        FieldRowPanel([FieldPanel("status"), FieldPanel("committed")]),
        FieldPanel("notes"),
    ]


class ActionItemForm(WagtailAdminModelForm):
    """A new action item cannot start overdue (`core.dates.past_due_problem`); a recorded one may be."""

    def clean_due_on(self) -> Any:
        due_on = self.cleaned_data.get("due_on")
        problem = past_due_problem(due_on) if self.instance.pk is None else None
        if problem:
            raise ValidationError(problem)
        return due_on


class ActionItemViewSet(OnboardingViewSet):
    model = ActionItem
    icon = "tasks"
    name = "onboarding_action_items"
    url_prefix = "onboarding/action-items"
    menu_label = _("Action items")
    related = ("roundtable__country", "owner_user", "owner_organisation")
    prefill = ("roundtable",)
    list_display = [
        "title",
        "roundtable",
        Column("owner", accessor="owner_label", label=_("Owner")),
        date_column("due_on", _("Due")),
        Column("status", accessor="get_status_display", label=_("Status")),
        Column("overdue", accessor="overdue_label", label=_("Overdue")),
    ]
    list_filter = ["status", "due_on"]
    search_fields = ["title"]
    ordering = "due_on"
    edit_handler = ObjectList(
        [
            FieldPanel("roundtable"),
            FieldPanel("title"),
            FieldRowPanel([FieldPanel("owner_user"), FieldPanel("owner_organisation")]),
            FieldRowPanel([FieldPanel("due_on"), FieldPanel("status"), FieldPanel("completed_on")]),
            FieldPanel("notes"),
        ],
        base_form_class=ActionItemForm,
    )


# -- Agreements -------------------------------------------------------------------------------
class AgreementIndexView(ScopedIndexView):
    def get_edit_url(self, instance: Agreement) -> str:
        return reverse("onboarding_admin:agreement", args=[instance.pk])


class AgreementViewSet(OnboardingViewSet):
    model = Agreement
    icon = "doc-full"
    name = "onboarding_agreements"
    url_prefix = "onboarding/agreements"
    index_view_class = AgreementIndexView
    related = ("country", "hotline")
    prefill = ("country", "hotline", "kind")
    list_display = [
        "title",
        "reference",
        Column("kind", accessor="get_kind_display", label=_("Kind")),
        "country",
        "hotline",
        Column("status", accessor="status_label", label=_("Status")),
        date_column("signed_on", _("Signed")),
        date_column("expires_on", _("Expires")),
    ]
    list_filter = ["kind", "status", "country"]
    search_fields = ["title", "reference"]
    ordering = "expires_on"
    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("status")]),
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("country"), FieldPanel("hotline")]),
        FieldRowPanel([FieldPanel("signed_on"), FieldPanel("expires_on")]),
        FieldPanel("covers_first_operating_year"),
        InlinePanel("parties", label=_("Parties"), min_num=1),
        FieldPanel("notes"),
        FieldPanel("reference"),
    ]


# -- Assessments and interactions -------------------------------------------------------------
class AssessmentCreateView(ReturningCreateView):
    def save_instance(self) -> CountryAssessment:
        self.form.instance.assessed_by = self.request.user
        return super().save_instance()


class CountryAssessmentViewSet(OnboardingViewSet):
    model = CountryAssessment
    icon = "clipboard-list"
    name = "onboarding_assessments"
    url_prefix = "onboarding/country-assessments"
    add_view_class = AssessmentCreateView
    related = ("country", "assessed_by")
    prefill = ("country",)
    list_display = [
        "country",
        date_column("assessed_on", _("Assessed")),
        Column("overall_rating", accessor="get_overall_rating_display", label=_("Overall rating")),
        Column("average_score", label=_("Average score (1-5)")),
        "on_target_list",
    ]
    list_filter = ["overall_rating", "on_target_list"]
    panels = [
        FieldRowPanel([FieldPanel("country"), FieldPanel("assessed_on")]),
        MultiFieldPanel(
            [FieldPanel(name, help_text=help) for name, _label, help in CountryAssessment.CRITERIA],
            heading=_("Criteria: 1 (poor) to 5 (strong)"),
        ),
        FieldRowPanel([FieldPanel("overall_rating"), FieldPanel("on_target_list")]),
        FieldPanel("summary"),
    ]


class InteractionCreateView(ReturningCreateView):
    def save_instance(self) -> Interaction:
        self.form.instance.recorded_by = self.request.user
        return super().save_instance()


class InteractionViewSet(OnboardingViewSet):
    model = Interaction
    icon = "comment"
    name = "onboarding_interactions"
    url_prefix = "onboarding/interactions"
    add_view_class = InteractionCreateView
    related = ("hotline", "recorded_by")
    prefill = ("hotline", "kind")
    list_display = [
        "subject",
        "hotline",
        Column("kind", accessor="get_kind_display", label=_("Kind")),
        date_column("occurred_on", _("Date")),
        "recorded_by",
    ]
    list_filter = ["kind", "hotline"]
    search_fields = ["subject", "summary"]
    ordering = "-occurred_on"
    panels = [
        FieldRowPanel([FieldPanel("hotline"), FieldPanel("kind"), FieldPanel("occurred_on")]),
        FieldPanel("subject"),
        FieldPanel("summary"),
        FieldPanel("organisations"),
    ]


# -- Checklist templates ----------------------------------------------------------------------
class TemplateIndexView(ScopedIndexView):
    def get_edit_url(self, instance: ChecklistTemplate) -> str:
        return reverse("onboarding_admin:template", args=[instance.pk])

    def get_base_queryset(self) -> models.QuerySet:
        return super().get_base_queryset().annotate(item_count=models.Count("items", distinct=True))


class TemplateCreateView(generic.CreateView):
    """A new checklist (version 1) or, by name, the next version of an existing one, as a draft."""

    def save_instance(self) -> ChecklistTemplate:
        instance = self.form.instance
        latest = ChecklistTemplate.objects.filter(name=instance.name).aggregate(n=models.Max("version"))["n"] or 0
        instance.version = latest + 1
        instance.created_by = self.request.user
        return super().save_instance()

    def get_success_url(self) -> str:
        return reverse("onboarding_admin:template", args=[self.object.pk])


class DraftOnlyMixin:
    """Published and retired versions are frozen: candidates' checklists point at them."""

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        from django.contrib import messages
        from django.core.exceptions import PermissionDenied
        from django.shortcuts import redirect

        # The permission first: only those who may change a template learn whether it is frozen.
        if not self.user_has_permission(self.permission_required):
            raise PermissionDenied
        template = ChecklistTemplate.objects.visible_to(request.user).filter(pk=kwargs.get("pk")).first()
        if template is not None and not template.is_draft:
            messages.error(
                request,
                _("Version %(version)s is %(status)s and cannot change: create a new version to edit.")
                % {"version": template.version, "status": template.get_status_display().lower()},
            )
            return redirect("onboarding_admin:template", template.pk)
        return super().dispatch(request, *args, **kwargs)


class TemplateEditView(DraftOnlyMixin, ReturningEditView):
    def get_success_url(self) -> str:
        return reverse("onboarding_admin:template", args=[self.object.pk])


class TemplateDeleteView(DraftOnlyMixin, ScopedDeleteView):
    pass


class ChecklistTemplateViewSet(OnboardingViewSet):
    model = ChecklistTemplate
    icon = "list-ul"
    name = "onboarding_templates"
    url_prefix = "onboarding/checklist-templates"
    index_view_class = TemplateIndexView
    add_view_class = TemplateCreateView
    edit_view_class = TemplateEditView
    delete_view_class = TemplateDeleteView
    list_display = [
        "name",
        "version",
        Column("purpose", accessor="get_purpose_display", label=_("Purpose")),
        Column("status", accessor="get_status_display", label=_("Status")),
        Column("item_count", label=_("Items")),
        date_column("published_at", _("Published")),
    ]
    list_filter = ["status", "purpose"]
    ordering = ["name", "-version"]
    panels = [
        FieldPanel("name"),
        FieldPanel("purpose"),
        FieldPanel("notes"),
        FieldPanel("resubmission_days"),
        InlinePanel(
            "items",
            label=_("Items"),
            min_num=1,
            panels=[
                FieldRowPanel([FieldPanel("code"), FieldPanel("area")]),
                FieldPanel("title"),
                FieldPanel("guidance"),
                MultiFieldPanel(
                    [FieldPanel("title_fr"), FieldPanel("guidance_fr")],
                    heading=_("In French"),
                    classname="collapsed",
                ),
                MultiFieldPanel(
                    [FieldPanel("title_es"), FieldPanel("guidance_es")],
                    heading=_("In Spanish"),
                    classname="collapsed",
                ),
                FieldRowPanel([FieldPanel("gates_stage"), FieldPanel("due_days"), FieldPanel("evidence_required")]),
                FieldPanel("gate_fact"),
            ],
        ),
    ]


VIEWSETS = [
    RoundtableViewSet(),
    ParticipantViewSet(),
    ActionItemViewSet(),
    AgreementViewSet(),
    CountryAssessmentViewSet(),
    InteractionViewSet(),
    ChecklistTemplateViewSet(),
]
