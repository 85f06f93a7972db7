"""Putting a backup back in place of the data file.

The order is what makes it safe: the backup is checked before anything is touched; the current file
is copied aside first (even a damaged one: its raw bytes when SQLite cannot read it); the restored
copy is written next to the data file under a temporary name and moved over it in one rename, so a
crash leaves either the old file or the restored one, never a mixture. The old file's ``-wal`` and
``-shm`` are removed before the rename: left beside the restored file, SQLite would replay the old
log into it.

The store must be closed (the window closes and reopens it around this); a store still open in
another program is refused.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from postapp.i18n import _
from postapp.store import integrity
from postapp.store.backup import BEFORE_RESTORE, KEEP_BACKUPS, backup_database, copy_raw
from postapp.store.errors import CorruptStoreError, StoreError

RESTORING = ".restoring"


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    revision: str  # the backup's schema; opening the store migrates an older one as usual
    saved_current: Path | None  # the copy of the file that was replaced (None: there was none)


def check_backup(backup: Path) -> str:
    """The backup's schema revision, once it is known to be a sound PostApp data file."""
    from postapp.store import migrate

    if not backup.is_file():
        raise StoreError(_("The backup {path} does not exist.").format(path=backup))
    with backup.open("rb") as fh:
        if fh.read(16) != integrity.SQLITE_HEADER:
            raise StoreError(_("{path} is not a PostApp backup (it is not an SQLite database).").format(path=backup))
    try:
        integrity.check_structure(backup)
        integrity.verify(backup, "full")
    except CorruptStoreError as exc:
        raise StoreError(_("The backup {path} is damaged too ({detail}); choose another one.").format(
            path=backup.name, detail=exc.detail)) from exc
    con = sqlite3.connect(backup.absolute().as_uri() + "?mode=ro", uri=True)
    try:
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        row = None
    finally:
        con.close()
    if row is None:
        raise StoreError(_("{path} is not a PostApp backup (it holds no PostApp data).").format(path=backup.name))
    revision = str(row[0])
    if not migrate.is_known_revision(revision):
        raise StoreError(_("The backup {path} was made by a newer version of PostApp (schema {revision}); "
                           "install the newer version to restore it.").format(path=backup.name, revision=revision))
    return revision


def _ensure_closed(db_path: Path) -> None:
    """Leaving WAL mode needs the only connection to the file: it fails while another program (or
    another PostApp window) has the store open. It also folds the log into the file, so nothing of
    it is left to remove. A file too damaged for this is replaced anyway."""
    con = sqlite3.connect(db_path, timeout=0.5)
    try:
        con.execute("PRAGMA journal_mode = DELETE").fetchall()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc).lower() or "busy" in str(exc).lower():
            raise StoreError(_("The data file is open in another program or PostApp window; close it there "
                               "and restore again. Nothing was changed.")) from exc
    except sqlite3.DatabaseError:
        pass
    finally:
        con.close()


def save_current(db_path: Path, keep: int = KEEP_BACKUPS) -> Path | None:
    """A copy of the file about to be replaced, through SQLite when it can read it, else its raw bytes."""
    if not db_path.exists() or db_path.stat().st_size == 0:
        return None
    try:
        return backup_database(db_path, BEFORE_RESTORE, keep, verify=False)
    except (sqlite3.Error, OSError):
        return copy_raw(db_path, BEFORE_RESTORE, keep)


def restore_backup(db_path: Path, backup: Path, keep: int = KEEP_BACKUPS) -> RestoreResult:
    """Replaces the (closed) data file with ``backup``; raises ``StoreError`` with nothing changed when
    the backup is unusable or the store is in use."""
    db_path = Path(db_path).expanduser().resolve()
    backup = Path(backup).expanduser().resolve()
    if backup == db_path:
        raise StoreError(_("That is the data file itself, not a backup of it."))
    revision = check_backup(backup)
    if db_path.exists():
        _ensure_closed(db_path)
    temp = db_path.with_name(db_path.name + RESTORING)
    temp.unlink(missing_ok=True)
    saved: Path | None = None
    try:
        # The copy first: saving the current file prunes old backups, which may include this one.
        src = sqlite3.connect(backup.absolute().as_uri() + "?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(temp)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode = DELETE").fetchall()
            finally:
                dst.close()
        finally:
            src.close()
        fd = os.open(temp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        saved = save_current(db_path, keep)
        # The old file's log and index must not be read with the restored file, yet they are only
        # removed once it is in place: if the replace fails, the current file keeps its log.
        aside = [(Path(f"{db_path}{side}"), Path(f"{db_path}{side}.aside")) for side in ("-wal", "-shm", "-journal")]
        moved = []
        try:
            for side_file, parked in aside:
                if side_file.exists():
                    os.replace(side_file, parked)
                    moved.append((side_file, parked))
            os.replace(temp, db_path)
        except OSError:
            for side_file, parked in moved:
                os.replace(parked, side_file)
            raise
        for _side_file, parked in moved:
            parked.unlink(missing_ok=True)
    except OSError as exc:
        raise StoreError(_("The backup could not be put in place: {reason}. The data file was not replaced; "
                           "a copy of it is in {saved}.").format(reason=exc.strerror or exc,
                                                                 saved=saved or "-")) from exc
    finally:
        temp.unlink(missing_ok=True)
        Path(f"{temp}-journal").unlink(missing_ok=True)
    return RestoreResult(backup, revision, saved)
