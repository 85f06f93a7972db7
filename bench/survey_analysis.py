"""The study analysis over 10,000 submitted responses: ``analysis.analyse`` (SQLAlchemy Core, building
the result objects and labels) vs the same aggregations written by hand in plain sqlite3 on the same
file, in the same run. Targets: ours under 300 ms and at most 2x raw."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import time
from pathlib import Path

from common import CACHE, ROOT, interleaved, report

RESPONSES = int(os.environ.get("POSTAPP_BENCH_RESPONSES", "10000"))
REPEAT = 15
TASKS = ("expertise", "awareness", "support", "conditions", "agenda")
MEASURES = ("clarity", "workability", "usability")


def _fingerprint() -> str:
    from postapp.store import SCHEMA_HEAD

    digest = hashlib.sha256(SCHEMA_HEAD.encode())
    for source in (ROOT / "postapp" / "survey" / "demo.py", ROOT / "resources" / "questionnaires" /
                   "imvo_guidelines_study.xlsx"):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:10]


def survey_store(responses: int = RESPONSES) -> Path:
    from postapp.store import open_store
    from postapp.survey.demo import generate_round

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"survey-{responses}-{_fingerprint()}.sqlite3"
    if not path.exists():
        tmp = path.with_suffix(".building")
        for leftover in CACHE.glob(tmp.name + "*"):
            leftover.unlink()
        store = open_store(tmp)
        start = time.perf_counter()
        with store.session() as session:
            generate_round(session, responses)
        print(f"generated {responses:,} synthetic responses in {time.perf_counter() - start:.1f} s")
        with store.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
        shutil.move(tmp, path)
    return path


def raw_analysis(conn: sqlite3.Connection) -> dict[str, object]:
    """The same counts as ``analyse``, as one would write them straight in SQL over the JSON answers."""
    chosen = ("FROM survey_response WHERE form_id = 'imvo_guidelines_study' AND status = 'submitted' "
              "AND deleted_at IS NULL")
    overall = [f"overall_{m}" for m in MEASURES]
    sets = [("overall", overall)] + [(t, [f"{m}_{t}" for m in MEASURES]) for t in TASKS]
    ratings = [name for _key, names in sets for name in names]

    def value(name: str) -> str:
        return f"json_extract(answers, '$.{name}')"

    out: dict[str, object] = {}
    out["count"] = conn.execute(f"SELECT count(*), sum(synthetic) {chosen}").fetchone()
    per_name = [f"count({value(n)}), sum({value(n)} IN ('4', '5'))" for n in ratings]
    out["ratings"] = conn.execute(f"SELECT {', '.join(per_name)} {chosen}").fetchone()
    answered = {k: " AND ".join(f"{value(n)} IS NOT NULL" for n in names) for k, names in sets}
    positive = {k: " AND ".join(f"{value(n)} IN ('4', '5')" for n in names) for k, names in sets}
    totals = [f"sum({answered[k]}), sum({positive[k]})" for k, _names in sets]
    out["totals"] = conn.execute(f"SELECT {', '.join(totals)} {chosen}").fetchone()
    for name in ("region", "business_activity"):
        out[name] = conn.execute(
            f"SELECT {value(name)}, count(*), sum({answered['overall']}), sum({positive['overall']}), "
            f"sum({value('extra_actions')} IS NOT NULL), sum({value('extra_actions')} != 'none') {chosen} "
            "GROUP BY 1").fetchall()
    out["status"] = conn.execute(f"SELECT {value('extra_actions')}, count(*) {chosen} GROUP BY 1").fetchall()
    for name in ("actions_which", "support_wished"):
        out[name] = conn.execute(
            f"SELECT j.value, count(*) FROM survey_response, json_each(survey_response.answers, '$.{name}') AS j "
            "WHERE form_id = 'imvo_guidelines_study' AND status = 'submitted' AND deleted_at IS NULL "
            "GROUP BY j.value").fetchall()
    out["support_n"] = conn.execute(f"SELECT count(*) {chosen} AND {value('support_wished')} IS NOT NULL").fetchone()
    out["open"] = conn.execute(
        f"SELECT post_code, {value('remarks')}, {value('actions_other')}, {value('support_other')} {chosen} "
        f"AND ({value('remarks')} IS NOT NULL OR {value('actions_other')} IS NOT NULL OR "
        f"{value('support_other')} IS NOT NULL) ORDER BY post_code, submitted_at").fetchall()
    out["interviews"] = conn.execute(
        "SELECT themes, quotes, post_code, synthetic FROM interview_note WHERE status = 'final' "
        "AND deleted_at IS NULL ORDER BY held_on").fetchall()
    return out


def raw_python(conn: sqlite3.Connection) -> int:
    """The floor for reading the answers in Python at all: fetch and json.loads every response."""
    rows = conn.execute("SELECT answers FROM survey_response WHERE form_id = 'imvo_guidelines_study' AND "
                        "status = 'submitted' AND deleted_at IS NULL").fetchall()
    return len([json.loads(text) for (text,) in rows])


def main() -> list[dict[str, object]]:
    from postapp.store import open_store
    from postapp.survey.analysis import analyse
    from postapp.survey.responses import STUDY_FORM_ID, form_of, latest_form

    path = survey_store()
    store = open_store(path)
    with store.read() as session:
        form = form_of(latest_form(session, STUDY_FORM_ID))
    raw_conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)

    def ours() -> object:
        with store.read() as session:
            return analyse(session, form, language="en")

    def raw() -> object:
        return raw_analysis(raw_conn)

    result = ours()
    assert result.respondents == RESPONSES, result.respondents  # type: ignore[attr-defined]
    figures = raw()
    assert figures["count"][0] == RESPONSES  # type: ignore[index]
    ours_ms, raw_ms = interleaved(ours, raw, REPEAT)
    rows = [report(f"analyse {RESPONSES:,} responses (vs SQL)", ours_ms, raw_ms, target="< 300 ms, <= 2x")]
    ours_ms, floor_ms = interleaved(ours, lambda: raw_python(raw_conn), REPEAT)
    rows.append(report("  (vs bare fetch + json.loads)", ours_ms, floor_ms, target="info"))
    raw_conn.close()
    store.close()
    return rows


if __name__ == "__main__":
    main()
