"""Submit once: a form that creates something (copy an assessment, and any later one) includes
`{% once_token %}` (questionnaire_tags) and its view runs the creation through `submit_once`. The posted token
is recorded under a unique constraint in the same transaction as the creation, so a second submission of
the same form (a double click, a resent POST, even a concurrent one) creates nothing and is sent where the
first one went.

    url = submit_once(request, lambda: reverse("check_answers", args=[copy_assessment(...).pk]))
    return redirect(url)
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.db import IntegrityError, transaction

from ..models.submissions import FormSubmission

FIELD = "once"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def new_token() -> str:
    return secrets.token_urlsafe(24)


def submit_once(request, create: Callable[[], str]) -> str:
    """Run `create` (it returns the URL to go to next) once per posted token; a repeated token returns the URL
    of the first run. A form without a token runs `create` (pages rendered before tokens existed)."""
    token = request.POST.get(FIELD, "")
    if not token:
        return create()
    if not _TOKEN.match(token):
        raise BadRequest("malformed form token")
    with transaction.atomic():
        try:
            with transaction.atomic():
                submission = FormSubmission.objects.create(token=token, user=request.user)
        except IntegrityError:  # submitted before (waits for a concurrent first submission to commit)
            first = FormSubmission.objects.filter(token=token, user=request.user).first()
            if first is None or not first.result:
                raise BadRequest("this form was already submitted") from None
            return first.result
        url = create()
        submission.result = url
        submission.save(update_fields=["result"])
        return url
