"""Data versions every write bumps, shared by all processes through the cache.

`KEY` is bumped by every write to the registry, lifecycle and reports models: cached aggregates
(dashboards) put `current()` in their cache keys, so after any write the next read recomputes, in
every web process at once.

A topic is a narrower version for readers that only read some models: the app that reads them
declares the topic with `track(topic, model labels)` (the public site declares "registry", the
models its pages read), and a write bumps a topic only when it touches one of its models. So a
reviewer's comment on a dossier leaves the public pages' cache alone, while a suspended hotline
still reaches the directory with the next request.

Saves, deletes and many-to-many changes bump through signals; code that writes with
`QuerySet.update()`, `bulk_create()` or `bulk_update()` calls `bump(Model, ...)` with the models it
wrote (or `bump()` without arguments, which marks every topic stale). A long run of writes that
nothing reads meanwhile (the demo's hundreds of service calls) runs inside `deferred()`: its bumps
are noted and made once, for every model written, when it ends.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
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
        return [KEY, *(topic_key(name) for name in _topics)]
    keys = [KEY]
    for name, models in _topics.items():
        if models.intersection(labels):
            keys.append(topic_key(name))
    return keys


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
