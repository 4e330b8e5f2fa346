"""The admin's chrome: the association's own help menu, without Wagtail's links to its release notes and
editor guide on wagtail.org (the admin is branded as the association's; see the admin_base template)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from wagtail import hooks

# Wagtail's help menu entries that lead to wagtail.org.
WAGTAIL_HELP_LINKS = ("editor-guide", "whats-new-in-wagtail-")


@hooks.register("construct_help_menu")
def drop_wagtail_help_links(request: HttpRequest, menu_items: list[Any]) -> None:
    menu_items[:] = [item for item in menu_items if not item.name.startswith(WAGTAIL_HELP_LINKS)]
