"""The admin's chrome and its search.

- The admin search: its page, and the search area that sends the sidebar's and the dashboard's
  search box to it (before Wagtail's page search, which only page editors may use).
- The association's own help menu, without Wagtail's links to its release notes and editor guide on
  wagtail.org (the admin is branded as the association's; see the admin_base template).
- The listings' layout and the country picker (`core.forms.CountryMultiSelect`) on every admin page,
  so that forms Wagtail inserts later (the filter drawer) are enhanced too."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.search import SearchArea

from core.search_views import AdminSearchView

# Wagtail's help menu entries that lead to wagtail.org.
WAGTAIL_HELP_LINKS = ("editor-guide", "whats-new-in-wagtail-")


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


@hooks.register("construct_help_menu")
def drop_wagtail_help_links(request: HttpRequest, menu_items: list[Any]) -> None:
    menu_items[:] = [item for item in menu_items if not item.name.startswith(WAGTAIL_HELP_LINKS)]


@hooks.register("insert_global_admin_css")
def admin_css() -> str:
    return format_html(
        '<link rel="stylesheet" href="{}"><link rel="stylesheet" href="{}">',
        static("core/css/admin.css"),
        static("core/css/country-picker.css"),
    )


@hooks.register("insert_global_admin_js")
def country_picker_js() -> str:
    return format_html('<script src="{}" defer></script>', static("core/js/country-picker.js"))
