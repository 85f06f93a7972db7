"""Start to first painted main window: PostApp vs a bare PySide6 window, same interpreter, same run.

Each start is a fresh process (the cost users see), timed from spawn to exit; runs alternate between
the two so machine noise hits both alike. Target: ours <= 1.5x bare.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

from common import ROOT, demo_store, report

RUNS = int(os.environ.get("POSTAPP_BENCH_RUNS", "9"))


def timed(args: list[str]) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return (time.perf_counter() - start) * 1000


def main() -> list[dict[str, object]]:
    db = demo_store()
    bare_script = str(ROOT / "bench" / "drivers" / "bare_window.py")
    app_script = str(ROOT / "bench" / "drivers" / "app_window.py")
    timed([bare_script]), timed([app_script, str(db)])  # warm the file cache
    bare, ours, data = [], [], []
    for _ in range(RUNS):
        bare.append(timed([bare_script]))
        ours.append(timed([app_script, str(db)]))
        data.append(timed([app_script, str(db), "--data"]))
    results = [
        report("start to first painted window", statistics.median(ours), statistics.median(bare), target="<= 1.5x"),
        report("start to data shown (store open, 1st task)", statistics.median(data), statistics.median(bare),
               target="(information)"),
    ]
    return results


if __name__ == "__main__":
    main()
