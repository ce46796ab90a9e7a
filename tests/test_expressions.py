"""The expression language is safe and its helpers follow the law's "greater than" rule."""

from __future__ import annotations

import datetime as dt

import pytest

from questionnaire.engine.expressions import (
    Evaluator,
    ExpressionError,
    add_months,
    compile_expression,
    exceeds,
    same,
)


def run(source: str, **names):
    return Evaluator(dict(names))(compile_expression(source))


@pytest.mark.parametrize(
    "source",
    [
        "__import__('os').system('true')",
        "x.__class__",
        "x[0]",
        "[y for y in x]",
        "lambda: 1",
        "f'{x}'",
        "open('/etc/passwd')",
        "eval('1')",
        "x = 1",
        "x is 3",
        "2 ** 1000000",
    ],
)
def test_unsafe_or_unknown_constructs_are_refused(source):
    with pytest.raises(ExpressionError):
        compile_expression(source)


def test_syntax_errors_name_the_column():
    with pytest.raises(ExpressionError, match="syntax error at column"):
        compile_expression("role == ")


def test_names_exclude_functions_and_literals():
    compiled = compile_expression('exceeds(x, t) and role in ("a", "b") and y is not None and True')
    assert compiled.names == {"x", "t", "role", "y"}


@pytest.mark.parametrize(
    ("x", "t", "expected"),
    [(1e25, 1e25, False), (1.0000000001e25, 1e25, False), (1.01e25, 1e25, True), (9e24, 1e25, False),
     (6e24 / 3, 2e24, False), (6e24 * (1 / 3), 2e24, False), (None, 1e25, False), (1e25, None, False)],
)
def test_exceeds_is_strictly_greater_with_tolerance(x, t, expected):
    assert exceeds(x, t) is expected


def test_same_tolerates_float_noise():
    assert same(6e24 * (1 / 3), 2e24)
    assert not same(2.1e24, 2e24)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [(dt.date(2026, 3, 1), 6, dt.date(2026, 9, 1)), (dt.date(2026, 8, 31), 6, dt.date(2027, 2, 28)),
     (dt.date(2027, 8, 31), 6, dt.date(2028, 2, 29)), (dt.date(2026, 11, 15), 3, dt.date(2027, 2, 15)),
     (None, 6, None)],
)
def test_add_months_clamps_to_month_end(day, months, expected):
    assert add_months(day, months) == expected


def test_evaluation_errors_name_the_expression():
    with pytest.raises(ExpressionError, match="x > 1"):
        run("x > 1", x=None)


def test_unanswered_is_none_and_helpers_handle_it():
    assert run("first(a, b, 3)", a=None, b=None) == 3
    assert run("max(a, 2)", a=None) == 2
    assert run("before(d, date('2025-08-02'))", d=dt.date(2025, 3, 1)) is True
    assert run("before(d, date('2025-08-02'))", d=None) is False


def test_evaluating_does_not_widen_the_allowed_functions():
    run("first(1)")
    with pytest.raises(ExpressionError, match="unknown function list"):
        compile_expression("list(1)")
