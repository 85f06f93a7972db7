"""What the person and organisation forms share: new, load, save with errors at the field, and
delete after confirmation. Subclasses say which fields there are and which core service to call."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from postapp.i18n import _
from postapp.ui.forms import FieldErrors, attempt
from postapp.ui.messages import guarded

if TYPE_CHECKING:
    from postapp.store import Store


class RecordForm(QWidget):
    saved = Signal(object)  # the record's id
    deleted = Signal(object)

    new_heading = ""
    edit_heading = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store: Store | None = None
        self.post_code = ""
        self.record_id: uuid.UUID | None = None
        self.errors = FieldErrors()
        self.heading = QLabel()
        self.form = QFormLayout()
        self.build_fields()
        self.save_button = QPushButton(_("&Save"))
        self.save_button.setObjectName("save")
        self.save_button.clicked.connect(self.save)
        self.delete_button = QPushButton(_("&Delete…"))
        self.delete_button.setObjectName("delete")
        self.delete_button.clicked.connect(self.confirm_delete)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(self.form)
        layout.addLayout(buttons)
        layout.addStretch()
        self.new()

    # What a subclass provides.
    def build_fields(self) -> None:
        raise NotImplementedError

    def clear_fields(self) -> None:
        raise NotImplementedError

    def fill_fields(self, data: Any) -> None:
        raise NotImplementedError

    def collect(self) -> Any:
        """The form's values for the core; may raise ``ValidationError`` for what only the form knows."""
        raise NotImplementedError

    def read_record(self, session: Session, record_id: uuid.UUID) -> Any:
        raise NotImplementedError

    def create_record(self, session: Session, data: Any) -> uuid.UUID:
        raise NotImplementedError

    def update_record(self, session: Session, record_id: uuid.UUID, data: Any) -> uuid.UUID:
        raise NotImplementedError

    def remove_record(self, session: Session, record_id: uuid.UUID) -> None:
        raise NotImplementedError

    def delete_question(self) -> str:
        raise NotImplementedError

    # The shared flow.
    def attach_store(self, store: Store | None, post_code: str) -> None:
        self.store, self.post_code = store, post_code
        self.new()

    def new(self) -> None:
        self.record_id = None
        self.heading.setText(f"<b>{self.new_heading}</b>")
        self.clear_fields()
        self.errors.clear()
        self.delete_button.setEnabled(False)
        self.save_button.setEnabled(self.store is not None)

    def load(self, record_id: uuid.UUID) -> None:
        store = self.store
        if store is None:
            return

        def read() -> None:
            with store.read() as session:
                data = self.read_record(session, record_id)
            self.record_id = record_id
            self.heading.setText(f"<b>{self.edit_heading}</b>")
            self.fill_fields(data)
            self.errors.clear()
            self.delete_button.setEnabled(True)
            self.save_button.setEnabled(True)

        guarded(self, read)

    def save(self) -> None:
        store = self.store
        if store is None:
            return
        record_id = self.record_id

        def write() -> uuid.UUID:
            data = self.collect()
            with store.session() as session:
                if record_id is None:
                    return self.create_record(session, data)
                return self.update_record(session, record_id, data)

        saved_id = attempt(self, self.errors, write)
        if saved_id is not None:
            self.load(saved_id)
            self.saved.emit(saved_id)

    def confirm_delete(self) -> None:
        if self.record_id is None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, _("Delete"), self.delete_question(),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("confirmDelete")
        box.setTextFormat(Qt.TextFormat.PlainText)  # the question names the record as the user typed it
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(self._confirmed)
        box.open()

    def _confirmed(self, result: int) -> None:
        if result == QMessageBox.StandardButton.Yes:
            self.delete_now()

    def delete_now(self) -> None:
        store, record_id = self.store, self.record_id
        if store is None or record_id is None:
            return

        def remove() -> bool:
            with store.session() as session:
                self.remove_record(session, record_id)
            return True

        if guarded(self, remove):
            self.new()
            self.deleted.emit(record_id)
