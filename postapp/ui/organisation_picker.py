"""Choosing a person's organisation by typing part of its name.

A post can hold tens of thousands of organisations, too many for a combo box to fill at once; the
picker asks the search index for the best matches as the user types and keeps the chosen id.
"""

from __future__ import annotations

import uuid
from collections import Counter
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from postapp.i18n import _
from postapp.services import search
from postapp.ui.messages import guarded

if TYPE_CHECKING:
    from postapp.store import Store

SUGGESTIONS = 20
ID_ROLE = Qt.ItemDataRole.UserRole
NAME_ROLE = Qt.ItemDataRole.UserRole + 1


class OrganisationPicker(QLineEdit):
    """A line edit whose suggestions carry the organisation's id (``ID_ROLE``), so two organisations
    of the same name stay apart: those are shown as "Name — Sector, Country"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store: Store | None = None
        self.organisation_id: uuid.UUID | None = None
        self._chosen_text = ""  # the text shown when organisation_id was chosen
        self.setPlaceholderText(_("type part of the name, then choose"))
        self.setClearButtonEnabled(True)
        self._model = QStandardItemModel(self)
        completer = QCompleter(self._model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        # The index is the completion model's (a proxy); its data reaches through to our items. The
        # overload is picked by indexing the signal, which PySide's type stubs do not describe.
        completer.activated[QModelIndex].connect(self._activated)  # type: ignore[index]
        self.setCompleter(completer)
        self.textEdited.connect(self._suggest)

    def set_organisation(self, org_id: uuid.UUID | None, name: str) -> None:
        self._model.clear()
        if org_id is not None:
            self._model.appendRow(_item(name, org_id, name))
        self._choose(org_id, name)
        self.setText(name)

    def suggestions(self) -> list[str]:
        """The texts offered, in order."""
        return [self._model.item(row).text() for row in range(self._model.rowCount())]

    def _choose(self, org_id: uuid.UUID | None, text: str) -> None:
        self.organisation_id = org_id
        self._chosen_text = text.strip() if org_id is not None else ""

    def _suggest(self, text: str) -> None:
        self._choose(None, "")
        store = self.store
        if store is None or not text.strip():
            self._model.clear()
            return

        def fetch() -> None:
            with store.read() as session:
                rows = search.organisation_suggestions(session, text, SUGGESTIONS)
            self._fill(rows)
            self._resolve(text)

        guarded(self, fetch)

    def _fill(self, rows: list[search.OrganisationRow]) -> None:
        self._model.clear()
        names = Counter(row.name.casefold() for row in rows)
        for row in rows:
            label = row.name if names[row.name.casefold()] == 1 else _label_with_details(row)
            self._model.appendRow(_item(label, row.id, row.name))

    def _resolve(self, text: str) -> None:
        """Takes a name typed out in full (case aside), or a suggestion's text, when only one fits."""
        wanted = text.strip().casefold()
        ids = set()
        for row in range(self._model.rowCount()):
            item = self._model.item(row)
            if wanted in (item.text().casefold(), str(item.data(NAME_ROLE)).casefold()):
                ids.add(item.data(ID_ROLE))
        self._choose(uuid.UUID(ids.pop()) if len(ids) == 1 else None, text)

    def _activated(self, index: QModelIndex) -> None:
        org_id = index.data(ID_ROLE)
        # Runs before the completer puts the text in the line edit: that text is the item's.
        self._choose(uuid.UUID(org_id) if org_id else None, str(index.data(Qt.ItemDataRole.EditRole)))

    def chosen(self) -> tuple[uuid.UUID | None, bool]:
        """The chosen id, and whether the text is valid (empty, or an organisation that was chosen)."""
        text = self.text().strip()
        if not text:
            return None, True
        if self.organisation_id is None or text != self._chosen_text:
            # The text changed without an edit (a suggestion highlighted, or set from code).
            self._resolve(text)
        return self.organisation_id, self.organisation_id is not None


def _label_with_details(row: search.OrganisationRow) -> str:
    details = [d for d in (row.sector, row.country) if d] or [_kind_label(row.kind)]
    return _("{name} — {details}").format(name=row.name, details=", ".join(details))


def _kind_label(value: str) -> str:
    from postapp.domain import OrganisationKind

    try:
        return _(OrganisationKind(value).label)
    except ValueError:
        return value


def _item(label: str, org_id: uuid.UUID, name: str) -> QStandardItem:
    item = QStandardItem(label)
    item.setEditable(False)
    item.setData(org_id.hex, ID_ROLE)  # as text: a plain Qt value, whatever the binding does with objects
    item.setData(name, NAME_ROLE)
    return item
