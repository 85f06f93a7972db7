"""The events tab of core tasks 2 and 5: coming events first, then past ones, with registrations against
capacity and attendance; new events, opening one, and exporting one to Outlook as ``.ics``."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from postapp.coretasks import CoreTask
from postapp.i18n import _, format_datetime, format_number, ngettext
from postapp.ui.lazy_model import LazyTableModel, configure_table
from postapp.ui.messages import guarded, show_error
from postapp.ui.naming import named

if TYPE_CHECKING:
    from postapp.services.events import EventRow
    from postapp.store import Store


def _row(row: tuple[Any, ...]) -> EventRow:
    return cast("EventRow", row)


def _when(row: EventRow) -> str:
    # Wall-clock time at the event's place (its zone is in the dialog; nearly always the post's own).
    return format_datetime(row.local_start.replace(tzinfo=None), "short")


def _registrations(row: EventRow) -> str:
    if row.capacity is None:
        return format_number(row.registered)
    return f"{format_number(row.registered)} / {format_number(row.capacity)}"


class EventsPanel(QWidget):
    changed = Signal()

    def __init__(self, task: CoreTask = CoreTask.AWARENESS, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from postapp.domain import EventFormat

        self.task = task
        self.store: Store | None = None
        self.post_code = ""
        self.setAccessibleName(_("Events"))
        self.model = LazyTableModel(
            [_("Date and time"), _("Title"), _("Kind"), _("Registered"), _("Attended")],
            [lambda r: _when(_row(r)), lambda r: _row(r).title, lambda r: _(EventFormat(_row(r).format).label),
             lambda r: _registrations(_row(r)), lambda r: format_number(_row(r).attended)],
            self,
        )
        self.model.failed.connect(lambda message: show_error(self, message))
        self.table = named(QTableView(), "events")
        self.table.setAccessibleName(_("Events of the post, coming ones first"))
        self.table.setModel(self.model)
        configure_table(self.table, stretch_column=1)
        # Narrow fixed columns: the title is what staff scan for, and the panel shares the width with
        # the guideline.
        for column, width in ((0, 130), (2, 125), (3, 85), (4, 75)):
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        open_action = QAction(_("Open event"), self.table)
        open_action.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        open_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        open_action.triggered.connect(self.open_selected)
        self.table.addAction(open_action)

        self.new_button = named(QPushButton(_("&New event…")), "newEvent")
        self.new_button.clicked.connect(self.new_event)
        self.open_button = named(QPushButton(_("&Open")), "openEvent")
        self.open_button.clicked.connect(self.open_selected)
        self.export_button = named(QPushButton(_("E&xport to calendar (.ics)…")), "exportIcs")
        self.export_button.clicked.connect(self.export_selected)
        self.attendees = named(QCheckBox(_("Include &participants' e-mail addresses")), "icsAttendees")
        self.attendees.setToolTip(_("Invited and registered participants with an e-mail address; sensitive "
                                    "contacts are never included."))
        self.status = named(QLabel(), "eventsStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QHBoxLayout()
        for widget in (self.new_button, self.open_button, self.export_button, self.attendees):
            buttons.addWidget(widget)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        layout.addWidget(self.status)
        self._enable()

    def _enable(self) -> None:
        for button in (self.new_button, self.open_button, self.export_button):
            button.setEnabled(self.store is not None)

    def attach_store(self, store: Store | None) -> None:
        self.store = store
        self._enable()
        self.refresh()

    def set_post_code(self, code: str) -> None:
        self.post_code = code

    def refresh(self) -> None:
        if self.store is None:
            self.model.set_source(None)
            return
        from postapp.services.events import event_rows

        store, task = self.store, self.task

        def fetch(offset: int, limit: int) -> list[Any]:
            with store.read() as session:
                return list(event_rows(session, task, offset, limit))

        guarded(self, lambda: self.model.set_source(fetch))

    def selected_id(self) -> uuid.UUID | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        value = self.model.row_id(index.row())
        return value if isinstance(value, uuid.UUID) else None

    def select(self, event_id: uuid.UUID) -> None:
        row = self.model.row_of(event_id)
        if row >= 0:
            self.table.selectRow(row)

    def new_event(self) -> None:
        self._open_dialog(None)

    def open_selected(self) -> None:
        event_id = self.selected_id()
        if event_id is None:
            self.status.setText(_("Choose an event in the list first."))
            return
        self._open_dialog(event_id)

    def _open_dialog(self, event_id: uuid.UUID | None) -> None:
        if self.store is None:
            return
        from postapp.ui.event_dialog import EventDialog

        dialog = EventDialog(self.store, self.task, event_id, self, self.post_code)
        self.dialog = dialog
        dialog.saved.connect(lambda: self._saved(dialog.event_id))
        dialog.open()

    def _saved(self, event_id: uuid.UUID | None) -> None:
        self.refresh()
        if event_id is not None:
            self.select(event_id)
        self.changed.emit()

    def export_selected(self) -> None:
        event_id = self.selected_id()
        if self.store is None:
            return
        if event_id is None:
            self.status.setText(_("Choose the event to export in the list first."))
            return
        row = self.model.row_of(event_id)
        title = self.model.index(row, 1).data() if row >= 0 else "event"
        suggested = "".join(c if c.isalnum() or c in " -_" else "_" for c in str(title))[:60].strip() or "event"
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Export event to calendar"), f"{suggested}.ics", _("iCalendar files (*.ics)"))
        if not path:
            return
        target = Path(path) if path.lower().endswith(".ics") else Path(path + ".ics")
        self.export_to(event_id, target, self.attendees.isChecked())

    def export_to(self, event_id: uuid.UUID, path: Path, include_attendees: bool = False) -> None:
        from postapp.services.event_ics import export_ics

        store = self.store
        if store is None:
            return

        def write() -> None:
            with store.read() as session:
                result = export_ics(session, event_id, path, include_attendees=include_attendees)
            message = _("Saved to {path}; open it to add the event to Outlook.").format(path=path)
            if include_attendees:
                message += " " + ngettext("{count} attendee listed.", "{count} attendees listed.",
                                          result.attendees).format(count=format_number(result.attendees))
            if result.left_out_sensitive:
                message += " " + ngettext("{count} sensitive contact left out.",
                                          "{count} sensitive contacts left out.",
                                          result.left_out_sensitive).format(
                    count=format_number(result.left_out_sensitive))
            self.status.setText(message)

        guarded(self, write)


def awareness_events_panel() -> EventsPanel:
    """The panel of core task 2 (awareness sessions and trainings for companies)."""
    return EventsPanel(CoreTask.AWARENESS)


def agenda_events_panel() -> EventsPanel:
    """The panel of core task 5 (roundtables with authorities and stakeholders)."""
    return EventsPanel(CoreTask.AGENDA)
