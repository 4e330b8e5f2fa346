"""Dashboard content in the shared cache, keyed by everything it depends on.

An entry is stored under the code version, the dashboard, the filters (period and scope), the
user's access scope, the language and the day, together with the versions of the models it was
built from: the tables its queries read (`core.dataversion.tables_read`, joins, subqueries and the
filters' own reads included) and the version a bulk write of every kind moves (`EVERY_MODEL`). The
versions are read before anything else (`reading()`), so a write while the entry is built leaves it
stale; one more cache read fetches the entry, and it is used only while every model it read is at
the version it was built from. So a write shows at once in every process (the cache is shared),
while a write to what a dashboard does not read (a comment on a dossier, a grant's budget for the
capacity dashboard) leaves its entry in use. A repeated load with the same key does no query for
data and no aggregation. Entries also expire after `TIMEOUT` seconds, because "today" figures (days
in stage) move with the clock.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


class Reading:
    """The model versions read first, and the tables read since (see `reading()`)."""

    def __init__(self, versions: dict[str, int], tables: dataversion.TablesRead) -> None:
        self.versions, self.tables = versions, tables

    def cached[T](self, key: str, build: Callable[[], T]) -> T:
        """The value stored under `key` while every model it was built from is unchanged, else `build()`
        (then stored with the versions of the models read, as they were when reading began)."""
        entry = cache.get(key)
        if entry is not None and all(self.versions.get(name, 1) == version for name, version in entry[0].items()):
            return entry[1]
        value = build()
        cache.set(key, ({name: self.versions.get(name, 1) for name in self.tables.version_keys()}, value), TIMEOUT)
        return value


@contextmanager
def reading() -> Iterator[Reading]:
    """Within the block, what builds and keys an entry is read: the model versions first (one cache
    read), then every query's tables are noted."""
    versions = dataversion.model_versions()
    with dataversion.tables_read() as tables:
        yield Reading(versions, tables)
