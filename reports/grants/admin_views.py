"""The Grants menu's views (create a grant's row from its page, edit, the grant's page as the hub)
and the base classes of its viewsets, with the grant and donor filters."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.forms.models import modelform_factory
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from wagtail.admin.views.generic.models import CreateView

from core.uploads import private_file_response
from network.viewsets import NetworkEditView, NetworkInspectView, NetworkViewSet
from reports import metrics
from reports.donor import profiles
from reports.grants import selectors as grant_selectors
from reports.grants.forms import GrantChildForm
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


def donor_logo(request: HttpRequest, pk: int) -> HttpResponse:
    """A donor's logo from private storage, for staff who may see the donor (the edit page shows it)."""
    if not request.user.has_perm("reports.view_donor"):
        raise PermissionDenied
    donor = get_object_or_404(Donor.objects.visible_to(request.user), pk=pk)
    if not profiles.logo_exists(donor):
        raise Http404
    return private_file_response(donor.logo_name, download_name=f"donor-{donor.pk}-logo.png", content_type="image/png")


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
