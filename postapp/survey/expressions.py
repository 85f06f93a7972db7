"""XLSForm expressions (relevant, constraint, choice_filter): a small XPath subset, parsed and evaluated
here, never handed to ``eval``.

``regex()`` is refused on purpose: a pattern in a form could make Python's regular expressions
backtrack for minutes on every keystroke.

Supported: ``${name}`` references, ``.`` (the value being checked), numbers, strings in '…' or "…",
parentheses, the operators ``or and = != < <= > >= + - * div mod`` and unary ``-`` with XPath
precedence, and the functions in ``FUNCTIONS``. Anything else (other functions, paths such as
``/data/x``, ``../x``, ``@attr``, predicates) is refused when the form is read, with the position.
Bare names (``country``) are read only in a choice_filter (``choice_columns=True``): they are columns of
the choices sheet, taken from the ``choice`` mapping the caller passes (its extra columns, plus ``name``
for the choice's own name).

Evaluation follows ODK and never raises, because it runs while a person types:

* An answer reads as: missing → ""; select_multiple tuple → its names joined by spaces; date → ISO text
  (2026-11-24); bool, int and float as they are. ``.`` reads ``current`` the same way.
* ``=`` and ``!=``: booleans when either side is a boolean; numbers when either side is a number (an
  integer or decimal answer, a number literal); otherwise text, so ``'07' = '7'`` is false and
  ``${x} = ''`` tests for an empty answer.
* ``<`` ``<=`` ``>`` ``>=``: numbers when both sides are numbers; dates when both are ISO dates;
  otherwise false (an empty answer is neither smaller nor larger than 5, like NaN in XPath).
* Arithmetic works on numbers; empty or non-numeric text is NaN, and NaN spreads. An ISO date counts as
  days since 1970-01-01, as in ODK, so ``today() - ${birth}`` is a number of days. ``div`` by zero gives
  ±Infinity or NaN.
* As a condition (``holds``): a boolean is itself, a number is true when non-zero and not NaN, text is
  true when not empty.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from postapp.errors import PostAppError
from postapp.i18n import _, ngettext
from postapp.survey.form import Answers, AnswerValue

# XLSForm names: a letter or underscore, then letters, digits, "_", "-" and ".".
NAME_PATTERN = r"[A-Za-z_][A-Za-z0-9_.\-]*"
NAME = re.compile(NAME_PATTERN)

# Limits that keep parsing and evaluation well inside Python's stack: brackets and operators nested
# deeper than MAX_NESTING, or a tree deeper than MAX_DEPTH (a long chain of "or" is one level per term),
# are no condition anyone writes by hand.
MAX_NESTING = 50
MAX_DEPTH = 200

# Functions and how many arguments they take: (at least, at most); None is "no maximum".
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "selected": (2, 2),
    "not": (1, 1),
    "count-selected": (1, 1),
    "string-length": (1, 1),
    "today": (0, 0),
    "if": (3, 3),
    "true": (0, 0),
    "false": (0, 0),
    "number": (1, 1),
    "string": (1, 1),
    "concat": (1, None),
}


class ExpressionError(PostAppError):
    """A malformed or unsupported expression. ``position`` is the 0-based offset in ``text`` where the
    problem is; the (translated) message counts characters from 1, as a person does."""

    def __init__(self, message: str, text: str, position: int) -> None:
        super().__init__(message)
        self.text = text
        self.position = position


# --- The tree ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expr:
    """A parsed expression; the node kinds below. The summary fields are computed when a node is made."""

    references: frozenset[str] = field(init=False, repr=False, compare=False)  # the ${name}s used
    uses_current: bool = field(init=False, repr=False, compare=False)  # whether "." appears
    columns: frozenset[str] = field(init=False, repr=False, compare=False)  # bare names (choice columns)
    depth: int = field(init=False, repr=False, compare=False)

    def children(self) -> tuple[Expr, ...]:
        return ()

    def __post_init__(self) -> None:
        kids = self.children()
        own_ref = {self.name} if isinstance(self, Ref) else set()
        own_column = {self.name} if isinstance(self, Column) else set()
        object.__setattr__(self, "references", frozenset(own_ref.union(*(k.references for k in kids))))
        object.__setattr__(self, "columns", frozenset(own_column.union(*(k.columns for k in kids))))
        object.__setattr__(self, "uses_current", isinstance(self, Current) or any(k.uses_current for k in kids))
        object.__setattr__(self, "depth", 1 + max((k.depth for k in kids), default=0))


@dataclass(frozen=True)
class Literal(Expr):
    value: str | float


@dataclass(frozen=True)
class Ref(Expr):
    name: str


@dataclass(frozen=True)
class Current(Expr):
    pass


@dataclass(frozen=True)
class Column(Expr):
    name: str


@dataclass(frozen=True)
class Negate(Expr):
    operand: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.operand,)


@dataclass(frozen=True)
class Binary(Expr):
    op: str
    left: Expr
    right: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.left, self.right)


@dataclass(frozen=True)
class Call(Expr):
    name: str
    args: tuple[Expr, ...]

    def children(self) -> tuple[Expr, ...]:
        return self.args


# --- Tokens --------------------------------------------------------------------------------------------


class Token(NamedTuple):
    kind: str  # number, string, ref, op, dot, name, end
    text: str
    position: int


_TOKEN = re.compile(
    rf"""(?P<space>\s+)
    |(?P<number>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)
    |(?P<string>'[^']*'|"[^"]*")
    |(?P<ref>\$\{{{NAME_PATTERN}\}})
    |(?P<op>!=|<=|>=|[=<>+\-*(),])
    |(?P<path>\.\.|::|[/@\[\]|])
    |(?P<dot>\.)
    |(?P<name>{NAME_PATTERN}(?::{NAME_PATTERN})?)""",
    re.VERBOSE,
)


def _where(position: int) -> int:
    return position + 1


def _tokens(text: str) -> Iterator[Token]:
    """The tokens of ``text``, read as the parser asks for them, so the first problem is the one reported."""
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        char = text[position]
        if match is None:
            if char in "'\"":
                raise ExpressionError(_("the text in quotes starting at position {position} is not closed").format(
                    position=_where(position)), text, position)
            if char == "$":
                raise ExpressionError(_("the reference at position {position} must be written as ${{name}}").format(
                    position=_where(position)), text, position)
            raise ExpressionError(_("unexpected '{token}' at position {position}").format(
                token=char, position=_where(position)), text, position)
        kind = match.lastgroup or ""
        if kind == "path" and match.group() == "/":
            raise ExpressionError(_("'/' at position {position} is not supported: write ${{name}} to use an answer, "
                                    "and div to divide").format(position=_where(position)), text, position)
        if kind == "path":
            raise ExpressionError(_("'{token}' at position {position} is not supported: XPath paths cannot be used; "
                                    "write ${{name}} to use an answer").format(
                token=match.group(), position=_where(position)), text, position)
        if kind != "space":
            yield Token(kind, match.group(), position)
        position = match.end()
    while True:
        yield Token("end", "", len(text))


# --- Parser (precedence climbing) ----------------------------------------------------------------------

_BINARY = {"or": 1, "and": 2, "=": 3, "!=": 3, "<": 4, "<=": 4, ">": 4, ">=": 4,
           "+": 5, "-": 5, "*": 6, "div": 6, "mod": 6}
_UNARY = 7


class _Parser:
    def __init__(self, text: str, choice_columns: bool) -> None:
        self.text = text
        self.choice_columns = choice_columns
        self.tokens = _tokens(text)
        self.lookahead: Token | None = None
        self.nesting = 0

    def peek(self) -> Token:
        if self.lookahead is None:
            self.lookahead = next(self.tokens)
        return self.lookahead

    def advance(self) -> Token:
        token = self.peek()
        self.lookahead = None
        return token

    def fail(self, message: str, position: int) -> ExpressionError:
        return ExpressionError(message, self.text, position)

    def unexpected(self, token: Token) -> ExpressionError:
        if token.kind == "end":
            return self.fail(_("the expression ends too soon (position {position})").format(
                position=_where(token.position)), token.position)
        return self.fail(_("unexpected '{token}' at position {position}").format(
            token=token.text, position=_where(token.position)), token.position)

    def checked(self, node: Expr, position: int) -> Expr:
        if node.depth > MAX_DEPTH:
            raise self.fail(_("the expression is too deeply nested (position {position})").format(
                position=_where(position)), position)
        return node

    def binary_op(self, token: Token) -> str | None:
        if token.kind == "op" or token.kind == "name":
            return token.text if token.text in _BINARY else None
        return None

    def expression(self, min_power: int = 0) -> Expr:
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            position = self.peek().position
            raise self.fail(_("the expression is too deeply nested (position {position})").format(
                position=_where(position)), position)
        left = self.unary()
        while (op := self.binary_op(self.peek())) is not None and _BINARY[op] > min_power:
            token = self.advance()
            right = self.expression(_BINARY[op])
            left = self.checked(Binary(op, left, right), token.position)
        self.nesting -= 1
        return left

    def unary(self) -> Expr:
        token = self.peek()
        if token.kind == "op" and token.text == "-":
            self.advance()
            return self.checked(Negate(self.expression(_UNARY)), token.position)
        return self.primary()

    def primary(self) -> Expr:
        token = self.advance()
        if token.kind == "number":
            return Literal(float(token.text))
        if token.kind == "string":
            return Literal(token.text[1:-1])
        if token.kind == "ref":
            return Ref(token.text[2:-1])
        if token.kind == "dot":
            return Current()
        if token.kind == "op" and token.text == "(":
            inner = self.expression()
            if self.peek().text != ")" or self.peek().kind != "op":
                if self.peek().kind == "end":
                    raise self.fail(_("the parenthesis at position {position} is not closed").format(
                        position=_where(token.position)), token.position)
                raise self.unexpected(self.peek())
            self.advance()
            return inner
        if token.kind == "name":
            if self.peek().kind == "op" and self.peek().text == "(":
                return self.call(token)
            if not self.choice_columns:
                raise self.fail(_("'{name}' at position {position} is not understood: write ${{{name}}} to use the "
                                  "answer to a question").format(name=token.text, position=_where(token.position)),
                                token.position)
            return Column(token.text)
        raise self.unexpected(token)

    def call(self, name: Token) -> Expr:
        if name.text not in FUNCTIONS:
            raise self.fail(_("the function {name}() is not supported").format(name=name.text), name.position)
        self.advance()  # "("
        args: list[Expr] = []
        if not (self.peek().kind == "op" and self.peek().text == ")"):
            args.append(self.expression())
            while self.peek().kind == "op" and self.peek().text == ",":
                self.advance()
                args.append(self.expression())
        closing = self.peek()
        if not (closing.kind == "op" and closing.text == ")"):
            raise self.unexpected(closing)
        self.advance()
        least, most = FUNCTIONS[name.text]
        if len(args) < least or (most is not None and len(args) > most):
            if least == most:
                message = ngettext("the function {name}() takes {count} argument, not {given}",
                                   "the function {name}() takes {count} arguments, not {given}", least)
            else:
                message = ngettext("the function {name}() takes at least {count} argument",
                                   "the function {name}() takes at least {count} arguments", least)
            raise self.fail(message.format(name=name.text, count=least, given=len(args)), name.position)
        return self.checked(Call(name.text, tuple(args)), name.position)

    def parse(self) -> Expr:
        if not self.text.strip():
            raise self.fail(_("the expression is empty"), 0)
        result = self.expression()
        if self.peek().kind != "end":
            raise self.unexpected(self.peek())
        return result


def parse(text: str, *, choice_columns: bool = False) -> Expr:
    """The tree of ``text``; raises ExpressionError for anything malformed or unsupported."""
    return _Parser(text, choice_columns).parse()


# --- Evaluation ----------------------------------------------------------------------------------------

Value = str | int | float | bool
_NUMERIC = re.compile(r"\s*-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_EPOCH = dt.date(1970, 1, 1)


def _value(answer: object) -> Value:
    if answer is None:
        return ""
    if isinstance(answer, str | bool | int | float):
        return answer
    if isinstance(answer, tuple):
        return " ".join(str(item) for item in answer)
    if isinstance(answer, dt.datetime):
        return answer.date().isoformat()
    if isinstance(answer, dt.date):
        return answer.isoformat()
    return str(answer)


def _is_number(value: Value) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float)


def _number(value: Value) -> float:
    """XPath number(): NaN for text that is not a plain decimal number."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    return float(value) if _NUMERIC.fullmatch(value) else math.nan


def _date(value: Value) -> dt.date | None:
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _arithmetic_number(value: Value) -> float:
    day = _date(value)
    return float((day - _EPOCH).days) if day is not None else _number(value)


def _string(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return str(int(value)) if value.is_integer() else repr(value)
    return value


def _boolean(value: Value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0 and not math.isnan(value)
    return value != ""


def _equal(left: Value, right: Value) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return _boolean(left) == _boolean(right)
    # As in XPath: two texts compare as text ('07' is not '7'); a number on either side makes it numeric.
    if _is_number(left) or _is_number(right):
        return _number(left) == _number(right)
    return _string(left) == _string(right)


_ORDER: dict[str, Callable[[float, float], bool]] = {
    "<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
}


def _compare(op: str, left: Value, right: Value) -> bool:
    a, b = _number(left), _number(right)
    if not (math.isnan(a) or math.isnan(b)):
        return _ORDER[op](a, b)
    day_a, day_b = _date(left), _date(right)
    if day_a is not None and day_b is not None:
        return _ORDER[op](day_a.toordinal(), day_b.toordinal())
    return False


def _arithmetic(op: str, left: Value, right: Value) -> float:
    a, b = _arithmetic_number(left), _arithmetic_number(right)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "div":
        if b == 0:
            return math.nan if a == 0 or math.isnan(a) else math.copysign(math.inf, a) * math.copysign(1.0, b)
        return a / b
    # mod: the sign of the dividend, as in XPath; NaN where fmod has no answer
    if b == 0 or math.isnan(a) or math.isnan(b) or math.isinf(a):
        return math.nan
    return math.fmod(a, b)


class _Evaluator:
    def __init__(self, answers: Answers, current: AnswerValue | None, choice: Mapping[str, str] | None) -> None:
        self.answers = answers
        self.current = current
        self.choice = choice or {}

    def value(self, expr: Expr) -> Value:
        if isinstance(expr, Literal):
            return expr.value
        if isinstance(expr, Ref):
            return _value(self.answers.get(expr.name))
        if isinstance(expr, Current):
            return _value(self.current)
        if isinstance(expr, Column):
            return _value(self.choice.get(expr.name, self.choice.get(expr.name.lower())))
        if isinstance(expr, Negate):
            return -_arithmetic_number(self.value(expr.operand))
        if isinstance(expr, Binary):
            return self.binary(expr)
        if isinstance(expr, Call):
            return self.call(expr)
        return ""

    def binary(self, expr: Binary) -> Value:
        if expr.op == "or":
            return _boolean(self.value(expr.left)) or _boolean(self.value(expr.right))
        if expr.op == "and":
            return _boolean(self.value(expr.left)) and _boolean(self.value(expr.right))
        left, right = self.value(expr.left), self.value(expr.right)
        if expr.op == "=":
            return _equal(left, right)
        if expr.op == "!=":
            return not _equal(left, right)
        if expr.op in _ORDER:
            return _compare(expr.op, left, right)
        return _arithmetic(expr.op, left, right)

    def call(self, expr: Call) -> Value:
        name, args = expr.name, expr.args
        if name == "if":
            return self.value(args[1]) if _boolean(self.value(args[0])) else self.value(args[2])
        if name in ("true", "false"):
            return name == "true"
        if name == "today":
            return dt.date.today().isoformat()
        values = [self.value(arg) for arg in args]
        if name == "selected":
            return _string(values[1]).strip() in _string(values[0]).split()
        if name == "count-selected":
            return len(_string(values[0]).split())
        if name == "not":
            return not _boolean(values[0])
        if name == "string-length":
            return len(_string(values[0]))
        if name == "number":
            return _arithmetic_number(values[0])
        if name == "string":
            return _string(values[0])
        if name == "concat":
            return "".join(_string(value) for value in values)
        return ""


def evaluate(expr: Expr, answers: Answers, current: AnswerValue | None = None,
             choice: Mapping[str, str] | None = None) -> object:
    """The value of ``expr``: a str, a number or a bool. ``current`` is what ``.`` reads (the answer being
    checked by a constraint); ``choice`` is what bare names read in a choice_filter: the choice's extra
    columns plus ``name``. Never raises."""
    return _Evaluator(answers, current, choice).value(expr)


def holds(expr: Expr, answers: Answers, current: AnswerValue | None = None,
          choice: Mapping[str, str] | None = None) -> bool:
    """Whether ``expr`` is true, converting its value as XPath boolean() does. Never raises."""
    return _boolean(_Evaluator(answers, current, choice).value(expr))
