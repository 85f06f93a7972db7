"""Copies of the data file made with SQLite's online backup API, so a copy is consistent even while
the app has the file open; only the newest few are kept."""

import datetime as dt
import sqlite3
from pathlib import Path

KEEP_BACKUPS = 5


def backups_dir(db_path: Path) -> Path:
    return db_path.parent / "backups"


def backup_database(db_path: Path, reason: str, keep: int = KEEP_BACKUPS) -> Path:
    """Writes ``backups/<name>-<UTC time>-<reason>.sqlite3`` next to the store and prunes old ones."""
    folder = backups_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = folder / f"{db_path.stem}-{stamp}-{reason}.sqlite3"
    src = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
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
    """Newest first."""
    folder = backups_dir(db_path)
    if not folder.exists():
        return []
    return sorted(folder.glob(f"{db_path.stem}-*.sqlite3"), reverse=True)


def prune_backups(db_path: Path, keep: int) -> None:
    for old in list_backups(db_path)[keep:]:
        old.unlink(missing_ok=True)
