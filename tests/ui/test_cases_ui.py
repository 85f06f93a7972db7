"""The support cases panel and its dialog, driven through real widgets on a demo store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox, QTabWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select, text

from postapp.conditions.models import ConditionCheck
from postapp.coretasks import CoreTask
from postapp.domain import CaseStatus, Organisation, OrganisationKind, Person, SupportCase
from postapp.store import Store, open_store
from postapp.ui.case_dialog import CaseDialog
from postapp.ui.cases_panel import CasesPanel
from postapp.ui.check_dialog import CheckDialog
from postapp.ui.main_window import WORKSPACES
from postapp.ui.settings import Preferences

from .helpers import open_window


@pytest.fixture
def store(demo_db: Path) -> Iterator[Store]:
    opened = open_store(demo_db)
    # The demo post comes with a few of these records; the tests start from none of them.
    with opened.session() as session:
        for table in ('case_person', 'case_activity', 'support_case'):
            session.execute(text(f"DELETE FROM {table}"))
    yield opened
    opened.close()


@pytest.fixture
def panel(qtbot: QtBot, store: Store) -> CasesPanel:
    widget = CasesPanel()
    qtbot.addWidget(widget)
    prefs = Preferences()
    prefs.country, prefs.user_name = "VN", "Alice de Vries"
    widget.prefs = prefs
    widget.set_post_code("HAN")
    widget.attach_store(store)
    return widget


def a_company(store: Store) -> Organisation:
    with store.read() as session:
        org = session.scalar(select(Organisation).where(Organisation.kind == OrganisationKind.COMPANY)
                             .order_by(Organisation.name).limit(1))
    assert org is not None
    return org


def new_dialog(qtbot: QtBot, panel: CasesPanel) -> CaseDialog:
    qtbot.mouseClick(panel.new_button, Qt.MouseButton.LeftButton)
    return open_dialog(panel)


def open_dialog(panel: CasesPanel) -> CaseDialog:
    """The case dialog on screen (a closed one lingers until Qt deletes it)."""
    dialogs = [d for d in panel.findChildren(CaseDialog, "caseDialog") if d.isVisible()]
    assert len(dialogs) == 1
    return dialogs[0]


def choose_company(dialog: CaseDialog, name: str) -> None:
    dialog.company.setText(name)
    dialog.company.textEdited.emit(name)


def save(dialog: CaseDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def test_a_case_made_in_the_dialog_is_listed(qtbot: QtBot, panel: CasesPanel, store: Store) -> None:
    company = a_company(store)
    assert panel.model.rowCount() == 0 and panel.count.text() == "0 cases"
    dialog = new_dialog(qtbot, panel)
    with store.read() as session:
        person = session.scalar(select(Person).where(Person.name != "").order_by(Person.name).limit(1))
    assert person is not None
    dialog.title_edit.setText("Question on living wages")
    choose_company(dialog, company.name)
    dialog.status.setCurrentIndex(dialog.status.findData("referred"))
    dialog.due_on.setText("2026-12-01")
    dialog.question.setPlainText("Which benchmark should we use?")
    dialog.persons.search.setText(person.name)
    dialog.persons.search.textEdited.emit(person.name)
    assert dialog.persons.results.count() >= 1
    qtbot.mouseClick(dialog.persons.add_button, Qt.MouseButton.LeftButton)
    assert dialog.persons.linked.count() == 1

    save(dialog)  # referred without saying where: refused at the field, nothing stored
    assert "referred to" in dialog.errors.message("referral")
    assert dialog.isVisible() and panel.model.rowCount() == 0
    dialog.referral.setCurrentIndex(dialog.referral.findData("ncp"))
    with qtbot.waitSignal(panel.changed):
        save(dialog)
    assert not dialog.isVisible()

    assert panel.model.rowCount() == 1 and panel.count.text() == "1 case"
    row = [panel.model.index(0, c).data() for c in range(5)]
    assert row[:4] == ["Referred", "Question on living wages", company.name, "NCP"]
    assert "2026" in row[4]
    with store.read() as session:
        stored = session.scalars(select(SupportCase)).one()
        assert stored.post_code == "HAN" and [p.id for p in stored.persons] == [person.id]


def test_filter_and_edit_close_a_case(qtbot: QtBot, panel: CasesPanel, store: Store) -> None:
    for title in ("First question", "Second question"):
        dialog = new_dialog(qtbot, panel)
        dialog.title_edit.setText(title)
        save(dialog)
    panel.status_filter.setCurrentIndex(panel.status_filter.findData("closed"))
    assert panel.model.rowCount() == 0
    panel.status_filter.setCurrentIndex(0)
    assert panel.model.rowCount() == 2

    panel.table.activated.emit(panel.model.index(0, 0))
    dialog = open_dialog(panel)
    assert dialog.case_id == panel.model.row_id(0)
    assert dialog.title_edit.text() == panel.model.index(0, 1).data()
    dialog.status.setCurrentIndex(dialog.status.findData("closed"))
    dialog.closed_on.setText("1999-01-01")  # before it was opened: refused
    save(dialog)
    assert "before it was opened" in dialog.errors.message("closed_on")
    dialog.closed_on.clear()
    save(dialog)
    panel.status_filter.setCurrentIndex(panel.status_filter.findData("closed"))
    assert panel.model.rowCount() == 1 and panel.model.index(0, 0).data() == "Closed"


def test_an_unknown_company_text_is_refused(qtbot: QtBot, panel: CasesPanel) -> None:
    dialog = new_dialog(qtbot, panel)
    dialog.title_edit.setText("A case")
    choose_company(dialog, "No such company zzz")
    save(dialog)
    assert "suggestions" in dialog.errors.message("organisation")
    assert panel.model.rowCount() == 0


def test_start_check_from_a_case_then_open_the_same(qtbot: QtBot, panel: CasesPanel, store: Store) -> None:
    company = a_company(store)
    dialog = new_dialog(qtbot, panel)
    dialog.title_edit.setText("Trade mission participation")
    save_without_company = dialog.check_button
    qtbot.mouseClick(save_without_company, Qt.MouseButton.LeftButton)  # no company: a clear message
    box = dialog.findChild(QMessageBox, "errorMessage")
    assert box is not None and "has no company" in box.text()
    box.close()
    assert dialog.case_id is not None  # the case itself was saved

    choose_company(dialog, company.name)
    dialog.support_kind.setCurrentIndex(dialog.support_kind.findData("trade_mission"))
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    check = panel.findChild(CheckDialog, "checkDialog")
    assert check is not None and check.isVisible() and company.name in check.heading.text()
    assert dialog.check_button.text().replace("&", "") == "Open IMVO condition check"
    check.close()
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    with store.read() as session:
        checks = session.scalars(select(ConditionCheck)).all()
        stored = session.get(SupportCase, dialog.case_id)
        assert len(checks) == 1 and stored is not None and stored.condition_check_id == checks[0].id
        assert checks[0].host_country == "VN"


def test_delete_a_case(qtbot: QtBot, panel: CasesPanel, store: Store) -> None:
    dialog = new_dialog(qtbot, panel)
    dialog.title_edit.setText("To be deleted")
    save(dialog)
    panel.open_case(panel.model.row_id(0))
    dialog = open_dialog(panel)
    dialog.delete_button.click()
    box = dialog.findChild(QMessageBox, "confirmDelete")
    box.button(QMessageBox.StandardButton.Yes).click()
    assert panel.model.rowCount() == 0
    with store.read() as session:
        assert session.scalars(select(SupportCase)).one().deleted_at is not None


def test_the_support_workspace_shows_the_cases_tab(qtbot: QtBot, demo_db: Path) -> None:
    window = open_window(qtbot, demo_db)
    window.nav.setCurrentRow(WORKSPACES.index(CoreTask.SUPPORT.value))
    workspace = window.stack.currentWidget()
    tabs = workspace.findChild(QTabWidget, "taskTabs")
    assert tabs.tabText(0).replace("&", "") == "Support cases"
    panel = workspace.findChild(CasesPanel, "casesPanel")
    assert panel is not None and panel.store is window.store and panel.new_button.isEnabled()
    assert panel.post_code == window.prefs.post_code
    assert CaseStatus.NEW.value == panel.status_filter.itemData(1)
