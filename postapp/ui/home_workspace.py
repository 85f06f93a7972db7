"""The Home workspace, the first thing staff see: what is overdue, what is due this week, the recent
work per core task, and buttons to add each kind of record.

It is built before the data file is open, on the path to the first paint, so it imports nothing of
the core that needs SQLAlchemy until it is filled (``attach_store``). It reads the dashboard again
each time it is shown: records change in the other workspaces, and the read is bounded (< 100 ms on
the benchmark store, ``bench/dashboard.py``).
"""

from __future__ import annotations

import datetime as dt
import html
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from postapp.coretasks import CoreTask
from postapp.i18n import N_, _, format_date, format_number, ngettext
from postapp.ui.messages import guarded

if TYPE_CHECKING:
    from postapp.services.dashboard import Dashboard, DueList, RecentWork
    from postapp.store import Store

CONTACTS = "contacts"  # the Contacts workspace's key (``main_window.CONTACTS``)
TARGET = Qt.ItemDataRole.UserRole  # (workspace key, record id or None, record kind) of an item

# Quick-add: (object name of the button here, its label, the workspace, the "new" button there).
QUICK_ADD: list[tuple[str, str, str, str]] = [
    ("homeNewPerson", N_("New &person"), CONTACTS, "newContact"),
    ("homeNewEvent", N_("New &event"), CoreTask.AWARENESS.value, "newEvent"),
    ("homeNewCase", N_("New support &case"), CoreTask.SUPPORT.value, "newCase"),
    ("homeNewAgendaEntry", N_("New agenda entr&y"), CoreTask.AGENDA.value, "newAgendaEntry"),
    ("homeNewNote", N_("New knowledge &note"), CoreTask.EXPERTISE.value, "newNote"),
]


def task_label(task: CoreTask) -> str:
    return f"{task.number}. {_(task.label)}"


def _tree(name: str, accessible: str, headers: list[str]) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setObjectName(name)
    tree.setAccessibleName(accessible)
    tree.setHeaderLabels(headers)
    tree.setRootIsDecorated(False)
    tree.setUniformRowHeights(True)
    tree.setAlternatingRowColors(True)
    tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    if len(headers) == 4:  # the due lists: the title gives way, the kind and date stay readable
        header = tree.header()
        header.setStretchLastSection(False)
        for column in range(3):
            header.setSectionResizeMode(
                column, QHeaderView.ResizeMode.Stretch if column == 1 else QHeaderView.ResizeMode.ResizeToContents)
        # The core task's name is long in Dutch and would leave the title no room: a width in characters
        # (so it scales with the font and the screen), the rest elided, the full name in the tooltip.
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(3, tree.fontMetrics().averageCharWidth() * 18)
    return tree


def _heading(name: str, buddy: QWidget) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    label.setBuddy(buddy)
    return label


class HomeWorkspace(QWidget):
    open_requested = Signal(str, object, str)  # (workspace key, record id or None, DueKind value or "activity")
    new_requested = Signal(str, str)  # (workspace key, object name of the "new" button in it)
    activity_saved = Signal(str)  # the core task's value

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workspace_home")
        self.setAccessibleName(_("Home"))
        self.store: Store | None = None
        self.post_code = ""
        self.today: Callable[[], dt.date] = dt.date.today  # replaced in tests and the benchmark
        self.dashboard: Dashboard | None = None
        self._dates: dict[dt.date, str] = {}

        home = _("Home")
        self.heading = QLabel(f"<h1>{html.escape(home)}</h1>")
        self.date_label = QLabel()
        self.date_label.setObjectName("homeDate")
        due_headers = [_("Kind"), _("What"), _("Due"), _("Core task")]
        self.overdue = _tree("overdue", _("Overdue"), due_headers)
        self.this_week = _tree("dueThisWeek", _("Due this week"), due_headers)
        self.recent = _tree("recentWork", _("Recent work per core task"), [_("Core task / activity"), _("Date"),
                                                                             _("Kind")])
        self.recent.setRootIsDecorated(True)
        for tree in (self.overdue, self.this_week, self.recent):
            tree.itemActivated.connect(self._activated)
        for tree in (self.overdue, self.this_week):
            tree.setColumnWidth(0, 130)
            tree.setColumnWidth(1, 330)
            tree.setColumnWidth(2, 110)
        self.recent.setColumnWidth(0, 420)
        # Plain-text headings with a mnemonic: Alt+O and Alt+W put the focus in their list.
        self.overdue_heading = _heading("overdueHeading", self.overdue)
        self.week_heading = _heading("dueThisWeekHeading", self.this_week)
        recent_title = _("Recent work per core task")
        recent_heading = QLabel(f"<b>{html.escape(recent_title)}</b>")

        self.quick_buttons: list[QPushButton] = []
        self.new_activity = QPushButton(_("New &activity"))
        self.new_activity.setObjectName("homeNewActivity")
        menu = QMenu(self.new_activity)
        menu.setObjectName("homeNewActivityMenu")
        for task in CoreTask:
            action = menu.addAction(task_label(task))
            action.setObjectName(f"homeNewActivity_{task.value}")
            action.triggered.connect(lambda _checked=False, t=task: self.add_activity(t))
        self.new_activity.setMenu(menu)
        self.quick_buttons.append(self.new_activity)
        for name, label, key, target in QUICK_ADD:
            button = QPushButton(_(label))
            button.setObjectName(name)
            button.clicked.connect(lambda _checked=False, k=key, t=target: self.new_requested.emit(k, t))
            self.quick_buttons.append(button)
        quick = QHBoxLayout()
        for button in self.quick_buttons:
            button.setEnabled(False)
            quick.addWidget(button)
        quick.addStretch()

        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch()
        top.addWidget(self.date_label)
        grid = QGridLayout()
        grid.addWidget(self.overdue_heading, 0, 0)
        grid.addWidget(self.week_heading, 0, 1)
        grid.addWidget(self.overdue, 1, 0)
        grid.addWidget(self.this_week, 1, 1)
        grid.addWidget(recent_heading, 2, 0, 1, 2)
        grid.addWidget(self.recent, 3, 0, 1, 2)
        grid.setRowStretch(1, 3)
        grid.setRowStretch(3, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(quick)
        layout.addLayout(grid, 1)
        self._set_headings(None)

    def attach_store(self, store: Store | None) -> None:
        self.store = store
        for button in self.quick_buttons:
            button.setEnabled(store is not None)
        self.refresh()

    def set_post_code(self, code: str) -> None:
        self.post_code = code

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.store is not None and not event.spontaneous():
            self.refresh()  # records may have changed in another workspace

    def refresh(self) -> None:
        store = self.store
        if store is None:
            self.dashboard = None
            self._fill(None)
            return
        from postapp.services.dashboard import build_dashboard

        def read() -> Dashboard:
            with store.read() as session:
                return build_dashboard(session, self.today())

        board = guarded(self, read)
        self.dashboard = board
        self._fill(board)

    def _fill(self, board: Dashboard | None) -> None:
        self._dates = {}  # Babel takes ~0.1 ms a date; many items share one
        self._set_headings(board)
        self._fill_due(self.overdue, board.overdue if board else None, _("Nothing is overdue."))
        self._fill_due(self.this_week, board.this_week if board else None, _("Nothing is due this week."))
        self._fill_recent(board.recent if board else [])

    def _date(self, day: dt.date) -> str:
        text = self._dates.get(day)
        if text is None:
            text = self._dates[day] = format_date(day)
        return text

    def _set_headings(self, board: Dashboard | None) -> None:
        def count(due: DueList | None) -> str:
            if due is None:
                return ""
            return f" ({format_number(due.total)}{'+' if due.capped else ''})"

        self.overdue_heading.setText(_("&Overdue") + count(board.overdue if board else None))
        self.week_heading.setText(_("Due this &week") + count(board.this_week if board else None))
        self.date_label.setText(format_date(board.today, "full") if board else "")

    def _fill_due(self, tree: QTreeWidget, due: DueList | None, empty: str) -> None:
        tree.clear()
        if due is None:
            return
        items = []
        for entry in due.items:
            item = QTreeWidgetItem([_(entry.kind.label), entry.title, self._date(entry.due), task_label(entry.task)])
            item.setData(0, TARGET, (entry.task.value, entry.open_id, entry.kind.value))
            tip = entry.title if not entry.detail else f"{entry.title}\n{entry.detail}"
            item.setToolTip(1, tip)
            item.setToolTip(3, task_label(entry.task))
            items.append(item)
        if len(due.items) < due.total:
            shown = len(due.items)
            more = QTreeWidgetItem(["", _("…showing the first {n}").format(n=format_number(shown)), "", ""])
            more.setFlags(Qt.ItemFlag.NoItemFlags)
            items.append(more)
        if not items:
            none = QTreeWidgetItem(["", empty, "", ""])
            none.setFlags(Qt.ItemFlag.NoItemFlags)
            items.append(none)
        tree.addTopLevelItems(items)

    def _fill_recent(self, recent: list[RecentWork]) -> None:
        self.recent.clear()
        for work in recent:
            summary = ngettext("{task} — {n} activity in the last 30 days",
                               "{task} — {n} activities in the last 30 days", work.last_30_days).format(
                task=task_label(work.task), n=format_number(work.last_30_days))
            parent = QTreeWidgetItem([summary, "", ""])
            parent.setData(0, TARGET, (work.task.value, None, ""))
            for activity in work.activities:
                child = QTreeWidgetItem([activity.title, self._date(activity.date), _(activity.kind.label)])
                child.setData(0, TARGET, (work.task.value, activity.id, "activity"))
                parent.addChild(child)
            self.recent.addTopLevelItem(parent)
            parent.setExpanded(True)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        target = item.data(0, TARGET)
        if target:
            key, record_id, kind = target
            self.open_requested.emit(key, record_id, kind)

    def add_activity(self, task: CoreTask) -> None:
        """Opens the activity dialog of ``task`` here; the lists are read again once it is saved."""
        if self.store is None:
            return
        from postapp.ui.activity_dialog import ActivityDialog

        dialog = ActivityDialog(self.store, task, self, self.post_code)
        dialog.saved.connect(lambda t=task: self._activity_saved(t))
        dialog.open()

    def _activity_saved(self, task: CoreTask) -> None:
        self.refresh()
        self.activity_saved.emit(task.value)


def target_of(item: QTreeWidgetItem) -> tuple[str, uuid.UUID | None, str] | None:
    """The (workspace key, record id, kind) an item opens."""
    target = item.data(0, TARGET)
    return (target[0], target[1], target[2]) if target else None
