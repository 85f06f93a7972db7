"""HQ's schema: made by its own migrations, the same as the models on PostgreSQL and on SQLite."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from postapp.hq.models import schema_metadata
from postapp.hq.pgtest import TempPostgres
from postapp.hq.store import VERSION_TABLE, HQStore, HQStoreError, database_url, open_hq_store

_names = itertools.count(1)


def differences(store: HQStore) -> list[object]:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "version_table": VERSION_TABLE})
        return list(compare_metadata(context, schema_metadata()))


def test_the_migrated_postgresql_schema_is_the_models(hq_store: HQStore) -> None:
    assert hq_store.is_postgresql
    assert differences(hq_store) == []


def test_the_migrated_sqlite_schema_is_the_models(sqlite_hq: HQStore) -> None:
    assert differences(sqlite_hq) == []


def test_a_schema_from_a_newer_hq_is_refused(pg: TempPostgres) -> None:
    url = pg.create_database(f"newer_{next(_names)}")
    open_hq_store(url).close()
    store = open_hq_store(url, migrate=False)
    with store.engine.begin() as conn:
        conn.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = '0099_future'"))
    store.close()
    with pytest.raises(HQStoreError, match="newer version"):
        open_hq_store(url)


def test_addresses(tmp_path: Path) -> None:
    assert database_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert database_url(str(tmp_path / "hq.sqlite3")).drivername == "sqlite+pysqlite"
    with pytest.raises(HQStoreError, match="not on mysql"):
        database_url("mysql://u@h/db")


def test_an_unreachable_server_is_one_clear_message(pg: TempPostgres) -> None:
    from postapp.hq.pgtest import free_port

    with pytest.raises(HQStoreError, match="cannot be used"):
        open_hq_store(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nothing")
