"""Starting the window: one ``QApplication``, the chosen language, the main window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from postapp.i18n import set_language
from postapp.ui.main_window import MainWindow
from postapp.ui.settings import APPLICATION, ORGANISATION, Preferences


def application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    return app


def install_qt_translations(app: QApplication, language: str) -> None:
    """Qt's own words (Yes, No, Cancel, the context menu of a text field) in the user's language."""
    if language == "en":
        return
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(QLocale(language), "qtbase", "_", folder):
        app.installTranslator(translator)


def build_window(db_path: Path | None, language: str | None = None) -> MainWindow:
    app = application()
    prefs = Preferences()
    chosen = language or prefs.language
    set_language(chosen)
    install_qt_translations(app, chosen)
    return MainWindow(prefs, db_path)


def run(db_path: Path | None, language: str | None = None) -> int:
    app = application()
    window = build_window(db_path, language)
    window.show()
    return app.exec()
