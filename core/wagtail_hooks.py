"""The admin's chrome: the association's own help menu, without Wagtail's links to its release notes and
editor guide on wagtail.org (the admin is branded as the association's; see the admin_base template);
the listings' layout and the country picker (`core.forms.CountryMultiSelect`) on every admin page, so
that forms Wagtail inserts later (the filter drawer) are enhanced too."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks

# Wagtail's help menu entries that lead to wagtail.org.
WAGTAIL_HELP_LINKS = ("editor-guide", "whats-new-in-wagtail-")


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
