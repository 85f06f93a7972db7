"""Personal data (GDPR) in the window: the retention review, a person's own data, and erasure.

The review lists persons untouched for the chosen number of years (``services.privacy``): the ids
are read once, the rows a page at a time as the list scrolls. "Export person's data…" and "Erase…"
act on the person selected in the list, or else on the contact that was selected when the dialog
opened. Exporting a sensitive person asks first; erasing always asks, naming the person, and wants
a reason (kept in the erasure log, so without the name).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from postapp.domain import Person
from postapp.errors import ValidationError
from postapp.i18n import _, format_date, format_number, ngettext
from postapp.services import contacts, privacy
from postapp.ui.forms import FieldErrors
from postapp.ui.lazy_model import LazyTableModel, configure_table
from postapp.ui.messages import guarded, show_error, user_message
from postapp.ui.naming import named

if TYPE_CHECKING:
    from postapp.store import Store


class EraseConfirmation(QDialog):
    """Names the person and asks why; the reason must not name them (the core checks). "Erase" emits
    ``confirmed``; the box stays open until the erasure succeeded, to show a refused reason at its field."""

    confirmed = Signal()

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("confirmErase")
        self.setWindowTitle(_("Erase personal data"))
        question = QLabel(_("Erase all personal data of {name}? The name, contact details, notes and tags are "
                            "removed and the person is taken off activities, events and cases. This cannot be "
                            "undone.").format(name=name))
        question.setTextFormat(Qt.TextFormat.PlainText)
        question.setWordWrap(True)
        self.reason = named(QLineEdit(), "erasureReason")
        self.reason.setPlaceholderText(_("e.g. request by e-mail of 3 March"))
        self.errors = FieldErrors()
        form = QFormLayout()
        self.errors.add_row(form, "reason", _("Reason (kept in the log, without the name)"), self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.erase_button = named(QPushButton(_("&Erase")), "confirmErasure")
        buttons.addButton(self.erase_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.erase_button.clicked.connect(self.confirmed)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(question)
        layout.addLayout(form)
        layout.addWidget(buttons)


class PrivacyDialog(QDialog):
    changed = Signal()  # after an erasure

    def __init__(self, store: Store, *, years: int = privacy.DEFAULT_RETENTION_YEARS, erased_by: str = "",
                 person_id: uuid.UUID | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("privacyDialog")
        self.setWindowTitle(_("Personal data (GDPR)"))
        self.resize(860, 560)
        self.store, self.erased_by, self.contact_id = store, erased_by, person_id
        self._ids: list[uuid.UUID] = []
        self.years = named(QSpinBox(), "retentionYears")
        self.years.setRange(1, privacy.MAX_RETENTION_YEARS)
        self.years.setValue(years)
        self.years.setSuffix(" " + _("years"))
        self.years.setAccessibleName(_("Untouched for at least"))
        self.years.valueChanged.connect(lambda _v: self.refresh())
        self.count = named(QLabel(), "privacyCount")
        self.model = LazyTableModel(
            [_("Name"), _("Organisation"), _("E-mail"), _("Last touched")],
            [lambda r: r[1], lambda r: r[2], lambda r: r[3], lambda r: format_date(r[4])], self)
        self.model.failed.connect(lambda message: show_error(self, message))
        self.table = named(QTableView(), "retentionReview")
        self.table.setAccessibleName(_("Persons due for review"))
        self.table.setModel(self.model)
        configure_table(self.table, stretch_column=2)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_subject())
        self.subject = named(QLabel(), "privacySubject")
        self.subject.setTextFormat(Qt.TextFormat.PlainText)
        self.export_button = named(QPushButton(_("E&xport person's data…")), "exportPerson")
        self.export_button.setToolTip(_("Everything held on this person, as a file to give them (.json or .txt)"))
        self.export_button.clicked.connect(self.export_person)
        self.erase_button = named(QPushButton(_("&Erase…")), "erasePerson")
        self.erase_button.setToolTip(_("Remove this person's personal data; an audit entry without it is kept"))
        self.erase_button.clicked.connect(self.confirm_erase)
        close = named(QPushButton(_("Close")), "closePrivacy")
        close.clicked.connect(self.reject)

        top = QHBoxLayout()
        label = QLabel(_("Untouched for at least"))
        label.setBuddy(self.years)
        top.addWidget(label)
        top.addWidget(self.years)
        top.addWidget(self.count, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.subject, 1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.erase_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.refresh()

    # --- the review list --------------------------------------------------------------------------

    def refresh(self) -> None:
        store, years = self.store, self.years.value()

        def load() -> None:
            with store.read() as session:
                self._ids = privacy.due_persons(session, years)
            ids = self._ids

            def fetch(offset: int, limit: int) -> list[Any]:
                with store.read() as session:
                    return list(privacy.review_rows(session, ids[offset:offset + limit]))

            self.model.set_source(fetch)
            self.count.setText(ngettext("{n} person untouched for {years} years or more",
                                        "{n} persons untouched for {years} years or more", len(ids)).format(
                n=format_number(len(ids)), years=years))

        guarded(self, load)
        self._update_subject()

    def selected_person(self) -> uuid.UUID | None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            found: uuid.UUID | None = self.model.row_id(rows[0].row())
            return found
        return self.contact_id

    def _subject(self) -> tuple[uuid.UUID, str, bool] | None:
        person_id = self.selected_person()
        if person_id is None:
            return None
        store = self.store

        def read() -> tuple[uuid.UUID, str, bool]:
            with store.read() as session:
                person = contacts.get_person(session, person_id)
                return person.id, person.name, person.sensitive

        return guarded(self, read)

    def _update_subject(self) -> None:
        person_id = self.selected_person()
        name = ""
        if person_id is not None:
            with self.store.read() as session:
                person = session.get(Person, person_id)
                name = person.name if person is not None and not person.is_deleted else ""
        if not name:
            self.contact_id = None if self.contact_id == person_id else self.contact_id
        self.subject.setText(_("Person: {name}").format(name=name) if name else _("Select a person in the list."))
        self.export_button.setEnabled(bool(name))
        self.erase_button.setEnabled(bool(name))

    # --- export -----------------------------------------------------------------------------------

    def export_person(self) -> None:
        subject = self._subject()
        if subject is None:
            return
        person_id, name, sensitive = subject
        if not sensitive:
            self._choose_file(person_id, name)
            return
        box = QMessageBox(QMessageBox.Icon.Warning, _("Sensitive contact"),
                          _("{name} is marked sensitive. The export is their right, but the file holds data that "
                            "could put them at risk: give it only to them and keep no copy. Export?").format(name=name),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("confirmSensitiveExport")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda result: self._choose_file(person_id, name)
                             if result == QMessageBox.StandardButton.Yes else None)
        box.open()

    def _choose_file(self, person_id: uuid.UUID, name: str) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Export person's data"), f"{name}.json", _("JSON (*.json);;Text (*.txt)"))
        if path:
            self.export_to(person_id, Path(path))

    def export_to(self, person_id: uuid.UUID, path: Path) -> Path | None:
        store = self.store

        def write() -> Path:
            with store.read() as session:
                data = privacy.export_person(session, person_id)
            return privacy.write_export(data, path)

        written = guarded(self, write)
        if written is not None:
            self.subject.setText(_("Written to {path}").format(path=written))
        return written

    # --- erasure ----------------------------------------------------------------------------------

    def confirm_erase(self) -> EraseConfirmation | None:
        subject = self._subject()
        if subject is None:
            return None
        person_id, name, _sensitive = subject
        dialog = EraseConfirmation(name, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.confirmed.connect(lambda: self.erase_now(person_id, dialog))
        dialog.open()
        return dialog

    def erase_now(self, person_id: uuid.UUID, confirmation: EraseConfirmation) -> privacy.ErasureResult | None:
        store = self.store
        try:
            with store.session() as session:
                result = privacy.erase_person(session, person_id, reason=confirmation.reason.text(),
                                              erased_by=self.erased_by)
            privacy.fold_log(store)
        except ValidationError as exc:
            for message in confirmation.errors.show(exc):
                show_error(confirmation, message)
            return None
        except Exception as exc:
            show_error(confirmation, user_message(exc, _("Something went wrong ({kind}). Nothing was erased.")))
            return None
        confirmation.accept()
        if self.contact_id == person_id:
            self.contact_id = None
        self.refresh()
        self.subject.setText(result.summary())
        self.changed.emit()
        return result
