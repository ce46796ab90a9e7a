"""Liveness and readiness probes for the load balancer and the orchestrator."""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django_tasks_db.models import DBTaskResult


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness with one database round trip: 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database answers and the task queue's table can be read (database backend)."""
    checks = {"database": "ok", "tasks": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        checks["database"] = "unavailable"
    if settings.TASKS_BACKEND == "database":
        try:
            DBTaskResult.objects.exists()
        except DatabaseError:
            checks["tasks"] = "unavailable"
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ready" if ready else "not ready", **checks}, status=200 if ready else 503)
