"""Choosing a person's organisation by typing part of its name.

A post can hold tens of thousands of organisations, too many for a combo box to fill at once; the
picker asks the search index for the best matches as the user types and keeps the chosen id.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from postapp.i18n import _
from postapp.services import search
from postapp.ui.messages import guarded

if TYPE_CHECKING:
    from postapp.store import Store

SUGGESTIONS = 20


class OrganisationPicker(QLineEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store: Store | None = None
        self.organisation_id: uuid.UUID | None = None
        self._choices: dict[str, uuid.UUID] = {}
        self.setPlaceholderText(_("type part of the name, then choose"))
        self.setClearButtonEnabled(True)
        self._model = QStringListModel(self)
        completer = QCompleter(self._model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.activated.connect(self._chosen)
        self.setCompleter(completer)
        self.textEdited.connect(self._suggest)

    def set_organisation(self, org_id: uuid.UUID | None, name: str) -> None:
        self.organisation_id = org_id
        self._choices = {name: org_id} if org_id is not None else {}
        self.setText(name)

    def _suggest(self, text: str) -> None:
        self.organisation_id = self._choices.get(text)
        store = self.store
        if store is None or not text.strip():
            self._model.setStringList([])
            return

        def fetch() -> None:
            with store.session() as session:
                rows = search.organisation_rows(session, text, 0, SUGGESTIONS)
            self._choices = {row.name: row.id for row in rows}
            self._model.setStringList(list(self._choices))
            self.organisation_id = self._choices.get(text)

        guarded(self, fetch)

    def _chosen(self, name: str) -> None:
        self.organisation_id = self._choices.get(name)

    def chosen(self) -> tuple[uuid.UUID | None, bool]:
        """The chosen id, and whether the text is valid (empty, or an organisation that was chosen)."""
        text = self.text().strip()
        if not text:
            return None, True
        if self.organisation_id is None and text in self._choices:
            self.organisation_id = self._choices[text]
        return self.organisation_id, self.organisation_id is not None
