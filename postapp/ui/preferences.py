"""Preferences: language and the post (code, name, country); stored in ``QSettings``."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from postapp.i18n import LANGUAGES, _
from postapp.ui.naming import named
from postapp.ui.settings import Preferences


class PreferencesDialog(QDialog):
    def __init__(self, prefs: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prefs = prefs
        self.setObjectName("preferences")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(_("Preferences"))
        self.language = named(QComboBox(), "language")
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(self.language.findData(prefs.language), 0))
        self.post_code = named(QLineEdit(prefs.post_code), "postCode")
        self.post_code.setMaxLength(16)
        self.post_name = named(QLineEdit(prefs.post_name), "postName")
        self.country = named(QLineEdit(prefs.country), "country")
        self.country.setMaxLength(2)
        self.country.setPlaceholderText(_("two letters, e.g. VN"))
        self.user_name = named(QLineEdit(prefs.user_name), "userName")
        self.user_name.setToolTip(_("Recorded with your decisions and in the audit log"))
        self.max_age = named(QSpinBox(), "sanctionsMaxAge")
        self.max_age.setRange(1, 365)
        self.max_age.setValue(prefs.sanctions_max_age_days)
        self.max_age.setSuffix(" " + _("days"))
        self.note = QLabel()
        self.note.setWordWrap(True)
        form = QFormLayout()
        for label, widget in ((_("&Language"), self.language), (_("Post &code"), self.post_code),
                              (_("Post &name"), self.post_name), (_("Co&untry"), self.country),
                              (_("&Your name"), self.user_name),
                              (_("Warn when the sanctions list is older than"), self.max_age)):
            widget.setAccessibleName(label.replace("&", ""))
            form.addRow(label, widget)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self.language.currentIndexChanged.connect(self._language_note)

    def _language_note(self) -> None:
        changed = self.language.currentData() != self.prefs.language
        self.note.setText(_("The new language is used after you restart PostApp.") if changed else "")

    def accept(self) -> None:
        self.language_changed = self.language.currentData() != self.prefs.language
        self.prefs.language = str(self.language.currentData())
        self.prefs.post_code = self.post_code.text()
        self.prefs.post_name = self.post_name.text()
        self.prefs.country = self.country.text()
        self.prefs.user_name = self.user_name.text()
        self.prefs.sanctions_max_age_days = self.max_age.value()
        self.prefs.sync()
        super().accept()
