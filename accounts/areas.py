"""The hotline portal (/portal/) and the donor area (/donors/): shells that apps fill through hooks.

An app adds to an area's home page and navigation by registering Wagtail hooks:

    @hooks.register("portal_home_panels")
    def checklist_panel(request): return [AreaPanel(order=20, template="...", context={...})]

    @hooks.register("portal_menu_items")
    def checklist_menu(request): return [AreaMenuItem(order=20, label=_("Checklist"), url=...)]

(`donor_home_panels` and `donor_menu_items` likewise.) Each hook receives the request of a user
already admitted to the area and must scope its data through `visible_to(request.user)`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from wagtail import hooks

# The staff admin's URL prefix (config/urls.py mounts Wagtail's admin there). Checks of "is this the
# admin" look at the route the URL resolved to, which a SCRIPT_NAME prefix does not change.
ADMIN_ROUTE_PREFIX = "admin/"

PORTAL_PANELS_HOOK = "portal_home_panels"
PORTAL_MENU_HOOK = "portal_menu_items"
DONOR_PANELS_HOOK = "donor_home_panels"
DONOR_MENU_HOOK = "donor_menu_items"


@dataclass(frozen=True)
class AreaPanel:
    order: int
    template: str
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AreaMenuItem:
    order: int
    label: str
    url: str


def collect(hook_name: str, request: HttpRequest) -> list[Any]:
    items: list[Any] = []
    for fn in hooks.get_hooks(hook_name):
        result: Iterable[Any] | None = fn(request)
        if result:
            items.extend(result)
    return sorted(items, key=lambda item: item.order)


def in_staff_admin(request: HttpRequest) -> bool:
    """Whether the request resolved to a view inside the staff admin (after URL resolution)."""
    match = getattr(request, "resolver_match", None)
    return match is not None and match.route.startswith(ADMIN_ROUTE_PREFIX)
