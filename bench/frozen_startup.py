"""Start to first painted main window: the frozen application (PyInstaller, dist/PostAppIMVO) vs the
same code unfrozen (``python -m postapp``), in the same run.

Both start through the same CLI entry point with the hidden ``first-paint`` command, which builds the
window as a user's start does and exits right after its first paint; each start is a fresh process,
timed from spawn to exit, and the runs alternate so machine noise hits both alike. A bare PySide6
window (bench/drivers/bare_window.py) is timed too, for scale. Target: frozen <= 1.5x unfrozen.

Build the application first (``make installer``), or point POSTAPP_FROZEN_DIR at a built folder.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import ROOT, demo_store, report

RUNS = int(os.environ.get("POSTAPP_BENCH_RUNS", "9"))
FROZEN_DIR = Path(os.environ.get("POSTAPP_FROZEN_DIR", ROOT / "dist" / "PostAppIMVO"))
EXE = FROZEN_DIR / ("PostAppIMVO.exe" if sys.platform == "win32" else "PostAppIMVO")


def timed(command: list[str]) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (time.perf_counter() - start) * 1000


def main() -> list[dict[str, object]]:
    if not EXE.is_file():
        raise SystemExit(f"No frozen application at {EXE}: run `make installer` first (or set POSTAPP_FROZEN_DIR).")
    db = str(demo_store())
    frozen_cmd = [str(EXE), "--db", db, "first-paint"]
    source_cmd = [sys.executable, "-m", "postapp", "--db", db, "first-paint"]
    bare_cmd = [sys.executable, str(ROOT / "bench" / "drivers" / "bare_window.py")]
    for command in (frozen_cmd, source_cmd, bare_cmd):
        timed(command)  # warm the file cache
    frozen, source, bare = [], [], []
    for _ in range(RUNS):
        frozen.append(timed(frozen_cmd))
        source.append(timed(source_cmd))
        bare.append(timed(bare_cmd))
    return [
        report("frozen start to first painted window", statistics.median(frozen), statistics.median(source),
               target="<= 1.5x (raw: python -m postapp)"),
        report("frozen start vs bare PySide6 window", statistics.median(frozen), statistics.median(bare),
               target="(information)"),
    ]


if __name__ == "__main__":
    main()
