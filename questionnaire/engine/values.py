"""Answer values: parsing and formatting of FLOP figures, dates and typed answers.

Pure Python; used by the engine, the wizard's form fields and the `assess` command alike, so that
"3.8 × 10^25" means the same thing everywhere.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Collection, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from .spec import Question, QuestionType, Spec

# "3.8e25", "3.8E+25", "3.8 × 10^25", "3.8x10^25", "3.8 * 10**25", "10^25", "38000000000000000000000000".
# Thousands separators are not accepted: "1,5e24" is ambiguous between languages.
_MANTISSA = r"(?P<mantissa>\d+(?:\.\d+)?|\.\d+)"
_FLOP_PATTERNS = (
    re.compile(rf"^{_MANTISSA}(?:[eE](?P<exp>[+-]?\d+))?$"),
    re.compile(rf"^(?:{_MANTISSA}\s*(?:×|x|X|\*|·)\s*)?10\s*(?:\^|\*\*)\s*(?P<exp>[+-]?\d+)$"),
)
def gettext_noop(message: str) -> str:
    """Marks an English message of the engine for the interface's catalogue (makemessages finds it by this name):
    the form layer shows it translated (assessments.forms.translated). The engine itself stays free of Django."""
    return message


FLOP_FORMAT_HELP = gettext_noop("Write it like 3.8e25, 3.8 × 10^25, 3.8x10^25 or as a whole number.")
MAX_FLOP = 1e40  # far beyond any training run; a larger figure is a typing error
TOO_LARGE = gettext_noop("That figure is larger than 10^40 FLOP; check the exponent.")


# Every number a person or a file gives is bounded BEFORE anything converts it: a short text such as "1e1000000"
# becomes a million-digit integer (or an infinite float) once converted, which costs seconds of CPU or fails
# later where it is written or formatted. One rule for all of them: at most MAX_NUMBER_CHARS characters and a
# magnitude of at most 10^MAX_EXPONENT (the FLOP ceiling, far beyond any count, size or share we record).
MAX_NUMBER_CHARS = 60
MAX_EXPONENT = 40
_DECIMAL = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


def parse_decimal(text: str, *, max_exponent: int = MAX_EXPONENT) -> Decimal:
    """A plain decimal number ("1200", "-3.5", "2.3e4"), checked for its length and magnitude before it is
    converted to anything: ValueError with a message for the field otherwise. Zero, and numbers from
    10^-max_exponent to 10^max_exponent (either sign), pass."""
    cleaned = str(text).strip()
    if len(cleaned) > MAX_NUMBER_CHARS:
        raise ValueError(f"That is too long to be a number (at most {MAX_NUMBER_CHARS} characters).")
    if not _DECIMAL.match(cleaned):
        raise ValueError(f"“{cleaned}” is not a number; write digits, e.g. 1200 or 3.5.")
    try:
        number = Decimal(cleaned)  # exact, and cheap for a short text: nothing is expanded yet
    except InvalidOperation:
        raise ValueError(f"“{cleaned}” is not a number; write digits, e.g. 1200 or 3.5.") from None
    if number and not -max_exponent <= number.adjusted() <= max_exponent:
        raise ValueError(f"“{cleaned}” is out of range: give a number between 10^-{max_exponent} and "
                         f"10^{max_exponent}.")
    return number


def bounded_number(value: Any, *, max_exponent: int = MAX_EXPONENT) -> int | float:
    """A number from a form (text, read as a float) or from JSON (an int or float, kept as it is), within
    parse_decimal's bounds; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError(gettext_noop("Expected a number."))
    if isinstance(value, str):
        return float(parse_decimal(value, max_exponent=max_exponent))
    if not isinstance(value, int | float):
        raise ValueError(gettext_noop("Expected a finite number."))
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(gettext_noop("Expected a finite number."))
    if value and not 10.0 ** -max_exponent <= abs(value) <= 10.0 ** max_exponent:  # an int is compared exactly
        raise ValueError(f"That number is out of range: give one between 10^-{max_exponent} and "
                         f"10^{max_exponent}.")
    return value


class AnswerError(ValueError):
    """An answer that does not fit its question; the message names the question code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def parse_flop(text: str | float | int) -> float:
    """Parse a FLOP figure in one of the accepted notations; raise ValueError with a clear message."""
    if isinstance(text, bool):
        raise ValueError(gettext_noop("Enter a number of FLOP, not yes or no.") + " " + FLOP_FORMAT_HELP)
    if isinstance(text, int | float):
        try:
            value = float(text)
        except OverflowError:  # an integer beyond any float
            raise ValueError(TOO_LARGE) from None
    else:
        cleaned = str(text).strip().replace("\u2009", " ").replace("\u00a0", " ")
        cleaned = re.sub(r"\s*FLOPs?$", "", cleaned, flags=re.IGNORECASE)
        if not cleaned:
            raise ValueError(gettext_noop("Enter the number of FLOP.") + " " + FLOP_FORMAT_HELP)
        if len(cleaned) > MAX_NUMBER_CHARS:
            raise ValueError(gettext_noop("That is too long to be a number of FLOP.") + " " + FLOP_FORMAT_HELP)
        for pattern in _FLOP_PATTERNS:
            match = pattern.match(cleaned)
            if match:
                mantissa = float(match.group("mantissa") or 1)
                exp = match.group("exp")
                if exp is not None and abs(int(exp)) > 400:
                    raise ValueError(gettext_noop("That exponent is out of range.") + " " + FLOP_FORMAT_HELP)
                # one decimal conversion (6.3e24 stays 6.3e24; 6.3 * 10.0**24 would give 6.299999999999999e24)
                value = float(f"{match.group('mantissa') or 1}e{int(exp)}") if exp is not None else mantissa
                if math.isinf(value):  # 1e309, 10^400: beyond any float
                    raise ValueError(TOO_LARGE)
                break
        else:
            raise ValueError(f"“{cleaned}” is not a number of FLOP. " + FLOP_FORMAT_HELP)
    if math.isnan(value) or math.isinf(value):
        raise ValueError(gettext_noop("Enter a finite number of FLOP.") + " " + FLOP_FORMAT_HELP)
    if value < 0:
        raise ValueError(gettext_noop("Training compute cannot be negative."))
    if value > MAX_FLOP:
        raise ValueError(TOO_LARGE)
    return value


def format_flop(value: float | None, decimal: str = ".") -> str:
    """3.8e25 -> '3.8 × 10^25' (two significant figures, as the Guidelines ask for notifications); with the
    language's decimal separator `decimal` ('3,8 × 10^25' in German and French). The one FLOP formatter of the
    pages, PDFs and e-mails (CSV and JSON take export values: 3.8e25)."""
    if value is None:
        return "not given"
    if value == 0:
        return "0"
    if not math.isfinite(value):  # never parsed from input (parse_flop refuses it); a page must not fail on it
        return "not a finite number"
    exponent = math.floor(math.log10(abs(value)))
    mantissa = value / 10**exponent
    if round(mantissa, 1) >= 10:
        mantissa, exponent = mantissa / 10, exponent + 1
    text = f"{mantissa:.2f}".rstrip("0").rstrip(".")
    return f"10^{exponent}" if text == "1" else f"{text.replace('.', decimal)} × 10^{exponent}"


def decimal_point(text: str, decimal: str) -> str:
    """A figure typed with the language's decimal comma ("6,3e24", "6,3 × 10^24", "0,4") as the parsers read it
    ("6.3e24"): one comma between digits and no point; anything else is left as typed (in English a comma stays
    refused: "1,5e24" would be ambiguous)."""
    if decimal == "," and text.count(",") == 1 and "." not in text:
        return re.sub(r"(?<=\d),(?=\d)", ".", text)
    return text


# Counts such as parameters and tokens: "7 billion", "7B", "15T", "1.5e12", "7 × 10^9", "7000000000".
_SCALES = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "b": 1e9, "bn": 1e9, "billion": 1e9,
           "t": 1e12, "tn": 1e12, "trillion": 1e12}
_SCALED = re.compile(r"^(?P<number>\d+(?:\.\d+)?|\.\d+)\s*(?P<scale>[a-z]+)$", re.IGNORECASE)
QUANTITY_FORMAT_HELP = "for example 7 billion, 7B, 15T, 1.5e12 or 7 × 10^9"


def parse_quantity(text: str | float | int) -> float:
    """A non-negative count in the FLOP notations or with a scale word or letter (7 billion, 7B, 15T);
    ValueError otherwise."""
    if isinstance(text, str):
        match = _SCALED.match(text.strip().replace("\u00a0", " ")) if len(text) <= MAX_NUMBER_CHARS else None
        if match:
            scale = _SCALES.get(match.group("scale").lower())
            if scale is None:
                raise ValueError(f"“{match.group('scale')}” is not a scale we know. Write it as a number, "
                                 f"{QUANTITY_FORMAT_HELP}.")
            value = float(parse_decimal(match.group("number"))) * scale
            if value > MAX_FLOP:
                raise ValueError(f"That is larger than 10^{MAX_EXPONENT}. Write it as a number, "
                                 f"{QUANTITY_FORMAT_HELP}.")
            return value
    try:
        return parse_flop(text)
    except ValueError:
        raise ValueError(f"Write it as a number, {QUANTITY_FORMAT_HELP}.") from None


def format_scientific(value: float | None) -> str:
    """A large figure in scientific notation with up to three significant figures, for CSV and JSON
    readers (7.98e23, never 7.980000000000002e+23)."""
    if value is None:
        return ""
    if value == 0:
        return "0"
    mantissa, exponent = f"{value:.2e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent)}"


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
        raise ValueError(f"“{value}” is not a real date.")
    raise ValueError(gettext_noop("Enter a date as YYYY-MM-DD, for example 2025-10-01."))


# The dates a record may hold (a legal document, the Model Documentation Form, a gap-analysis due date): the
# questionnaire's own policy, which its answer checks apply through the content constants
# earliest_plausible_date and latest_plausible_date (tests/test_hardening.py keeps the two equal). A year such
# as 9999 is a typing error, and would overflow every deadline clock computed from it.
PLAUSIBLE_DATES = (dt.date(2015, 1, 1), dt.date(2100, 12, 31))


def plausible_date(day: dt.date, *, earliest: dt.date | None = None) -> dt.date:
    """The date itself, or ValueError when it is before `earliest` (the policy's first date unless given, e.g.
    for a data collection period that may lie further back) or after the policy's last date."""
    earliest = earliest or PLAUSIBLE_DATES[0]
    if not earliest <= day <= PLAUSIBLE_DATES[1]:
        raise ValueError(f"{day.isoformat()} is before {earliest.year} or after {PLAUSIBLE_DATES[1].year}: "
                         "check the year.")
    return day


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"yes", "true"}:
        return True
    if isinstance(value, str) and value.strip().lower() in {"no", "false"}:
        return False
    raise ValueError(gettext_noop("Answer yes or no (true or false)."))


def parse_answer(question: Question, value: Any) -> Any:
    """Convert one raw answer (JSON or form value) to the engine's type; None stays None."""
    if value is None:
        return None
    kind = question.type
    if kind is QuestionType.YES_NO:
        others = question.other_answers()
        if isinstance(value, str) and value.strip().lower() in others:
            return value.strip().lower()
        try:
            return parse_bool(value)
        except ValueError:
            if others:
                raise ValueError(f"Answer yes or no (true or false), or {' or '.join(others)}.") from None
            raise
    if kind is QuestionType.SINGLE_CHOICE:
        if not isinstance(value, str):
            raise ValueError(f"Expected one of {question.choice_values()}, got {value!r}.")
        if value not in question.choice_values():
            raise ValueError(f"“{value}” is not one of {', '.join(question.choice_values())}.")
        return value
    if kind is QuestionType.MULTIPLE_CHOICE:
        if not isinstance(value, list | tuple):
            raise ValueError(f"Expected a list of {question.choice_values()}, got {value!r}.")
        unknown = [v for v in value if v not in question.choice_values()]
        if unknown:
            raise ValueError(f"{unknown!r} not among {', '.join(question.choice_values())}.")
        # canonical order (the order of the choices) and no duplicates
        return [c for c in question.choice_values() if c in value]
    if kind is QuestionType.FLOP:
        return parse_flop(value)
    if kind is QuestionType.NUMBER:
        return bounded_number(value)
    if kind is QuestionType.DATE:
        return parse_date(value)
    if kind is QuestionType.TEXT:
        if not isinstance(value, str):
            raise ValueError(gettext_noop("Expected text."))
        return value
    raise AssertionError(kind)


MAX_TEXT_LENGTH = 5000  # characters of a text answer
# what an unanswered required question says, per type
REQUIRED_MESSAGES = {
    QuestionType.SINGLE_CHOICE: gettext_noop("Select an answer"),
    QuestionType.YES_NO: gettext_noop("Select yes or no"),
    QuestionType.MULTIPLE_CHOICE: gettext_noop("Select at least one option"),
    QuestionType.FLOP: gettext_noop("Enter the number of FLOP"),
    QuestionType.NUMBER: gettext_noop("Enter a number"),
    QuestionType.DATE: gettext_noop("Enter a date"),
    QuestionType.TEXT: gettext_noop("Enter an answer"),
}


def is_unanswered(value: Any) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def check_answer(question: Question, value: Any) -> Any:
    """The one decision whether a value answers a question, whichever way it comes (a wizard or quick-check
    field, completion, `assess`): required, its type and choices (parse_answer), its limits (FLOP bounds, finite
    numbers, real dates) and the length of a text. Returns the parsed answer (None, or [] for an empty multiple
    choice, when an optional question is left unanswered); ValueError with the message shown at the field."""
    if is_unanswered(value):
        if question.required:
            raise ValueError(REQUIRED_MESSAGES[question.type])
        return [] if value == [] else None
    parsed = parse_answer(question, value)
    if question.type is QuestionType.TEXT and len(parsed) > MAX_TEXT_LENGTH:
        raise ValueError(f"Ensure this value has at most {MAX_TEXT_LENGTH} characters (it has {len(parsed)}).")
    return parsed


def answer_problems(spec: Spec, answers: Mapping[str, Any], shown: Collection[str]) -> dict[str, str]:
    """Question code -> why check_answer refuses the saved answer, for every shown question (in content order)."""
    problems = {}
    for code in spec.questions:
        if code in shown:
            try:
                check_answer(spec.questions[code], answers.get(code))
            except ValueError as exc:
                problems[code] = str(exc)
    return problems


def parse_answers(spec: Spec, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Validate and convert an answer set; raise AnswerError for the first bad code (sorted)."""
    if not isinstance(raw, Mapping):
        raise AnswerError("(answers)", "an answer set must be a JSON object of question code to value")
    parsed: dict[str, Any] = {}
    for code in raw:
        if not isinstance(code, str) or code not in spec.questions:
            raise AnswerError(str(code), "unknown question code")
    for code, value in raw.items():
        try:
            parsed[code] = parse_answer(spec.questions[code], value)
        except ValueError as exc:
            raise AnswerError(code, str(exc)) from exc
    return parsed
