"""Typed values of document fields: parse what a person typed, show a stored value (pure, no Django).

Lists are typed one item per line; tables one row per line with cells separated by " | " in column order.
Every parse error is a ValueError whose message can be shown at the field.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlsplit

from django.utils import formats
from django.utils.translation import gettext

from ..core.display import long_date
from ..engine.values import parse_decimal, plausible_date
from .definitions import Column, Field

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# How much one field may hold (size_problem): a document must stay small enough to keep, show and render as a PDF
# within its render's limits (rendering.isolation). A list or table past these is refused at its field.
MAX_ROWS = 1000  # lines of a list or rows of a table
MAX_LIST_CHARS = 100_000  # characters of a list or table
MAX_TEXT_CHARS = 20_000  # characters of any other field
# A month is a period of data collection (the training-content summary), which may lie well before the dates
# of the AI Act that every other date of a document is about.
EARLIEST_MONTH = dt.date(1900, 1, 1)


def _shown(text: str) -> str:
    """What was typed, as an error message quotes it: the start of a long text."""
    text = text.strip()
    return text if len(text) <= 60 else text[:60] + "…"


def parse_number(text: str) -> int | float:
    """A number as typed (1 200, 1,200, 3.5, 40 %): bounded in length and size by the engine's one rule
    (engine.values.parse_decimal) before it becomes an int (when whole) or a float."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace(",", "").removesuffix("%")
    number = parse_decimal(cleaned)
    return int(number) if number == number.to_integral_value() else float(number)


def parse_month(text: str) -> str:
    match = MONTH.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or not int(match.group(1)):
        raise ValueError(f"“{_shown(text)}” is not a month; write it as YYYY-MM, e.g. 2025-06")
    plausible_date(dt.date(int(match.group(1)), int(match.group(2)), 1), earliest=EARLIEST_MONTH)
    return text.strip()


def parse_date(text: str) -> str:
    """An ISO date within the plausible years (engine.values.PLAUSIBLE_DATES)."""
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"“{_shown(text)}” is not a date; write it as YYYY-MM-DD, e.g. 2025-06-30") from None
    return plausible_date(day).isoformat()


def parse_datetime(text: str) -> str:
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"“{_shown(text)}” is not a date and time; write it as YYYY-MM-DD HH:MM") from None
    plausible_date(value.date())
    return value.replace(tzinfo=None, second=0, microsecond=0).isoformat(timespec="minutes")


def parse_url(text: str) -> str:
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in text.strip():
        raise ValueError(f"“{_shown(text)}” is not a web address; start it with https://")
    return text.strip()


def parse_email(text: str) -> str:
    # an address has at most 254 characters (RFC 5321); checked first, as the pattern is slow on long texts
    if len(text.strip()) > 254 or not EMAIL.match(text.strip()):
        raise ValueError(f"“{_shown(text)}” is not an email address")
    return text.strip()


SCALAR_PARSERS = {"number": parse_number, "month": parse_month, "date": parse_date, "url": parse_url,
                  "email": parse_email, "datetime": parse_datetime}


def parse_scalar(kind: str, text: str) -> Any:
    parser = SCALAR_PARSERS.get(kind)
    return parser(text) if parser else text.strip()


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _count(number: int) -> str:
    return f"{number:,}".replace(",", " ")


def size_problem(f: Field, text: str) -> str | None:
    """What is wrong with the size of a field's text, in words for the field; None when it fits. The one place
    where the size of a document's fields is bounded."""
    if f.type in ("list", "table"):
        noun = "table" if f.type == "table" else "list"
        lines = "rows" if f.type == "table" else "lines"
        if len(text) > MAX_LIST_CHARS:
            return (f"This {noun} is too long to keep in the document: {_count(len(text))} characters, at most "
                    f"{_count(MAX_LIST_CHARS)}. Give the main {lines} here and attach the full {noun} as a file.")
        count = sum(1 for line in text.splitlines() if line.strip())
        if count > MAX_ROWS:
            return (f"This {noun} has {_count(count)} {lines}, at most {_count(MAX_ROWS)}. Give the main {lines} "
                    f"here and attach the full {noun} as a file.")
        return None
    if len(text) > MAX_TEXT_CHARS:
        return f"At most {_count(MAX_TEXT_CHARS)} characters (this text has {_count(len(text))})"
    return None


def parse_row(columns: tuple[Column, ...], line: str, number: int) -> dict[str, Any]:
    cells = [c.strip() for c in line.split("|")]
    if len(cells) > len(columns) or (len(cells) < len(columns) and not all(c.optional for c in
                                                                           columns[len(cells):])):
        names = " | ".join(c.label for c in columns)
        raise ValueError(f"Row {number} has {len(cells)} cell{'s' if len(cells) != 1 else ''}; "
                         f"give {len(columns)} separated by “|”: {names}")
    row: dict[str, Any] = {}
    for column, cell in zip(columns, cells + [""] * (len(columns) - len(cells)), strict=True):
        if not cell:
            if not column.optional:
                raise ValueError(f"Row {number}: fill in “{column.label}”")
            row[column.id] = ""
            continue
        try:
            row[column.id] = parse_scalar(column.type, cell)
        except ValueError as exc:
            raise ValueError(f"Row {number}, {column.label}: {exc}") from None
    return row


def parse_input(f: Field, raw: Any) -> Any:
    """The JSON value of what was typed or ticked; None for empty. ValueError with a message otherwise."""
    if f.type == "multi":
        allowed = [v for v, _ in f.choices]
        picked = [v for v in (raw or []) if v]
        unknown = [v for v in picked if v not in allowed]
        if unknown:
            raise ValueError("Select from the options shown")
        return [v for v in allowed if v in picked] or None
    if raw is not None and not isinstance(raw, str):
        raise ValueError("Enter text")
    if raw and "\x00" in raw:  # PostgreSQL's jsonb cannot store it
        raise ValueError("Remove the invisible control character (NUL) from the text")
    text = (raw or "").strip()
    if not text:
        return None
    problem = size_problem(f, text)
    if problem:
        raise ValueError(problem)
    if f.type in ("yes_no", "choice"):
        allowed = ["yes", "no"] if f.type == "yes_no" else [v for v, _ in f.choices]
        if text not in allowed:
            raise ValueError("Select one of the options shown")
        return text
    if f.type == "list":
        items = []
        for number, line in enumerate(_lines(text), 1):
            try:
                items.append(parse_scalar(f.item, line))
            except ValueError as exc:
                raise ValueError(f"Line {number}: {exc}") from None
        return items or None
    if f.type == "table":
        return [parse_row(f.columns, line, n) for n, line in enumerate(_lines(text), 1)] or None
    return parse_scalar(f.type, text)


def input_text(f: Field, value: Any) -> Any:
    """A stored value as the form shows it (inverse of parse_input)."""
    if value is None:
        return [] if f.type == "multi" else ""
    if f.type == "list":
        return "\n".join(str(v) for v in value)
    if f.type == "table":
        return "\n".join(" | ".join(cell_text(row.get(c.id, "")) for c in f.columns).rstrip(" |") for row in value)
    if f.type == "number":
        return cell_text(value)
    return value


def cell_text(value: Any) -> str:
    """A stored cell or number as the form shows it."""
    if isinstance(value, float):
        return f"{value:g}" if abs(value) < 1e15 else repr(value)
    return str(value)


def display(f: Field, value: Any) -> str:
    """A value in words for the documents (PDF, publishable page), in the language in use: months as "September
    2025", dates in the app's one format, "1 September 2025" (core.display.long_date), "Yes" and "No"."""
    if value in (None, "", []):
        return ""
    if f.type == "yes_no":
        return gettext("Yes") if value == "yes" else gettext("No")
    if f.type == "choice":
        return f.choice_label(value)
    if f.type == "multi":
        return ", ".join(f.choice_label(v) for v in value)
    if f.type == "month":
        return month_words(value)
    if f.type == "date":
        return date_words(value)
    if f.type == "datetime":
        return long_date(dt.datetime.fromisoformat(value).replace(tzinfo=None), time=True)
    if f.type == "list":
        return "\n".join(str(v) for v in value)
    if f.type == "number":
        return cell_text(value)
    return str(value)


def month_words(value: str) -> str:
    year, month = value.split("-")
    return formats.date_format(dt.date(int(year), int(month), 1), "F Y")


def date_words(value: str) -> str:
    return long_date(value)


def cell_words(column: Column, value: Any) -> str:
    if value in ("", None):
        return ""
    if column.type == "month":
        return month_words(value)
    if column.type == "date":
        return date_words(value)
    return cell_text(value)
