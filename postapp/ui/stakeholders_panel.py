"""The stakeholder overview (core task 1): per kind of organisation how many the post knows, their
persons and its activities with them in the last twelve months; below, the organisations of a kind
by name, with the same counts. Persons are only counted here, never named, so sensitive contacts stay
out of sight on a shared screen."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
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

from postapp.domain import OrganisationKind
from postapp.i18n import _, format_date, format_number
from postapp.services import expertise
from postapp.ui.lazy_model import LazyTableModel, configure_table
from postapp.ui.messages import guarded, show_error
from postapp.ui.naming import named

if TYPE_CHECKING:
    from postapp.store import Store


class StakeholdersPanel(QWidget):
    changed = Signal()  # never emitted: the overview only reads

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store: Store | None = None
        self.post_code = ""
        self.today = dt.date.today()
        self.summary = named(QTableWidget(0, 5), "stakeholderSummary")
        self.summary.setTabKeyNavigation(False)  # Tab leaves the table, arrows move in it
        self.summary.setAccessibleName(_("Stakeholders by kind"))
        self.summary.setHorizontalHeaderLabels([_("Kind"), _("Organisations"), _("Persons"),
                                                _("Activities, last 12 months"), _("Last contact")])
        self.summary.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.summary.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.summary.verticalHeader().hide()
        self.summary.verticalHeader().setDefaultSectionSize(self.summary.fontMetrics().height() + 8)
        self.summary.horizontalHeader().setStretchLastSection(True)
        self.summary.setColumnWidth(0, 200)
        for column in (1, 2, 3):  # as wide as the figures and the header, which is long in some languages
            self.summary.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.summary.setMaximumHeight(230)
        self.summary.cellActivated.connect(self._filter_by_summary_row)
        self.kind_filter = named(QComboBox(), "stakeholderKindFilter")
        self.kind_filter.setAccessibleName(_("Show organisations of kind"))
        self.kind_filter.addItem(_("All kinds"), "")
        for kind in OrganisationKind:
            self.kind_filter.addItem(_(kind.label), kind.value)
        self.kind_filter.currentIndexChanged.connect(lambda _i: self.refresh_list())
        self.model = LazyTableModel(
            [_("Organisation"), _("Kind"), _("Persons"), _("Activities, last 12 months"), _("Last contact")],
            [lambda r: r[1], lambda r: _(r[2].label), lambda r: format_number(r[3]), lambda r: format_number(r[4]),
             lambda r: format_date(r[5])], self)
        self.model.failed.connect(lambda message: show_error(self, message))
        self.table = named(QTableView(), "stakeholders")
        self.table.setAccessibleName(_("Organisations with their persons and recent activities"))
        self.table.setModel(self.model)
        configure_table(self.table, stretch_column=0)
        for column, width in ((1, 160), (2, 80), (3, 170), (4, 120)):
            self.table.setColumnWidth(column, width)
        # The name first, wide enough to read (in characters: it grows with the font); the figures after
        # it scroll when the pane is narrow, rather than squeezing the name to "…".
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(0, self.table.fontMetrics().averageCharWidth() * 30)
        self.table.horizontalHeader().setStretchLastSection(True)
        filters = QHBoxLayout()
        kind_label = QLabel(_("Ki&nd:"))
        kind_label.setBuddy(self.kind_filter)
        filters.addWidget(kind_label)
        filters.addWidget(self.kind_filter)
        filters.addStretch()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)

    def attach_store(self, store: Store | None) -> None:
        self.store = store
        # The summary reads every person and activity of the post: done when the tab is shown, not
        # when the workspace opens on another tab.
        if self.isVisible() or store is None:
            self.refresh()

    def set_post_code(self, code: str) -> None:
        self.post_code = code

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()  # persons and activities change in other workspaces

    def refresh(self) -> None:
        self.today = dt.date.today()
        guarded(self, self._fill_summary)
        self.refresh_list()

    def _fill_summary(self) -> None:
        self.summary.setRowCount(0)
        if self.store is None:
            return
        with self.store.read() as session:
            rows = expertise.stakeholder_summary(session, self.today)
        self.summary.setRowCount(len(rows))
        for row, item in enumerate(rows):
            texts = (_(item.kind.label), format_number(item.organisations), format_number(item.persons),
                     format_number(item.activities), format_date(item.last_activity))
            for column, text in enumerate(texts):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, item.kind.value)
                self.summary.setItem(row, column, cell)

    def _filter_by_summary_row(self, row: int, _column: int) -> None:
        item = self.summary.item(row, 0)
        if item is not None:
            self.kind_filter.setCurrentIndex(max(self.kind_filter.findData(item.data(Qt.ItemDataRole.UserRole)), 0))

    def refresh_list(self) -> None:
        store = self.store
        if store is None:
            self.model.set_source(None)
            return
        value = self.kind_filter.currentData()
        kind = OrganisationKind(value) if value else None
        today = self.today

        def fetch(offset: int, limit: int) -> list[Any]:
            with store.read() as session:
                return list(expertise.stakeholder_rows(session, today, kind, offset, limit))

        guarded(self, lambda: self.model.set_source(fetch))
