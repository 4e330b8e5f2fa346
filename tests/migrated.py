"""Migrate once per parallel run: the first pytest-xdist worker to create its test database runs the
migrations (about twenty seconds of CPU, mostly Django rendering model states) and keeps a copy of
the result; every other worker starts from that copy instead of migrating again.

SQLite: the copy is a database file beside the run's other temporary files, restored into the
worker's in-memory database with SQLite's backup API. PostgreSQL: the copy is a template database,
and each other worker's test database is created from it; the controller drops it at the end of
the run. Only `migrate` is replaced; everything Django does after it (the cache table, the data
kept for `serialized_rollback`) runs in every worker as before.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# Named by the controller before it starts the workers (`start`), which inherit its environment.
RUN_VARIABLE = "HOTLINE_TEST_RUN"


def _run() -> str:
    return os.environ.get(RUN_VARIABLE, "")


def _path(alias: str, suffix: str) -> Path:
    return Path(tempfile.gettempdir()) / f"hotline-tests-{_run()}-{alias}{suffix}"


@contextmanager
def _locked(alias: str) -> Iterator[None]:
    with open(_path(alias, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def template_name() -> str:
    return f"test_hotline_migrated_{_run()}"


def _sqlite(connection: Any, migrate: Callable[[], Any]) -> None:
    snapshot = _path(connection.alias, ".sqlite3")
    connection.ensure_connection()
    if snapshot.exists():
        with sqlite3.connect(snapshot) as source:
            source.backup(connection.connection)
        return
    migrate()
    connection.ensure_connection()
    partial = snapshot.with_suffix(".partial")
    with sqlite3.connect(partial) as target:
        connection.connection.backup(target)
    partial.rename(snapshot)


def _postgresql(connection: Any, migrate: Callable[[], Any]) -> None:
    done = _path(connection.alias, ".pg-done")
    name = connection.settings_dict["NAME"]
    template = template_name()
    quote = connection.ops.quote_name
    if done.exists():
        connection.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)}")
            cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(template)}")
        return
    migrate()
    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(template)}")
        cursor.execute(f"CREATE DATABASE {quote(template)} TEMPLATE {quote(name)}")
    done.touch()


def start() -> None:
    """In the controller of a parallel run, before the workers start: name the run."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        os.environ[RUN_VARIABLE] = uuid.uuid4().hex[:12]


def install() -> None:
    """In a pytest-xdist worker: `migrate` (as Django's test database creation calls it) runs once
    per run and database alias, the other workers copy its result."""
    if not _run() or not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    from django.core import management
    from django.db import connections

    original = management.call_command

    def call_command(name: Any, *args: Any, **options: Any) -> Any:
        if name != "migrate" or args:
            return original(name, *args, **options)
        connection = connections[options.get("database", "default")]
        copy = {"sqlite": _sqlite, "postgresql": _postgresql}.get(connection.vendor)
        if copy is None:
            return original(name, *args, **options)
        with _locked(connection.alias):
            copy(connection, lambda: original(name, *args, **options))
        return None

    management.call_command = call_command


def cleanup(unblock: Callable[[], Any]) -> None:
    """In the controller, after the run: remove the copies (`unblock`: pytest-django's permission
    to use the database outside a test)."""
    if not _run() or os.environ.get("PYTEST_XDIST_WORKER"):
        return
    folder = Path(tempfile.gettempdir())
    if any(folder.glob(f"hotline-tests-{_run()}-*.pg-done")):
        from django.db import connections

        connection = connections["default"]
        with unblock(), connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(template_name())}")
    for path in folder.glob(f"hotline-tests-{_run()}-*"):
        path.unlink(missing_ok=True)
