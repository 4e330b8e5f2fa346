"""Registration only: the dashboards' admin URLs and "Dashboards" menu, their permissions in the
group settings, and the "Grants" menu with its audited create/edit/delete actions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from core.contributed_fields import CONTRIBUTED_FIELDS_HOOK, ContributedField
from network.history import AuditedCreateAction, AuditedDeleteAction, AuditedEditAction
from reports import (
    admin_urls,
    home_panels,  # noqa: F401 (registers the grants manager's deadlines panel)
    reminders,  # noqa: F401 (registers the grant deadline reminders)
)
from reports.dashboards import DASHBOARDS, Dashboard
from reports.donor import exports as donor_exports
from reports.donor.viewsets import DonorReportViewSet  # noqa: F401 (adds "Donor reports" to the Grants menu)
from reports.grants.forms import grant_activity_fields
from reports.grants.services import EVENT_LINKS_ACTION
from reports.grants.viewsets import GrantsViewSetGroup
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


@hooks.register("register_admin_urls")
def register_dashboard_urls() -> list:
    return [path("dashboards/", include(admin_urls, namespace="reports_dashboards"))]


class DashboardMenuItem(MenuItem):
    """Shown to users allowed to see the dashboard; its URL is reversed when first rendered."""

    def __init__(self, dashboard: Dashboard, order: int) -> None:
        super().__init__(dashboard.title, "", name=f"dashboard-{dashboard.slug}", icon_name=dashboard.icon, order=order)
        self.dashboard = dashboard

    def is_shown(self, request: HttpRequest) -> bool:
        return request.user.has_perm(self.dashboard.permission)

    def render_component(self, request: HttpRequest) -> Any:
        self.url = reverse("reports_dashboards:dashboard", args=[self.dashboard.slug])
        return super().render_component(request)


@hooks.register("register_admin_menu_item")
def register_dashboards_menu() -> SubmenuMenuItem:
    menu = Menu(items=[DashboardMenuItem(dashboard, index) for index, dashboard in enumerate(DASHBOARDS)])
    return SubmenuMenuItem(_("Dashboards"), menu, name="dashboards", icon_name="view", order=150)


@hooks.register("register_permissions")
def register_dashboard_permissions() -> QuerySet:
    return Permission.objects.filter(content_type__app_label="reports", content_type__model="dashboard")


# -- the Grants menu ------------------------------------------------------------------------------------------

GRANT_MODELS = (Donor, Grant, WorkPackage, Activity, Deliverable, Milestone, Indicator, Risk, BudgetLine)


@hooks.register("register_admin_viewset")
def register_grants_viewsets() -> GrantsViewSetGroup:
    return GrantsViewSetGroup()


@hooks.register(CONTRIBUTED_FIELDS_HOOK)
def register_grant_activity_fields(model: type, instance: Any) -> list[ContributedField]:
    return grant_activity_fields(model, instance)


@hooks.register("register_log_actions")
def register_grant_log_actions(actions: Any) -> None:
    actions.register_action(EVENT_LINKS_ACTION, _("Link events"), _("Events linked to the activity changed"))
    actions.register_action(
        donor_exports.EXPORT_ACTION, _("Download indicator table"), _("Report's indicator table downloaded")
    )


@hooks.register("register_actions")
def register_grants_audited_actions(registry: Any) -> None:
    # The admin's create/edit/delete of donors and grants' rows log the changed fields too.
    for model in GRANT_MODELS:
        registry.register(model, AuditedCreateAction)
        registry.register(model, AuditedEditAction)
        registry.register(model, AuditedDeleteAction)


@hooks.register("register_admin_search_kinds")
def register_search_kinds() -> list:
    from reports.search import search_kinds

    return search_kinds()
