"""The expertise panels: knowledge notes, the country risk profile with annotations, and the
stakeholder overview, driven through real widgets on a demo store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialogButtonBox, QTabWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select, text

from postapp.coretasks import CoreTask
from postapp.domain import KnowledgeNote, Organisation, Person, RiskAnnotation
from postapp.services.contacts import PersonData, create_person
from postapp.store import Store, open_store
from postapp.ui.expertise_panel import KnowledgeNotesPanel
from postapp.ui.main_window import WORKSPACES
from postapp.ui.risk_profile_panel import AnnotationDialog, RiskProfilePanel
from postapp.ui.settings import Preferences
from postapp.ui.stakeholders_panel import StakeholdersPanel

from .helpers import open_window


@pytest.fixture
def store(demo_db: Path) -> Iterator[Store]:
    opened = open_store(demo_db)
    # The demo post comes with a few of these records; the tests start from none of them.
    with opened.session() as session:
        for table in ('knowledge_note', 'risk_annotation'):
            session.execute(text(f"DELETE FROM {table}"))
    yield opened
    opened.close()


def test_add_and_filter_knowledge_notes(qtbot: QtBot, store: Store) -> None:
    panel = KnowledgeNotesPanel()
    qtbot.addWidget(panel)
    panel.set_post_code("HAN")
    panel.attach_store(store)
    panel.show()
    assert panel.model.rowCount() == 0 and panel.count.text() == "0 notes"

    qtbot.mouseClick(panel.new_button, Qt.MouseButton.LeftButton)
    form = panel.form
    form.sector.setCurrentIndex(form.sector.findData("textiles"))
    form.review_on.setText("2026-13-01")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)  # no title, a bad date: refused
    assert form.errors.message("title") == "Title is required."
    assert "not a date" in form.errors.message("review_on")
    assert panel.model.rowCount() == 0

    form.title_edit.setText("Living wages in garments")
    form.theme.setCurrentText("Living wage")  # typed as its label: stored as the reference key
    form.review_on.setText("2026-06-01")
    form.body.setPlainText("Minimum wages stay below living wage estimates.")
    form.sources.setPlainText("WageIndicator 2024")
    with qtbot.waitSignal(panel.changed):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert [panel.model.index(0, c).data() for c in range(3)] == [
        "Living wages in garments", "Textiles and clothing", "Living wage"]
    assert "2026" in panel.model.index(0, 3).data() and panel.count.text() == "1 note"

    panel.new_note()
    form.title_edit.setText("Tourism and child protection")
    form.sector.setCurrentText("Tourism")  # free text, not in the reference data
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    with store.read() as session:
        stored = {n.title: (n.sector, n.theme, n.post_code) for n in session.scalars(select(KnowledgeNote))}
    assert stored == {"Living wages in garments": ("textiles", "living_wage", "HAN"),
                      "Tourism and child protection": ("Tourism", "", "HAN")}

    panel.sector_filter.setCurrentIndex(panel.sector_filter.findData("Tourism"))
    assert panel.model.rowCount() == 1 and panel.model.index(0, 0).data() == "Tourism and child protection"
    panel.sector_filter.setCurrentIndex(0)
    panel.theme_filter.setCurrentIndex(panel.theme_filter.findData("living_wage"))
    assert panel.model.rowCount() == 1
    panel.table.selectRow(0)
    assert form.record_id is not None and form.title_edit.text() == "Living wages in garments"
    assert form.sector.currentText() == "Textiles and clothing"

    with store.read() as session:  # shown from elsewhere (Home, search): the filter gives way
        tourism = session.scalars(select(KnowledgeNote.id).where(KnowledgeNote.sector == "Tourism")).one()
    panel.select(tourism)
    assert panel.theme_filter.currentIndex() == 0 and form.title_edit.text() == "Tourism and child protection"
    assert panel.table.selectionModel().selectedRows()[0].row() == panel.model.row_of(tourism)


def risk_panel(qtbot: QtBot, store: Store, country: str = "VN") -> RiskProfilePanel:
    panel = RiskProfilePanel()
    qtbot.addWidget(panel)
    prefs = Preferences()
    prefs.country = country
    panel.prefs = prefs
    panel.set_post_code("HAN")
    panel.attach_store(store)
    return panel


def test_annotate_a_risk_cell(qtbot: QtBot, store: Store) -> None:
    panel = risk_panel(qtbot, store)
    model = panel.model
    profile = model.profile
    assert profile is not None and profile.covered and "(VN)" in panel.heading.text()
    row, column = profile.sectors.index("textiles"), profile.themes.index("living_wage")
    index = model.index(row, column)
    assert index.data() == "High"  # the level in words: legible without the colour
    assert index.data(Qt.ItemDataRole.BackgroundRole) == QColor("#f4c7c3")
    assert model.headerData(row, Qt.Orientation.Vertical) == "Textiles and clothing"

    panel.table.activated.emit(index)  # Enter or a double-click
    dialog = panel.findChild(AnnotationDialog, "annotationDialog")
    assert dialog is not None and dialog.isVisible()
    dialog.level.setCurrentIndex(dialog.level.findData("medium"))
    dialog.note.setPlainText("Our own factory visits found wages closer to the benchmark.")
    with qtbot.waitSignal(panel.changed):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    index = model.index(row, column)
    assert index.data() == "Medium ✎"
    assert "Reference level: High" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert "factory visits" in index.data(Qt.ItemDataRole.ToolTipRole)
    with store.read() as session:
        annotation = session.scalars(select(RiskAnnotation)).one()
        assert (annotation.country, annotation.sector, annotation.theme, annotation.level) == (
            "VN", "textiles", "living_wage", "medium")

    dialog = panel.annotate(index)
    assert dialog is not None and dialog.level.currentData() == "medium"
    dialog.clear_button.click()
    assert model.index(row, column).data() == "High"
    with store.read() as session:
        assert session.scalars(select(RiskAnnotation)).one().deleted_at is not None


def test_a_country_without_reference_data_says_so(qtbot: QtBot, store: Store) -> None:
    panel = risk_panel(qtbot, store, "NL")
    assert "no profile for this country" in panel.heading.text()
    assert panel.model.rowCount() > 0 and panel.model.index(0, 0).data() == "–"


def test_stakeholders_by_kind_count_a_sensitive_person_without_naming(qtbot: QtBot, store: Store) -> None:
    with store.session() as session:
        org = session.scalar(select(Organisation).order_by(Organisation.name).limit(1))
        assert org is not None
        before = len(list(session.scalars(select(Person.id).where(Person.organisation_id == org.id,
                                                                   Person.deleted_at.is_(None)))))
        create_person(session, PersonData(name="Hidden Defender", organisation_id=org.id, sensitive=True))
        org_name, org_kind = org.name, org.kind
    panel = StakeholdersPanel()
    qtbot.addWidget(panel)
    panel.attach_store(store)
    assert panel.summary.rowCount() == 0  # counted when shown, not when the workspace opens
    panel.show()
    kinds = [panel.summary.item(r, 0).text() for r in range(panel.summary.rowCount())]
    assert "Company" in kinds and len(kinds) >= 3
    totals = sum(int(panel.summary.item(r, 1).text().replace(",", "")) for r in range(panel.summary.rowCount()))
    with store.read() as session:
        assert totals == session.query(Organisation).filter(Organisation.deleted_at.is_(None)).count()

    panel.summary.cellActivated.emit(kinds.index(_label(org_kind)), 0)
    assert panel.kind_filter.currentData() == org_kind.value
    while panel.model.canFetchMore():
        panel.model.fetchMore()
    row = panel.model.row_of(org.id)
    assert row >= 0 and panel.model.index(row, 0).data() == org_name
    assert panel.model.index(row, 2).data() == str(before + 1)
    shown = [panel.model.index(r, c).data() for r in range(panel.model.rowCount()) for c in range(5)]
    shown += [panel.summary.item(r, c).text() for r in range(panel.summary.rowCount()) for c in range(5)]
    assert not any("Hidden Defender" in text for text in shown)


def _label(kind: object) -> str:
    return kind.label  # type: ignore[attr-defined,no-any-return]


def test_the_expertise_workspace_has_three_panels(qtbot: QtBot, demo_db: Path) -> None:
    window = open_window(qtbot, demo_db)
    window.nav.setCurrentRow(WORKSPACES.index(CoreTask.EXPERTISE.value))
    workspace = window.stack.currentWidget()
    tabs = workspace.findChild(QTabWidget, "taskTabs")
    assert [tabs.tabText(i).replace("&", "") for i in range(tabs.count())] == [
        "Knowledge notes", "Risk profile", "Stakeholders", "Activities"]
    for cls, name in ((KnowledgeNotesPanel, "notesPanel"), (RiskProfilePanel, "riskProfilePanel"),
                      (StakeholdersPanel, "stakeholdersPanel")):
        panel = workspace.findChild(cls, name)
        assert panel is not None and panel.store is window.store
    tabs.setCurrentIndex(2)
    assert workspace.findChild(StakeholdersPanel, "stakeholdersPanel").summary.rowCount() >= 3
