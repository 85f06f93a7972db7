"""The questionnaire's rules for many responses at once, as ``postapp.survey.answering`` applies them.

``answering.problems`` and ``answering.kept_answers`` are made for one response being typed: each field
works out the hidden answers again, about a millisecond per response. HQ takes in a hundred thousand at
a time, so ``RuleChecker`` does the same steps once per response, in the same order, with the same
functions where it can (``expressions.holds``, ``answering.choices_for``), and remembers what each
expression gave for the values it reads (``Expr.references`` and the value being checked): the few
relevants and constraints of a study see the same few values over and over. ``dropped``, what ingest
calls for every response, goes further: each relevant and constraint is compiled once per form version
into a test with its own memo keyed by the values it reads, and when nothing is hidden (nearly always)
each test runs at most once per response; the general steps run only for answers that hide something.

``tests/hq/test_rules.py`` checks it agrees with ``answering.problems`` and ``answering.kept_answers``
on many answer sets, kept and refused; should the rules of answering change, that test says so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from postapp.survey.expressions import Expr, holds
from postapp.survey.form import AnswerValue, Form, Question, QuestionType

MAX_REMEMBERED = 200_000
MAX_REMEMBERED_PER_TEST = 50_000

Test = Callable[[Mapping[str, AnswerValue]], bool]
ConstraintTest = Callable[[Mapping[str, AnswerValue], AnswerValue], bool]


def _test(expr: Expr) -> Test:
    """``holds(expr, answers)``, remembered by the values of the answers ``expr`` reads."""
    refs = tuple(sorted(expr.references))
    memo: dict[object, bool] = {}
    get = memo.get
    if len(refs) == 1:
        (ref,) = refs

        def one(answers: Mapping[str, AnswerValue]) -> bool:
            read = answers.get(ref)
            found = get(read)
            if found is None:
                found = holds(expr, answers)
                if len(memo) < MAX_REMEMBERED_PER_TEST:
                    memo[read] = found
            return found

        return one

    def many(answers: Mapping[str, AnswerValue]) -> bool:
        read = tuple([answers.get(name) for name in refs])
        found = get(read)
        if found is None:
            found = holds(expr, answers)
            if len(memo) < MAX_REMEMBERED_PER_TEST:
                memo[read] = found
        return found

    return many


def _constraint_test(expr: Expr) -> ConstraintTest:
    """``holds(expr, answers, current=value)``, remembered by the value and the answers ``expr`` reads."""
    refs = tuple(sorted(expr.references))
    memo: dict[object, bool] = {}
    get = memo.get

    def test(answers: Mapping[str, AnswerValue], current: AnswerValue) -> bool:
        key = (current, tuple([answers.get(name) for name in refs])) if refs else current
        found = get(key)
        if found is None:
            found = holds(expr, answers, current=current)
            if len(memo) < MAX_REMEMBERED_PER_TEST:
                memo[key] = found
        return found

    return test


@dataclass(frozen=True)
class _Rule:
    question: Question
    shows_if: tuple[Expr, ...]  # the relevants of its groups, outermost first, then its own
    allowed_if: tuple[tuple[str, dict[str, str]], ...] | None  # choices to filter, when a choice_filter narrows

    @property
    def constraint(self) -> Expr | None:
        return self.question.constraint


def _empty(value: AnswerValue | None) -> bool:
    return value is None or value == "" or value == ()


class RuleChecker:
    def __init__(self, form: Form) -> None:
        self.form = form
        groups = form.groups()
        rules = []
        for question in form.questions():
            shows_if = [g.relevant for name in question.group_path
                        if (g := groups.get(name)) is not None and g.relevant is not None]
            if question.relevant is not None:
                shows_if.append(question.relevant)
            allowed_if = None
            if question.type.is_select and question.choice_filter is not None:
                allowed_if = tuple((c.name, {**c.columns, "name": c.name})
                                   for c in form.choices.get(question.list_name or "", ()))
            rules.append(_Rule(question, tuple(shows_if), allowed_if))
        self.rules = tuple(rules)
        # Most questions always show and have no constraint or filter: they are kept when answered, and
        # a required one must be answered. Only the others need the loop below.
        plain = [r for r in rules if r.question.type is not QuestionType.NOTE and not r.shows_if
                 and r.allowed_if is None and r.constraint is None]
        self.plain = tuple(r.question.name for r in plain)
        self.plain_required = frozenset(r.question.name for r in plain if r.question.required)
        self.special = tuple(r for r in rules if r.question.type is not QuestionType.NOTE and r not in plain)
        self.conditional = tuple(r for r in rules if r.shows_if)
        self._memo: dict[tuple[object, ...], bool] = {}
        self._refs: dict[int, tuple[str, ...]] = {}
        # ``dropped``'s compiled form: for each conditional question its tests; for each special one its
        # name, whether it is required, its tests, the rule (for a choice_filter) and its constraint test.
        tests = {id(r): tuple(_test(expr) for expr in r.shows_if) for r in rules}
        self._conditional_tests = tuple((r.question.name, tests[id(r)]) for r in self.conditional)
        self._special_tests = tuple(
            (r.question.name, r.question.required, tests[id(r)], r,
             None if r.constraint is None else _constraint_test(r.constraint)) for r in self.special)

    def _holds(self, expr: Expr, answers: Mapping[str, AnswerValue], current: AnswerValue | None = None,
               choice: tuple[str, dict[str, str]] | None = None) -> bool:
        refs = self._refs.get(id(expr))
        if refs is None:
            refs = self._refs[id(expr)] = tuple(sorted(expr.references))
        read = answers.get(refs[0]) if len(refs) == 1 else tuple(answers.get(name) for name in refs)
        key = (id(expr), read, current, choice[0] if choice else None)
        found = self._memo.get(key)
        if found is None:
            found = holds(expr, answers, current=current, choice=choice[1] if choice else None)
            if len(self._memo) < MAX_REMEMBERED:
                self._memo[key] = found
        return found

    def _shows(self, rule: _Rule, answers: Mapping[str, AnswerValue]) -> bool:
        for expr in rule.shows_if:  # noqa: SIM110  (a loop: all() over a generator costs twice as much here)
            if not self._holds(expr, answers):
                return False
        return True

    def effective(self, answers: Mapping[str, AnswerValue | None]) -> dict[str, AnswerValue]:
        """``answering.effective_answers``: without the answers to questions that are hidden."""
        context = {name: value for name, value in answers.items() if value is not None}
        for _round in range(len(context) + 1):
            hidden = [r.question.name for r in self.conditional
                      if r.question.name in context and not self._shows(r, context)]
            if not hidden:
                break
            for name in hidden:
                del context[name]
        return context

    def check(self, answers: Mapping[str, AnswerValue | None]) -> dict[str, AnswerValue] | None:
        """``answering.kept_answers`` when ``answering.problems`` finds nothing, else None.

        Select values must already be among their list's options (``answering.normalise`` sees to
        that); only a choice_filter can narrow them further, and that is checked here."""
        context = self.effective(answers)
        given = {name for name, value in context.items() if value != "" and value != ()}
        if not self.plain_required <= given:
            return None
        kept = {name: context[name] for name in self.plain if name in given}
        for rule in self.special:
            question = rule.question
            if rule.shows_if and not self._shows(rule, context):
                continue
            value = context.get(question.name)
            if value is None or question.name not in given:
                if question.required:
                    return None
                continue
            if rule.allowed_if is not None:
                allowed = {name for name, columns in rule.allowed_if
                           if self._holds(question.choice_filter, context, choice=(name, columns))}  # type: ignore[arg-type]
                if any(name not in allowed for name in (value if isinstance(value, tuple) else (value,))):
                    return None
            if question.constraint is not None and not self._holds(question.constraint, context, current=value):
                return None
            kept[question.name] = value
        return kept  # the same answers as kept_answers gives; their order in the object does not matter

    def dropped(self, answers: Mapping[str, AnswerValue]) -> set[str] | None:
        """For answers already read with ``answering.normalise`` (none empty, selects among their options):
        the names ``kept_answers`` would leave out (answers to hidden questions), or None when
        ``problems`` would find something. The same as ``check``, without building the kept answers.

        When no answer is hidden (nearly always), the answers are their own context: every conditional
        question answered shows (that was just tested), so only an unanswered required one needs its
        relevants again, and each test runs at most once. Otherwise ``dropped_general`` does the steps of
        ``answering`` one by one."""
        for name, tests in self._conditional_tests:
            if name in answers:
                for test in tests:
                    if not test(answers):
                        return self.dropped_general(answers)
        if not answers.keys() >= self.plain_required:
            return None
        for name, required, tests, rule, constraint in self._special_tests:
            value = answers.get(name)
            if value is None:
                if required:
                    for test in tests:
                        if not test(answers):
                            break
                    else:
                        return None  # required, showing and not answered
                continue
            if rule.allowed_if is not None and not self._allowed(rule, answers, value):
                return None
            if constraint is not None and not constraint(answers, value):
                return None
        return set()

    def _allowed(self, rule: _Rule, context: Mapping[str, AnswerValue], value: AnswerValue) -> bool:
        """Whether a select's value is among the options its choice_filter leaves with these answers."""
        assert rule.allowed_if is not None and rule.question.choice_filter is not None
        allowed = {name for name, columns in rule.allowed_if
                   if self._holds(rule.question.choice_filter, context, choice=(name, columns))}
        return all(name in allowed for name in (value if isinstance(value, tuple) else (value,)))

    def dropped_general(self, answers: Mapping[str, AnswerValue]) -> set[str] | None:
        """``dropped`` step by step, as ``answering`` goes (hidden answers taken out until none is left)."""
        context = answers
        hidden = [r.question.name for r in self.conditional
                  if r.question.name in context and not self._shows(r, context)]
        if hidden:
            context = self.effective(answers)
        if not context.keys() >= self.plain_required:
            return None
        for rule in self.special:
            question = rule.question
            if rule.shows_if and not self._shows(rule, context):
                continue
            value = context.get(question.name)
            if value is None:
                if question.required:
                    return None
                continue
            if rule.allowed_if is not None and not self._allowed(rule, context, value):
                return None
            if question.constraint is not None and not self._holds(question.constraint, context, current=value):
                return None
        return set(answers.keys() - context.keys()) if hidden else set()
