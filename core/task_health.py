"""Whether the background worker keeps up with its queue.

Tasks (donor report generation, workbook imports, email delivery) wait in the database queue
(`django_tasks_db`) until `manage.py db_worker` runs them. When a task that could run has waited
longer than `TASKS_STALE_AFTER_MINUTES`, the worker is stopped or stuck: the admin says so on the
pages whose work waits for it, and `/healthz` reports the `tasks` check as "stalled".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone


@dataclass(frozen=True)
class QueueHealth:
    stalled: bool
    waiting: int = 0
    oldest_queued_at: datetime | None = None

    @property
    def waited_minutes(self) -> int:
        if self.oldest_queued_at is None:
            return 0
        return int((timezone.now() - self.oldest_queued_at).total_seconds() // 60)


def stale_after() -> timedelta:
    return timedelta(minutes=settings.TASKS_STALE_AFTER_MINUTES)


def queue_health(*, now: datetime | None = None) -> QueueHealth:
    """Tasks ready to run that have waited longer than the threshold: two small queries on an index."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    try:
        late = DBTaskResult.objects.ready().filter(enqueued_at__lte=now - stale_after())
        oldest = late.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
        if oldest is None:
            return QueueHealth(stalled=False)
        return QueueHealth(stalled=True, waiting=late.count(), oldest_queued_at=oldest)
    except DatabaseError:
        return QueueHealth(stalled=False)
