"""Recording one activity under a core task; the core validates, the dialog shows where it failed."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from postapp.coretasks import CoreTask
from postapp.i18n import _
from postapp.ui.forms import FieldErrors, NotesEdit, attempt

if TYPE_CHECKING:
    from postapp.store import Store


class ActivityDialog(QDialog):
    saved = Signal()

    def __init__(self, store: Store, task: CoreTask, parent: QWidget | None = None, post_code: str = "") -> None:
        super().__init__(parent)
        from postapp.domain import ActivityKind

        self.store, self.task, self.post_code = store, task, post_code
        self.setObjectName("activityDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(_("New activity: {task}").format(task=_(task.label)))
        self.errors = FieldErrors()
        form = QFormLayout()
        self.kind = QComboBox()
        for kind in ActivityKind:
            self.kind.addItem(_(kind.label), kind.value)
        self.title_edit = QLineEdit()
        self.date_edit = QLineEdit(dt.date.today().isoformat())
        self.date_edit.setPlaceholderText("2026-11-24")
        self.notes = NotesEdit(_("Notes"))
        self.outcome = NotesEdit(_("Outcome"))
        self.errors.add_row(form, "kind", _("Kind"), self.kind)
        self.errors.add_row(form, "title", _("Title"), self.title_edit)
        self.errors.add_row(form, "date", _("Date"), self.date_edit)
        self.errors.add_row(form, "notes", _("Notes"), self.notes)
        self.errors.add_row(form, "outcome", _("Outcome"), self.outcome)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def save(self) -> None:
        from postapp.services.activities import ActivityData, create_activity

        data = ActivityData(
            core_task=self.task, kind=str(self.kind.currentData()), title=self.title_edit.text(),
            date=self.date_edit.text(), notes=self.notes.toPlainText(), outcome=self.outcome.toPlainText(),
        )

        def write() -> bool:
            with self.store.session() as session:
                create_activity(session, data, self.post_code)
            return True

        if attempt(self, self.errors, write):
            self.saved.emit()
            self.accept()
