"""Opening the store: checks the file, applies pending migrations after a backup, sets the pragmas.

The schema version is read with plain ``sqlite3`` first: when the store is already current (every
start but the first after an upgrade) Alembic is never imported, which keeps start-up fast.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import URL, Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from postapp.i18n import _
from postapp.store import integrity
from postapp.store.backup import backup_database, list_backups
from postapp.store.errors import CorruptStoreError, StoreError, translate_db_error

# The newest migration this build knows; a test checks it equals Alembic's head.
SCHEMA_HEAD = "0007_daily_work"
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


def _set_pragmas(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    # Let SQLAlchemy, not the driver, decide where transactions begin (see ``_begin``), so that DDL in
    # migrations is transactional and a failed unit of work leaves nothing half-written.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    try:
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
    finally:
        cur.close()


# Execution option naming how a transaction begins: "IMMEDIATE" for units of work that write.
BEGIN_OPTION = "postapp_begin"


def _begin(conn: Connection) -> None:
    # A deferred BEGIN takes the write lock only at the first write; if another connection committed
    # after this one read, that write fails at once with "database is locked" (busy_timeout cannot
    # help). BEGIN IMMEDIATE takes the write lock up front and waits up to busy_timeout for it.
    mode = conn.get_execution_options().get(BEGIN_OPTION, "")
    conn.exec_driver_sql("BEGIN IMMEDIATE" if mode == "IMMEDIATE" else "BEGIN")


def read_only_uri(path: Path) -> str:
    """An SQLite URI opening ``path`` read-only; ``as_uri`` percent-encodes '#', '?' and spaces."""
    return path.absolute().as_uri() + "?mode=ro"


def read_json(text: str | bytes) -> Any:
    """Reads a JSON column. orjson is four times faster than the standard library (the survey analysis
    reads ten thousand answer objects at a time); what it refuses but ``json`` wrote (NaN, Infinity, a
    huge integer, kept as received in a set-aside payload) is read by ``json``, so no row becomes
    unreadable."""
    import orjson

    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        import json

        return json.loads(text)


def make_engine(path: Path, *, read_only: bool = False) -> Engine:
    # URL.create keeps the path as it is; a URL string would be split at '?' and lose '#...'.
    url = (URL.create("sqlite+pysqlite", database=path.absolute().as_uri(), query={"mode": "ro", "uri": "true"})
           if read_only else URL.create("sqlite+pysqlite", database=str(path)))
    engine = create_engine(url, connect_args={"check_same_thread": False}, json_deserializer=read_json)
    event.listen(engine, "connect", _set_pragmas)
    event.listen(engine, "begin", _begin)
    return engine


def check_file(path: Path) -> None:
    """Refuses a file that exists but is not SQLite before SQLite gets a chance to misread it."""
    if path.is_dir():
        raise StoreError(_("The chosen data file is a folder: {path}").format(path=path))
    if path.exists() and path.stat().st_size > 0:
        with path.open("rb") as fh:
            header = fh.read(16)
        if header != SQLITE_HEADER:
            # A file of zeros, or one that has backups of its own, was a data file: it is damaged, not a
            # wrong choice (a crash on some file systems leaves zeros where the header was).
            if not header.strip(b"\x00") or list_backups(path):
                raise CorruptStoreError(_("the file no longer starts like an SQLite database"))
            raise StoreError(_("This file is not a PostApp data file (it is not an SQLite database)."))
        integrity.check_structure(path)


def current_revision(path: Path) -> str | None:
    if not path.exists() or path.stat().st_size == 0:
        return None
    con = sqlite3.connect(read_only_uri(path), uri=True)
    try:
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return None
        raise
    finally:
        con.close()
    return str(row[0]) if row else None


def _has_tables(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    con = sqlite3.connect(read_only_uri(path), uri=True)
    try:
        return bool(con.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0])
    finally:
        con.close()


@dataclass
class Store:
    """An open data file: the engine and two session factories bound to it.

    ``session()`` is for work that may write: its transaction begins IMMEDIATE, so it holds the write
    lock from the start (waiting up to ``BUSY_TIMEOUT_MS`` for another writer to finish) and a read
    followed by a write cannot fail halfway. ``read()`` is for lists, counts and forms being filled:
    a deferred transaction that never waits for writers and is rolled back at the end.
    """

    path: Path
    engine: Engine
    backups_made: list[Path] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Both share the engine's pool and listeners; only the option read by ``_begin`` differs.
        writer = self.engine.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})
        self._sessions = sessionmaker(writer, expire_on_commit=False)
        self._readers = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back entirely on any error."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException as exc:
            session.rollback()
            known = translate_db_error(exc)
            if known is not None and known is not exc:
                raise known from exc
            raise
        finally:
            session.close()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """Read-only work: nothing done in the block is kept (the transaction is rolled back)."""
        session = self._readers()
        try:
            yield session
        except BaseException as exc:
            known = translate_db_error(exc)
            if known is not None and known is not exc:
                raise known from exc
            raise
        finally:
            session.close()  # rolls back

    def close(self) -> None:
        self.engine.dispose()


Check = Literal["quick", "structure"]


def open_store(path: Path | str, *, migrate: bool = True, check: Check = "quick") -> Store:
    """Opens (creating if needed) the store at ``path`` and brings its schema up to date.

    A store made by a newer app is refused rather than touched; a store that needs migrating is backed
    up first, so a failed upgrade can always be undone from ``backups/``. A damaged store raises
    ``CorruptStoreError`` before anything is written to it: ``check="quick"`` runs ``PRAGMA
    quick_check`` (0.2 s on 100,000 persons), ``"structure"`` only the header and length checks, for
    the window, which runs the full check in the background once it is up.
    """
    path = Path(path).expanduser().resolve()
    try:
        check_file(path)
        if check == "quick" and path.exists() and path.stat().st_size > 0:
            integrity.verify(path, "quick")
        path.parent.mkdir(parents=True, exist_ok=True)
        revision = current_revision(path)
        if revision is None and _has_tables(path):
            raise StoreError(_("This SQLite file was not made by PostApp; it is left as it is. "
                               "Choose a PostApp data file or a new file name."))
        if migrate and revision != SCHEMA_HEAD:
            from postapp.store import migrate as migrations

            if revision is not None and not migrations.is_known_revision(revision):
                raise StoreError(
                    _("This data file was made by a newer version of PostApp (schema {revision}). "
                      "Install the newer version to open it.").format(revision=revision)
                )
            backups = [backup_database(path, f"before-{SCHEMA_HEAD}")] if revision is not None else []
            engine = make_engine(path)
            migrations.upgrade(engine)
            return Store(path, engine, backups)
        engine = make_engine(path)
        with engine.connect():
            pass
        return Store(path, engine)
    except StoreError:
        raise
    except Exception as exc:
        known = translate_db_error(exc)
        if known is not None:
            raise known from exc
        if isinstance(exc, PermissionError):
            raise StoreError(_("You are not allowed to read or write the data file {path}. "
                               "Choose another file or ask for access.").format(path=path)) from exc
        if isinstance(exc, OSError):
            raise StoreError(_("The data file cannot be opened: {reason}").format(
                reason=exc.strerror or exc)) from exc
        raise
