"""A questionnaire as the app holds it after reading an XLSForm.

The XLSForm file is the source (HQ writes it in Excel, as ODK and KoboToolbox users do); this module is
the checked, immutable shape the answering pages, the validation of answers and the analysis all read,
so none of them has to know about spreadsheet rows.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from postapp.survey.expressions import Expr

# What an answer holds, by question type: text and select_one a str, integer an int, decimal a float,
# date a datetime.date, select_multiple a tuple of choice names. An unanswered question is absent (None).
AnswerValue = str | int | float | dt.date | tuple[str, ...]
Answers = Mapping[str, AnswerValue | None]

# The key of labels in a column without a language (plain ``label``): the form's default language.
DEFAULT = ""


class QuestionType(enum.StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    SELECT_ONE = "select_one"
    SELECT_MULTIPLE = "select_multiple"
    NOTE = "note"

    @property
    def is_select(self) -> bool:
        return self in (QuestionType.SELECT_ONE, QuestionType.SELECT_MULTIPLE)


def pick(texts: Mapping[str, str], language: str, fallback: str = "") -> str:
    """The text in ``language``, else the form's default, else any: a half-translated form stays usable."""
    for key in (language, DEFAULT, fallback):
        if texts.get(key):
            return texts[key]
    return next((text for text in texts.values() if text), "")


@dataclass(frozen=True)
class Choice:
    name: str
    labels: Mapping[str, str]
    # Extra columns of the choices sheet, read by a choice_filter (``country = ${country}``).
    columns: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Question:
    name: str
    type: QuestionType
    row: int  # row on the survey sheet, for messages
    labels: Mapping[str, str] = field(default_factory=dict)
    hints: Mapping[str, str] = field(default_factory=dict)
    list_name: str | None = None  # the choice list of a select
    required: bool = False
    required_messages: Mapping[str, str] = field(default_factory=dict)
    relevant: Expr | None = None
    constraint: Expr | None = None
    constraint_messages: Mapping[str, str] = field(default_factory=dict)
    choice_filter: Expr | None = None
    appearance: str = ""
    group_path: tuple[str, ...] = ()  # names of the enclosing groups, outermost first


@dataclass(frozen=True)
class Group:
    name: str
    row: int
    labels: Mapping[str, str] = field(default_factory=dict)
    relevant: Expr | None = None
    children: tuple[Question | Group, ...] = ()


@dataclass(frozen=True)
class Form:
    form_id: str
    version: str
    titles: Mapping[str, str]
    default_language: str  # the language code of the plain ``label`` column, "" when not stated
    languages: tuple[str, ...]  # language codes with labels, e.g. ("nl", "en")
    children: tuple[Question | Group, ...]
    choices: Mapping[str, tuple[Choice, ...]]

    def questions(self) -> Iterator[Question]:
        """Every question in form order, notes included, groups flattened."""

        def walk(items: tuple[Question | Group, ...]) -> Iterator[Question]:
            for item in items:
                if isinstance(item, Group):
                    yield from walk(item.children)
                else:
                    yield item

        return walk(self.children)

    def question(self, name: str) -> Question:
        return self._question_index[name]

    @cached_property
    def _question_index(self) -> dict[str, Question]:
        # Skip logic asks for questions and groups by name many times per keystroke; a form never changes.
        return {question.name: question for question in self.questions()}

    def groups(self) -> dict[str, Group]:
        return self._group_index

    @cached_property
    def _group_index(self) -> dict[str, Group]:
        found: dict[str, Group] = {}

        def walk(items: tuple[Question | Group, ...]) -> None:
            for item in items:
                if isinstance(item, Group):
                    found[item.name] = item
                    walk(item.children)

        walk(self.children)
        return found

    def pages(self) -> list[Group]:
        """One page per top-level group; questions outside any group are gathered, in order, into pages
        of their own between the groups, so a form without groups is one page."""
        pages: list[Group] = []
        loose: list[Question | Group] = []

        def flush() -> None:
            if loose:
                first = loose[0]
                pages.append(Group(name=f"_page{len(pages) + 1}", row=first.row, children=tuple(loose)))
                loose.clear()

        for item in self.children:
            if isinstance(item, Group):
                flush()
                pages.append(item)
            else:
                loose.append(item)
        flush()
        return pages

    def title(self, language: str) -> str:
        return pick(self.titles, language, self.default_language) or self.form_id

    def label(self, item: Question | Group | Choice, language: str) -> str:
        return pick(item.labels, language, self.default_language) or item.name

    def choice_label(self, list_name: str, choice_name: str, language: str) -> str:
        for choice in self.choices.get(list_name, ()):
            if choice.name == choice_name:
                return self.label(choice, language)
        return choice_name
