"""The admin search: its page, and the search area that sends the sidebar's and the dashboard's
search box to it (before Wagtail's page search, which only page editors may use)."""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.search import SearchArea

from core.search_views import AdminSearchView


@hooks.register("register_admin_urls")
def register_search_url():
    return [path("search/", AdminSearchView.as_view(), name="core_admin_search")]


class RecordSearchArea(SearchArea):
    def is_active(self, request, current=None):
        return request.path == self.url if current is None else self.name == current


@hooks.register("register_admin_search_area")
def register_record_search_area():
    # Order before Wagtail's "Pages" (100): the sidebar's search box uses the first area shown.
    return RecordSearchArea(_("Everything"), reverse("core_admin_search"), name="records", icon_name="search", order=10)
