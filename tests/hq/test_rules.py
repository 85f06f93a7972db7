"""HQ's fast rule checker gives what ``answering.problems`` and ``answering.kept_answers`` give; ingest's
fast reading of answers gives what its long way gives."""

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
    assert checker.dropped_general(given) == dropped, given  # type: ignore[arg-type]  (the fast way agrees)


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



# --- ingest's fast reading of answers (``_Answers.plain``) against the long way (``plain_slow``) ---------

ODD_VALUES: list[object] = [None, "", [], {}, {"a": 1}, 1, 1.0, -0.0, 0, True, False, "1", 40, 40.0, "40", 2.5, "2.5",
                            -1, 130, 10**13, " nl ", "NL", "nl", "be", "ams", "bru", "rice", "other", "rice corn",
                            ["rice"], ["rice", "rice"], ["corn", "rice"], ["rice corn"], [1], [True], [["rice"]],
                            [{"a": 1}], ["rice", None], ["nope"], "2026-01-01", "01-01-2026", "some\x0btext", " ",
                            "1", "3", "5", "none", "planned", "x" * 30_000]


def random_plain(rng: random.Random, form: Form, names: list[str]) -> dict[str, object]:
    """Answers as they arrive in a bundle (JSON values), mostly sensible, some not at all."""
    import orjson

    raw: dict[str, object] = {}
    for name in names:
        roll = rng.random()
        if roll < 0.15:
            continue
        if roll < 0.3:
            raw[name] = rng.choice(ODD_VALUES)
        else:
            value = random_value(rng, form, name)
            raw[name] = None if value is None else answering.to_plain(value)
    if rng.random() < 0.03:
        raw["no_such_question"] = "nl"
    items = list(raw.items())
    rng.shuffle(items)  # the order the post wrote them in, which the stored answers keep
    return orjson.loads(orjson.dumps(dict(items)))  # type: ignore[no-any-return]


def assert_plain_agrees(form: Form, answer_sets: list[dict[str, object]]) -> None:
    from postapp.hq.ingest import _Answers

    fast, slow = _Answers(form), _Answers(form)  # each with its own caches, warm after the first sets
    outcomes = set()
    for raw in answer_sets:
        want = slow.plain_slow(raw)
        for reader in (fast, _Answers(form)) if len(outcomes) < 2 else (fast,):
            got = reader.plain(raw)
            assert got == want, raw
            assert got is None or list(got) == list(want or ()), raw  # the same order too
        outcomes.add(want is None)
    assert outcomes == {True, False}


def test_plain_reads_answers_as_plain_slow_does_on_a_rich_form(rich_form: Form) -> None:
    rng = random.Random(11)
    names = [q.name for q in rich_form.questions()]
    assert_plain_agrees(rich_form, [random_plain(rng, rich_form, names) for _ in range(4000)])


def test_plain_reads_answers_as_plain_slow_does_on_the_study_form() -> None:
    import orjson

    from tests.hq.helpers import plain_answers, varied_answers

    form = load_form(responses.STUDY_FORM_FILE.read_bytes())
    rng = random.Random(13)
    names = [q.name for q in form.questions()]
    sets: list[dict[str, object]] = []
    for number in range(4000):
        if number % 4 == 3:
            sets.append(random_plain(rng, form, names))
            continue
        raw: dict[str, object] = orjson.loads(orjson.dumps(plain_answers(varied_answers(rng))))
        if number % 4 == 1:  # one answer changed: to an odd value, a value of another question, or left out
            name = rng.choice(names)
            roll = rng.random()
            if roll < 0.4:
                raw[name] = rng.choice(ODD_VALUES)
            elif roll < 0.8:
                value = random_value(rng, form, name)
                raw[name] = None if value is None else orjson.loads(orjson.dumps(answering.to_plain(value)))
            else:
                raw.pop(name, None)
        sets.append(raw)
    assert_plain_agrees(form, sets)
