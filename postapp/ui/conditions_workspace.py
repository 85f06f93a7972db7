"""Core task 4's workspace: the guideline beside the post's condition checks (open work and high
risk first) and its activities; a check opens as a guided form."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from postapp.conditions import checks
from postapp.conditions.models import SupportKind
from postapp.coretasks import CoreTask
from postapp.errors import ValidationError
from postapp.i18n import _, format_datetime
from postapp.ui.forms import FieldErrors, attempt
from postapp.ui.lazy_model import LazyTableModel, configure_table
from postapp.ui.messages import guarded, show_error
from postapp.ui.naming import named
from postapp.ui.organisation_picker import OrganisationPicker
from postapp.ui.settings import Preferences
from postapp.ui.task_workspace import TaskWorkspace

if TYPE_CHECKING:
    from postapp.store import Store


def _label(value: Any) -> str:
    return _(value.label) if value is not None else ""


class NewCheckDialog(QDialog):
    """Which company, which support, in which country: the three facts a check starts from."""

    def __init__(self, store: Store, prefs: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.prefs = store, prefs
        self.check_id: uuid.UUID | None = None
        self.setObjectName("newCheckDialog")
        self.setWindowTitle(_("New IMVO condition check"))
        self.errors = FieldErrors()
        form = QFormLayout()
        self.company = named(OrganisationPicker(), "company")
        self.company.store = store
        self.kind = named(QComboBox(), "supportKind")
        for kind in SupportKind:
            self.kind.addItem(_(kind.label), kind.value)
        self.country = named(QLineEdit(prefs.country), "hostCountry")
        self.country.setMaxLength(2)
        self.errors.add_row(form, "organisation", _("Company"), self.company)
        self.errors.add_row(form, "support_kind", _("Kind of support"), self.kind)
        self.errors.add_row(form, "host_country", _("Host country"), self.country)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.start)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def start(self) -> None:
        org_id, valid = self.company.chosen()

        def write() -> uuid.UUID:
            if org_id is None or not valid:
                raise ValidationError({"organisation": _("Choose the company the post would support.")})
            with self.store.session() as session:
                return checks.start_check(session, org_id, str(self.kind.currentData()), self.country.text(),
                                          self.prefs.user_name, self.prefs.post_code).id

        self.check_id = attempt(self, self.errors, write)
        if self.check_id is not None:
            self.accept()


class ChecksPanel(QWidget):
    def __init__(self, prefs: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prefs = prefs
        self.store: Store | None = None
        self.model = LazyTableModel(
            [_("Company"), _("Support"), _("Status"), _("Risk"), _("Decision"), _("Version"), _("Changed")],
            [lambda r: r[1], lambda r: _label(r[2]), lambda r: _label(r[3]), lambda r: _label(r[4]),
             lambda r: _label(r[5]), lambda r: str(r[6]), lambda r: format_datetime(r[7], "short")], self)
        self.table = named(QTableView(), "checks")
        self.table.setAccessibleName(_("Condition checks"))
        self.table.setModel(self.model)
        configure_table(self.table, stretch_column=0)
        for column, width in enumerate((200, 130, 130, 100, 150, 60, 120)):
            self.table.setColumnWidth(column, width)
        self.table.activated.connect(self._open_index)
        self.model.failed.connect(lambda message: show_error(self, message))
        self.new_button = named(QPushButton(_("New &check…")), "newCheck")
        self.new_button.setEnabled(False)
        self.new_button.clicked.connect(self.new_check)
        header = QHBoxLayout()
        header.addWidget(QLabel(_("Open checks first, highest risk first. Press Enter to open one.")))
        header.addStretch()
        header.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.table)

    def refresh(self, store: Store | None) -> None:
        self.store = store
        self.new_button.setEnabled(store is not None)
        if store is None:
            self.model.set_source(None)
            return

        def fetch(offset: int, limit: int) -> list[Any]:
            with store.read() as session:
                return list(checks.check_rows(session, offset, limit))

        guarded(self, lambda: self.model.set_source(fetch))

    def new_check(self) -> None:
        if self.store is None:
            return
        dialog = NewCheckDialog(self.store, self.prefs, self)
        dialog.accepted.connect(lambda: self.open_check(dialog.check_id))
        dialog.open()

    def _open_index(self, index: QModelIndex) -> None:
        self.open_check(self.model.row_id(index.row()))

    def open_check(self, check_id: uuid.UUID | None) -> None:
        if self.store is None or check_id is None:
            return
        from postapp.ui.check_dialog import CheckDialog

        dialog = CheckDialog(self.store, check_id, self.prefs, self)
        dialog.changed.connect(lambda: self.refresh(self.store))
        dialog.show()
        self.refresh(self.store)


class ConditionsWorkspace(TaskWorkspace):
    def __init__(self, prefs: Preferences, parent: QWidget | None = None) -> None:
        self.checks_panel = ChecksPanel(prefs)
        super().__init__(CoreTask.CONDITIONS, parent)

    def side_panel(self, activities: QWidget) -> QWidget:
        tabs = named(QTabWidget(), "conditionsTabs")
        tabs.addTab(self.checks_panel, _("Condition &checks"))
        tabs.addTab(activities, _("&Activities"))
        return tabs

    def refresh(self) -> None:
        super().refresh()
        self.checks_panel.refresh(self.store)
