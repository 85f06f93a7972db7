"""Copies of the data file made with SQLite's online backup API, so a copy is consistent even while
the app has the file open.

A copy is written under a temporary name, checked (``PRAGMA quick_check``) and only then renamed to
its final name: a crash or a full disk never leaves a half copy that looks like a backup, and a
damaged store never pushes good backups out. Scheduled copies and the others (before a migration,
before a restore) are pruned separately, so an hourly schedule cannot crowd out the copy made before
an upgrade.
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from postapp.store import integrity

KEEP_BACKUPS = 10
SCHEDULED = "scheduled"
BEFORE_RESTORE = "before-restore"
STAMP_FORMAT = "%Y%m%dT%H%M%S%fZ"
# What STAMP_FORMAT writes, as a glob: 8 digits, T, 12 digits, Z.
STAMP_GLOB = "[0-9]" * 8 + "T" + "[0-9]" * 12 + "Z"
STAMP_LENGTH = 22
PARTIAL = ".partial"
STALE_PARTIAL_SECONDS = 3600  # a partial copy this old is left over from a crash, not being written
COPY_PAGES = 4096  # pages per backup step: other connections may write between steps


def backups_dir(db_path: Path) -> Path:
    return db_path.parent / "backups"


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    made_at: dt.datetime  # UTC, from the name (file times change when folders are copied)
    reason: str
    size: int


def backup_info(db_path: Path, backup: Path) -> BackupInfo:
    rest = backup.name[len(db_path.stem) + 1:-len(".sqlite3")]
    made_at = dt.datetime.strptime(rest[:STAMP_LENGTH], STAMP_FORMAT).replace(tzinfo=dt.UTC)
    try:
        size = backup.stat().st_size
    except OSError:
        size = 0
    return BackupInfo(backup, made_at, rest[STAMP_LENGTH + 1:], size)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _target(db_path: Path, reason: str) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime(STAMP_FORMAT)
    return backups_dir(db_path) / f"{db_path.stem}-{stamp}-{reason}.sqlite3"


def _remove_stale_partials(db_path: Path) -> None:
    now = time.time()
    for partial in backups_dir(db_path).glob(f"{glob.escape(db_path.stem)}-*{PARTIAL}"):
        try:
            if now - partial.stat().st_mtime > STALE_PARTIAL_SECONDS:
                partial.unlink()
        except OSError:
            pass


def backup_database(db_path: Path, reason: str, keep: int = KEEP_BACKUPS, *, verify: bool = True) -> Path:
    """Writes ``backups/<name>-<UTC time>-<reason>.sqlite3`` next to the store and prunes old ones.

    With ``verify`` a copy that fails ``quick_check`` is deleted and ``CorruptStoreError`` raised: the
    store itself is damaged (the backup API copies pages as they are)."""
    folder = backups_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    _remove_stale_partials(db_path)
    target = _target(db_path, reason)
    partial = target.with_name(target.name + PARTIAL)
    try:
        # as_uri percent-encodes the path: a '#' or '?' in a folder name would otherwise end the file name.
        src = sqlite3.connect(db_path.absolute().as_uri() + "?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst, pages=COPY_PAGES)
                # The copy of a WAL store is itself in WAL mode: fold its log in so it is one file.
                dst.execute("PRAGMA journal_mode = DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        if verify:
            integrity.verify(partial)
        _fsync(partial)
        os.replace(partial, target)
    except BaseException:
        for leftover in (partial, Path(f"{partial}-journal"), Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)
        raise
    prune_backups(db_path, keep)
    return target


def copy_raw(db_path: Path, reason: str, keep: int = KEEP_BACKUPS) -> Path:
    """The file's bytes as they are (with its ``-wal`` log): for a store too damaged for the backup
    API, kept anyway before it is replaced."""
    folder = backups_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    target = _target(db_path, reason)
    partial = target.with_name(target.name + PARTIAL)
    shutil.copyfile(db_path, partial)
    wal = Path(f"{db_path}-wal")
    if wal.exists() and wal.stat().st_size:
        shutil.copyfile(wal, f"{target}-wal")
    _fsync(partial)
    os.replace(partial, target)
    prune_backups(db_path, keep)
    return target


def list_backups(db_path: Path) -> list[Path]:
    """This store's backups, newest first; not those of another store in the same folder whose name
    starts alike (``postapp-test.sqlite3`` beside ``postapp.sqlite3``)."""
    folder = backups_dir(db_path)
    if not folder.exists():
        return []
    return sorted(folder.glob(f"{glob.escape(db_path.stem)}-{STAMP_GLOB}-*.sqlite3"), reverse=True)


def list_backup_infos(db_path: Path) -> list[BackupInfo]:
    return [backup_info(db_path, p) for p in list_backups(db_path)]


def prune_backups(db_path: Path, keep: int) -> None:
    """Keeps the newest ``keep`` scheduled copies and, separately, the newest ``keep`` of the others."""
    scheduled: list[Path] = []
    others: list[Path] = []
    for backup in list_backups(db_path):
        (scheduled if backup_info(db_path, backup).reason == SCHEDULED else others).append(backup)
    for old in scheduled[keep:] + others[keep:]:
        old.unlink(missing_ok=True)
        Path(f"{old}-wal").unlink(missing_ok=True)


def newest_backup_time(db_path: Path) -> dt.datetime | None:
    backups = list_backups(db_path)
    return backup_info(db_path, backups[0]).made_at if backups else None


def backup_if_due(db_path: Path, interval: dt.timedelta, keep: int = KEEP_BACKUPS, *,
                  now: dt.datetime | None = None) -> Path | None:
    """A scheduled backup when the newest backup (of any reason) is older than ``interval``; None when
    none was due, or the schedule is off (an interval of zero) or there is no store yet."""
    if interval <= dt.timedelta(0) or not db_path.exists() or db_path.stat().st_size == 0:
        return None
    newest = newest_backup_time(db_path)
    now = now or dt.datetime.now(dt.UTC)
    if newest is not None and now - newest < interval:
        return None
    return backup_database(db_path, SCHEDULED, keep)
