"""Shared helpers for the benchmarks: a cached demo store of a given size, and timing."""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CACHE = Path(os.environ.get("POSTAPP_BENCH_DIR", ROOT / "bench" / "results"))
PERSONS = int(os.environ.get("POSTAPP_BENCH_PERSONS", "100000"))


def demo_store(persons: int = PERSONS) -> Path:
    """A demo store with ``persons`` persons (and 1/5 organisations, 1/2 activities), built once."""
    from postapp import demo
    from postapp.store import open_store

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"demo-{persons}.sqlite3"
    if not path.exists():
        tmp = path.with_suffix(".building")
        for leftover in CACHE.glob(tmp.name + "*"):
            leftover.unlink()
        store = open_store(tmp)
        with store.session() as session:
            demo.fill(session, persons)
        with store.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
        shutil.move(tmp, path)
    return path


def fresh_copy(path: Path, name: str) -> Path:
    target = CACHE / name
    for old in CACHE.glob(name + "*"):
        old.unlink()
    shutil.copy(path, target)
    return target


def median_ms(fn: Callable[[], object], repeat: int = 7, warmup: int = 1) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def interleaved(ours: Callable[[], object], raw: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median milliseconds of each, run alternately (after one warm-up each) so machine noise hits both alike."""
    ours(), raw()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for fn, sink in ((ours, times[0]), (raw, times[1])):
            start = time.perf_counter()
            fn()
            sink.append((time.perf_counter() - start) * 1000)
    return statistics.median(times[0]), statistics.median(times[1])


def report(name: str, ours: float, raw: float, unit: str = "ms", target: str = "") -> dict[str, object]:
    ratio = ours / raw if raw else float("inf")
    print(f"{name:<44} ours {ours:9.1f} {unit}   raw {raw:9.1f} {unit}   ratio {ratio:5.2f}x   {target}")
    return {"name": name, "ours": ours, "raw": raw, "ratio": ratio, "unit": unit, "target": target}
