"""Search everything (Ctrl+F): one line, results grouped by kind, Enter opens the record's workspace.

Keyboard first: the line has the focus, Down moves into the results (to the first hit), Enter on a
hit opens it, Enter in the line opens the first hit, Esc closes. The search runs a short pause after
the last key (as the Contacts search does), so typing a word costs one query, not one per letter.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from postapp.i18n import _, format_date, format_number
from postapp.services.global_search import PER_GROUP, Hit, HitGroup, HitKind, search_everything
from postapp.ui.messages import guarded

if TYPE_CHECKING:
    from postapp.store import Store

SEARCH_DELAY_MS = 150
MORE_STEP = 200  # "more…" shows up to this many of the group
CONTACTS = "contacts"  # the Contacts workspace's key (``main_window.CONTACTS``)
HIT = Qt.ItemDataRole.UserRole  # on a hit: (workspace key, record id, HitKind value)
ROLE_MORE = Qt.ItemDataRole.UserRole + 1  # on "more…": the HitKind value


def workspace_of(hit: Hit) -> str:
    return hit.task.value if hit.task is not None else CONTACTS


class SearchDialog(QDialog):
    open_requested = Signal(str, object, str)  # (workspace key, record id, HitKind value)

    def __init__(self, store: Store | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setObjectName("globalSearch")
        self.setWindowTitle(_("Search everything"))
        self.resize(720, 520)
        self.limits: dict[HitKind, int] = {}  # groups opened further with "more…"
        self.groups: list[HitGroup] = []

        self.query = QLineEdit()
        self.query.setObjectName("globalSearchQuery")
        self.query.setAccessibleName(_("Search everything"))
        self.query.setPlaceholderText(_("Persons, organisations, activities, events, cases, agenda, notes…"))
        self.query.setClearButtonEnabled(True)
        self.query.setMaxLength(1000)  # a pasted page is cut here; the core bounds it again
        self.query.installEventFilter(self)
        self.status = QLabel()
        self.status.setObjectName("globalSearchStatus")
        self.results = QTreeWidget()
        self.results.setObjectName("globalSearchResults")
        self.results.setAccessibleName(_("Search results by kind"))
        self.results.setHeaderLabels([_("Found"), _("Details"), _("Date")])
        self.results.setColumnWidth(0, 340)
        self.results.setColumnWidth(1, 240)
        self.results.setUniformRowHeights(True)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.itemActivated.connect(self._activated)
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run_search)
        self.query.textChanged.connect(self._typed)

        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)

    def attach_store(self, store: Store | None) -> None:
        self.store = store
        self.run_search()

    def start(self) -> None:
        """Shows the dialog with the last query selected, ready to type over."""
        self.show()
        self.raise_()
        self.activateWindow()
        self.query.setFocus()
        self.query.selectAll()

    def _typed(self, _text: str) -> None:
        self.limits.clear()
        self._timer.start()

    def run_search(self) -> None:
        self._timer.stop()
        store, text = self.store, self.query.text()
        if store is None or not text.strip():
            self._show([], text)
            return

        def find() -> list[HitGroup]:
            with store.read() as session:
                return search_everything(session, text, PER_GROUP, self.limits)

        groups = guarded(self, find)
        self._show(groups or [], text)

    def _show(self, groups: list[HitGroup], text: str) -> None:
        self.groups = groups
        self.results.clear()
        dates: dict[object, str] = {}
        for group in groups:
            heading = QTreeWidgetItem([f"{_(group.kind.label)} ({format_number(group.total)})", "", ""])
            heading.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = heading.font(0)
            font.setBold(True)
            heading.setFont(0, font)
            for hit in group.hits:
                if hit.date is not None and hit.date not in dates:
                    dates[hit.date] = format_date(hit.date)
                item = QTreeWidgetItem([hit.title, hit.detail, dates.get(hit.date, "")])
                item.setData(0, HIT, (workspace_of(hit), hit.record_id, hit.kind.value))
                item.setToolTip(0, hit.title)
                heading.addChild(item)
            if group.more:
                more = QTreeWidgetItem([_("more… ({n} in all)").format(n=format_number(group.total)), "", ""])
                more.setData(0, ROLE_MORE, group.kind.value)
                heading.addChild(more)
            self.results.addTopLevelItem(heading)
            heading.setExpanded(True)
        if not text.strip():
            self.status.setText(_("Type a name, a word from a title or a note."))
        elif not groups:
            self.status.setText(_("Nothing found for “{query}”.").format(query=text.strip()[:80]))
        else:
            self.status.setText(", ".join(f"{_(g.kind.label)}: {format_number(g.total)}" for g in groups))

    def first_hit(self) -> QTreeWidgetItem | None:
        for row in range(self.results.topLevelItemCount()):
            heading = self.results.topLevelItem(row)
            if heading is not None and heading.childCount():
                return heading.child(0)
        return None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.query and event.type() == QEvent.Type.KeyPress:
            key = event.key() if isinstance(event, QKeyEvent) else None
            if key == Qt.Key.Key_Down:
                self._into_results()
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self._timer.isActive():
                    self.run_search()  # Enter right after typing: search now, not after the pause
                first = self.first_hit()
                if first is not None:
                    self._activated(first, 0)
                return True
        return super().eventFilter(watched, event)

    def _into_results(self) -> None:
        if self._timer.isActive():
            self.run_search()
        first = self.first_hit()
        if first is not None:
            self.results.setCurrentItem(first)
        self.results.setFocus()

    def _select_in_group(self, kind: HitKind, index: int) -> None:
        for row, group in enumerate(self.groups):
            if group.kind is kind:
                heading = self.results.topLevelItem(row)
                child = heading.child(min(index, heading.childCount() - 1)) if heading is not None else None
                if child is not None:
                    self.results.setCurrentItem(child)
                self.results.setFocus()
                return

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        more = item.data(0, ROLE_MORE)
        if more:
            kind = HitKind(more)
            shown = self.limits.get(kind, PER_GROUP)
            self.limits[kind] = shown + MORE_STEP
            self.run_search()
            self._select_in_group(kind, shown)  # the first hit that was not shown before
            return
        target = item.data(0, HIT)
        if not target:
            return
        key, record_id, kind = target
        self.hide()
        self.open_requested.emit(key, record_id if isinstance(record_id, uuid.UUID) else None, kind)
