"""The person detail form."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QCompleter, QLineEdit
from sqlalchemy.orm import Session

from postapp.i18n import _
from postapp.services import contacts
from postapp.services.contacts import PersonData
from postapp.ui.forms import NotesEdit, named
from postapp.ui.messages import guarded
from postapp.ui.record_form import RecordForm

if TYPE_CHECKING:
    from postapp.store import Store


class PersonForm(RecordForm):
    def build_fields(self) -> None:
        self.setObjectName("personForm")
        self.new_heading, self.edit_heading = _("New person"), _("Person")
        self.name = named(QLineEdit(), "name")
        self.email = named(QLineEdit(), "email")
        self.phone = named(QLineEdit(), "phone")
        self.organisation = named(QComboBox(), "organisation")
        # Typing part of a name filters the (possibly thousands of) organisations.
        self.organisation.setEditable(True)
        self.organisation.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = self.organisation.completer()
        if completer is not None:
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.role = named(QLineEdit(), "role")
        self.tags = named(QLineEdit(), "tags")
        self.tags.setPlaceholderText(_("separate tags with commas"))
        self.sensitive = QCheckBox(_("Sensitive contact (e.g. human rights defender): never shared"))
        self.sensitive.setObjectName("sensitive")
        self.sensitive.setAccessibleName(_("Sensitive contact"))
        self.notes = named(NotesEdit(_("Notes")), "notes")
        for field, label, widget in (
            ("name", _("Name"), self.name), ("email", _("E-mail"), self.email), ("phone", _("Phone"), self.phone),
            ("organisation", _("Organisation"), self.organisation), ("role", _("Role"), self.role),
            ("tags", _("Tags"), self.tags), ("notes", _("Notes"), self.notes),
        ):
            self.errors.add_row(self.form, field, label, widget)
        self.form.addRow("", self.sensitive)

    def attach_store(self, store: Store | None, post_code: str) -> None:
        super().attach_store(store, post_code)
        self.reload_organisations()

    def reload_organisations(self) -> None:
        current = self.organisation.currentData()
        self.organisation.clear()
        self.organisation.addItem(_("(no organisation)"), None)
        store = self.store
        if store is None:
            return

        def load() -> None:
            with store.session() as session:
                for org_id, name in contacts.organisation_choices(session):
                    self.organisation.addItem(name, str(org_id))

        guarded(self, load)
        self._select_organisation(current)

    def _select_organisation(self, org_id: uuid.UUID | str | None) -> None:
        # Ids are kept as text in the combo: Qt cannot compare Python UUID objects in findData.
        index = self.organisation.findData(str(org_id)) if org_id is not None else 0
        self.organisation.setCurrentIndex(max(index, 0))

    def _chosen_organisation(self) -> uuid.UUID | None:
        """The organisation picked; typed text that matches no organisation means none."""
        index = self.organisation.findText(self.organisation.currentText(), Qt.MatchFlag.MatchExactly)
        data = self.organisation.itemData(index) if index >= 0 else None
        return uuid.UUID(data) if data else None

    def clear_fields(self) -> None:
        for edit in (self.name, self.email, self.phone, self.role, self.tags):
            edit.clear()
        self.notes.clear()
        self.sensitive.setChecked(False)
        self.organisation.setCurrentIndex(0)

    def fill_fields(self, data: PersonData) -> None:
        self.name.setText(data.name)
        self.email.setText(data.email)
        self.phone.setText(data.phone)
        self.role.setText(data.role)
        self.tags.setText(", ".join(data.tags))
        self.notes.setPlainText(data.notes)
        self.sensitive.setChecked(data.sensitive)
        self._select_organisation(data.organisation_id)

    def collect(self) -> PersonData:
        return PersonData(
            name=self.name.text(), email=self.email.text(), phone=self.phone.text(), role=self.role.text(),
            organisation_id=self._chosen_organisation(), notes=self.notes.toPlainText(),
            sensitive=self.sensitive.isChecked(), tags=[t for t in self.tags.text().split(",") if t.strip()],
        )

    def read_record(self, session: Session, record_id: uuid.UUID) -> PersonData:
        return contacts.person_data(contacts.get_person(session, record_id))

    def create_record(self, session: Session, data: PersonData) -> uuid.UUID:
        return contacts.create_person(session, data, self.post_code).id

    def update_record(self, session: Session, record_id: uuid.UUID, data: PersonData) -> uuid.UUID:
        return contacts.update_person(session, record_id, data).id

    def remove_record(self, session: Session, record_id: uuid.UUID) -> None:
        contacts.delete_person(session, record_id)

    def delete_question(self) -> str:
        return _("Delete {name}? The person disappears from lists and search.").format(name=self.name.text())
