"""Guards against a Qt binding that corrupts the interpreter: PySide6 6.12.0 released a reference to
None on each call of a method returning nothing, so the app aborted ("deallocating None") after a
few thousand calls on Python 3.11."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QComboBox, QLabel
from pytestqt.qtbot import QtBot


def test_calling_void_qt_methods_keeps_none_alive(qtbot: QtBot) -> None:
    label = QLabel()
    combo = QComboBox()
    qtbot.addWidget(label)
    qtbot.addWidget(combo)
    before = sys.getrefcount(None)
    for i in range(500):
        label.setText(str(i))
        combo.addItem(str(i), str(i))
    assert sys.getrefcount(None) >= before - 50
