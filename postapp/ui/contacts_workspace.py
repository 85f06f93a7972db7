"""Contacts: organisations and persons, searched as you type, each with its detail form.

The lists are lazy (``LazyTableModel``): only the first page is read when the workspace opens or the
search changes, and more pages as the user scrolls.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelection, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from postapp.domain import OrganisationKind
from postapp.i18n import _, format_number, ngettext
from postapp.services import search
from postapp.ui.lazy_model import LazyTableModel, configure_table
from postapp.ui.messages import guarded, show_error
from postapp.ui.organisation_form import OrganisationForm
from postapp.ui.person_form import PersonForm
from postapp.ui.record_form import RecordForm

if TYPE_CHECKING:
    from postapp.store import Store

SEARCH_DELAY_MS = 150


def _kind_label(value: str) -> str:
    try:
        return _(OrganisationKind(value).label)
    except ValueError:
        return value


class ContactList(QWidget):
    """One list (persons or organisations) beside its form."""

    def __init__(self, model: LazyTableModel, form: RecordForm, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model, self.form = model, form
        self.table = QTableView()
        self.table.setModel(model)
        configure_table(self.table, stretch_column=model.columnCount() - 1)
        for column, width in enumerate((150, 160, 180)):
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(form)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([640, 420])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def _selected(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = selected.indexes()
        if rows:
            record_id = self.model.row_id(rows[0].row())
            if record_id is not None:
                self.form.load(record_id)

    def select(self, record_id: uuid.UUID) -> None:
        row = self.model.row_of(record_id)
        if row >= 0:
            self.table.selectRow(row)


class ContactsWorkspace(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workspace_contacts")
        self.setAccessibleName(_("Contacts"))
        self.store: Store | None = None

        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(_("Search names, e-mail, organisations and tags…"))
        self.search.setAccessibleName(_("Search contacts"))
        self.search.setClearButtonEnabled(True)
        self.count = QLabel()
        self.count.setObjectName("contactCount")
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())

        self.persons = LazyTableModel(
            [_("Name"), _("Organisation"), _("E-mail"), _("Role")],
            [lambda r: r[1], lambda r: r[3], lambda r: r[2], lambda r: r[4]], self)
        self.organisations = LazyTableModel(
            [_("Name"), _("Kind"), _("Sector"), _("Country")],
            [lambda r: r[1], lambda r: _kind_label(r[2]), lambda r: r[3], lambda r: r[4]], self)
        for model in (self.persons, self.organisations):
            model.failed.connect(lambda message: show_error(self, message))
        self.person_form = PersonForm()
        self.organisation_form = OrganisationForm()
        self.person_list = ContactList(self.persons, self.person_form)
        self.person_list.table.setObjectName("persons")
        self.person_list.table.setAccessibleName(_("Persons"))
        self.organisation_list = ContactList(self.organisations, self.organisation_form)
        self.organisation_list.table.setObjectName("organisations")
        self.organisation_list.table.setAccessibleName(_("Organisations"))
        self.tabs = QTabWidget()
        self.tabs.setObjectName("contactTabs")
        self.tabs.addTab(self.person_list, _("&Persons"))
        self.tabs.addTab(self.organisation_list, _("O&rganisations"))
        self.tabs.currentChanged.connect(lambda _i: self.run_search())
        self._shown_query: dict[int, str | None] = {}  # per tab: the query its list shows

        self.new_button = QPushButton(_("&New"))
        self.new_button.setObjectName("newContact")
        self.new_button.setToolTip(_("New person or organisation (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_record)
        QShortcut(QKeySequence.StandardKey.New, self, self.new_record)
        self.import_button = QPushButton(_("&Import…"))
        self.import_button.setObjectName("importContacts")
        self.import_button.setToolTip(_("Import contacts from a CSV, Excel or vCard file (Ctrl+Shift+I)"))
        self.import_button.clicked.connect(self.import_contacts)
        QShortcut(QKeySequence("Ctrl+Shift+I"), self, self.import_contacts)
        self.export_button = QPushButton(_("E&xport…"))
        self.export_button.setObjectName("exportContacts")
        self.export_button.setToolTip(_("Export persons to CSV or vCard (Ctrl+Shift+E)"))
        self.export_button.clicked.connect(self.export_contacts)
        QShortcut(QKeySequence("Ctrl+Shift+E"), self, self.export_contacts)
        self.duplicates_button = QPushButton(_("Find &duplicates…"))
        self.duplicates_button.setObjectName("findDuplicates")
        self.duplicates_button.setToolTip(_("Find persons entered twice and merge them (Ctrl+Shift+D)"))
        self.duplicates_button.clicked.connect(self.find_duplicates)
        QShortcut(QKeySequence("Ctrl+Shift+D"), self, self.find_duplicates)
        self.privacy_button = QPushButton(_("&Privacy…"))
        self.privacy_button.setObjectName("privacyReview")
        self.privacy_button.setToolTip(_("Retention review, a person's data export and erasure (GDPR) (Ctrl+Shift+G)"))
        self.privacy_button.clicked.connect(self.privacy_review)
        QShortcut(QKeySequence("Ctrl+Shift+G"), self, self.privacy_review)
        # Ctrl+F is the window's search over everything; Ctrl+L goes to this list's own search line.
        QShortcut(QKeySequence("Ctrl+L"), self, self.search.setFocus)
        self.search.setToolTip(_("Search contacts (Ctrl+L); Ctrl+F searches everything"))

        self.person_form.saved.connect(lambda rid: self._after_change(self.person_list, rid))
        self.person_form.deleted.connect(lambda _rid: self._after_change(self.person_list, None))
        self.organisation_form.saved.connect(lambda rid: self._after_change(self.organisation_list, rid))
        self.organisation_form.deleted.connect(lambda _rid: self._after_change(self.organisation_list, None))

        top = QHBoxLayout()
        heading = _("Contacts")
        top.addWidget(QLabel(f"<h1>{heading}</h1>"))
        top.addWidget(self.search, 1)
        top.addWidget(self.new_button)
        top.addWidget(self.import_button)
        top.addWidget(self.export_button)
        top.addWidget(self.duplicates_button)
        top.addWidget(self.privacy_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.count)
        layout.addWidget(self.tabs)

    def attach_store(self, store: Store | None, post_code: str) -> None:
        self.store = store
        self.person_form.attach_store(store, post_code)
        self.organisation_form.attach_store(store, post_code)
        self._shown_query.clear()
        self.run_search()

    def set_post_code(self, post_code: str) -> None:
        """The post's code, recorded on new contacts (after the preferences change)."""
        self.person_form.post_code = self.organisation_form.post_code = post_code

    def _fetcher(self, rows: Any) -> Any:
        store, query = self.store, self.search.text()
        if store is None:
            return None

        def fetch(offset: int, limit: int) -> list[Any]:
            with store.read() as session:
                return list(rows(session, query, offset, limit))

        return fetch

    def run_search(self) -> None:
        """Refreshes the visible list only; the other tab catches up when it is shown."""
        self._search_timer.stop()
        tab = self.tabs.currentIndex()
        query = self.search.text() if self.store is not None else None
        if tab not in self._shown_query or self._shown_query[tab] != query:
            model, rows = ((self.persons, search.person_rows) if tab == 0
                           else (self.organisations, search.organisation_rows))

            def load() -> bool:
                model.set_source(self._fetcher(rows))
                return model.error is None  # a failed page was shown to the user by ``failed``

            if guarded(self, load):
                self._shown_query[tab] = query
            else:  # the list is empty because it failed: read it again next time, not "already shown"
                self._shown_query.pop(tab, None)
        # The count comes right after the list is painted: the first rows matter most.
        QTimer.singleShot(0, self._update_count)

    def _update_count(self) -> None:
        store = self.store
        if store is None:
            self.count.clear()
            return
        persons_tab = self.tabs.currentIndex() == 0
        query = self.search.text()

        def count() -> None:
            with store.read() as session:
                n = (search.count_persons if persons_tab else search.count_organisations)(session, query)
            template = (ngettext("{n} person", "{n} persons", n) if persons_tab
                        else ngettext("{n} organisation", "{n} organisations", n))
            self.count.setText(template.format(n=format_number(n)))

        guarded(self, count)

    def new_record(self) -> None:
        contact_list = self.person_list if self.tabs.currentIndex() == 0 else self.organisation_list
        contact_list.table.clearSelection()
        contact_list.form.new()
        first = contact_list.form.findChild(QLineEdit, "name")
        if first is not None:
            first.setFocus()

    def _after_change(self, contact_list: ContactList, record_id: uuid.UUID | None) -> None:
        guarded(self, contact_list.model.reload)
        self._update_count()
        if contact_list is self.organisation_list:
            self._shown_query.pop(0, None)  # persons show their organisation's name: reload on return
        if record_id is not None:
            contact_list.select(record_id)

    def import_contacts(self) -> None:
        if self.store is None:
            return
        from postapp.ui.import_dialog import ImportDialog

        dialog = ImportDialog(self.store, self.person_form.post_code, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.imported.connect(lambda _result: self._after_import())
        dialog.open()

    def _after_import(self) -> None:
        self._shown_query.clear()  # both lists may have new rows
        self.run_search()

    def export_contacts(self) -> None:
        if self.store is None:
            return
        from postapp.ui.export_dialog import ExportDialog, export_message

        dialog = ExportDialog(self.store, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.exported.connect(lambda result: self.count.setText(export_message(result)))
        dialog.open()

    def find_duplicates(self) -> None:
        from postapp.ui.duplicates_dialog import show_duplicates

        dialog = show_duplicates(self.store, self)
        if dialog is not None:
            dialog.merged.connect(self._after_merge)

    def privacy_review(self) -> None:
        if self.store is None:
            return
        from postapp.ui.privacy_dialog import PrivacyDialog
        from postapp.ui.settings import Preferences

        prefs = Preferences()
        dialog = PrivacyDialog(self.store, years=prefs.retention_years, erased_by=prefs.user_name,
                               person_id=self.person_form.record_id, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.years.valueChanged.connect(lambda years: setattr(prefs, "retention_years", years))
        dialog.changed.connect(self._after_privacy_change)
        dialog.open()

    def _after_merge(self, kept_id: uuid.UUID) -> None:
        self.person_form.new()  # the form may show the person merged away
        self._after_change(self.person_list, kept_id)

    def _after_privacy_change(self) -> None:
        self.person_form.new()  # the form may show the person just erased
        self._after_change(self.person_list, None)
