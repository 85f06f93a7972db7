"""The user guide inside the app: a Windows laptop has no program for Markdown files, and staff
should not need one. ``QTextBrowser`` renders the guide's Markdown with its screenshots (relative to
the guide's folder) and follows the links between its sections."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from postapp.i18n import _
from postapp.ui.naming import named


class GuideViewer(QDialog):
    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("guideViewer")
        self.setWindowTitle(_("User guide"))
        self.resize(980, 760)
        self.browser = named(QTextBrowser(), "guideText")
        self.browser.setAccessibleName(_("User guide"))
        self.browser.setOpenExternalLinks(True)
        self.load(path)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Back), self, self.browser.backward)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)

    def load(self, path: Path) -> None:
        # A .md source is read as Markdown; images and links resolve against the guide's folder.
        self.browser.setSearchPaths([str(path.parent)])
        self.browser.setSource(QUrl.fromLocalFile(str(path)))
