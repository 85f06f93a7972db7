"""A table model that holds only the rows fetched so far and asks the core for the next page when
the view scrolls near the end (Qt's ``canFetchMore``/``fetchMore``), so 100,000 persons open at once.

``fetchMore`` is called by the view, from Qt, where an exception cannot be handled: a page that
cannot be read marks the model exhausted (no endless retries while scrolling) and emits ``failed``
with the message for the user; the workspace owning the model shows it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from postapp.i18n import _

PAGE_SIZE = 200
Index = QModelIndex | QPersistentModelIndex
FetchPage = Callable[[int, int], Sequence[tuple[Any, ...]]]


def configure_table(view: QTableView, stretch_column: int) -> None:
    """One row per line, the text column stretching: lists stay scannable at any size."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)  # Tab leaves the table, arrows move in it: no keyboard trap
    view.setWordWrap(False)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
    header.setDefaultSectionSize(160)


class LazyTableModel(QAbstractTableModel):
    """Rows are tuples whose first element is the record id; ``columns`` maps a header to a formatter."""

    failed = Signal(str)  # a page could not be read: the translated message

    def __init__(self, headers: list[str], formatters: list[Callable[[tuple[Any, ...]], str]],
                 parent: Any = None) -> None:
        super().__init__(parent)
        self._headers = headers
        self._formatters = formatters
        self._rows: list[tuple[Any, ...]] = []
        self._fetch: FetchPage | None = None
        self._exhausted = True
        self.error: str | None = None  # the message of the last failed page, until the next start

    def set_source(self, fetch: FetchPage | None) -> None:
        """Starts over with a new query; the first page is loaded right away."""
        self.beginResetModel()
        self._rows = []
        self._fetch = fetch
        self._exhausted = fetch is None
        self.error = None
        self.endResetModel()
        if fetch is not None:
            self.fetchMore(QModelIndex())

    def reload(self) -> None:
        self.set_source(self._fetch)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._fetch is None or self._exhausted:
            return
        # One row more than a page tells whether another page exists, without a count query.
        try:
            page = list(self._fetch(len(self._rows), PAGE_SIZE + 1))
        except Exception as exc:
            self._exhausted = True
            self.error = _failure_message(exc)
            self.failed.emit(self.error)
            return
        self._exhausted = len(page) <= PAGE_SIZE
        page = page[:PAGE_SIZE]
        if page:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        return self._formatters[index.column()](self._rows[index.row()])

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def row_id(self, row: int) -> Any:
        return self._rows[row][0] if 0 <= row < len(self._rows) else None

    def row_of(self, record_id: Any) -> int:
        for i, row in enumerate(self._rows):
            if row[0] == record_id:
                return i
        return -1

    @property
    def loaded(self) -> int:
        return len(self._rows)


def _failure_message(exc: Exception) -> str:
    """What to tell the user about a page that could not be read; an unexpected failure is logged."""
    from postapp.ui.messages import user_message

    return user_message(exc, _("The list could not be read ({kind}). Your data was not changed."))
