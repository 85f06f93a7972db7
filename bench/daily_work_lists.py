"""The lists of the post's daily work on the benchmark store (100,000 persons, 20,000 organisations,
50,000 activities), in a copy with 2,000 support cases and 2,000 agenda entries added:

- stakeholder overview (core task 1): ``stakeholder_summary`` (per kind: organisations, persons,
  activities in the last year) plus the first page of ``stakeholder_rows`` vs the same statements in
  plain sqlite3. The summary reads every person and activity, so it runs when the tab is shown.
- support cases, first page (open first, by due date): ``case_rows`` vs the same SQL in plain sqlite3.
- agenda log, first page and the summary per topic: ``agenda_rows`` + ``topic_summary`` vs plain sqlite3.

Run: ``.venv/bin/python bench/daily_work_lists.py`` (POSTAPP_BENCH_PERSONS for a smaller store).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sqlite3
import uuid
from pathlib import Path

from common import demo_store, fresh_copy, interleaved, report

REPEAT = int(os.environ.get("POSTAPP_BENCH_REPEAT", "9"))
TODAY = dt.date.today()
SINCE = TODAY - dt.timedelta(days=365)
CASES = AGENDA = 2000

KIND_ORDER = ("CASE o.kind WHEN 'company' THEN 0 WHEN 'ngo' THEN 1 WHEN 'trade_union' THEN 2 WHEN 'authority' THEN 3 "
              "WHEN 'business_association' THEN 4 WHEN 'knowledge_institute' THEN 5 "
              "WHEN 'international_organisation' THEN 6 ELSE 99 END")
RAW_STAKEHOLDER_PAGE = (f"SELECT o.id, o.name, o.kind FROM organisation o WHERE o.deleted_at IS NULL "
                        f"ORDER BY {KIND_ORDER}, o.name COLLATE NOCASE, o.id LIMIT 201 OFFSET 0")
RAW_PAGE_PERSONS = ("SELECT organisation_id, count(*) FROM person WHERE organisation_id IN ({ids}) "
                    "AND deleted_at IS NULL GROUP BY organisation_id")
RAW_PAGE_ACTIVITIES = """
SELECT ao.organisation_id, sum(CASE WHEN a.date > ? THEN 1 ELSE 0 END), max(a.date)
FROM activity_organisation ao JOIN activity a ON a.id = ao.activity_id
WHERE ao.organisation_id IN ({ids}) AND a.deleted_at IS NULL AND a.date <= ? GROUP BY ao.organisation_id
"""
RAW_KIND_ORGANISATIONS = "SELECT kind, count(*) FROM organisation WHERE deleted_at IS NULL GROUP BY kind"
RAW_KIND_PERSONS = """
SELECT o.kind, count(*) FROM person p JOIN organisation o ON o.id = p.organisation_id
WHERE p.deleted_at IS NULL AND o.deleted_at IS NULL GROUP BY o.kind
"""
RAW_KIND_ACTIVITIES = """
SELECT o.kind, count(DISTINCT CASE WHEN a.date > :since THEN a.id END), max(a.date)
FROM activity a JOIN activity_organisation ao ON ao.activity_id = a.id JOIN organisation o ON o.id = ao.organisation_id
WHERE a.deleted_at IS NULL AND a.date <= :today AND o.deleted_at IS NULL GROUP BY o.kind
"""
RAW_CASES = """
SELECT c.id, c.status, c.title, o.name, c.referral, c.due_on, c.opened_on
FROM support_case c LEFT OUTER JOIN organisation o ON o.id = c.organisation_id
WHERE c.deleted_at IS NULL
ORDER BY CASE WHEN c.status = 'closed' THEN 1 ELSE 0 END, c.due_on IS NULL, c.due_on, c.opened_on DESC, c.id
LIMIT 201 OFFSET 0
"""
RAW_AGENDA = """
SELECT id, date, topic, topic_detail, counterpart, outcome, next_step, next_step_due, next_step_done
FROM agenda_entry WHERE deleted_at IS NULL ORDER BY date DESC, created_at DESC, id LIMIT 201 OFFSET 0
"""
RAW_TOPICS = """
SELECT topic, count(*), max(date), coalesce(sum(CASE WHEN next_step != '' AND next_step_done = 0 THEN 1 ELSE 0 END), 0)
FROM agenda_entry WHERE deleted_at IS NULL GROUP BY topic
"""


def add_daily_work(path: Path) -> None:
    """Cases about the store's companies and agenda entries, seeded so every run is the same."""
    from sqlalchemy import insert, select

    from postapp.domain import (
        AgendaEntry,
        AgendaTopic,
        CaseStatus,
        Counterpart,
        Organisation,
        ReferralTarget,
        SupportCase,
    )
    from postapp.domain.base import utcnow
    from postapp.store import open_store

    rng = random.Random(7)
    now = utcnow()
    common = {"created_at": now, "updated_at": now, "post_code": "HAN", "deleted_at": None}

    def day(low: int, high: int) -> dt.date:
        return TODAY + dt.timedelta(days=rng.randint(low, high))

    def uid() -> uuid.UUID:
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    store = open_store(path)
    with store.session() as session:
        companies = session.scalars(select(Organisation.id).where(Organisation.kind == "company").limit(5000)).all()
        cases = []
        for i in range(CASES):
            status = rng.choice(list(CaseStatus))
            cases.append({
                "id": uid(), "title": f"Question {i} on due diligence", "organisation_id": rng.choice(companies),
                "status": status, "question": "", "notes": "", "condition_check_id": None,
                "referral": ReferralTarget.RVO if status is CaseStatus.REFERRED else ReferralTarget.NONE,
                "opened_on": day(-300, -30), "due_on": day(-30, 60) if rng.random() < 0.8 else None,
                "closed_on": TODAY if status is CaseStatus.CLOSED else None, **common})
        session.execute(insert(SupportCase), cases)
        session.execute(insert(AgendaEntry), [
            {"id": uid(), "date": day(-700, 0), "topic": rng.choice(list(AgendaTopic)), "topic_detail": "",
             "counterpart": rng.choice(list(Counterpart)), "organisation_id": None, "activity_id": None,
             "position": "", "outcome": "Agreed to meet again", "next_step": "Send the brief" if i % 3 else "",
             "next_step_due": day(-30, 60) if i % 3 else None, "next_step_done": i % 5 == 0, **common}
            for i in range(AGENDA)])
    store.close()


def main() -> list[dict[str, object]]:
    from postapp.services import agenda, cases, expertise
    from postapp.store import open_store

    path = fresh_copy(demo_store(), "bench-daily-work.sqlite3")
    add_daily_work(path)
    store = open_store(path)
    raw = sqlite3.connect(path)
    params = {"since": SINCE.isoformat(), "today": TODAY.isoformat()}
    results = []

    def ours_stakeholders() -> object:
        with store.read() as session:
            summary = expertise.stakeholder_summary(session, TODAY)
            return summary, expertise.stakeholder_rows(session, TODAY, None, 0, 201)

    def raw_stakeholders() -> object:
        summary = (raw.execute(RAW_KIND_ORGANISATIONS).fetchall(), raw.execute(RAW_KIND_PERSONS).fetchall(),
                   raw.execute(RAW_KIND_ACTIVITIES, params).fetchall())
        page = raw.execute(RAW_STAKEHOLDER_PAGE).fetchall()
        ids = [row[0] for row in page]
        marks = ",".join("?" * len(ids))
        persons = dict(raw.execute(RAW_PAGE_PERSONS.format(ids=marks), ids).fetchall())
        contact = {r[0]: r[1:] for r in raw.execute(RAW_PAGE_ACTIVITIES.format(ids=marks),
                                                     [params["since"], *ids, params["today"]])}
        rows = [(*row, persons.get(row[0], 0), *contact.get(row[0], (0, None))) for row in page]
        return summary[0], rows

    ours_rows, raw_rows = ours_stakeholders(), raw_stakeholders()
    assert len(ours_rows[1]) == len(raw_rows[1]) and len(ours_rows[0]) == len(raw_rows[0])  # type: ignore[index]
    results.append(report("stakeholder overview (summary + first page)",
                          *interleaved(ours_stakeholders, raw_stakeholders, REPEAT), target=""))

    def ours_cases() -> object:
        with store.read() as session:
            return cases.case_rows(session, None, 0, 201), cases.count_cases(session)

    def raw_cases() -> object:
        return raw.execute(RAW_CASES).fetchall(), raw.execute(
            "SELECT count(*) FROM support_case WHERE deleted_at IS NULL").fetchone()

    results.append(report("support cases, first page + count", *interleaved(ours_cases, raw_cases, REPEAT)))

    def ours_agenda() -> object:
        with store.read() as session:
            return agenda.agenda_rows(session, None, None, 0, 201), agenda.topic_summary(session)

    def raw_agenda() -> object:
        return raw.execute(RAW_AGENDA).fetchall(), raw.execute(RAW_TOPICS).fetchall()

    results.append(report("agenda log, first page + topic summary", *interleaved(ours_agenda, raw_agenda, REPEAT)))
    raw.close()
    store.close()
    return results


if __name__ == "__main__":
    main()
