"""HQ's fast rule checker gives what ``answering.problems`` and ``answering.kept_answers`` give."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from postapp.hq.rules import RuleChecker
from postapp.survey import answering, responses
from postapp.survey.form import AnswerValue, Form, QuestionType
from postapp.survey.xlsform import load_form
from tests.survey.xlsforms import write_xlsform

HEAD = ["type", "name", "label", "required", "relevant", "constraint", "choice_filter"]
SURVEY = [
    HEAD,
    ["begin group", "about", "About", "", ""],
    ["select_one countries", "country", "Country", "yes"],
    ["select_one cities", "city", "City", "yes", "", "", "country = ${country}"],
    ["integer", "age", "Age", "", "", ". >= 18 and . < 120"],
    ["end group"],
    ["begin group", "work", "Work", "", "${age} >= 18"],
    ["begin group", "details", "Details", "", "selected(${country}, 'nl')"],
    ["select_multiple crops", "crops", "Crops", "yes", "", "count-selected(.) <= 2"],
    ["text", "other_crop", "Other crop", "yes", "selected(${crops}, 'other')"],
    ["end group"],
    ["decimal", "income", "Income", "", "${other_crop} != ''", ". > 0"],
    ["end group"],
    ["date", "visit", "Visit", "", "", ". <= today()"],
    ["note", "thanks", "Thank you"],
]
CHOICES = [
    ["list_name", "name", "label", "country"],
    ["countries", "nl", "Netherlands"],
    ["countries", "be", "Belgium"],
    ["cities", "ams", "Amsterdam", "nl"],
    ["cities", "bru", "Brussels", "be"],
    ["crops", "rice", "Rice"],
    ["crops", "corn", "Corn"],
    ["crops", "other", "Other"],
]


def random_value(rng: random.Random, form: Form, name: str) -> AnswerValue | None:
    question = form.question(name)
    if question.type is QuestionType.NOTE or rng.random() < 0.15:
        return None
    options = [c.name for c in form.choices.get(question.list_name or "", ())]
    if question.type is QuestionType.SELECT_ONE:
        return rng.choice(options)
    if question.type is QuestionType.SELECT_MULTIPLE:
        return tuple(o for o in options if rng.random() < 0.5) or None
    if question.type is QuestionType.INTEGER:
        return rng.choice([5, 18, 40, 130])
    if question.type is QuestionType.DECIMAL:
        return rng.choice([-1.0, 0.0, 2.5, 40.0])
    if question.type is QuestionType.DATE:
        return dt.date.today() + dt.timedelta(days=rng.choice([-30, 0, 30]))
    return rng.choice(["", "some text", "other"])


def expected(form: Form, answers: dict[str, AnswerValue | None]) -> dict[str, AnswerValue] | None:
    if answering.problems(form, answers, "en"):
        return None
    return answering.kept_answers(form, answers)


def assert_dropped(checker: RuleChecker, answers: dict[str, AnswerValue | None]) -> None:
    """``dropped`` takes answers as normalise leaves them: no empty ones, no notes."""
    given = {k: v for k, v in answers.items() if v not in ("", ())
             and checker.form.question(k).type is not QuestionType.NOTE}
    want = expected(checker.form, dict(given))
    dropped = checker.dropped(given)  # type: ignore[arg-type]
    if want is None:
        assert dropped is None, given
    else:
        assert dropped is not None and {k: v for k, v in given.items() if k not in dropped} == want, given


@pytest.fixture(scope="module")
def rich_form(tmp_path_factory: pytest.TempPathFactory) -> Form:
    folder = tmp_path_factory.mktemp("forms")
    return load_form(write_xlsform(folder / "form.xlsx", SURVEY, CHOICES))


def test_agrees_with_answering_on_a_form_with_groups_filters_and_constraints(rich_form: Form) -> None:
    checker = RuleChecker(rich_form)
    rng = random.Random(5)
    names = [q.name for q in rich_form.questions()]
    outcomes = set()
    for _ in range(3000):
        answers = {name: random_value(rng, rich_form, name) for name in names}
        answers = {name: value for name, value in answers.items() if value is not None}
        want = expected(rich_form, answers)
        assert checker.check(answers) == want, answers
        assert checker.effective(answers) == answering.effective_answers(rich_form, answers)
        assert_dropped(checker, answers)
        outcomes.add(want is None)
    assert outcomes == {True, False}  # both kept and refused answer sets were tried


def test_agrees_with_answering_on_the_study_form() -> None:
    from tests.hq.helpers import varied_answers

    form = load_form(responses.STUDY_FORM_FILE.read_bytes())
    checker = RuleChecker(form)
    rng = random.Random(9)
    names = [q.name for q in form.questions()]
    refused = 0
    for number in range(1500):
        answers = {k: v for k, v in varied_answers(rng).items() if v is not None}
        if number % 3 == 1:  # break something: drop an answer, add one that is hidden, or a stray value
            name = rng.choice(names)
            value = random_value(rng, form, name)
            if value is None:
                answers.pop(name, None)
            else:
                answers[name] = value
        want = expected(form, answers)
        refused += want is None
        assert checker.check(answers) == want, answers
        assert_dropped(checker, answers)
    assert 0 < refused < 1500

