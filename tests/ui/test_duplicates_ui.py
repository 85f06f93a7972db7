"""The duplicates dialog with real widgets: the scan in its thread, merge, and "not a duplicate"."""

from __future__ import annotations

from pathlib import Path

from privacy_world import build, consistency, found_by_search, references
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from postapp.domain import Person
from postapp.services import contacts
from postapp.services.contacts import PersonData
from postapp.ui import duplicates_dialog
from postapp.ui.contacts_workspace import ContactsWorkspace
from postapp.ui.duplicates_dialog import DuplicatesDialog
from postapp.ui.main_window import CONTACTS, WORKSPACES
from postapp.ui.privacy_dialog import PrivacyDialog

from .helpers import open_window


def scanned(qtbot: QtBot, store) -> DuplicatesDialog:
    dialog = DuplicatesDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.start_scan()
    qtbot.waitUntil(lambda: not dialog.scanning, timeout=20000)
    return dialog


def answer(qtbot: QtBot, name: str, button: QMessageBox.StandardButton) -> None:
    def box() -> QMessageBox | None:
        return next((w for w in QApplication.topLevelWidgets() if w.objectName() == name and w.isVisible()), None)

    qtbot.waitUntil(lambda: box() is not None, timeout=3000)
    found = box()
    assert isinstance(found, QMessageBox)
    found.button(button).click()


def test_scan_shows_the_pair_and_merge_into_left_keeps_every_link(qtbot: QtBot, store) -> None:
    duplicates_dialog.IGNORED.clear()
    w = build(store)
    before = sum(references(store, w.kept).values()) + sum(references(store, w.twin).values())
    dialog = scanned(qtbot, store)
    assert dialog.model.rowCount() == 1
    assert "1 likely duplicate pair among 3 persons" in dialog.status.text()
    pair = dialog.current_pair()
    assert pair is not None and {pair.left.id, pair.right.id} == {w.kept, w.twin}
    left_text = dialog.model.index(0, 1).data()
    assert pair.left.name in left_text and "Delta Textiles B.V." in left_text
    keep, drop = pair.left.id, pair.right.id

    with qtbot.waitSignal(dialog.merged, timeout=5000) as merged:
        dialog.findChild(QPushButton, "mergeIntoLeft").click()
        answer(qtbot, "confirmMerge", QMessageBox.StandardButton.Yes)
    assert merged.args == [keep]
    assert dialog.model.rowCount() == 0 and "Merged" in dialog.status.text()
    assert sum(references(store, drop).values()) == 0
    assert sum(references(store, keep).values()) == before - 4  # the four links both had
    with store.read() as s:
        assert s.get(Person, drop).deleted_at is not None
    assert found_by_search(store, "nguyen van an") == {keep}
    fk, integrity = consistency(store.path)
    assert fk == [] and integrity == "ok"


def test_answering_no_merges_nothing_and_not_a_duplicate_is_remembered(qtbot: QtBot, store) -> None:
    duplicates_dialog.IGNORED.clear()
    w = build(store)
    dialog = scanned(qtbot, store)
    dialog.findChild(QPushButton, "mergeIntoRight").click()
    answer(qtbot, "confirmMerge", QMessageBox.StandardButton.No)
    assert dialog.model.rowCount() == 1
    assert found_by_search(store, "nguyen van an") == {w.kept, w.twin}

    dialog.findChild(QPushButton, "notDuplicate").click()
    assert dialog.model.rowCount() == 0
    assert not dialog.findChild(QPushButton, "mergeIntoLeft").isEnabled()
    again = scanned(qtbot, store)  # the same session: the pair is not proposed again
    assert again.model.rowCount() == 0
    duplicates_dialog.IGNORED.clear()


def test_the_scan_can_be_cancelled(qtbot: QtBot, store, monkeypatch) -> None:
    duplicates_dialog.IGNORED.clear()
    with store.session() as s:
        for i in range(30):
            contacts.create_person(s, PersonData(name=f"Person {i}"))
    dialog = DuplicatesDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.start_scan()
    dialog.findChild(QPushButton, "cancelScan").click()
    qtbot.waitUntil(lambda: not dialog.scanning, timeout=20000)
    # Cancelled before it ended (a message), or it was quicker than the click (a result): never stuck.
    assert "stopped" in dialog.status.text() or "among 30 persons" in dialog.status.text()
    assert dialog.findChild(QPushButton, "scanDuplicates").isEnabled()


def test_contacts_workspace_opens_the_dialogs(qtbot: QtBot, demo_db: Path) -> None:
    window = open_window(qtbot, demo_db)
    window.nav.setCurrentRow(WORKSPACES.index(CONTACTS))
    ws = window.stack.currentWidget()
    assert isinstance(ws, ContactsWorkspace)
    ws.findChild(QPushButton, "findDuplicates").click()
    dialog = ws.findChild(DuplicatesDialog, "duplicatesDialog")
    assert dialog is not None
    qtbot.waitUntil(lambda: not dialog.scanning, timeout=20000)
    assert "among 400 persons" in dialog.status.text()
    dialog.reject()
    ws.findChild(QPushButton, "privacyReview").click()
    privacy = ws.findChild(PrivacyDialog, "privacyDialog")
    assert privacy is not None and privacy.isVisible()
    assert privacy.years.value() == 2  # the preference's default
    privacy.reject()
