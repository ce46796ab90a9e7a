"""Request guards: refuse what no page accepts before any view (or the body parser) sees it, and keep
authenticated pages out of every cache.

- RequestGuardMiddleware: a request body larger than MAX_REQUEST_BYTES is refused with 413 before it is read
  (from its Content-Length); a NUL byte in the URL path, the query or a form field is refused with 400
  (PostgreSQL cannot store it, and no legitimate input carries one).
- NoStoreMiddleware: `Cache-Control: no-store` on every response to a signed-in user (pages and downloads) and to a
  call with an API token,
  so a shared computer's browser cache or a proxy keeps no copy of an assessment.
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers


def refusal(request, status: int, title: str, text: str):
    if request.path_info.startswith("/api/"):  # machines get a problem (RFC 9457), as from the API itself
        return JsonResponse({"type": "about:blank", "title": title, "status": status, "detail": text},
                            status=status, content_type="application/problem+json")
    return render(request, "refused.html", {"title": title, "text": text}, status=status)


def _has_nul(request) -> bool:
    if "\x00" in request.path or b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")):
        return True
    if request.method in ("POST", "PUT", "PATCH"):
        try:
            fields = request.POST
        except (MultiPartParserError, ValueError):
            return False  # the view answers a malformed body as it always did
        return any("\x00" in key or any("\x00" in value for value in fields.getlist(key)) for key in fields)
    return False


class RequestGuardMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return refusal(request, 400, "Bad request", "The request's Content-Length is not a number.")
        limit = settings.MAX_REQUEST_BYTES
        if length > limit:
            return refusal(request, 413, "The upload is too large",
                           f"What you sent is larger than {limit // (1024 * 1024)} MB, the most this service "
                           "accepts. Nothing was saved: go back and choose a smaller file.")
        if _has_nul(request):
            return refusal(request, 400, "Bad request", "What you sent contains a NUL character (\\0), which no "
                           "field accepts. Nothing was saved: go back, remove it and send the page again.")
        return self.get_response(request)


class NoStoreMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        # a signed-in member, or a call with an organisation's API token (questionnaire.api.auth sets `holder`)
        if (user is not None and user.is_authenticated) or getattr(request, "holder", None) is not None:
            add_never_cache_headers(response)
        return response
