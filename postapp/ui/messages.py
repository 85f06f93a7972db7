"""One way to tell the user that something could not be done, in their language."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from postapp.errors import PostAppError
from postapp.i18n import _

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

T = TypeVar("T")


def show_error(parent: QWidget | None, message: str) -> None:
    # Imported here: nothing of this is needed to show the window, and start-up time counts.
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Warning, _("PostApp IMVO"), message, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorMessage")
    box.setTextFormat(Qt.TextFormat.PlainText)  # messages quote what users typed: never render it as HTML
    if parent is None:
        box.exec()
        return
    # Window-modal and non-blocking: the parent keeps the box alive, tests can find and close it.
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()


def user_message(exc: Exception, unexpected: str) -> str:
    """The translated message for ``exc``: expected failures say what happened; anything else is a bug,
    logged with its traceback, and the user gets ``unexpected`` (a translated text with ``{kind}``)."""
    if isinstance(exc, PostAppError):
        return str(exc)
    from postapp.store.errors import translate_db_error

    known = translate_db_error(exc)
    if known is not None:
        return str(known)
    import logging

    logging.getLogger("postapp.ui").exception("unexpected error")
    return unexpected.format(kind=type(exc).__name__)


def guarded(parent: QWidget | None, action: Callable[[], T]) -> T | None:
    """Runs ``action``; an expected failure becomes a message box instead of a crash."""
    try:
        return action()
    except Exception as exc:
        show_error(parent, user_message(exc, _("Something went wrong ({kind}). Your data was not changed.")))
    return None
