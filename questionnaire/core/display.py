"""The one formatter of answers and facts, for pages, the report, CSV and the history.

`display_answer` and `display_fact` give what people read (labels, "6.3 × 10^24 FLOP", "1 October 2025");
`export_value` gives the value a spreadsheet gets (codes, ISO dates, FLOP as 6.3e24, never
7.980000000000002e+23), to sit beside the label.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..engine import QuestionType
from ..engine.spec import Question
from ..engine.values import format_flop, format_scientific

NOT_ANSWERED = "Not answered"


def display_answer(question: Question | None, value: Any) -> str:
    if value is None:
        return NOT_ANSWERED
    if value == []:
        return "None of these"
    if question is None:
        return display_fact(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if question.type is QuestionType.YES_NO:
        return question.choice_label(value)  # a third answer, e.g. "I don't know"
    if question.type is QuestionType.FLOP and isinstance(value, int | float):
        return f"{format_flop(value)} FLOP"
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
        return "Yes" if value else "No"
    if isinstance(value, int | float):
        return f"{format_flop(value)} FLOP" if value >= 1e6 else f"{value:g}"
    if isinstance(value, dt.date):
        return f"{value:%-d %B %Y}"
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


def long_date(day: dt.date | str) -> str:
    """The app's one date format, "1 September 2025" (an ISO text is read first)."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day[:10])
    return f"{day:%-d %B %Y}"


def mid_sentence(text: str) -> str:
    """A label as it reads inside a sentence: "Provider of the model" -> "provider of the model", "A written
    mandate" -> "a written mandate"; a leading abbreviation ("EU", "AI", "Art. 54") keeps its capitals."""
    first = text.split(" ", 1)[0]
    if not first or sum(c.isupper() for c in first) > 1 or first.endswith("."):
        return text
    return first[0].lower() + text[1:]
