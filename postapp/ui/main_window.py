"""The main window: navigation from Home by the five core tasks plus Contacts and Survey (and
Headquarters in HQ mode), a status bar with the data file and the sync state, menus whose actions
carry shortcuts, and one search over everything (Ctrl+F).

The window paints first and opens the store right after (``FirstPaint``): importing SQLAlchemy and
checking the schema cost more than showing Qt itself, and staff should see the app at once.
Workspaces other than the first (Home, which is cheap and filled once the store is open) are built
on their first visit.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QWidget,
)

from postapp import __version__
from postapp.coretasks import CoreTask
from postapp.i18n import _
from postapp.ui.messages import guarded, show_error, user_message
from postapp.ui.naming import named
from postapp.ui.settings import Preferences
from postapp.ui.task_workspace import TaskWorkspace

if TYPE_CHECKING:
    import uuid

    from postapp.store import Store
    from postapp.ui.backup_dialog import BackupController
    from postapp.ui.contacts_workspace import ContactsWorkspace
    from postapp.ui.search_dialog import SearchDialog
    from postapp.ui.sync_panel import SyncController

HOME = "home"
CONTACTS = "contacts"
SURVEY = "survey"
HQ = "hq"  # only in HQ mode, after the others
# The navigation, in order. Each entry's row is also its Go shortcut: Home Ctrl+0, the core tasks
# Ctrl+1..5 (their numbers), Contacts Ctrl+6, Survey Ctrl+7, Headquarters Ctrl+8.
WORKSPACES: list[str] = [HOME] + [t.value for t in CoreTask] + [CONTACTS, SURVEY]
CONTACTS_PAGE_LIMIT = 20  # pages of a name search read to find one contact shown from elsewhere

# Where a record of each kind (``DueKind``/``HitKind`` values) is shown inside its core-task
# workspace: the panel's object name and its method that shows one record. Looked up defensively:
# a panel without that method is still brought forward.
RECORD_OPENERS: dict[str, tuple[str, str]] = {
    "event": ("eventsPanel", "select"),
    "case": ("casesPanel", "open_case"),
    "agenda": ("agendaPanel", "open_entry"),
    "next_step": ("agendaPanel", "open_entry"),
    "note": ("notesPanel", "select"),
    "note_review": ("notesPanel", "select"),
}


def workspace_label(key: str) -> str:
    if key == HOME:
        return _("Home")
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
        self.nav.setAccessibleName(_("Home, core tasks and contacts"))
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
        self.search_dialog: SearchDialog | None = None  # built at the first Ctrl+F
        self.backups: BackupController | None = None  # full check and scheduled backups, with the store
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
        restore = named(QAction(_("&Restore from backup…"), self), "actionRestore")
        restore.triggered.connect(self.restore_from_backup)
        file_menu.addAction(restore)
        file_menu.addAction(prefs)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)

        self.go_menu = self.menuBar().addMenu(_("&Go"))
        search = named(QAction(_("&Search everything…"), self), "actionSearch")
        search.setShortcut(QKeySequence.StandardKey.Find)
        search.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        search.triggered.connect(self.search_everything)
        self.search_action = search
        self.go_menu.addAction(search)
        self.go_menu.addSeparator()
        self.go_actions: list[QAction] = []  # by navigation row
        for row in range(self.nav.count()):
            self._add_go_action(row)

        help_menu = self.menuBar().addMenu(_("&Help"))
        guide = named(QAction(_("&User guide"), self), "actionUserGuide")
        guide.setShortcut(QKeySequence(Qt.Key.Key_F1))
        guide.triggered.connect(self.open_user_guide)
        help_menu.addAction(guide)
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
        """Home is row 0 (Ctrl+0), so each core task's shortcut is its number (see ``WORKSPACES``)."""
        action = named(QAction(self.nav.item(row).text(), self), f"actionGo{row}")
        action.setShortcut(QKeySequence(f"Ctrl+{row}"))
        action.triggered.connect(lambda _checked=False, r=row: self.nav.setCurrentRow(r))
        self.go_menu.addAction(action)
        self.go_actions.append(action)

    def set_hq_mode(self, on: bool) -> None:
        """Adds or removes the Headquarters entry (always the last one, Ctrl+8); one removed while
        shown gives way to Home."""
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
        if key == HOME:
            from postapp.ui.home_workspace import HomeWorkspace

            home = HomeWorkspace()
            home.set_post_code(self.prefs.post_code)
            home.open_requested.connect(self.open_record)
            home.new_requested.connect(self.new_record)
            home.activity_saved.connect(self._activity_saved_at_home)
            if self.store is not None:
                home.attach_store(self.store)
            widget = home
        elif key == CONTACTS:
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

        from postapp.store.errors import CorruptStoreError

        path = self.db_path or default_db_path()
        try:
            # Only the structural check here (instant); the full one runs in the background below.
            self.store = open_store(path, check="structure")
        except Exception as exc:
            # Whatever went wrong, the status bar must not keep saying "Opening the data file…".
            self.data_label.setText(_("No data file open"))
            if isinstance(exc, CorruptStoreError):
                self.offer_restore(str(exc))
            else:
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
            elif key == HOME:
                widget.attach_store(self.store)  # type: ignore[attr-defined]
        if self.search_dialog is not None:
            self.search_dialog.attach_store(self.store)
        sync.attach_store(self.store)
        self._backup_controller().start(self.store.path)
        self.store_opened.emit()

    def _backup_controller(self) -> BackupController:
        if self.backups is None:
            from postapp.ui.backup_dialog import BackupController

            self.backups = BackupController(self, lambda: self.prefs.backup_interval_hours,
                                            lambda: self.prefs.backups_keep,
                                            lambda text: self.statusBar().showMessage(text, 15_000))
            self.backups.damaged.connect(self.offer_restore)
        return self.backups

    def _data_path(self) -> Path:
        from postapp.paths import default_db_path

        return self.store.path if self.store is not None else (self.db_path or default_db_path()).resolve()

    def offer_restore(self, message: str) -> None:
        """The data file is damaged: the message, with a button that opens the backups."""
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Critical, _("PostApp IMVO"), message, QMessageBox.StandardButton.Close,
                          self)
        box.setObjectName("damagedStore")
        box.setTextFormat(Qt.TextFormat.PlainText)
        button = box.addButton(_("&Restore from backup…"), QMessageBox.ButtonRole.AcceptRole)
        button.setObjectName("openBackups")
        box.setDefaultButton(button)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.accepted.connect(lambda: self.restore_from_backup(damaged=message))
        box.open()

    def restore_from_backup(self, _checked: bool = False, damaged: str = "") -> None:
        from postapp.ui.backup_dialog import BackupDialog

        dialog = BackupDialog(self._data_path(), self, close_store=self.close_store, reopen_store=self.reopen_store,
                              damaged=damaged)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def close_store(self) -> None:
        """Closes the data file (for a restore): background work on it stops first."""
        if self.backups is not None:
            self.backups.stop()
        if self.sync is not None:
            self.sync.shutdown()
        if self.store is not None:
            self.db_path = self.store.path
            self.store.close()
            self.store = None

    def reopen_store(self) -> bool:
        """Opens the data file again and hands it to every workspace (after a restore)."""
        self.close_store()
        self.open_store()  # also restarts the sync's timers (attach_store)
        return self.store is not None

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
            elif key in (HOME, CONTACTS, SURVEY):
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

    def go_to(self, key: str) -> QWidget | None:
        """Shows the workspace ``key`` (if it is in the navigation) and returns it."""
        if key not in self.workspace_keys:
            return None
        self.nav.setCurrentRow(self.workspace_keys.index(key))
        return self.workspace(key)

    def search_everything(self) -> None:
        """Ctrl+F anywhere in the window: the search over every kind of record."""
        if self.search_dialog is None:
            from postapp.ui.search_dialog import SearchDialog

            self.search_dialog = SearchDialog(self.store, self)
            self.search_dialog.open_requested.connect(self.open_record)
        self.search_dialog.start()

    def open_record(self, key: str, record_id: uuid.UUID | None, kind: str = "") -> None:
        """Goes to the workspace ``key`` and, where it can, shows the record there (from Home and
        the search). ``kind`` is the record's kind (``DueKind``/``HitKind`` value) when known."""
        widget = self.go_to(key)
        if widget is None or record_id is None:
            return
        if key == CONTACTS:
            self.show_contact(record_id)
        elif isinstance(widget, TaskWorkspace):
            self._show_in_task(widget, record_id, kind)

    def show_contact(self, record_id: uuid.UUID) -> bool:
        """Selects a person or organisation in Contacts: its name becomes the search, so it is in
        the list, and the pages are read until it shows."""
        store = self.store
        if store is None:
            return False
        from postapp.domain import Organisation, Person

        def find() -> tuple[int, str] | None:
            with store.read() as session:
                person = session.get(Person, record_id)
                if person is not None and not person.is_deleted:
                    return 0, person.name
                organisation = session.get(Organisation, record_id)
                if organisation is not None and not organisation.is_deleted:
                    return 1, organisation.name
            return None

        found = guarded(self, find)
        if found is None:
            return False
        tab, name = found
        contacts = cast("ContactsWorkspace", self.go_to(CONTACTS))
        contact_list = contacts.person_list if tab == 0 else contacts.organisation_list
        contacts.tabs.setCurrentIndex(tab)
        contacts.search.setText(name)
        contacts.run_search()
        model = contact_list.model
        for _page in range(CONTACTS_PAGE_LIMIT):
            if model.row_of(record_id) >= 0 or not model.canFetchMore():
                break
            model.fetchMore()
        contact_list.select(record_id)
        contact_list.table.setFocus()
        return model.row_of(record_id) >= 0

    def _show_in_task(self, workspace: TaskWorkspace, record_id: uuid.UUID, kind: str) -> None:
        opener = RECORD_OPENERS.get(kind)
        if opener is not None:
            panel = workspace.findChild(QWidget, opener[0])
            if panel is not None:
                _bring_forward(panel)
                method = getattr(panel, opener[1], None)
                if callable(method):
                    guarded(self, lambda: method(record_id))
                return
        row = workspace.model.row_of(record_id)  # an activity (or a follow-up's): among those read
        if row >= 0:
            _bring_forward(workspace.table)
            workspace.table.selectRow(row)
            workspace.table.setFocus()

    def new_record(self, key: str, button_name: str) -> None:
        """Quick-add from Home: goes to the workspace and presses its "new" button, if it has one."""
        widget = self.go_to(key)
        if widget is None:
            return
        if key == CONTACTS:
            widget.tabs.setCurrentIndex(0)  # type: ignore[attr-defined]  # a new person
        button = widget.findChild(QAbstractButton, button_name)
        if button is not None and button.isEnabled():
            _bring_forward(button)
            button.click()

    def _activity_saved_at_home(self, task: str) -> None:
        workspace = self.workspaces.get(task)
        if isinstance(workspace, TaskWorkspace):
            workspace.refresh()

    def briefing_pack(self) -> None:
        if self.store is None:
            show_error(self, _("No data file open"))
            return
        from postapp.ui.report_dialog import ReportDialog  # loads ReportLab: only when asked for

        ReportDialog(self.store, self.prefs, self).open()

    def open_user_guide(self) -> bool:
        """F1: the user guide in the user's language (English when there is none), shown in the app;
        a clear message when the guide is not installed."""
        from postapp.i18n import language
        from postapp.paths import guide_path
        from postapp.ui.guide_viewer import GuideViewer

        path = guide_path(language())
        if not path.is_file():
            show_error(self, _("The user guide was not found (looked for {path}). It is part of the "
                               "installation: ask headquarters for a complete installer.").format(path=path))
            return False
        viewer = self.findChild(GuideViewer, "guideViewer")
        if viewer is None:
            viewer = GuideViewer(path, self)
        else:
            viewer.load(path)  # the language may have changed since
        viewer.show()
        viewer.raise_()
        return True

    def about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(self, _("About PostApp IMVO"), _(
            "PostApp IMVO {version}\nFor posts carrying out the IMVO guidelines: expertise, awareness, "
            "support, IMVO conditions and agenda-setting.").format(version=__version__))

    def closeEvent(self, event: object) -> None:
        if self.search_dialog is not None:
            self.search_dialog.close()
        if self.sync is not None:
            self.sync.shutdown()  # a sync under way stops before its data file is closed
        if self.backups is not None:
            self.backups.stop()
        hq = self.workspaces.get(HQ)
        if hq is not None:
            hq.close_store()  # type: ignore[attr-defined]
        if self.store is not None:
            self.store.close()
        super().closeEvent(event)  # type: ignore[arg-type]


def _bring_forward(widget: QWidget) -> None:
    """Makes the tabs that hold ``widget`` show it (a panel sits in its workspace's tabs)."""
    child: QWidget | None = widget
    while child is not None:
        parent = child.parentWidget()
        tabs = parent.parentWidget() if parent is not None else None
        if isinstance(tabs, QTabWidget) and tabs.indexOf(child) >= 0:
            tabs.setCurrentWidget(child)
        child = parent
