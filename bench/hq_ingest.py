"""HQ ingest of 150 posts x 1,000 responses into PostgreSQL, against a plain psycopg COPY of the same rows.

Both run against one throwaway PostgreSQL server (``postapp.hq.pgtest``, default settings: fsync on),
each into a fresh database with HQ's schema, in the same run. The bundles are sealed first (untimed).
Ours: for each post, open and verify its bundle, decrypt, unpack, check every answer against the
questionnaire and its rules, insert (COPY), record the bundle, one transaction per bundle. Raw: the same
rows, already in memory as Python values (answers as dicts, serialised with ``json.dumps`` on the way, as
psycopg needs text for a json column), through one ``COPY survey_response (...) FROM STDIN`` in one
transaction. Each side runs ATTEMPTS times into fresh databases; the best time of each is reported.
POSTAPP_BENCH_PG_FAST=1 runs the server with fsync off.
"""

from __future__ import annotations

import json
import os
import random
import time
import uuid
from typing import Any

from common import report

from postapp.hq.pgtest import TempPostgres
from postapp.hq.posts import initialise, register_post
from postapp.hq.store import HQStore, open_hq_store
from postapp.survey import demo as survey_demo
from postapp.survey.analysis import MEASURES, TASKS, rating_name
from postapp.sync import bundle as fmt
from postapp.sync import keys

POSTS = int(os.environ.get("POSTAPP_BENCH_HQ_POSTS", "150"))
PER_POST = int(os.environ.get("POSTAPP_BENCH_HQ_RESPONSES", "1000"))
HQ_ID = "bench-hq"
ATTEMPTS = int(os.environ.get("POSTAPP_BENCH_HQ_ATTEMPTS", "3"))  # the best of each side: the machine is shared
COLUMNS = ("id", "form_id", "form_version", "status", "language", "page", "started_at", "submitted_at", "synthetic",
           "payload", "set_aside_reason", "answers", "created_at", "updated_at", "post_code", "deleted_at")


def answers(rng: random.Random) -> dict[str, Any]:
    """Answers shaped like the study's (the synthetic round's generator, in plain JSON values)."""
    pick = survey_demo._weighted
    activity = pick(rng, survey_demo.ACTIVITY)
    values: dict[str, Any] = {"region": pick(rng, survey_demo.REGIONS), "business_activity": activity,
                              "role": pick(rng, survey_demo.ROLES), "imvo_fte": round(rng.uniform(0.1, 3.0), 1)}
    base = rng.gauss(4.25, 0.55)
    for measure in MEASURES:
        values[f"overall_{measure}"] = survey_demo._rating(rng, base)
        for task in TASKS:
            values[rating_name(measure, task)] = survey_demo._rating(rng, base)
    if rng.random() < survey_demo.ACTION_CHANCE[activity]:
        values["extra_actions"] = rng.choice(["planned", "taken", "planned_and_taken"])
        values["actions_which"] = [n for n, p in survey_demo.ACTIONS.items() if rng.random() < p] or ["imvo_sessions"]
    else:
        values["extra_actions"] = "none"
    wished = [n for n, p in survey_demo.SUPPORT.items() if rng.random() < p]
    if wished:
        values["support_wished"] = wished
    if rng.random() < 0.2:
        values["remarks"] = rng.choice(survey_demo.REMARKS)
    return values


def build(form_id: str, version: str, hq: keys.KeyPair) -> tuple[list[bytes], list[tuple[Any, ...]],
                                                                  list[tuple[str, keys.KeyPair]]]:
    """The bundles (one per post) and the same responses as rows for COPY."""
    rng = random.Random(2026)
    bundles, rows, posts = [], [], []
    now = "2026-11-25T09:00:00+00:00"
    for number in range(1, POSTS + 1):
        code = f"P{number:03d}"
        pair = keys.generate()
        posts.append((code, pair))
        records = []
        for _ in range(PER_POST):
            rid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            data = {"id": rid, "form_id": form_id, "form_version": version, "post_code": code, "synthetic": True,
                    "started_at": now, "submitted_at": now, "answers": answers(rng)}
            records.append({"type": fmt.SURVEY_RESPONSE, "id": rid, "data": data})
            rows.append((rid, form_id, version, "submitted", "", 0, now, now, True, None, "", data["answers"], now,
                         now, code, None))
        payload = {**fmt.make_payload(records), "enrolment_secret": secret_of(code)}  # as the enrolled laptop sends
        bundles.append(fmt.seal(payload, direction=fmt.TO_HQ, hq_id=HQ_ID, post_code=code,
                                seq=1, sender=pair, recipient=hq.public()))
    return bundles, rows, posts


def secret_of(code: str) -> str:
    return f"bench-enrolment-secret-{code}"


def fresh_hq(pg: TempPostgres, name: str, hq: keys.KeyPair, posts: list[tuple[str, keys.KeyPair]]) -> HQStore:
    from postapp.hq.ingest import secret_hash

    store = open_hq_store(pg.create_database(name))
    with store.session() as session:
        initialise(session, HQ_ID, hq)
        for code, _pair in posts:
            post = register_post(session, code, name=code, country="XX")
            post.enrolment_secret_hash = secret_hash(secret_of(code))
    return store


def ours(store: HQStore, bundles: list[bytes], hq: keys.KeyPair) -> float:
    from postapp.hq.ingest import ingest

    start = time.perf_counter()
    for data in bundles:
        with store.session() as session:
            result = ingest(session, data, hq, HQ_ID)
        assert result.responses == PER_POST and result.set_aside == 0, result
    return (time.perf_counter() - start) * 1000


def raw(pg: TempPostgres, database: str, rows: list[tuple[Any, ...]]) -> float:
    import psycopg

    with psycopg.connect(pg.conninfo(database)) as conn:
        start = time.perf_counter()
        with conn.cursor() as cur, cur.copy(f"COPY survey_response ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row[:11], json.dumps(row[11]), *row[12:]))
        conn.commit()
        return (time.perf_counter() - start) * 1000


def main() -> list[dict[str, object]]:
    from postapp.survey.responses import STUDY_FORM_FILE, STUDY_FORM_ID
    from postapp.survey.xlsform import load_form

    version = load_form(STUDY_FORM_FILE.read_bytes()).version
    hq = keys.generate()
    start = time.perf_counter()
    bundles, rows, posts = build(STUDY_FORM_ID, version, hq)
    size = sum(len(b) for b in bundles)
    print(f"  (sealed {len(bundles)} bundles, {len(rows):,} responses, {size / 1e6:.1f} MB, "
          f"in {time.perf_counter() - start:.0f} s; not timed)")
    pg = TempPostgres(fast=os.environ.get("POSTAPP_BENCH_PG_FAST") == "1").start()
    try:
        results: list[tuple[float, float]] = []
        for attempt in range(ATTEMPTS):
            store = fresh_hq(pg, f"ours_{attempt}", hq, posts)
            try:
                ours_ms = ours(store, bundles, hq)
            finally:
                store.close()
            fresh_hq(pg, f"raw_{attempt}", hq, []).close()
            results.append((ours_ms, raw(pg, f"raw_{attempt}", rows)))
        ours_ms, raw_ms = min(r[0] for r in results), min(r[1] for r in results)
    finally:
        pg.stop()
    return [report(f"HQ ingest {POSTS} posts x {PER_POST:,} responses (vs COPY)", ours_ms, raw_ms, target="<= 3x")]


if __name__ == "__main__":
    main()
