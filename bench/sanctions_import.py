"""Importing the EU consolidated list XML at realistic size (6,000 entities with their name aliases in
several languages, regulations, addresses, identifications: ~28 MB): ``import_list`` (streaming parse,
normalising every name, bulk inserts, replacing the previous list) vs a bare ``iterparse`` over the same
file that only clears what it read, in the same run. Targets: under 15 s, peak memory under 200 MB.

The import runs in a child process so its peak resident memory is its own; the parent samples it with
psutil every few milliseconds, and the child reports the kernel's own peak figure as well.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from common import CACHE, ROOT, report
from sanctions_data import write_eu

ENTITIES = int(os.environ.get("POSTAPP_BENCH_EU_ENTITIES", "6000"))
SAMPLE_S = 0.005


def eu_file(entities: int = ENTITIES) -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256((ROOT / "bench" / "sanctions_data.py").read_bytes()).hexdigest()[:10]
    path = CACHE / f"eu-{entities}-{digest}.xml"
    if not path.exists():
        write_eu(path.with_suffix(".building"), entities).rename(path)
    return path


def child(mode: str, xml: Path, db: Path) -> None:
    """Runs in the child: one import (``ours``) or one bare parse (``raw``); prints a JSON line."""
    import resource

    start = time.perf_counter()
    if mode == "ours":
        from postapp.sanctions.importer import import_list
        from postapp.store import open_store

        store = open_store(db)
        calls = []
        with store.session() as session:
            imported = import_list(session, xml, progress=lambda done, total: calls.append(done))
            count = imported.entry_count
        store.close()
        progress_calls = len(calls)
    else:
        import xml.etree.ElementTree as ET

        count = progress_calls = 0
        for _event, elem in ET.iterparse(xml, events=("end",)):
            if elem.tag.endswith("sanctionEntity"):
                count += 1
                elem.clear()
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "entries": count, "peak_mb": peak_kb / 1024, "progress": progress_calls}))


def measure(mode: str, xml: Path, db: Path) -> dict[str, float]:
    import psutil

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, __file__, "--child", mode, str(xml), str(db)], stdout=subprocess.PIPE,
                            text=True, env=env, cwd=ROOT / "bench")
    watched = psutil.Process(proc.pid)
    sampled = 0
    while proc.poll() is None:
        try:
            sampled = max(sampled, watched.memory_info().rss)
        except psutil.Error:
            break
        time.sleep(SAMPLE_S)
    out, _err = proc.communicate()
    if proc.returncode:
        raise SystemExit(f"{mode} import failed ({proc.returncode})")
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    result["peak_mb"] = max(result["peak_mb"], sampled / 2**20)
    return result


def main() -> list[dict[str, object]]:
    xml = eu_file()
    db = CACHE / "bench-sanctions-import.sqlite3"
    for old in CACHE.glob(db.name + "*"):
        old.unlink()
    raw = measure("raw", xml, db)
    first = measure("ours", xml, db)  # into an empty store
    ours = measure("ours", xml, db)  # again: replaces (and deletes) the list imported just before
    print(f"EU list: {xml.stat().st_size / 1e6:.1f} MB, {ours['entries']:,.0f} entities; progress reported "
          f"{ours['progress']:.0f} times; first import {first['seconds']:.1f} s")
    return [
        report("import EU list (replacing the previous)", ours["seconds"], raw["seconds"], unit="s", target="< 15 s"),
        report("import EU list: peak memory", ours["peak_mb"], raw["peak_mb"], unit="MB", target="< 200 MB"),
    ]


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))
    else:
        main()
