"""`manage.py db_worker`, django-tasks-db's worker made to survive a locked database.

On SQLite a long write by another process (an import, a migration) can outlast the busy timeout;
the library's worker then dies on "database is locked" when it opens its claiming transaction, and
queued work (donor reports, emails) waits for nobody. This worker logs the error, closes its
connection, waits (1 s, doubling up to 30 s) and carries on. Any other error still stops it.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import OperationalError, close_old_connections
from django_tasks_db.management.commands import db_worker
from django_tasks_db.utils import is_locked_database_exception

logger = logging.getLogger("django_tasks_db")

MAX_WAIT_SECONDS = 30.0


class ResilientWorker(db_worker.Worker):
    def run(self) -> None:
        wait = 1.0
        while self.running:
            try:
                super().run()
                return
            except OperationalError as exc:
                if not is_locked_database_exception(exc):
                    raise
                logger.warning("The database is locked; the worker waits %.0f s and carries on.", wait)
                close_old_connections()
                self.sleep(wait)
                wait = min(wait * 2, MAX_WAIT_SECONDS)

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class Command(db_worker.Command):
    help = db_worker.Command.help + " (retrying when the database is locked)"

    def handle(self, *args: Any, **options: Any) -> None:
        original = db_worker.Worker
        db_worker.Worker = ResilientWorker
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = original
