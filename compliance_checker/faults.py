"""When the database goes away mid-request, answer with a clear page instead of a crash.

Every write is one transaction (services.*), so nothing half-written is kept; Django opens a new connection
on the next request (CONN_HEALTH_CHECKS), so the app recovers by itself when the database is back.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

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


def bad_request(request, exception):
    """handler400: a request Django refused before any view read it. A body over DATA_UPLOAD_MAX_MEMORY_SIZE (or with
    too many fields or files) is told so, with the limit, instead of the generic "could not use what was sent"; the
    API answers in JSON as its other errors do (contract §6)."""
    # refused in a middleware that runs before LocaleMiddleware (guards.py reads the body first): choose the
    # reader's language here, from the cookie or Accept-Language, as LocaleMiddleware would
    with translation.override(translation.get_language_from_request(request)):
        return _bad_request(request, exception)


def _bad_request(request, exception):
    too_big = isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent)
    limit_mb = number_format(settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 2**20)  # MiB, as Django counts its "2.5 MB"
    if request.path.startswith("/api/"):
        detail = (_("The request body is larger than %(limit)s MB.") % {"limit": limit_mb} if too_big
                  else _("Bad request."))
        return JsonResponse({"detail": detail}, status=413 if too_big else 400)
    return render(request, "400.html", {"too_big": too_big, "limit_mb": limit_mb}, status=400)
