"""Known database failures (full disk, read-only file, not a database, locked) as user messages.

Following qutebrowser's ``misc/sql.py``: these are situations, not bugs, so they become a
``StoreError`` with a translated message; anything else propagates as a bug.
"""

import sqlite3

from sqlalchemy.exc import DBAPIError

from postapp.errors import PostAppError
from postapp.i18n import _


class StoreError(PostAppError):
    """The data file cannot be used as asked; the message says why and what to do."""


class CorruptStoreError(StoreError):
    """The data file is damaged (failed integrity check, truncated, overwritten). Its own class so the
    window can offer the backups and the CLI can point at ``postapp backup restore``."""

    def __init__(self, detail: str = "") -> None:
        self.detail = detail
        super().__init__(damaged_message(detail))


def damaged_message(detail: str = "") -> str:
    text = _("The data file is damaged and cannot be used safely; restore the most recent backup "
             "(File → Restore from backup…).")
    if detail:
        text += " " + _("(SQLite reports: {detail})").format(detail=" ".join(detail.split())[:200])
    return text


def _known_message(text: str) -> str | None:
    text = text.lower()
    if "disk is full" in text or "database or disk is full" in text:
        return _("The disk is full. Nothing was saved; free some space and try again.")
    if "readonly" in text or "read-only" in text:
        return _("The data file is read-only. Nothing was saved; choose a data file you can write to.")
    if "file is not a database" in text or "file is encrypted" in text:
        return _("This file is not a PostApp data file (it is not an SQLite database).")
    if "database is locked" in text or "database table is locked" in text:
        return _("The data file is in use by another program. Close it there and try again.")
    if "disk i/o error" in text or "unable to open database" in text:
        return _("The data file cannot be read or written (disk error). Check the drive and try again.")
    return None


def translate_db_error(exc: BaseException) -> StoreError | None:
    """Returns a ``StoreError`` for known database failures, ``None`` for anything that is a bug."""
    if isinstance(exc, StoreError):
        return exc
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    if isinstance(orig, sqlite3.Error):
        if "malformed" in str(orig).lower():
            return CorruptStoreError(str(orig))
        message = _known_message(str(orig))
        if message:
            return StoreError(message)
    return None
