"""`{% cached_sidebar_props %}`: Wagtail's `{% sidebar_props %}`, cached per user (`core.admin_sidebar`)."""

from __future__ import annotations

from typing import Any

from django import template

from core import admin_sidebar

register = template.Library()

# Roles and permissions changes bump the sidebar version in every process that renders the admin.
admin_sidebar.connect_signals()


@register.simple_tag(takes_context=True)
def cached_sidebar_props(context: Any) -> str:
    return admin_sidebar.sidebar_props(context)
