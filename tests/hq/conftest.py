"""A real PostgreSQL server for the whole session, a fresh HQ database per test, and a real uvicorn server.

PostgreSQL is started with ``initdb``/``pg_ctl`` in a temporary folder on a free loopback port
(``postapp.hq.pgtest``). Without PostgreSQL binaries the tests fail, unless POSTAPP_ALLOW_NO_POSTGRES=1
says that skipping them is acceptable on this machine.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from postapp.hq.pgtest import PostgresUnavailable, TempPostgres
from postapp.hq.posts import initialise
from postapp.hq.store import HQStore, open_hq_store
from postapp.sync import keys
from postapp.sync.keys import KeyPair
from tests.hq.helpers import HQ_ID, LivePost, LiveServer

_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def pg() -> Iterator[TempPostgres]:
    try:
        server = TempPostgres()
    except PostgresUnavailable as exc:
        if os.environ.get("POSTAPP_ALLOW_NO_POSTGRES") == "1":
            pytest.skip(f"no PostgreSQL: {exc}")
        pytest.fail(f"{exc}. The HQ tests need a real PostgreSQL server (apt install postgresql); set "
                    "POSTAPP_ALLOW_NO_POSTGRES=1 to skip them instead.", pytrace=False)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def hq_keys() -> KeyPair:
    return keys.generate()


@pytest.fixture(scope="session")
def hq_template(pg: TempPostgres, hq_keys: KeyPair) -> str:
    """A migrated, set-up HQ database that each test's database is copied from."""
    url = pg.create_database("hq_template")
    store = open_hq_store(url)
    try:
        with store.session() as session:
            initialise(session, HQ_ID, hq_keys, "http://127.0.0.1")
    finally:
        store.close()
    return "hq_template"


@pytest.fixture
def hq_store(pg: TempPostgres, hq_template: str) -> Iterator[HQStore]:
    name = f"hq_{next(_numbers)}"
    store = open_hq_store(pg.create_database(name, template=hq_template))
    try:
        yield store
    finally:
        store.close()
        pg.drop_database(name)


@pytest.fixture
def sqlite_hq(tmp_path: Path, hq_keys: KeyPair) -> Iterator[HQStore]:
    store = open_hq_store(tmp_path / "hq.sqlite3")
    with store.session() as session:
        initialise(session, HQ_ID, hq_keys)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def post(tmp_path: Path, hq_store: HQStore, hq_keys: KeyPair) -> Iterator[LivePost]:
    """A real post: its own SQLite store, enrolled with HQ's enrolment file, and registered at HQ."""
    live = LivePost.create(tmp_path / "post", hq_store, hq_keys, "HAN")
    try:
        yield live
    finally:
        live.close()


@pytest.fixture
def server(hq_store: HQStore, hq_keys: KeyPair) -> Iterator[LiveServer]:
    from postapp.hq.server import create_app

    live = LiveServer(create_app(hq_store, hq_keys, HQ_ID)).start()
    try:
        yield live
    finally:
        live.stop()
