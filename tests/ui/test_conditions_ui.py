"""The condition-check workspace and its guided form, driven through real widgets: start a check,
answer the due-diligence steps, decide, confirm with a second person, amend."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTabWidget
from pytestqt.qtbot import QtBot

from postapp.conditions import audit
from postapp.conditions.models import CheckStatus, ConditionCheck
from postapp.coretasks import CoreTask
from postapp.domain import Organisation, OrganisationKind
from postapp.ui.check_dialog import CheckDialog
from postapp.ui.conditions_workspace import ConditionsWorkspace, NewCheckDialog
from postapp.ui.main_window import WORKSPACES

from .helpers import open_window


def conditions(qtbot: QtBot, db: Path) -> tuple[ConditionsWorkspace, object]:
    window = open_window(qtbot, db)
    window.prefs.user_name = "Alice de Vries"
    window.nav.setCurrentRow(WORKSPACES.index(CoreTask.CONDITIONS.value))
    workspace = window.stack.currentWidget()
    assert isinstance(workspace, ConditionsWorkspace)
    return workspace, window


def a_company(window: object) -> Organisation:
    with window.store.session() as session:  # type: ignore[attr-defined]
        return session.query(Organisation).filter(
            Organisation.kind == OrganisationKind.COMPANY, Organisation.sector == "Textiles and clothing",
        ).order_by(Organisation.name).first()


def start(qtbot: QtBot, workspace: ConditionsWorkspace, company: Organisation) -> CheckDialog:
    panel = workspace.checks_panel
    assert workspace.findChild(QTabWidget, "conditionsTabs").tabText(0).replace("&", "") == "Condition checks"
    qtbot.mouseClick(panel.new_button, Qt.MouseButton.LeftButton)
    new = panel.findChild(NewCheckDialog)
    new.company.setText(company.name)
    new.company.textEdited.emit(company.name)
    new.country.setText("VN")
    new.start()
    dialog = panel.findChild(CheckDialog)
    assert dialog is not None and dialog.isVisible()
    assert company.name in dialog.heading.text()
    return dialog


def test_a_check_from_start_to_confirmed_and_amended(qtbot: QtBot, demo_db: Path) -> None:
    workspace, window = conditions(qtbot, demo_db)
    company = a_company(window)
    dialog = start(qtbot, workspace, company)
    assert workspace.checks_panel.model.rowCount() == 1

    dialog.nav.setCurrentRow(1)
    page = dialog.diligence
    page.declared.setCurrentIndex(page.declared.findData("yes"))
    for n in range(1, 7):
        page.answers[n].setCurrentIndex(page.answers[n].findData("yes"))
        page.refs[n].setText(f"Due diligence report 2026, chapter {n}")
    qtbot.mouseClick(page.save, Qt.MouseButton.LeftButton)
    assert dialog.nav.item(1).text().startswith("✓")

    dialog.nav.setCurrentRow(2)
    risks = dialog.risks
    # The shipped reference data covers textiles in Viet Nam.
    assert "Living wage" in risks.table.toPlainText()
    risks.handles.setCurrentIndex(risks.handles.findData("no"))
    risks.save.click()
    assert dialog.nav.item(2).text().startswith("✓")
    assert "No sanctions list" in dialog.sanctions.status.text()
    assert not dialog.sanctions.screen_button.isEnabled()

    dialog.nav.setCurrentRow(4)
    decision = dialog.decision
    decision.decision.setCurrentIndex(decision.decision.findData("support"))
    decision.rationale.setPlainText("Policy, risk analysis and remediation shown; textile convenant member.")
    assert decision.decided_by.text() == "Alice de Vries"
    decision.decide_button.click()
    assert "waiting for a second person" in decision.state.text()
    assert not page.save.isEnabled()  # decided: locked

    assert decision.confirmed_by.isReadOnly() and decision.confirmed_by.text() == "Alice de Vries"
    decision.confirm_button.click()
    assert "second person" in decision.errors.message("confirmed_by")
    # The second person opens the check in the app under their own name.
    check_id = dialog.check_id
    dialog.close()
    window.prefs.user_name = "Bob Nguyen"
    workspace.checks_panel.open_check(check_id)
    dialog = next(d for d in workspace.checks_panel.findChildren(CheckDialog) if d.isVisible())
    dialog.nav.setCurrentRow(4)
    decision, page = dialog.decision, dialog.diligence
    assert decision.confirmed_by.text() == "Bob Nguyen"
    decision.confirm_button.click()
    assert "confirmed by Bob Nguyen" in decision.state.text()
    assert dialog.nav.item(4).text().startswith("✓")
    assert decision.amend_button.isEnabled() and not decision.decide_button.isEnabled()

    decision.amend_button.click()
    assert "version 2" in dialog.heading.text()
    assert page.save.isEnabled()
    with window.store.session() as session:
        versions = session.query(ConditionCheck).order_by(ConditionCheck.version).all()
        assert [(c.version, c.status) for c in versions] == [(1, CheckStatus.CONFIRMED), (2, CheckStatus.DRAFT)]
        assert audit.verify(session)[1] is None
    assert workspace.checks_panel.model.rowCount() == 2


def test_a_positive_decision_without_evidence_is_refused_with_what_is_missing(qtbot: QtBot, demo_db: Path) -> None:
    workspace, window = conditions(qtbot, demo_db)
    dialog = start(qtbot, workspace, a_company(window))
    dialog.nav.setCurrentRow(4)
    decision = dialog.decision
    decision.decision.setCurrentIndex(decision.decision.findData("support"))
    assert "Record whether the company declared" in decision.missing.text()
    decision.rationale.setPlainText("Seems fine.")
    decision.decide_button.click()
    assert "step 1" in decision.errors.message("missing")
    with window.store.session() as session:
        assert session.query(ConditionCheck).one().status is CheckStatus.DRAFT
    # "No support" needs no evidence: the missing list shrinks as soon as it is chosen.
    decision.decision.setCurrentIndex(decision.decision.findData("no_support"))
    assert decision.missing.text() == "Nothing."


def test_saving_one_page_keeps_unsaved_typing_on_another(qtbot: QtBot, demo_db: Path) -> None:
    workspace, window = conditions(qtbot, demo_db)
    dialog = start(qtbot, workspace, a_company(window))
    dialog.nav.setCurrentRow(1)
    dialog.diligence.refs[3].setText("Remediation plan, not saved yet")
    dialog.diligence.notes[3].setText("Ask for the 2026 update")
    dialog.nav.setCurrentRow(2)
    dialog.risks.handles.setCurrentIndex(dialog.risks.handles.findData("no"))
    dialog.risks.save.click()
    assert dialog.diligence.refs[3].text() == "Remediation plan, not saved yet"
    dialog.nav.setCurrentRow(1)
    dialog.diligence.save.click()
    with window.store.session() as session:
        step = next(s for s in session.query(ConditionCheck).one().steps if s.step == 3)
        assert (step.evidence_ref, step.note) == ("Remediation plan, not saved yet", "Ask for the 2026 update")
        assert session.query(ConditionCheck).one().conflict_minerals is False
