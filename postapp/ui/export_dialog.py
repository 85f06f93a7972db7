"""Contacts → Export…: persons to a CSV file for Excel or a vCard 4.0 file for Outlook and phones.

Sensitive persons are left out unless the user ticks the box, which asks once more: an export is a
file that can travel, and the people flagged sensitive (human rights defenders, trade unionists at
risk) must not travel with it by accident.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from postapp.contacts_io.export import ExportFormat, ExportResult, export_contacts
from postapp.errors import PostAppError
from postapp.i18n import _, format_number
from postapp.ui.messages import guarded
from postapp.ui.naming import named

if TYPE_CHECKING:
    from postapp.store import Store


class ExportDialog(QDialog):
    exported = Signal(object)  # the ExportResult

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle(_("Export contacts"))
        self.store = store
        self.outcome: ExportResult | None = None
        self.format = named(QComboBox(), "exportFormat")
        self.format.setAccessibleName(_("File format"))
        self.format.addItem(_("CSV for Excel (.csv)"), ExportFormat.CSV)
        self.format.addItem(_("vCard 4.0 for Outlook and phones (.vcf)"), ExportFormat.VCF)
        self.format.currentIndexChanged.connect(lambda _i: self._fix_suffix())
        self.path = named(QLineEdit(), "exportFile")
        self.path.setAccessibleName(_("Export file"))
        browse = named(QPushButton(_("&Browse…")), "exportBrowse")
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.include_sensitive = named(QCheckBox(_("Include persons marked sensitive")), "exportIncludeSensitive")
        self.include_sensitive.setToolTip(_("Off by default: sensitive persons never leave the laptop by accident"))
        self.include_sensitive.toggled.connect(self._sensitive_toggled)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = named(buttons.addButton(_("&Export"), QDialogButtonBox.ButtonRole.AcceptRole),
                                   "exportRun")
        buttons.accepted.connect(self.run_export)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(_("Format"), self.format)
        form.addRow(_("File"), row)
        form.addRow("", self.include_sensitive)
        form.addRow(buttons)

    def _fix_suffix(self) -> None:
        text = self.path.text().strip()
        if text:
            self.path.setText(str(Path(text).with_suffix("." + str(self.format.currentData()))))

    def browse(self) -> None:
        suffix = str(self.format.currentData())
        path, _filter = QFileDialog.getSaveFileName(self, _("Export contacts to"), self.path.text() or
                                                    f"contacts.{suffix}", f"*.{suffix}")
        if path:
            self.path.setText(path)

    def confirm_sensitive(self) -> bool:
        answer = QMessageBox.question(
            self, _("Include sensitive persons?"),
            _("Persons marked sensitive may be at risk if the file is lost or shared. Include them in this export?"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def _sensitive_toggled(self, checked: bool) -> None:
        if checked and not self.confirm_sensitive():
            self.include_sensitive.setChecked(False)

    def run_export(self) -> None:
        text = self.path.text().strip()
        if not text:
            self.path.setFocus()
            guarded(self, self._no_file)
            return
        self.setCursor(Qt.CursorShape.WaitCursor)
        try:
            result = guarded(self, lambda: export_contacts(self.store, Path(text), str(self.format.currentData()),
                                                           include_sensitive=self.include_sensitive.isChecked()))
        finally:
            self.unsetCursor()
        if result is not None:
            self.outcome = result
            self.exported.emit(result)
            self.accept()

    def _no_file(self) -> None:
        raise PostAppError(_("Choose the file to export to."))


def export_message(result: ExportResult) -> str:
    text = _("Wrote {count} persons to {path}.").format(count=format_number(result.persons), path=result.path)
    if result.sensitive_left_out:
        text += " " + _("{count} persons marked sensitive were left out.").format(
            count=format_number(result.sensitive_left_out))
    return text
