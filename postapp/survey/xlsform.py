"""Reads an XLSForm workbook (.xlsx, https://xlsform.org) into a checked ``Form``.

HQ writes questionnaires in Excel as ODK and KoboToolbox users do: a ``survey`` sheet (one row per
question or group), a ``choices`` sheet (the answer lists of the selects) and a ``settings`` sheet
(form_id, version, titles). The app supports a subset: text, integer, decimal, date, note, select_one,
select_multiple and nested groups, with labels and hints in several languages, required, relevant,
constraint and choice_filter. Everything outside that subset is refused with the sheet, row and column,
rather than ignored, so a form never behaves differently here than its author expects.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from postapp.errors import PostAppError
from postapp.i18n import _
from postapp.survey.expressions import NAME, Expr, ExpressionError, parse
from postapp.survey.form import DEFAULT, Choice, Form, Group, Question, QuestionType

MAX_FORM_BYTES = 10 * 1024 * 1024
MAX_ROWS = 5_000  # per sheet
MAX_COLUMNS = 200
# An .xlsx is a zip archive: refuse one that would unpack to more than this (a "zip bomb"), or a large
# member packed more tightly than real spreadsheets are.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_RATIO = 100
RATIO_CHECK_FROM = 1024 * 1024  # smaller members cannot do harm, and tiny XML parts may pack very tightly

SURVEY, CHOICES, SETTINGS = "survey", "choices", "settings"
SURVEY_TRANSLATED = {"label", "hint", "required_message", "constraint_message"}
SURVEY_COLUMNS = SURVEY_TRANSLATED | {"type", "name", "required", "relevant", "constraint", "choice_filter",
                                      "appearance"}
CHOICE_MEDIA = {"image", "audio", "video", "big-image", "media"}
SETTINGS_COLUMNS = {"form_title", "form_id", "version", "default_language"}
QUESTION_TYPES = {"text", "integer", "decimal", "date", "note", "select_one", "select_multiple"}
YES = {"yes", "true", "true()", "1"}
NO = {"", "no", "false", "false()", "0"}


class FormError(PostAppError):
    """A workbook that cannot be used as a form. ``message`` is the translated problem; ``str()`` adds the
    sheet and the spreadsheet row (1-based, as Excel shows it) when they are known."""

    def __init__(self, message: str, *, sheet: str = "", row: int | None = None) -> None:
        self.problem = message
        self.sheet = sheet
        self.row = row
        if sheet and row is not None:
            text = _("Sheet '{sheet}', row {row}: {problem}").format(sheet=sheet, row=row, problem=message)
        elif sheet:
            text = _("Sheet '{sheet}': {problem}").format(sheet=sheet, problem=message)
        else:
            text = message
        super().__init__(text)


# --- The workbook as rows of text ----------------------------------------------------------------------


class _Column(NamedTuple):
    offset: int  # 0-based column
    heading: str  # as written, for messages
    base: str  # lower case, before "::"
    language: str | None  # the key after "::", None without one


def language_key(text: str) -> str:
    """'English (en)' → 'en'; a name without a code ('English') → 'english'; a bare code stays."""
    match = re.fullmatch(r"(.*?)\s*\(\s*([^()]*?)\s*\)\s*", text)
    return (match.group(2) if match and match.group(2) else text).strip().lower()


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    return str(value).strip()


@dataclass
class _Sheet:
    title: str
    columns: list[_Column] = field(default_factory=list)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (spreadsheet row, cells), blanks left out
    stray: tuple[int, int] | None = None  # (column offset, row) of the first value under no heading

    @classmethod
    def of(cls, title: str, rows: Iterable[tuple[object, ...]]) -> _Sheet:
        sheet = cls(title)
        for number, values in enumerate(rows, start=1):
            if number > MAX_ROWS:
                # openpyxl yields an empty row for every row number skipped: a small file that names row
                # two billion would keep the reader busy for minutes.
                raise FormError(_("The sheet has more than {count} rows; a questionnaire is far smaller.").format(
                    count=MAX_ROWS), sheet=title)
            cells = [_text(value) for value in values]
            if number == 1:
                for index, heading in enumerate(cells):
                    if heading:
                        base, separator, language = heading.partition("::")
                        base = base.strip().lower()
                        base = "list_name" if base == "list name" else base  # pyxform accepts both
                        sheet.columns.append(_Column(index, heading, base, language_key(language) if separator
                                                     else None))
            elif any(cells):
                sheet.rows.append((number, cells))
        headed = {column.offset for column in sheet.columns}
        sheet.stray = next(((offset, number) for number, cells in sheet.rows for offset, cell in enumerate(cells)
                            if cell and offset not in headed), None)
        return sheet

    def column(self, base: str) -> _Column | None:
        return next((c for c in self.columns if c.base == base and c.language is None), None)

    def get(self, cells: list[str], base: str) -> str:
        column = self.column(base)
        return cells[column.offset] if column and column.offset < len(cells) else ""

    def translations(self, cells: list[str], base: str) -> dict[str, str]:
        texts: dict[str, str] = {}
        for column in self.columns:
            if column.base == base and column.offset < len(cells) and cells[column.offset]:
                texts[DEFAULT if column.language is None else column.language] = cells[column.offset]
        return texts

    def first_use(self, column: _Column) -> int | None:
        return next((n for n, cells in self.rows if column.offset < len(cells) and cells[column.offset]), None)

    def fail(self, message: str, row: int | None) -> FormError:
        return FormError(message, sheet=self.title, row=row)

    def check_columns(self, plain: set[str], translated: set[str], required: Iterable[str] = ()) -> None:
        """Refuses a missing required column, a column heading twice, and any other column in use."""
        for base in required:
            if self.column(base) is None:
                raise self.fail(_("the column '{column}' is missing.").format(column=base), 1)
        seen: set[tuple[str, str | None]] = set()
        for column in self.columns:
            key = (column.base, column.language)
            if key in seen:
                raise self.fail(_("the column '{column}' appears twice.").format(column=column.heading), 1)
            seen.add(key)
            if column.language == "":
                raise self.fail(_("the column '{column}' names no language.").format(column=column.heading), 1)
            known = column.base in translated if column.language is not None else column.base in plain
            used = self.first_use(column)
            if not known and used is not None:
                raise self.fail(_("the column '{column}' is not supported (this is the first row that uses it).")
                                .format(column=column.heading), used)
        if self.stray is not None:
            offset, number = self.stray
            raise self.fail(_("column {letter} has a value but no heading.").format(
                letter=get_column_letter(offset + 1)), number)


def _unpacked_size_checked(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise FormError(_("This file is not an Excel workbook (.xlsx), or it is damaged.")) from exc
    total = sum(member.file_size for member in members)
    tight = any(member.file_size > RATIO_CHECK_FROM and member.file_size > MAX_RATIO * max(member.compress_size, 1)
                for member in members)
    if total > MAX_UNPACKED_BYTES or tight:
        raise FormError(_("This workbook unpacks to far more data than a questionnaire holds; it is refused "
                          "as possibly harmful."))


def _sheets(source: Path | bytes) -> dict[str, _Sheet]:
    if isinstance(source, Path):
        try:
            if source.stat().st_size > MAX_FORM_BYTES:
                raise FormError(_("The file is larger than {size} MB; a questionnaire is far smaller.").format(
                    size=MAX_FORM_BYTES // (1024 * 1024)))
            data = source.read_bytes()
        except OSError as exc:
            raise FormError(_("The file cannot be read: {reason}.").format(reason=exc.strerror or exc)) from exc
    else:
        data = source
    if len(data) > MAX_FORM_BYTES:
        raise FormError(_("The file is larger than {size} MB; a questionnaire is far smaller.").format(
            size=MAX_FORM_BYTES // (1024 * 1024)))
    _unpacked_size_checked(data)
    sheets: dict[str, _Sheet] = {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about Excel features it skips, such as validation
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                for worksheet in workbook.worksheets:
                    if isinstance(worksheet, ReadOnlyWorksheet):
                        worksheet.reset_dimensions()  # trust the cells, not the stated size, which may be wrong
                        rows = worksheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
                        sheets.setdefault(worksheet.title.strip().lower(), _Sheet.of(worksheet.title, rows))
            finally:
                workbook.close()
    except FormError:
        raise
    except Exception as exc:  # a damaged workbook fails in many ways inside openpyxl, zipfile and the XML parser
        raise FormError(_("This file is not an Excel workbook (.xlsx), or it is damaged.")) from exc
    return sheets


# --- Reading the sheets --------------------------------------------------------------------------------


def _expression(sheet: _Sheet, row: int, cells: list[str], column: str, *, choice_columns: bool = False,
                current: bool = True) -> Expr | None:
    text = sheet.get(cells, column)
    if not text:
        return None
    try:
        expr = parse(text, choice_columns=choice_columns)
    except ExpressionError as exc:
        raise sheet.fail(_("the {column} expression is not valid: {problem}.").format(column=column, problem=exc),
                         row) from exc
    if expr.uses_current and not current:
        raise sheet.fail(_("the {column} expression uses '.', which only a constraint can use; write ${{name}} to "
                           "use an answer.").format(column=column), row)
    return expr


def _required(sheet: _Sheet, row: int, text: str) -> bool:
    if text.lower() in YES:
        return True
    if text.lower() in NO:
        return False
    raise sheet.fail(_("the required column holds '{value}'; write yes or no.").format(value=text), row)


def _question_type(sheet: _Sheet, row: int, text: str) -> tuple[str, str | None]:
    """('begin_group' | 'end_group' | a QuestionType value, the list name of a select)."""
    words = text.split()
    keyword = words[0].lower() if words else ""
    if keyword in ("begin", "end") and len(words) == 2 and words[1].lower() == "group":
        return f"{keyword}_group", None
    if keyword in ("begin_group", "end_group") and len(words) == 1:
        return keyword, None
    if keyword in ("select_one", "select_multiple"):
        if len(words) == 1:
            raise sheet.fail(_("the type {type} needs the name of a choice list, as in '{type} colours'.").format(
                type=keyword), row)
        if len(words) == 3 and words[2].lower() == "or_other":
            raise sheet.fail(_("'or_other' is not supported; add an 'other' choice and a text question with a "
                               "relevant instead."), row)
        if len(words) == 2:
            return keyword, words[1]
    if keyword in QUESTION_TYPES and len(words) == 1 and keyword not in ("select_one", "select_multiple"):
        return keyword, None
    raise sheet.fail(_("the type '{type}' is not supported.").format(type=text), row)


def _choices(sheet: _Sheet) -> tuple[dict[str, tuple[Choice, ...]], dict[tuple[str, str], int], set[str]]:
    """The choice lists, the row of every (list, choice), and the names of the extra columns."""
    sheet.check_columns({"list_name", "name", "label"} | {c.base for c in sheet.columns
                                                          if c.base not in CHOICE_MEDIA and c.language is None},
                        {"label"}, required=("list_name", "name") if sheet.rows else ())
    extra = [c for c in sheet.columns if c.language is None and c.base not in ("list_name", "name", "label")]
    lists: dict[str, list[Choice]] = {}
    rows: dict[tuple[str, str], int] = {}
    for row, cells in sheet.rows:
        list_name, name = sheet.get(cells, "list_name"), sheet.get(cells, "name")
        if not list_name:
            raise sheet.fail(_("the choice has no list_name."), row)
        if not name:
            raise sheet.fail(_("the choice has no name."), row)
        if (list_name, name) in rows:
            raise sheet.fail(_("the list '{list}' already has a choice named '{name}' (row {first}).").format(
                list=list_name, name=name, first=rows[list_name, name]), row)
        rows[list_name, name] = row
        columns = {c.base: cells[c.offset] if c.offset < len(cells) else "" for c in extra}
        lists.setdefault(list_name, []).append(Choice(name, sheet.translations(cells, "label"), columns))
    return {name: tuple(choices) for name, choices in lists.items()}, rows, {c.base for c in extra}


@dataclass
class _OpenGroup:
    name: str
    row: int
    labels: dict[str, str]
    relevant: Expr | None
    children: list[Question | Group] = field(default_factory=list)

    def close(self) -> Group:
        return Group(self.name, self.row, self.labels, self.relevant, tuple(self.children))


class _Uses(NamedTuple):
    row: int
    column: str
    expr: Expr


def _survey(sheet: _Sheet, choices: dict[str, tuple[Choice, ...]],
            choice_rows: dict[tuple[str, str], int], choice_columns: set[str],
            choice_sheet: str) -> tuple[Question | Group, ...]:
    sheet.check_columns(SURVEY_COLUMNS, SURVEY_TRANSLATED, required=("type", "name"))
    top: list[Question | Group] = []
    open_groups: list[_OpenGroup] = []
    names: dict[str, int] = {}
    group_rows: dict[str, int] = {}
    group_relevant: dict[str, Expr | None] = {}
    uses: list[_Uses] = []
    questions: list[Question] = []

    for row, cells in sheet.rows:
        type_text = sheet.get(cells, "type")
        if not type_text:
            raise sheet.fail(_("the row has no type."), row)
        kind, list_name = _question_type(sheet, row, type_text)
        if kind == "end_group":
            if not open_groups:
                raise sheet.fail(_("'end group' without a 'begin group' before it."), row)
            group = open_groups.pop().close()
            if not group.children:
                raise sheet.fail(_("the group '{name}' has no questions.").format(name=group.name), group.row)
            (open_groups[-1].children if open_groups else top).append(group)
            continue
        name = sheet.get(cells, "name")
        if not name:
            raise sheet.fail(_("the {type} row has no name; every question and group needs one.").format(
                type=type_text), row)
        if not NAME.fullmatch(name):
            raise sheet.fail(_("'{name}' is not a valid name: start with a letter or '_' and use only letters, "
                               "digits, '_', '-' and '.'.").format(name=name), row)
        if name in names:
            raise sheet.fail(_("the name '{name}' is already used on row {first}.").format(
                name=name, first=names[name]), row)
        names[name] = row
        relevant = _expression(sheet, row, cells, "relevant", current=False)
        if relevant is not None:
            uses.append(_Uses(row, "relevant", relevant))
        if kind != "select_one" and kind != "select_multiple" and sheet.get(cells, "choice_filter"):
            raise sheet.fail(_("only select_one and select_multiple questions can have a choice_filter."), row)
        if kind == "begin_group":
            open_groups.append(_OpenGroup(name, row, sheet.translations(cells, "label"), relevant))
            group_rows[name] = row
            group_relevant[name] = relevant
            continue
        constraint = _expression(sheet, row, cells, "constraint")
        if constraint is not None:
            uses.append(_Uses(row, "constraint", constraint))
        choice_filter = _expression(sheet, row, cells, "choice_filter", choice_columns=True, current=False)
        if choice_filter is not None:
            uses.append(_Uses(row, "choice_filter", choice_filter))
            unknown = sorted({column.lower() for column in choice_filter.columns} - choice_columns - {"name"})
            if unknown:
                raise sheet.fail(_("the choice_filter reads '{column}', which is not a column of the {sheet} "
                                   "sheet.").format(column=unknown[0], sheet=choice_sheet), row)
        if list_name is not None and list_name not in choices:
            raise sheet.fail(_("there is no choice list '{list}' on the choices sheet.").format(list=list_name), row)
        question = Question(
            name=name,
            type=QuestionType(kind),
            row=row,
            labels=sheet.translations(cells, "label"),
            hints=sheet.translations(cells, "hint"),
            list_name=list_name,
            required=_required(sheet, row, sheet.get(cells, "required")),
            required_messages=sheet.translations(cells, "required_message"),
            relevant=relevant,
            constraint=constraint,
            constraint_messages=sheet.translations(cells, "constraint_message"),
            choice_filter=choice_filter,
            appearance=sheet.get(cells, "appearance"),
            group_path=tuple(group.name for group in open_groups),
        )
        questions.append(question)
        (open_groups[-1].children if open_groups else top).append(question)

    if open_groups:
        raise sheet.fail(_("the group '{name}' is not closed with an 'end group' row.").format(
            name=open_groups[-1].name), open_groups[-1].row)
    if not questions:
        raise sheet.fail(_("there are no questions."), None)

    question_names = {question.name for question in questions}
    for use in uses:
        for reference in sorted(use.expr.references - question_names):
            if reference in group_rows:
                raise sheet.fail(_("the {column} expression uses ${{{name}}}, which is a group, not a question.")
                                 .format(column=use.column, name=reference), use.row)
            raise sheet.fail(_("the {column} expression uses ${{{name}}}, but there is no question named "
                               "'{name}'.").format(column=use.column, name=reference), use.row)

    for question in questions:
        if question.type == QuestionType.SELECT_MULTIPLE and question.list_name is not None:
            for choice in choices[question.list_name]:
                if re.search(r"\s", choice.name):
                    raise FormError(_("the choice name '{name}' contains a space, which a select_multiple cannot "
                                      "store; use '_' instead.").format(name=choice.name), sheet=choice_sheet,
                                    row=choice_rows[question.list_name, choice.name])

    _check_relevant_cycles(sheet, questions, group_relevant)
    return tuple(top)


def _check_relevant_cycles(sheet: _Sheet, questions: list[Question], group_relevant: dict[str, Expr | None]) -> None:
    """Refuses relevant expressions that depend on each other: a question shows only when its own relevant
    and those of its groups hold, so it cannot depend on an answer that shows only because of it."""
    rows = {question.name: question.row for question in questions}
    depends: dict[str, list[str]] = {}
    for question in questions:
        exprs = [question.relevant, *(group_relevant[group] for group in question.group_path)]
        depends[question.name] = sorted(set().union(*(expr.references for expr in exprs if expr is not None)))
    done: set[str] = set()
    for start in depends:
        if start in done:
            continue
        path, pending = [start], [iter(depends[start])]
        while pending:
            following = next(pending[-1], None)
            if following is None:
                done.add(path.pop())
                pending.pop()
            elif following in path:
                circle = [*path[path.index(following):], following]
                raise sheet.fail(_("the relevant expressions depend on each other in a circle: {names}.").format(
                    names=" → ".join(circle)), rows[circle[0]])
            elif following not in done and following in depends:
                path.append(following)
                pending.append(iter(depends[following]))


def _settings(sheet: _Sheet | None) -> tuple[str, str, dict[str, str], str]:
    """(form_id, version, titles, default language)."""
    if sheet is None:
        raise FormError(_("The workbook has no settings sheet; it must give form_id and version."))
    sheet.check_columns(SETTINGS_COLUMNS, {"form_title"})
    if len(sheet.rows) > 1:
        raise sheet.fail(_("the settings take one row; this row is one too many."), sheet.rows[1][0])
    row, cells = sheet.rows[0] if sheet.rows else (2, [])
    form_id, version = sheet.get(cells, "form_id"), sheet.get(cells, "version")
    if not form_id:
        raise sheet.fail(_("form_id is missing: give the form a fixed identifier."), row)
    if not version:
        raise sheet.fail(_("version is missing: give the form a version, such as 2026110101."), row)
    default_language = sheet.get(cells, "default_language")
    return form_id, version, sheet.translations(cells, "form_title"), language_key(default_language)


def load_form(source: Path | bytes) -> Form:
    """The form in an XLSForm workbook (a path or the file's bytes); raises FormError when it cannot be used."""
    sheets = _sheets(source)
    survey = sheets.get(SURVEY)
    if survey is None:
        raise FormError(_("The workbook has no sheet named survey."))
    choice_sheet = sheets.get(CHOICES) or _Sheet(CHOICES)
    choices, choice_rows, choice_columns = _choices(choice_sheet)
    children = _survey(survey, choices, choice_rows, choice_columns, choice_sheet.title)
    form_id, version, titles, default_language = _settings(sheets.get(SETTINGS))
    languages = {c.language for s in (survey, choice_sheet) for c in s.columns
                 if c.base == "label" and c.language}
    return Form(
        form_id=form_id,
        version=version,
        titles=titles,
        default_language=default_language,
        languages=tuple(sorted(languages)),
        children=children,
        choices=choices,
    )
