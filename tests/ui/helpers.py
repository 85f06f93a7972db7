"""Small helpers for driving the real window in tests."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from postapp.ui.app import build_window
from postapp.ui.main_window import MainWindow


def open_window(qtbot: QtBot, db_path: Path, language: str = "en") -> MainWindow:
    """Shows the main window and waits until its store is open (or failed to open)."""
    window = build_window(db_path, language)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.store_opened, timeout=20000):
        window.show()
    return window
