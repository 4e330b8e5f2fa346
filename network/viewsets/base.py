"""What the Network menu's viewsets share beyond `core.admin`: filters by programme region and
country, and menu entries shown by permission and role."""

from __future__ import annotations

from typing import Any

import django_filters
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from accounts.access import may
from core.forms import CountryMultiSelect
from network.models import (
    Country,
    ProgrammeRegion,
)


def region_filter(path: str) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        field_name=path, choices=ProgrammeRegion.choices, label=gettext_lazy("Programme region")
    )


def country_filter(path: str, **kwargs: Any) -> django_filters.ModelMultipleChoiceFilter:
    """A list's country filter: one or several countries, chosen in the searchable country picker."""
    return django_filters.ModelMultipleChoiceFilter(
        field_name=path,
        queryset=Country.objects.order_by("name"),
        label=kwargs.pop("label", gettext_lazy("Country")),
        widget=CountryMultiSelect,
        **kwargs,
    )


class StaffMenuItem(MenuItem):
    """A menu entry shown to admin users who may do `action` (`accounts.access.may`)."""

    def __init__(self, *args: Any, action: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.action = action

    def is_shown(self, request: HttpRequest) -> bool:
        user = request.user
        return user.has_perm("wagtailadmin.access_admin") and may(user, self.action)


class LinkViewSet(ViewSet):
    """A menu entry in the Network group for a page another viewset serves."""

    url_name = ""
    action = ""

    @cached_property
    def menu_url(self) -> str:
        return reverse(self.url_name)

    def get_menu_item(self, order: int | None = None) -> MenuItem:
        return StaffMenuItem(
            label=self.menu_label,
            url=self.menu_url,
            name=self.name,
            icon_name=self.menu_icon,
            order=self.get_menu_item_order(order),
            action=self.action,
        )
