"""Contacts → Import…: choose a file, check the column mapping, see every row checked, then import.

Four steps on one stacked page: the file; the mapping (one field per source column, suggested from
the headings, with an example value); the preview (counts, every row with its status and problems,
the options for unknown organisations and duplicates); the summary. Reading the preview and writing
run in a worker thread (``ImportJob``) with a progress dialog whose Cancel stops at the next batch:
the core rolls the whole transaction back, so a cancelled import leaves the store as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QThread, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from postapp.contacts_io import importer
from postapp.contacts_io.mapping import Field, has_name, missing_name_message, suggest
from postapp.contacts_io.sources import Source, open_source
from postapp.i18n import _, format_number, ngettext
from postapp.ui.appearance import error_style, is_dark
from postapp.ui.messages import show_error, user_message
from postapp.ui.naming import named
from postapp.ui.workers import CancellableWorker

if TYPE_CHECKING:
    from postapp.store import Store

FILE_PAGE, MAPPING_PAGE, PREVIEW_PAGE, SUMMARY_PAGE = range(4)
EXAMPLE_ROWS = 1
Index = QModelIndex | QPersistentModelIndex


class ImportJob(CancellableWorker):
    """Runs ``work(progress)`` in its thread; ``progress`` returns False once Cancel was pressed."""

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(self, work: Callable[[importer.Progress], object]) -> None:
        super().__init__()
        self.work = work

    def report(self, done: int, total: int) -> bool:
        self.progressed.emit(done, total)
        return not self.cancel_requested

    @Slot()
    def run(self) -> None:
        try:
            result = self.work(self.report)
        except Exception as exc:  # the thread must always report back
            self.failed.emit(user_message(exc, _("Something went wrong ({kind}). Nothing was imported.")))
        else:
            self.succeeded.emit(result)
        finally:
            self.done.emit()


class PreviewModel(QAbstractTableModel):
    """The checked rows of the file; a list model, since the plan is already in memory."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[importer.PlannedRow] = []
        self.headers = [_("Row"), _("Status"), _("Name"), _("E-mail"), _("Organisation"), _("Problem")]

    def set_rows(self, rows: list[importer.PlannedRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(self.headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            column = index.column()
            if column == 0:
                return format_number(row.row)
            if column == 1:
                return _("Error") if row.errors else (_("Possible duplicate") if row.duplicate else _("Ready"))
            if column == 5:
                return " ".join(row.errors) or row.duplicate
            return (row.name, row.email, row.organisation)[column - 2]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 1 and not row.ready:
            if is_dark():
                return QBrush(QColor("#ff8a80") if row.errors else QColor("#f0c060"))
            return QBrush(QColor("#b00020") if row.errors else QColor("#8a5a00"))
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None


class ImportDialog(QDialog):
    imported = Signal(object)  # the ImportResult, after a successful import

    def __init__(self, store: Store, post_code: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.setWindowTitle(_("Import contacts"))
        self.resize(860, 560)
        self.store, self.post_code = store, post_code
        self.source: Source | None = None
        self.plan: importer.ImportPlan | None = None
        self.outcome: importer.ImportResult | None = None
        self._thread: QThread | None = None
        self._job: ImportJob | None = None
        self.progress: QProgressDialog | None = None

        self.pages = named(QStackedWidget(), "importPages")
        self.pages.addWidget(self._file_page())
        self.pages.addWidget(self._mapping_page())
        self.pages.addWidget(self._preview_page())
        self.pages.addWidget(self._summary_page())

        self.back_button = named(QPushButton(_("&Back")), "importBack")
        self.next_button = named(QPushButton(_("&Next")), "importNext")
        self.next_button.setDefault(True)
        self.import_button = named(QPushButton(_("&Import")), "importRun")
        self.close_button = named(QPushButton(_("Close")), "importClose")
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.import_button.clicked.connect(self.start_import)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.back_button, self.next_button, self.import_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addLayout(buttons)
        self._show(FILE_PAGE)

    # --- pages ---------------------------------------------------------------------------------------

    def _file_page(self) -> QWidget:
        page = QWidget()
        self.file_edit = named(QLineEdit(), "importFile")
        self.file_edit.setAccessibleName(_("Contacts file"))
        self.file_edit.setPlaceholderText(_("A .csv, .xlsx or .vcf file, e.g. an Outlook or Google export"))
        self.file_edit.textChanged.connect(lambda _t: self._update_buttons())
        browse = named(QPushButton(_("&Browse…")), "importBrowse")
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.file_edit, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(page)
        intro = QLabel(_("Choose the file with your contacts. Outlook and Google exports (CSV), Excel workbooks "
                         "(.xlsx) and vCard files (.vcf) are read; nothing is imported before you confirm."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addStretch(1)
        return page

    def _mapping_page(self) -> QWidget:
        page = QWidget()
        self.mapping_info = named(QLabel(), "importMappingInfo")
        self.mapping_info.setWordWrap(True)
        self.mapping_table = named(QTableWidget(0, 3), "importMapping")
        self.mapping_table.setAccessibleName(_("Column mapping"))
        self.mapping_table.setHorizontalHeaderLabels([_("Column in the file"), _("Imported as"), _("Example")])
        self.mapping_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.mapping_table.setColumnWidth(0, 220)
        self.mapping_table.setColumnWidth(1, 200)
        self.mapping_problem = named(QLabel(), "importMappingProblem")
        self.mapping_problem.setWordWrap(True)
        self.mapping_problem.setStyleSheet(error_style())
        layout = QVBoxLayout(page)
        layout.addWidget(self.mapping_info)
        layout.addWidget(self.mapping_table, 1)
        layout.addWidget(self.mapping_problem)
        return page

    def _preview_page(self) -> QWidget:
        page = QWidget()
        self.counts = named(QLabel(), "importCounts")
        self.counts.setWordWrap(True)
        self.notices = named(QLabel(), "importNotices")
        self.notices.setWordWrap(True)
        self.preview_model = PreviewModel(self)
        self.preview = named(QTableView(), "importPreview")
        self.preview.setAccessibleName(_("Rows to import"))
        self.preview.setModel(self.preview_model)
        self.preview.verticalHeader().hide()
        self.preview.horizontalHeader().setStretchLastSection(True)
        self.preview.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.create_orgs = named(QCheckBox(), "importCreateOrganisations")
        self.create_orgs.setChecked(True)
        self.skip_duplicates = named(QCheckBox(_("Skip possible duplicates (same e-mail, or same name and "
                                                 "organisation)")), "importSkipDuplicates")
        self.skip_duplicates.setChecked(True)
        self.skip_duplicates.toggled.connect(lambda _c: self._update_counts())
        layout = QVBoxLayout(page)
        layout.addWidget(self.counts)
        layout.addWidget(self.notices)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.create_orgs)
        layout.addWidget(self.skip_duplicates)
        return page

    def _summary_page(self) -> QWidget:
        page = QWidget()
        self.summary = named(QLabel(), "importSummary")
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(page)
        layout.addWidget(self.summary)
        layout.addStretch(1)
        return page

    # --- navigation ----------------------------------------------------------------------------------

    def _show(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        self._update_buttons()

    def _update_buttons(self) -> None:
        page = self.pages.currentIndex()
        busy = self._thread is not None
        self.back_button.setVisible(page in (MAPPING_PAGE, PREVIEW_PAGE))
        self.next_button.setVisible(page in (FILE_PAGE, MAPPING_PAGE))
        self.import_button.setVisible(page == PREVIEW_PAGE)
        self.next_button.setEnabled(not busy and (page != FILE_PAGE or bool(self.file_edit.text().strip()))
                                    and (page != MAPPING_PAGE or has_name(self.fields())))
        self.import_button.setEnabled(not busy and self.plan is not None and bool(self._rows_to_write()))
        self.close_button.setText(_("Close") if page == SUMMARY_PAGE else _("Cancel"))

    def browse(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Choose a contacts file"), self.file_edit.text(),
            _("Contact files (*.csv *.txt *.xlsx *.vcf);;All files (*)"))
        if path:
            self.file_edit.setText(path)

    def back(self) -> None:
        self._show(max(self.pages.currentIndex() - 1, FILE_PAGE))

    def next(self) -> None:
        page = self.pages.currentIndex()
        if page == FILE_PAGE:
            self.open_file()
        elif page == MAPPING_PAGE:
            self.start_preview()

    # --- step 1 → 2: the file and its mapping -------------------------------------------------------

    def open_file(self) -> None:
        try:
            source = open_source(Path(self.file_edit.text().strip()))
            example = next(iter(source.rows()), (0, []))[1]
        except Exception as exc:
            show_error(self, user_message(exc, _("Something went wrong ({kind}). Nothing was imported.")))
            return
        self.source, self.plan = source, None
        self.mapping_info.setText(_("{path}: {count} columns. Check what each column is imported as; columns set to "
                                    "'(do not import)' are left out.").format(
            path=source.path.name, count=format_number(len(source.headers))))
        fields = suggest(source.headers)
        table = self.mapping_table
        table.setRowCount(len(source.headers))
        for row, (heading, chosen) in enumerate(zip(source.headers, fields, strict=True)):
            table.setItem(row, 0, QTableWidgetItem(heading))
            combo = named(QComboBox(), f"mapField{row}")
            combo.setAccessibleName(_("Import column '{heading}' as").format(heading=heading))
            for value in Field:
                combo.addItem(_(value.label), value)
            combo.setCurrentIndex(list(Field).index(chosen))
            combo.currentIndexChanged.connect(lambda _i: self._mapping_changed())
            table.setCellWidget(row, 1, combo)
            table.setItem(row, 2, QTableWidgetItem(example[row].replace("\n", " ")[:120] if row < len(example)
                                                   else ""))
        self._mapping_changed()
        self._show(MAPPING_PAGE)

    def fields(self) -> list[Field]:
        result = []
        for row in range(self.mapping_table.rowCount()):
            combo = self.mapping_table.cellWidget(row, 1)
            result.append(Field(combo.currentData()) if isinstance(combo, QComboBox) else Field.IGNORE)
        return result

    def set_field(self, heading: str, value: Field) -> None:
        """Chooses the field for the column with this heading (as the user does with its combo box)."""
        assert self.source is not None
        combo = self.mapping_table.cellWidget(self.source.headers.index(heading), 1)
        assert isinstance(combo, QComboBox)
        combo.setCurrentIndex(list(Field).index(value))

    def _mapping_changed(self) -> None:
        self.plan = None
        self.mapping_problem.setText("" if has_name(self.fields()) else missing_name_message())
        self._update_buttons()

    # --- step 2 → 3: the preview --------------------------------------------------------------------

    def start_preview(self) -> None:
        source, fields, store = self.source, self.fields(), self.store
        if source is None:
            return
        self._run(_("Checking the rows…"), lambda progress: importer.prepare(store, source, fields, progress),
                  self._previewed)

    def _previewed(self, plan: object) -> None:
        assert isinstance(plan, importer.ImportPlan)
        self.plan = plan
        self.preview_model.set_rows(plan.rows)
        self.preview.resizeColumnsToContents()
        new = len(plan.new_organisations)
        self.create_orgs.setText(ngettext(
            "Create {n} organisation that is not in your contacts yet, as a company",
            "Create {n} organisations that are not in your contacts yet, as companies", new).format(
            n=format_number(new)))
        self.create_orgs.setEnabled(new > 0)
        self.notices.setText("\n".join(plan.notices))
        self.notices.setVisible(bool(plan.notices))
        self._update_counts()
        self._show(PREVIEW_PAGE)

    def options(self) -> importer.ImportOptions:
        return importer.ImportOptions(create_organisations=self.create_orgs.isChecked(),
                                      skip_duplicates=self.skip_duplicates.isChecked())

    def _rows_to_write(self) -> list[importer.PlannedRow]:
        return self.plan.to_write(self.options()) if self.plan is not None else []

    def _update_counts(self) -> None:
        plan = self.plan
        if plan is None:
            return
        self.counts.setText(_("{rows} rows: {ready} ready, {errors} with errors (left out), {dups} possible "
                              "duplicates. {write} persons will be imported.").format(
            rows=format_number(len(plan.rows)), ready=format_number(plan.ready_count),
            errors=format_number(plan.error_count), dups=format_number(plan.duplicate_count),
            write=format_number(len(self._rows_to_write()))))
        self._update_buttons()

    # --- step 3 → 4: writing ------------------------------------------------------------------------

    def start_import(self) -> None:
        plan, options, store, post_code = self.plan, self.options(), self.store, self.post_code
        if plan is None:
            return
        self._run(_("Importing contacts…"),
                  lambda progress: importer.write(store, plan, options, post_code=post_code, progress=progress),
                  self._imported)

    def _imported(self, result: object) -> None:
        assert isinstance(result, importer.ImportResult)
        self.outcome = result
        self.summary.setText(importer.summary(result))
        self._show(SUMMARY_PAGE)
        self.imported.emit(result)

    # --- the worker thread --------------------------------------------------------------------------

    def _run(self, label: str, work: Callable[[importer.Progress], object],
             on_success: Callable[[object], None]) -> None:
        if self._thread is not None:
            return
        progress = named(QProgressDialog(label, _("Cancel"), 0, 0, self), "importProgress")
        progress.setWindowTitle(_("Import contacts"))
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        job = ImportJob(work)
        thread = QThread(self)
        thread.setObjectName("importWorker")
        job.moveToThread(thread)
        thread.started.connect(job.run)
        job.progressed.connect(self._progressed)
        job.succeeded.connect(on_success)
        job.failed.connect(self._failed)
        job.done.connect(thread.quit)
        thread.finished.connect(self._over)
        progress.canceled.connect(self.cancel)
        self._thread, self._job, self.progress = thread, job, progress
        self._update_buttons()
        thread.start()

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
            if self.progress is not None:
                self.progress.setLabelText(_("Cancelling… nothing will be kept."))

    @property
    def busy(self) -> bool:
        return self._thread is not None

    @Slot(int, int)
    def _progressed(self, done: int, total: int) -> None:
        if self.progress is None:
            return
        if total:
            self.progress.setMaximum(total)
            self.progress.setValue(done)
        self.progress.setLabelText(_("{done} of {total} rows…").format(
            done=format_number(done), total=format_number(total)) if total
            else _("{done} rows checked…").format(done=format_number(done)))

    @Slot(str)
    def _failed(self, message: str) -> None:
        show_error(self, message)

    @Slot()
    def _over(self) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
        if self._thread is not None:
            self._thread.deleteLater()
        if self._job is not None:
            self._job.deleteLater()
        self._thread, self._job, self.progress = None, None, None
        self._update_buttons()

    def reject(self) -> None:
        if self._thread is not None:  # close only once the worker has rolled back
            self.cancel()
            return
        super().reject()

    def keyPressEvent(self, event: Any) -> None:
        if event.matches(QKeySequence.StandardKey.Cancel) and self._thread is not None:
            self.cancel()
            return
        super().keyPressEvent(event)
