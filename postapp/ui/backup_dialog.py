"""File → Restore from backup…: the data file's backups, newest first, with "Back up now" and
"Restore…". Also what the window offers when the data file is found damaged.

Restoring closes the store (``close_store``), puts the backup in place (``postapp.store.restore``) and
opens it again (``reopen_store``), so every workspace shows the restored data; the callbacks are the
main window's. The file replaced is kept among the backups ("before a restore").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from postapp.backup_cli import reason_label
from postapp.i18n import _, format_datetime, format_number
from postapp.ui.messages import show_error, user_message
from postapp.ui.naming import named

PATH_ROLE = Qt.ItemDataRole.UserRole + 1
STOP_WAIT_MS = 60_000  # a backup of a large store takes seconds; the store is not closed under it
BACKUP_CHECK_MS = 60 * 60 * 1000  # how often the window asks whether a scheduled backup is due


def size_text(size: int) -> str:
    return _("{size} MB").format(size=format_number(round(size / 1_000_000, 1)))


class BackupDialog(QDialog):
    def __init__(self, db_path: Path, parent: QWidget | None = None, *,
                 close_store: Callable[[], None] | None = None,
                 reopen_store: Callable[[], bool] | None = None, damaged: str = "") -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.close_store = close_store or (lambda: None)
        self.reopen_store = reopen_store or (lambda: True)
        self.setObjectName("backupDialog")
        self.setWindowTitle(_("Restore from backup"))
        self.resize(640, 380)
        intro = named(QLabel(), "backupIntro")
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setText((damaged + "\n\n" if damaged else "") + _(
            "Backups of {path}, newest first. Restoring replaces the data file with the chosen backup; the "
            "current file is kept among the backups first.").format(path=db_path))
        self.model = QStandardItemModel(0, 3, self)
        self.model.setHorizontalHeaderLabels([_("Made on"), _("Why"), _("Size")])
        self.table = named(QTableView(), "backupList")
        self.table.setAccessibleName(_("Backups"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(self.ask_restore)
        self.status = named(QLabel(), "backupStatus")
        self.status.setWordWrap(True)
        self.restore_button = named(QPushButton(_("&Restore…")), "restoreBackup")
        self.restore_button.setAccessibleName(_("Restore the chosen backup"))
        self.restore_button.clicked.connect(self.ask_restore)
        self.backup_button = named(QPushButton(_("&Back up now")), "backupNow")
        self.backup_button.setAccessibleName(_("Make a backup now"))
        self.backup_button.clicked.connect(self.back_up_now)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.backup_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.confirmation: QMessageBox | None = None
        self.refresh()

    def refresh(self) -> None:
        from postapp.store.backup import list_backup_infos

        self.model.removeRows(0, self.model.rowCount())
        for info in list_backup_infos(self.db_path):
            when = QStandardItem(format_datetime(info.made_at.astimezone()))
            when.setData(str(info.path), PATH_ROLE)
            size = QStandardItem(size_text(info.size))
            size.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.model.appendRow([when, QStandardItem(reason_label(info.reason)), size])
        if self.model.rowCount():
            self.table.selectRow(0)
            self.table.setFocus()
        else:
            self.status.setText(_("There are no backups of this data file yet."))
        self.restore_button.setEnabled(self.model.rowCount() > 0)

    def chosen(self) -> Path | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return Path(str(self.model.item(rows[0].row(), 0).data(PATH_ROLE)))

    def back_up_now(self) -> Path | None:
        from postapp.store.backup import backup_database

        self.setCursor(Qt.CursorShape.WaitCursor)
        try:
            made = backup_database(self.db_path, "manual")
        except Exception as exc:
            show_error(self, user_message(exc, _("The backup could not be made ({kind}).")))
            return None
        finally:
            self.unsetCursor()
        self.refresh()
        self.status.setText(_("Backup made: {name}").format(name=made.name))
        return made

    def ask_restore(self) -> None:
        backup = self.chosen()
        if backup is None:
            return
        from postapp.store.backup import backup_info

        info = backup_info(self.db_path, backup)
        box = QMessageBox(QMessageBox.Icon.Question, _("Restore from backup"), _(
            "Replace the data file with the backup of {when}? Whatever was entered since then is no longer "
            "shown (the current file is kept among the backups).").format(
            when=format_datetime(info.made_at.astimezone())),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("confirmRestore")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.accepted.connect(lambda: self.restore(backup))  # Yes is the accept role
        self.confirmation = box
        box.open()

    def restore(self, backup: Path) -> bool:
        """Closes the store, restores ``backup`` and opens the store again; True when it was restored."""
        from postapp.store.restore import restore_backup

        self.setCursor(Qt.CursorShape.WaitCursor)
        try:
            self.close_store()
            try:
                result = restore_backup(self.db_path, backup)
            except Exception as exc:
                show_error(self, user_message(exc, _("The backup could not be restored ({kind}). The data file "
                                                     "was not replaced.")))
                self.reopen_store()
                return False
            reopened = self.reopen_store()
        finally:
            self.unsetCursor()
        self.refresh()
        self.status.setText(_("Restored the backup of {when}.").format(
            when=format_datetime(_made_at(result.restored_from, self.db_path).astimezone())))
        if reopened:
            self.accept()
        return True


def _made_at(backup: Path, db_path: Path) -> dt.datetime:
    from postapp.store.backup import backup_info

    try:
        return backup_info(db_path, backup).made_at
    except ValueError:
        return dt.datetime.now(dt.UTC)


class BackupController(QObject):
    """The window's side of never losing work, after the store opens: the full integrity check in a
    background thread (``PRAGMA integrity_check`` takes seconds on a large store; the start-up check
    was only the structural one), then scheduled backups, asked for at once and every hour, also in
    the background (a copy of the 100,000-person store takes about a second)."""

    damaged = Signal(str)  # the full check failed: the message to show
    checked = Signal()  # the full check passed
    backed_up = Signal(object)  # the scheduled backup made (a Path), or None when none was due

    def __init__(self, parent: QObject, interval_hours: Callable[[], int], keep: Callable[[], int],
                 status: Callable[[str], None]) -> None:
        from postapp.ui.sync_panel import Background

        super().__init__(parent)
        self.interval_hours, self.keep, self.status = interval_hours, keep, status
        self.db_path: Path | None = None
        self.job = Background(self)
        self.timer = QTimer(self)
        self.timer.setObjectName("backupTimer")
        self.timer.setInterval(BACKUP_CHECK_MS)
        self.timer.timeout.connect(self.tick)
        self._tick_when_free = False
        self.job.finished.connect(self._job_over)

    def start(self, db_path: Path) -> None:
        """After the store opened: the full check first; the schedule once it passed."""
        self.db_path = db_path
        self.timer.stop()
        from postapp.store import integrity

        def check(_report: Callable[[object], bool]) -> object:
            return integrity.problems(db_path, "full")

        if not self.job.start("integrityCheck", check, on_success=self._checked, on_failure=self._check_failed):
            QTimer.singleShot(1000, lambda: self.start(db_path))  # a backup is still running

    def _checked(self, found: object) -> None:
        if self.db_path is None:  # stopped meanwhile (a restore, or closing)
            return
        if found:
            from postapp.store.errors import damaged_message

            self.damaged.emit(damaged_message("; ".join(list(found)[:3])))  # type: ignore[call-overload]
            return
        self.checked.emit()
        self.timer.start()
        self._tick_when_free = True  # this job's thread is still ending: the first tick follows it

    def _job_over(self) -> None:
        if self._tick_when_free:
            self._tick_when_free = False
            self.tick()

    def _check_failed(self, message: str, _reason: str) -> None:
        self.status(_("The data file could not be checked: {message}").format(message=message))

    def tick(self) -> bool:
        """Starts a scheduled backup if one is due; False when none was started."""
        hours = self.interval_hours()
        path = self.db_path
        if path is None or hours <= 0 or self.job.running:
            return False
        keep = self.keep()
        from postapp.store.backup import backup_if_due

        def work(_report: Callable[[object], bool]) -> object:
            return backup_if_due(path, dt.timedelta(hours=hours), keep)

        return self.job.start("scheduledBackup", work, on_success=self._backed_up, on_failure=self._backup_failed)

    def _backed_up(self, made: object) -> None:
        if isinstance(made, Path):
            self.status(_("Backup made: {name}").format(name=made.name))
        self.backed_up.emit(made)

    def _backup_failed(self, message: str, _reason: str) -> None:
        self.status(_("The scheduled backup failed: {message}").format(message=message))

    def stop(self) -> None:
        """Before the store is closed (restore, quit): no timer, and no job left running."""
        self.timer.stop()
        self.db_path = None
        self._tick_when_free = False
        # Not ``job.wait`` alone: the thread ends through a queued call into this (GUI) thread, so the
        # events must keep flowing while waiting.
        from PySide6.QtCore import QCoreApplication, QDeadlineTimer

        deadline = QDeadlineTimer(STOP_WAIT_MS)
        while self.job.running and not deadline.hasExpired():
            self.job.wait(20)
            QCoreApplication.processEvents()
