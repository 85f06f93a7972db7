"""Contacts → Import… and Export… with real widgets: file → mapping → preview → import in a worker thread
with progress and cancel; the export dialog keeps sensitive persons out unless confirmed."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from postapp.contacts_io.mapping import Field
from postapp.store import Store, open_store
from postapp.ui.contacts_workspace import ContactsWorkspace
from postapp.ui.export_dialog import ExportDialog
from postapp.ui.import_dialog import FILE_PAGE, MAPPING_PAGE, PREVIEW_PAGE, SUMMARY_PAGE, ImportDialog
from postapp.ui.main_window import CONTACTS, WORKSPACES
from tests.contacts_io.helpers import FIXTURES, many_rows

from .helpers import open_window

WAIT_MS = 60_000


@pytest.fixture
def store(demo_db: Path) -> Iterator[Store]:
    opened = open_store(demo_db)
    yield opened
    opened.close()


def count(store: Store, sql: str = "SELECT count(*) FROM person") -> int:
    with store.engine.connect() as conn:
        return int(conn.exec_driver_sql(sql).scalar_one())


def dialog_with_file(qtbot: QtBot, store: Store, path: Path) -> ImportDialog:
    dialog = ImportDialog(store, "HAN")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.pages.currentIndex() == FILE_PAGE
    assert not dialog.next_button.isEnabled()  # no file chosen yet
    dialog.file_edit.setText(str(path))
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    return dialog


def to_preview(qtbot: QtBot, dialog: ImportDialog) -> None:
    assert dialog.pages.currentIndex() == MAPPING_PAGE
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == PREVIEW_PAGE and not dialog.busy, timeout=WAIT_MS)


def combo(dialog: ImportDialog, heading: str) -> QComboBox:
    assert dialog.source is not None
    found = dialog.findChild(QComboBox, f"mapField{dialog.source.headers.index(heading)}")
    assert found is not None
    return found


def error_box(dialog: ImportDialog) -> QMessageBox:
    box = dialog.findChild(QMessageBox, "errorMessage")
    assert box is not None
    return box


def test_mapping_preview_import(qtbot: QtBot, store: Store) -> None:
    before = count(store)
    dialog = dialog_with_file(qtbot, store, FIXTURES / "outlook.csv")
    assert dialog.pages.currentIndex() == MAPPING_PAGE
    assert combo(dialog, "Job Title").currentData() == Field.ROLE
    assert combo(dialog, "Title").currentData() == Field.IGNORE
    assert combo(dialog, "Company").currentText() == "Organisation"
    # The user maps a column the suggestions left out.
    department = combo(dialog, "Department")
    department.setCurrentIndex(department.findData(Field.NOTES))
    to_preview(qtbot, dialog)
    assert dialog.counts.text() == ("6 rows: 3 ready, 3 with errors (left out), 0 possible duplicates. "
                                    "3 persons will be imported.")
    model = dialog.preview_model
    assert model.rowCount() == 6
    assert model.index(2, 0).data() == "4" and model.index(2, 1).data() == "Error"
    assert "'pieter.bakker(at)example.nl' is not a valid e-mail address" in model.index(2, 5).data()
    assert model.index(0, 1).data() == "Ready" and model.index(0, 2).data() == "Sanne de Vries"
    assert dialog.create_orgs.isChecked() and "Create 2 organisations" in dialog.create_orgs.text()
    assert count(store) == before  # nothing written by the preview
    assert dialog.import_button.isVisible() and dialog.import_button.isEnabled()
    with qtbot.waitSignal(dialog.imported, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT_MS)
    assert dialog.pages.currentIndex() == SUMMARY_PAGE
    # IMVO and "chamber of commerce" are demo tags already: reused whatever their capitals.
    assert dialog.summary.text().startswith("Imported 3 persons. Created 2 organisations. Created 1 tag. "
                                            "Left out 3 rows with errors.")
    assert count(store) == before + 3
    notes = count(store, "SELECT count(*) FROM person WHERE name = 'Sanne de Vries' AND notes LIKE '%Sourcing%'")
    assert notes == 1 and count(store, "SELECT count(*) FROM person WHERE post_code = 'HAN'") >= 3


def test_without_a_name_column_next_is_disabled(qtbot: QtBot, store: Store) -> None:
    dialog = dialog_with_file(qtbot, store, FIXTURES / "outlook.csv")
    for heading in ("First Name", "Middle Name", "Last Name"):
        box = combo(dialog, heading)
        box.setCurrentIndex(box.findData(Field.IGNORE))
    assert not dialog.next_button.isEnabled()
    assert "No column holds the name" in dialog.mapping_problem.text()
    name = combo(dialog, "Nickname")
    name.setCurrentIndex(name.findData(Field.NAME))
    assert dialog.next_button.isEnabled() and dialog.mapping_problem.text() == ""


def test_duplicates_option_changes_what_is_imported(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    path = tmp_path / "twice.csv"
    path.write_text("Name,E-mail\r\nAnn Twice,ann@example.org\r\nAnn Twice,ann@example.org\r\n", encoding="utf-8")
    dialog = dialog_with_file(qtbot, store, path)
    to_preview(qtbot, dialog)
    assert "1 possible duplicates. 1 persons will be imported." in dialog.counts.text()
    dialog.skip_duplicates.setChecked(False)
    assert dialog.counts.text().endswith("2 persons will be imported.")


def test_refused_file_shows_a_message_and_stays(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as fh:
        fh.truncate(200 * 1024 * 1024)
    dialog = dialog_with_file(qtbot, store, huge)
    assert "contact files up to 100 MB" in error_box(dialog).text()
    assert dialog.pages.currentIndex() == FILE_PAGE


def test_cancel_during_import_leaves_the_store_as_it_was(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    tables = ("person", "organisation", "tag", "person_tag", "contact_index", "contact_fts")
    before = {t: count(store, f"SELECT count(*) FROM {t}") for t in tables}
    dialog = dialog_with_file(qtbot, store, many_rows(tmp_path / "many.csv", 12_000))
    to_preview(qtbot, dialog)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.busy and dialog.progress is not None
    cancel_button = dialog.progress.findChild(QPushButton)
    assert cancel_button is not None and cancel_button.text() == "Cancel"
    qtbot.mouseClick(cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT_MS)
    assert "cancelled; nothing was imported" in error_box(dialog).text()
    assert dialog.pages.currentIndex() == PREVIEW_PAGE and dialog.outcome is None
    assert {t: count(store, f"SELECT count(*) FROM {t}") for t in tables} == before


def test_workspace_buttons_open_import_and_export(qtbot: QtBot, demo_db: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_window(qtbot, demo_db)
    window.nav.setCurrentRow(WORKSPACES.index(CONTACTS))
    workspace = window.stack.currentWidget()
    assert isinstance(workspace, ContactsWorkspace)
    importer_button = workspace.findChild(QPushButton, "importContacts")
    qtbot.mouseClick(importer_button, Qt.MouseButton.LeftButton)
    dialog = workspace.findChild(ImportDialog, "importDialog")
    assert dialog is not None and dialog.isVisible()
    dialog.reject()

    qtbot.mouseClick(workspace.findChild(QPushButton, "exportContacts"), Qt.MouseButton.LeftButton)
    export = workspace.findChild(ExportDialog, "exportDialog")
    assert export is not None and export.isVisible()
    assert not export.include_sensitive.isChecked()
    monkeypatch.setattr(ExportDialog, "confirm_sensitive", lambda self: False)
    export.include_sensitive.setChecked(True)
    assert not export.include_sensitive.isChecked()  # not confirmed: stays off
    out = tmp_path / "contacts.csv"
    export.path.setText(str(out))
    qtbot.mouseClick(export.export_button, Qt.MouseButton.LeftButton)
    assert export.outcome is not None and export.outcome.sensitive_left_out > 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert len(rows) - 1 == export.outcome.persons
    assert "sensitive were left out" in workspace.count.text()
