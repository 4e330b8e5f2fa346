"""Data versions every write bumps, shared by all processes through the cache.

`KEY`, the general version (`current()`), is bumped by every write to the registry, lifecycle and
reports models: a reader that depends on all of them may key by it. The readers of this project key
by narrower versions, so that a write elsewhere leaves them cached: the public site by topic, the
dashboards by model (below).

A topic is a narrower version for readers that only read some models: the app that reads them
declares the topic with `track(topic, model labels)` (the public site declares "registry", the
models its pages read), and a write bumps a topic only when it touches one of its models. So a
reviewer's comment on a dossier leaves the public pages' cache alone, while a suspended hotline
still reaches the directory with the next request.

Each written model also has a version of its own (`model_key`), and naming no model moves one more
(`EVERY_MODEL`): a reader that records which tables it read (`tables_read`, the dashboards) keeps its
entry under the versions of those models alone (`model_versions`), so a comment on a dossier leaves a
capacity dashboard cached while a new analyst rebuilds it.

Saves, deletes and many-to-many changes bump through signals; code that writes with
`QuerySet.update()`, `bulk_create()` or `bulk_update()` calls `bump(Model, ...)` with the models it
wrote (or `bump()` without arguments, which marks every topic stale): a reader kept by model sees no
other write in its place. A long run of writes that
nothing reads meanwhile (the demo's hundreds of service calls) runs inside `deferred()`: its bumps
are noted and made once, for every model written, when it ends.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db import connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from core import cacheversion

KEY = "core:data-version"
# Apps whose writes change what dashboards and public pages show.
TRACKED_APPS = {"network", "onboarding", "reports"}

# topic -> labels ("app_label.ModelName") of the models whose writes change it.
_topics: dict[str, frozenset[str]] = {}


def topic_key(topic: str) -> str:
    return f"{KEY}:{topic}"


def track(topic: str, labels: set[str] | frozenset[str] | tuple[str, ...]) -> None:
    """Declare (or extend) a topic: writes to any of these models bump it."""
    _topics[topic] = _topics.get(topic, frozenset()) | frozenset(labels)


def topics() -> tuple[str, ...]:
    return tuple(sorted(_topics))


def topic_models(topic: str) -> frozenset[str]:
    return _topics.get(topic, frozenset())


def current(topic: str | None = None) -> int:
    return cacheversion.read(KEY if topic is None else topic_key(topic))


def versions(found: dict[str, Any], names: tuple[str, ...]) -> tuple[int, ...]:
    """The versions of these topics, from entries already read with `cache.get_many`
    (a topic never bumped yet is read on its own)."""
    out = []
    for name in names:
        value = found.get(topic_key(name))
        out.append(int(value) if value is not None else current(name))
    return tuple(out)


def _keys_for(labels: tuple[str, ...] | None) -> list[str]:
    if labels is None:
        return [KEY, *(topic_key(name) for name in _topics), EVERY_MODEL]
    keys = [KEY]
    for name, models in _topics.items():
        if models.intersection(labels):
            keys.append(topic_key(name))
    keys.extend(model_key(label) for label in labels)
    return keys


# -- Versions per model ----------------------------------------------------------------------------------
# Moved by a bump that names no model (a bulk write of many kinds): every entry kept by model is stale.
EVERY_MODEL = f"{KEY}:model:*"


def model_key(label: str) -> str:
    return f"{KEY}:model:{label}"


@functools.cache
def _labels_by_table() -> dict[str, str]:
    """{database table: "app.Model"} of the tracked apps' models, many-to-many tables included."""
    return {
        model._meta.db_table: model._meta.label
        for app_label in sorted(TRACKED_APPS)
        for model in apps.get_app_config(app_label).get_models(include_auto_created=True)
    }


def model_versions() -> dict[str, int]:
    """The version of every tracked model and `EVERY_MODEL`, by key, in one cache read (1 for a model
    never written since the cache was emptied, as `cacheversion.read` starts)."""
    keys = [EVERY_MODEL, *(model_key(label) for label in _labels_by_table().values())]
    found = cache.get_many(keys)
    return {key: int(found.get(key, 1)) for key in keys}


# A quoted name in the SQL Django writes ("network_hotline"), on SQLite and PostgreSQL alike.
_QUOTED = re.compile(r'"([A-Za-z0-9_]+)"')


class TablesRead:
    """Records the tracked models whose tables the queries run on a connection name (see `tables_read`)."""

    def __init__(self) -> None:
        self.labels: set[str] = set()

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        tables = _labels_by_table()
        self.labels.update(tables[name] for name in _QUOTED.findall(sql) if name in tables)
        return execute(sql, params, many, context)

    def version_keys(self) -> Iterable[str]:
        return [EVERY_MODEL, *(model_key(label) for label in sorted(self.labels))]


@contextmanager
def tables_read(using: str = "default") -> Iterator[TablesRead]:
    """The tracked models read by the queries run within the block (joins and subqueries included)."""
    read = TablesRead()
    with connections[using].execute_wrapper(read):
        yield read


def bump(*models: Any) -> None:
    """Mark cached data stale (now, and again after the surrounding commit): the general version
    and the topics that read these models (a model class, instance or "app.Model" label); with no
    model, every topic."""
    labels = tuple(m if isinstance(m, str) else m._meta.label for m in models) if models else None
    pending = getattr(_deferring, "labels", None)
    if pending is not None:
        pending.add(labels)
        return
    keys = _keys_for(labels)
    _bump_now(keys)
    # A reader between the write and the commit may cache old data under the new version;
    # bumping again after commit makes sure that entry is never used.
    transaction.on_commit(lambda: _bump_now(keys))


_deferring = threading.local()


@contextmanager
def deferred() -> Iterator[None]:
    """Within the block, bumps are noted instead of made; when it ends (even by an error), the
    versions of every model written are bumped once. For a long run of writes nothing reads
    meanwhile; a nested block leaves the bumping to the outer one."""
    if getattr(_deferring, "labels", None) is not None:
        yield
        return
    _deferring.labels = set()
    try:
        yield
    finally:
        pending, _deferring.labels = _deferring.labels, None
        if None in pending:
            bump()
        elif pending:
            bump(*sorted({label for labels in pending for label in labels}))


def _bump_now(keys: list[str]) -> None:
    for key in keys:
        cacheversion.bump(key)


def _on_write(sender: Any, **kwargs: Any) -> None:
    meta = getattr(sender, "_meta", None)
    if meta is None or sender.__module__ == "__fake__":
        return
    if meta.app_label in TRACKED_APPS or any(meta.label in models for models in _topics.values()):
        bump(meta.label)


def connect_signals() -> None:
    post_save.connect(_on_write, dispatch_uid="core.dataversion.save")
    post_delete.connect(_on_write, dispatch_uid="core.dataversion.delete")
    m2m_changed.connect(_on_write, dispatch_uid="core.dataversion.m2m")
