"""The one way to write a CSV download: every cell goes through `csv_value`, so text that a spreadsheet would
run as a formula (answers, model names, and admin-authored titles alike) is neutralised with a leading '."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse

from .display import export_value

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")  # and full-width


def csv_value(value: Any) -> str:
    """A cell for a CSV export: values as display.export_value writes them (yes/no, lists joined, FLOP as
    7.98e23), and formula-like text quoted with '."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return export_value(value)  # a number stays a number (-5 is not a formula)
    text = value if isinstance(value, str) else export_value(value)
    return "'" + text if text.lstrip(" ")[:1] in FORMULA_STARTS and text.lstrip(" ") else text


def csv_text(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_value(cell) for cell in header])
    for row in rows:
        writer.writerow([csv_value(cell) for cell in row])
    return buffer.getvalue()


def csv_response(filename: str, header: Iterable[str], rows: Iterable[Iterable[Any]]) -> HttpResponse:
    response = HttpResponse(csv_text(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
