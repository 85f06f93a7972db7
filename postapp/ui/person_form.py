"""The person detail form."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QCheckBox, QLineEdit
from sqlalchemy.orm import Session

from postapp.errors import ValidationError
from postapp.i18n import _
from postapp.services import contacts
from postapp.services.contacts import PersonData
from postapp.services.validation import split_list
from postapp.ui.forms import NotesEdit
from postapp.ui.naming import named
from postapp.ui.organisation_picker import OrganisationPicker
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
        self.organisation = named(OrganisationPicker(), "organisation")
        self.role = named(QLineEdit(), "role")
        self.tags = named(QLineEdit(), "tags")
        self.tags.setPlaceholderText(_("separate tags with commas"))
        self.sensitive = named(QCheckBox(_("Sensitive contact")), "sensitive")
        self.sensitive.setToolTip(_("Sensitive contact (e.g. human rights defender): never shared"))
        self.sensitive.setAccessibleDescription(self.sensitive.toolTip())
        self.notes = named(NotesEdit(_("Notes")), "notes")
        for field, label, widget in (
            ("name", _("Name"), self.name), ("email", _("E-mail"), self.email), ("phone", _("Phone"), self.phone),
            ("organisation", _("Organisation"), self.organisation), ("role", _("Role"), self.role),
            ("tags", _("Tags"), self.tags), ("notes", _("Notes"), self.notes),
        ):
            self.errors.add_row(self.form, field, label, widget)
        self.form.addRow("", self.sensitive)

    def attach_store(self, store: Store | None, post_code: str) -> None:
        self.organisation.store = store
        super().attach_store(store, post_code)

    def clear_fields(self) -> None:
        for edit in (self.name, self.email, self.phone, self.role, self.tags):
            edit.clear()
        self.notes.clear()
        self.sensitive.setChecked(False)
        self.organisation.set_organisation(None, "")

    def fill_fields(self, record: tuple[PersonData, str]) -> None:
        data, organisation_name = record
        self.name.setText(data.name)
        self.email.setText(data.email)
        self.phone.setText(data.phone)
        self.role.setText(data.role)
        self.tags.setText(", ".join(data.tags))
        self.notes.setPlainText(data.notes)
        self.sensitive.setChecked(data.sensitive)
        self.organisation.set_organisation(data.organisation_id, organisation_name)

    def collect(self) -> PersonData:
        org_id, valid = self.organisation.chosen()
        if not valid:
            message = _("Choose the organisation from the suggestions, or leave it empty.")
            raise ValidationError({"organisation": message})
        return PersonData(
            name=self.name.text(), email=self.email.text(), phone=self.phone.text(), role=self.role.text(),
            organisation_id=org_id, notes=self.notes.toPlainText(),
            sensitive=self.sensitive.isChecked(), tags=split_list(self.tags.text()),
        )

    def read_record(self, session: Session, record_id: uuid.UUID) -> tuple[PersonData, str]:
        person = contacts.get_person(session, record_id)
        return contacts.person_data(person), person.organisation.name if person.organisation else ""

    def create_record(self, session: Session, data: PersonData) -> uuid.UUID:
        return contacts.create_person(session, data, self.post_code).id

    def update_record(self, session: Session, record_id: uuid.UUID, data: PersonData) -> uuid.UUID:
        return contacts.update_person(session, record_id, data).id

    def remove_record(self, session: Session, record_id: uuid.UUID) -> None:
        contacts.delete_person(session, record_id)

    def delete_question(self) -> str:
        return _("Delete {name}? The person disappears from lists and search.").format(name=self.name.text())
