"""Dashboard content in the shared cache, keyed by everything it depends on.

An entry is stored under the code version, the dashboard, the filters (period and scope), the
user's access scope, the language and the day, together with the data version it was built from
(`core.dataversion.current()`, bumped by every write to the registry, lifecycle and reports models).
One cache read fetches the current version and the entry: an entry of an older version is stale
and is rebuilt, so a write shows at once in every process (the cache is shared). A repeated load
with the same key does no query for data and no aggregation. Entries also expire after `TIMEOUT`
seconds, because "today" figures (days in stage) move with the clock.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from accounts.access import has_role
from accounts.roles import Role
from core import cacheversion, dataversion
from reports.scope import Period, Scope, period_key, scope_key

TIMEOUT = 15 * 60
# What builds a dashboard (Python, templates, labels): a deployment never serves entries of the old code.
_CODE_FOLDERS = ("reports", "network", "onboarding", "locale")
_CODE_SUFFIXES = {".py", ".html", ".mo"}


@functools.cache
def code_version() -> str:
    base = Path(settings.BASE_DIR)
    return cacheversion.code_fingerprint(cacheversion.files_under(base, _CODE_FOLDERS, _CODE_SUFFIXES), base=base)


def access_scope(user: Any) -> str:
    """What the user may see, as far as the dashboards' frames go. Network staff (and superusers)
    see the whole network in every frame, so they share entries; any other user, whose view
    `visible_to` may narrow (a reviewer sees the dossiers assigned to them), gets entries of their own."""
    if has_role(user, Role.NETWORK_STAFF):
        return "network"
    return f"user-{user.pk}"


def dashboard_key(*, slug: str, period: Period | None, scope: Scope | None, user: Any, today: date) -> str:
    filters = hashlib.sha256(f"{period_key(period)}|{scope_key(scope)}".encode()).hexdigest()[:24]
    parts = [
        "reports:dashboard",
        code_version(),
        slug,
        access_scope(user),
        translation.get_language() or "",
        today.isoformat(),
        filters,
    ]
    return ":".join(parts)


def cached[T](key: str, build: Callable[[], T]) -> T:
    """The value stored under `key` for the current data version, else `build()` (then stored)."""
    found = cache.get_many([dataversion.KEY, key])
    version = found.get(dataversion.KEY)
    if version is None:
        version = dataversion.current()
    entry = found.get(key)
    if entry is not None and entry[0] == version:
        return entry[1]
    value = build()
    cache.set(key, (version, value), TIMEOUT)
    return value
