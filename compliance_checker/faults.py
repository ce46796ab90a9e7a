"""When the database goes away mid-request, answer with a clear page instead of a crash.

Every write is one transaction (services.*), so nothing half-written is kept; Django opens a new connection
on the next request (CONN_HEALTH_CHECKS), so the app recovers by itself when the database is back.
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.shortcuts import render

log = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            log.error("database unavailable during %s %s: %s", request.method, request.path, exception)
            response = render(request, "503.html", {"saved": request.method == "GET"}, status=503)
            response["Retry-After"] = "10"
            return response
        return None
