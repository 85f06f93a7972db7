"""Interview notes held with the study's interview guide: a list, and a form that follows the guide
(themes with their questions beside the form), with quotes by theme, follow-ups and free notes.
A note is kept as a draft until it is marked final; then it is queued for headquarters and locked."""

from __future__ import annotations

import datetime as dt
import html
import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from postapp.errors import NotFoundError
from postapp.i18n import _, format_date, language
from postapp.survey import interviews
from postapp.survey.form import Form, pick
from postapp.survey.models import InterviewNote, InterviewStatus
from postapp.ui.forms import FieldErrors, NotesEdit, attempt
from postapp.ui.messages import guarded
from postapp.ui.naming import named

if TYPE_CHECKING:
    from postapp.store import Store
    from postapp.ui.settings import Preferences


def study_form(store: Store) -> Form:
    """The study form whose ``regions`` and ``levels`` lists the notes use (the shipped one if none
    was imported yet)."""
    from postapp.survey import responses

    with store.read() as session:
        try:
            return responses.form_of(responses.latest_form(session, responses.STUDY_FORM_ID))
        except NotFoundError:
            pass
    from postapp.ui.survey_workspace import shipped_form

    return shipped_form()


def guide_html(lang: str) -> str:
    """The interview guide as the interviewer follows it: introduction, then each theme's questions."""
    guide = interviews.load_guide()
    e = html.escape
    parts = [f"<h3>{e(pick(guide.titles, lang, 'nl'))}</h3>", f"<p>{e(pick(guide.introduction, lang, 'nl'))}</p>"]
    for theme in guide.themes:
        parts.append(f"<h4>{e(pick(theme.titles, lang, 'nl'))}</h4><ol>")
        parts.extend(f"<li>{e(pick(q, lang, 'nl'))}</li>" for q in theme.questions)
        parts.append("</ol>")
    return "".join(parts)


class InterviewDialog(QDialog):
    """Creates or edits one interview note. ``saved`` is emitted after each successful save.

    Nothing is saved until the person saves, so ``dirty`` tracks changes since the last save, and
    closing with changes asks first."""

    saved = Signal()

    def __init__(self, store: Store, prefs: Preferences, note_id: uuid.UUID | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.prefs, self.note_id = store, prefs, note_id
        self.lang = language()
        self.setObjectName("interviewDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(_("Interview note"))
        self.resize(1080, 720)
        self.guide = interviews.load_guide()
        self.dirty = False  # changed since the last save
        self.watching = False  # set once the note is shown: filling in the fields is no change
        self.closing_box: QMessageBox | None = None
        form = guarded(self, lambda: study_form(store))
        self.errors = FieldErrors()

        fields = QFormLayout()
        fields.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.held_on = named(QDateEdit(), "heldOn")
        self.held_on.setCalendarPopup(True)
        self.held_on.setDisplayFormat("dd-MM-yyyy")
        self.held_on.setDate(QDate.currentDate())
        self.role = named(QLineEdit(), "intervieweeRole")
        self.role.setMaxLength(200)
        self.role.setPlaceholderText(_("for example: economic officer"))
        self.region = named(QComboBox(), "region")
        self.activity = named(QComboBox(), "businessActivity")
        for combo, list_name in ((self.region, "regions"), (self.activity, "levels")):
            combo.addItem(_("Not stated"), "")
            for choice in (form.choices.get(list_name, ()) if form is not None else ()):
                combo.addItem(form.label(choice, self.lang) if form is not None else choice.name, choice.name)

        themes_box = named(QWidget(), "themes")
        themes_layout = QVBoxLayout(themes_box)
        themes_layout.setContentsMargins(0, 0, 0, 0)
        themes_layout.setSpacing(2)
        self.theme_boxes: dict[str, QCheckBox] = {}
        for theme in self.guide.themes:
            title = pick(theme.titles, self.lang, "nl")
            box = named(QCheckBox(title.replace("&", "&&")), f"theme_{theme.code}")
            box.setAccessibleName(title)
            box.setToolTip("\n".join(f"• {pick(q, self.lang, 'nl')}" for q in theme.questions))
            themes_layout.addWidget(box)
            self.theme_boxes[theme.code] = box

        quotes_box = QWidget()
        quotes_layout = QVBoxLayout(quotes_box)
        quotes_layout.setContentsMargins(0, 0, 0, 0)
        self.quotes = named(QTableWidget(0, 2), "quotes")
        self.quotes.setTabKeyNavigation(False)  # Tab leaves the table, arrows move in it
        self.quotes.setAccessibleName(_("Quotes"))
        self.quotes.setHorizontalHeaderLabels([_("Theme"), _("Quote")])
        self.quotes.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.quotes.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.quotes.verticalHeader().hide()
        self.quotes.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.quotes.setMinimumHeight(110)
        self.add_quote_button = named(QPushButton(_("&Add quote")), "addQuote")
        self.remove_quote_button = named(QPushButton(_("&Remove quote")), "removeQuote")
        self.add_quote_button.clicked.connect(lambda: self.add_quote())
        self.remove_quote_button.clicked.connect(self.remove_quote)
        quote_buttons = QHBoxLayout()
        quote_buttons.addWidget(self.add_quote_button)
        quote_buttons.addWidget(self.remove_quote_button)
        quote_buttons.addStretch()
        quotes_layout.addWidget(self.quotes)
        quotes_layout.addLayout(quote_buttons)

        self.follow_ups = named(QPlainTextEdit(), "followUps")
        self.follow_ups.setPlaceholderText(_("One follow-up per line"))
        self.follow_ups.setTabChangesFocus(True)
        self.follow_ups.setMaximumHeight(90)
        self.notes = named(NotesEdit(_("Notes"), max_chars=interviews.MAX_NOTE), "notes")
        self.notes.setTabChangesFocus(True)
        self.notes.setMinimumHeight(90)

        for field, label, widget in (
            ("held_on", _("Date of the interview"), self.held_on),
            ("interviewee_role", _("Role of the interviewee"), self.role),
            ("region", _("Region"), self.region),
            ("business_activity", _("Activity of Dutch business"), self.activity),
            ("themes", _("Themes discussed"), themes_box),
            ("quotes", _("Quotes"), quotes_box),
            ("follow_ups", _("Follow-ups"), self.follow_ups),
            ("notes", _("Notes"), self.notes),
        ):
            self.errors.add_row(fields, field, label, widget)

        self.state = named(QLabel(), "noteState")
        self.state.setWordWrap(True)
        self.save_button = named(QPushButton(_("&Save draft")), "saveNote")
        self.final_button = named(QPushButton(_("&Mark final")), "finaliseNote")
        self.close_button = named(QPushButton(_("&Close")), "closeNote")
        self.save_button.clicked.connect(self.save_draft)
        self.final_button.clicked.connect(self.mark_final)
        self.close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.state, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.final_button)
        buttons.addWidget(self.close_button)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(fields)
        self.guide_view = named(QTextBrowser(), "guidePanel")
        self.guide_view.setAccessibleName(_("Interview guide"))
        self.guide_view.setHtml(guide_html(self.lang))
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.guide_view)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([640, 420])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)

        self.final = False
        if note_id is not None:
            guarded(self, self.load)
        self._update_state()
        self.held_on.dateChanged.connect(self.mark_dirty)
        self.role.textChanged.connect(self.mark_dirty)
        self.region.currentIndexChanged.connect(self.mark_dirty)
        self.activity.currentIndexChanged.connect(self.mark_dirty)
        for box in self.theme_boxes.values():
            box.toggled.connect(self.mark_dirty)
        self.quotes.itemChanged.connect(self.mark_dirty)
        self.quotes.model().rowsRemoved.connect(self.mark_dirty)
        self.quotes.model().rowsInserted.connect(self.mark_dirty)
        self.follow_ups.textChanged.connect(self.mark_dirty)
        self.notes.textChanged.connect(self.mark_dirty)
        self.watching = True

    def mark_dirty(self, *_args: object) -> None:
        if self.watching and not self.final:
            self.dirty = True

    def add_quote(self, theme: str = "", text: str = "") -> None:
        row = self.quotes.rowCount()
        self.quotes.insertRow(row)
        combo = QComboBox()
        combo.setAccessibleName(_("Theme of the quote"))
        combo.addItem(_("No theme"), "")
        for guide_theme in self.guide.themes:
            combo.addItem(pick(guide_theme.titles, self.lang, "nl"), guide_theme.code)
        index = combo.findData(theme)
        combo.setCurrentIndex(max(index, 0))
        combo.currentIndexChanged.connect(self.mark_dirty)
        self.quotes.setCellWidget(row, 0, combo)
        self.quotes.setColumnWidth(0, max(self.quotes.columnWidth(0), combo.sizeHint().width()))
        self.quotes.setRowHeight(row, max(self.quotes.rowHeight(row), combo.sizeHint().height() + 4))
        self.quotes.setItem(row, 1, QTableWidgetItem(text))
        self.quotes.setCurrentCell(row, 1)

    def remove_quote(self) -> None:
        row = self.quotes.currentRow()
        if row >= 0:
            self.quotes.removeRow(row)

    def quote_values(self) -> list[dict[str, str]]:
        found = []
        for row in range(self.quotes.rowCount()):
            combo = self.quotes.cellWidget(row, 0)
            item = self.quotes.item(row, 1)
            theme = str(combo.currentData()) if isinstance(combo, QComboBox) else ""
            found.append({"theme": theme, "text": item.text() if item is not None else ""})
        return found

    def load(self) -> None:
        with self.store.read() as session:
            note = session.get(InterviewNote, self.note_id)
            if note is None or note.is_deleted:
                raise NotFoundError(_("This interview note no longer exists."))
            self.held_on.setDate(QDate(note.held_on.year, note.held_on.month, note.held_on.day))
            self.role.setText(note.interviewee_role)
            self.region.setCurrentIndex(max(self.region.findData(note.region), 0))
            self.activity.setCurrentIndex(max(self.activity.findData(note.business_activity), 0))
            for code, box in self.theme_boxes.items():
                box.setChecked(code in note.themes)
            self.quotes.setRowCount(0)
            for quote in note.quotes:
                self.add_quote(str(quote.get("theme", "")), str(quote.get("text", "")))
            self.follow_ups.setPlainText("\n".join(note.follow_ups))
            self.notes.setPlainText(note.notes)
            self.final = note.status is InterviewStatus.FINAL

    def _write(self, final: bool) -> uuid.UUID:
        held = self.held_on.date()
        values = {
            "post_code": self.prefs.post_code, "held_on": dt.date(held.year(), held.month(), held.day()),
            "interviewee_role": self.role.text(), "region": str(self.region.currentData()),
            "business_activity": str(self.activity.currentData()),
            "themes": [code for code, box in self.theme_boxes.items() if box.isChecked()],
            "quotes": self.quote_values(), "follow_ups": self.follow_ups.toPlainText().splitlines(),
            "notes": self.notes.toPlainText(),
        }
        with self.store.session() as session:
            note = interviews.save_note(session, note_id=self.note_id, **values)  # type: ignore[arg-type]
            if final:
                interviews.finalise(session, note.id)
            return note.id

    def save_draft(self) -> bool:
        return self._save(final=False)

    def mark_final(self) -> bool:
        return self._save(final=True)

    def _save(self, final: bool) -> bool:
        self.errors.clear()
        note_id = attempt(self, self.errors, lambda: self._write(final))
        if note_id is None:
            return False
        self.note_id = note_id
        self.final = final
        self.dirty = False
        self._update_state()
        self.saved.emit()
        return True

    def reject(self) -> None:
        """Closes; with changes not saved yet, asks first whether to save them. (QDialog turns the Close
        button, Esc and the window's close box into reject(), and stays open when it returns without
        closing.)"""
        if self.dirty and not self.final:
            self.ask_about_changes()
            return
        super().reject()

    def ask_about_changes(self) -> None:
        """Window-modal and non-blocking, like every message here: ``finished`` decides."""
        if self.closing_box is not None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, _("Interview note"),
                          _("This interview note has changes that are not saved yet."),
                          QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("unsavedInterview")
        box.setTextFormat(Qt.TextFormat.PlainText)
        save = named(box.addButton(_("&Save the draft"), QMessageBox.ButtonRole.AcceptRole), "saveChanges")
        discard = named(box.addButton(_("&Discard changes"), QMessageBox.ButtonRole.DestructiveRole),
                        "discardChanges")
        keep = named(box.addButton(_("&Keep editing"), QMessageBox.ButtonRole.RejectRole), "keepEditing")
        box.setDefaultButton(save)
        box.setEscapeButton(keep)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _result: self._changes_answered(
            "save" if box.clickedButton() is save else "discard" if box.clickedButton() is discard else "keep"))
        self.closing_box = box
        box.open()

    def _changes_answered(self, choice: str) -> None:
        self.closing_box = None
        if choice == "save":
            if self.save_draft():  # refused: the messages are at the fields, and the dialog stays open
                self.reject()
        elif choice == "discard":
            self.dirty = False
            self.reject()

    def _update_state(self) -> None:
        if self.final:
            self.state.setText(_("Final: queued for headquarters. The note can no longer be changed."))
        elif self.note_id is not None:
            self.state.setText(_("Draft: saved. Mark it final when the notes are complete."))
        else:
            self.state.setText(_("New note: not saved yet."))
        editable = not self.final
        for widget in (self.held_on, self.role, self.region, self.activity, self.add_quote_button,
                       self.remove_quote_button, self.save_button, self.final_button,
                       *self.theme_boxes.values()):
            widget.setEnabled(editable)
        for text in (self.follow_ups, self.notes):
            text.setReadOnly(not editable)
        self.quotes.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers if editable
                                    else QAbstractItemView.EditTrigger.NoEditTriggers)
        for row in range(self.quotes.rowCount()):
            combo = self.quotes.cellWidget(row, 0)
            if combo is not None:
                combo.setEnabled(editable)


class InterviewsPanel(QWidget):
    """The post's interview notes, newest first, with a button to write a new one. ``changed`` is
    emitted whenever a note was saved."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("interviewsPanel")
        self.store: Store | None = None
        self.prefs: Preferences | None = None
        self.note_ids: list[uuid.UUID] = []
        self.table = named(QTableWidget(0, 5), "interviewNotes")
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move in it
        self.table.setAccessibleName(_("Interview notes"))
        self.table.setHorizontalHeaderLabels([_("Date"), _("Interviewee"), _("Post"), _("Themes"), _("Status")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        for column in (0, 1, 2, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.cellActivated.connect(lambda row, _column: self.open_note(row))
        self.table.cellDoubleClicked.connect(lambda row, _column: self.open_note(row))
        self.new_button = named(QPushButton(_("&New interview note…")), "newInterview")
        self.open_button = named(QPushButton(_("&Open")), "openInterview")
        self.new_button.clicked.connect(self.new_note)
        self.open_button.clicked.connect(lambda: self.open_note(self.table.currentRow()))
        intro = QLabel(_("Notes of interviews held with the interview guide. Themes and quotes are counted in "
                         "the analysis once a note is final."))
        intro.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(intro, 1)
        top.addWidget(self.new_button)
        top.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self._update_buttons()

    def attach_store(self, store: Store | None, prefs: Preferences) -> None:
        self.store, self.prefs = store, prefs
        self.refresh()

    def _update_buttons(self) -> None:
        self.new_button.setEnabled(self.store is not None)
        self.open_button.setEnabled(self.store is not None and bool(self.note_ids))

    def refresh(self) -> None:
        store = self.store
        self.table.setRowCount(0)
        self.note_ids = []
        if store is None:
            self._update_buttons()
            return
        lang = language()

        def read() -> list[tuple[uuid.UUID, tuple[str, ...]]]:
            with store.read() as session:
                return [(note.id, (format_date(note.held_on), note.interviewee_role, note.post_code,
                                   ", ".join(interviews.theme_title(code, lang) for code in note.themes),
                                   _(note.status.label))) for note in interviews.notes(session)]

        rows = guarded(self, read) or []
        self.table.setRowCount(len(rows))
        for row, (note_id, values) in enumerate(rows):
            self.note_ids.append(note_id)
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self._update_buttons()

    def new_note(self) -> None:
        self._open(None)

    def open_note(self, row: int) -> None:
        if 0 <= row < len(self.note_ids):
            self._open(self.note_ids[row])

    def _open(self, note_id: uuid.UUID | None) -> None:
        if self.store is None or self.prefs is None:
            return
        dialog = InterviewDialog(self.store, self.prefs, note_id, self)
        dialog.saved.connect(self.refresh)
        dialog.saved.connect(self.changed)
        dialog.open()
