"""Starting the window: one ``QApplication``, the chosen language, the main window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from postapp.i18n import set_language
from postapp.ui.appearance import apply_appearance, follow_system
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
    apply_appearance(app, prefs.appearance)  # before any widget exists: each is built in its colours
    follow_system(app, lambda: prefs.appearance)
    return MainWindow(prefs, db_path)


def needs_first_run(db_path: Path | None, prefs: Preferences) -> bool:
    """The first-run wizard comes before the window once, unless a data file was named (``--db``: that
    is someone who knows what they are doing, or a script) or the data file already exists (someone
    updating from a version before the wizard, or ``make run``, which fills the default file first)."""
    if db_path is not None or prefs.first_run_done:
        return False
    from postapp import paths

    existing = Path(prefs.data_file) if prefs.data_file else paths.default_db_path()
    return not existing.is_file()


def chosen_data_file(db_path: Path | None, prefs: Preferences) -> Path | None:
    """``--db`` first, then the data file chosen in the wizard or Preferences; None means the default."""
    if db_path is not None:
        return db_path
    return Path(prefs.data_file) if prefs.data_file else None


def run(db_path: Path | None, language: str | None = None) -> int:
    app = application()
    prefs = Preferences()
    if needs_first_run(db_path, prefs):
        from postapp.ui.first_run import run_first_run

        apply_appearance(app, prefs.appearance)
        if not run_first_run(prefs, language):
            return 0
    window = build_window(chosen_data_file(db_path, prefs), language)
    window.show()
    return app.exec()
