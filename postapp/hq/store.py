"""HQ's database: PostgreSQL in production (``postgresql+psycopg://...``), an SQLite file on a developer's
laptop. Opening it brings the schema up to date with HQ's own Alembic tree (``postapp/hq/migrations``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Connection, Engine, create_engine, event, make_url, select
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from postapp.errors import PostAppError
from postapp.hq.models import HQSetting
from postapp.i18n import _

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "hq_alembic_version"
HQ_HEAD = "0001_hq"
_BEGIN_OPTION = "postapp_hq_begin"
_MIGRATION_LOCK = 746_518_331  # any constant: one process migrates at a time


class HQStoreError(PostAppError):
    """HQ's database cannot be used; the message says why."""


def database_url(text: str | Path) -> URL:
    """A database URL from what a user typed: a URL, or the path of an SQLite file."""
    if isinstance(text, Path) or "://" not in text:
        return URL.create("sqlite+pysqlite", database=str(Path(text).expanduser().absolute()))
    try:
        url = make_url(text)
    except ArgumentError:
        raise HQStoreError(_("This is not a database address: {url}").format(url=text)) from None
    if url.get_backend_name() == "postgresql":
        return url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() != "sqlite":
        raise HQStoreError(_("HQ runs on PostgreSQL (or SQLite for trying it out), not on {kind}.").format(
            kind=url.get_backend_name()))
    return url


def _sqlite_pragmas(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    try:
        for pragma in ("foreign_keys = ON", "busy_timeout = 10000", "journal_mode = WAL", "synchronous = NORMAL"):
            cur.execute(f"PRAGMA {pragma}")
    finally:
        cur.close()


def _sqlite_begin(conn: Connection) -> None:
    immediate = conn.get_execution_options().get(_BEGIN_OPTION) == "IMMEDIATE"
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: URL) -> Engine:
    import orjson

    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"check_same_thread": False}, json_deserializer=orjson.loads)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, json_deserializer=orjson.loads, pool_size=5, max_overflow=10, pool_pre_ping=True,
                         connect_args={"connect_timeout": 10, "application_name": "postapp-hq"})


def _alembic_config() -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def upgrade(engine: Engine) -> None:
    """Applies HQ's pending migrations in one transaction; refuses a schema from a newer HQ."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    cfg = _alembic_config()
    known = {rev.revision for rev in ScriptDirectory.from_config(cfg).walk_revisions()}
    with engine.connect() as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
        current = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}).get_current_revision()
        if current == HQ_HEAD:
            return
        if current is not None and current not in known:
            raise HQStoreError(_("HQ's database was made by a newer version of PostApp (schema {revision}); "
                                 "install that version.").format(revision=current))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


@dataclass
class HQStore:
    """HQ's database: ``session()`` for work that writes (one transaction, committed at the end, nothing
    kept on error), ``read()`` for reading (rolled back at the end)."""

    url: URL
    engine: Engine

    def __post_init__(self) -> None:
        writer = self.engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
        self._sessions = sessionmaker(writer, expire_on_commit=False)
        self._readers = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_postgresql(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def session(self) -> Iterator[Session]:
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException as exc:
            session.rollback()
            translated = _translated(exc)
            if translated is not exc:
                raise translated from exc
            raise
        finally:
            session.close()

    @contextmanager
    def read(self) -> Iterator[Session]:
        session = self._readers()
        try:
            yield session
        finally:
            session.close()

    def close(self) -> None:
        self.engine.dispose()


def _translated(exc: BaseException) -> BaseException:
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return HQStoreError(_("The connection to HQ's database was lost; nothing of this step was kept. "
                              "Try again."))
    if isinstance(exc, DBAPIError) and type(exc.orig).__name__ == "OperationalError":
        return HQStoreError(_("HQ's database cannot be used: {reason}").format(reason=str(exc.orig).strip()[:300]))
    return exc


def open_hq_store(url: str | Path | URL, *, migrate: bool = True) -> HQStore:
    """Opens HQ's database (creating the SQLite file if needed) and brings its schema up to date."""
    parsed = url if isinstance(url, URL) else database_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        path = Path(parsed.database)
        if path.is_dir():
            raise HQStoreError(_("The chosen data file is a folder: {path}").format(path=path))
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(parsed)
    try:
        if migrate:
            upgrade(engine)
        else:
            with engine.connect():
                pass
    except BaseException as exc:
        engine.dispose()
        translated = _translated(exc)
        if translated is not exc:
            raise translated from exc
        raise
    return HQStore(parsed, engine)


def get_setting(session: Session, key: str) -> str | None:
    row = session.get(HQSetting, key)
    return row.value if row is not None else None


def set_setting(session: Session, key: str, value: str) -> None:
    row = session.get(HQSetting, key)
    if row is None:
        session.add(HQSetting(key=key, value=value))
    else:
        row.value = value
    session.flush()


def settings(session: Session) -> dict[str, str]:
    return {row.key: row.value for row in session.scalars(select(HQSetting))}
