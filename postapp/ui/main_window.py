"""The main window: navigation by the five core tasks plus Contacts and Survey (and Headquarters in HQ
mode), a status bar with the data file and the sync state, and menus whose actions carry shortcuts.

The window paints first and opens the store right after (``FirstPaint``): importing SQLAlchemy and
checking the schema cost more than showing Qt itself, and staff should see the app at once.
Workspaces other than the first are built on their first visit.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from postapp import __version__
from postapp.coretasks import CoreTask
from postapp.i18n import _
from postapp.ui.messages import show_error, user_message
from postapp.ui.naming import named
from postapp.ui.settings import Preferences
from postapp.ui.task_workspace import TaskWorkspace

if TYPE_CHECKING:
    from postapp.store import Store
    from postapp.ui.sync_panel import SyncController

CONTACTS = "contacts"
SURVEY = "survey"
HQ = "hq"  # only in HQ mode, after the others
WORKSPACES: list[str] = [t.value for t in CoreTask] + [CONTACTS, SURVEY]


def workspace_label(key: str) -> str:
    if key == CONTACTS:
        return _("Contacts")
    if key == SURVEY:
        return _("Survey")
    if key == HQ:
        return _("Headquarters")
    return f"{CoreTask(key).number}. {_(CoreTask(key).label)}"


class FirstPaint(QObject):
    """Emits ``painted`` once, after the watched widget's first paint event."""

    painted = Signal()

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self._done = False
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._done and event.type() == QEvent.Type.Paint:
            self._done = True
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self.painted.emit)
        return False


class MainWindow(QMainWindow):
    store_opened = Signal()

    def __init__(self, prefs: Preferences, db_path: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prefs = prefs
        self.db_path = db_path
        self.store: Store | None = None
        self.setObjectName("mainWindow")
        self.setWindowTitle(_("PostApp IMVO — {post}").format(post=prefs.post_name))
        self.resize(1200, 760)

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setAccessibleName(_("Core tasks and contacts"))
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.nav.setSpacing(3)
        self.stack = QStackedWidget()
        self.stack.setObjectName("workspaces")
        self.workspaces: dict[str, QWidget] = {}
        self.workspace_keys: list[str] = []  # WORKSPACES, and HQ in HQ mode
        for key in WORKSPACES + ([HQ] if prefs.hq_mode else []):
            self._add_entry(key)
        self.nav.currentRowChanged.connect(self.show_workspace)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.nav)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        # Wide enough for the longest core-task name in the chosen language (font metrics: asking the
        # view for its size hint lays out every item and costs more than the rest of the window).
        metrics = self.nav.fontMetrics()
        longest = max(metrics.horizontalAdvance(self.nav.item(r).text()) for r in range(self.nav.count()))
        nav_width = max(longest, 200) + 32
        self.nav.setMinimumWidth(min(nav_width, 360))
        splitter.setSizes([nav_width, 1200 - nav_width])
        self.setCentralWidget(splitter)

        self.data_label = QLabel(_("Opening the data file…"))
        self.data_label.setObjectName("dataFile")
        self.data_label.setAccessibleName(_("Data file"))
        # The sync controller (status, actions, timer) is built right after the first paint, with the
        # store: importing and building it before would delay the first window by a fifth.
        self.sync: SyncController | None = None
        self.statusBar().addWidget(self.data_label, 1)

        self._build_menus()
        self.nav.setCurrentRow(0)
        self.first_paint = FirstPaint(self)
        self.first_paint.painted.connect(self.open_store)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(_("&File"))
        pack = named(QAction(_("&Briefing pack…"), self), "actionBriefingPack")
        pack.setShortcut(QKeySequence("Ctrl+P"))
        pack.triggered.connect(self.briefing_pack)
        prefs = named(QAction(_("&Preferences…"), self), "actionPreferences")
        prefs.setShortcut(QKeySequence("Ctrl+,"))
        prefs.triggered.connect(self.edit_preferences)
        quit_action = named(QAction(_("&Quit"), self), "actionQuit")
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(pack)
        file_menu.addSeparator()
        self.file_menu = file_menu
        self.sync_actions_before = file_menu.addSeparator()  # the sync actions go here once built
        file_menu.addAction(prefs)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)

        self.go_menu = self.menuBar().addMenu(_("&Go"))
        self.go_actions: list[QAction] = []
        for row in range(self.nav.count()):
            self._add_go_action(row)

        help_menu = self.menuBar().addMenu(_("&Help"))
        about = named(QAction(_("&About PostApp IMVO"), self), "actionAbout")
        about.triggered.connect(self.about)
        help_menu.addAction(about)

    def _add_entry(self, key: str) -> None:
        item = QListWidgetItem(workspace_label(key))
        item.setData(Qt.ItemDataRole.UserRole, key)
        self.nav.addItem(item)
        self.stack.addWidget(QWidget())  # placeholder until first visit
        self.workspace_keys.append(key)

    def _add_go_action(self, row: int) -> None:
        action = named(QAction(self.nav.item(row).text(), self), f"actionGo{row + 1}")
        action.setShortcut(QKeySequence(f"Ctrl+{row + 1}"))
        action.triggered.connect(lambda _checked=False, r=row: self.nav.setCurrentRow(r))
        self.go_menu.addAction(action)
        self.go_actions.append(action)

    def set_hq_mode(self, on: bool) -> None:
        """Adds or removes the Headquarters entry (always the last one, Ctrl+8)."""
        if on == (HQ in self.workspace_keys):
            return
        if on:
            self._add_entry(HQ)
            self._add_go_action(self.nav.count() - 1)
            return
        row = self.workspace_keys.index(HQ)
        if self.nav.currentRow() == row:
            self.nav.setCurrentRow(0)
        widget = self.stack.widget(row)
        hq = self.workspaces.pop(HQ, None)
        if hq is not None:
            hq.close_store()  # type: ignore[attr-defined]
        if widget is not None:
            self.stack.removeWidget(widget)
            widget.deleteLater()
        self.nav.takeItem(row)
        self.workspace_keys.pop(row)
        action = self.go_actions.pop(row)
        self.go_menu.removeAction(action)
        action.setParent(None)  # gone from the window at once (its shortcut too)
        action.deleteLater()

    def workspace(self, key: str) -> QWidget:
        """The workspace for ``key``, built on first use."""
        existing = self.workspaces.get(key)
        if existing is not None:
            return existing
        widget: QWidget
        if key == CONTACTS:
            from postapp.ui.contacts_workspace import ContactsWorkspace

            contacts = ContactsWorkspace()
            contacts.attach_store(self.store, self.prefs.post_code)
            widget = contacts
        elif key == SURVEY:
            from postapp.ui.survey_workspace import SurveyWorkspace

            survey = SurveyWorkspace()
            survey.attach_store(self.store, self.prefs)
            survey.questionnaire.submitted.connect(self._response_submitted)
            widget = survey
        elif key == HQ:
            from postapp.ui.hq_workspace import HQWorkspace

            widget = HQWorkspace(self.prefs)
        else:
            task_ws: TaskWorkspace
            if key == CoreTask.CONDITIONS:
                from postapp.ui.conditions_workspace import ConditionsWorkspace

                task_ws = ConditionsWorkspace(self.prefs)
            else:
                task_ws = TaskWorkspace(CoreTask(key))
            task_ws.post_code = self.prefs.post_code
            if self.store is not None:
                task_ws.attach_store(self.store)
            widget = task_ws
        index = self.workspace_keys.index(key)
        placeholder = self.stack.widget(index)
        self.stack.insertWidget(index, widget)
        if placeholder is not None:
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
        self.workspaces[key] = widget
        return widget

    def show_workspace(self, row: int) -> None:
        if row < 0:
            return
        widget = self.workspace(self.workspace_keys[row])
        self.stack.setCurrentWidget(widget)

    def _install_sync(self) -> SyncController:
        from postapp.ui.sync_panel import SyncController

        sync = SyncController(self, self.prefs)
        self.sync = sync
        self.sync_label = sync.label  # object name syncStatus
        sync.enrolled.connect(self._preferences_changed)
        sync.received.connect(self._received_from_hq)
        sync.install(self.statusBar())
        self.file_menu.insertActions(self.sync_actions_before, list(sync.actions))
        return sync

    def _response_submitted(self) -> None:
        if self.sync is not None:
            self.sync.refresh_status()  # one more record pending

    def open_store(self) -> None:
        """Opens (and if needed migrates) the data file; a failure leaves the window usable read-only."""
        from postapp.paths import default_db_path
        from postapp.store import open_store

        sync = self.sync or self._install_sync()

        path = self.db_path or default_db_path()
        try:
            self.store = open_store(path)
        except Exception as exc:
            # Whatever went wrong, the status bar must not keep saying "Opening the data file…".
            self.data_label.setText(_("No data file open"))
            show_error(self, self._open_failure(exc))
            return
        self.data_label.setText(_("Data file: {path}").format(path=self.store.path))
        self.data_label.setToolTip(str(self.store.path))
        for key, widget in self.workspaces.items():
            if isinstance(widget, TaskWorkspace):
                widget.attach_store(self.store)
            elif key == CONTACTS:
                widget.attach_store(self.store, self.prefs.post_code)  # type: ignore[attr-defined]
            elif key == SURVEY:
                widget.attach_store(self.store, self.prefs)  # type: ignore[attr-defined]
        sync.attach_store(self.store)
        self.store_opened.emit()

    @staticmethod
    def _open_failure(exc: Exception) -> str:
        """The message for a data file that could not be opened; an unexpected failure is logged."""
        return user_message(exc, _("The data file could not be opened ({kind}). Nothing was changed; "
                                   "the details are in the log."))

    def edit_preferences(self) -> None:
        from postapp.ui.preferences import PreferencesDialog

        dialog = PreferencesDialog(self.prefs, self)
        dialog.accepted.connect(self._preferences_changed)
        dialog.open()

    def _preferences_changed(self) -> None:
        self.setWindowTitle(_("PostApp IMVO — {post}").format(post=self.prefs.post_name))
        # Workspaces built so far keep the post code they were given: hand them the new one.
        post_code = self.prefs.post_code
        for key, widget in self.workspaces.items():
            if isinstance(widget, TaskWorkspace):
                widget.post_code = post_code
            elif key in (CONTACTS, SURVEY):
                widget.set_post_code(post_code)  # type: ignore[attr-defined]
            elif key == HQ:
                widget.apply_preferences()  # type: ignore[attr-defined]
        if self.sync is not None:
            self.sync.apply_preferences()
        self.set_hq_mode(self.prefs.hq_mode)

    def _received_from_hq(self) -> None:
        """HQ's content arrived (a questionnaire, examples): the survey shows the newest questionnaire."""
        survey = self.workspaces.get(SURVEY)
        if survey is not None and self.store is not None:
            survey.attach_store(self.store, self.prefs)  # type: ignore[attr-defined]

    def briefing_pack(self) -> None:
        if self.store is None:
            show_error(self, _("No data file open"))
            return
        from postapp.ui.report_dialog import ReportDialog  # loads ReportLab: only when asked for

        ReportDialog(self.store, self.prefs, self).open()

    def about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(self, _("About PostApp IMVO"), _(
            "PostApp IMVO {version}\nFor posts carrying out the IMVO guidelines: expertise, awareness, "
            "support, IMVO conditions and agenda-setting.").format(version=__version__))

    def closeEvent(self, event: object) -> None:
        if self.sync is not None:
            self.sync.shutdown()  # a sync under way stops before its data file is closed
        hq = self.workspaces.get(HQ)
        if hq is not None:
            hq.close_store()  # type: ignore[attr-defined]
        if self.store is not None:
            self.store.close()
        super().closeEvent(event)  # type: ignore[arg-type]
