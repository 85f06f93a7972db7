"""The Contacts workspace with real widgets: lazy lists, search as you type, and the person and
organisation forms with their validation messages at the field."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from postapp.services import contacts as contacts_service
from postapp.services import search
from postapp.services.contacts import OrganisationData
from postapp.ui.contacts_workspace import ContactsWorkspace
from postapp.ui.lazy_model import PAGE_SIZE
from postapp.ui.main_window import CONTACTS, WORKSPACES
from postapp.ui.messages import show_error
from postapp.ui.organisation_picker import OrganisationPicker

from .helpers import open_window


def suggestions(picker: OrganisationPicker) -> list[str]:
    """Every text the picker's completer offers, in order."""
    model = picker.completer().model()
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def contacts(qtbot: QtBot, db: Path) -> tuple[ContactsWorkspace, object]:
    window = open_window(qtbot, db)
    window.nav.setCurrentRow(WORKSPACES.index(CONTACTS))
    workspace = window.stack.currentWidget()
    assert isinstance(workspace, ContactsWorkspace)
    return workspace, window


def test_list_is_lazy_and_fetches_more_on_demand(qtbot: QtBot, demo_db: Path) -> None:
    ws, _window = contacts(qtbot, demo_db)
    assert ws.persons.rowCount() == PAGE_SIZE
    assert ws.persons.canFetchMore()
    ws.persons.fetchMore()
    assert ws.persons.rowCount() == 400
    assert not ws.persons.canFetchMore()
    qtbot.waitUntil(lambda: ws.count.text() == "400 persons", timeout=3000)
    # The organisations list is read only when its tab is shown.
    assert ws.organisations.rowCount() == 0
    ws.tabs.setCurrentIndex(1)
    assert ws.organisations.rowCount() == 80
    qtbot.waitUntil(lambda: ws.count.text() == "80 organisations", timeout=3000)


def test_search_as_you_type_filters_the_list(qtbot: QtBot, demo_db: Path) -> None:
    ws, window = contacts(qtbot, demo_db)
    with window.store.session() as session:
        expected = search.count_persons(session, "jansen")
    assert 0 < expected < PAGE_SIZE
    qtbot.keyClicks(ws.search, "jansen")
    qtbot.waitUntil(lambda: ws.persons.rowCount() == expected, timeout=3000)
    names = [ws.persons.data(ws.persons.index(r, 0)) for r in range(ws.persons.rowCount())]
    qtbot.waitUntil(lambda: ws.count.text().startswith(f"{expected} person"), timeout=3000)
    assert all("jansen" in n.lower() or "jansen" in ws.persons._rows[i][2] for i, n in enumerate(names))
    ws.search.clear()
    qtbot.waitUntil(lambda: ws.persons.rowCount() == PAGE_SIZE, timeout=3000)


def test_person_form_shows_errors_at_the_field_and_saves_nothing(qtbot: QtBot, demo_db: Path) -> None:
    ws, window = contacts(qtbot, demo_db)
    form = ws.person_form
    ws.new_record()
    form.email.setText("not-an-address")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.errors.message("name") == "Name is required."
    assert "not a valid e-mail address" in form.errors.message("email")
    assert form.record_id is None
    with window.store.session() as session:
        assert search.count_persons(session) == 400


def test_huge_paste_into_notes_is_refused_with_a_message(qtbot: QtBot, demo_db: Path) -> None:
    ws, window = contacts(qtbot, demo_db)
    form = ws.person_form
    ws.new_record()
    form.name.setText("Zyxwa Trần Paste")
    QApplication.clipboard().setText("x" * 1_048_576)
    form.notes.setFocus()
    form.notes.paste()
    # Refused at the field at once (laying out a megabyte line would freeze the window for minutes).
    assert form.notes.toPlainText() == ""
    assert form.errors.message("notes") == "Notes is too long: at most 100,000 characters, this has 1,048,576."
    with window.store.session() as session:
        assert search.count_persons(session, "zyxwa") == 0
    QApplication.clipboard().setText("Met at the EU member states meeting.\n" * 100)
    form.notes.paste()
    form.save()
    assert form.record_id is not None
    with window.store.session() as session:
        assert search.count_persons(session, "zyxwa") == 1


def test_create_edit_and_delete_a_person(qtbot: QtBot, demo_db: Path) -> None:
    ws, window = contacts(qtbot, demo_db)
    form = ws.person_form
    ws.new_record()
    form.name.setText("Trần Thị Mai")  # QTest.keyClicks only types Latin-1
    qtbot.keyClicks(form.email, "mai@union.example.vn")
    form.tags.setText("living wage, union")
    form.sensitive.setChecked(True)
    form.save()
    assert form.record_id is not None
    assert form.errors.message("name") == ""
    person_id = form.record_id
    with window.store.session() as session:
        assert [r.id for r in search.person_rows(session, "tran mai living")] == [person_id]

    form.name.setText("Trần Thị Mai Anh")
    form.save()
    with window.store.session() as session:
        assert search.person_rows(session, "mai anh")[0].id == person_id

    ws.search.setText("mai anh")
    ws.run_search()
    assert ws.persons.rowCount() == 1
    ws.person_list.table.selectRow(0)
    assert form.record_id == person_id
    form.confirm_delete()
    box = form.findChild(QMessageBox, "confirmDelete")
    assert box is not None
    box.button(QMessageBox.StandardButton.No).click()
    with window.store.session() as session:
        assert search.count_persons(session, "mai anh") == 1
    form.confirm_delete()
    box = next(b for b in form.findChildren(QMessageBox, "confirmDelete") if b.isVisible())
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: ws.persons.rowCount() == 0, timeout=3000)
    with window.store.session() as session:
        assert search.count_persons(session, "mai anh") == 0


def test_organisation_form_validates_numbers_and_shows_target_group(qtbot: QtBot, demo_db: Path) -> None:
    ws, window = contacts(qtbot, demo_db)
    ws.tabs.setCurrentIndex(1)
    form = ws.organisation_form
    ws.new_record()
    form.name.setText("Oranje Garments Vietnam B.V.")
    form.employees.setText("1.5")
    form.turnover.setText("lots")
    form.country.setText("V1")
    form.save()
    assert "whole number" in form.errors.message("employees")
    assert "amount in euros" in form.errors.message("turnover_eur")
    assert "two-letter" in form.errors.message("country")
    assert form.record_id is None

    form.employees.setText("1,200")
    form.turnover.setText("45,000,000")
    form.country.setText("nl")
    form.agreements.setText("Kleding en textiel")
    form.save()
    assert form.record_id is not None
    assert "90% target group" in form.target.text()
    assert form.turnover.text() == "45,000,000"
    # The new organisation is offered in the person form at once.
    picker = ws.person_form.organisation
    picker.setText("oranje garm")
    picker.textEdited.emit("oranje garm")
    assert suggestions(picker) == ["Oranje Garments Vietnam B.V."]
    with window.store.session() as session:
        assert search.organisation_rows(session, "oranje garments")[0].id == form.record_id


def test_person_organisation_is_chosen_by_typing(qtbot: QtBot, demo_db: Path) -> None:
    ws, window = contacts(qtbot, demo_db)
    with window.store.session() as session:
        org = search.organisation_rows(session, "", 0, 1)[0]
    form = ws.person_form
    ws.new_record()
    form.name.setText("Lê Văn Khoa")
    picker = form.organisation
    picker.setText("no such organisation")
    picker.textEdited.emit("no such organisation")
    form.save()
    assert "Choose the organisation" in form.errors.message("organisation")
    assert form.record_id is None

    picker.setText(org.name)
    picker.textEdited.emit(org.name)
    form.save()
    assert form.record_id is not None
    with window.store.session() as session:
        row = search.person_rows(session, "khoa le")[0]
    assert row.organisation == org.name
    form.load(form.record_id)
    assert picker.text() == org.name
    assert picker.organisation_id == org.id


def test_organisations_with_the_same_name_stay_apart_in_the_picker(qtbot: QtBot, demo_db: Path) -> None:
    ws, window = contacts(qtbot, demo_db)
    with window.store.session() as session:
        vn = contacts_service.create_organisation(session, OrganisationData(
            name="Mekong Garments JSC", sector="Textiles", country="VN")).id
        kh = contacts_service.create_organisation(session, OrganisationData(
            name="Mekong Garments JSC", sector="Footwear", country="KH")).id
        unique = contacts_service.create_organisation(session, OrganisationData(name="Zyxo Unique Trading")).id
    form = ws.person_form
    ws.new_record()
    form.name.setText("Phạm Thu")
    picker = form.organisation
    picker.setText("mekong garm")
    picker.textEdited.emit("mekong garm")
    assert sorted(suggestions(picker)) == ["Mekong Garments JSC — Footwear, KH", "Mekong Garments JSC — Textiles, VN"]
    assert picker.chosen() == (None, False)

    # The name typed out in full fits both: not chosen until one is picked from the list.
    picker.setText("mekong garments jsc")
    picker.textEdited.emit("mekong garments jsc")
    assert picker.chosen() == (None, False)
    window.activateWindow()  # the line edit takes the completer's choice only while it has focus
    qtbot.waitUntil(window.isActiveWindow)
    picker.setFocus()
    qtbot.waitUntil(picker.hasFocus)
    completer = picker.completer()
    completer.setCompletionPrefix("")
    completer.complete()
    popup = completer.popup()
    model = completer.completionModel()
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data().endswith("KH"))
    popup.setCurrentIndex(model.index(row, 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert picker.text() == "Mekong Garments JSC — Footwear, KH"
    assert picker.chosen() == (kh, True)
    form.save()
    assert form.record_id is not None
    with window.store.session() as session:
        assert contacts_service.get_person(session, form.record_id).organisation_id == kh
    assert vn != kh

    # A unique name typed out in full is taken, whatever its case.
    picker.setText("zyxo unique trading")
    picker.textEdited.emit("zyxo unique trading")
    assert picker.chosen() == (unique, True)
    picker.setText("zyxo unique tradin")  # changed without an edit signal: no longer the chosen text
    assert picker.chosen() == (None, False)


def test_a_list_that_cannot_be_read_says_so_and_is_read_again_next_time(
        qtbot: QtBot, demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws, _window = contacts(qtbot, demo_db)
    real_rows = search.person_rows

    def locked(*args: object, **kwargs: object) -> list[search.PersonRow]:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(search, "person_rows", locked)
    ws.search.setText("jansen")
    ws.run_search()
    qtbot.waitUntil(lambda: ws.findChild(QMessageBox, "errorMessage") is not None, timeout=3000)
    box = ws.findChild(QMessageBox, "errorMessage")
    assert "in use by another program" in box.text()
    box.close()
    assert ws.persons.rowCount() == 0
    assert not ws.persons.canFetchMore()  # no endless retries while scrolling

    monkeypatch.setattr(search, "person_rows", real_rows)
    ws.run_search()  # the same query: read again, since it failed last time
    assert ws.persons.rowCount() > 0


def test_user_text_in_messages_is_shown_as_typed_not_as_html(qtbot: QtBot, demo_db: Path) -> None:
    ws, _window = contacts(qtbot, demo_db)
    form = ws.person_form
    ws.new_record()
    form.name.setText("<b>Bold</b> Name")
    form.email.setText("<i>not</i>-an-address")
    form.save()
    label = form.findChild(QLabel, "error_email")
    assert "<i>not</i>" in label.text()
    assert label.textFormat() == Qt.TextFormat.PlainText
    form.email.clear()
    form.save()
    assert form.record_id is not None
    form.confirm_delete()
    box = form.findChild(QMessageBox, "confirmDelete")
    assert "<b>Bold</b> Name" in box.text()
    assert box.textFormat() == Qt.TextFormat.PlainText
    box.button(QMessageBox.StandardButton.No).click()
    show_error(ws, "Could not save <b>x</b>")
    error = ws.findChild(QMessageBox, "errorMessage")
    assert error.textFormat() == Qt.TextFormat.PlainText
    error.close()
