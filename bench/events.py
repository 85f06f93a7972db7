"""Events: the panel's first page (upcoming first, counts per event) over 2,000 events with 40 participants
each, ours through SQLAlchemy vs the same two SQL statements in plain sqlite3; and one event's .ics export (store read,
icalendar, atomic write) vs icalendar alone building the same calendar from values in memory.
Run: ``.venv/bin/python bench/events.py`` (POSTAPP_BENCH_PERSONS sets the store size; default 100,000)."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
import tempfile
from pathlib import Path

from common import CACHE, demo_store, fresh_copy, interleaved, report
from sqlalchemy import event, select

EVENTS = 2000
PER_EVENT = 40


def _fill(path: Path) -> None:
    from postapp.domain import ParticipantStatus, Person
    from postapp.services import events as ev
    from postapp.store import open_store

    store = open_store(path)
    rng = random.Random(7)
    with store.session() as session:
        persons = list(session.scalars(select(Person.id).limit(5000)))
        for i in range(EVENTS):
            start = dt.datetime(2024, 1, 1, 9) + dt.timedelta(days=i % 1100, hours=i % 5)
            chosen = rng.sample(persons, PER_EVENT)
            ev.create_event(session, ev.EventData(
                title=f"IMVO session {i}", starts=start, ends=start + dt.timedelta(hours=3),
                timezone="Asia/Ho_Chi_Minh", capacity=35, notes="Programme " * 20,
                participants=[ev.ParticipantData(p, rng.choice(list(ParticipantStatus))) for p in chosen]), "HAN")
    store.close()


def main() -> list[dict[str, object]]:
    import icalendar

    from postapp.coretasks import CoreTask
    from postapp.services import event_ics
    from postapp.services import events as ev
    from postapp.store import open_store

    path = fresh_copy(demo_store(), "events.sqlite3")
    _fill(path)
    store = open_store(path)
    raw = sqlite3.connect(path)
    now = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
    results = []
    captured: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        captured.append((statement, parameters))

    with store.read() as session:
        event.listen(store.engine, "before_cursor_execute", capture)
        ev.event_rows(session, CoreTask.AWARENESS, 0, 201, now=now)
        event.remove(store.engine, "before_cursor_execute", capture)
        statements = [c for c in captured if c[0].lstrip().upper().startswith("SELECT")]  # page, counts

        def plain_page() -> None:
            for sql, params in statements:
                raw.execute(sql, params).fetchall()  # type: ignore[arg-type]

        ours, plain = interleaved(lambda: ev.event_rows(session, CoreTask.AWARENESS, 0, 201, now=now),
                                  plain_page, repeat=15)
        results.append(report(f"events panel page ({EVENTS} events)", ours, plain, target="<= 2x"))

        first = ev.event_rows(session, CoreTask.AWARENESS, 0, 1, now=now)[0]
        folder = tempfile.TemporaryDirectory(dir=CACHE)
        out = Path(folder.name)
        target = out / "ours.ics"
        loaded = ev.get_event(session, first.id)
        values = (str(loaded.id), ev.local_start(loaded), ev.local_end(loaded), loaded.activity.title,
                  loaded.location, loaded.activity.notes)

        def ours_ics() -> None:
            session.expire_all()
            event_ics.export_ics(session, first.id, target)

        def raw_ics() -> None:
            uid, start, end, title, location, notes = values
            calendar = icalendar.Calendar.new(prodid="-//x//EN", method="PUBLISH")
            calendar.add_component(icalendar.Event.new(uid=uid, stamp=dt.datetime.now(dt.UTC), start=start, end=end,
                                                       summary=title, location=location or None, description=notes))
            calendar.add_missing_timezones(first_date=dt.date(start.year, 1, 1),
                                           last_date=dt.date(end.year + 2, 1, 1))
            (out / "raw.ics").write_bytes(calendar.to_ical())

        ours, plain = interleaved(ours_ics, raw_ics, repeat=15)
        results.append(report("one event to .ics", ours, plain, target="<= 3x"))
        folder.cleanup()
    store.close()
    raw.close()
    return results


if __name__ == "__main__":
    main()
