"""XLSForm expressions: what parses, what is refused (with the position), and how values compare."""

from __future__ import annotations

import datetime as dt
import itertools
import math

import pytest

from postapp.survey.expressions import Binary, Call, ExpressionError, Literal, Ref, evaluate, holds, parse
from postapp.survey.form import AnswerValue

ANSWERS: dict[str, AnswerValue | None] = {
    "age": 34,
    "income": 1500.5,
    "name": "Anna",
    "empty": None,
    "blank": "",
    "country": "nl",
    "code": "7",
    "crops": ("rice", "coffee"),
    "visit": dt.date(2026, 3, 1),
    "born": dt.date(1990, 1, 1),
}


def value(text: str, current: AnswerValue | None = None, **answers: AnswerValue | None) -> object:
    return evaluate(parse(text), {**ANSWERS, **answers}, current)


def test_precedence_follows_xpath() -> None:
    assert value("1 + 2 * 3") == 7
    assert value("(1 + 2) * 3") == 9
    assert value("10 - 4 - 3") == 3  # left to right
    assert value("7 mod 4 * 2") == 6
    assert value("-2 * 3") == -6
    assert value("- ${age} + 4") == -30
    assert value("1 + 1 = 2") is True
    assert value("1 < 2 = 2 > 1") is True  # (1 < 2) = (2 > 1)
    assert value("1 = 2 or 2 = 2 and 3 = 4") is False  # and binds tighter than or
    assert value("1 = 2 or 2 = 2 and 3 = 3") is True


def test_tree_shape_and_summary() -> None:
    expr = parse("${a} + 2 * ${b} > . and selected(${c}, 'x')")
    assert isinstance(expr, Binary)
    assert expr.op == "and"
    assert isinstance(expr.right, Call)
    assert expr.references == frozenset({"a", "b", "c"})
    assert expr.uses_current is True
    assert parse("${a} = 1").uses_current is False
    assert parse("2") == Literal(2.0)
    assert parse("${x}") == Ref("x")
    with pytest.raises(AttributeError):
        expr.op = "or"  # type: ignore[misc]


def test_and_or_not_short_circuit() -> None:
    assert value("true() and false()") is False
    assert value("false() or true()") is True
    assert value("not(${age} > 40)") is True
    assert value("not(${empty})") is True
    # the right side is never read when the left decides (1 div 0 would be Infinity, not an error anyway)
    assert value("false() and 1 div 0") is False
    assert value("true() or 1 div 0") is True


def test_selected_and_count_selected() -> None:
    assert value("selected(${crops}, 'coffee')") is True
    assert value("selected(${crops}, 'tea')") is False
    assert value("selected(${crops}, 'cof')") is False  # whole names only
    assert value("selected(${country}, 'nl')") is True  # a select_one too
    assert value("selected(${empty}, 'nl')") is False
    assert value("count-selected(${crops})") == 2
    assert value("count-selected(${empty})") == 0
    assert value("${crops}") == "rice coffee"


@pytest.mark.parametrize(("text", "expected"), [
    ("${code} = 7", True),  # numeric text and a number compare as numbers
    ("${code} = '7'", True),
    ("${code} = '7.0'", False),  # two texts compare as text, as in XPath
    ("${code} = '07'", False),
    ("${name} = 'Anna'", True),
    ("${name} = 'anna'", False),
    ("${name} != 'Bob'", True),
    ("${age} = '34'", True),
    ("${age} = 'x34'", False),
    ("${empty} = ''", True),
    ("${blank} = ''", True),
    ("${age} = ''", False),
    ("${age} != ''", True),
    ("${empty} = 0", False),  # empty is not zero
    ("true() = 'false'", True),  # a boolean compares as boolean: non-empty text is true
    ("false() = 0", True),
    ("${income} > 1500", True),
    ("${income} <= 1500", False),
    ("${code} > 10", False),  # numeric text compares as a number, not as text ("7" > "10")
    ("${empty} < 5", False),  # an empty answer is neither smaller ...
    ("${empty} >= 5", False),  # ... nor larger
    ("${name} > 1", False),
    ("'b' > 'a'", False),  # text does not order
])
def test_comparisons(text: str, expected: bool) -> None:
    assert value(text) is expected


def test_dates_compare_as_dates() -> None:
    assert value("${visit} > ${born}") is True
    assert value("${visit} = '2026-03-01'") is True
    assert value("${visit} < '2026-02-28'") is False
    assert value("${visit} < '2026-02-30'") is False  # no such date: no order
    assert value(". <= today()", current=dt.date.today()) is True
    assert value(". <= today()", current=dt.date.today() + dt.timedelta(days=1)) is False
    assert value("today()") == dt.date.today().isoformat()
    assert value("today() - ${born}") == (dt.date.today() - dt.date(1990, 1, 1)).days
    assert value("${visit} - ${born} > 365") is True
    assert value("${visit} > 5") is False


def test_arithmetic_with_empty_and_zero_never_raises() -> None:
    assert math.isnan(value("${empty} + 1"))  # type: ignore[arg-type]
    assert math.isnan(value("${name} * 2"))  # type: ignore[arg-type]
    assert value("1 div 0") == math.inf
    assert value("-1 div 0") == -math.inf
    assert math.isnan(value("0 div 0"))  # type: ignore[arg-type]
    assert math.isnan(value("5 mod 0"))  # type: ignore[arg-type]
    assert value("-5 mod 2") == -1  # the sign of the dividend, as in XPath
    assert value("7 div 2") == 3.5
    assert value("${code} + 1") == 8
    assert holds(parse("${empty} + 1"), ANSWERS) is False  # NaN is false


def test_current_value() -> None:
    constraint = parse(". >= 18 and . <= 120")
    assert holds(constraint, {}, 34) is True
    assert holds(constraint, {}, 12) is False
    assert holds(constraint, {}, None) is False
    assert holds(parse("string-length(.) <= 5"), {}, "Anna") is True
    assert holds(parse("string-length(.) <= 3"), {}, "Anna") is False
    assert holds(parse("selected(., 'b')"), {}, ("a", "b")) is True
    assert evaluate(parse("."), {}, dt.date(2026, 1, 2)) == "2026-01-02"


def test_choice_columns_read_the_choice() -> None:
    expr = parse("country = ${country} or name = 'other'", choice_columns=True)
    assert expr.references == frozenset({"country"})
    assert expr.columns == frozenset({"country", "name"})
    assert holds(expr, ANSWERS, choice={"country": "nl", "name": "amsterdam"}) is True
    assert holds(expr, ANSWERS, choice={"country": "be", "name": "brussels"}) is False
    assert holds(expr, ANSWERS, choice={"country": "be", "name": "other"}) is True
    assert holds(expr, ANSWERS, choice={"name": "x"}) is False  # a missing column is empty
    assert holds(expr, ANSWERS) is False
    assert holds(parse("Country = 'nl'", choice_columns=True), {}, choice={"country": "nl"}) is True


def test_if_and_conversions() -> None:
    assert value("if(${age} >= 18, 'adult', 'minor')") == "adult"
    assert value("if(${empty}, 'yes', 'no')") == "no"
    assert value("if(true(), 1, 1 div 0)") == 1
    assert value("number('12.5') + 1") == 13.5
    assert math.isnan(value("number('abc')"))  # type: ignore[arg-type]
    assert math.isnan(value("number('1e5')"))  # type: ignore[arg-type] # XPath has no exponents
    assert value("string(${age})") == "34"
    assert value("string(1 div 0)") == "Infinity"
    assert value("string(0.1 + 0.2 > 0.3)") == "true"
    assert value("concat(${name}, ' (', ${age}, ')')") == "Anna (34)"
    assert value("concat(${income})") == "1500.5"
    assert value("string-length(${crops})") == len("rice coffee")


def test_regex_is_refused_because_patterns_can_backtrack_for_minutes() -> None:
    with pytest.raises(ExpressionError, match=r"regex\(\) is not supported"):
        parse("regex(., '^(a+)+$')")


@pytest.mark.parametrize(("value_", "expected"), [
    (None, False), ("", False), ("0", True), ("x", True), (0, False), (0.0, False), (2, True), (-1.5, True),
    (math.nan, False), ((), False), (("a",), True), (dt.date(2026, 1, 1), True),
])
def test_holds_converts_as_boolean(value_: AnswerValue | None, expected: bool) -> None:
    assert holds(parse("${x}"), {"x": value_}) is expected


def test_evaluation_never_raises() -> None:
    values: list[AnswerValue | None] = [None, "", "abc", "12", " 3.5 ", "2026-02-30", "2026-01-01", 0, -1, 2.5,
                                        1e308, math.nan, math.inf, dt.date(2026, 1, 1), (), ("a", "b"), "9" * 400]
    operators = ["=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "div", "mod", "and", "or"]
    functions = ["selected(${a}, ${b})", "not(${a})", "count-selected(${a})", "string-length(${a})",
                 "number(${a})", "string(${a})", "concat(${a}, ${b})", "if(${a}, ${b}, .)",
                 "-${a}"]
    exprs = [parse(f"${{a}} {op} ${{b}}") for op in operators] + [parse(text) for text in functions]
    results = set()
    for expr, (a, b) in itertools.product(exprs, itertools.product(values, repeat=2)):
        result = evaluate(expr, {"a": a, "b": b}, a)
        results.add(type(result))
        holds(expr, {"a": a, "b": b}, b)
    assert results <= {str, int, float, bool}


@pytest.mark.parametrize(("text", "fragment", "position"), [
    ("", "empty", 0),
    ("   ", "empty", 0),
    ("${age} >", "ends too soon", 8),
    ("(${age} > 1", "parenthesis at position 1 is not closed", 0),
    ("${age} > 1)", "unexpected ')' at position 11", 10),
    ("${age} 1", "unexpected '1' at position 8", 7),
    ("'abc", "quotes starting at position 1", 0),
    ("${a} = \"x", "quotes starting at position 8", 7),
    ("${a b} = 1", "position 1 must be written as ${name}", 0),
    ("$age = 1", "position 1 must be written as ${name}", 0),
    ("${1a} = 1", "position 1", 0),
    ("/data/age > 1", "'/' at position 1", 0),
    ("${a} / 2", "div to divide", 5),
    ("../age > 1", "'..' at position 1", 0),
    ("@id = 1", "'@' at position 1", 0),
    ("${a}[1] = 1", "'[' at position 5", 4),
    ("${a} | ${b}", "'|' at position 6", 5),
    ("${a} == 1", "unexpected '=' at position 7", 6),
    ("${a} ! 1", "unexpected '!' at position 6", 5),
    ("${a} & 1", "unexpected '&' at position 6", 5),
    ("age > 1", "'age' at position 1 is not understood: write ${age}", 0),
    ("${a} = yes", "'yes' at position 8 is not understood: write ${yes}", 7),
    ("jr:choice-name(${a}, '${a}')", "jr:choice-name() is not supported", 0),
    ("position(..)", "position() is not supported", 0),
    ("indexed-repeat(${a}, ${g}, 1)", "indexed-repeat() is not supported", 0),
    ("pulldata('f', 'c', 'k', ${a})", "pulldata() is not supported", 0),
    ("1 + coalesce(${a}, 0)", "coalesce() is not supported", 4),
    ("selected(${a})", "selected() takes 2 arguments, not 1", 0),
    ("not()", "not() takes 1 argument, not 0", 0),
    ("today(1)", "today() takes 0 arguments, not 1", 0),
    ("if(1, 2)", "if() takes 3 arguments, not 2", 0),
    ("concat()", "concat() takes at least 1 argument", 0),
    ("selected(${a}, 'x'", "ends too soon", 18),
    ("selected(${a} 'x')", "unexpected ''x'' at position 15", 14),
    ("()", "unexpected ')' at position 2", 1),
    ("1 +* 2", "unexpected '*' at position 4", 3),
    ("(" * 60 + "1" + ")" * 60, "too deeply nested", 50),
    ("+".join(["1"] * 300), "too deeply nested", 399),
])
def test_malformed_and_unsupported(text: str, fragment: str, position: int) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    assert fragment in str(caught.value)
    assert caught.value.position == position
    assert caught.value.text == text


def test_long_or_chains_are_fine() -> None:
    text = " or ".join(f"selected(${{a}}, 'c{i}')" for i in range(100))
    assert holds(parse(text), {"a": ("c99",)}) is True
    assert holds(parse(text), {"a": ("c100",)}) is False

