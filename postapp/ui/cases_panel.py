"""The support cases of the post (core task 3) as a list: open cases first, soonest due first, with a
filter by status. Enter or a double-click opens a case; Ctrl+N starts a new one."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTableView, QVBoxLayout, QWidget

from postapp.domain import CaseStatus
from postapp.i18n import _, format_date, format_number, ngettext
from postapp.services import cases
from postapp.ui.lazy_model import LazyTableModel, configure_table
from postapp.ui.messages import guarded, show_error
from postapp.ui.naming import named, new_record_button

if TYPE_CHECKING:
    from postapp.store import Store
    from postapp.ui.case_dialog import CaseDialog
    from postapp.ui.settings import Preferences


def due_text(due_on: dt.date | None, still_open: bool, today: dt.date) -> str:
    """The due date, with "overdue" in words so it reads without colour."""
    if due_on is None:
        return ""
    if still_open and due_on < today:
        return _("{date} (overdue)").format(date=format_date(due_on))
    return format_date(due_on)


class CasesPanel(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store: Store | None = None
        self.post_code = ""
        self._prefs: Preferences | None = None
        today = dt.date.today()
        self.model = LazyTableModel(
            [_("Status"), _("Title"), _("Company"), _("Referred to"), _("Due")],
            [lambda r: _(r[1].label), lambda r: r[2], lambda r: r[3],
             lambda r: _(r[4].label) if r[4] else "",
             lambda r: due_text(r[5], r[1] is not CaseStatus.CLOSED, today)], self)
        self.model.failed.connect(lambda message: show_error(self, message))
        self.table = named(QTableView(), "cases")
        self.table.setAccessibleName(_("Support cases"))
        self.table.setModel(self.model)
        configure_table(self.table, stretch_column=1)
        for column, width in ((0, 95), (2, 165), (3, 120), (4, 110)):
            self.table.setColumnWidth(column, width)
        self.table.activated.connect(self._open_index)
        self.status_filter = named(QComboBox(), "caseStatusFilter")
        self.status_filter.setAccessibleName(_("Show cases with status"))
        self.status_filter.addItem(_("All cases"), "")
        for status in CaseStatus:
            self.status_filter.addItem(_(status.label), status.value)
        self.status_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.count = named(QLabel(), "caseCount")
        self.new_button = new_record_button(self, _("&New case…"), _("A new support case (Ctrl+N)"), "newCase",
                                            _("New case"), "actionNewCase", self.new_case)
        header = QHBoxLayout()
        filter_label = QLabel(_("Sho&w:"))
        filter_label.setBuddy(self.status_filter)
        header.addWidget(filter_label)
        header.addWidget(self.status_filter)
        header.addWidget(self.count, 1)
        header.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.table)

    @property
    def prefs(self) -> Preferences:
        """The user's preferences (country and name, for starting a condition check)."""
        if self._prefs is None:
            from postapp.ui.settings import Preferences

            self._prefs = Preferences()
        return self._prefs

    @prefs.setter
    def prefs(self, prefs: Preferences) -> None:
        self._prefs = prefs

    def attach_store(self, store: Store | None) -> None:
        self.store = store
        self.new_button.setEnabled(store is not None)
        self.refresh()

    def set_post_code(self, code: str) -> None:
        self.post_code = code

    def status(self) -> CaseStatus | None:
        value = self.status_filter.currentData()
        return CaseStatus(value) if value else None

    def refresh(self) -> None:
        store = self.store
        if store is None:
            self.model.set_source(None)
            self.count.clear()
            return
        status = self.status()

        def fetch(offset: int, limit: int) -> list[Any]:
            with store.read() as session:
                return list(cases.case_rows(session, status, offset, limit))

        def count() -> None:
            with store.read() as session:
                n = cases.count_cases(session, status)
            self.count.setText(ngettext("{n} case", "{n} cases", n).format(n=format_number(n)))

        guarded(self, count)
        guarded(self, lambda: self.model.set_source(fetch))

    def new_case(self) -> CaseDialog | None:
        return self.open_case(None)

    def _open_index(self, index: QModelIndex) -> None:
        case_id = self.model.row_id(index.row())
        if case_id is not None:
            self.open_case(case_id)

    def open_case(self, case_id: uuid.UUID | None) -> CaseDialog | None:
        if self.store is None:
            return None
        from postapp.ui.case_dialog import CaseDialog

        dialog = CaseDialog(self.store, self.prefs, self.post_code, case_id, self)
        dialog.saved.connect(self._written)
        dialog.deleted.connect(self._written)
        dialog.open()
        return dialog

    def _written(self, _case_id: object = None) -> None:
        self.refresh()
        self.changed.emit()
