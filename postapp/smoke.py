"""``postapp smoke --out DIR``: a hidden command that proves an installed (frozen) copy works.

It runs inside the program being checked, so it finds exactly what a user's copy finds: the bundled
migrations, translations, fonts, questionnaire, time zones, Qt plugins. Each step goes through the
same CLI entry point a user would type (``postapp.cli.main``) and then checks the file it wrote;
the last step opens the main window offscreen on the new data file and closes it again.
It prints one line per step and exits 0 only when every step passed. Used by
``tests/test_installer.py`` on the PyInstaller build and by ``make smoke`` on a source checkout.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEMO_PERSONS = 300
WINDOW_TIMEOUT_MS = 60_000
CLOSE_LIMIT_S = 10.0  # a user who quits waits for nothing more than background work already under way
PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


class SmokeFailure(Exception):
    """A step's check did not hold; the message says what was expected."""


@dataclass
class Smoke:
    out: Path
    lines: list[str] = field(default_factory=list)
    failed: int = 0

    @property
    def db(self) -> Path:
        return self.out / "post.sqlite3"

    def cli(self, *args: str) -> str:
        """Runs ``postapp --db <the smoke data file> ARGS`` in this process; raises unless it exits 0."""
        from postapp.cli import main

        code = main(["--db", str(self.db), "--lang", "en", *args])
        if code != 0:
            raise SmokeFailure(f"postapp {' '.join(args)} exited {code}")
        return ""

    def step(self, name: str, action: Callable[[], str]) -> None:
        start = time.perf_counter()
        try:
            detail = action()
        except Exception as exc:
            self.failed += 1
            kind = "" if isinstance(exc, SmokeFailure) else f"{type(exc).__name__}: "
            self._say(f"FAIL {name}: {kind}{exc}")
            if not isinstance(exc, SmokeFailure) and sys.stderr is not None:  # None: Windows, no console
                traceback.print_exc()
            return
        self._say(f"ok   {name} ({(time.perf_counter() - start) * 1000:.0f} ms){': ' + detail if detail else ''}")

    def _say(self, line: str) -> None:
        self.lines.append(line)
        print("smoke: " + line, flush=True)


def pdf_pages(path: Path) -> int:
    """Page objects in a PDF written by ReportLab (no object streams), without a PDF library: the
    frozen app does not carry pypdf, and the test reads the file again with pypdf."""
    data = path.read_bytes()
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        raise SmokeFailure(f"{path.name} is not a complete PDF")
    return len(PAGE.findall(data))


def report_pdf(smoke: Smoke, kind: str) -> str:
    path = smoke.out / f"{kind}.pdf"
    smoke.cli("report", kind, "--out", str(path))
    pages = pdf_pages(path)
    if pages < 1:
        raise SmokeFailure(f"{path.name} has no pages")
    return f"{path.name}, {pages} pages, {path.stat().st_size // 1024} KiB"


def new_store(smoke: Smoke) -> str:
    if smoke.db.exists():
        raise SmokeFailure(f"{smoke.db} exists already; give an empty folder")
    smoke.cli("demo", "--persons", str(DEMO_PERSONS))
    from sqlalchemy import func, select

    from postapp.domain.persons import Person
    from postapp.store import open_store
    from postapp.store.migrate import head_revision

    store = open_store(smoke.db)
    try:
        with store.read() as session:
            persons = session.scalar(select(func.count()).select_from(Person))
        with store.engine.connect() as conn:
            revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    finally:
        store.close()
    if persons != DEMO_PERSONS:
        raise SmokeFailure(f"{persons} persons stored, {DEMO_PERSONS} expected")
    if revision != head_revision():
        raise SmokeFailure(f"data file at migration {revision}, head is {head_revision()}")
    return f"migrated to {revision}, {persons} persons"


def translations(_smoke: Smoke) -> str:
    from postapp.i18n import LANGUAGES, _, set_language
    from postapp.paths import translations_dir

    missing = [lang for lang in sorted(LANGUAGES)
               if not (translations_dir() / lang / "LC_MESSAGES" / "messages.mo").is_file()]
    if missing:
        raise SmokeFailure(f"no compiled catalog for {', '.join(missing)} in {translations_dir()}")
    english = "Headquarters"
    try:
        set_language("nl")
        dutch = _(english)
    finally:
        set_language("en")
    if dutch == english:
        raise SmokeFailure("the Dutch catalog does not translate 'Headquarters'")
    return f"{', '.join(sorted(LANGUAGES))}; nl: {dutch}"


def ics_export(smoke: Smoke) -> str:
    from postapp.services.events import event_rows
    from postapp.store import open_store

    store = open_store(smoke.db)
    try:
        with store.read() as session:
            rows = event_rows(session, None, 0, 1)
    finally:
        store.close()
    if not rows:
        raise SmokeFailure("the demo data holds no event")
    out = smoke.out / "event.ics"
    smoke.cli("events", "ics", str(rows[0].id), "--out", str(out))
    text = out.read_text(encoding="utf-8")
    if "BEGIN:VCALENDAR" not in text or "BEGIN:VTIMEZONE" not in text:
        raise SmokeFailure("event.ics lacks a calendar or its time zone")
    from importlib.resources import files

    # Windows has no system time-zone database: zoneinfo falls back on the bundled tzdata package.
    if not files("tzdata.zoneinfo").joinpath(*rows[0].timezone.split("/")).is_file():
        raise SmokeFailure(f"the tzdata package lacks {rows[0].timezone}")
    return f"event.ics, time zone {rows[0].timezone} (also in the bundled tzdata)"


def vcard_export(smoke: Smoke) -> str:
    out = smoke.out / "contacts.vcf"
    smoke.cli("export", "contacts", "--format", "vcf", "--out", str(out))
    cards = out.read_text(encoding="utf-8").count("BEGIN:VCARD")
    if cards < 1:
        raise SmokeFailure("contacts.vcf holds no vCard")
    return f"{cards} vCards"


def sync_keys(smoke: Smoke) -> str:
    from postapp.sync import keys

    folder = smoke.out / "keys"
    pair = keys.generate()
    keys.save(pair, folder)
    if keys.load(folder).public() != pair.public():
        raise SmokeFailure("the keys read back differ from the keys written")
    return "signing and encryption key pair written and read back (libsodium)"


def window(smoke: Smoke) -> str:
    """The main window, offscreen, on the demo data file: first paint, store opened, closed cleanly."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QLibraryInfo, QLocale, QSettings, QTimer, QTranslator

    from postapp.i18n import set_language
    from postapp.ui.app import application
    from postapp.ui.main_window import MainWindow
    from postapp.ui.settings import Preferences

    app = application()
    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    found = sorted(p.name for p in plugins.glob("*") if p.is_file())
    native = next((name for name in ("xcb", "windows", "cocoa") if any(name in f for f in found)), None)
    if native is None or not any("offscreen" in f for f in found):
        raise SmokeFailure(f"platform plugins in {plugins}: {found or 'none'}")
    translator = QTranslator(app)
    qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(QLocale("nl"), "qtbase", "_", qt_folder):
        raise SmokeFailure(f"Qt's own Dutch translation not found in {qt_folder}")

    # The user's own preferences are neither read nor changed: an ini file in the smoke folder.
    prefs = Preferences(QSettings(str(smoke.out / "settings.ini"), QSettings.Format.IniFormat))
    set_language("en")
    main = MainWindow(prefs, smoke.db)
    state: dict[str, Any] = {"opened": False, "timed_out": False}

    def opened() -> None:
        state["opened"] = time.perf_counter()
        QTimer.singleShot(0, main.close)  # at once, as a user who quits right away: background work must stop

    def too_late() -> None:
        state["timed_out"] = True
        app.exit(3)

    def crashed(kind: type[BaseException], exc: BaseException, tb: Any) -> None:
        # An exception in a slot would only be printed and the window left waiting: stop at once.
        state["error"] = f"{kind.__name__}: {exc}"
        if sys.stderr is not None:
            traceback.print_exception(kind, exc, tb)
        app.exit(4)

    main.store_opened.connect(opened)
    QTimer.singleShot(WINDOW_TIMEOUT_MS, too_late)
    previous_hook, sys.excepthook = sys.excepthook, crashed
    try:
        main.show()
        start = time.perf_counter()
        code = app.exec()
    finally:
        sys.excepthook = previous_hook
    end = time.perf_counter()
    if "error" in state:
        raise SmokeFailure(f"the window raised {state['error']}")
    if state["timed_out"] or not state["opened"]:
        raise SmokeFailure(f"the window did not open the data file ({main.data_label.text()})")
    if code != 0:
        raise SmokeFailure(f"the event loop ended with {code}")
    if main.store is None or main.isVisible():
        raise SmokeFailure("the window did not close with its data file open")
    closing = end - state["opened"]
    if closing > CLOSE_LIMIT_S:
        raise SmokeFailure(f"the window took {closing:.1f} s to close (at most {CLOSE_LIMIT_S} s)")
    return (f"platform {app.platformName()} (also bundled: {native}), data file open after "
            f"{(state['opened'] - start) * 1000:.0f} ms, closed {closing * 1000:.0f} ms later")


def run(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    smoke = Smoke(out)
    smoke.step(f"new data file with demo data ({DEMO_PERSONS} persons)", lambda: new_store(smoke))
    smoke.step("compiled translations", lambda: translations(smoke))
    smoke.step("survey demo round", lambda: smoke.cli("survey", "demo"))
    smoke.step("country briefing PDF", lambda: report_pdf(smoke, "country"))
    smoke.step("study report PDF", lambda: report_pdf(smoke, "study"))
    smoke.step("event as .ics", lambda: ics_export(smoke))
    smoke.step("contacts as vCard", lambda: vcard_export(smoke))
    smoke.step("duplicate scan", lambda: smoke.cli("duplicates", "--limit", "3"))
    smoke.step("sync keys", lambda: sync_keys(smoke))
    smoke.step("main window offscreen", lambda: window(smoke))
    total = len(smoke.lines)
    print(f"smoke: {total - smoke.failed} of {total} steps passed", flush=True)
    return 0 if smoke.failed == 0 else 1


def cmd_smoke(args: argparse.Namespace) -> int:
    return run(Path(args.out))


def cmd_first_paint(args: argparse.Namespace) -> int:
    """The window's normal start (``build_window``), ended the moment its first paint is done.

    ``bench/frozen_startup.py`` times this command from spawn to exit, frozen and unfrozen: both go
    through the same CLI entry point, so the difference is what freezing costs. Ends like the
    benchmark drivers in ``bench/drivers``: ``os._exit`` right after the paint, so the data file
    (opened after the first paint) is not counted.
    """
    from PySide6.QtCore import QEvent, QObject, QTimer

    from postapp.cli import db_path
    from postapp.ui.app import application, build_window

    class Quit(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                QTimer.singleShot(0, lambda: os._exit(0))
            return False

    app = application()
    window = build_window(db_path(args), args.lang or "en")
    quitter = Quit()
    window.installEventFilter(quitter)
    window.show()
    return app.exec()


def register(commands: Any) -> None:
    """Registered without ``help``, so ``postapp --help`` does not list them: they are for packagers and CI."""
    smoke = commands.add_parser("smoke")
    smoke.add_argument("--out", required=True, metavar="DIR", help="an empty folder for the files it writes")
    smoke.set_defaults(func=cmd_smoke)
    probe = commands.add_parser("first-paint")
    probe.set_defaults(func=cmd_first_paint)
