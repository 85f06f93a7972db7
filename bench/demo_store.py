"""Creating the demo store (100,000 persons, 20,000 organisations, 50,000 activities): ``demo.fill``
(generating the rows, inserting them, building the search index) vs plain sqlite3 ``executemany`` of
the same, already generated rows into the same schema with the search triggers left out (insert cost
only, no index: the strictest baseline). Target: ours <= 4x raw."""

from __future__ import annotations

import datetime as dt
import enum
import sqlite3
import time
import uuid
from typing import Any

from common import CACHE, PERSONS, report


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def empty_store(name: str) -> Any:
    from postapp.store import open_store

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / name
    for old in CACHE.glob(name + "*"):
        old.unlink()
    return open_store(path)


def main() -> list[dict[str, object]]:
    from postapp import demo

    store = empty_store("bench-demo-ours.sqlite3")
    start = time.perf_counter()
    with store.session() as session:
        result = demo.fill(session, PERSONS)
    ours = time.perf_counter() - start
    store.close()

    rows = demo.generate(PERSONS)
    raw_store = empty_store("bench-demo-raw.sqlite3")
    raw_store.close()
    con = sqlite3.connect(raw_store.path)
    for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        con.execute(f'DROP TRIGGER "{name}"')
    con.commit()
    start = time.perf_counter()
    with con:
        for table, table_rows in rows.items():
            if not table_rows:
                continue
            columns = list(table_rows[0])
            con.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                [tuple(_plain(r[c]) for c in columns) for r in table_rows],
            )
    raw = time.perf_counter() - start
    con.close()
    print(f"demo store: {result.persons} persons, {result.organisations} organisations, "
          f"{result.activities} activities")
    return [report("create demo store", ours, raw, unit="s", target="<= 4x")]


if __name__ == "__main__":
    main()
