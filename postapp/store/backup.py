"""Copies of the data file made with SQLite's online backup API, so a copy is consistent even while
the app has the file open; only the newest few are kept."""

import datetime as dt
import glob
import sqlite3
from pathlib import Path

KEEP_BACKUPS = 5
STAMP_FORMAT = "%Y%m%dT%H%M%S%fZ"
# What STAMP_FORMAT writes, as a glob: 8 digits, T, 12 digits, Z.
STAMP_GLOB = "[0-9]" * 8 + "T" + "[0-9]" * 12 + "Z"


def backups_dir(db_path: Path) -> Path:
    return db_path.parent / "backups"


def backup_database(db_path: Path, reason: str, keep: int = KEEP_BACKUPS) -> Path:
    """Writes ``backups/<name>-<UTC time>-<reason>.sqlite3`` next to the store and prunes old ones."""
    folder = backups_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime(STAMP_FORMAT)
    target = folder / f"{db_path.stem}-{stamp}-{reason}.sqlite3"
    # as_uri percent-encodes the path: a '#' or '?' in a folder name would otherwise end the file name.
    src = sqlite3.connect(db_path.absolute().as_uri() + "?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    prune_backups(db_path, keep)
    return target


def list_backups(db_path: Path) -> list[Path]:
    """This store's backups, newest first; not those of another store in the same folder whose name
    starts alike (``postapp-test.sqlite3`` beside ``postapp.sqlite3``)."""
    folder = backups_dir(db_path)
    if not folder.exists():
        return []
    return sorted(folder.glob(f"{glob.escape(db_path.stem)}-{STAMP_GLOB}-*.sqlite3"), reverse=True)


def prune_backups(db_path: Path, keep: int) -> None:
    for old in list_backups(db_path)[keep:]:
        old.unlink(missing_ok=True)
