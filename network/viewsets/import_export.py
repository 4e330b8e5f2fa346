"""The network workbook's entry in the Network menu (export; import after a preview)."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from network.viewsets.base import StaffMenuItem


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
            action="network.workbook",
        )
