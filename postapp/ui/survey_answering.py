"""Answering one questionnaire response: a page per top-level group, a widget per question type, skip
logic applied as the answers change, and every answer saved the moment it reads as a valid value.

All rules (visibility, choice filters, what an answer is, what blocks) come from
``postapp.survey.answering``; this dialog shows them. Each save is its own short transaction, so a
crash loses at most the field being typed, and the draft resumes on the page where it was left.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from postapp.errors import ValidationError
from postapp.i18n import _, format_date, format_exact_number, format_number, language, ngettext
from postapp.survey import answering, responses
from postapp.survey.form import AnswerValue, Choice, Form, Group, Question, QuestionType, pick
from postapp.ui.appearance import error_style, muted_style
from postapp.ui.messages import guarded, show_error
from postapp.ui.naming import named

if TYPE_CHECKING:
    from postapp.store import Store

TYPING_DELAY_MS = 400  # typed text is saved once the typing pauses, and at once when the field is left
DATE_FORMAT = "dd-MM-yyyy"  # what a date answer shows; answering.coerce reads it, and ISO, back


def mnemonic_safe(text: str) -> str:
    """Button text from form content: a literal "&" must not become a keyboard shortcut."""
    return text.replace("&", "&&")


class QuestionRow(QWidget):
    """One question: its label, hint, input and the message line under it.

    ``edited`` carries the question name whenever the person changes the answer; ``immediate`` says
    whether it should be saved now (a click) or after typing pauses (a text field).
    """

    edited = Signal(str, bool)

    def __init__(self, form: Form, question: Question, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form, self.question = form, question
        self.setObjectName(f"row_{question.name}")
        self.buttons: dict[str, QAbstractButton] = {}
        self.group: QButtonGroup | None = None
        self.line: QLineEdit | None = None
        self.multiline: QPlainTextEdit | None = None
        self._loading = False
        label_text = form.label(question, lang)
        hint = pick(question.hints, lang, form.default_language)
        self.hint = hint or ""
        # What a screen reader says for the input: the label, and that an answer is required (the "*"
        # beside the title is only seen).
        self.spoken_label = (_("{label} (required)").format(label=label_text) if question.required
                             else label_text)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 8)
        layout.setSpacing(3)

        kind = question.type
        if kind is QuestionType.NOTE:
            note = named(QLabel(label_text), f"q_{question.name}")
            note.setTextFormat(Qt.TextFormat.PlainText)
            note.setWordWrap(True)
            note.setAccessibleName(label_text)
            layout.addWidget(note)
            self.widget: QWidget = note
            self.error = named(QLabel(), f"error_{question.name}")
            self.error.hide()
            return

        title = QLabel(label_text + (" *" if question.required else ""))
        title.setTextFormat(Qt.TextFormat.PlainText)
        title.setWordWrap(True)
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        if hint:
            hint_label = QLabel(hint)
            hint_label.setTextFormat(Qt.TextFormat.PlainText)
            hint_label.setWordWrap(True)
            hint_label.setStyleSheet(muted_style())
            small = hint_label.font()
            small.setPointSizeF(max(small.pointSizeF() * 0.9, 7.0))
            hint_label.setFont(small)
            layout.addWidget(hint_label)

        if kind.is_select:
            box = named(QWidget(), f"q_{question.name}")
            inner = QVBoxLayout(box)
            inner.setContentsMargins(12, 0, 0, 0)
            inner.setSpacing(2)
            if kind is QuestionType.SELECT_ONE:
                self.group = QButtonGroup(box)
                self.group.setExclusive(True)
            for choice in form.choices.get(question.list_name or "", ()):
                text = form.label(choice, lang)
                button: QAbstractButton = (QRadioButton(mnemonic_safe(text)) if kind is QuestionType.SELECT_ONE
                                           else QCheckBox(mnemonic_safe(text)))
                named(button, f"q_{question.name}_{choice.name}")
                button.setAccessibleName(text)
                button.setAccessibleDescription(self.spoken_label)
                if self.group is not None:
                    self.group.addButton(button)
                button.toggled.connect(self._toggled)
                # As wide as its text: a click beside the option must not choose it.
                inner.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
                self.buttons[choice.name] = button
            self.widget = box
        elif kind is QuestionType.TEXT and "multiline" in question.appearance:
            self.multiline = named(QPlainTextEdit(), f"q_{question.name}")
            self.multiline.setTabChangesFocus(True)  # Tab moves on, as in every other field
            self.multiline.setMinimumHeight(110)
            self.multiline.setMaximumHeight(200)
            self.multiline.textChanged.connect(self._typed)
            self.widget = self.multiline
        else:
            self.line = named(QLineEdit(), f"q_{question.name}")
            if kind is QuestionType.DATE:
                self.line.setPlaceholderText(_("for example 24-11-2026"))
                self.line.setMaximumWidth(220)
            elif kind in (QuestionType.INTEGER, QuestionType.DECIMAL):
                self.line.setMaximumWidth(220)
            self.line.textEdited.connect(self._typed)
            self.line.editingFinished.connect(self._finished)
            self.widget = self.line
        self.widget.setAccessibleName(self.spoken_label)
        if hint:
            self.widget.setAccessibleDescription(hint)
        layout.addWidget(self.widget)

        self.error = named(QLabel(), f"error_{question.name}")
        self.error.setTextFormat(Qt.TextFormat.PlainText)  # messages may quote what was typed
        self.error.setStyleSheet(error_style())
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)

    # What the person entered, as text for answering.coerce.

    def raw(self) -> str | list[str] | None:
        kind = self.question.type
        if kind is QuestionType.SELECT_ONE:
            return next((name for name, b in self.buttons.items() if b.isChecked()), "")
        if kind is QuestionType.SELECT_MULTIPLE:
            return [name for name, b in self.buttons.items() if b.isChecked()]
        if self.multiline is not None:
            return self.multiline.toPlainText()
        if self.line is not None:
            return self.line.text()
        return None

    def set_value(self, value: AnswerValue | None) -> None:
        """Shows a stored answer without it counting as an edit."""
        self._loading = True
        try:
            if self.buttons:
                chosen = set(value) if isinstance(value, tuple) else ({value} if isinstance(value, str) else set())
                if self.group is not None:
                    self.group.setExclusive(False)
                for name, button in self.buttons.items():
                    button.setChecked(name in chosen)
                if self.group is not None:
                    self.group.setExclusive(True)
            elif self.multiline is not None:
                self.multiline.setPlainText(value if isinstance(value, str) else "")
            elif self.line is not None:
                self.line.setText(display_text(value))
        finally:
            self._loading = False

    def set_choices(self, available: Sequence[Choice]) -> list[str]:
        """Shows only the options a choice filter leaves; returns chosen options that were hidden."""
        names = {c.name for c in available}
        dropped = []
        for name, button in self.buttons.items():
            button.setVisible(name in names)
            if name not in names and button.isChecked():
                dropped.append(name)
        return dropped

    def clear_options(self, names: Sequence[str]) -> None:
        self._loading = True
        try:
            if self.group is not None:
                self.group.setExclusive(False)
            for name in names:
                self.buttons[name].setChecked(False)
            if self.group is not None:
                self.group.setExclusive(True)
        finally:
            self._loading = False

    def show_message(self, message: str | None) -> None:
        """Shows the message under the input, and gives it to the input itself as its accessible
        description, so a screen reader says it where the keyboard is (the hint follows it)."""
        if message:
            self.error.setText(message)
            self.error.setAccessibleDescription(message)
            self.error.show()
        else:
            self.error.clear()
            self.error.setAccessibleDescription("")
            self.error.hide()
        if self.question.type is QuestionType.NOTE:
            return
        described = " ".join(part for part in (message or "", self.hint) if part)
        if self.buttons:
            self.widget.setAccessibleDescription(described)
            for button in self.buttons.values():
                button.setAccessibleDescription("\n".join(part for part in (self.spoken_label, message) if part))
        else:
            self.widget.setAccessibleDescription(described)

    @property
    def message(self) -> str:
        return self.error.text() if not self.error.isHidden() else ""

    def focus(self) -> None:
        """Puts the keyboard in this question: the chosen option of a select, else its first one."""
        target: QWidget = self.widget
        if self.buttons:
            shown = [b for b in self.buttons.values() if not b.isHidden()]
            target = next((b for b in shown if b.isChecked()), shown[0] if shown else self.widget)
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _toggled(self, checked: bool) -> None:
        # An exclusive group toggles the old button off and the new one on: count only the "on".
        if self._loading or (self.group is not None and not checked):
            return
        self.edited.emit(self.question.name, True)

    def _typed(self) -> None:
        if not self._loading:
            self.edited.emit(self.question.name, False)

    def _finished(self) -> None:
        if not self._loading:
            self.edited.emit(self.question.name, True)


def exact_number(value: float) -> str:
    """A decimal answer as the locale writes it, every digit kept: ``format_number`` rounds to three
    decimals, and a resumed 0.12345 must not come back as 0.123 (and be saved so on the next edit)."""
    return format_exact_number(value)


def display_text(value: AnswerValue | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return format_date(value, DATE_FORMAT)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return exact_number(value)
    if isinstance(value, int):
        return format_number(value)
    return str(value)


class AnswerDialog(QDialog):
    """Answers one draft response. ``submitted`` is emitted once the response is locked and queued."""

    submitted = Signal()
    saved = Signal()

    def __init__(self, store: Store, response_id: uuid.UUID, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.response_id = store, response_id
        self.lang = language()
        self.setObjectName("answerDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(780, 700)
        self.rows: dict[str, QuestionRow] = {}
        self.answers: dict[str, AnswerValue] = {}  # as saved in the draft, hidden questions' answers too
        self.effective: dict[str, AnswerValue] = {}  # what skip logic and checks see (see effective_answers)
        self.unreadable: dict[str, str] = {}  # typed text that is not a valid answer, with its message
        self.pending: set[str] = set()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(TYPING_DELAY_MS)
        self.timer.timeout.connect(self.flush)
        self.index = 0
        self.loaded = False
        self.closing_box: QMessageBox | None = None

        loaded = guarded(self, self._read)
        if loaded is None:
            QTimer.singleShot(0, self.reject)
            self.form = Form("", "", {}, "", (), (), {})
            self.pages: list[Group] = []
            return
        self.form, start_page = loaded
        self.pages = self.form.pages()
        self.setWindowTitle(self.form.title(self.lang))

        self.page_title = named(QLabel(), "pageTitle")
        self.page_title.setTextFormat(Qt.TextFormat.PlainText)
        self.page_title.setWordWrap(True)
        heading = self.page_title.font()
        heading.setPointSizeF(heading.pointSizeF() * 1.35)
        heading.setBold(True)
        self.page_title.setFont(heading)
        self.progress = named(QLabel(), "pageProgress")
        self.progress.setStyleSheet(muted_style())
        self.stack = QStackedWidget()
        for page in self.pages:
            self.stack.addWidget(self._build_page(page))
        self.saved_hint = _("Every answer is saved as you go: you can close and continue later. "
                            "* means an answer is required.")
        self.status = named(QLabel(self.saved_hint), "answerStatus")
        self.status.setStyleSheet(muted_style())
        self.status.setWordWrap(True)

        self.back_button = named(QPushButton(_("&Back")), "backButton")
        self.next_button = named(QPushButton(_("&Next")), "nextButton")
        self.submit_button = named(QPushButton(_("&Submit")), "submitButton")
        self.close_button = named(QPushButton(_("C&lose (the draft is kept)")), "closeButton")
        self.back_button.clicked.connect(self.go_back)
        self.next_button.clicked.connect(self.go_next)
        self.submit_button.clicked.connect(self.submit)
        self.close_button.clicked.connect(self.close)
        for button in (self.back_button, self.next_button, self.submit_button, self.close_button):
            button.setAutoDefault(False)  # Enter in a field finishes the field, it does not turn the page
        buttons = QHBoxLayout()
        buttons.addWidget(self.close_button)
        buttons.addStretch()
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.submit_button)

        top = QHBoxLayout()
        top.addWidget(self.page_title, 1)
        top.addWidget(self.progress, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

        for row in self.rows.values():
            row.set_value(self.answers.get(row.question.name))
        self.effective = answering.effective_answers(self.form, self.answers)
        self.loaded = True
        self.refresh_visibility()
        self.show_page(self._nearest_visible(start_page))

    def _read(self) -> tuple[Form, int]:
        with self.store.read() as session:
            response = responses.get_response(session, self.response_id)
            form = responses.form_for(session, response)
            self.answers = responses.load_answers(session, response, form)
            return form, response.page

    def _build_page(self, page: Group) -> QScrollArea:
        inner = QWidget()
        inner.setObjectName(f"page_{page.name}")
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(8, 4, 16, 4)
        for question in answering.questions_on(page):
            row = QuestionRow(self.form, question, self.lang)
            row.edited.connect(self.edited)
            layout.addWidget(row)
            self.rows[question.name] = row
        layout.addStretch(1)
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QScrollArea.Shape.NoFrame)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        area.setWidget(inner)
        return area

    # Pages.

    def _visible(self, index: int) -> bool:
        return answering.page_visible(self.form, self.pages[index], self.effective)

    def _nearest_visible(self, index: int) -> int:
        index = min(max(index, 0), len(self.pages) - 1)
        order: list[int] = [*range(index, len(self.pages)), *range(index - 1, -1, -1)]
        for candidate in order:
            if self._visible(candidate):
                return candidate
        return index

    def _next_index(self) -> int | None:
        return next((i for i in range(self.index + 1, len(self.pages)) if self._visible(i)), None)

    def _previous_index(self) -> int | None:
        return next((i for i in range(self.index - 1, -1, -1) if self._visible(i)), None)

    def show_page(self, index: int) -> None:
        self.index = index
        page = self.pages[index]
        self.stack.setCurrentIndex(index)
        self.page_title.setText(self.form.label(page, self.lang) if not page.name.startswith("_page")
                                else self.form.title(self.lang))
        visible = [i for i in range(len(self.pages)) if self._visible(i)]
        self.progress.setText(_("Page {page} of {pages}").format(
            page=visible.index(index) + 1 if index in visible else index + 1, pages=len(visible)))
        self.update_buttons()
        self.show_hint()
        first = next((self.rows[q.name] for q in answering.questions_on(page)
                      if not self.rows[q.name].isHidden() and q.type is not QuestionType.NOTE), None)
        if first is not None:
            first.focus()

    def show_hint(self) -> None:
        self.status.setText(self.saved_hint)
        self.status.setStyleSheet(muted_style())

    def update_buttons(self) -> None:
        last = self._next_index() is None
        self.back_button.setEnabled(self._previous_index() is not None)
        self.next_button.setVisible(not last)
        self.submit_button.setVisible(last)

    def page_problems(self, index: int) -> dict[str, str]:
        """Messages for the visible questions of a page: unreadable entries, then the form's rules."""
        found: dict[str, str] = {}
        for question in answering.questions_on(self.pages[index]):
            if not answering.is_visible(self.form, question, self.effective):
                continue
            message = self.unreadable.get(question.name) or answering.field_problem(
                self.form, question, self.effective, self.lang)
            if message:
                found[question.name] = message
        return found

    def show_problems(self, found: dict[str, str], page_index: int | None = None) -> None:
        names = {q.name for q in answering.questions_on(self.pages[page_index])} if page_index is not None \
            else set(self.rows)
        for name in names:
            self.rows[name].show_message(found.get(name))
        if found:
            count = len(found)
            self.status.setText(_("Please check the answers marked in red ({count}).").format(count=count))
            self.status.setStyleSheet(error_style())
            page_order = [q.name for q in answering.questions_on(self.pages[self.index])]
            first = next((self.rows[n] for n in page_order if n in found and not self.rows[n].isHidden()), None)
            if first is not None:
                first.focus()
        else:
            self.show_hint()

    def go_next(self) -> None:
        if not self.flush():
            return
        found = self.page_problems(self.index)
        self.show_problems(found, self.index)
        if found:
            return
        following = self._next_index()
        if following is not None:
            self.show_page(following)
            self._save_page()

    def go_back(self) -> None:
        self.flush()
        previous = self._previous_index()
        if previous is not None:
            self.show_page(previous)
            self._save_page()

    def _save_page(self) -> None:
        """Remembers the page, so a draft reopens where it was left."""
        self._write({})

    # Answers.

    def edited(self, name: str, immediate: bool) -> None:
        self.pending.add(name)
        if immediate:
            self.flush()
        else:
            self.timer.start()

    def flush(self) -> bool:
        """Saves every answer changed since the last save; False when the store refused."""
        self.timer.stop()
        if not self.pending:
            return True
        names, self.pending = sorted(self.pending), set()
        values: dict[str, AnswerValue | None] = {}
        for name in names:
            row = self.rows[name]
            try:
                value = answering.coerce(self.form, row.question, row.raw())
            except ValidationError as exc:
                message = exc.errors.get(name, str(exc))
                self.unreadable[name] = message
                row.show_message(message)
                continue
            self.unreadable.pop(name, None)
            if self.answers.get(name) == value:
                self._recheck(name)
                continue
            values[name] = value
            if value is None:
                self.answers.pop(name, None)
            else:
                self.answers[name] = value
        self.effective = answering.effective_answers(self.form, self.answers)
        values.update(self._apply_choice_filters())
        if values and not self._write(values):
            return False
        for name in names:
            if name in values or name not in self.unreadable:
                self._recheck(name)
        self.refresh_visibility()
        return True

    def _recheck(self, name: str) -> None:
        """A message already shown at a field follows the answer: gone once it is right."""
        row = self.rows[name]
        if row.message and name not in self.unreadable:
            row.show_message(answering.field_problem(self.form, row.question, self.effective, self.lang))

    def _apply_choice_filters(self) -> dict[str, AnswerValue | None]:
        """Options of filtered selects follow the earlier answers; a chosen option that no longer
        applies is unchosen (and the change saved), as ODK does."""
        changed: dict[str, AnswerValue | None] = {}
        for name, row in self.rows.items():
            if row.question.choice_filter is None:
                continue
            dropped = row.set_choices(answering.choices_for(self.form, row.question, self.effective))
            if dropped:
                row.clear_options(dropped)
                value = answering.coerce(self.form, row.question, row.raw())
                changed[name] = value
                if value is None:
                    self.answers.pop(name, None)
                else:
                    self.answers[name] = value
        if changed:
            self.effective = answering.effective_answers(self.form, self.answers)
        return changed

    def _write(self, values: dict[str, AnswerValue | None]) -> bool:
        page = self.index

        def save() -> bool:
            with self.store.session() as session:
                responses.save_answers(session, self.response_id, values, page=page)
            return True

        done = bool(guarded(self, save))
        if done:
            self.saved.emit()
        else:
            self.pending.update(values)  # tried again with the next change, or on Next
        return done

    def refresh_visibility(self) -> None:
        if not self.loaded:
            return
        for row in self.rows.values():
            shown = answering.is_visible(self.form, row.question, self.effective)
            if row.isHidden() == shown:
                row.setVisible(shown)
            if not shown:
                row.show_message(None)
        for row in self.rows.values():
            if row.question.choice_filter is not None:
                row.set_choices(answering.choices_for(self.form, row.question, self.effective))
        self.update_buttons()
        visible = [i for i in range(len(self.pages)) if self._visible(i)]
        if self.index in visible:
            self.progress.setText(_("Page {page} of {pages}").format(page=visible.index(self.index) + 1,
                                                                      pages=len(visible)))

    # Submitting and closing.

    def submit(self) -> None:
        if not self.flush():
            return
        for index in range(len(self.pages)):
            if not self._visible(index):
                continue
            found = self.page_problems(index)
            if found:
                self.show_page(index)
                self.show_problems(found, index)
                return

        hidden: dict[str, AnswerValue | None] = {name: None for name in self.answers if name not in self.effective}

        def send() -> bool:
            try:
                with self.store.session() as session:
                    # One transaction: if submitting is refused, the draft keeps the hidden answers.
                    if hidden:
                        responses.save_answers(session, self.response_id, hidden, page=self.index)
                    responses.submit(session, self.response_id, self.lang)
            except ValidationError as exc:
                found = dict(exc.errors)
                index = answering.first_page_with_problem(self.form, found)
                if index is not None:
                    self.show_page(index)
                    self.show_problems(found, index)
                else:
                    show_error(self, str(exc))
                return False
            return True

        if not guarded(self, send):
            return
        self.loaded = False  # nothing more to save
        self.submitted.emit()
        parent = self.parentWidget()
        box = QMessageBox(QMessageBox.Icon.Information, _("Response submitted"),
                          _("The response is submitted and queued for headquarters. It can no longer be "
                            "changed."), QMessageBox.StandardButton.Ok, parent)
        box.setObjectName("submittedMessage")
        box.setTextFormat(Qt.TextFormat.PlainText)
        self.accept()
        if parent is not None:
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()
        else:
            box.exec()

    def reject(self) -> None:
        """Closes, keeping the draft: the last answers are saved first. Text that cannot be read as an
        answer cannot be saved; rather than losing it unseen, the person is asked first. (QDialog turns
        the Close button, Esc and the window's close box into reject(), and stays open when it returns
        without closing.)"""
        if self.loaded:
            self.flush()
            if self.unreadable_questions():
                self.ask_about_unreadable()
                return
        super().reject()

    def unreadable_questions(self) -> list[str]:
        """The questions showing typed text that is not a valid answer, in form order."""
        return [q.name for q in self.form.questions()
                if q.name in self.unreadable and answering.is_visible(self.form, q, self.effective)]

    def ask_about_unreadable(self) -> None:
        """Window-modal and non-blocking, like every message here: ``finished`` decides."""
        if self.closing_box is not None:
            return
        names = self.unreadable_questions()
        labels = ", ".join(_("“{label}”").format(label=self.form.label(self.form.question(name), self.lang))
                           for name in names)
        box = QMessageBox(QMessageBox.Icon.Warning, _("Answers not saved"),
                          ngettext("The answer to {questions} cannot be read, so it is not saved. Keep editing to "
                                   "correct it, or close and keep the draft without it.",
                                   "The answers to {questions} cannot be read, so they are not saved. Keep editing "
                                   "to correct them, or close and keep the draft without them.",
                                   len(names)).format(questions=labels), QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("unreadableOnClose")
        box.setTextFormat(Qt.TextFormat.PlainText)
        keep = named(box.addButton(_("&Keep editing"), QMessageBox.ButtonRole.RejectRole), "keepEditing")
        leave = named(box.addButton(_("&Close without these answers"), QMessageBox.ButtonRole.DestructiveRole),
                      "closeWithoutAnswers")
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _result: self._unreadable_answered(box.clickedButton() is leave, names))
        self.closing_box = box
        box.open()

    def _unreadable_answered(self, leave: bool, names: list[str]) -> None:
        self.closing_box = None
        if leave:
            for name in names:
                self.unreadable.pop(name, None)
            self.reject()
            return
        # Back to the first of them, on its page, with the keyboard in its field.
        first = names[0]
        index = next(i for i, page in enumerate(self.pages)
                     if any(q.name == first for q in answering.questions_on(page)))
        if index != self.index:
            self.show_page(index)
        on_page = [q.name for q in answering.questions_on(self.pages[index]) if q.name in names]
        for name in on_page:
            self.rows[name].show_message(self.unreadable[name])
        self.status.setText(_("Please check the answers marked in red ({count}).").format(count=len(on_page)))
        self.status.setStyleSheet(error_style())
        self.rows[first].focus()
