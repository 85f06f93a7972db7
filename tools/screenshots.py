"""Screenshots of the current app for the README and the user guide: the window is opened on a demo
store offscreen (or on whatever display is set) and each view is grabbed to a PNG.

    .venv/bin/python tools/screenshots.py --db demo.sqlite3 --lang nl --out docs
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer

from postapp.coretasks import CoreTask
from postapp.ui.app import application, build_window
from postapp.ui.main_window import CONTACTS, HOME, WORKSPACES


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--lang", default="nl")
    parser.add_argument("--out", default=Path("docs"), type=Path)
    parser.add_argument("--search", default="jansen")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    app = application()
    window = build_window(args.db, args.lang)
    window.resize(1280, 800)

    def show_tab(key: str, object_name: str) -> None:
        from PySide6.QtWidgets import QTabWidget, QWidget

        window.nav.setCurrentRow(WORKSPACES.index(key))
        workspace = window.workspace(key)
        tabs = workspace.findChild(QTabWidget, "taskTabs")
        panel = workspace.findChild(QWidget, object_name)
        if tabs is not None and panel is not None:
            tabs.setCurrentWidget(panel)

    def shoot() -> None:
        window.nav.setCurrentRow(WORKSPACES.index(HOME))
        window.grab().save(str(args.out / "screenshot-home.png"))
        show_tab(CoreTask.EXPERTISE.value, "riskProfilePanel")
        window.grab().save(str(args.out / "screenshot-main.png"))
        show_tab(CoreTask.AWARENESS.value, "eventsPanel")
        window.grab().save(str(args.out / "screenshot-events.png"))
        show_tab(CoreTask.SUPPORT.value, "casesPanel")
        window.grab().save(str(args.out / "screenshot-cases.png"))
        window.nav.setCurrentRow(WORKSPACES.index(CONTACTS))
        contacts = window.workspace(CONTACTS)
        contacts.search.setText(args.search)  # type: ignore[attr-defined]
        contacts.run_search()  # type: ignore[attr-defined]
        contacts.person_list.table.selectRow(1)  # type: ignore[attr-defined]
        QTimer.singleShot(200, finish)

    def finish() -> None:
        window.grab().save(str(args.out / "screenshot-contacts.png"))
        app.quit()

    window.store_opened.connect(lambda: QTimer.singleShot(300, shoot))
    QTimer.singleShot(30_000, app.quit)
    window.show()
    app.exec()
    return 0 if (args.out / "screenshot-contacts.png").exists() else 1


if __name__ == "__main__":
    sys.exit(main())
