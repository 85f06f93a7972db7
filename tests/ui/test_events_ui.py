"""The events panel and dialog with real widgets: create an event, invite from a search and by tag,
mark attendance and see the counts, refuse bad input at its field, reopen, and export to .ics."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path

import icalendar
import pytest
from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import QComboBox, QFileDialog, QLabel, QTabWidget
from pytestqt.qtbot import QtBot

from postapp.coretasks import CoreTask
from postapp.domain import Gender, ParticipantStatus
from postapp.services import events as ev
from postapp.services.activities import FollowUpData
from postapp.services.contacts import OrganisationData, PersonData, create_organisation, create_person
from postapp.store import Store, open_store
from postapp.ui.event_dialog import EventDialog
from postapp.ui.events_panel import EventsPanel


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path / "post.sqlite3")
    with opened.session() as s:
        company = create_organisation(s, OrganisationData(name="Delta Textiles B.V.", kind="company"), "HAN")
        union = create_organisation(s, OrganisationData(name="VGCL", kind="trade_union"), "HAN")
        for name, org, gender, tags, sensitive in [
            ("Lan Nguyễn", company.id, Gender.FEMALE, ["textiles"], False),
            ("Jan de Vries", company.id, Gender.MALE, ["textiles"], False),
            ("Hoa Trần", union.id, Gender.FEMALE, ["textiles", "union"], True),
            ("Minh Lê", None, Gender.UNKNOWN, ["union"], False),
        ]:
            person = create_person(s, PersonData(name=name, organisation_id=org, tags=tags, sensitive=sensitive,
                                                 email=name.split()[0].lower() + "@example.org"), "HAN")
            person.gender = gender
    try:
        yield opened
    finally:
        opened.close()


def _panel(qtbot: QtBot, store: Store) -> EventsPanel:
    panel = EventsPanel(CoreTask.AWARENESS)
    qtbot.addWidget(panel)
    panel.attach_store(store)
    panel.set_post_code("HAN")
    panel.show()
    return panel


def _open_new(qtbot: QtBot, panel: EventsPanel) -> EventDialog:
    qtbot.mouseClick(panel.new_button, Qt.MouseButton.LeftButton)
    dialog = panel.findChild(EventDialog, "eventDialog")
    assert dialog is not None and dialog.isVisible()
    return dialog


def _set(edit: object, year: int, month: int, day: int, hour: int, minute: int = 0) -> None:
    edit.setDateTime(QDateTime(QDate(year, month, day), QTime(hour, minute)))  # type: ignore[attr-defined]


def test_create_event_with_participants_and_attendance(qtbot: QtBot, store: Store, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    panel = _panel(qtbot, store)
    dialog = _open_new(qtbot, panel)
    qtbot.keyClicks(dialog.title_edit, "Roundtable living wage")
    _set(dialog.starts, 2026, 11, 24, 9, 30)
    _set(dialog.ends, 2026, 11, 24, 12)
    dialog.timezone.setCurrentText("Asia/Ho_Chi_Minh")
    dialog.location.setText("Embassy, Hanoi")
    dialog.capacity.setText("2")

    dialog.tabs.setCurrentIndex(1)
    qtbot.keyClicks(dialog.search, "delta")
    qtbot.waitUntil(lambda: dialog.results.count() == 2, timeout=3000)
    dialog.results.selectAll()
    qtbot.mouseClick(dialog.invite_button, Qt.MouseButton.LeftButton)
    assert dialog.table.rowCount() == 2
    dialog.tag_combo.setCurrentText("textiles")
    dialog.tag_button.click()
    assert dialog.table.rowCount() == 3  # Lan and Jan skipped, Hoa added
    assert "2 were already on the list" in dialog.invite_note.text()
    dialog.tag_combo.setCurrentText("union")
    dialog.tag_button.click()
    assert dialog.table.rowCount() == 4

    names = [dialog.table.item(r, 0).text() for r in range(4)]
    for index, name in enumerate(names):
        combo = dialog.status_combo(index)
        assert isinstance(combo, QComboBox) and combo.accessibleName().startswith("Status of")
        wanted = ParticipantStatus.DECLINED if name.startswith("Jan") else ParticipantStatus.ATTENDED
        combo.setCurrentIndex(combo.findData(wanted.value))
    assert dialog.counts(dialog.by_kind) == {"Company": 1, "Trade union": 1, "No organisation": 1, "Total": 3}
    assert dialog.counts(dialog.by_gender) == {"Woman": 2, "Not recorded": 1, "Total": 3}
    assert "1 more than the capacity" in dialog.capacity_label.text()
    dialog.capacity.setText("30")
    assert dialog.capacity_label.isHidden()

    dialog.tabs.setCurrentIndex(3)
    dialog.add_follow_up(FollowUpData("Send the slides", "Anouk", "2026-12-01"))
    dialog.evaluation.setPlainText("Good discussion")
    with qtbot.waitSignal(panel.changed, timeout=3000):
        dialog.save()

    with store.read() as s:
        [row] = ev.event_rows(s, CoreTask.AWARENESS)
        event = ev.get_event(s, row.id)
        assert event.starts_at == dt.datetime(2026, 11, 24, 2, 30, tzinfo=dt.UTC)
        assert event.evaluation == "Good discussion"
        assert [f.description for f in event.activity.follow_ups] == ["Send the slides"]
        summary = ev.attendance(s, row.id)
    assert summary.attended == 3 and summary.by_status[ParticipantStatus.DECLINED] == 1
    assert panel.model.rowCount() == 1
    assert panel.model.index(0, 1).data() == "Roundtable living wage"
    assert panel.model.index(0, 3).data() == "3 / 30"
    assert panel.selected_id() == row.id

    # Export through the panel with the save dialog answered; no personal data by default.
    target = tmp_path / "out" / "roundtable"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), ""))
    panel.export_button.click()
    written = target.with_suffix(".ics")
    calendar = icalendar.Calendar.from_ical(written.read_bytes())
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == f"{row.id}@postapp-imvo"
    assert vevent["DTSTART"].params["TZID"] == "Asia/Ho_Chi_Minh"
    assert "ATTENDEE" not in vevent
    assert str(written) in panel.status.text()


def test_bad_input_shown_at_the_field_and_nothing_stored(qtbot: QtBot, store: Store) -> None:
    panel = _panel(qtbot, store)
    dialog = _open_new(qtbot, panel)
    _set(dialog.starts, 2026, 11, 24, 9)
    _set(dialog.ends, 2026, 11, 24, 8)
    dialog.timezone.setCurrentText("Nowhere/Atlantis")
    dialog.capacity.setText("-1")
    dialog.tabs.setCurrentIndex(4)
    dialog.save()
    assert dialog.isVisible()
    assert dialog.tabs.currentIndex() == 0  # back to the details, where the problems are
    for field, words in [("title", "required"), ("timezone", "not a time zone"), ("capacity", "between")]:
        label = dialog.findChild(QLabel, f"error_{field}")
        assert label is not None and label.isVisible() and words in label.text(), field
    dialog.timezone.setCurrentText("Asia/Ho_Chi_Minh")
    dialog.title_edit.setText("Training")
    dialog.capacity.setText("")
    _set(dialog.ends, 2026, 11, 24, 8)
    dialog.save()
    assert "end after" in dialog.errors.message("ends")
    with store.read() as s:
        assert ev.event_rows(s) == []
    dialog.reject()


def test_reopen_edit_and_empty_export_choice(qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    with store.session() as s:
        lan = ev.search_persons(s, "lan")[0]
        event_id = ev.create_event(s, ev.EventData(
            title="Awareness session EUDR", starts="2026-12-02 14:00", ends="2026-12-02 16:00",
            timezone="Asia/Ho_Chi_Minh", participants=[ev.ParticipantData(lan.id, "registered")]), "HAN").id
    panel = _panel(qtbot, store)
    panel.table.setFocus()
    panel.table.selectRow(0)
    panel.open_selected()
    dialog = panel.dialog
    assert dialog.title_edit.text() == "Awareness session EUDR"
    assert dialog.starts.dateTime().time().hour() == 14  # the wall time in Hanoi, whatever the laptop's zone
    assert dialog.table.rowCount() == 1
    dialog.status_combo(0).setCurrentIndex(dialog.status_combo(0).findData("attended"))
    dialog.table.selectRow(0)
    dialog.remove_selected()
    assert dialog.table.rowCount() == 0
    dialog.save()
    with store.read() as s:
        assert ev.attendance(s, event_id).by_status == {st: 0 for st in ParticipantStatus}
    # Cancelling the file dialog writes nothing and says nothing.
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: ("", ""))
    panel.table.selectRow(0)
    panel.export_selected()
    assert panel.status.text() == ""


def test_panel_is_a_tab_of_both_workspaces(qtbot: QtBot, store: Store) -> None:
    from postapp.ui.task_workspace import TaskWorkspace

    for task in (CoreTask.AWARENESS, CoreTask.AGENDA):
        workspace = TaskWorkspace(task)
        qtbot.addWidget(workspace)
        workspace.attach_store(store)
        tabs = workspace.findChild(QTabWidget, "taskTabs")
        assert tabs is not None and tabs.tabText(0) == "&Events"
        panel = workspace.findChild(EventsPanel, "eventsPanel")
        assert panel is not None and panel.task == task and panel.new_button.isEnabled()


def test_unknown_event_id_is_not_selected(qtbot: QtBot, store: Store) -> None:
    panel = _panel(qtbot, store)
    panel.select(uuid.uuid4())
    assert panel.selected_id() is None
    panel.open_selected()
    assert "Choose an event" in panel.status.text()
