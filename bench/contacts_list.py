"""Opening the contacts list on 100,000 persons: time until the first page is shown, and memory growth.

Raw comparison: a bare ``QTableView`` over a ``QStandardItemModel`` filled with the same first page
read with plain sqlite3. Targets: under 100 ms, memory growth under 50 MB.
"""

from __future__ import annotations

import os
import sqlite3
import time

import psutil
from common import demo_store, report

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> list[dict[str, object]]:
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QTableView

    from postapp.store import open_store
    from postapp.ui.app import application
    from postapp.ui.lazy_model import PAGE_SIZE

    db = demo_store()
    app = application()
    store = open_store(db)
    process = psutil.Process()

    # Warm imports and the file cache, as a user who already used another workspace.
    from postapp.ui.contacts_workspace import ContactsWorkspace

    warm = ContactsWorkspace()
    warm.attach_store(store, "HAN")
    warm.deleteLater()
    app.processEvents()

    rss_before = process.memory_info().rss
    start = time.perf_counter()
    workspace = ContactsWorkspace()
    workspace.resize(1100, 700)
    workspace.attach_store(store, "HAN")
    workspace.show()
    app.processEvents()
    ours_ms = (time.perf_counter() - start) * 1000
    growth_mb = (process.memory_info().rss - rss_before) / 2**20
    rows = workspace.persons.rowCount()

    con = sqlite3.connect(db)
    start = time.perf_counter()
    page = con.execute(
        "SELECT p.id, p.name, p.email, o.name, p.role FROM person p LEFT JOIN organisation o "
        "ON o.id = p.organisation_id WHERE p.deleted_at IS NULL ORDER BY p.name COLLATE NOCASE, p.id LIMIT ?",
        (PAGE_SIZE + 1,),
    ).fetchall()
    model = QStandardItemModel(0, 4)
    for row in page[:PAGE_SIZE]:
        model.appendRow([QStandardItem(str(row[i] or "")) for i in (1, 3, 2, 4)])
    view = QTableView()
    view.setModel(model)
    view.resize(1100, 700)
    view.show()
    app.processEvents()
    raw_ms = (time.perf_counter() - start) * 1000

    print(f"contacts list: {rows} rows loaded of {workspace.count.text()}; memory growth {growth_mb:.1f} MB (< 50)")
    results = [report("open contacts list (first page shown)", ours_ms, raw_ms, target="< 100 ms")]
    results.append({"name": "contacts list memory growth", "ours": growth_mb, "raw": 0.0, "ratio": 0.0,
                    "unit": "MB", "target": "< 50 MB"})
    store.close()
    return results


if __name__ == "__main__":
    main()
