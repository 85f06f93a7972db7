"""The country risk profile (core task 1): the shipped reference levels, sector × theme, for the post's
country, with the post's own view laid over them. A double-click (or Enter) on a cell annotates it.

Each cell says its level in words and marks the post's view with "✎", so the grid reads without its
colours (and in print); the tooltip gives the reference level and the post's note.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from postapp.conditions import risk_data
from postapp.conditions.risk_data import RiskData
from postapp.i18n import _
from postapp.services import expertise
from postapp.services.expertise import RiskProfile, level_label
from postapp.ui.appearance import is_dark
from postapp.ui.forms import FieldErrors, NotesEdit, attempt
from postapp.ui.messages import guarded
from postapp.ui.naming import named

if TYPE_CHECKING:
    from postapp.store import Store
    from postapp.ui.settings import Preferences

Index = QModelIndex | QPersistentModelIndex
POST_MARK = "✎"
COLOURS = {"high": QColor("#f4c7c3"), "medium": QColor("#fce8b2"), "low": QColor("#d9ead3")}
# In dark mode the same hues, deep, under light text: bright cells would glare on a dark window.
DARK_COLOURS = {"high": QColor("#7a2e28"), "medium": QColor("#5f4a10"), "low": QColor("#2e4d2a")}


def cell_text(cell: expertise.RiskCell) -> str:
    text = level_label(cell.effective) if cell.effective else "–"
    return f"{text} {POST_MARK}" if cell.annotated else text


def cell_tooltip(cell: expertise.RiskCell) -> str:
    lines = [_("Reference level: {level}").format(level=level_label(cell.reference))]
    if cell.level:
        lines.append(_("The post's view: {level}").format(level=level_label(cell.level)))
    if cell.note:
        lines.append(cell.note)
    return "\n".join(lines)


class RiskProfileModel(QAbstractTableModel):
    """Rows are sectors, columns themes; the data is the merged profile the core computes."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.profile: RiskProfile | None = None
        self.data_: RiskData | None = None

    def set_profile(self, profile: RiskProfile | None, data: RiskData | None) -> None:
        self.beginResetModel()
        self.profile, self.data_ = profile, data
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.profile is None else len(self.profile.sectors)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.profile is None else len(self.profile.themes)

    def key(self, index: Index) -> tuple[str, str] | None:
        if self.profile is None or not index.isValid():
            return None
        return self.profile.sectors[index.row()], self.profile.themes[index.column()]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        key = self.key(index)
        if key is None or self.profile is None:
            return None
        cell = self.profile.cell(*key)
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(cell)
        if role == Qt.ItemDataRole.ToolTipRole:
            return cell_tooltip(cell)
        if role == Qt.ItemDataRole.BackgroundRole:
            return (DARK_COLOURS if is_dark() else COLOURS).get(cell.effective)
        if role == Qt.ItemDataRole.ForegroundRole and cell.effective:
            return QColor("#f0f0f0" if is_dark() else "#202020")  # on the level colours, either theme
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        shown = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)  # the tooltip: a label cut short
        if role not in shown or self.profile is None or self.data_ is None:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.data_.theme_label(self.profile.themes[section])
        return self.data_.sector_label(self.profile.sectors[section])


class AnnotationDialog(QDialog):
    """The post's view of one cell: a level (or the reference one) and a note; both empty clears it."""

    saved = Signal()

    def __init__(self, store: Store, country: str, sector: str, theme: str, cell: expertise.RiskCell,
                 data: RiskData, post_code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.country, self.sector, self.theme = store, country, sector, theme
        self.data, self.post_code = data, post_code
        self.setObjectName("annotationDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(_("{sector} — {theme}").format(sector=data.sector_label(sector),
                                                           theme=data.theme_label(theme)))
        self.errors = FieldErrors()
        form = QFormLayout()
        form.addRow(_("Reference level"), QLabel(level_label(cell.reference)))
        self.level = named(QComboBox(), "annotationLevel")
        self.level.addItem(_("Keep the reference level"), "")
        for level in expertise.LEVELS:
            self.level.addItem(level_label(level), level)
        self.level.setCurrentIndex(max(self.level.findData(cell.level), 0))
        self.note = named(NotesEdit(_("Note")), "annotationNote")
        self.note.setPlainText(cell.note)
        self.note.setPlaceholderText(_("What the post has seen itself, with its source"))
        self.errors.add_row(form, "level", _("The post's &view"), self.level)
        self.errors.add_row(form, "note", _("&Note"), self.note)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.clear_button = named(self.buttons.addButton(_("C&lear"), QDialogButtonBox.ButtonRole.ResetRole),
                                  "clearAnnotation")
        self.clear_button.setToolTip(_("Back to the reference level, without a note"))
        self.clear_button.clicked.connect(self.clear)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def save(self) -> None:
        def write() -> bool:
            with self.store.session() as session:
                expertise.set_annotation(session, self.country, self.sector, self.theme,
                                         str(self.level.currentData()), self.note.toPlainText(), self.post_code,
                                         self.data)
            return True

        if attempt(self, self.errors, write):
            self.saved.emit()
            self.accept()

    def clear(self) -> None:
        self.level.setCurrentIndex(0)
        self.note.clear()
        self.save()


class RiskProfilePanel(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store: Store | None = None
        self.post_code = ""
        self._prefs: Preferences | None = None
        self.data: RiskData | None = None
        self.heading = named(QLabel(), "riskProfileHeading")
        self.heading.setWordWrap(True)
        self.model = RiskProfileModel(self)
        self.table = named(QTableView(), "riskProfile")
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move in it
        self.table.setAccessibleName(_("Country risk profile, sectors by theme"))
        self.table.setModel(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setDefaultSectionSize(110)
        self.table.activated.connect(self.annotate)
        legend = QLabel(_("{mark} marks the post's own view. Hover a cell for the reference level and the note; "
                          "double-click or press Enter to annotate it.").format(mark=POST_MARK))
        legend.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(legend)

    @property
    def prefs(self) -> Preferences:
        if self._prefs is None:
            from postapp.ui.settings import Preferences

            self._prefs = Preferences()
        return self._prefs

    @prefs.setter
    def prefs(self, prefs: Preferences) -> None:
        self._prefs = prefs

    @property
    def country(self) -> str:
        return self.prefs.country

    def attach_store(self, store: Store | None) -> None:
        self.store = store
        self.refresh()

    def set_post_code(self, code: str) -> None:
        self.post_code = code

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()  # the country may have changed in the preferences

    def refresh(self) -> None:
        store = self.store
        if store is None:
            self.model.set_profile(None, None)
            self.heading.clear()
            return

        def read() -> None:
            data = risk_data.load()
            with store.read() as session:
                profile = expertise.risk_profile(session, self.country, data)
            self.data = data
            self.model.set_profile(profile, data)
            name = data.country_label(profile.country)
            text = _("Risk profile for {country} ({code}), reference data {version}").format(
                country=name, code=profile.country, version=data.version)
            if not profile.covered:
                text += "\n" + _("The reference data has no profile for this country; the post can still add its "
                                 "own view per cell.")
            self.heading.setText(text)

        guarded(self, read)

    def annotate(self, index: QModelIndex) -> AnnotationDialog | None:
        key = self.model.key(index)
        if key is None or self.store is None or self.data is None or self.model.profile is None:
            return None
        sector, theme = key
        dialog = AnnotationDialog(self.store, self.model.profile.country, sector, theme,
                                  self.model.profile.cell(sector, theme), self.data, self.post_code, self)
        dialog.saved.connect(self._written)
        dialog.open()
        return dialog

    def _written(self) -> None:
        current = self.table.currentIndex()
        self.refresh()
        self.table.setCurrentIndex(self.model.index(current.row(), current.column()))
        self.changed.emit()
