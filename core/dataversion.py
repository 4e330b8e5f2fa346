"""A data version every write bumps, shared by all processes through the cache.

Cached aggregates (dashboards, public facts, directory, map) put `current()` in their cache keys:
after any write to the registry, lifecycle or reports models the version changes, so the next
read recomputes, in every web process at once. Saves, deletes and many-to-many changes bump it
through signals; code that writes with `QuerySet.update()` or `bulk_create()` calls `bump()`.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

KEY = "core:data-version"
# Apps whose writes change what dashboards and public pages show.
TRACKED_APPS = {"network", "onboarding", "reports"}


def current() -> int:
    version = cache.get(KEY)
    if version is None:
        cache.add(KEY, 1, timeout=None)
        version = cache.get(KEY, 1)
    return int(version)


def bump() -> None:
    """Mark every cached aggregate stale (now, and again after the surrounding commit)."""
    _bump_now()
    # A reader between the write and the commit may cache old data under the new version;
    # bumping again after commit makes sure that entry is never used.
    transaction.on_commit(_bump_now)


def _bump_now() -> None:
    try:
        cache.incr(KEY)
    except ValueError:
        cache.set(KEY, 2, timeout=None)


def _on_write(sender: Any, **kwargs: Any) -> None:
    if getattr(sender._meta, "app_label", None) in TRACKED_APPS:
        bump()


def connect_signals() -> None:
    post_save.connect(_on_write, dispatch_uid="core.dataversion.save")
    post_delete.connect(_on_write, dispatch_uid="core.dataversion.delete")
    m2m_changed.connect(_on_write, dispatch_uid="core.dataversion.m2m")
