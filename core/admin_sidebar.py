"""The Wagtail admin's sidebar, cached per user.

Wagtail builds the sidebar on every admin page: every menu item's `is_shown(request)` (permission
checks, page and collection permissions read from the database) and the packing of the whole menu
and its media into JSON. That is most of what a cached admin page costs. What it shows depends only
on who the user is and what they may do, so the JSON is kept in the shared cache under:

- the user (id, names, e-mail, superuser or not), their roles and permissions (read once per request
  anyway by `accounts.backends.load_access`), their Wagtail profile's dismissed items and avatar,
  the language;
- `VERSION_KEY`, bumped whenever a group, a group's permissions, a user's groups or permissions, or a
  group's page or collection permissions change (`connect_signals`): a role change shows in every
  process with the next page;
- a digest of the code that defines the menus (the apps' `wagtail_hooks.py`, translations, Wagtail's
  version), so a deployment never serves an old menu;

and expires after `TIMEOUT` seconds in any case.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import translation
from django.utils.safestring import mark_safe

from core import cacheversion

VERSION_KEY = "core:admin-sidebar-version"
TIMEOUT = 10 * 60
_CODE_SUFFIXES = {".mo"}


@functools.cache
def code_version() -> str:
    import wagtail

    base = Path(settings.BASE_DIR)
    paths = [*base.glob("*/wagtail_hooks.py"), *base.glob("*/viewsets/*.py"), *(base / "locale").rglob("*.mo")]
    return cacheversion.code_fingerprint(sorted(paths), base=base, salt=wagtail.__version__)


def version() -> int:
    return cacheversion.read(VERSION_KEY)


def bump(**_kwargs: Any) -> None:
    """Every cached sidebar is stale (a signal receiver, also called directly)."""
    cacheversion.bump(VERSION_KEY)


def user_digest(user: Any) -> str:
    """What the sidebar shows depends on about the user, from what the request has already read."""
    if user.is_superuser:
        access = "superuser"
    else:
        roles = sorted(getattr(user, "role_names", ()) or ())
        access = "|".join([*roles, "", *sorted(user.get_all_permissions())])
    profile = getattr(user, "wagtail_userprofile", None)
    profile_parts = (
        [repr(sorted((profile.dismissibles or {}).items())), str(profile.avatar or "")] if profile is not None else []
    )
    parts = [str(user.pk), user.get_full_name(), user.get_username(), str(user.is_active), access, *profile_parts]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]


def key_for(user: Any) -> str:
    return ":".join(
        ["core:admin-sidebar", code_version(), str(user.pk), translation.get_language() or "", user_digest(user)]
    )


def sidebar_props(context: Any) -> str:
    """Wagtail's `sidebar_props` for this request's user, from the shared cache when it is current."""
    from wagtail.admin.templatetags.wagtailadmin_tags import sidebar_props as build

    request = context["request"]
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return build(context)
    key = key_for(user)
    found = cache.get_many([VERSION_KEY, key])
    current = found.get(VERSION_KEY)
    if current is None:
        current = version()
    entry = found.get(key)
    if entry is not None and entry[0] == current:
        return mark_safe(entry[1])  # noqa: S308 (Wagtail's json_script output, stored as built)
    html = build(context)
    cache.set(key, (current, str(html)), TIMEOUT)
    return html


_connected = False


def connect_signals() -> None:
    """Bump the version when roles or permissions change (idempotent)."""
    global _connected
    if _connected:
        return
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupCollectionPermission, GroupPagePermission

    user_model = get_user_model()
    for model in (Group, Permission, GroupPagePermission, GroupCollectionPermission):
        post_save.connect(bump, sender=model, dispatch_uid=f"admin-sidebar-save-{model._meta.label}")
        post_delete.connect(bump, sender=model, dispatch_uid=f"admin-sidebar-delete-{model._meta.label}")
    for through in (user_model.groups.through, user_model.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(bump, sender=through, dispatch_uid=f"admin-sidebar-m2m-{through._meta.label}")
    _connected = True
