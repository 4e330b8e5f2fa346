from __future__ import annotations

import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.task_health import queue_health

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness, database and task-queue checks for load balancers and monitoring.

    The database unreachable answers 503 (this process cannot serve). Tasks waiting longer than
    `TASKS_STALE_AFTER_MINUTES` (the worker is stopped) answer 200 with status "degraded" and
    `"tasks": "stalled"`: the web process is fine, the worker needs attention.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.error("Health check: database unreachable (%s)", type(exc).__name__)
        return JsonResponse({"status": "error", "checks": {"database": "unreachable", "tasks": "unknown"}}, status=503)
    queue = queue_health()
    if queue.stalled:
        logger.warning("Health check: %s task(s) waiting for %s minutes", queue.waiting, queue.waited_minutes)
        return JsonResponse(
            {
                "status": "degraded",
                "checks": {"database": "ok", "tasks": "stalled"},
                "tasks": {"waiting": queue.waiting, "oldest_waiting_minutes": queue.waited_minutes},
            }
        )
    return JsonResponse({"status": "ok", "checks": {"database": "ok", "tasks": "ok"}})


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a friendly page, never a traceback; 503 when the database cannot be reached."""
    exception = sys.exc_info()[1]
    if isinstance(exception, OperationalError | InterfaceError):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "60"
        return response
    return HttpResponse(render_to_string("500.html"), status=500)
