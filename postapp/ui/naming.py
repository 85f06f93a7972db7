"""Object names: tests and accessibility tools find widgets by them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QPushButton, QWidget

Q = TypeVar("Q", bound=QObject)


def named(obj: Q, name: str) -> Q:
    """Sets the object name and returns the object, so widgets can be named where they are made."""
    obj.setObjectName(name)
    return obj


def new_record_button(panel: QWidget, text: str, tooltip: str, button_name: str, action_text: str,
                      action_name: str, slot: Callable[[], object]) -> QPushButton:
    """A panel's "New …" button and its Ctrl+N, which works anywhere inside the panel but not beyond it:
    several panels share a window, each with its own kind of record. Disabled until a store is open."""
    button = named(QPushButton(text), button_name)
    button.setToolTip(tooltip)
    button.setEnabled(False)
    button.clicked.connect(slot)
    action = named(QAction(action_text, panel), action_name)
    action.setShortcut(QKeySequence.StandardKey.New)
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    action.triggered.connect(slot)
    panel.addAction(action)
    return button
