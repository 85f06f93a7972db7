"""The person detail form."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit
from sqlalchemy.orm import Session

from postapp.domain import Gender, LawfulBasis
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
        self.gender = named(QComboBox(), "gender")
        for gender in Gender:
            self.gender.addItem(_(gender.label), gender.value)
        self.lawful_basis = named(QComboBox(), "lawfulBasis")
        for basis in LawfulBasis:
            self.lawful_basis.addItem(_(basis.label), basis.value)
        self.lawful_basis.setToolTip(_("The GDPR ground on which the post keeps this person's data"))
        # A line edit, as for other dates (activity_dialog): it can stay empty; ISO or the locale's form.
        self.consent_date = named(QLineEdit(), "consentDate")
        self.consent_date.setPlaceholderText("2026-03-01")
        self.consent_date.setToolTip(_("The date the person gave consent; required when consent is the lawful basis"))
        for field, label, widget in (
            ("name", _("Name"), self.name), ("email", _("E-mail"), self.email), ("phone", _("Phone"), self.phone),
            ("organisation", _("Organisation"), self.organisation), ("role", _("Role"), self.role),
            ("gender", _("Gender"), self.gender), ("tags", _("Tags"), self.tags),
            ("lawful_basis", _("Lawful basis"), self.lawful_basis),
            ("consent_date", _("Consent date"), self.consent_date),
            ("notes", _("Notes"), self.notes),
        ):
            self.errors.add_row(self.form, field, label, widget)
        self.form.addRow("", self.sensitive)

    def attach_store(self, store: Store | None, post_code: str) -> None:
        self.organisation.store = store
        super().attach_store(store, post_code)

    def clear_fields(self) -> None:
        for edit in (self.name, self.email, self.phone, self.role, self.tags, self.consent_date):
            edit.clear()
        self.gender.setCurrentIndex(0)
        self.lawful_basis.setCurrentIndex(0)
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
        self.gender.setCurrentIndex(max(0, self.gender.findData(str(data.gender))))
        self.lawful_basis.setCurrentIndex(max(0, self.lawful_basis.findData(str(data.lawful_basis))))
        consent = data.consent_date
        self.consent_date.setText(consent.isoformat() if isinstance(consent, dt.date) else consent or "")

    def collect(self) -> PersonData:
        org_id, valid = self.organisation.chosen()
        if not valid:
            message = _("Choose the organisation from the suggestions, or leave it empty.")
            raise ValidationError({"organisation": message})
        return PersonData(
            name=self.name.text(), email=self.email.text(), phone=self.phone.text(), role=self.role.text(),
            organisation_id=org_id, notes=self.notes.toPlainText(),
            sensitive=self.sensitive.isChecked(), tags=split_list(self.tags.text()),
            gender=self.gender.currentData(), lawful_basis=self.lawful_basis.currentData(),
            consent_date=self.consent_date.text(),
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
