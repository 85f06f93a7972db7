"""The agenda-setting log (core task 5): a summary per topic above the entries, newest first, with
filters by topic and counterpart. Enter or a double-click opens an entry; Ctrl+N adds one."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from postapp.domain import AgendaTopic, Counterpart
from postapp.i18n import _, format_date, format_number, ngettext
from postapp.services import agenda
from postapp.ui.lazy_model import LazyTableModel, configure_table
from postapp.ui.messages import guarded, show_error
from postapp.ui.naming import named, new_record_button

if TYPE_CHECKING:
    from postapp.store import Store
    from postapp.ui.agenda_dialog import AgendaDialog


def topic_text(topic: AgendaTopic, detail: str) -> str:
    if topic is AgendaTopic.OTHER and detail:
        return detail
    return f"{_(topic.label)} — {detail}" if detail else _(topic.label)


def step_due_text(due: dt.date | None, done: bool, today: dt.date) -> str:
    """The due date with its state in words ("done", "overdue"), legible without colour."""
    if due is None:
        return _("done") if done else ""
    if done:
        return _("{date} (done)").format(date=format_date(due))
    if due < today:
        return _("{date} (overdue)").format(date=format_date(due))
    return format_date(due)


def first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


class AgendaPanel(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store: Store | None = None
        self.post_code = ""
        today = dt.date.today()
        self.summary = named(QTableWidget(0, 4), "agendaSummary")
        self.summary.setTabKeyNavigation(False)  # Tab leaves the table, arrows move in it
        self.summary.setAccessibleName(_("Topics raised"))
        self.summary.setHorizontalHeaderLabels([_("Topic"), _("Entries"), _("Last raised"), _("Open next steps")])
        self.summary.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.summary.verticalHeader().hide()
        self.summary.verticalHeader().setDefaultSectionSize(self.summary.fontMetrics().height() + 8)
        self.summary.horizontalHeader().setStretchLastSection(True)
        self.summary.setColumnWidth(0, 220)
        for column in (1, 2):  # as wide as the figures and the header, which is long in some languages
            self.summary.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.summary.setMaximumHeight((self.summary.fontMetrics().height() + 8) * 6 + 4)  # five rows and the header
        self.summary.cellActivated.connect(self._filter_by_summary_row)

        self.model = LazyTableModel(
            [_("Date"), _("Topic"), _("With"), _("Outcome"), _("Next step"), _("Due")],
            [lambda r: format_date(r[1]), lambda r: topic_text(r[2], r[3]), lambda r: _(r[4].label),
             lambda r: first_line(r[5]), lambda r: first_line(r[6]), lambda r: step_due_text(r[7], r[8], today)],
            self)
        self.model.failed.connect(lambda message: show_error(self, message))
        self.table = named(QTableView(), "agendaEntries")
        self.table.setAccessibleName(_("Agenda-setting log"))
        self.table.setModel(self.model)
        configure_table(self.table, stretch_column=3)
        for column, width in ((0, 100), (1, 170), (2, 150), (4, 200), (5, 160)):
            self.table.setColumnWidth(column, width)
        self.table.activated.connect(self._open_index)

        self.topic_filter = named(QComboBox(), "agendaTopicFilter")
        self.topic_filter.setAccessibleName(_("Show entries on topic"))
        self.topic_filter.addItem(_("All topics"), "")
        for topic in AgendaTopic:
            self.topic_filter.addItem(_(topic.label), topic.value)
        self.counterpart_filter = named(QComboBox(), "agendaCounterpartFilter")
        self.counterpart_filter.setAccessibleName(_("Show entries with counterpart"))
        self.counterpart_filter.addItem(_("All counterparts"), "")
        for counterpart in Counterpart:
            self.counterpart_filter.addItem(_(counterpart.label), counterpart.value)
        for combo in (self.topic_filter, self.counterpart_filter):
            combo.currentIndexChanged.connect(lambda _i: self.refresh_entries())
        self.count = named(QLabel(), "agendaCount")
        self.new_button = new_record_button(
            self, _("&New entry…"), _("A new entry in the agenda-setting log (Ctrl+N)"), "newAgendaEntry",
            _("New agenda entry"), "actionNewAgendaEntry", self.new_entry)

        filters = QHBoxLayout()
        topic_label = QLabel(_("To&pic:"))
        topic_label.setBuddy(self.topic_filter)
        with_label = QLabel(_("&With:"))
        with_label.setBuddy(self.counterpart_filter)
        for widget in (topic_label, self.topic_filter, with_label, self.counterpart_filter):
            filters.addWidget(widget)
        filters.addWidget(self.count, 1)
        filters.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)

    def attach_store(self, store: Store | None) -> None:
        self.store = store
        self.new_button.setEnabled(store is not None)
        self.refresh()

    def set_post_code(self, code: str) -> None:
        self.post_code = code

    def refresh(self) -> None:
        guarded(self, self._fill_summary)
        self.refresh_entries()

    def _fill_summary(self) -> None:
        self.summary.setRowCount(0)
        if self.store is None:
            return
        with self.store.read() as session:
            rows = agenda.topic_summary(session)
        self.summary.setRowCount(len(rows))
        for row, item in enumerate(rows):
            texts = (_(item.topic.label), format_number(item.entries), format_date(item.last_date),
                     format_number(item.open_steps))
            for column, text in enumerate(texts):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, item.topic.value)
                self.summary.setItem(row, column, cell)

    def _filter_by_summary_row(self, row: int, _column: int) -> None:
        item = self.summary.item(row, 0)
        if item is not None:
            self.topic_filter.setCurrentIndex(max(self.topic_filter.findData(item.data(Qt.ItemDataRole.UserRole)), 0))

    def filters(self) -> tuple[AgendaTopic | None, Counterpart | None]:
        topic, counterpart = self.topic_filter.currentData(), self.counterpart_filter.currentData()
        return (AgendaTopic(topic) if topic else None, Counterpart(counterpart) if counterpart else None)

    def refresh_entries(self) -> None:
        store = self.store
        if store is None:
            self.model.set_source(None)
            self.count.clear()
            return
        topic, counterpart = self.filters()

        def fetch(offset: int, limit: int) -> list[Any]:
            with store.read() as session:
                return list(agenda.agenda_rows(session, topic, counterpart, offset, limit))

        def count() -> None:
            with store.read() as session:
                n = agenda.count_entries(session, topic, counterpart)
            self.count.setText(ngettext("{n} entry", "{n} entries", n).format(n=format_number(n)))

        guarded(self, count)
        guarded(self, lambda: self.model.set_source(fetch))

    def new_entry(self) -> AgendaDialog | None:
        return self.open_entry(None)

    def _open_index(self, index: QModelIndex) -> None:
        entry_id = self.model.row_id(index.row())
        if entry_id is not None:
            self.open_entry(entry_id)

    def open_entry(self, entry_id: uuid.UUID | None) -> AgendaDialog | None:
        if self.store is None:
            return None
        from postapp.ui.agenda_dialog import AgendaDialog

        dialog = AgendaDialog(self.store, self.post_code, entry_id, self)
        dialog.saved.connect(self._written)
        dialog.deleted.connect(self._written)
        dialog.open()
        return dialog

    def _written(self, _entry_id: object = None) -> None:
        self.refresh()
        self.changed.emit()
