"""The data file's check at start on the 100,000-person demo store: ``open_store`` (structural check +
``PRAGMA quick_check`` + schema read + engine) vs plain sqlite3 running ``PRAGMA quick_check``; the
window's start (structural check only) vs a plain sqlite3 connect; and the full ``integrity_check``
the window runs in the background, ours vs plain. Also a scheduled backup (copy + check of the copy)
vs plain sqlite3's backup API. Target: the check at start adds at most ~150 ms, or runs off the UI
thread."""

from __future__ import annotations

import sqlite3

from common import demo_store, fresh_copy, interleaved, report


def main() -> list[dict[str, object]]:
    from postapp.store import integrity, open_store
    from postapp.store.backup import backup_database, backups_dir

    path = fresh_copy(demo_store(), "bench-integrity.sqlite3")
    uri = path.absolute().as_uri() + "?mode=ro"

    def raw(pragma: str) -> None:
        con = sqlite3.connect(uri, uri=True)
        assert con.execute(f"PRAGMA {pragma}").fetchall() == [("ok",)]
        con.close()

    def ours_open(check: str) -> None:
        open_store(path, check=check).close()  # type: ignore[arg-type]

    def raw_connect() -> None:
        con = sqlite3.connect(path)
        con.execute("SELECT version_num FROM alembic_version").fetchone()
        con.close()

    results = []
    ours, plain = interleaved(lambda: ours_open("quick"), lambda: raw("quick_check"), repeat=7)
    results.append(report("open_store (quick_check) vs raw quick_check", ours, plain))
    ours, plain = interleaved(lambda: ours_open("structure"), raw_connect, repeat=7)
    results.append(report("open_store (window: structure) vs raw connect", ours, plain))
    ours, plain = interleaved(lambda: integrity.problems(path, "full"), lambda: raw("integrity_check"), repeat=3)
    results.append(report("full check (background) vs raw integrity_check", ours, plain))

    folder = backups_dir(path)
    target = path.with_name("bench-integrity-raw-backup.sqlite3")

    def ours_backup() -> None:
        made = backup_database(path, "bench", keep=1)
        made.unlink()

    def raw_backup() -> None:
        target.unlink(missing_ok=True)
        src, dst = sqlite3.connect(uri, uri=True), sqlite3.connect(target)
        src.backup(dst)
        dst.close()
        src.close()

    ours, plain = interleaved(ours_backup, raw_backup, repeat=3)
    results.append(report("backup (copy + quick_check) vs raw backup", ours, plain))
    target.unlink(missing_ok=True)
    for leftover in folder.glob("bench-integrity-*"):
        leftover.unlink()
    return results


if __name__ == "__main__":
    main()
