"""Alembic, driven from code: the migrations live inside the package so a frozen app carries them."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from postapp.i18n import _
from postapp.store.errors import StoreError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def is_known_revision(revision: str) -> bool:
    script = ScriptDirectory.from_config(alembic_config())
    return any(rev.revision == revision for rev in script.walk_revisions())


def upgrade(engine: Engine, target: str = "head") -> None:
    """Applies the migrations up to ``target`` in one transaction, with foreign keys off.

    A batch migration rebuilds a table by copying it and dropping the original; with foreign keys on,
    dropping a parent table would delete or null its child rows (``ON DELETE CASCADE``/``SET NULL``).
    SQLite ignores ``PRAGMA foreign_keys`` inside a transaction, so it is set before the transaction
    begins, and ``PRAGMA foreign_key_check`` runs before the commit: a migration that left a dangling
    reference commits nothing.
    """
    cfg = alembic_config()
    conn = engine.connect()
    try:
        _foreign_keys(conn, on=False)
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, target)
                if conn.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                    raise StoreError(_("Updating the data file would leave broken references between "
                                       "records; nothing was changed. Please report this."))
        finally:
            _foreign_keys(conn, on=True)
    finally:
        conn.close()


def _foreign_keys(conn: Connection, *, on: bool) -> None:
    # On the driver's connection: SQLAlchemy would begin a transaction first, where the pragma is a no-op.
    raw = conn.connection.dbapi_connection
    assert raw is not None
    cursor = raw.cursor()
    try:
        cursor.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")
    finally:
        cursor.close()
