"""The user guide's screenshots, made from the current app on a fresh demo store: one per workspace in
Dutch and English (``docs/guide/img/<lang>-<view>.png``), plus Home and a core task (the risk profile) in dark mode
and at 200% scale (``QT_SCALE_FACTOR=2``) to check the app stays readable.

    .venv/bin/python tools/guide_screenshots.py                 # everything, into docs/guide/img
    .venv/bin/python tools/guide_screenshots.py --lang nl --variant dark --out /tmp/shots

Each language and variant runs in its own process: the scale factor and the style are fixed when Qt
starts. Preferences go to a temporary folder, so the user's own are never touched. PNGs are written
with an adaptive palette to stay small enough to commit.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("nl", "en")
VARIANTS = ("normal", "dark", "scale2")
SIZE = (1280, 800)  # logical pixels; at 200% the image is twice as large
DEMO_PERSONS = 400


def build_demo(path: Path) -> None:
    from postapp import demo
    from postapp.store import open_store

    store = open_store(path)
    with store.session() as session:
        demo.fill(session, DEMO_PERSONS)
    store.close()


def write_png(image: QImage, target: Path) -> None:
    """Writes ``image`` with an adaptive 256-colour palette (Pillow, which ReportLab brings): a flat UI
    loses nothing visible and the file is a fraction of the size. Without Pillow, a plain PNG."""
    from PySide6.QtCore import QBuffer, QIODevice

    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]
    data = bytes(buffer.data().data())
    try:
        from PIL import Image
    except ImportError:
        target.write_bytes(data)
        return
    with Image.open(io.BytesIO(data)) as opened:
        opened.convert("RGB").quantize(256, dither=Image.Dither.NONE).save(target, optimize=True)


def shoot(db: Path, lang: str, variant: str, out: Path, settings_dir: Path) -> list[Path]:
    """Runs in a process of its own: opens the window and grabs each view."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QTabWidget, QWidget

    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(settings_dir))
    from postapp.coretasks import CoreTask
    from postapp.ui.app import application, build_window
    from postapp.ui.main_window import CONTACTS, HOME, SURVEY, WORKSPACES
    from postapp.ui.settings import Preferences

    prefs = Preferences()
    prefs.language = lang
    prefs.post_code, prefs.post_name, prefs.country = "HAN", ("Ambassade Hanoi" if lang == "nl" else
                                                              "Embassy Hanoi"), "VN"
    prefs.appearance = "dark" if variant == "dark" else "light"
    prefs.sync()
    app = application()
    window = build_window(db, lang)
    window.resize(*SIZE)
    written: list[Path] = []
    suffix = "" if variant == "normal" else f"-{variant}"

    shown: list[QWidget | None] = [None]  # what the last view showed, when not the window itself

    def save(name: str) -> None:
        target = out / f"{lang}-{name}{suffix}.png"
        widget = shown[0] or window
        write_png(widget.grab().toImage(), target)
        written.append(target)
        if shown[0] is not None:
            shown[0].close()
            shown[0] = None

    def go(key: str, tab: str | None = None) -> QWidget:
        window.nav.setCurrentRow(WORKSPACES.index(key))
        workspace = window.workspace(key)
        if tab is not None:
            panel = workspace.findChild(QWidget, tab)
            holder = panel.parentWidget() if panel is not None else None  # the tab widget's stack
            tabs = holder.parentWidget() if holder is not None else None
            if isinstance(tabs, QTabWidget) and panel is not None:
                tabs.setCurrentWidget(panel)
        return workspace

    def survey_tab(index: int) -> None:
        survey = go(SURVEY)
        survey.tabs.setCurrentIndex(index)  # type: ignore[attr-defined]

    def answering() -> None:
        from PySide6.QtWidgets import QDialog, QPushButton

        survey = go(SURVEY)
        survey.tabs.setCurrentIndex(0)  # type: ignore[attr-defined]
        panel = survey.questionnaire  # type: ignore[attr-defined]
        panel.new_response()
        dialog = panel.findChild(QDialog)
        if dialog is not None:
            dialog.resize(1100, 760)
            next_button = dialog.findChild(QPushButton, "nextButton")
            if next_button is not None:
                next_button.click()  # past the introduction, to the first questions
            shown[0] = dialog

    def contacts() -> None:
        workspace = go(CONTACTS)
        workspace.search.setText("jan")  # type: ignore[attr-defined]
        workspace.run_search()  # type: ignore[attr-defined]
        workspace.person_list.table.selectRow(1)  # type: ignore[attr-defined]

    views: list[tuple[str, Callable[[], object]]] = [
        ("home", lambda: go(HOME)),
        ("risk-profile", lambda: go(CoreTask.EXPERTISE.value, "riskProfilePanel")),
    ]
    if variant == "normal":
        views += [
            ("knowledge-notes", lambda: go(CoreTask.EXPERTISE.value, "notesPanel")),
            ("stakeholders", lambda: go(CoreTask.EXPERTISE.value, "stakeholdersPanel")),
            ("events", lambda: go(CoreTask.AWARENESS.value, "eventsPanel")),
            ("cases", lambda: go(CoreTask.SUPPORT.value, "casesPanel")),
            ("conditions", lambda: go(CoreTask.CONDITIONS.value)),
            ("agenda", lambda: go(CoreTask.AGENDA.value, "agendaPanel")),
            ("contacts", contacts),
            ("survey", lambda: survey_tab(0)),
            ("survey-answer", answering),
        ]

    failed: list[str] = []

    def step(index: int) -> None:
        try:
            if index > 0:
                save(views[index - 1][0])
            if index == len(views):
                app.quit()
                return
            views[index][1]()
        except Exception:
            failed.append(views[index][0] if index < len(views) else "")
            app.quit()  # the shots so far stay; the run fails
            raise
        QTimer.singleShot(700, lambda: step(index + 1))  # lazy tables fill, layouts settle

    window.store_opened.connect(lambda: QTimer.singleShot(500, lambda: step(0)))
    QTimer.singleShot(120_000, app.quit)
    window.show()
    app.exec()
    window.close()
    return written if not failed and len(written) == len(views) else []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "guide" / "img")
    parser.add_argument("--lang", choices=LANGUAGES)
    parser.add_argument("--variant", choices=VARIANTS)
    parser.add_argument("--db", type=Path, help="a demo store to use (made when missing)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="postapp-shots-") as temp:
        work = Path(temp)
        db = args.db or work / "demo.sqlite3"
        if args.lang and args.variant:  # one process, one language and variant
            if not db.exists():
                build_demo(db)
            written = shoot(db, args.lang, args.variant, args.out, work / "settings")
            for path in written:
                print(path)
            return 0 if written else 1
        if not db.exists():
            build_demo(db)
        failed = 0
        for lang in [args.lang] if args.lang else LANGUAGES:
            for variant in [args.variant] if args.variant else VARIANTS:
                env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
                if variant == "scale2":
                    env["QT_SCALE_FACTOR"] = "2"
                copy = work / f"{lang}-{variant}.sqlite3"  # each run its own copy: opening may migrate
                copy.write_bytes(db.read_bytes())
                result = subprocess.run([sys.executable, __file__, "--lang", lang, "--variant", variant,
                                         "--out", str(args.out), "--db", str(copy)], env=env, check=False)
                failed += result.returncode != 0
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
