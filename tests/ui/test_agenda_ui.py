"""The agenda-setting log panel and its dialog, driven through real widgets on a demo store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox, QTabWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select, text

from postapp.coretasks import CoreTask
from postapp.domain import AgendaEntry, Organisation, OrganisationKind
from postapp.store import Store, open_store
from postapp.ui.agenda_dialog import AgendaDialog
from postapp.ui.agenda_panel import AgendaPanel
from postapp.ui.main_window import WORKSPACES

from .helpers import open_window


@pytest.fixture
def store(demo_db: Path) -> Iterator[Store]:
    opened = open_store(demo_db)
    # The demo post comes with a few of these records; the tests start from none of them.
    with opened.session() as session:
        for table in ('agenda_entry',):
            session.execute(text(f"DELETE FROM {table}"))
    yield opened
    opened.close()


@pytest.fixture
def panel(qtbot: QtBot, store: Store) -> AgendaPanel:
    widget = AgendaPanel()
    qtbot.addWidget(widget)
    widget.set_post_code("HAN")
    widget.attach_store(store)
    return widget


def open_dialog(panel: AgendaPanel) -> AgendaDialog:
    dialogs = [d for d in panel.findChildren(AgendaDialog, "agendaDialog") if d.isVisible()]
    assert len(dialogs) == 1
    return dialogs[0]


def save(dialog: AgendaDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def test_add_an_entry_through_the_dialog(qtbot: QtBot, panel: AgendaPanel, store: Store) -> None:
    with store.read() as session:
        ministry = session.scalar(select(Organisation).where(Organisation.kind == OrganisationKind.AUTHORITY)
                                  .order_by(Organisation.name).limit(1))
    assert ministry is not None
    assert panel.model.rowCount() == 0 and panel.summary.rowCount() == 0
    qtbot.mouseClick(panel.new_button, Qt.MouseButton.LeftButton)
    dialog = open_dialog(panel)
    dialog.date.setText("2026-03-04")
    dialog.topic.setCurrentIndex(dialog.topic.findData("other"))
    dialog.counterpart.setCurrentIndex(dialog.counterpart.findData("host_government"))
    dialog.organisation.setText(ministry.name)
    dialog.organisation.textEdited.emit(ministry.name)
    dialog.position.setPlainText("The Netherlands supports extended producer responsibility.")
    dialog.outcome.setPlainText("Ministry will share the draft decree.\nSecond line")
    dialog.next_step_due.setText("2026-03-20")

    save(dialog)  # other topic without a detail, and a due date without a step: both refused
    assert "not one of the listed topics" in dialog.errors.message("topic_detail")
    assert "needs a next step" in dialog.errors.message("next_step")
    assert panel.model.rowCount() == 0
    dialog.topic_detail.setText("Plastic waste")
    dialog.next_step.setPlainText("Send comments on the decree")
    with qtbot.waitSignal(panel.changed):
        save(dialog)
    assert not dialog.isVisible()

    row = [panel.model.index(0, c).data() for c in range(6)]
    assert row[1:5] == ["Plastic waste", "Host government", "Ministry will share the draft decree.",
                        "Send comments on the decree"]
    assert "2026" in row[0] and "2026" in row[5]
    assert panel.count.text() == "1 entry"
    assert [panel.summary.item(0, c).text() for c in (0, 1, 3)] == ["Other topic", "1", "1"]
    with store.read() as session:
        entry = session.scalars(select(AgendaEntry)).one()
        assert entry.organisation_id == ministry.id and entry.post_code == "HAN"


def add(panel: AgendaPanel, topic: str, counterpart: str, next_step: str = "", due: str = "") -> None:
    panel.new_entry()
    dialog = open_dialog(panel)
    dialog.topic.setCurrentIndex(dialog.topic.findData(topic))
    dialog.counterpart.setCurrentIndex(dialog.counterpart.findData(counterpart))
    dialog.next_step.setPlainText(next_step)
    dialog.next_step_due.setText(due)
    save(dialog)
    assert not dialog.isVisible()


def test_filters_summary_and_marking_a_step_done(qtbot: QtBot, panel: AgendaPanel, store: Store) -> None:
    add(panel, "gender", "civil_society", "Share findings", "2020-01-01")
    add(panel, "gender", "eu_delegation")
    add(panel, "child_labour", "eu_delegation")
    assert panel.model.rowCount() == 3 and panel.summary.rowCount() == 2
    panel.counterpart_filter.setCurrentIndex(panel.counterpart_filter.findData("eu_delegation"))
    assert panel.model.rowCount() == 2
    panel.counterpart_filter.setCurrentIndex(0)
    topics = [panel.summary.item(r, 0).text() for r in range(panel.summary.rowCount())]
    gender_row = topics.index("Gender equality")
    panel.summary.cellActivated.emit(gender_row, 0)  # a topic in the summary filters the log
    assert panel.topic_filter.currentData() == "gender" and panel.model.rowCount() == 2

    overdue = next(r for r in range(2) if panel.model.index(r, 4).data() == "Share findings")
    assert "(overdue)" in panel.model.index(overdue, 5).data()
    panel.table.activated.emit(panel.model.index(overdue, 0))
    dialog = open_dialog(panel)
    assert dialog.next_step.toPlainText() == "Share findings"
    dialog.next_step_done.setChecked(True)
    save(dialog)
    assert "(done)" in panel.model.index(overdue, 5).data()

    panel.open_entry(panel.model.row_id(0))
    dialog = open_dialog(panel)
    dialog.delete_button.click()
    dialog.findChild(QMessageBox, "confirmDelete").button(QMessageBox.StandardButton.Yes).click()
    assert panel.model.rowCount() == 1
    with store.read() as session:
        assert len([e for e in session.scalars(select(AgendaEntry)) if e.deleted_at is None]) == 2


def test_the_agenda_workspace_shows_the_log_beside_events(qtbot: QtBot, demo_db: Path) -> None:
    window = open_window(qtbot, demo_db)
    window.nav.setCurrentRow(WORKSPACES.index(CoreTask.AGENDA.value))
    workspace = window.stack.currentWidget()
    tabs = workspace.findChild(QTabWidget, "taskTabs")
    labels = [tabs.tabText(i).replace("&", "") for i in range(tabs.count())]
    assert "Agenda log" in labels and labels[-1] == "Activities"
    panel = workspace.findChild(AgendaPanel, "agendaPanel")
    assert panel is not None and panel.store is window.store and panel.new_button.isEnabled()
