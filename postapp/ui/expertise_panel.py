"""Knowledge notes (core task 1): the list, filtered by sector and theme, beside the note being read
or written. Sectors and themes are offered from the risk reference data; anything else may be typed."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from postapp.conditions import risk_data
from postapp.conditions.risk_data import RiskData
from postapp.errors import PostAppError
from postapp.i18n import _, format_date, format_number, ngettext
from postapp.services import expertise
from postapp.services.expertise import NoteData
from postapp.ui.case_dialog import date_edit, date_text
from postapp.ui.forms import NotesEdit
from postapp.ui.lazy_model import LazyTableModel, configure_table
from postapp.ui.messages import guarded, show_error
from postapp.ui.naming import named, new_record_button
from postapp.ui.record_form import RecordForm

if TYPE_CHECKING:
    from postapp.store import Store


def reference() -> RiskData | None:
    try:
        return risk_data.load()
    except PostAppError:
        return None


def sector_label(key: str) -> str:
    data = reference()
    return data.sector_label(key) if data else key


def theme_label(key: str) -> str:
    data = reference()
    return data.theme_label(key) if data else key


def review_text(review_on: dt.date | None, today: dt.date) -> str:
    if review_on is None:
        return ""
    if review_on <= today:
        return _("{date} (due)").format(date=format_date(review_on))
    return format_date(review_on)


def key_combo(name: str, keys: list[str], label: Any) -> QComboBox:
    """An editable combo offering the reference entries by their label; free text may be typed."""
    combo = named(QComboBox(), name)
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.addItem("", "")
    for key in keys:
        combo.addItem(label(key), key)
    return combo


def combo_value(combo: QComboBox) -> str:
    """The key of the chosen entry, or the text as typed."""
    text = combo.currentText().strip()
    index = combo.findText(text, Qt.MatchFlag.MatchFixedString)
    return str(combo.itemData(index)) if index >= 0 else text


class NoteForm(RecordForm):
    def build_fields(self) -> None:
        self.setObjectName("noteForm")
        self.new_heading, self.edit_heading = _("New knowledge note"), _("Knowledge note")
        data = reference()
        self.title_edit = named(QLineEdit(), "noteTitle")
        self.sector = key_combo("noteSector", list(data.sectors) if data else [], sector_label)
        self.theme = key_combo("noteTheme", list(data.themes) if data else [], theme_label)
        self.review_on = date_edit("noteReviewOn")
        self.review_on.setToolTip(_("When the note should be read again; due reviews show on the home page"))
        self.body = named(NotesEdit(_("Note")), "noteBody")
        self.sources = named(NotesEdit(_("Sources")), "noteSources")
        self.sources.setPlaceholderText(_("Title, publisher and year of each source, one per line"))
        self.sources.setMaximumHeight(90)
        for field, label, widget in (
                ("title", _("&Title"), self.title_edit), ("sector", _("Sect&or"), self.sector),
                ("theme", _("Th&eme"), self.theme), ("review_on", _("Re&view on"), self.review_on),
                ("body", _("Te&xt"), self.body), ("sources", _("So&urces"), self.sources)):
            self.errors.add_row(self.form, field, label, widget)

    def clear_fields(self) -> None:
        self.title_edit.clear()
        self.sector.setCurrentIndex(0)
        self.theme.setCurrentIndex(0)
        self.review_on.clear()
        self.body.clear()
        self.sources.clear()

    def fill_fields(self, data: NoteData) -> None:
        self.title_edit.setText(data.title)
        self.sector.setCurrentText(sector_label(data.sector))
        self.theme.setCurrentText(theme_label(data.theme))
        self.review_on.setText(date_text(data.review_on))
        self.body.setPlainText(data.body)
        self.sources.setPlainText(data.sources)

    def collect(self) -> NoteData:
        return NoteData(title=self.title_edit.text(), sector=combo_value(self.sector), theme=combo_value(self.theme),
                        body=self.body.toPlainText(), sources=self.sources.toPlainText(),
                        review_on=self.review_on.text())

    def read_record(self, session: Session, record_id: uuid.UUID) -> NoteData:
        return expertise.note_data(expertise.get_note(session, record_id))

    def create_record(self, session: Session, data: NoteData) -> uuid.UUID:
        return expertise.create_note(session, data, self.post_code).id

    def update_record(self, session: Session, record_id: uuid.UUID, data: NoteData) -> uuid.UUID:
        return expertise.update_note(session, record_id, data).id

    def remove_record(self, session: Session, record_id: uuid.UUID) -> None:
        expertise.delete_note(session, record_id)

    def delete_question(self) -> str:
        return _("Delete the knowledge note “{title}”?").format(title=self.title_edit.text())


class KnowledgeNotesPanel(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store: Store | None = None
        self.post_code = ""
        today = dt.date.today()
        self.model = LazyTableModel(
            [_("Title"), _("Sector"), _("Theme"), _("Review on")],
            [lambda r: r[1], lambda r: sector_label(r[2]), lambda r: theme_label(r[3]),
             lambda r: review_text(r[4], today)], self)
        self.model.failed.connect(lambda message: show_error(self, message))
        self.table = named(QTableView(), "notes")
        self.table.setAccessibleName(_("Knowledge notes"))
        self.table.setModel(self.model)
        configure_table(self.table, stretch_column=0)
        self.table.selectionModel().currentRowChanged.connect(self._row_chosen)
        self.sector_filter = named(QComboBox(), "noteSectorFilter")
        self.sector_filter.setAccessibleName(_("Show notes on sector"))
        self.theme_filter = named(QComboBox(), "noteThemeFilter")
        self.theme_filter.setAccessibleName(_("Show notes on theme"))
        for combo in (self.sector_filter, self.theme_filter):
            combo.currentIndexChanged.connect(lambda _i: self.refresh_list())
        self.count = named(QLabel(), "noteCount")
        self.new_button = new_record_button(self, _("&New note…"), _("A new knowledge note (Ctrl+N)"), "newNote",
                                            _("New knowledge note"), "actionNewNote", self.new_note)
        self.form = NoteForm()
        self.form.saved.connect(self._written)
        self.form.deleted.connect(self._written)

        filters = QHBoxLayout()
        filters.addWidget(self.sector_filter, 1)
        filters.addWidget(self.theme_filter, 1)
        header = QHBoxLayout()
        header.addWidget(self.count, 1)
        header.addWidget(self.new_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(header)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.table, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.form)
        splitter.setSizes([450, 400])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    def attach_store(self, store: Store | None) -> None:
        self.store = store
        self.new_button.setEnabled(store is not None)
        self.form.attach_store(store, self.post_code)
        self.refresh()

    def set_post_code(self, code: str) -> None:
        self.post_code = self.form.post_code = code

    def refresh(self) -> None:
        guarded(self, self._fill_filters)
        self.refresh_list()

    def _fill_filters(self) -> None:
        """The sectors and themes of the reference data and those the notes use, keeping the choice."""
        data = reference()
        used: dict[str, list[str]] = {"sector": [], "theme": []}
        if self.store is not None:
            with self.store.read() as session:
                used = {column: expertise.used_values(session, column) for column in used}
        for combo, column, everything, all_label, label in (
                (self.sector_filter, "sector", list(data.sectors) if data else [], _("All sectors"), sector_label),
                (self.theme_filter, "theme", list(data.themes) if data else [], _("All themes"), theme_label)):
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(all_label, None)
            for key in dict.fromkeys([*everything, *used[column]]):
                combo.addItem(label(key), key)
            combo.setCurrentIndex(max(combo.findData(chosen), 0))
            combo.blockSignals(False)

    def refresh_list(self) -> None:
        store = self.store
        if store is None:
            self.model.set_source(None)
            self.count.clear()
            return
        sector, theme = self.sector_filter.currentData(), self.theme_filter.currentData()

        def fetch(offset: int, limit: int) -> list[Any]:
            with store.read() as session:
                return list(expertise.note_rows(session, sector, theme, offset, limit))

        def count() -> None:
            with store.read() as session:
                n = expertise.count_notes(session, sector, theme)
            self.count.setText(ngettext("{n} note", "{n} notes", n).format(n=format_number(n)))

        guarded(self, count)
        guarded(self, lambda: self.model.set_source(fetch))

    def select(self, note_id: uuid.UUID) -> None:
        """Shows one note (from Home or search): in the list when it is there, always in the form."""
        if self.model.row_of(note_id) < 0 and (self.sector_filter.currentIndex() or self.theme_filter.currentIndex()):
            for combo in (self.sector_filter, self.theme_filter):
                combo.blockSignals(True)
                combo.setCurrentIndex(0)
                combo.blockSignals(False)
            self.refresh_list()
        while self.model.row_of(note_id) < 0 and self.model.canFetchMore():
            self.model.fetchMore()
        row = self.model.row_of(note_id)
        if row >= 0:
            self.table.selectRow(row)
        if self.form.record_id != note_id:
            self.form.load(note_id)

    def new_note(self) -> None:
        self.table.clearSelection()
        self.form.new()
        self.form.title_edit.setFocus()

    def _row_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        note_id = self.model.row_id(current.row())
        if note_id is not None and note_id != self.form.record_id:
            self.form.load(note_id)

    def _written(self, note_id: object = None) -> None:
        self.refresh()
        row = self.model.row_of(note_id)
        if row >= 0:
            self.table.selectRow(row)
        self.changed.emit()
