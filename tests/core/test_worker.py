"""The task worker survives a locked database and carries on with the queue."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError

from core.management.commands import db_worker

# The worker opens and closes its own transactions and connections, as in production: not inside a
# test's transaction (on PostgreSQL, closing the connection would end the test's).
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_locked_database_does_not_stop_the_worker(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from django_tasks_db.management.commands import db_worker as library

    from core.mail import queue_email
    from core.models import OutgoingEmail
    from core.tasks import deliver_email

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    email = queue_email(to=["someone@example.org"], subject="Queued while locked", body="Hello")
    deliver_email.enqueue(email.pk)

    calls = {"count": 0}
    original = library.exclusive_transaction

    def locked_twice(using: Any = None) -> Any:
        calls["count"] += 1
        if calls["count"] <= 2:
            raise OperationalError("database is locked")
        return original(using)

    monkeypatch.setattr(library, "exclusive_transaction", locked_twice)
    waits: list[float] = []
    monkeypatch.setattr(db_worker.ResilientWorker, "sleep", lambda self, seconds: waits.append(seconds))
    worker = db_worker.ResilientWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    worker.run()
    assert waits == [1.0, 2.0]
    assert OutgoingEmail.objects.get(pk=email.pk).status == OutgoingEmail.Status.SENT


def test_other_database_errors_still_stop_the_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    from django_tasks_db.management.commands import db_worker as library

    def broken(self: Any) -> None:
        raise OperationalError("no such table: django_tasks_db_dbtaskresult")

    monkeypatch.setattr(library.Worker, "run", broken)
    worker = db_worker.ResilientWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    with pytest.raises(OperationalError):
        worker.run()
