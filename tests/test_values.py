"""FLOP figures and typed answers: what the forms and `assess` accept, and the messages for the rest."""

from __future__ import annotations

import datetime as dt

import pytest

from questionnaire.engine import AnswerError, format_flop, parse_answers, parse_flop


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3.8e25", 3.8e25),
        ("3.8E+25", 3.8e25),
        ("3.8 × 10^25", 3.8e25),
        ("3.8x10^25", 3.8e25),
        ("3.8 X 10^25", 3.8e25),
        ("3.8*10**25", 3.8e25),
        ("10^25", 1e25),
        ("38000000000000000000000000", 3.8e25),
        ("  6.3e24 FLOP ", 6.3e24),
        (".5e24", 5e23),
        (6.3e24, 6.3e24),
        (10**25, 1e25),
        ("0", 0.0),
    ],
)
def test_accepted_flop_notations(text, value):
    assert parse_flop(text) == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter the number of FLOP"),
        ("lots", "is not a number of FLOP"),
        ("3,8e25", "is not a number of FLOP"),
        ("1e25e3", "is not a number of FLOP"),
        ("-1e24", "is not a number of FLOP"),
        ("1e999", "out of range"),
        ("1e41", "larger than 10"),
        ("nan", "is not a number of FLOP"),
        ("inf", "is not a number of FLOP"),
        ("9" * 80, "too long"),
        (True, "not yes or no"),
        (-5.0, "cannot be negative"),
    ],
)
def test_rejected_flop_input_says_why(text, message):
    with pytest.raises(ValueError, match=message):
        parse_flop(text)


@pytest.mark.parametrize(
    ("value", "text"),
    [(3.8e25, "3.8 × 10^25"), (6.3e24, "6.3 × 10^24"), (1e23, "10^23"), (2.05e24, "2.05 × 10^24"),
     (9.999e24, "10^25"), (None, "not given")],
)
def test_format_flop(value, text):
    assert format_flop(value) == text


def test_parse_answers_converts_json_values(spec):
    parsed = parse_answers(spec, {
        "role": "developer", "weights_public": True, "first_eu_placement_date": "2025-10-01",
        "training_compute_flop": "6.3x10^24", "cop_signatory_chapters": ["copyright", "transparency"],
        "designation_date": None,
    })
    assert parsed["first_eu_placement_date"] == dt.date(2025, 10, 1)
    assert parsed["training_compute_flop"] == pytest.approx(6.3e24)
    assert parsed["cop_signatory_chapters"] == ["transparency", "copyright"]  # canonical order
    assert parsed["designation_date"] is None


@pytest.mark.parametrize(
    ("answers", "code", "message"),
    [
        ({"colour": "blue"}, "colour", "unknown question code"),
        ({"role": "emperor"}, "role", "not one of"),
        ({"role": 3}, "role", "Expected one of"),
        ({"weights_public": "maybe"}, "weights_public", "yes or no"),
        ({"first_eu_placement_date": "01/10/2025"}, "first_eu_placement_date", "YYYY-MM-DD"),
        ({"first_eu_placement_date": "2025-02-30"}, "first_eu_placement_date", "not a real date"),
        ({"cop_signatory_chapters": "copyright"}, "cop_signatory_chapters", "Expected a list"),
        ({"cop_signatory_chapters": ["ethics"]}, "cop_signatory_chapters", "not among"),
        ({"training_compute_flop": [1]}, "training_compute_flop", "not a number of FLOP"),
    ],
)
def test_parse_answers_names_the_bad_code(spec, answers, code, message):
    with pytest.raises(AnswerError) as info:
        parse_answers(spec, answers)
    assert info.value.code == code
    assert message in info.value.message


REFUSED = object()


@pytest.mark.parametrize(
    ("code", "value", "expected", "message"),
    [
        ("role", None, REFUSED, "Select an answer"),  # required
        ("role", "developer", "developer", ""),
        ("role", "emperor", REFUSED, "is not one of"),
        ("places_under_own_name", "yes", True, ""),
        ("places_under_own_name", "", REFUSED, "Select yes or no"),
        ("places_under_own_name", "maybe", REFUSED, "Answer yes or no"),
        ("training_compute_flop", "3.8 × 10^25", 3.8e25, ""),
        ("training_compute_flop", 1e41, REFUSED, "larger than 10\\^40"),
        ("first_eu_placement_date", "2025-02-30", REFUSED, "not a real date"),
        ("first_eu_placement_date", "2025-10-01", dt.date(2025, 10, 1), ""),
    ],
)
def test_check_answer_is_the_one_decision_on_an_answer(spec, code, value, expected, message):
    """engine.check_answer decides for the wizard's fields and for completion alike: required, type, choices,
    limits (#25)."""
    from questionnaire.engine import check_answer

    if expected is REFUSED:
        with pytest.raises(ValueError, match=message):
            check_answer(spec.questions[code], value)
    else:
        assert check_answer(spec.questions[code], value) == expected


def test_check_answer_bounds_a_text_answer_and_leaves_an_optional_one_unanswered():
    from questionnaire.engine import check_answer
    from questionnaire.engine.spec import Question, QuestionType
    from questionnaire.engine.values import MAX_TEXT_LENGTH

    optional = Question(code="notes", section="s", type=QuestionType.TEXT, text="Notes", required=False)
    assert check_answer(optional, "   ") is None
    assert check_answer(optional, "x" * MAX_TEXT_LENGTH) == "x" * MAX_TEXT_LENGTH
    with pytest.raises(ValueError, match=f"at most {MAX_TEXT_LENGTH} characters"):
        check_answer(optional, "x" * (MAX_TEXT_LENGTH + 1))
