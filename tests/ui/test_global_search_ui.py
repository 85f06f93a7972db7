"""Search everything with real widgets, keyboard only: Ctrl+F, type, Down, Enter; results grouped by
kind; the record opened in its workspace; Ctrl+F no longer taken by the Contacts search line."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from postapp.domain import Activity, ActivityKind, CoreTask
from postapp.services import contacts as contacts_service
from postapp.services.contacts import PersonData
from postapp.store import open_store
from postapp.ui.contacts_workspace import ContactsWorkspace
from postapp.ui.main_window import CONTACTS, WORKSPACES, MainWindow
from postapp.ui.search_dialog import SearchDialog
from postapp.ui.task_workspace import TaskWorkspace

from .helpers import open_window


@pytest.fixture
def post_db(demo_db: Path) -> tuple[Path, dict[str, uuid.UUID]]:
    store = open_store(demo_db)
    with store.session() as s:
        person = contacts_service.create_person(s, PersonData(name="Wilhelmina Zoutkamp", email="wz@example.nl"))
        meeting = Activity(core_task=CoreTask.AGENDA, kind=ActivityKind.DEMARCHE,
                           title="Quarzite mining demarche", date=dt.date.today())
        s.add(meeting)
        s.flush()
        ids = {"person": person.id, "meeting": meeting.id}
    store.close()
    return demo_db, ids


def ctrl_f(qtbot: QtBot, window: MainWindow) -> SearchDialog:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    focus = QApplication.focusWidget() or window
    qtbot.keyClick(focus, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    dialog = window.search_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(dialog.query.hasFocus, timeout=3000)
    return dialog


def groups(dialog: SearchDialog) -> list[str]:
    return [dialog.results.topLevelItem(r).text(0) for r in range(dialog.results.topLevelItemCount())]


def test_ctrl_f_type_down_enter_opens_the_person_in_contacts(qtbot: QtBot, post_db: tuple) -> None:
    db, ids = post_db
    window = open_window(qtbot, db)
    action = window.findChild(QAction, "actionSearch")
    assert action is not None and action.shortcut().toString() == "Ctrl+F"
    dialog = ctrl_f(qtbot, window)
    qtbot.keyClicks(dialog.query, "zoutkamp")
    qtbot.waitUntil(lambda: dialog.results.topLevelItemCount() > 0, timeout=3000)
    assert groups(dialog) == ["Persons (1)"]
    assert dialog.results.topLevelItem(0).child(0).text(0) == "Wilhelmina Zoutkamp"
    qtbot.keyClick(dialog.query, Qt.Key.Key_Down)
    assert dialog.results.hasFocus()
    assert dialog.results.currentItem().text(0) == "Wilhelmina Zoutkamp"
    qtbot.keyClick(dialog.results, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    contacts = window.stack.currentWidget()
    assert isinstance(contacts, ContactsWorkspace)
    assert window.nav.currentRow() == WORKSPACES.index(CONTACTS)
    assert contacts.tabs.currentIndex() == 0
    assert contacts.search.text() == "Wilhelmina Zoutkamp"
    selected = contacts.person_list.table.selectionModel().selectedRows()
    assert [contacts.persons.row_id(i.row()) for i in selected] == [ids["person"]]
    assert contacts.person_form.record_id == ids["person"]  # its form shows it


def test_results_are_grouped_by_kind_and_an_activity_opens_its_task(qtbot: QtBot, post_db: tuple) -> None:
    db, ids = post_db
    window = open_window(qtbot, db)
    dialog = ctrl_f(qtbot, window)
    qtbot.keyClicks(dialog.query, "quarzite")
    qtbot.keyClick(dialog.query, Qt.Key.Key_Return)  # Enter at once: searches now, opens the first hit
    assert not dialog.isVisible()
    workspace = window.stack.currentWidget()
    assert isinstance(workspace, TaskWorkspace) and workspace.task is CoreTask.AGENDA
    selected = workspace.table.selectionModel().selectedRows()
    assert [workspace.model.row_id(i.row()) for i in selected] == [ids["meeting"]]


def test_a_common_word_shows_several_groups_with_more(qtbot: QtBot, post_db: tuple) -> None:
    db, _ids = post_db
    window = open_window(qtbot, db)
    dialog = ctrl_f(qtbot, window)
    qtbot.keyClicks(dialog.query, "example")  # in 344 of the demo's e-mail addresses
    dialog.run_search()
    names = groups(dialog)
    assert names and names[0].startswith("Persons (")
    persons = dialog.results.topLevelItem(0)
    total = dialog.groups[0].total
    assert total > 20 and persons.childCount() == 21  # twenty, then "more…"
    more = persons.child(20)
    assert more.text(0).startswith("more…")
    dialog.results.setCurrentItem(more)
    qtbot.keyClick(dialog.results, Qt.Key.Key_Return)
    assert dialog.isVisible()  # "more…" shows more, it opens nothing
    persons = dialog.results.topLevelItem(0)
    assert persons.childCount() == min(total, 220) + (1 if total > 220 else 0)
    assert dialog.results.currentItem() is persons.child(20)  # where the new ones begin


def test_nothing_found_and_odd_input_are_calm(qtbot: QtBot, post_db: tuple) -> None:
    db, _ids = post_db
    window = open_window(qtbot, db)
    dialog = ctrl_f(qtbot, window)
    for text in ['"%_\\', "'; DROP TABLE person; --", "x" * 100_000, "qqqzzzxxx"]:
        dialog.query.setText(text)
        assert len(dialog.query.text()) == min(len(text), 1000)  # a long paste is cut at the line
        dialog.run_search()
        assert dialog.results.topLevelItemCount() == 0
        assert dialog.status.text().startswith("Nothing found for")
    dialog.query.clear()
    dialog.run_search()
    assert "Type a name" in dialog.status.text()


def test_ctrl_f_in_contacts_is_the_global_search_and_ctrl_l_the_contacts_line(qtbot: QtBot, post_db: tuple) -> None:
    db, _ids = post_db
    window = open_window(qtbot, db)
    window.nav.setCurrentRow(WORKSPACES.index(CONTACTS))
    contacts = window.stack.currentWidget()
    assert isinstance(contacts, ContactsWorkspace)
    contacts.person_list.table.setFocus()
    dialog = ctrl_f(qtbot, window)  # not "ambiguous": only the window's action has Ctrl+F
    assert not contacts.search.hasFocus()
    dialog.close()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    contacts.person_list.table.setFocus()
    qtbot.keyClick(contacts.person_list.table, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert contacts.search.hasFocus()
    assert "Ctrl+L" in contacts.search.toolTip()


def test_the_dialog_is_reused_and_keeps_the_last_query(qtbot: QtBot, post_db: tuple) -> None:
    db, _ids = post_db
    window = open_window(qtbot, db)
    dialog = ctrl_f(qtbot, window)
    qtbot.keyClicks(dialog.query, "zoutkamp")
    qtbot.keyClick(dialog.query, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    again = ctrl_f(qtbot, window)
    assert again is dialog and again.query.text() == "zoutkamp"
    assert again.query.selectedText() == "zoutkamp"  # typing replaces it
