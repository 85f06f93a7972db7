"""One support case: the company, the question, status and referral, dates, the persons involved, and
the IMVO condition check the case may lead to. The core decides what may be stored; the dialog shows
where it refused."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from postapp.conditions.models import SupportKind
from postapp.domain import CaseStatus, ReferralTarget
from postapp.errors import ValidationError
from postapp.i18n import _
from postapp.services import cases
from postapp.services.cases import CaseData
from postapp.ui.forms import FieldErrors, NotesEdit, attempt
from postapp.ui.messages import guarded
from postapp.ui.naming import named
from postapp.ui.organisation_picker import OrganisationPicker

if TYPE_CHECKING:
    from postapp.store import Store
    from postapp.ui.settings import Preferences

ID_ROLE = Qt.ItemDataRole.UserRole


def date_edit(name: str) -> QLineEdit:
    """A date typed as ISO (2026-11-24) or in the locale's short form; empty for no date."""
    edit = named(QLineEdit(), name)
    edit.setPlaceholderText(_("2026-11-24, or empty for no date"))
    edit.setClearButtonEnabled(True)
    return edit


def date_text(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value or "")


class PersonLinks(QWidget):
    """Linked persons: search by name, e-mail or organisation, add the one meant, remove with a click."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store: Store | None = None
        self.search = named(QLineEdit(), "personSearch")
        self.search.setPlaceholderText(_("type part of a name, then Link"))
        self.search.setAccessibleName(_("Search persons to link"))
        self.search.textEdited.connect(self._suggest)
        self.search.returnPressed.connect(self.add_selected)
        self.results = named(QListWidget(), "personResults")
        self.results.setAccessibleName(_("Persons found"))
        self.results.setMaximumHeight(90)
        self.results.hide()  # shown while there are persons found
        self.results.itemActivated.connect(lambda _item: self.add_selected())
        self.linked = named(QListWidget(), "casePersons")
        self.linked.setAccessibleName(_("Linked persons"))
        self.linked.setMaximumHeight(90)
        self.add_button = named(QPushButton(_("Lin&k")), "addPerson")
        self.add_button.clicked.connect(self.add_selected)
        self.remove_button = named(QPushButton(_("Re&move")), "removePerson")
        self.remove_button.clicked.connect(self.remove_selected)
        row = QHBoxLayout()
        row.addWidget(self.search, 1)
        row.addWidget(self.add_button)
        linked_row = QHBoxLayout()
        linked_row.addWidget(self.linked, 1)
        linked_row.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.results)
        layout.addLayout(linked_row)

    def set_persons(self, persons: list[tuple[uuid.UUID, str]]) -> None:
        self.linked.clear()
        for person_id, name in persons:
            self._append(self.linked, person_id, name)

    def person_ids(self) -> list[uuid.UUID]:
        return [uuid.UUID(self.linked.item(i).data(ID_ROLE)) for i in range(self.linked.count())]

    def _append(self, target: QListWidget, person_id: uuid.UUID, label: str) -> None:
        item = QListWidgetItem(label)
        item.setData(ID_ROLE, person_id.hex)
        target.addItem(item)

    def _suggest(self, text: str) -> None:
        store = self.store
        self.results.clear()
        self.results.hide()
        if store is None or not text.strip():
            return

        def fetch() -> None:
            with store.read() as session:
                found = cases.person_choices(session, text)
            for person_id, label in found:
                self._append(self.results, person_id, label)
            if self.results.count():
                self.results.setCurrentRow(0)
                self.results.show()

        guarded(self, fetch)

    def add_selected(self) -> None:
        item = self.results.currentItem()
        if item is None:
            return
        if item.data(ID_ROLE) not in {self.linked.item(i).data(ID_ROLE) for i in range(self.linked.count())}:
            self._append(self.linked, uuid.UUID(item.data(ID_ROLE)), item.text())
        self.search.clear()
        self.results.clear()
        self.results.hide()

    def remove_selected(self) -> None:
        row = self.linked.currentRow()
        if row >= 0:
            self.linked.takeItem(row)


class CaseDialog(QDialog):
    saved = Signal(object)  # the case's id
    deleted = Signal(object)

    def __init__(self, store: Store, prefs: Preferences, post_code: str = "", case_id: uuid.UUID | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.prefs, self.post_code, self.case_id = store, prefs, post_code, case_id
        self.check_id: uuid.UUID | None = None
        self.activity_ids: list[uuid.UUID] = []  # linked elsewhere; kept as they are
        self.setObjectName("caseDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(640, 720)
        self.errors = FieldErrors()
        form = QFormLayout()
        self.title_edit = named(QLineEdit(), "caseTitle")
        self.company = named(OrganisationPicker(), "caseCompany")
        self.company.store = store
        self.status = named(QComboBox(), "caseStatus")
        for status in CaseStatus:
            self.status.addItem(_(status.label), status.value)
        self.referral = named(QComboBox(), "caseReferral")
        for target in ReferralTarget:
            self.referral.addItem(_(target.label), target.value)
        self.opened_on = date_edit("caseOpenedOn")
        self.opened_on.setText(dt.date.today().isoformat())
        self.due_on = date_edit("caseDueOn")
        self.closed_on = date_edit("caseClosedOn")
        self.question = named(NotesEdit(_("Question")), "caseQuestion")
        self.question.setPlaceholderText(_("What the company asked, in its own words"))
        self.notes = named(NotesEdit(_("Notes")), "caseNotes")
        self.persons = named(PersonLinks(), "personLinks")
        self.persons.store = store
        for field, label, widget in (
                ("title", _("&Title"), self.title_edit), ("organisation", _("Com&pany"), self.company),
                ("status", _("St&atus"), self.status), ("referral", _("&Referred to"), self.referral),
                ("opened_on", _("&Opened on"), self.opened_on), ("due_on", _("D&ue date"), self.due_on),
                ("closed_on", _("C&losed on"), self.closed_on), ("question", _("&Question"), self.question),
                ("notes", _("&Notes"), self.notes), ("persons", _("Linked p&ersons"), self.persons)):
            self.errors.add_row(form, field, label, widget)
        self.activities = named(QListWidget(), "caseActivities")
        self.activities.setMaximumHeight(60)
        self.errors.add_row(form, "activities", _("Linked activities"), self.activities)

        self.support_kind = named(QComboBox(), "supportKind")
        self.support_kind.setAccessibleName(_("Kind of support the company asks for"))
        for kind in SupportKind:
            self.support_kind.addItem(_(kind.label), kind.value)
        self.check_button = named(QPushButton(_("Start &IMVO condition check")), "startCheck")
        self.check_button.setToolTip(_("Saves the case, then starts (or opens) its IMVO condition check"))
        self.check_button.clicked.connect(self.open_check)
        check_row = QHBoxLayout()
        check_row.addWidget(self.support_kind, 1)
        check_row.addWidget(self.check_button)
        form.addRow(_("IMVO condition check"), check_row)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.delete_button = named(self.buttons.addButton(_("&Delete…"), QDialogButtonBox.ButtonRole.DestructiveRole),
                                   "deleteCase")
        self.delete_button.clicked.connect(self.confirm_delete)
        self.buttons.accepted.connect(self.save_and_close)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.load()

    def load(self) -> None:
        self.setWindowTitle(_("New support case") if self.case_id is None else _("Support case"))
        self.delete_button.setVisible(self.case_id is not None)
        case_id = self.case_id
        if case_id is None:
            self._show_check_state()
            return

        def read() -> cases.CaseView:
            with self.store.read() as session:
                return cases.case_view(session, case_id)

        view = guarded(self, read)
        if view is None:
            return
        data = view.data
        self.title_edit.setText(data.title)
        self.company.set_organisation(data.organisation_id, view.company)
        self.status.setCurrentIndex(max(self.status.findData(str(data.status)), 0))
        self.referral.setCurrentIndex(max(self.referral.findData(str(data.referral)), 0))
        self.opened_on.setText(date_text(data.opened_on))
        self.due_on.setText(date_text(data.due_on))
        self.closed_on.setText(date_text(data.closed_on))
        self.question.setPlainText(data.question)
        self.notes.setPlainText(data.notes)
        self.persons.set_persons(view.persons)
        self.activity_ids = list(data.activity_ids)
        self.activities.clear()
        self.activities.addItems([title for _id, title in view.activities])
        self.check_id = view.condition_check_id
        self._show_check_state()

    def _show_check_state(self) -> None:
        has_check = self.check_id is not None
        self.check_button.setText(_("Open &IMVO condition check") if has_check else _("Start &IMVO condition check"))
        self.support_kind.setEnabled(not has_check)

    def collect(self) -> CaseData:
        org_id, valid = self.company.chosen()
        if not valid:
            raise ValidationError({"organisation": _("Choose the company from the suggestions, or leave it empty.")})
        return CaseData(
            title=self.title_edit.text(), organisation_id=org_id, status=str(self.status.currentData()),
            question=self.question.toPlainText(), referral=str(self.referral.currentData()),
            opened_on=self.opened_on.text(), due_on=self.due_on.text(), closed_on=self.closed_on.text(),
            notes=self.notes.toPlainText(), person_ids=self.persons.person_ids(), activity_ids=self.activity_ids,
        )

    def save(self) -> bool:
        """Stores the form; on a refusal the messages show at their fields and nothing is written."""
        case_id = self.case_id

        def write() -> uuid.UUID:
            data = self.collect()
            with self.store.session() as session:
                if case_id is None:
                    return cases.create_case(session, data, self.post_code).id
                return cases.update_case(session, case_id, data).id

        saved_id = attempt(self, self.errors, write)
        if saved_id is None:
            return False
        self.errors.clear()
        self.case_id = saved_id
        self.saved.emit(saved_id)
        self.load()
        return True

    def save_and_close(self) -> None:
        if self.save():
            self.accept()

    def open_check(self) -> None:
        """Saves the case, then opens its condition check, starting one when the case has none."""
        if not self.save() or self.case_id is None:
            return
        case_id = self.case_id

        def start() -> uuid.UUID:
            with self.store.session() as session:
                check, _started = cases.start_condition_check(
                    session, case_id, str(self.support_kind.currentData()), self.prefs.country, self.prefs.user_name)
                return check.id

        check_id = guarded(self, start)
        if check_id is None:
            return
        self.check_id = check_id
        self._show_check_state()
        self.saved.emit(case_id)
        from postapp.ui.check_dialog import CheckDialog

        # Parented to the panel, not to this dialog: the check stays open when the case is closed.
        dialog = CheckDialog(self.store, check_id, self.prefs, self.parentWidget() or self)
        dialog.show()

    def confirm_delete(self) -> None:
        if self.case_id is None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, _("Delete"),
                          _("Delete the support case “{title}”?").format(title=self.title_edit.text()),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("confirmDelete")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda result: self.delete_now() if result == QMessageBox.StandardButton.Yes else None)
        box.open()

    def delete_now(self) -> None:
        case_id = self.case_id
        if case_id is None:
            return

        def remove() -> bool:
            with self.store.session() as session:
                cases.delete_case(session, case_id)
            return True

        if guarded(self, remove):
            self.deleted.emit(case_id)
            self.accept()
