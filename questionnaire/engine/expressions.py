"""The small, safe expression language of conditions and facts.

Expressions are Python-like (`role == "integrator" and exceeds(training_compute_flop, gpai_threshold)`)
and evaluated by simpleeval, never by `eval`. Before that, `check_syntax` allows only the node types
below, so no attribute access, subscripts, comprehensions or f-strings reach the evaluator.
An unanswered or hidden question is None; the helper functions treat None as "not known".
"""

from __future__ import annotations

import ast
import calendar
import contextlib
import contextvars
import datetime as dt
import math
import operator
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from simpleeval import DEFAULT_OPERATORS, EvalWithCompoundTypes

# Bounds that keep any expression (and any chain of facts) cheap: nesting depth, number size, time.
MAX_DEPTH = 40  # nested operations in one expression
MAX_NUMBER = 10**40  # no integer or float beyond this (FLOP figures stop at 10^40, values.MAX_FLOP)


class ExpressionError(ValueError):
    pass


class ExpressionLimitError(ExpressionError):
    """A value beyond MAX_NUMBER, or a sequence or text too long: a chain of facts that explodes."""


class EvaluationTimeout(Exception):  # not an ExpressionError: it stops a whole lint or preview
    """Evaluation ran past the deadline set with `time_limit`."""


_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("expression_deadline", default=None)


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Every expression evaluated inside raises EvaluationTimeout once this thread has spent `seconds` of CPU time
    (CPU, not wall-clock, time: the cost of the content's expressions, which a busy machine does not inflate)."""
    token = _deadline.set(time.thread_time() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def bounded(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and abs(value) > MAX_NUMBER:
        raise ExpressionLimitError(f"a number larger than 10^40 came out ({len(str(abs(value)))} digits)")
    if isinstance(value, float) and (math.isinf(value) or math.isnan(value) or abs(value) > MAX_NUMBER):
        raise ExpressionLimitError("a number larger than 10^40 (or not finite) came out")
    return value


def _bounded_operator(function: Callable[..., Any]) -> Callable[..., Any]:
    def apply(*operands: Any) -> Any:
        try:
            return bounded(function(*operands))
        except OverflowError:
            raise ExpressionLimitError("a number too large for a float came out") from None

    return apply


OPERATORS = {**DEFAULT_OPERATORS}
for _node, _function in ((ast.Add, DEFAULT_OPERATORS[ast.Add]), (ast.Sub, operator.sub),
                         (ast.Mult, DEFAULT_OPERATORS[ast.Mult]), (ast.Div, operator.truediv),
                         (ast.USub, operator.neg), (ast.UAdd, operator.pos)):
    OPERATORS[_node] = _bounded_operator(_function)


def same(x: Any, t: Any) -> bool:
    """Equal within a relative tolerance: users type 1e25, computations give 9.999999999999999e24."""
    if x is None or t is None:
        return False
    return math.isclose(float(x), float(t), rel_tol=1e-9)


def exceeds(x: Any, t: Any) -> bool:
    """Every AI Act and Guidelines threshold is "greater than": equal (within tolerance) is not enough."""
    if x is None or t is None:
        return False
    return float(x) > float(t) and not same(x, t)


def first(*values: Any) -> Any:
    """The first value that is not None (an unanswered question is None)."""
    for value in values:
        if value is not None:
            return value
    return None


def _max(*values: Any) -> Any:
    known = [v for v in values if v is not None]
    return max(known) if known else None


def _min(*values: Any) -> Any:
    known = [v for v in values if v is not None]
    return min(known) if known else None


def add_months(day: dt.date | None, months: int) -> dt.date | None:
    """Same day of month `months` later, clamped to the month's last day (31 Aug + 6 = 28/29 Feb). None when
    there is no such date (beyond year 9999: an answer such as 9999-12-31, which the answer checks name)."""
    if day is None:
        return None
    index = day.month - 1 + int(months)
    year, month = day.year + index // 12, index % 12 + 1
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        return None
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_days(day: dt.date | None, days: int) -> dt.date | None:
    """`days` later; None when there is no such date (see add_months)."""
    if day is None:
        return None
    try:
        return day + dt.timedelta(days=int(days))
    except OverflowError:
        return None


def date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def before(a: dt.date | None, b: dt.date | None) -> bool:
    return a is not None and b is not None and a < b


def known(value: Any) -> bool:
    return value is not None


def flop2(value: Any, decimal: str = ".") -> str:
    """A FLOP figure to two significant figures, as a notification gives it (Guidelines §2.3.2): 2.3 × 10^25 FLOP
    (2,3 × 10^25 FLOP with a decimal comma: an Evaluator of a German or French Spec passes its separator)."""
    if value is None or isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return ""
    exact = Decimal(repr(float(value)))  # the figure as typed (1.05e25), so half-up rounding gives 1.1
    exponent = exact.adjusted()
    mantissa = exact.scaleb(-exponent).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if mantissa >= 10:
        mantissa, exponent = (mantissa / 10).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), exponent + 1
    return f"{str(mantissa).replace('.', decimal)} × 10^{exponent} FLOP"


def join(separator: Any, *parts: Any) -> str:
    """The texts that are not empty, joined: a sentence listing only the conditions that hold."""
    return str(separator).join(str(p) for p in parts if p not in (None, ""))


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "same": same,
    "exceeds": exceeds,
    "first": first,
    "max": _max,
    "min": _min,
    "add_months": add_months,
    "add_days": add_days,
    "date": date,
    "before": before,
    "known": known,
    "flop2": flop2,
    "join": join,
}
LITERAL_NAMES = {"True": True, "False": False, "None": None}

_ALLOWED_NODES = (
    ast.Expression, ast.Expr, ast.Name, ast.Load, ast.Constant, ast.Tuple, ast.List,
    ast.UnaryOp, ast.Not, ast.USub, ast.UAdd,
    ast.BinOp, ast.Add, ast.Sub, ast.Mult, ast.Div,
    ast.BoolOp, ast.And, ast.Or,
    ast.Compare, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn, ast.Is, ast.IsNot,
    ast.IfExp, ast.Call,
)


@dataclass(frozen=True)
class Compiled:
    source: str
    tree: ast.AST  # the body node simpleeval evaluates
    names: frozenset[str]  # every name used, functions excluded


def check_syntax(source: str) -> ast.Expression:
    """Parse and check the node types; raise ExpressionError with a plain message."""
    if not isinstance(source, str) or not source.strip():
        raise ExpressionError("the expression is empty")
    if len(source) > 4000:
        raise ExpressionError("the expression is longer than 4000 characters")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"syntax error at column {exc.offset}: {exc.msg}") from None
    except (RecursionError, MemoryError):
        raise ExpressionError(f"the expression is nested more than {MAX_DEPTH} levels deep") from None
    if _depth(tree) > MAX_DEPTH:
        raise ExpressionError(f"the expression is nested more than {MAX_DEPTH} levels deep")
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float) \
                and not isinstance(node.value, bool):
            try:
                bounded(node.value)
            except ExpressionLimitError:
                shown = ast.get_source_segment(source.strip(), node) or str(node.value)
                raise ExpressionError(f"the number {shown[:24]} is larger than 10^40") from None
        if not isinstance(node, _ALLOWED_NODES):
            raise ExpressionError(f"{type(node).__name__} is not allowed in expressions")
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                name = getattr(node.func, "id", "?")
                known_functions = ", ".join(sorted(FUNCTIONS))
                raise ExpressionError(f"unknown function {name}(); the functions are {known_functions}")
            if node.keywords:
                raise ExpressionError(f"{node.func.id}() takes positional arguments only")
        if isinstance(node, ast.Is | ast.IsNot):
            pass  # checked below: only `is None` / `is not None`
        if isinstance(node, ast.Compare):
            for op, right in zip(node.ops, node.comparators, strict=True):
                if isinstance(op, ast.Is | ast.IsNot) and not (
                    isinstance(right, ast.Constant) and right.value is None
                ):
                    raise ExpressionError("'is' may only be used as 'is None' or 'is not None'")
    return tree


def _depth(tree: ast.AST) -> int:
    """Nesting depth, without recursion (the tree may be deep: that is what is being checked)."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth <= MAX_DEPTH + 1:
            stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


def names_in(tree: ast.AST) -> frozenset[str]:
    called = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    return frozenset(
        n.id for n in ast.walk(tree)
        if isinstance(n, ast.Name) and n.id not in called and n.id not in LITERAL_NAMES
    )


def compile_expression(source: str) -> Compiled:
    tree = check_syntax(source)
    return Compiled(source=source, tree=tree.body, names=names_in(tree))


class Evaluator:
    """One simpleeval instance bound to a name scope; evaluates pre-compiled expressions."""

    def __init__(self, scope: dict[str, Any], decimal: str = ".") -> None:
        # a copy: simpleeval adds dict(), list(), set() and tuple() to the mapping it is given; `decimal`: the
        # decimal separator of the language the texts are written in (flop2 writes figures with it)
        functions = dict(FUNCTIONS)
        if decimal != ".":
            functions["flop2"] = lambda value: flop2(value, decimal)
        self._eval = EvalWithCompoundTypes(names=scope, functions=functions, operators=OPERATORS)
        scope.update(LITERAL_NAMES)

    def __call__(self, compiled: Compiled) -> Any:
        deadline = _deadline.get()
        if deadline is not None and time.thread_time() > deadline:
            raise EvaluationTimeout("evaluation ran past its time limit")
        try:
            return self._eval.eval(compiled.source, previously_parsed=compiled.tree)
        except (ExpressionError, EvaluationTimeout):
            raise
        except RecursionError:
            raise ExpressionLimitError(f"{compiled.source[:80]!r} is nested too deeply") from None
        except Exception as exc:  # a type error on None, an unknown name...: name the expression
            raise ExpressionError(f"{compiled.source!r} failed: {type(exc).__name__}: {exc}") from exc


def string_literals(tree: ast.AST) -> Iterable[tuple[str, list[str]]]:
    """Pairs (name, [string literals]) for each comparison of a name with string literals:
    `role == "x"`, `role in ("a", "b")`, `"x" == role`. Used to check choice values."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        for left, op, right in zip(operands, node.ops, operands[1:], strict=False):
            if not isinstance(op, ast.Eq | ast.NotEq | ast.In | ast.NotIn):
                continue
            for name_node, other in ((left, right), (right, left)):
                if isinstance(name_node, ast.Name):
                    literals = _strings(other)
                    if literals:
                        yield name_node.id, literals


def _strings(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Tuple | ast.List):
        return [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return []


def numeric_literals(tree: ast.AST) -> set[float]:
    return {
        float(n.value) for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, int | float) and not isinstance(n.value, bool)
    }
