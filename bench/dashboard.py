"""The home dashboard and the global search on the benchmark store (100,000 persons, 50,000
activities), in a copy with the records of the post's daily work added: 2,000 follow-ups, 500
support cases, 500 agenda entries, 300 knowledge notes and 100 events.

- dashboard data: ``services.dashboard.build_dashboard`` vs the very same SQL statements in plain
  sqlite3 (captured from one run). Target: under 100 ms.
- Home workspace shown filled (offscreen): the data plus the widgets, vs the same raw SQL.
- global search for a common word ("wage") and for a name: ``search_everything`` vs the same SQL in
  plain sqlite3 (with the same fold function registered). Target: under 100 ms per keystroke.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sqlite3
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import demo_store, fresh_copy, interleaved, report

REPEAT = int(os.environ.get("POSTAPP_BENCH_REPEAT", "15"))
TODAY = dt.date.today()
EXTRA = {"follow_up": 2000, "support_case": 500, "agenda_entry": 500, "knowledge_note": 300, "event": 100}
WORDS = ["living wage", "child labour", "deforestation", "gender", "freedom of association", "Đồng Nai",
         "garment", "coffee", "Bình Dương", "conflict minerals", "grievance mechanism", "textiles"]


def _uid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def add_daily_work(path: Path) -> None:
    """Adds the extra rows through the models (one transaction), seeded so every run is the same."""
    from sqlalchemy import insert, select

    from postapp.domain import (
        Activity,
        ActivityKind,
        AgendaEntry,
        AgendaTopic,
        CaseStatus,
        CoreTask,
        Counterpart,
        Event,
        EventFormat,
        FollowUp,
        KnowledgeNote,
        SupportCase,
    )
    from postapp.domain.base import utcnow
    from postapp.store import open_store

    rng = random.Random(3)
    now = utcnow()
    common = {"created_at": now, "updated_at": now, "post_code": "HAN", "deleted_at": None}

    def day(low: int, high: int) -> dt.date:
        return TODAY + dt.timedelta(days=rng.randint(low, high))

    store = open_store(path)
    with store.session() as session:
        activity_ids = session.scalars(select(Activity.id).limit(20_000)).all()
        session.execute(insert(FollowUp), [
            {"id": _uid(rng), "activity_id": rng.choice(activity_ids),
             "description": f"Send notes on {rng.choice(WORDS)}", "owner": rng.choice(["Anna", "Bram", "Linh"]),
             "due_date": day(-60, 30), "done": rng.random() < 0.3,
             **common} for _ in range(EXTRA["follow_up"])])
        session.execute(insert(SupportCase), [
            {"id": _uid(rng), "title": f"Question on {rng.choice(WORDS)} from a Dutch company", "organisation_id": None,
             "status": rng.choice(list(CaseStatus)), "question": f"How to handle {rng.choice(WORDS)} in the chain?",
             "referral": "", "opened_on": day(-200, 0), "due_on": day(-30, 30), "closed_on": None, "notes": "",
             "condition_check_id": None, **common} for _ in range(EXTRA["support_case"])])
        session.execute(insert(AgendaEntry), [
            {"id": _uid(rng), "date": day(-300, 0), "topic": rng.choice(list(AgendaTopic)),
             "topic_detail": rng.choice(WORDS), "counterpart": rng.choice(list(Counterpart)), "organisation_id": None,
             "activity_id": None, "position": f"The Netherlands supports action on {rng.choice(WORDS)}.",
             "outcome": "Ministry agreed to a follow-up meeting",
             "next_step": f"Share the brief on {rng.choice(WORDS)}",
             "next_step_due": day(-40, 40), "next_step_done": rng.random() < 0.3, **common}
            for _ in range(EXTRA["agenda_entry"])])
        session.execute(insert(KnowledgeNote), [
            {"id": _uid(rng), "title": f"{rng.choice(WORDS).capitalize()} in {rng.choice(WORDS)}", "sector": "textiles",
             "theme": "labour", "body": f"What the post learned about {rng.choice(WORDS)}. " * 20, "sources": "",
             "review_on": day(-90, 180), **common} for _ in range(EXTRA["knowledge_note"])])
        events = []
        for _ in range(EXTRA["event"]):
            activity = {"id": _uid(rng), "core_task": rng.choice([CoreTask.AWARENESS, CoreTask.AGENDA]),
                        "kind": ActivityKind.EVENT, "title": f"IMVO session on {rng.choice(WORDS)}",
                        "date": day(-30, 30), "notes": "", "outcome": "", **common}
            session.execute(insert(Activity), [activity])
            starts = dt.datetime.combine(activity["date"], dt.time(2, 0), dt.UTC)
            events.append({"id": _uid(rng), "activity_id": activity["id"], "format": EventFormat.AWARENESS_SESSION,
                           "starts_at": starts, "ends_at": starts + dt.timedelta(hours=3),
                           "timezone": "Asia/Ho_Chi_Minh", "location": rng.choice(["Hà Nội", "Hồ Chí Minh City"]),
                           "capacity": 40, "evaluation": "", **common})
        session.execute(insert(Event), events)
    store.close()


def captured_sql(store: Any, work: Callable[[], object]) -> list[tuple[str, Any]]:
    """The queries (with their parameters) that ``work`` sends to SQLite; the transaction statements
    are left out (plain sqlite3 reads without one)."""
    from sqlalchemy import event

    statements: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            statements.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", capture)
    try:
        work()
    finally:
        event.remove(store.engine, "before_cursor_execute", capture)
    return statements


def raw_runner(path: Path, statements: list[tuple[str, Any]]) -> Callable[[], None]:
    from postapp.services.global_search import FOLD_FUNCTION, fold

    con = sqlite3.connect(path)
    con.create_function(FOLD_FUNCTION, 1, fold, deterministic=True)

    def run() -> None:
        for sql, params in statements:
            con.execute(sql, params).fetchall()

    return run


def main() -> list[dict[str, object]]:
    from postapp.services import dashboard, global_search
    from postapp.store import open_store

    path = fresh_copy(demo_store(), "bench-dashboard.sqlite3")
    add_daily_work(path)
    store = open_store(path)
    results = []

    def build() -> dashboard.Dashboard:
        with store.read() as session:
            return dashboard.build_dashboard(session, TODAY)

    board = build()
    print(f"dashboard: {board.overdue.total:,} overdue{'+' if board.overdue.capped else ''}, "
          f"{board.this_week.total:,} due this week, "
          f"{sum(w.last_30_days for w in board.recent):,} activities in the last 30 days")
    raw = raw_runner(path, captured_sql(store, build))
    ours_ms, raw_ms = interleaved(build, raw, REPEAT)
    results.append(report("dashboard data", ours_ms, raw_ms, target="< 100 ms"))

    from PySide6.QtWidgets import QApplication

    from postapp.ui.home_workspace import HomeWorkspace

    app = QApplication.instance() or QApplication([])
    home = HomeWorkspace()
    home.resize(1100, 700)
    home.show()
    home.today = lambda: TODAY

    def shown() -> None:
        home.attach_store(store)  # reads the dashboard and fills the lists
        app.processEvents()

    ours_ms, raw_ms = interleaved(shown, raw, REPEAT)
    results.append(report("home workspace shown filled (offscreen)", ours_ms, raw_ms, target="< 100 ms"))
    home.close()

    for query in ("wage", "nguyen van", "đồng nai"):
        def find(q: str = query) -> list[global_search.HitGroup]:
            with store.read() as session:
                return global_search.search_everything(session, q)

        groups = find()
        print(f"search '{query}': " + ", ".join(f"{g.kind.value} {g.total:,}" for g in groups))
        raw = raw_runner(path, captured_sql(store, find))
        ours_ms, raw_ms = interleaved(find, raw, REPEAT)
        results.append(report(f"global search '{query}'", ours_ms, raw_ms, target="< 100 ms"))
    store.close()
    return results


if __name__ == "__main__":
    main()
