"""Is the data file sound? Three depths, by cost on the 100,000-person store (bench/integrity.py):

* ``check_structure``: the header and the file's length against the page count the header claims
  (catches a truncated or zeroed file; microseconds);
* ``PRAGMA quick_check``: every page and record, not the indexes against their tables (~0.2 s);
* ``PRAGMA integrity_check``: also every index against its table (~2.5 s): the window runs it in a
  background thread once it is up, the CLI does not.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Literal

from postapp.store.errors import CorruptStoreError

SQLITE_HEADER = b"SQLite format 3\x00"
HEADER_SIZE = 100
Depth = Literal["quick", "full"]


def _wal_in_use(path: Path) -> bool:
    wal = Path(f"{path}-wal")
    return wal.exists() and wal.stat().st_size > 0


def check_structure(path: Path) -> None:
    """Raises ``CorruptStoreError`` for a file whose header is zeroed or that is shorter than its header
    says. With a non-empty ``-wal`` the length check is skipped: a checkpoint cut short by a crash may
    leave the file short, and SQLite completes it from the log."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        header = fh.read(HEADER_SIZE)
    if header[:16] != SQLITE_HEADER:
        return  # not SQLite at all: check_file decides what it is
    if len(header) < HEADER_SIZE:
        raise CorruptStoreError(f"file is {size} bytes, shorter than its header")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The page count is valid only when the change counter matches "version valid for".
    valid = pages > 0 and header[24:28] == header[92:96]
    if valid and not _wal_in_use(path) and size < pages * page_size:
        raise CorruptStoreError(f"file is {size} bytes; its header counts {pages} pages of {page_size} bytes")


SQLITE_CORRUPT, SQLITE_NOTADB = 11, 26


def _damage_or_raise(exc: sqlite3.Error) -> list[str]:
    """Only a damaged file or one that is not a database is damage. "Database is locked", a folder that
    cannot be read, a full disk are not: reporting them as damage would have staff restore an old backup
    over a sound file, so they are raised as they are (the callers turn them into their own messages)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and code & 0xFF not in (SQLITE_CORRUPT, SQLITE_NOTADB):
        raise exc
    return [str(exc)]


def problems(path: Path, depth: Depth = "quick") -> list[str]:
    """What ``PRAGMA quick_check`` (or ``integrity_check``) finds wrong; empty when the file is sound. A
    file SQLite cannot read at all gives its error."""
    pragma = "quick_check" if depth == "quick" else "integrity_check"
    try:
        con = sqlite3.connect(path.absolute().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return _damage_or_raise(exc)
    try:
        rows = [str(r[0]) for r in con.execute(f"PRAGMA {pragma}").fetchall()]
    except sqlite3.DatabaseError as exc:
        return _damage_or_raise(exc)
    finally:
        con.close()
    return [] if rows == ["ok"] else rows


def verify(path: Path, depth: Depth = "quick") -> None:
    """Raises ``CorruptStoreError`` naming the first problems found."""
    found = problems(path, depth)
    if found:
        raise CorruptStoreError("; ".join(found[:3]))
