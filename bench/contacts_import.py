"""Importing a 50,000-row Outlook-shaped contacts CSV into a fresh store.

Ours: the whole import as the CLI and the dialog run it: open the file (encoding and delimiter
detection), automatic mapping, every row checked with the person form's rules, duplicate detection
(against the store and within the file), organisations matched or created, tags, then the write in
one transaction with the search index rebuilt (``contacts_io.importer``).
Raw: plain sqlite3 reading the same file with ``csv`` and ``executemany`` of the same rows into the
same person table of a fresh store (no checks, no organisations or tags), committed. Two raw figures:
with the table's search-index triggers in place (what a plain insert into that table costs), and with
them dropped first (the floor: bare inserts). The ratio is taken against the floor.
Targets: at most 5x raw, peak memory under 300 MB (process RSS, sampled every 10 ms).
"""

from __future__ import annotations

import csv
import random
import shutil
import sqlite3
import threading
import time
import uuid
from pathlib import Path

import psutil
from common import CACHE, interleaved, report

ROWS = 50_000
OUTLOOK_HEADER = [
    "First Name", "Middle Name", "Last Name", "Title", "Suffix", "Nickname", "Given Yomi", "Surname Yomi",
    "E-mail Address", "E-mail 2 Address", "E-mail 3 Address", "Home Phone", "Home Phone 2", "Business Phone",
    "Business Phone 2", "Mobile Phone", "Car Phone", "Other Phone", "Primary Phone", "Pager", "Business Fax",
    "Home Fax", "Other Fax", "Company Main Phone", "Callback", "Radio Phone", "Telex", "TTY/TDD Phone", "IMAddress",
    "Job Title", "Department", "Company", "Office Location", "Manager's Name", "Assistant's Name",
    "Assistant's Phone", "Company Yomi", "Business Street", "Business City", "Business State",
    "Business Postal Code", "Business Country/Region", "Home Street", "Home City", "Home State", "Home Postal Code",
    "Home Country/Region", "Other Street", "Other City", "Other State", "Other Postal Code", "Other Country/Region",
    "Personal Web Page", "Spouse", "Schools", "Hobby", "Location", "Web Page", "Birthday", "Anniversary",
    "Categories", "Notes",
]
GIVEN = ["Jan", "Sanne", "Pieter", "Anouk", "Minh", "Hoa", "Lan", "Tuấn", "Eva", "Bram", "René", "Linh"]
FAMILY = ["de Vries", "Jansen", "Nguyễn", "Trần", "Bakker", "Lê", "Visser", "Phạm", "Smit", "Hoàng"]
CATEGORIES = ["IMVO", "Textiles", "Agri-food", "Energy", "Trade mission 2026", "NCP", "Living wage"]


def write_file(path: Path, rows: int = ROWS) -> Path:
    if path.exists():
        return path
    rng = random.Random(2026)
    index = {h: i for i, h in enumerate(OUTLOOK_HEADER)}
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_ALL)
        writer.writerow(OUTLOOK_HEADER)
        for i in range(rows):
            cells = [""] * len(OUTLOOK_HEADER)
            given, family = rng.choice(GIVEN), rng.choice(FAMILY)
            cells[index["First Name"]] = given
            cells[index["Last Name"]] = f"{family} {i}"
            cells[index["E-mail Address"]] = f"{given.lower()}.{i}@example{i % 300}.com"
            cells[index["Business Phone"]] = f"+84 24 {rng.randrange(1000, 9999)} {rng.randrange(1000, 9999)}"
            if rng.random() < 0.5:
                cells[index["Mobile Phone"]] = f"+84 9{rng.randrange(10, 99)} {rng.randrange(100000, 999999)}"
            cells[index["Company"]] = f"Company {rng.randrange(2000)} Co., Ltd."
            cells[index["Job Title"]] = rng.choice(["Director", "CSR manager", "Buyer", "Policy officer"])
            cells[index["Business City"]] = "Hanoi"
            cells[index["Business Country/Region"]] = "Vietnam"
            cells[index["Categories"]] = ";".join(rng.sample(CATEGORIES, rng.choice((0, 1, 2))))
            if rng.random() < 0.3:
                cells[index["Notes"]] = "Met at the IMVO session.\nFollow up on due diligence."
            writer.writerow(cells)
    return path


def empty_template() -> Path:
    from postapp.store import open_store

    path = CACHE / "empty-store.sqlite3"
    if not path.exists():
        store = open_store(path)
        with store.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
    return path


def fresh(name: str) -> Path:
    target = CACHE / name
    for old in CACHE.glob(name + "*"):
        old.unlink()
    shutil.copy(empty_template(), target)
    return target


def ours(csv_path: Path) -> int:
    from postapp.contacts_io import importer
    from postapp.contacts_io.mapping import suggest
    from postapp.contacts_io.sources import open_source
    from postapp.store import open_store

    store = open_store(fresh("import-ours.sqlite3"))
    try:
        source = open_source(csv_path)
        plan = importer.prepare(store, source, suggest(source.headers))
        result = importer.write(store, plan, post_code="HAN")
    finally:
        store.close()
    return result.persons


def raw(csv_path: Path, drop_triggers: bool) -> int:
    con = sqlite3.connect(fresh("import-raw.sqlite3"))
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = NORMAL")
    if drop_triggers:
        for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            con.execute(f'DROP TRIGGER "{name}"')
    now = "2026-01-01 00:00:00.000000"
    with csv_path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        at = {h: i for i, h in enumerate(header)}
        rows = [(uuid.uuid4().hex, now, now, "HAN", f"{r[at['First Name']]} {r[at['Last Name']]}",
                 r[at["E-mail Address"]], r[at["Business Phone"]], r[at["Job Title"]], False, r[at["Notes"]], "", "")
                for r in reader]
    con.executemany("INSERT INTO person (id, created_at, updated_at, post_code, name, email, phone, role, sensitive,"
                    " notes, gender, lawful_basis) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    con.commit()
    con.close()
    return len(rows)


class PeakRss:
    """Samples the process's resident memory in a thread; ``peak`` in MB."""

    def __init__(self) -> None:
        self.process = psutil.Process()
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.01)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def main(repeat: int = 3) -> list[dict[str, object]]:
    CACHE.mkdir(parents=True, exist_ok=True)
    csv_path = write_file(CACHE / f"contacts-{ROWS}.csv")
    with PeakRss() as memory:
        imported = ours(csv_path)
    assert imported == ROWS, imported
    ours_ms, floor_ms = interleaved(lambda: ours(csv_path), lambda: raw(csv_path, drop_triggers=True), repeat)
    _warm, triggers_ms = interleaved(lambda: None, lambda: raw(csv_path, drop_triggers=False), 1)
    peak_mb = memory.peak / 2**20
    print(f"contacts import: {ROWS:,} rows from {csv_path.name} ({csv_path.stat().st_size / 2**20:.1f} MB); "
          f"raw with the index triggers in place {triggers_ms:.0f} ms ({ours_ms / triggers_ms:.2f}x); "
          f"peak RSS {peak_mb:.0f} MB (< 300)")
    results = [report("import 50,000-row contacts CSV", ours_ms, floor_ms, target="<= 5x raw")]
    results.append({"name": "contacts import peak memory", "ours": peak_mb, "raw": 0.0, "ratio": 0.0, "unit": "MB",
                    "target": "< 300 MB"})
    return results


if __name__ == "__main__":
    main()
