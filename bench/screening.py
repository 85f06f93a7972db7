"""Screening one name against a 50,000-entry sanctions list: ``Screener.screen`` (normalising the query,
matching, re-scoring the candidates, one hit per entry) vs a plain rapidfuzz ``process.extract`` of the
already normalised query over the same prepared names with the same scorer, in the same run.
Targets: ours under 200 ms and at most 1.5x raw."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

from common import CACHE, ROOT, interleaved, report
from sanctions_data import write_opensanctions

ENTRIES = int(os.environ.get("POSTAPP_BENCH_SANCTIONS", "50000"))
REPEAT = 15
QUERIES = [
    ("person, Latin, reordered", "Ivanov, Sergei Viktorovich"),
    ("person, Cyrillic", "Евгений Петрович Смирнов"),
    ("person, Arabic script", "محمد حسن"),
    ("person, Arabic name in Latin", "Mohammed Hassan al-Masri"),
    ("company with legal form", "Caspian Shipping Co., Ltd."),
    ("company, Vietnamese", "Công ty TNHH Thương mại Nguyễn"),
    ("company, Chinese", "深圳华为科技有限公司"),
    ("non-match", "Acme Textiles B.V."),
    ("one short word", "Ali"),
]


def _fingerprint() -> str:
    """Changes with the generator, the normaliser or the schema, so a stale cached store is not reused."""
    from postapp.store import SCHEMA_HEAD

    digest = hashlib.sha256(SCHEMA_HEAD.encode())
    for source in (ROOT / "bench" / "sanctions_data.py", ROOT / "postapp" / "sanctions" / "names.py"):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:10]


def sanctions_store(entries: int = ENTRIES) -> Path:
    """A store with an OpenSanctions-style list of ``entries`` targets imported, built once."""
    from postapp.sanctions.importer import import_list
    from postapp.store import open_store

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"sanctions-{entries}-{_fingerprint()}.sqlite3"
    if not path.exists():
        csv_path = write_opensanctions(CACHE / f"targets.simple-{entries}.csv", entries)
        tmp = path.with_suffix(".building")
        for leftover in CACHE.glob(tmp.name + "*"):
            leftover.unlink()
        store = open_store(tmp)
        start = time.perf_counter()
        with store.session() as session:
            import_list(session, csv_path)
        print(f"imported {entries:,} entries ({csv_path.stat().st_size / 1e6:.1f} MB CSV) in "
              f"{time.perf_counter() - start:.1f} s")
        with store.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
        shutil.move(tmp, path)
    return path


def main() -> list[dict[str, object]]:
    from rapidfuzz import process

    from postapp.sanctions.screening import DEFAULT_CUTOFF, DEFAULT_LIMIT, SCORER, Screener, normalise
    from postapp.store import open_store

    store = open_store(sanctions_store())
    start = time.perf_counter()
    with store.session() as session:
        screener = Screener.load(session)
    load = time.perf_counter() - start
    store.close()
    print(f"screener: {len(screener.entries):,} entries, {len(screener.choices):,} names, loaded in {load:.2f} s")
    results = []
    ours_all = raw_all = worst = 0.0
    for label, name in QUERIES:
        prepared = normalise(name)
        ours, raw = interleaved(
            lambda n=name: screener.screen(n),
            lambda p=prepared: process.extract(p, screener.choices, scorer=SCORER, processor=None,
                                               limit=DEFAULT_LIMIT, score_cutoff=DEFAULT_CUTOFF),
            REPEAT)
        hits = screener.screen(name)
        best = f", best {hits[0].score:.1f} {hits[0].matched_name!r}" if hits else ""
        print(f"  {name!r}: {len(hits)} hits{best}")
        results.append(report(f"screen: {label}", ours, raw, target="<= 1.5x, < 200 ms"))
        ours_all += ours
        raw_all += raw
        worst = max(worst, ours)
    results.append(report("screen: all queries together", ours_all, raw_all, target="<= 1.5x"))
    print(f"slowest single screening (ours): {worst:.1f} ms")
    return results


if __name__ == "__main__":
    main()
