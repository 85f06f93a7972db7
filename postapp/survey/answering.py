"""The rules of answering a form: which questions show, what counts as an answer, what blocks submitting.

The answering pages, the CLI and the validation at submit all go through here, so skip logic and
messages are the same wherever a response is made.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping, Sequence

from postapp.errors import ValidationError
from postapp.i18n import _, format_number, parse_date, parse_decimal
from postapp.survey.expressions import holds
from postapp.survey.form import Answers, AnswerValue, Choice, Form, Group, Question, QuestionType, pick

MAX_TEXT = 20_000  # an open answer of twenty thousand characters is a paste gone wrong, not a remark
MAX_INTEGER = 10**12
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")



def _group_visible(form: Form, group: Group, answers: Answers) -> bool:
    return group.relevant is None or holds(group.relevant, answers)


def is_visible(form: Form, question: Question, answers: Answers) -> bool:
    """A question shows when its own relevant holds and so does that of every group around it."""
    groups = form.groups()
    for name in question.group_path:
        group = groups.get(name)
        if group is not None and not _group_visible(form, group, answers):
            return False
    return question.relevant is None or holds(question.relevant, answers)


def effective_answers(form: Form, answers: Answers) -> dict[str, AnswerValue]:
    """The answers as skip logic sees them: without those to questions that are hidden.

    A relevant is evaluated on the answers, so an answer to a question that is itself hidden would still
    count: with extra_actions "none", actions_which is hidden, yet an earlier "other" ticked in it would
    keep actions_other showing (and required). Taking hidden answers out until nothing changes makes skip
    logic cascade as it does in ODK; a relevant may read a later question, hence more than one pass. A
    draft keeps every answer (someone who changes their mind back finds them again); submitting keeps
    only these."""
    context: dict[str, AnswerValue] = {name: value for name, value in answers.items() if value is not None}
    for _round in range(len(context) + 1):
        hidden = [q.name for q in form.questions() if q.name in context and not is_visible(form, q, context)]
        if not hidden:
            break
        for name in hidden:
            del context[name]
    return context


def page_visible(form: Form, page: Group, answers: Answers) -> bool:
    """A page shows when its group's relevant holds and at least one of its questions shows."""
    if not _group_visible(form, page, answers):
        return False
    return any(is_visible(form, q, answers) for q in _questions_in(page))


def _questions_in(group: Group) -> Iterable[Question]:
    for item in group.children:
        if isinstance(item, Group):
            yield from _questions_in(item)
        else:
            yield item


def questions_on(page: Group) -> list[Question]:
    return list(_questions_in(page))


def choices_for(form: Form, question: Question, answers: Answers) -> tuple[Choice, ...]:
    """The options of a select as they stand now: a choice_filter narrows them by earlier answers."""
    if question.list_name is None:
        return ()
    options = form.choices.get(question.list_name, ())
    if question.choice_filter is None:
        return options
    expr = question.choice_filter
    return tuple(c for c in options if holds(expr, answers, choice={**c.columns, "name": c.name}))


def _is_empty(value: AnswerValue | None) -> bool:
    return value is None or value == "" or value == ()


def field_problem(form: Form, question: Question, answers: Answers, language: str) -> str | None:
    """The message to show at the field now, or None. Hidden questions never block."""
    answers = effective_answers(form, answers)
    if question.type is QuestionType.NOTE or not is_visible(form, question, answers):
        return None
    value = answers.get(question.name)
    if _is_empty(value):
        if question.required:
            return pick(question.required_messages, language, form.default_language) or _("An answer is required.")
        return None
    if question.type.is_select:
        allowed = {c.name for c in choices_for(form, question, answers)}
        chosen = value if isinstance(value, tuple) else (value,)
        if any(name not in allowed for name in chosen):
            return _("This option is not available with the answers given earlier.")
    if question.constraint is not None and not holds(question.constraint, answers, current=value):
        return pick(question.constraint_messages, language, form.default_language) or _(
            "This answer is not allowed here.")
    return None


def problems(form: Form, answers: Answers, language: str) -> dict[str, str]:
    """Every field that blocks submitting, in form order, keyed by question name."""
    found: dict[str, str] = {}
    answers = effective_answers(form, answers)
    for question in form.questions():
        message = field_problem(form, question, answers, language)
        if message is not None:
            found[question.name] = message
    return found


def first_page_with_problem(form: Form, found: Mapping[str, str]) -> int | None:
    for index, page in enumerate(form.pages()):
        if any(q.name in found for q in questions_on(page)):
            return index
    return None


def kept_answers(form: Form, answers: Answers) -> dict[str, AnswerValue]:
    """What a submitted response keeps: answers to questions that show, as ODK does, so an answer given
    before a person changed their mind does not count in the analysis."""
    kept: dict[str, AnswerValue] = {}
    answers = effective_answers(form, answers)
    for question in form.questions():
        value = answers.get(question.name)
        if question.type is not QuestionType.NOTE and not _is_empty(value) and is_visible(form, question, answers):
            assert value is not None
            kept[question.name] = value
    return kept


def coerce(form: Form, question: Question, raw: str | Sequence[str] | None) -> AnswerValue | None:
    """Reads what a person typed or chose into the value the question holds. Raises ValidationError
    keyed by the question name with a message in the user's language."""

    def refuse(message: str) -> ValidationError:
        return ValidationError({question.name: message})

    if raw is None:
        return None
    kind = question.type
    if kind is QuestionType.SELECT_MULTIPLE:
        names = [raw] if isinstance(raw, str) else list(raw)
        names = [n for part in names for n in part.split()]
        known = [c.name for c in form.choices.get(question.list_name or "", ())]
        unknown = [n for n in names if n not in known]
        if unknown:
            raise refuse(_("Unknown option: {name}").format(name=unknown[0]))
        return tuple(n for n in known if n in names)
    if not isinstance(raw, str):
        raise refuse(_("Give one answer."))
    text = raw.strip()
    if not text:
        return None
    if kind in (QuestionType.TEXT, QuestionType.NOTE):
        text = CONTROL_CHARACTERS.sub("", text)  # pasted from a word processor: vertical tabs, form feeds
        if len(text) > MAX_TEXT:
            raise refuse(_("The text is too long: {count} characters, at most {maximum}.").format(
                count=format_number(len(text)), maximum=format_number(MAX_TEXT)))
        return text
    if kind is QuestionType.SELECT_ONE:
        if text not in {c.name for c in form.choices.get(question.list_name or "", ())}:
            raise refuse(_("Unknown option: {name}").format(name=text))
        return text
    if kind is QuestionType.DATE:
        try:
            return parse_date(text)
        except ValueError:
            raise refuse(_("Not a date; write it as 24-11-2026 or 2026-11-24.")) from None
    try:
        number = parse_decimal(text)
    except ValueError:
        raise refuse(_("Not a number.")) from None
    if kind is QuestionType.INTEGER:
        if number != number.to_integral_value():
            raise refuse(_("Give a whole number."))
        if abs(number) >= MAX_INTEGER:
            raise refuse(_("The number is too large."))
        return int(number)
    value = float(number)
    if not math.isfinite(value) or abs(value) >= 1e15:
        raise refuse(_("The number is too large."))
    return value


PlainValue = str | int | float | list[str]


def to_plain(value: AnswerValue) -> PlainValue:
    """An answer as it is stored and travels: JSON values only."""
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def from_stored(question: Question | None, value: object) -> AnswerValue | None:
    """The inverse of ``to_plain`` for values this app stored; a question no longer on the form, or a
    value that no longer fits it, comes back as it was stored rather than being lost."""
    if value is None:
        return None
    kind = question.type if question is not None else None
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    if kind is QuestionType.DATE and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    if kind is QuestionType.DECIMAL and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return value
    return str(value)


def from_plain(form: Form, question: Question, value: object) -> AnswerValue | None:
    """Reads an answer as it travels in JSON (numbers as numbers, dates in ISO, selects as names): the
    machine form, independent of the reader's locale."""
    if value is None or value == "" or value == []:
        return None
    kind = question.type
    try:
        if kind is QuestionType.INTEGER and isinstance(value, int | str) and not isinstance(value, bool):
            number = int(value)
            if abs(number) < MAX_INTEGER:
                return number
        elif kind is QuestionType.DECIMAL and isinstance(value, int | float | str) and not isinstance(value, bool):
            decimal = float(value)
            if math.isfinite(decimal):
                return decimal
        elif kind is QuestionType.DATE and isinstance(value, str):
            return dt.date.fromisoformat(value)
        elif kind is QuestionType.SELECT_MULTIPLE and isinstance(value, list | tuple | str):
            return coerce(form, question, [str(v) for v in value] if not isinstance(value, str) else value)
        elif kind in (QuestionType.TEXT, QuestionType.SELECT_ONE) and isinstance(value, str):
            return coerce(form, question, value)
    except ValueError:
        pass
    raise ValidationError({question.name: _("{name}: not a valid answer ({value}).").format(
        name=question.name, value=str(value)[:50])})


def normalise(form: Form, question: Question, value: AnswerValue | None) -> AnswerValue | None:
    """Checks that a value has the question's type and puts it in its one stored form (options of a
    select_multiple in list order, once each), so that whoever calls the services cannot store what
    the form would never produce."""
    if _is_empty(value):
        return None
    kind = question.type
    options = [c.name for c in form.choices.get(question.list_name or "", ())]
    fits = (
        (kind is QuestionType.TEXT and isinstance(value, str) and len(value) <= MAX_TEXT)
        or (kind is QuestionType.INTEGER and isinstance(value, int) and not isinstance(value, bool)
            and abs(value) < MAX_INTEGER)
        or (kind is QuestionType.DECIMAL and isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value))
        or (kind is QuestionType.DATE and isinstance(value, dt.date))
        or (kind is QuestionType.SELECT_ONE and isinstance(value, str) and value in options)
        or (kind is QuestionType.SELECT_MULTIPLE and isinstance(value, tuple)
            and all(isinstance(v, str) and v in options for v in value))
    )
    if not fits:
        raise ValidationError({question.name: _("{name}: not a valid answer ({value}).").format(
            name=question.name, value=str(value)[:50])})
    if isinstance(value, tuple):
        return tuple(name for name in options if name in value)
    if kind is QuestionType.TEXT and isinstance(value, str):
        return CONTROL_CHARACTERS.sub("", value) or None
    if kind is QuestionType.DECIMAL:
        assert isinstance(value, int | float)
        return float(value)
    return value
