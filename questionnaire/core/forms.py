"""Form parts every feature shares: building a form from content, the revision a form was shown at, the date
input and the plausible-date check."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django import forms
from django.core.exceptions import BadRequest, ValidationError

from ..engine.values import plausible_date


def form_class(name: str, fields: Mapping[str, forms.Field], base: type[forms.Form] = forms.Form,
                **attributes) -> type[forms.Form]:
    """The one way a form is built from content: a form class with one field per item (a question of a section,
    a field of the Model Documentation Form, a field of a legal document), named by its code in the content."""
    return type(name, (base,), {**fields, **attributes})


def revision_number(raw: str | None) -> int | None:
    """A posted revision as a number, or None when it is not a plain whole number (a tampered form: "²" and "٣"
    are digits to str.isdigit, and int() takes the second)."""
    raw = (raw or "0").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None


def posted_revision(request, field: str = "seen_revision") -> int:
    """The revision a form was shown at (its hidden `seen_revision` field); anything but a whole number
    is a tampered form: 400, not a crash."""
    revision = revision_number(request.POST.get(field))
    if revision is None:
        raise BadRequest(f"{field} must be a whole number")
    return revision


def validate_plausible_date(value: dt.date) -> None:
    """A record's date within the questionnaire's plausible years (engine.values.PLAUSIBLE_DATES)."""
    try:
        plausible_date(value)
    except ValueError as exc:
        raise ValidationError(str(exc), code="implausible") from None


class IsoDateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")
