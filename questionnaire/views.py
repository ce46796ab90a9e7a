"""Views: thin. Access helper -> form -> one service call -> redirect."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from .spec import current_version, spec_for


def start(request: HttpRequest) -> HttpResponse:
    """The start page: what the tool does and what you need to hand."""
    version = current_version()
    spec = spec_for(version) if version else None
    return render(request, "questionnaire/start.html", {"version": version, "spec": spec})


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
