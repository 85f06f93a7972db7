"""The Home workspace with real widgets: first in the navigation, what is overdue and due this week,
recent work, activating an item, quick-add, and reading again when shown."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QPushButton, QTabWidget, QTreeWidget, QTreeWidgetItem
from pytestqt.qtbot import QtBot

from postapp.domain import (
    Activity,
    ActivityKind,
    CaseStatus,
    CoreTask,
    FollowUp,
    KnowledgeNote,
    SupportCase,
)
from postapp.store import open_store
from postapp.ui.home_workspace import HomeWorkspace, target_of
from postapp.ui.main_window import CONTACTS, HOME, WORKSPACES, MainWindow
from postapp.ui.task_workspace import TaskWorkspace

from .helpers import open_window

TODAY = dt.date.today()


@pytest.fixture
def post_db(demo_db: Path) -> tuple[Path, dict[str, uuid.UUID]]:
    """The demo store with a few records of our own to find on Home."""
    ids = {}
    store = open_store(demo_db)
    with store.session() as s:
        meeting = Activity(core_task=CoreTask.SUPPORT, kind=ActivityKind.MEETING, title="Home test meeting",
                           date=TODAY)
        s.add(meeting)
        s.flush()
        s.add(FollowUp(activity_id=meeting.id, description="Send the Home test minutes", owner="Anna",
                       due_date=TODAY - dt.timedelta(days=1)))
        case = SupportCase(title="Home test case due today", status=CaseStatus.IN_PROGRESS,
                           opened_on=TODAY - dt.timedelta(days=9), due_on=TODAY)
        s.add(case)
        s.flush()
        ids.update(meeting=meeting.id, case=case.id)
    store.close()
    return demo_db, ids


def texts(tree: QTreeWidget, column: int = 1) -> list[str]:
    return [tree.topLevelItem(r).text(column) for r in range(tree.topLevelItemCount())]


def item_titled(tree: QTreeWidget, title: str) -> QTreeWidgetItem:
    for row in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(row)
        if item.text(1) == title:
            return item
    raise AssertionError(f"{title!r} not in {texts(tree)}")


def home_of(qtbot: QtBot, db: Path) -> tuple[MainWindow, HomeWorkspace]:
    window = open_window(qtbot, db)
    home = window.stack.currentWidget()
    assert isinstance(home, HomeWorkspace)
    assert home.objectName() == "workspace_home"
    return window, home


def test_home_shows_overdue_due_this_week_and_recent_work(qtbot: QtBot, post_db: tuple) -> None:
    db, ids = post_db
    window, home = home_of(qtbot, db)
    assert window.nav.currentRow() == WORKSPACES.index(HOME) == 0
    overdue = item_titled(home.overdue, "Send the Home test minutes")
    assert overdue.text(0) == "Follow-up"
    assert overdue.text(3) == "3. Support Dutch companies"
    yesterday = TODAY - dt.timedelta(days=1)
    assert overdue.text(2) == f"{yesterday:%-d %b %Y}"  # the locale's medium date (en_GB)
    assert target_of(overdue) == (CoreTask.SUPPORT.value, ids["meeting"], "follow_up")
    case = item_titled(home.this_week, "Home test case due today")
    assert case.text(0) == "Support case"
    assert target_of(case) == (CoreTask.SUPPORT.value, ids["case"], "case")
    board = home.dashboard
    assert board is not None
    assert home.overdue_heading.text().startswith("&Overdue (")
    assert f"({board.this_week.total})" in home.week_heading.text()
    # Recent work: one line per core task with its count, its latest activities under it.
    assert home.recent.topLevelItemCount() == 5
    support = home.recent.topLevelItem(2)
    assert support.text(0).startswith("3. Support Dutch companies — ")
    assert "in the last 30 days" in support.text(0)
    assert "Home test meeting" in [support.child(i).text(0) for i in range(support.childCount())]
    assert all(b.isEnabled() for b in home.quick_buttons)


def test_enter_on_an_item_opens_its_workspace_with_the_activity_selected(qtbot: QtBot, post_db: tuple) -> None:
    db, ids = post_db
    window, home = home_of(qtbot, db)
    window.activateWindow()
    home.overdue.setFocus()
    home.overdue.setCurrentItem(item_titled(home.overdue, "Send the Home test minutes"))
    qtbot.keyClick(home.overdue, Qt.Key.Key_Return)
    workspace = window.stack.currentWidget()
    assert isinstance(workspace, TaskWorkspace) and workspace.task is CoreTask.SUPPORT
    assert window.nav.currentRow() == WORKSPACES.index(CoreTask.SUPPORT.value)
    selected = workspace.table.selectionModel().selectedRows()
    assert [workspace.model.row_id(i.row()) for i in selected] == [ids["meeting"]]
    tabs = workspace.findChild(QTabWidget, "taskTabs")
    if tabs is not None:  # the activities are behind the task's own panels: brought forward
        assert tabs.currentIndex() == tabs.count() - 1


def test_a_case_opens_the_support_workspace(qtbot: QtBot, post_db: tuple) -> None:
    db, _ids = post_db
    window, home = home_of(qtbot, db)
    item = item_titled(home.this_week, "Home test case due today")
    home.this_week.itemActivated.emit(item, 0)  # as a double-click does
    assert window.stack.currentWidget().objectName() == "workspace_support"
    panel = window.stack.currentWidget().findChild(QPushButton, "newCase")
    if panel is not None:  # the cases panel (built by another part of the issue): shown, the case opened
        tabs = window.stack.currentWidget().findChild(QTabWidget, "taskTabs")
        assert tabs.currentWidget().objectName() == "casesPanel"
        opened = [d for d in window.findChildren(QDialog) if d.isVisible()]
        assert opened
        for dialog in opened:
            dialog.close()


def test_quick_add_activity_opens_the_dialog_and_home_reads_again(qtbot: QtBot, post_db: tuple) -> None:
    db, _ids = post_db
    _window, home = home_of(qtbot, db)
    action = home.new_activity.menu().findChild(QAction, "homeNewActivity_agenda")
    assert action is not None
    action.trigger()
    from postapp.ui.activity_dialog import ActivityDialog

    dialog = home.findChild(ActivityDialog)
    assert dialog is not None and dialog.isVisible() and dialog.task is CoreTask.AGENDA
    dialog.title_edit.setText("Démarche on living wage with the Ministry")
    dialog.date_edit.setText(TODAY.isoformat())
    dialog.save()
    assert not dialog.isVisible()
    agenda = home.recent.topLevelItem(4)
    assert agenda.child(0).text(0) == "Démarche on living wage with the Ministry"


def test_quick_add_person_goes_to_contacts_with_a_new_form(qtbot: QtBot, post_db: tuple) -> None:
    db, _ids = post_db
    window, home = home_of(qtbot, db)
    window.nav.setCurrentRow(WORKSPACES.index(CONTACTS))
    contacts = window.stack.currentWidget()
    contacts.tabs.setCurrentIndex(1)
    contacts.tabs.setCurrentIndex(0)
    contacts.person_list.select(contacts.persons.row_id(0))
    assert contacts.person_form.record_id is not None
    window.nav.setCurrentRow(0)
    qtbot.mouseClick(home.findChild(QPushButton, "homeNewPerson"), Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is contacts
    assert contacts.tabs.currentIndex() == 0
    assert contacts.person_form.record_id is None  # a new person is being entered


@pytest.mark.parametrize(("button", "workspace", "target"), [
    ("homeNewEvent", "workspace_awareness", "newEvent"),
    ("homeNewCase", "workspace_support", "newCase"),
    ("homeNewAgendaEntry", "workspace_agenda", "newAgendaEntry"),
    ("homeNewNote", "workspace_expertise", "newNote"),
])
def test_quick_add_other_records_goes_to_their_workspace(qtbot: QtBot, post_db: tuple, button: str,
                                                        workspace: str, target: str) -> None:
    db, _ids = post_db
    window, home = home_of(qtbot, db)
    before = {id(d) for d in window.findChildren(QDialog) if d.isVisible()}
    home.findChild(QPushButton, button).click()
    shown = window.stack.currentWidget()
    assert shown.objectName() == workspace
    new_button = shown.findChild(QPushButton, target)
    if new_button is not None:  # the panel is there (another part of the issue builds it): its tab is
        # brought forward and its "new" pressed, which opens a dialog or a blank form
        tabs = shown.findChild(QTabWidget, "taskTabs")
        assert tabs.currentWidget().isAncestorOf(new_button)
        opened = [d for d in window.findChildren(QDialog) if d.isVisible() and id(d) not in before]
        for dialog in opened:
            dialog.close()


def test_home_reads_again_when_shown(qtbot: QtBot, post_db: tuple) -> None:
    db, _ids = post_db
    window, home = home_of(qtbot, db)
    window.nav.setCurrentRow(WORKSPACES.index(CoreTask.EXPERTISE.value))
    assert window.store is not None
    with window.store.session() as s:
        s.add(KnowledgeNote(title="Home test note to review", review_on=TODAY - dt.timedelta(days=3)))
    window.go_actions[0].trigger()  # Ctrl+0
    assert window.stack.currentWidget() is home
    assert "Home test note to review" in texts(home.overdue)
    assert target_of(item_titled(home.overdue, "Home test note to review"))[0] == CoreTask.EXPERTISE.value


def test_home_before_the_store_opens_is_empty_and_disabled(qtbot: QtBot) -> None:
    home = HomeWorkspace()
    qtbot.addWidget(home)
    home.show()
    assert home.overdue.topLevelItemCount() == 0 and home.recent.topLevelItemCount() == 0
    assert not any(b.isEnabled() for b in home.quick_buttons)
    home.add_activity(CoreTask.AGENDA)  # nothing to write to: nothing happens
    assert home.findChild(QDialog) is None


def test_an_empty_store_says_nothing_is_due(qtbot: QtBot, tmp_path: Path) -> None:
    window, home = home_of(qtbot, tmp_path / "new.sqlite3")
    assert texts(home.overdue) == ["Nothing is overdue."]
    assert texts(home.this_week) == ["Nothing is due this week."]
    assert home.overdue.topLevelItem(0).flags() == Qt.ItemFlag.NoItemFlags
    home.overdue.itemActivated.emit(home.overdue.topLevelItem(0), 0)
    assert window.stack.currentWidget() is home  # not an item to open


def test_the_contacts_key_is_the_windows() -> None:
    from postapp.ui import home_workspace, search_dialog

    assert home_workspace.CONTACTS == search_dialog.CONTACTS == CONTACTS
