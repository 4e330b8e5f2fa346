"""Build once per parallel run what every worker would otherwise build again.

Migrations: the first pytest-xdist worker to create its test database runs them (about twenty
seconds of CPU, mostly Django rendering model states) and keeps a copy of the result; every other
worker starts from that copy instead of migrating again. SQLite: the copy is a database file beside
the run's other temporary files, restored into the worker's in-memory database with SQLite's backup
API. PostgreSQL: the copy is a template database, and each other worker's test database is created
from it; the controller drops it at the end of the run. Only `migrate` is replaced; everything
Django does after it (the cache table, the data kept for `serialized_rollback`) runs in every
worker as before. On SQLite that copy also puts the migrated data back before a transactional test
(`_restore_by_copy`), instead of Django inserting it again row by row.

Data sets (`database_with`): the demo network, the security world and the public site's pages take
seconds to build, and several modules on each worker need them. On SQLite under pytest-xdist the first
module to need one builds it and keeps a copy of the whole database (and of what the builder
returned); later ones restore that copy, and the database is put back as it was when they finish.
Elsewhere (PostgreSQL, or a serial run) each builds it inside a transaction that is rolled back.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import shutil
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
    _restore_by_copy()


def _restore_by_copy() -> None:
    """SQLite: the migrated data a transactional test starts from (Django inserts it again, row by row,
    from the text it serialized after creating the test database: about 0.3 s a test) is put back from
    the run's copy of the migrated database instead, the same rows in a few milliseconds. The database
    a worker serialized is that copy (it migrated or restored it, and nothing has written since), so
    only that text is put back this way; any other goes through Django."""
    from django.db.backends.sqlite3.creation import DatabaseCreation

    original = DatabaseCreation.deserialize_db_from_string

    def deserialize_db_from_string(self: Any, data: str) -> None:
        snapshot = _path(self.connection.alias, ".sqlite3")
        if data is not getattr(self.connection, "_test_serialized_contents", None) or not snapshot.exists():
            return original(self, data)
        self.connection.ensure_connection()
        with sqlite3.connect(snapshot) as source:
            source.backup(self.connection.connection)
        return None

    DatabaseCreation.deserialize_db_from_string = deserialize_db_from_string


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
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


# -- data sets built once per run -------------------------------------------------------------------------
def _copies_data(connection: Any) -> bool:
    """Whether data sets are copied between the modules and workers of this run: SQLite's in-memory
    test database under pytest-xdist."""
    return bool(_run() and os.environ.get("PYTEST_XDIST_WORKER")) and connection.vendor == "sqlite"


def files_root(default: Path) -> Path:
    """Where data sets keep their uploaded files: one folder for the whole run when data sets are
    copied (every copy refers to the same files), else `default`."""
    from django.db import connection

    return _path("data", "-files") if _copies_data(connection) else default


@contextmanager
def database_with[T](name: str, build: Callable[[], T]) -> Iterator[T]:
    """The database holds the data set `name` (what `build` writes) and yields what `build` returned;
    afterwards the database is as it was. Outside any test transaction (in a module fixture)."""
    from django.db import connection, transaction

    if not _copies_data(connection):
        with transaction.atomic():
            try:
                yield build()
            finally:
                transaction.set_rollback(True)
        return
    connection.ensure_connection()
    before = sqlite3.connect(":memory:")
    connection.connection.backup(before)
    try:
        yield data_set(name, build)
    finally:
        connection.ensure_connection()
        before.backup(connection.connection)
        before.close()


def data_set[T](name: str, build: Callable[[], T]) -> T:
    """Write the data set `name` (what `build` writes) into the database, or restore the run's copy of
    it, replacing what the database held; what `build` returned. Outside any transaction (inside the
    `build` of another data set, or in a transactional test, which empties the database afterwards)."""
    from django.db import connection

    if not _copies_data(connection):
        return build()
    connection.ensure_connection()
    snapshot, returned = _path(f"data-{name}", ".sqlite3"), _path(f"data-{name}", ".pickle")
    with _locked(f"data-{name}"):
        if snapshot.exists():
            with sqlite3.connect(snapshot) as source:
                source.backup(connection.connection)
            return pickle.loads(returned.read_bytes())  # noqa: S301 (written by this run, above)
        built = build()
        partial = snapshot.with_suffix(".partial")
        with sqlite3.connect(partial) as target:
            connection.connection.backup(target)
        returned.write_bytes(pickle.dumps(built))
        partial.rename(snapshot)
        return built
