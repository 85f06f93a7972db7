"""The main window with real widgets: navigation from Home across the five core tasks and Contacts,
the status bar, shortcuts, preferences, and a data file that cannot be opened."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QTextBrowser
from pytestqt.qtbot import QtBot

from postapp.coretasks import CoreTask
from postapp.guidelines import load
from postapp.services import activities
from postapp.ui.home_workspace import HomeWorkspace
from postapp.ui.main_window import CONTACTS, HOME, SURVEY, WORKSPACES, MainWindow
from postapp.ui.task_workspace import TaskWorkspace

from .helpers import open_window


def first_task(window: MainWindow) -> TaskWorkspace:
    window.nav.setCurrentRow(WORKSPACES.index(CoreTask.EXPERTISE.value))
    workspace = window.stack.currentWidget()
    assert isinstance(workspace, TaskWorkspace)
    return workspace


def test_status_bar_shows_the_data_file(qtbot: QtBot, demo_db: Path) -> None:
    window = open_window(qtbot, demo_db)
    assert str(demo_db) in window.data_label.text()
    assert window.sync_label.text()
    assert window.sync_label.accessibleName()


def test_navigation_reaches_each_core_task_with_its_guideline_and_counts(qtbot: QtBot, demo_db: Path) -> None:
    window = open_window(qtbot, demo_db)
    assert window.store is not None
    for task in CoreTask:
        window.nav.setCurrentRow(WORKSPACES.index(task.value))
        workspace = window.stack.currentWidget()
        assert isinstance(workspace, TaskWorkspace)
        assert workspace.task is task
        guideline = workspace.findChild(QTextBrowser, "guideline")
        assert load(task).title["en"] in guideline.toPlainText()
        assert load(task).tools[0].items["en"][0][:40] in guideline.toPlainText()
        with window.store.session() as session:
            expected = sum(activities.counts_by_kind(session, task).values())
        counts = workspace.findChild(QLabel, "activityCounts").text()
        assert expected > 0
        assert f"{expected:,} activities" in counts
        assert workspace.model.rowCount() == min(expected, 200)
        dates = [workspace.model._rows[i].date for i in range(workspace.model.rowCount())]
        assert dates == sorted(dates, reverse=True)  # newest first
        assert len(set(dates)) > 1
    window.nav.setCurrentRow(WORKSPACES.index(CONTACTS))
    assert window.stack.currentWidget().objectName() == "workspace_contacts"


def test_home_is_the_first_workspace_and_shown_at_start(qtbot: QtBot, demo_db: Path) -> None:
    window = open_window(qtbot, demo_db)
    assert WORKSPACES[0] == HOME and window.workspace_keys[0] == HOME
    assert window.nav.item(0).text() == "Home"
    assert window.nav.currentRow() == 0
    assert isinstance(window.stack.currentWidget(), HomeWorkspace)
    # Only Home was built for the start; the others wait for their first visit.
    assert set(window.workspaces) == {HOME}


def test_keyboard_shortcuts_switch_workspaces(qtbot: QtBot, demo_db: Path) -> None:
    window = open_window(qtbot, demo_db)
    window.activateWindow()
    # The shortcuts staff and the documentation know stay as they were: each core task its number,
    # Contacts Ctrl+6, Survey Ctrl+7; Home is Ctrl+0.
    expected = {HOME: "Ctrl+0", **{t.value: f"Ctrl+{t.number}" for t in CoreTask}, CONTACTS: "Ctrl+6",
                SURVEY: "Ctrl+7"}
    assert [window.go_actions[row].shortcut().toString() for row in range(len(WORKSPACES))] == [
        expected[key] for key in WORKSPACES]
    for row, key in reversed(list(enumerate(WORKSPACES))):
        action = window.go_actions[row]
        assert action.objectName() == f"actionGo{expected[key][-1]}"
        action.trigger()
        assert window.nav.currentRow() == row
        assert window.stack.currentWidget().objectName() == f"workspace_{key}"


def test_the_shortcut_keys_reach_their_workspaces(qtbot: QtBot, demo_db: Path) -> None:
    window = open_window(qtbot, demo_db)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    for digit, name in [("3", "workspace_support"), ("6", "workspace_contacts"), ("7", "workspace_survey"),
                        ("1", "workspace_expertise"), ("0", "workspace_home")]:
        qtbot.keyClick(window.nav, getattr(Qt.Key, f"Key_{digit}"), Qt.KeyboardModifier.ControlModifier)
        assert window.stack.currentWidget().objectName() == name


def test_guideline_follows_the_language(qtbot: QtBot, demo_db: Path) -> None:
    window = open_window(qtbot, demo_db, language="nl")
    workspace = first_task(window)
    text = workspace.findChild(QTextBrowser, "guideline").toPlainText()
    assert load(CoreTask.EXPERTISE).purpose["nl"][:60] in text


def test_a_file_that_is_not_sqlite_gets_a_message_and_is_left_alone(qtbot: QtBot, tmp_path: Path) -> None:
    bogus = tmp_path / "letter.sqlite3"
    bogus.write_bytes(b"Dear colleagues, this is not a database.\n" * 10)
    before = bogus.read_bytes()
    from postapp.ui.app import build_window

    window = build_window(bogus, "en")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "errorMessage") is not None, timeout=10000)
    box = window.findChild(QMessageBox, "errorMessage")
    assert "not a PostApp data file" in box.text()
    assert window.store is None
    assert window.data_label.text() == "No data file open"
    box.close()
    window.nav.setCurrentRow(len(WORKSPACES) - 1)  # still usable, nothing crashes
    assert bogus.read_bytes() == before


def test_preferences_are_saved(qtbot: QtBot, demo_db: Path) -> None:
    window = open_window(qtbot, demo_db)
    window.edit_preferences()
    from postapp.ui.preferences import PreferencesDialog

    dialog = window.findChild(PreferencesDialog)
    assert dialog is not None and dialog.isVisible()
    other = "en" if window.prefs.language == "nl" else "nl"
    dialog.language.setCurrentIndex(dialog.language.findData(other))
    assert "restart" in dialog.note.text()
    dialog.post_code.setText("acc")
    dialog.post_name.setText("Ambassade Accra")
    dialog.country.setText("gh")
    dialog.max_age.setValue(14)
    dialog.accept()
    assert window.prefs.language == other
    assert window.prefs.post_code == "ACC"
    assert window.prefs.country == "GH"
    assert window.prefs.sanctions_max_age_days == 14
    assert "Ambassade Accra" in window.windowTitle()
    window.prefs.language = "en"
    window.prefs.post_code = "HAN"


def test_new_activity_dialog_validates_the_date_at_the_field(qtbot: QtBot, demo_db: Path) -> None:
    window = open_window(qtbot, demo_db)
    workspace = first_task(window)
    before = workspace.counts.text()
    qtbot.mouseClick(workspace.new_button, Qt.MouseButton.LeftButton)
    from postapp.ui.activity_dialog import ActivityDialog

    dialog = workspace.findChild(ActivityDialog)
    assert dialog is not None
    dialog.title_edit.setText("Roundtable living wage with the garment association")
    dialog.date_edit.setText("31/31/2026")
    dialog.save()
    assert "not a date" in dialog.errors.message("date")
    assert dialog.isVisible()
    assert workspace.counts.text() == before
    dialog.date_edit.setText("2026-11-20")
    dialog.save()
    assert not dialog.isVisible()
    assert workspace.counts.text() != before
    assert workspace.model.rowCount() > 0
    titles = [workspace.model.data(workspace.model.index(r, 2)) for r in range(workspace.model.rowCount())]
    assert "Roundtable living wage with the garment association" in titles


def test_a_new_post_code_reaches_the_workspaces_already_built(qtbot: QtBot, demo_db: Path) -> None:
    window = open_window(qtbot, demo_db)
    task = first_task(window)
    window.nav.setCurrentRow(WORKSPACES.index(CONTACTS))
    contacts = window.workspaces[CONTACTS]
    home = window.workspaces[HOME]
    assert isinstance(task, TaskWorkspace)
    window.edit_preferences()
    from postapp.ui.preferences import PreferencesDialog

    dialog = window.findChild(PreferencesDialog)
    assert dialog.testAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.post_code.setText("acc")
    dialog.accept()
    try:
        assert task.post_code == "ACC"
        assert home.post_code == "ACC"
        assert contacts.person_form.post_code == "ACC"
        assert contacts.organisation_form.post_code == "ACC"
        window.nav.setCurrentRow(WORKSPACES.index(CoreTask.AGENDA.value))  # and those built later
        assert window.workspaces[CoreTask.AGENDA.value].post_code == "ACC"
    finally:
        window.prefs.post_code = "HAN"


def test_an_unexpected_failure_opening_the_store_is_a_message(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import postapp.store

    def broken(path: object, **_options: object) -> None:
        raise RuntimeError("something nobody expected")

    monkeypatch.setattr(postapp.store, "open_store", broken)
    from postapp.ui.app import build_window

    window = build_window(tmp_path / "post.sqlite3", "en")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "errorMessage") is not None, timeout=10000)
    box = window.findChild(QMessageBox, "errorMessage")
    assert "could not be opened (RuntimeError)" in box.text()
    assert window.data_label.text() == "No data file open"
    assert window.store is None
    box.close()


def test_dialogs_are_deleted_when_closed(qtbot: QtBot, demo_db: Path) -> None:
    window = open_window(qtbot, demo_db)
    workspace = first_task(window)
    workspace.new_activity()
    from postapp.ui.activity_dialog import ActivityDialog

    dialog = workspace.findChild(ActivityDialog)
    assert dialog.testAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.reject()
    qtbot.waitUntil(lambda: workspace.findChild(ActivityDialog) is None, timeout=3000)
