"""Preferences: language, the post (code, name, country), sync with headquarters and HQ mode; stored in
``QSettings``."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from postapp.errors import ValidationError
from postapp.i18n import LANGUAGES, _
from postapp.services.first_run import check_writable, default_data_file
from postapp.ui.appearance import APPEARANCES, apply_appearance
from postapp.ui.messages import show_error
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
        self.appearance = named(QComboBox(), "appearance")
        for code, label in APPEARANCES.items():
            self.appearance.addItem(_(label), code)
        self.appearance.setCurrentIndex(max(self.appearance.findData(prefs.appearance), 0))
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
        self.sync_interval = named(QSpinBox(), "syncInterval")
        self.sync_interval.setRange(0, 24 * 60)
        self.sync_interval.setSingleStep(15)
        self.sync_interval.setValue(prefs.sync_interval_minutes)
        self.sync_interval.setSuffix(" " + _("minutes"))
        self.sync_interval.setSpecialValueText(_("Off (only with Sync now)"))
        self.sync_interval.setToolTip(_("How often PostApp syncs with headquarters in the background, once "
                                        "enrolled with a server; 0 turns it off"))
        self.backup_interval = named(QSpinBox(), "backupInterval")
        self.backup_interval.setRange(0, 24 * 7)
        self.backup_interval.setValue(prefs.backup_interval_hours)
        self.backup_interval.setSuffix(" " + _("hours"))
        self.backup_interval.setSpecialValueText(_("Off"))
        self.backup_interval.setToolTip(_("How often PostApp backs up the data file while it runs; 0 turns the "
                                          "scheduled backups off (a backup is still made before each update)"))
        self.hq_mode = named(QCheckBox(_("Show the &Headquarters workspace")), "hqMode")
        self.hq_mode.setChecked(prefs.hq_mode)
        self.hq_mode.setToolTip(_("For staff at headquarters: posts, the analysis across posts and good examples"))
        self.hq_database = named(QLineEdit(prefs.hq_database_url), "hqDatabaseUrl")
        self.hq_database.setPlaceholderText(_("postgresql://host/postapp_hq or the path of an SQLite file"))
        self.hq_keys = named(QLineEdit(prefs.hq_keys_folder), "hqKeysFolder")
        self.hq_keys.setPlaceholderText(_("the folder with HQ's keys (for sync files)"))
        self.hq_keys_browse = named(QPushButton(_("&Browse…")), "hqKeysBrowse")
        self.hq_keys_browse.setAccessibleName(_("Choose the folder with HQ's keys"))
        self.hq_keys_browse.clicked.connect(self._choose_keys_folder)
        keys_row = QWidget()
        keys_layout = QHBoxLayout(keys_row)
        keys_layout.setContentsMargins(0, 0, 0, 0)
        keys_layout.addWidget(self.hq_keys, 1)
        keys_layout.addWidget(self.hq_keys_browse)
        self.data_file = named(QLineEdit(prefs.data_file), "dataFile")
        self.data_file.setPlaceholderText(_("the default: {path}").format(path=default_data_file()))
        self.data_file.setAccessibleName(_("Data file"))
        self.data_file.setToolTip(_("Where the post's data is kept; empty for the default place. A new data "
                                    "file is used after you restart PostApp."))
        self.data_file_browse = named(QPushButton(_("B&rowse…")), "dataFileBrowse")
        self.data_file_browse.setAccessibleName(_("Choose the data file"))
        self.data_file_browse.clicked.connect(self._choose_data_file)
        data_row = QWidget()
        data_layout = QHBoxLayout(data_row)
        data_layout.setContentsMargins(0, 0, 0, 0)
        data_layout.addWidget(self.data_file, 1)
        data_layout.addWidget(self.data_file_browse)
        self.note = QLabel()
        self.note.setWordWrap(True)
        form = QFormLayout()
        for label, widget in ((_("&Language"), self.language), (_("&Appearance"), self.appearance),
                              (_("Post &code"), self.post_code),
                              (_("Post &name"), self.post_name), (_("Co&untry"), self.country),
                              (_("&Your name"), self.user_name),
                              (_("Warn when the sanctions list is older than"), self.max_age),
                              (_("&Sync with headquarters every"), self.sync_interval),
                              (_("Back up the data file e&very"), self.backup_interval)):
            widget.setAccessibleName(label.replace("&", ""))
            form.addRow(label, widget)
        data_label = QLabel(_("Data &file"))
        data_label.setBuddy(self.data_file)
        form.addRow(data_label, data_row)
        form.addRow("", self.hq_mode)
        self.hq_database.setAccessibleName(_("HQ database"))
        self.hq_keys.setAccessibleName(_("HQ keys folder"))
        form.addRow(_("HQ &database"), self.hq_database)
        keys_label = QLabel(_("HQ &keys folder"))
        keys_label.setBuddy(self.hq_keys)  # the mnemonic goes to the field, not the row around it
        form.addRow(keys_label, keys_row)
        self.hq_mode.toggled.connect(self._enable_hq)
        self._enable_hq()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self.language.currentIndexChanged.connect(self._language_note)

    def _enable_hq(self) -> None:
        on = self.hq_mode.isChecked()
        for widget in (self.hq_database, self.hq_keys, self.hq_keys_browse):
            widget.setEnabled(on)

    def _choose_keys_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, _("Choose the folder with HQ's keys"), self.hq_keys.text())
        if chosen:
            self.hq_keys.setText(chosen)

    def _choose_data_file(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self, _("Choose the data file"), self.data_file.text() or str(default_data_file()),
            _("PostApp data file (*.sqlite3);;All files (*)"),
            options=QFileDialog.Option.DontConfirmOverwrite)  # an existing data file is opened, not replaced
        if chosen:
            self.data_file.setText(chosen)

    def _language_note(self) -> None:
        changed = self.language.currentData() != self.prefs.language
        self.note.setText(_("The new language is used after you restart PostApp.") if changed else "")

    def accept(self) -> None:
        data_file = self.data_file.text().strip()
        if data_file:
            try:
                check_writable(Path(data_file).expanduser().parent)
            except ValidationError as exc:
                show_error(self, str(exc))
                return
        self.prefs.data_file = data_file
        self.language_changed = self.language.currentData() != self.prefs.language
        self.prefs.language = str(self.language.currentData())
        self.prefs.appearance = str(self.appearance.currentData())
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_appearance(app, self.prefs.appearance)
        self.prefs.post_code = self.post_code.text()
        self.prefs.post_name = self.post_name.text()
        self.prefs.country = self.country.text()
        self.prefs.user_name = self.user_name.text()
        self.prefs.sanctions_max_age_days = self.max_age.value()
        self.prefs.sync_interval_minutes = self.sync_interval.value()
        self.prefs.backup_interval_hours = self.backup_interval.value()
        self.prefs.hq_mode = self.hq_mode.isChecked()
        self.prefs.hq_database_url = self.hq_database.text()
        self.prefs.hq_keys_folder = self.hq_keys.text()
        self.prefs.sync()
        super().accept()
