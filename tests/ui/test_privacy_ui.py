"""The privacy dialog and the person form's GDPR fields, with real widgets."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from privacy_world import build, consistency, found_by_search, references
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import select, text

from postapp.domain import ErasureEntry, LawfulBasis, Person
from postapp.ui.person_form import PersonForm
from postapp.ui.privacy_dialog import EraseConfirmation, PrivacyDialog


def visible(name: str):
    return next((w for w in QApplication.topLevelWidgets() if w.objectName() == name and w.isVisible()), None)


def age_everyone(store, days: int) -> None:
    moment = (dt.datetime.now(dt.UTC) - dt.timedelta(days=days)).replace(tzinfo=None)
    old_day = (dt.date.today() - dt.timedelta(days=days)).isoformat()
    with store.session() as s:
        s.execute(text("UPDATE person SET updated_at = :t"), {"t": moment})
        s.execute(text("UPDATE activity SET date = :d"), {"d": old_day})
        s.execute(text("UPDATE event SET starts_at = :t"), {"t": moment})
        s.execute(text("UPDATE support_case SET opened_on = :d"), {"d": old_day})


def test_review_list_follows_the_years(qtbot: QtBot, store) -> None:
    build(store)
    age_everyone(store, 1000)  # about 2.7 years
    dialog = PrivacyDialog(store, years=2)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.model.rowCount() == 3
    assert dialog.count.text() == "3 persons untouched for 2 years or more"
    assert dialog.model.index(0, 3).data()  # the last-touched date is shown
    dialog.years.setValue(3)
    assert dialog.model.rowCount() == 0 and dialog.count.text().startswith("0 persons")
    assert not dialog.findChild(QPushButton, "erasePerson").isEnabled()


def test_export_of_a_sensitive_person_asks_first(qtbot: QtBot, store, tmp_path: Path, monkeypatch) -> None:
    w = build(store)
    target = tmp_path / "an.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    dialog = PrivacyDialog(store, person_id=w.twin)  # the twin is marked sensitive
    qtbot.addWidget(dialog)
    dialog.show()
    assert "Nguyen Van An" in dialog.subject.text()
    dialog.findChild(QPushButton, "exportPerson").click()
    qtbot.waitUntil(lambda: visible("confirmSensitiveExport") is not None, timeout=3000)
    visible("confirmSensitiveExport").button(QMessageBox.StandardButton.No).click()
    assert not target.exists()
    dialog.findChild(QPushButton, "exportPerson").click()
    qtbot.waitUntil(lambda: visible("confirmSensitiveExport") is not None, timeout=3000)
    visible("confirmSensitiveExport").button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(target.exists, timeout=3000)
    assert json.loads(target.read_text("utf-8"))["person"]["name"] == "Nguyen Van An"


def test_erase_asks_for_a_reason_without_the_name_then_erases(qtbot: QtBot, store) -> None:
    w = build(store)
    before = sum(references(store, w.kept).values())
    dialog = PrivacyDialog(store, person_id=w.kept, erased_by="marieke")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.findChild(QPushButton, "erasePerson").click()
    confirm = dialog.findChild(EraseConfirmation, "confirmErase")
    assert confirm is not None and any("Nguyễn Văn An" in label.text() for label in confirm.findChildren(QLabel))
    confirm.reason.setText("Nguyễn Văn An asked")  # keyClicks takes ASCII only
    confirm.erase_button.click()
    assert confirm.isVisible() and "leave out the person's name" in confirm.errors.message("reason")
    assert found_by_search(store, "nguyen") == {w.kept, w.twin}  # nothing erased yet

    confirm.reason.setText("request by e-mail of 3 March")
    with qtbot.waitSignal(dialog.changed, timeout=5000):
        confirm.erase_button.click()
    assert "links to activities" in dialog.subject.text() and str(before) in dialog.subject.text()
    assert found_by_search(store, "nguyen") == {w.twin}
    with store.read() as s:
        entry = s.scalars(select(ErasureEntry)).one()
        assert (entry.record_id, entry.erased_by, entry.links_removed) == (w.kept, "marieke", before)
    fk, integrity = consistency(store.path)
    assert fk == [] and integrity == "ok"
    assert not dialog.findChild(QPushButton, "erasePerson").isEnabled()  # nobody selected any more


def test_person_form_gdpr_fields(qtbot: QtBot, store) -> None:
    form = PersonForm()
    qtbot.addWidget(form)
    form.attach_store(store, "HAN")
    form.show()
    form.name.setText("Trần Thị Lan")
    form.gender.setCurrentIndex(form.gender.findData("female"))
    form.lawful_basis.setCurrentIndex(form.lawful_basis.findData("consent"))
    form.save()
    assert "date the person gave consent" in form.errors.message("consent_date")
    with store.read() as s:
        assert s.scalars(select(Person)).all() == []
    form.consent_date.setText((dt.date.today() + dt.timedelta(days=3)).isoformat())
    form.save()
    assert "future" in form.errors.message("consent_date")
    form.consent_date.setText("2025-03-01")
    with qtbot.waitSignal(form.saved, timeout=3000) as saved:
        form.save()
    with store.read() as s:
        person = s.get(Person, saved.args[0])
        assert (person.gender.value, person.lawful_basis, person.consent_date) == (
            "female", LawfulBasis.CONSENT, dt.date(2025, 3, 1))
    form.new()
    assert form.consent_date.text() == "" and form.lawful_basis.currentData() == ""
    form.load(saved.args[0])
    assert form.consent_date.text() == "2025-03-01" and form.gender.currentData() == "female"
