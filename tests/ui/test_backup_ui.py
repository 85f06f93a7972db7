"""Backups in the window: File → Restore from backup…, restoring with the store closed and opened
again, a damaged data file at start leading to the backups, the full check in the background, and
the scheduled backup."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QSpinBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from postapp.domain import Person
from postapp.services import contacts
from postapp.services.contacts import PersonData
from postapp.store.backup import SCHEDULED, backup_database, backup_info, list_backups
from postapp.ui.app import build_window
from postapp.ui.backup_dialog import BackupDialog
from postapp.ui.main_window import MainWindow

from .conftest import DEMO_PERSONS
from .helpers import open_window


def find_top(name: str) -> QWidget | None:
    for widget in QApplication.topLevelWidgets():
        if widget.objectName() == name and widget.isVisible():
            return widget
    return None


def persons(window: MainWindow) -> int:
    assert window.store is not None
    with window.store.read() as session:
        return int(session.scalar(select(func.count()).select_from(Person)) or 0)


def wait_checked(qtbot: QtBot, window: MainWindow) -> None:
    assert window.backups is not None
    qtbot.waitUntil(lambda: not window.backups.job.running, timeout=20000)  # type: ignore[union-attr]


def damage_a_page(path: Path) -> None:
    con = sqlite3.connect(path)
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    pages = [r[0] for r in con.execute("SELECT pageno FROM dbstat WHERE name = 'person' AND pagetype = 'leaf'")]
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    with path.open("r+b") as fh:
        fh.seek((pages[len(pages) // 2] - 1) * page_size + page_size // 2 - 256)
        fh.write(b"\xff" * 512)


def test_restore_from_the_file_menu_closes_restores_and_reopens(qtbot: QtBot, demo_db: Path) -> None:
    window = open_window(qtbot, demo_db)
    wait_checked(qtbot, window)
    action = window.findChild(type(window.file_menu.actions()[0]), "actionRestore")
    assert action is not None and action in window.file_menu.actions()
    action.trigger()
    dialog = window.findChild(BackupDialog, "backupDialog")
    assert dialog is not None and dialog.isVisible()
    before = dialog.model.rowCount()
    qtbot.mouseClick(dialog.findChild(QPushButton, "backupNow"), qtbot_left())
    assert dialog.model.rowCount() == before + 1
    assert dialog.model.item(0, 1).text() == "made by hand"  # newest first
    assert "MB" in dialog.model.item(0, 2).text()

    old_store = window.store
    assert old_store is not None
    with old_store.session() as session:
        contacts.create_person(session, PersonData(name="Entered after the backup"))
    assert persons(window) == DEMO_PERSONS + 1
    home = window.workspaces["home"]

    dialog.table.selectRow(0)
    qtbot.mouseClick(dialog.findChild(QPushButton, "restoreBackup"), qtbot_left())
    box = dialog.findChild(QMessageBox, "confirmRestore")
    assert box is not None
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), qtbot_left())
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10000)

    assert window.store is not None and window.store is not old_store
    assert persons(window) == DEMO_PERSONS
    assert home.store is window.store  # type: ignore[attr-defined]  # the workspaces were handed the new store
    kept = [b for b in list_backups(demo_db) if backup_info(demo_db, b).reason == "before-restore"]
    assert len(kept) == 1
    con = sqlite3.connect(kept[0])
    assert con.execute("SELECT count(*) FROM person").fetchone()[0] == DEMO_PERSONS + 1
    con.close()


def qtbot_left():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_a_damaged_file_at_start_offers_the_backups(qtbot: QtBot, demo_db: Path) -> None:
    good = backup_database(demo_db, "manual")
    with demo_db.open("r+b") as fh:
        fh.truncate(demo_db.stat().st_size // 2)
    window = build_window(demo_db, "en")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "damagedStore") is not None, timeout=20000)
    assert window.store is None
    box = window.findChild(QMessageBox, "damagedStore")
    assert "damaged" in box.text() and "Restore from backup" in box.text()
    qtbot.mouseClick(box.findChild(QPushButton, "openBackups"), qtbot_left())
    dialog = window.findChild(BackupDialog, "backupDialog")
    assert dialog is not None and dialog.isVisible()
    assert dialog.model.rowCount() == 1 and dialog.chosen() == good
    with qtbot.waitSignal(window.store_opened, timeout=20000):
        assert dialog.restore(good)
    assert persons(window) == DEMO_PERSONS


def test_the_full_check_in_the_background_finds_what_the_quick_start_did_not(qtbot: QtBot, demo_db: Path) -> None:
    damage_a_page(demo_db)
    window = build_window(demo_db, "en")
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.store_opened, timeout=20000):
        window.show()  # the structural check at start passes: the window is usable at once
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "damagedStore") is not None, timeout=20000)
    assert "damaged" in window.findChild(QMessageBox, "damagedStore").text()
    assert not [b for b in list_backups(demo_db) if backup_info(demo_db, b).reason == SCHEDULED]


def test_a_scheduled_backup_follows_a_passed_check(qtbot: QtBot, demo_db: Path) -> None:
    window = open_window(qtbot, demo_db)
    assert window.prefs.backup_interval_hours == 24
    assert window.backups is not None
    with qtbot.waitSignal(window.backups.backed_up, timeout=20000) as made:
        pass
    assert isinstance(made.args[0], Path) and list_backups(demo_db) == [made.args[0]]
    assert window.backups.timer.isActive()
    wait_checked(qtbot, window)
    assert window.backups.tick()  # the hourly tick: started, but not due
    with qtbot.waitSignal(window.backups.backed_up, timeout=20000) as again:
        pass
    assert again.args[0] is None and len(list_backups(demo_db)) == 1


def test_the_backup_interval_is_a_preference(qtbot: QtBot, demo_db: Path) -> None:
    window = open_window(qtbot, demo_db)
    window.edit_preferences()
    dialog = find_top("preferences") or window.findChild(QWidget, "preferences")
    assert dialog is not None
    spin = dialog.findChild(QSpinBox, "backupInterval")
    assert spin.value() == 24 and spin.accessibleName()
    spin.setValue(0)
    dialog.accept()  # type: ignore[attr-defined]
    assert window.prefs.backup_interval_hours == 0
    assert not window.backups.tick()  # type: ignore[union-attr]  # off
    window.prefs.backup_interval_hours = 24
