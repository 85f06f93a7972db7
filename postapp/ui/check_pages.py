"""The pages of the guided condition-check form. Each page shows part of a ``CheckView`` and hands
what the user entered to the dialog, which calls the core and reloads every page from the store."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from postapp.conditions.checks import CheckAnswers, ListState, Review, StepData
from postapp.conditions.models import OECD_STEPS, ConditionCheck, StepAnswer, Verdict
from postapp.conditions.risk_data import RiskData, pick
from postapp.conditions.rules import GENDER_QUESTIONS, MINERAL_LABELS, MINERALS
from postapp.domain.organisations import TARGET_MIN_ASSETS_EUR, TARGET_MIN_EMPLOYEES, TARGET_MIN_TURNOVER_EUR
from postapp.i18n import N_, _, format_date, format_money, format_number, ngettext
from postapp.sanctions.cli import SCHEMA_LABELS, SOURCE_LABELS
from postapp.ui.forms import FieldErrors, NotesEdit
from postapp.ui.naming import named

if TYPE_CHECKING:
    from postapp.ui.check_dialog import CheckDialog

OECD_STEP_TEXT = {
    1: N_("Embed responsible business conduct in policies and management systems"),
    2: N_("Identify and assess adverse impacts in operations, supply chains and business relationships"),
    3: N_("Cease, prevent or mitigate adverse impacts"),
    4: N_("Track implementation and results"),
    5: N_("Communicate how impacts are addressed"),
    6: N_("Provide for or cooperate in remediation when appropriate"),
}


class CheckView(NamedTuple):
    """Everything the pages show, read in one session."""

    check: ConditionCheck
    review: Review
    data: RiskData
    lists: ListState

    @property
    def list_available(self) -> bool:
        return self.lists.available


def _answer_combo(name: str) -> QComboBox:
    combo = named(QComboBox(), name)
    for answer in StepAnswer:
        combo.addItem(_(answer.label), answer.value)
    return combo


def _tristate_combo(name: str, yes: str, no: str) -> QComboBox:
    combo = named(QComboBox(), name)
    combo.addItem(_("Not yet known"), "")
    combo.addItem(yes, "yes")
    combo.addItem(no, "no")
    return combo


def _set_tristate(combo: QComboBox, value: bool | None) -> None:
    combo.setCurrentIndex(0 if value is None else (1 if value else 2))


def _tristate(combo: QComboBox) -> bool | None:
    data = combo.currentData()
    return None if not data else data == "yes"


def _scrolled(inner: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(inner)
    return area


class ProfilePage(QWidget):
    def __init__(self, dialog: CheckDialog) -> None:
        super().__init__()
        self.summary = named(QLabel(), "profileSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addStretch()

    def fill(self, view: CheckView) -> None:
        check, org = view.check, view.check.organisation
        e = html.escape
        target = (_("Yes: at least {employees} employees and more than {assets} assets or {turnover} turnover")
                  .format(employees=format_number(TARGET_MIN_EMPLOYEES), assets=format_money(TARGET_MIN_ASSETS_EUR),
                          turnover=format_money(TARGET_MIN_TURNOVER_EUR))
                  if org.in_target_group else _("No"))
        rows = [
            (_("Company"), org.name), (_("Sector"), org.sector or "—"), (_("Country"), org.country or "—"),
            (_("Employees"), format_number(org.employees) if org.employees is not None else "—"),
            (_("Turnover"), format_money(org.turnover_eur) if org.turnover_eur is not None else "—"),
            (_("Assets"), format_money(org.assets_eur) if org.assets_eur is not None else "—"),
            (_("In the 90% target group"), target),
            (_("Kind of support"), _(check.support_kind.label)),
            (_("Host country"), view.data.country_label(check.host_country)),
            (_("Version"), str(check.version)),
        ]
        self.summary.setText("<table cellpadding='3'>" + "".join(
            f"<tr><td><b>{e(k)}</b></td><td>{e(v)}</td></tr>" for k, v in rows) + "</table>")


class DiligencePage(QWidget):
    """The OECD declaration and the six due-diligence steps with their evidence."""

    def __init__(self, dialog: CheckDialog) -> None:
        super().__init__()
        self.dialog = dialog
        self.errors = FieldErrors()
        inner = QWidget()
        grid = QGridLayout(inner)
        self.declared = _tristate_combo("oecdDeclared", _("Yes, declared"), _("No"))
        self.declared.setAccessibleName(_("Declared to know and apply the OECD Guidelines"))
        grid.addWidget(QLabel(_("Has the company declared that it knows and applies the OECD Guidelines?")), 0, 0,
                       1, 3)
        grid.addWidget(self.declared, 0, 3)
        for column, title in enumerate((_("Step"), _("Answer"), _("Document reference"), _("Link"), _("Note"))):
            grid.addWidget(QLabel(f"<b>{html.escape(title)}</b>"), 1, column)
        self.answers: dict[int, QComboBox] = {}
        self.refs: dict[int, QLineEdit] = {}
        self.links: dict[int, QLineEdit] = {}
        self.notes: dict[int, QLineEdit] = {}
        for n in range(1, OECD_STEPS + 1):
            label = QLabel(f"{n}. {_(OECD_STEP_TEXT[n])}")
            label.setWordWrap(True)
            self.answers[n] = _answer_combo(f"stepAnswer{n}")
            self.refs[n] = named(QLineEdit(), f"stepRef{n}")
            self.links[n] = named(QLineEdit(), f"stepLink{n}")
            self.notes[n] = named(QLineEdit(), f"stepNote{n}")
            for widget, what in ((self.answers[n], _("Answer")), (self.refs[n], _("Document reference")),
                                 (self.links[n], _("Link")), (self.notes[n], _("Note"))):
                widget.setAccessibleName(f"{what} {n}")
            grid.addWidget(label, n + 1, 0)
            grid.addWidget(self.answers[n], n + 1, 1)
            grid.addWidget(self.refs[n], n + 1, 2)
            grid.addWidget(self.links[n], n + 1, 3)
            grid.addWidget(self.notes[n], n + 1, 4)
        grid.setRowStretch(OECD_STEPS + 2, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(2, 2)
        grid.setColumnStretch(3, 2)
        grid.setColumnStretch(4, 2)
        self.save = named(QPushButton(_("&Save answers")), "saveDiligence")
        self.save.clicked.connect(self.store_answers)
        layout = QVBoxLayout(self)
        layout.addWidget(_scrolled(inner))
        layout.addWidget(self.save, alignment=Qt.AlignmentFlag.AlignRight)

    def fill(self, view: CheckView) -> None:
        check = view.check
        _set_tristate(self.declared, check.oecd_declared)
        for step in check.steps:
            self.answers[step.step].setCurrentIndex(self.answers[step.step].findData(step.answer.value))
            self.refs[step.step].setText(step.evidence_ref)
            self.links[step.step].setText(step.evidence_link)
            self.notes[step.step].setText(step.note)
        for widget in (self.declared, self.save, *self.answers.values(), *self.refs.values(), *self.links.values(),
                       *self.notes.values()):
            widget.setEnabled(not check.locked)

    def store_answers(self) -> None:
        from postapp.conditions import checks

        check = self.dialog.current().check
        answers = self.dialog.current_answers()
        answers.oecd_declared = _tristate(self.declared)
        stored = {s.step: s for s in check.steps}
        steps = {n: StepData(str(self.answers[n].currentData()), self.refs[n].text(), self.links[n].text(),
                             self.notes[n].text())
                 for n in range(1, OECD_STEPS + 1)}
        # Only what changed goes to the core (and to the audit log).
        changed = {n: data for n, data in steps.items() if n not in stored or (
            stored[n].answer.value, stored[n].evidence_ref, stored[n].evidence_link, stored[n].note)
            != (data.answer, data.evidence_ref.strip(), data.evidence_link.strip(), data.note.strip())}

        def write(session: object) -> None:
            if answers.oecd_declared != check.oecd_declared:
                checks.record_answers(session, check.id, answers, self.dialog.actor)  # type: ignore[arg-type]
            for n, data in changed.items():
                checks.record_step(session, check.id, n, data, self.dialog.actor)  # type: ignore[arg-type]

        self.dialog.run(write, self.errors)


def risks_html(view: CheckView) -> str:
    """The reference risks as a readable list: theme and level, the risk, what to ask, the source."""
    e = html.escape
    levels = {"low": _("low"), "medium": _("medium"), "high": _("high")}
    risks = sorted(view.review.assessment.risks, key=lambda r: ("high", "medium", "low").index(r.level))
    if not risks:
        nothing = _("The reference data has no risk profile for this sector and country.")
        return f"<p>{e(nothing)}</p>"
    gender_note = _("differs for women and girls")
    parts = []
    for risk in risks:
        source = f"{risk.source} ({risk.year})" if risk.year else risk.source
        gender = f" — <i>{e(gender_note)}</i>" if risk.gender else ""
        parts.append(f"<p><b>{e(view.data.theme_label(risk.theme))}</b>: {e(levels.get(risk.level, risk.level))}"
                     f"{gender}<br>{e(pick(risk.text))}<br><i>{e(pick(risk.advice))}</i><br>"
                     f"<small>{e(source)}</small></p>")
    return "".join(parts) + f"<p><small>{e(pick(view.data.note))}</small></p>"


class RisksPage(QWidget):
    """Country × sector risks from the reference data, conflict minerals, gender questions, NCP."""

    def __init__(self, dialog: CheckDialog) -> None:
        super().__init__()
        self.dialog = dialog
        self.errors = FieldErrors()
        self.table = named(QTextBrowser(), "riskTable")
        self.table.setAccessibleName(_("Risks for this sector and country"))
        self.table.setMinimumHeight(220)
        minerals_box = QGroupBox(_("Conflict minerals (EU Regulation 2017/821)"))
        minerals = QFormLayout(minerals_box)
        self.handles = _tristate_combo("conflictMinerals", _("Yes"), _("No"))
        self.mineral_boxes = {m: named(QCheckBox(_(MINERAL_LABELS[m])), f"mineral_{m}") for m in MINERALS}
        row = QHBoxLayout()
        for box in self.mineral_boxes.values():
            row.addWidget(box)
        self.cahra = _tristate_combo("cahra", _("Yes, or not excluded"), _("No, shown not to be"))
        minerals.addRow(_("Does the company handle tin, tantalum, tungsten or gold?"), self.handles)
        minerals.addRow(_("Which"), row)
        minerals.addRow(_("From conflict-affected or high-risk areas?"), self.cahra)
        gender_box = QGroupBox(_("Gender-responsive due diligence"))
        gender = QFormLayout(gender_box)
        self.gender: dict[str, QComboBox] = {}
        for key, question in GENDER_QUESTIONS.items():
            self.gender[key] = _answer_combo(f"gender_{key}")
            label = QLabel(_(question))
            label.setWordWrap(True)
            gender.addRow(label, self.gender[key])
        form = QFormLayout()
        self.ncp = named(NotesEdit(_("Complaints at the NCP")), "ncpComplaints")
        self.ncp.setPlaceholderText(_("Known complaints about this company at the National Contact Point"))
        self.ncp.setMaximumHeight(100)
        self.errors.add_row(form, "ncp_complaints", _("Complaints at the NCP"), self.ncp)
        self.errors.add_row(form, "minerals", _("Minerals"), minerals_box)
        self.errors.add_row(form, "gender_answers", _("Gender"), gender_box)
        self.save = named(QPushButton(_("&Save answers")), "saveRisks")
        self.save.clicked.connect(self.store_answers)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.addWidget(self.table)
        inner_layout.addLayout(form)
        layout = QVBoxLayout(self)
        layout.addWidget(_scrolled(inner))
        layout.addWidget(self.save, alignment=Qt.AlignmentFlag.AlignRight)

    def fill(self, view: CheckView) -> None:
        check = view.check
        self.table.setHtml(risks_html(view))
        _set_tristate(self.handles, check.conflict_minerals)
        for mineral, box in self.mineral_boxes.items():
            box.setChecked(mineral in check.minerals)
        _set_tristate(self.cahra, check.minerals_from_cahra)
        for key, combo in self.gender.items():
            combo.setCurrentIndex(combo.findData(check.gender_answers.get(key, StepAnswer.UNKNOWN.value)))
        self.ncp.setPlainText(check.ncp_complaints)
        for widget in (self.handles, self.cahra, self.ncp, self.save, *self.mineral_boxes.values(),
                       *self.gender.values()):
            widget.setEnabled(not check.locked)

    def store_answers(self) -> None:
        from postapp.conditions import checks

        check = self.dialog.current().check
        answers = CheckAnswers(
            oecd_declared=check.oecd_declared, conflict_minerals=_tristate(self.handles),
            minerals_from_cahra=_tristate(self.cahra),
            minerals=[m for m, box in self.mineral_boxes.items() if box.isChecked()],
            gender_answers={k: str(c.currentData()) for k, c in self.gender.items()
                            if c.currentData() != StepAnswer.UNKNOWN.value},
            ncp_complaints=self.ncp.toPlainText())
        self.dialog.run(lambda s: checks.record_answers(s, check.id, answers, self.dialog.actor), self.errors)


class SanctionsPage(QWidget):
    """Screening against the imported sanctions lists, and a verdict with a reason per candidate."""

    def __init__(self, dialog: CheckDialog) -> None:
        super().__init__()
        self.dialog = dialog
        self.errors = FieldErrors()
        self.status = named(QLabel(), "listStatus")
        self.status.setWordWrap(True)
        self.screen_button = named(QPushButton(_("S&creen the company now")), "screen")
        self.screen_button.clicked.connect(self.screen_company)
        self.table = named(QTableWidget(0, 6), "hits")
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move in it
        self.table.setAccessibleName(_("Candidate matches on sanctions lists"))
        self.table.setHorizontalHeaderLabels([_("Name on the list"), _("Score"), _("Type"), _("Countries"),
                                              _("Programme"), _("Verdict")])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.verdict = named(QComboBox(), "verdict")
        for verdict in (Verdict.TRUE_MATCH, Verdict.FALSE_MATCH):
            self.verdict.addItem(_(verdict.label), verdict.value)
        self.reason = named(QLineEdit(), "verdictReason")
        self.record = named(QPushButton(_("&Record verdict")), "recordVerdict")
        self.record.clicked.connect(self.record_verdict)
        form = QFormLayout()
        self.errors.add_row(form, "verdict", _("Verdict"), self.verdict)
        self.errors.add_row(form, "reason", _("Reason"), self.reason)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.screen_button)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addWidget(self.record, alignment=Qt.AlignmentFlag.AlignRight)

    def fill(self, view: CheckView) -> None:
        check = view.check
        if not view.list_available:
            self.status.setText(_("No sanctions list has been imported yet (postapp sanctions import FILE)."))
        elif check.screened_at is None:
            self.status.setText(_("Not yet screened."))
        else:
            found = len(check.hits)
            self.status.setText(ngettext("Screened; {count} candidate match found.",
                                         "Screened; {count} candidate matches found.", found).format(
                                             count=format_number(found)))
        self.table.setRowCount(len(check.hits))
        self.hit_ids = [h.id for h in check.hits]
        for row, hit in enumerate(check.hits):
            listed = f"{hit.primary_name}" + (f" ({hit.matched_name})" if hit.matched_name != hit.primary_name else "")
            source = _(SOURCE_LABELS.get(hit.list_source, hit.list_source)) + (
                f", {format_date(hit.list_published)}" if hit.list_published else "")
            values = (listed, format_number(round(hit.score, 1)), _(SCHEMA_LABELS.get(hit.schema, hit.schema)),
                      hit.countries,
                      f"{hit.programme} [{source}]", _(hit.verdict.label) + (f": {hit.reason}" if hit.reason else ""))
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        for widget in (self.verdict, self.reason, self.record):
            widget.setEnabled(not check.locked)
        self.screen_button.setEnabled(not check.locked and view.list_available)

    def screen_company(self) -> None:
        from postapp.conditions import checks
        from postapp.conditions.screening_link import screen_company

        check = self.dialog.current().check
        name = check.organisation.name
        self.dialog.run(lambda s: checks.record_screening(s, check.id, screen_company(s, name), self.dialog.actor),
                        self.errors)

    def record_verdict(self) -> None:
        from postapp.conditions import checks

        row = self.table.currentRow()
        if not 0 <= row < len(self.hit_ids):
            self.errors.show_message("verdict", _("Select a candidate in the list first."))
            return
        hit_id, verdict, reason = self.hit_ids[row], str(self.verdict.currentData()), self.reason.text()
        if self.dialog.run(lambda s: checks.assess_hit(s, hit_id, verdict, reason, self.dialog.actor), self.errors):
            self.reason.clear()
