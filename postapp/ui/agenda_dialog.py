"""One entry of the agenda-setting log: what was raised with whom, the post's position, the outcome and
the next step; the core checks it, the dialog shows where it refused."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from postapp.domain import AgendaTopic, Counterpart
from postapp.errors import ValidationError
from postapp.i18n import _
from postapp.services import agenda
from postapp.services.agenda import AgendaData
from postapp.ui.case_dialog import date_edit, date_text
from postapp.ui.forms import FieldErrors, NotesEdit, attempt
from postapp.ui.messages import guarded
from postapp.ui.naming import named
from postapp.ui.organisation_picker import OrganisationPicker

if TYPE_CHECKING:
    from postapp.store import Store


class AgendaDialog(QDialog):
    saved = Signal(object)  # the entry's id
    deleted = Signal(object)

    def __init__(self, store: Store, post_code: str = "", entry_id: uuid.UUID | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.post_code, self.entry_id = store, post_code, entry_id
        self.activity_id: uuid.UUID | None = None  # linked elsewhere; kept as it is
        self.setObjectName("agendaDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(_("New agenda entry") if entry_id is None else _("Agenda entry"))
        self.resize(600, 640)
        self.errors = FieldErrors()
        form = QFormLayout()
        self.date = date_edit("agendaDate")
        self.date.setText(dt.date.today().isoformat())
        self.topic = named(QComboBox(), "agendaTopic")
        for topic in AgendaTopic:
            self.topic.addItem(_(topic.label), topic.value)
        self.topic_detail = named(QLineEdit(), "agendaTopicDetail")
        self.topic_detail.setPlaceholderText(_("required for another topic; a refinement otherwise"))
        self.counterpart = named(QComboBox(), "agendaCounterpart")
        for counterpart in Counterpart:
            self.counterpart.addItem(_(counterpart.label), counterpart.value)
        self.organisation = named(OrganisationPicker(), "agendaOrganisation")
        self.organisation.store = store
        self.position = named(NotesEdit(_("Position of the post")), "agendaPosition")
        self.outcome = named(NotesEdit(_("Outcome")), "agendaOutcome")
        self.next_step = named(NotesEdit(_("Next step")), "agendaNextStep")
        self.next_step.setMaximumHeight(70)
        self.next_step_due = date_edit("agendaNextStepDue")
        self.next_step_done = named(QCheckBox(_("Next step do&ne")), "agendaNextStepDone")
        for field, label, widget in (
                ("date", _("&Date"), self.date), ("topic", _("&Topic"), self.topic),
                ("topic_detail", _("Topic deta&il"), self.topic_detail),
                ("counterpart", _("&With"), self.counterpart), ("organisation", _("O&rganisation"), self.organisation),
                ("position", _("&Position of the post"), self.position), ("outcome", _("O&utcome"), self.outcome),
                ("next_step", _("Ne&xt step"), self.next_step),
                ("next_step_due", _("Next step du&e"), self.next_step_due)):
            self.errors.add_row(form, field, label, widget)
        form.addRow("", self.next_step_done)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.delete_button = named(self.buttons.addButton(_("De&lete…"), QDialogButtonBox.ButtonRole.DestructiveRole),
                                   "deleteAgendaEntry")
        self.delete_button.setVisible(entry_id is not None)
        self.delete_button.clicked.connect(self.confirm_delete)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        if entry_id is not None:
            self.load(entry_id)

    def load(self, entry_id: uuid.UUID) -> None:
        def read() -> tuple[AgendaData, str]:
            with self.store.read() as session:
                return agenda.entry_data(agenda.get_entry(session, entry_id)), agenda.organisation_name(
                    session, entry_id)

        loaded = guarded(self, read)
        if loaded is None:
            return
        data, org_name = loaded
        self.date.setText(date_text(data.date))
        self.topic.setCurrentIndex(max(self.topic.findData(str(data.topic)), 0))
        self.topic_detail.setText(data.topic_detail)
        self.counterpart.setCurrentIndex(max(self.counterpart.findData(str(data.counterpart)), 0))
        self.organisation.set_organisation(data.organisation_id, org_name)
        self.position.setPlainText(data.position)
        self.outcome.setPlainText(data.outcome)
        self.next_step.setPlainText(data.next_step)
        self.next_step_due.setText(date_text(data.next_step_due))
        self.next_step_done.setChecked(data.next_step_done)
        self.activity_id = data.activity_id

    def collect(self) -> AgendaData:
        org_id, valid = self.organisation.chosen()
        if not valid:
            raise ValidationError({"organisation": _("Choose the organisation from the suggestions, or leave it "
                                                     "empty.")})
        return AgendaData(
            date=self.date.text(), topic=str(self.topic.currentData()), topic_detail=self.topic_detail.text(),
            counterpart=str(self.counterpart.currentData()), organisation_id=org_id, activity_id=self.activity_id,
            position=self.position.toPlainText(), outcome=self.outcome.toPlainText(),
            next_step=self.next_step.toPlainText(), next_step_due=self.next_step_due.text(),
            next_step_done=self.next_step_done.isChecked(),
        )

    def save(self) -> None:
        entry_id = self.entry_id

        def write() -> uuid.UUID:
            data = self.collect()
            with self.store.session() as session:
                if entry_id is None:
                    return agenda.create_entry(session, data, self.post_code).id
                return agenda.update_entry(session, entry_id, data).id

        saved_id = attempt(self, self.errors, write)
        if saved_id is not None:
            self.entry_id = saved_id
            self.saved.emit(saved_id)
            self.accept()

    def confirm_delete(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, _("Delete"), _("Delete this agenda entry?"),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("confirmDelete")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda result: self.delete_now() if result == QMessageBox.StandardButton.Yes else None)
        box.open()

    def delete_now(self) -> None:
        entry_id = self.entry_id
        if entry_id is None:
            return

        def remove() -> bool:
            with self.store.session() as session:
                agenda.delete_entry(session, entry_id)
            return True

        if guarded(self, remove):
            self.deleted.emit(entry_id)
            self.accept()
