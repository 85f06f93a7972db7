"""Search as you type over 100,000 persons: the project's query through SQLAlchemy vs the very same
SQL in plain sqlite3. Targets: ours <= 2x raw and under 50 ms."""

from __future__ import annotations

import sqlite3

from common import demo_store, median_ms, report
from sqlalchemy import event

QUERIES = ["ngu", "nguyen van", "jansen", "van den berg", "textiles", "living wage", "hoa@", "amstel food", "zzz"]


def main() -> list[dict[str, object]]:
    from postapp.services import search
    from postapp.store import open_store

    db = demo_store()
    store = open_store(db)
    raw = sqlite3.connect(db)
    results = []
    worst_ours = 0.0
    ours_all, raw_all = 0.0, 0.0
    with store.session() as session:
        for query in QUERIES:
            captured: list[tuple[str, tuple[object, ...]]] = []

            def capture(conn, cursor, statement, parameters, context, executemany, sink=captured):
                sink.append((statement, parameters))

            event.listen(store.engine, "before_cursor_execute", capture)
            search.person_rows(session, query)
            event.remove(store.engine, "before_cursor_execute", capture)
            sql, params = captured[-1]
            ours = median_ms(lambda q=query: search.person_rows(session, q), repeat=9)
            plain = median_ms(lambda s=sql, p=params: raw.execute(s, p).fetchall(), repeat=9)
            worst_ours = max(worst_ours, ours)
            ours_all += ours
            raw_all += plain
            results.append(report(f"search '{query}'", ours, plain, target="<= 2x, < 50 ms"))
    results.append(report("search, all queries together", ours_all, raw_all, target="<= 2x"))
    print(f"slowest single search (ours): {worst_ours:.1f} ms")
    store.close()
    return results


if __name__ == "__main__":
    main()
