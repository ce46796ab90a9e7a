"""The one formatter of answers and facts, for pages, the report, CSV and the history.

`display_answer` and `display_fact` give what people read (labels, "6.3 × 10^24 FLOP", "1 October 2025");
`export_value` gives the value a spreadsheet gets (codes, ISO dates, FLOP as 6.3e24, never
7.980000000000002e+23), to sit beside the label.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _

from ..engine import QuestionType
from ..engine.spec import Question
from ..engine.values import format_flop, format_scientific


def long_date(value: dt.date | dt.datetime | str, *, time: bool = False, short: bool = False) -> str:
    """The app's one date format, as a lawyer writes it in the language in use: "1 September 2025",
    "1. September 2025", "1er septembre 2025" (the first of the month as an ordinal), "2 septembre 2025" (Django's
    month names; an ISO text is read first; with `time`, "…, 14:05"; with `short`, "1 Sep 2025"). The one long
    date of the pages, the report and the e-mails."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    pattern = pgettext("short date", "j M Y") if short else pgettext("long date", "j F Y")
    if value.day == 1 and (get_language() or "").startswith("fr"):
        pattern = pattern.replace("j", r"1\e\r", 1)  # French writes the first of the month as an ordinal: 1er octobre
    text = formats.date_format(value, pattern)
    if time and isinstance(value, dt.datetime):
        text += ", " + formats.time_format(value, "H:i")
    return text


def days_left(days: int | None) -> str:
    """"12 days left", "today", "3 days ago", in the language in use."""
    if days is None:
        return ""
    if days < 0:
        return ngettext("%(days)d day ago", "%(days)d days ago", -days) % {"days": -days}
    if days == 0:
        return _("today")
    return ngettext("%(days)d day left", "%(days)d days left", days) % {"days": days}


def not_answered() -> str:
    return _("Not answered")


def decimal() -> str:
    """The decimal separator of the language in use (a comma in German and French) for figures such as FLOP."""
    return formats.get_format("DECIMAL_SEPARATOR")


def display_answer(question: Question | None, value: Any) -> str:
    if value is None:
        return not_answered()
    if value == []:
        return _("None of these")
    if question is None:
        return display_fact(value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if question.type is QuestionType.YES_NO:
        return question.choice_label(value)  # a third answer, e.g. "I don't know"
    if question.type is QuestionType.FLOP and isinstance(value, int | float):
        return f"{format_flop(value, decimal())} FLOP"
    if question.type is QuestionType.DATE and isinstance(value, str):
        return _date(value)
    if question.type is QuestionType.SINGLE_CHOICE:
        return question.choice_label(value)
    if question.type is QuestionType.MULTIPLE_CHOICE and isinstance(value, list):
        return "; ".join(question.choice_label(v) for v in value)
    return str(value)


def full_stop(text: Any) -> str:
    """A name that ends a sentence, with one full stop: "Acme GmbH" -> "Acme GmbH.", "Acme Inc." stays."""
    text = str(text).rstrip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def display_fact(value: Any) -> str:
    """A computed fact: yes/no, a FLOP-sized number in words of ten, a date in words."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int | float):
        return f"{format_flop(value, decimal())} FLOP" if value >= 1e6 else f"{value:g}"
    if isinstance(value, dt.date):
        return long_date(value)
    if isinstance(value, str):
        return _date(value)
    return str(value)


def export_value(value: Any) -> str:
    """The machine-readable value for CSV: codes as stored, yes/no, ISO dates, large numbers as 6.3e24."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(export_value(v) for v in value)
    if isinstance(value, float | int):
        return format_scientific(value) if abs(value) >= 1e6 else f"{value:g}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _date(value: str) -> str:
    try:
        return long_date(dt.date.fromisoformat(value))
    except ValueError:
        return value


def mid_sentence(text: str) -> str:
    """A label as it reads inside a sentence: "Provider of the model" -> "provider of the model", "A written
    mandate" -> "a written mandate"; a leading abbreviation ("EU", "AI", "Art. 54") keeps its capitals."""
    first = text.split(" ", 1)[0]
    if not first or sum(c.isupper() for c in first) > 1 or first.endswith("."):
        return text
    return first[0].lower() + text[1:]
