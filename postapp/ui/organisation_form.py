"""The organisation detail form, with size in the user's number notation and the 90% target group
shown as the core computes it."""

from __future__ import annotations

import uuid
from decimal import Decimal

from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit
from sqlalchemy.orm import Session

from postapp.domain import OrganisationKind
from postapp.i18n import _, format_number
from postapp.services import contacts
from postapp.services.contacts import OrganisationData
from postapp.services.validation import split_list
from postapp.ui.forms import NotesEdit
from postapp.ui.naming import named
from postapp.ui.record_form import RecordForm


def _number_text(value: int | str | Decimal | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    return format_number(value.normalize() if isinstance(value, Decimal) else value)


class OrganisationForm(RecordForm):
    def build_fields(self) -> None:
        self.setObjectName("organisationForm")
        self.new_heading, self.edit_heading = _("New organisation"), _("Organisation")
        self.name = named(QLineEdit(), "name")
        self.kind = named(QComboBox(), "kind")
        for kind in OrganisationKind:
            self.kind.addItem(_(kind.label), kind.value)
        self.sector = named(QLineEdit(), "sector")
        self.country = named(QLineEdit(), "country")
        self.country.setPlaceholderText(_("two letters, e.g. VN"))
        self.country.setMaxLength(2)
        self.employees = named(QLineEdit(), "employees")
        self.turnover = named(QLineEdit(), "turnover")
        self.turnover.setPlaceholderText(format_number(40_000_000))
        self.assets = named(QLineEdit(), "assets")
        self.dutch = QCheckBox(_("Dutch company or Dutch-affiliated"))
        self.dutch.setObjectName("dutch")
        self.agreements = named(QLineEdit(), "agreements")
        self.agreements.setPlaceholderText(_("IMVO sector agreements (convenanten), separated by commas"))
        self.website = named(QLineEdit(), "website")
        self.notes = named(NotesEdit(_("Notes")), "notes")
        self.target = named(QLabel(), "targetGroup")
        for field, label, widget in (
            ("name", _("Name"), self.name), ("kind", _("Kind"), self.kind), ("sector", _("Sector"), self.sector),
            ("country", _("Country"), self.country), ("employees", _("Employees"), self.employees),
            ("turnover_eur", _("Turnover (EUR)"), self.turnover), ("assets_eur", _("Assets (EUR)"), self.assets),
            ("agreements", _("Convenanten"), self.agreements), ("website", _("Website"), self.website),
            ("notes", _("Notes"), self.notes),
        ):
            self.errors.add_row(self.form, field, label, widget)
        self.form.addRow("", self.dutch)
        self.form.addRow("", self.target)

    def clear_fields(self) -> None:
        for edit in (self.name, self.sector, self.country, self.employees, self.turnover, self.assets,
                     self.agreements, self.website):
            edit.clear()
        self.kind.setCurrentIndex(0)
        self.notes.clear()
        self.dutch.setChecked(False)
        self.target.clear()

    def fill_fields(self, data: tuple[OrganisationData, bool]) -> None:
        org, in_target = data
        self.name.setText(org.name)
        self.kind.setCurrentIndex(max(self.kind.findData(str(org.kind)), 0))
        self.sector.setText(org.sector)
        self.country.setText(org.country)
        self.employees.setText(_number_text(org.employees))
        self.turnover.setText(_number_text(org.turnover_eur))
        self.assets.setText(_number_text(org.assets_eur))
        self.agreements.setText(", ".join(org.agreements))
        self.website.setText(org.website)
        self.notes.setPlainText(org.notes)
        self.dutch.setChecked(org.dutch_affiliated)
        self.target.setText(_("In the 90% target group of large companies (IMVO)") if in_target else "")

    def collect(self) -> OrganisationData:
        return OrganisationData(
            name=self.name.text(), kind=str(self.kind.currentData()), sector=self.sector.text(),
            country=self.country.text(), employees=self.employees.text(), turnover_eur=self.turnover.text(),
            assets_eur=self.assets.text(), dutch_affiliated=self.dutch.isChecked(), website=self.website.text(),
            notes=self.notes.toPlainText(),
            agreements=split_list(self.agreements.text()),
        )

    def read_record(self, session: Session, record_id: uuid.UUID) -> tuple[OrganisationData, bool]:
        org = contacts.get_organisation(session, record_id)
        return contacts.organisation_data(org), org.in_target_group

    def create_record(self, session: Session, data: OrganisationData) -> uuid.UUID:
        return contacts.create_organisation(session, data, self.post_code).id

    def update_record(self, session: Session, record_id: uuid.UUID, data: OrganisationData) -> uuid.UUID:
        return contacts.update_organisation(session, record_id, data).id

    def remove_record(self, session: Session, record_id: uuid.UUID) -> None:
        contacts.delete_organisation(session, record_id)

    def delete_question(self) -> str:
        return _("Delete {name}? Its persons are kept, without an organisation.").format(name=self.name.text())
