"""Form rows with a message line under each field, so validation speaks where the problem is."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from postapp.errors import ValidationError
from postapp.services.validation import MAX_NOTES, too_long
from postapp.ui.appearance import error_style
from postapp.ui.messages import guarded, show_error

T = TypeVar("T")
ERROR_STYLE = "color: #b00020;"  # light windows only: widgets use appearance.error_style()



class FieldErrors:
    """Maps a core field name (``ValidationError.errors`` key) to the label under its widget."""

    def __init__(self) -> None:
        self._labels: dict[str, QLabel] = {}

    def add_row(self, layout: QFormLayout, field: str, label: str, widget: QWidget) -> QLabel:
        box = QWidget()
        inner = QVBoxLayout(box)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(2)
        inner.addWidget(widget)
        error = QLabel()
        error.setObjectName(f"error_{field}")
        error.setTextFormat(Qt.TextFormat.PlainText)  # messages quote what users typed
        error.setStyleSheet(error_style())
        error.setWordWrap(True)
        error.hide()
        inner.addWidget(error)
        widget.setAccessibleName(label)
        row_label = QLabel(label)
        row_label.setBuddy(widget)
        layout.addRow(row_label, box)
        self._labels[field] = error
        if isinstance(widget, NotesEdit):
            widget.too_long.connect(lambda message, f=field: self.show_message(f, message))
        return error

    def clear(self) -> None:
        for label in self._labels.values():
            label.clear()
            label.hide()

    def show(self, error: ValidationError) -> list[str]:
        """Shows each message at its field; returns the messages that have no field on this form."""
        self.clear()
        unplaced = []
        for field, message in error.errors.items():
            label = self._labels.get(field)
            if label is None:
                unplaced.append(message)
                continue
            label.setText(message)
            label.setAccessibleDescription(message)
            label.show()
        return unplaced

    def show_message(self, field: str, message: str) -> None:
        self.show(ValidationError({field: message}))

    def message(self, field: str) -> str:
        label = self._labels.get(field)
        return label.text() if label is not None and label.isVisible() else ""


def attempt(parent: QWidget, errors: FieldErrors, action: Callable[[], T]) -> T | None:
    """Runs a save: validation messages go to their fields (those without a field to a message box),
    any other failure to a message box. Returns the action's result, or None when it did not succeed."""

    def run() -> T | None:
        try:
            return action()
        except ValidationError as exc:
            for message in errors.show(exc):
                show_error(parent, message)
            return None

    return guarded(parent, run)


class NotesEdit(QPlainTextEdit):
    """A notes field that refuses a paste it could not store, instead of freezing on laying out
    megabytes of text; ``too_long`` carries the message to show at the field."""

    too_long = Signal(str)

    def __init__(self, label: str, parent: QWidget | None = None, max_chars: int = MAX_NOTES) -> None:
        super().__init__(parent)
        self.label, self.max_chars = label, max_chars
        self.setTabChangesFocus(True)  # Tab moves on to the next field, as everywhere else: no trap

    def insertFromMimeData(self, source: QMimeData) -> None:
        pasted = source.text()
        kept = len(self.toPlainText()) - len(self.textCursor().selectedText())
        if kept + len(pasted) > self.max_chars:
            self.too_long.emit(too_long(self.label, self.max_chars, kept + len(pasted)))
            return
        super().insertFromMimeData(source)
