"""Finding and merging persons entered twice.

The scan (``services.duplicates``) runs in a worker thread with a progress bar and a cancel button;
the pairs are shown side by side with their score and reasons. "Merge into left" keeps the left
person and moves everything of the right one onto it (``services.merge``); "Not a duplicate" hides
the pair for the rest of the session (``IGNORED``), also from later scans.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QThread, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from postapp.i18n import _, format_number, ngettext
from postapp.services import duplicates, merge
from postapp.ui.lazy_model import configure_table
from postapp.ui.messages import guarded, show_error, user_message
from postapp.ui.naming import named
from postapp.ui.workers import CancellableWorker

if TYPE_CHECKING:
    from postapp.store import Store

# Pairs the user said are two different people: remembered while the app runs.
IGNORED: set[frozenset[uuid.UUID]] = set()
Index = QModelIndex | QPersistentModelIndex


class PairModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.pairs: list[duplicates.DuplicatePair] = []
        self.headers = [_("Score"), _("Left"), _("Right"), _("Why")]

    def set_pairs(self, pairs: list[duplicates.DuplicatePair]) -> None:
        self.beginResetModel()
        self.pairs = list(pairs)
        self.endResetModel()

    def remove_involving(self, person_ids: set[uuid.UUID], also: frozenset[uuid.UUID] | None = None) -> None:
        kept = [p for p in self.pairs if not ({p.left.id, p.right.id} & person_ids) and p.key != also]
        self.set_pairs(kept)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.pairs)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None

    @staticmethod
    def _person(p: duplicates.PersonSummary) -> str:
        details = " · ".join(x for x in (p.email, p.organisation) if x)
        return f"{p.name}  ({details})" if details else p.name

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        pair = self.pairs[index.row()]
        values = [format_number(pair.score), self._person(pair.left), self._person(pair.right),
                  ", ".join(pair.reason_labels())]
        return values[index.column()]


class ScanWorker(CancellableWorker):
    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(self, store: Store, ignored: set[frozenset[uuid.UUID]]) -> None:
        super().__init__()
        self.store, self.ignored = store, set(ignored)

    def report(self, done: int, total: int) -> bool:
        self.progressed.emit(done, total)
        return not self.cancel_requested

    @Slot()
    def run(self) -> None:
        try:
            with self.store.read() as session:
                result = duplicates.scan(session, ignored=self.ignored, progress=self.report)
        except duplicates.ScanCancelled as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # the thread must always report back
            self.failed.emit(user_message(exc, _("The duplicate scan failed ({kind}). Nothing was changed.")))
        else:
            self.succeeded.emit(result)
        finally:
            self.done.emit()


class DuplicatesDialog(QDialog):
    merged = Signal(object)  # the id of the person kept

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("duplicatesDialog")
        self.setWindowTitle(_("Find duplicates"))
        self.resize(980, 560)
        self.store = store
        self._thread: QThread | None = None
        self._worker: ScanWorker | None = None
        self.status = named(QLabel(), "duplicatesStatus")
        self.status.setWordWrap(True)
        self.progress = named(QProgressBar(), "duplicatesProgress")
        self.progress.setAccessibleName(_("Scan progress"))
        self.scan_button = named(QPushButton(_("&Scan again")), "scanDuplicates")
        self.scan_button.clicked.connect(self.start_scan)
        self.cancel_button = named(QPushButton(_("&Cancel scan")), "cancelScan")
        self.cancel_button.clicked.connect(self.cancel_scan)
        self.model = PairModel(self)
        self.table = named(QTableView(), "duplicatePairs")
        self.table.setAccessibleName(_("Likely duplicate pairs"))
        self.table.setModel(self.model)
        configure_table(self.table, stretch_column=3)
        self.table.setColumnWidth(0, 60)
        self.table.setColumnWidth(1, 300)
        self.table.setColumnWidth(2, 300)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.left_button = named(QPushButton(_("Merge into &left")), "mergeIntoLeft")
        self.left_button.setToolTip(_("Keep the left person; move everything of the right one onto it (Ctrl+Shift+L)"))
        self.left_button.clicked.connect(lambda: self.confirm_merge(keep_left=True))
        QShortcut(QKeySequence("Ctrl+Shift+L"), self, lambda: self.confirm_merge(keep_left=True))
        self.right_button = named(QPushButton(_("Merge into &right")), "mergeIntoRight")
        self.right_button.setToolTip(_("Keep the right person; move everything of the left one onto it (Ctrl+Shift+R)"))
        self.right_button.clicked.connect(lambda: self.confirm_merge(keep_left=False))
        QShortcut(QKeySequence("Ctrl+Shift+R"), self, lambda: self.confirm_merge(keep_left=False))
        self.ignore_button = named(QPushButton(_("&Not a duplicate")), "notDuplicate")
        self.ignore_button.setToolTip(_("Two different people: do not propose this pair again (Ctrl+Shift+N)"))
        self.ignore_button.clicked.connect(self.ignore_pair)
        QShortcut(QKeySequence("Ctrl+Shift+N"), self, self.ignore_pair)
        close = named(QPushButton(_("Close")), "closeDuplicates")
        close.clicked.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(self.progress, 1)
        top.addWidget(self.cancel_button)
        top.addWidget(self.scan_button)
        buttons = QHBoxLayout()
        for button in (self.left_button, self.right_button, self.ignore_button):
            buttons.addWidget(button)
        buttons.addStretch()
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    # --- scanning ---------------------------------------------------------------------------------

    @property
    def scanning(self) -> bool:
        return self._thread is not None

    def start_scan(self) -> None:
        if self._thread is not None:
            return
        worker = ScanWorker(self.store, IGNORED)
        thread = QThread(self)
        thread.setObjectName("duplicateScan")
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.progressed.connect(self._progressed)
        worker.succeeded.connect(self._succeeded)
        worker.failed.connect(self._failed)
        worker.done.connect(thread.quit)
        thread.finished.connect(self._over)
        self._thread, self._worker = thread, worker
        self.progress.setRange(0, 0)
        self.status.setText(_("Looking for persons entered twice…"))
        self._update_buttons()
        thread.start()

    def cancel_scan(self) -> None:
        if self._worker is not None:
            self._worker.cancel()

    @Slot(int, int)
    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    @Slot(object)
    def _succeeded(self, result: duplicates.ScanResult) -> None:
        self.model.set_pairs(result.pairs)
        text = ngettext("{n} likely duplicate pair among {persons} persons.",
                        "{n} likely duplicate pairs among {persons} persons.", len(result.pairs)).format(
            n=format_number(len(result.pairs)), persons=format_number(result.persons))
        if result.truncated:
            text += " " + _("{n} weaker pairs are not shown.").format(n=format_number(result.truncated))
        for block in result.split_blocks:
            text += " " + _("{size} persons share one {kind}: compared with their nearest names only.").format(
                size=format_number(block.size), kind=_(block.kind.label))
        self.status.setText(text)
        if result.pairs:
            self.table.selectRow(0)

    @Slot(str)
    def _failed(self, message: str) -> None:
        self.status.setText(message)

    @Slot()
    def _over(self) -> None:
        thread, worker = self._thread, self._worker
        self._thread = self._worker = None
        if thread is not None:
            thread.wait()
            thread.deleteLater()
        if worker is not None:
            worker.deleteLater()
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self._update_buttons()

    def done(self, result: int) -> None:
        # A scan under way only reads: stop it and wait, so no thread outlives the dialog.
        if self._thread is not None:
            self.cancel_scan()
            self._thread.quit()
            self._thread.wait()
        super().done(result)

    # --- acting on a pair -------------------------------------------------------------------------

    def current_pair(self) -> duplicates.DuplicatePair | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.pairs[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        has_pair = self.current_pair() is not None and self._thread is None
        for button in (self.left_button, self.right_button, self.ignore_button):
            button.setEnabled(has_pair)
        self.scan_button.setEnabled(self._thread is None)
        self.cancel_button.setEnabled(self._thread is not None)

    def ignore_pair(self) -> None:
        pair = self.current_pair()
        if pair is None:
            return
        IGNORED.add(pair.key)
        row = self.model.pairs.index(pair)
        self.model.remove_involving(set(), also=pair.key)
        if self.model.pairs:
            self.table.selectRow(min(row, len(self.model.pairs) - 1))
        self._update_buttons()

    def confirm_merge(self, keep_left: bool) -> None:
        pair = self.current_pair()
        if pair is None or self._thread is not None:
            return
        keep, drop = (pair.left, pair.right) if keep_left else (pair.right, pair.left)
        box = QMessageBox(QMessageBox.Icon.Question, _("Merge persons"),
                          _("Merge {drop} into {keep}? Activities, events, cases and tags of {drop} move to "
                            "{keep}; {drop} is then removed from the contacts.").format(drop=drop.name, keep=keep.name),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("confirmMerge")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda result: self.merge_now(keep.id, drop.id)
                             if result == QMessageBox.StandardButton.Yes else None)
        box.open()

    def merge_now(self, keep_id: uuid.UUID, drop_id: uuid.UUID) -> None:
        store = self.store

        def run() -> merge.MergeResult:
            with store.session() as session:
                return merge.merge_persons(session, keep_id, drop_id)

        result = guarded(self, run)
        if result is None:
            return
        self.model.remove_involving({drop_id})
        moved = sum(result.moved.values())
        self.status.setText(ngettext("Merged: {n} linked record moved.", "Merged: {n} linked records moved.",
                                     moved).format(n=format_number(moved)))
        if self.model.pairs:
            self.table.selectRow(0)
        self._update_buttons()
        self.merged.emit(keep_id)


def show_duplicates(store: Store | None, parent: QWidget) -> DuplicatesDialog | None:
    if store is None:
        show_error(parent, _("Open a data file first."))
        return None
    dialog = DuplicatesDialog(store, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    dialog.start_scan()
    return dialog
