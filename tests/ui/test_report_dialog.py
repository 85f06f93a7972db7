"""File → Briefing pack…: the dialog makes real PDFs in the background, cancels without leaving a file,
and says at the field what is missing before it starts."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QDate, QSettings, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from postapp.i18n import language
from postapp.survey.demo import generate_round
from postapp.ui import report_dialog
from postapp.ui.main_window import MainWindow
from postapp.ui.report_dialog import ReportChoices, ReportDialog
from postapp.ui.settings import APPLICATION, ORGANISATION

from .helpers import open_window

BUILD_TIMEOUT = 120_000  # ms; two shared cores and a full demo post


@pytest.fixture(autouse=True)
def fresh_choices() -> Iterator[None]:
    QSettings(ORGANISATION, APPLICATION).remove("reports")
    yield
    QSettings(ORGANISATION, APPLICATION).remove("reports")


@pytest.fixture(autouse=True)
def opened(monkeypatch: pytest.MonkeyPatch) -> list[QUrl]:
    """The URLs the dialog asked the system to open (no PDF viewer is started in tests)."""
    urls: list[QUrl] = []

    def fake_open(url: QUrl) -> bool:
        urls.append(url)
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(fake_open))
    return urls


def open_dialog(qtbot: QtBot, db: Path, lang: str = "en") -> tuple[MainWindow, ReportDialog]:
    window = open_window(qtbot, db, lang)
    action = window.findChild(QAction, "actionBriefingPack")
    assert action.shortcut().toString() == "Ctrl+P"
    action.trigger()
    dialog = window.findChild(ReportDialog, "reportDialog")
    assert dialog is not None and dialog.isVisible()
    return window, dialog


def choose(dialog: ReportDialog, kind: str, pack_language: str = "en") -> None:
    dialog.kind.setCurrentIndex(dialog.kind.findData(kind))
    dialog.pack_language.setCurrentIndex(dialog.pack_language.findData(pack_language))


def make_and_wait(qtbot: QtBot, dialog: ReportDialog, path: Path) -> None:
    dialog.make(path)
    assert dialog.building
    qtbot.waitUntil(lambda: not dialog.building, timeout=BUILD_TIMEOUT)


def pages_text(path: Path) -> list[str]:
    """Each page's text on one line (a title may wrap)."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]


def error_at(dialog: ReportDialog, field: str) -> str:
    label = dialog.findChild(QLabel, f"error_{field}")
    return label.text() if label is not None and label.isVisible() else ""


def test_a_country_briefing_in_english_is_written_and_opened(qtbot: QtBot, demo_db: Path, tmp_path: Path,
                                                            opened: list[QUrl]) -> None:
    window, dialog = open_dialog(qtbot, demo_db)
    choose(dialog, "country", "en")
    for name in ("dateFrom", "dateTo", "packLanguage", "classification", "includeSensitive", "openWhenReady",
                 "makePack", "cancelPack", "section_risk", "section_stakeholders", "section_examples"):
        widget = dialog.findChild(report_dialog.QWidget, name)
        assert widget is not None, name
        assert widget.accessibleName() and "&" not in widget.accessibleName(), name
    assert dialog.date_from.date() == QDate.currentDate().addMonths(-12).addDays(1)
    assert dialog.date_to.date() == QDate.currentDate()
    assert dialog.classification.currentText() == "Internal use"
    assert all(box.isChecked() for box in dialog.section_boxes["country"].values())
    assert dialog.open_when_ready.isChecked() and not dialog.include_sensitive.isChecked()
    warning = dialog.findChild(QLabel, "sensitiveWarning")
    assert not warning.isVisible()
    dialog.include_sensitive.setChecked(True)
    assert warning.isVisible() and "sensitive contacts" in warning.text()
    dialog.include_sensitive.setChecked(False)
    assert not warning.isVisible()
    dialog.section_boxes["country"]["examples"].setChecked(False)
    dialog.classification.setCurrentText("Departmental confidential")
    out = tmp_path / "briefing.pdf"

    make_and_wait(qtbot, dialog, out)

    assert out.is_file()
    pages = pages_text(out)
    text = "\n".join(pages)
    assert window.prefs.post_name in pages[1]  # the running header of the body pages
    assert "Country briefing:" in pages[0]
    assert "Key stakeholders" in text and "The post's work per core task" in text
    assert "Good examples" not in text  # the section left unticked
    assert "Departmental confidential" in pages[0]
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file() and "sqlite3" not in p.name) \
        == ["briefing.pdf"]  # no temporary file left beside it
    assert str(out) in dialog.status.text()
    assert dialog.findChild(report_dialog.QPushButton, "openPack").isVisible()
    assert [url.toLocalFile() for url in opened] == [str(out)]  # "Open when ready"
    assert language() == "en"  # the window speaks its own language again
    choices = ReportChoices()
    assert (choices.pack, choices.language, choices.classification) == ("country", "en",
                                                                       "Departmental confidential")
    assert choices.sections("country") == frozenset({"risk", "work", "events", "stakeholders"})


def test_the_choices_come_back_and_the_open_button_opens_again(qtbot: QtBot, demo_db: Path,
                                                              opened: list[QUrl]) -> None:
    choices = ReportChoices()
    choices.pack, choices.language, choices.classification = "study", "nl", "Departementaal vertrouwelijk"
    choices.set_sections("study", frozenset({"summary", "open"}))
    choices.sync()
    _window, dialog = open_dialog(qtbot, demo_db)
    assert dialog.pack_kind == "study" and dialog.language_code == "nl"
    assert dialog.classification.currentText() == "Departementaal vertrouwelijk"
    assert dialog.chosen_sections() == frozenset({"summary", "open"})
    dialog.pack_language.setCurrentIndex(dialog.pack_language.findData("en"))
    assert dialog.classification.currentText() == "Departmental confidential"  # the same line in English
    dialog.classification.setCurrentText("Alleen voor de post")
    dialog.pack_language.setCurrentIndex(dialog.pack_language.findData("nl"))
    assert dialog.classification.currentText() == "Alleen voor de post"  # typed text is kept
    assert not dialog.findChild(report_dialog.QPushButton, "openPack").isVisible()
    dialog.open_pack()  # nothing written yet: nothing to open
    assert opened == []


@pytest.mark.parametrize(("lang", "expected"), [("nl", "nl"), ("fr", "en"), ("en", "en")])
def test_the_pack_language_follows_the_window_when_it_can(qtbot: QtBot, demo_db: Path, lang: str,
                                                          expected: str) -> None:
    _window, dialog = open_dialog(qtbot, demo_db, lang)
    assert dialog.language_code == expected
    assert dialog.classification.currentText() == {"nl": "Intern gebruik", "en": "Internal use"}[expected]


def test_a_study_report_of_a_synthetic_round_says_so(qtbot: QtBot, demo_db: Path, tmp_path: Path,
                                                    opened: list[QUrl]) -> None:
    window, dialog = open_dialog(qtbot, demo_db)
    assert window.store is not None
    with window.store.session() as session:
        generate_round(session, 140)
    dialog.open_when_ready.setChecked(False)
    choose(dialog, "study", "en")
    assert not dialog.date_from.isEnabled() and not dialog.date_to.isEnabled()
    assert not dialog.include_sensitive.isEnabled()
    assert list(dialog.section_boxes["study"]) == ["summary", "tasks", "groups", "actions", "support",
                                                   "interviews", "open"]
    assert dialog.section_boxes["study"]["summary"].isVisible()
    assert not dialog.section_boxes["country"]["risk"].isVisible()
    out = tmp_path / "study.pdf"

    make_and_wait(qtbot, dialog, out)

    pages = pages_text(out)
    assert "Usability study of the IMVO guidelines" in pages[0]
    assert all("SYNTHETIC DATA" in page for page in pages), "every page carries the marking"
    assert opened == []  # "Open when ready" was off
    assert dialog.findChild(report_dialog.QPushButton, "openPack").isVisible()
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert [url.toLocalFile() for url in opened] == [str(out)]


def test_cancel_stops_at_the_first_page_and_writes_nothing(qtbot: QtBot, demo_db: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         opened: list[QUrl]) -> None:
    _window, dialog = open_dialog(qtbot, demo_db)
    choose(dialog, "country", "en")
    clicked = threading.Event()
    answers: list[tuple[int, bool]] = []
    real_make_pack = report_dialog.make_pack

    def make_pack_after_the_click(kind: str, session: Any, options: Any, path: Path, progress: Any) -> Path:
        assert clicked.wait(30), "the test did not press Cancel"

        def watched(page: int) -> bool:
            answer = bool(progress(page))
            answers.append((page, answer))
            return answer

        return real_make_pack(kind, session, options, path, progress=watched)

    monkeypatch.setattr(report_dialog, "make_pack", make_pack_after_the_click)
    out = tmp_path / "cancelled.pdf"
    dialog.make(out)
    cancel = dialog.findChild(report_dialog.QPushButton, "cancelPack")
    assert cancel.isEnabled() and not dialog.make_button.isEnabled()
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    clicked.set()
    qtbot.waitUntil(lambda: not dialog.building, timeout=BUILD_TIMEOUT)

    assert answers == [(1, False)]  # the core asked once, at the first page, and was told to stop
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith((".pdf", ".part"))] == []
    assert dialog.status.text() == "Making the pack was cancelled; no file was written."
    assert dialog.written is None and not dialog.open_button.isVisible()
    assert opened == []
    assert dialog.make_button.isEnabled() and not cancel.isEnabled()
    assert dialog.findChild(QMessageBox, "errorMessage") is None  # a cancel is no error


def test_escape_during_a_build_cancels_it_and_closes_once_stopped(qtbot: QtBot, demo_db: Path,
                                                                  tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    window, dialog = open_dialog(qtbot, demo_db)
    choose(dialog, "country")
    gate = threading.Event()
    real_make_pack = report_dialog.make_pack

    def make_pack_after_escape(*args: Any, **kwargs: Any) -> Path:
        assert gate.wait(30)
        return real_make_pack(*args, **kwargs)

    monkeypatch.setattr(report_dialog, "make_pack", make_pack_after_escape)
    out = tmp_path / "briefing.pdf"
    dialog.make(out)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and dialog.building  # it waits for the core to stop
    gate.set()
    qtbot.waitUntil(lambda: window.findChild(ReportDialog, "reportDialog") is None, timeout=BUILD_TIMEOUT)
    assert not out.exists()


def test_an_unexpected_failure_is_a_message_and_no_file(qtbot: QtBot, demo_db: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       opened: list[QUrl]) -> None:
    _window, dialog = open_dialog(qtbot, demo_db)
    choose(dialog, "country")

    def broken(*_args: Any, **_kwargs: Any) -> Path:
        raise RuntimeError("a bug")

    monkeypatch.setattr(report_dialog, "make_pack", broken)
    out = tmp_path / "briefing.pdf"
    make_and_wait(qtbot, dialog, out)
    qtbot.waitUntil(lambda: dialog.findChild(QMessageBox, "errorMessage") is not None)
    message = dialog.findChild(QMessageBox, "errorMessage").text()
    assert "could not be made (RuntimeError)" in message and "no file was written" in message
    assert dialog.status.text() == message
    assert not out.exists() and opened == [] and dialog.make_button.isEnabled()


def test_a_period_that_ends_before_it_starts_is_refused_at_the_field(qtbot: QtBot, demo_db: Path,
                                                                    tmp_path: Path) -> None:
    _window, dialog = open_dialog(qtbot, demo_db)
    choose(dialog, "country")
    dialog.date_from.setDate(QDate(2026, 6, 1))
    dialog.date_to.setDate(QDate(2026, 5, 31))
    out = tmp_path / "briefing.pdf"
    dialog.make(out)
    assert not dialog.building
    assert error_at(dialog, "period") == "The period starts after it ends."
    assert not out.exists()
    dialog.date_to.setDate(QDate(2026, 6, 30))
    assert error_at(dialog, "period") == ""  # the message goes once the dates are changed


def test_a_company_brief_needs_an_organisation(qtbot: QtBot, demo_db: Path, tmp_path: Path) -> None:
    _window, dialog = open_dialog(qtbot, demo_db)
    choose(dialog, "company")
    assert dialog.company.isVisible() and not dialog.event_box.isVisible()
    out = tmp_path / "brief.pdf"
    dialog.make(out)
    assert not dialog.building
    assert error_at(dialog, "company") == "Choose the organisation the brief is about."
    assert dialog.company.hasFocus() or dialog.focusWidget() is dialog.company
    dialog.company.setText("No organisation is called like this")
    dialog.make(out)
    assert error_at(dialog, "company") == "Choose the organisation from the suggestions."
    assert not out.exists()


def test_a_company_brief_for_a_chosen_organisation(qtbot: QtBot, demo_db: Path, tmp_path: Path) -> None:
    from sqlalchemy import select

    from postapp.domain import Organisation

    window, dialog = open_dialog(qtbot, demo_db)
    assert window.store is not None
    with window.store.read() as session:
        org = session.scalars(select(Organisation).where(Organisation.deleted_at.is_(None))
                              .order_by(Organisation.name).limit(1)).one()
        org_id, name = org.id, org.name
    choose(dialog, "company", "nl")
    dialog.open_when_ready.setChecked(False)
    dialog.company.set_organisation(org_id, name)
    assert name in dialog.default_path().name and dialog.default_path().suffix == ".pdf"
    out = tmp_path / "brief.pdf"
    make_and_wait(qtbot, dialog, out)
    pages = pages_text(out)
    assert "Gespreksbriefing:" in pages[0] and name.split()[0] in pages[0]  # the pack speaks Dutch
    assert "Intern gebruik" in pages[0]
    assert "Profiel" in " ".join(pages)  # its sections too
    assert language() == "en"


def test_an_event_report_of_the_event_chosen_from_the_posts_events(qtbot: QtBot, demo_db: Path,
                                                                    tmp_path: Path) -> None:
    import uuid

    from postapp.domain import Activity

    _window, dialog = open_dialog(qtbot, demo_db)
    dialog.open_when_ready.setChecked(False)
    choose(dialog, "event", "en")
    combo = dialog.event_box
    assert combo.isVisible() and not dialog.company.isVisible() and combo.count() > 1
    assert not dialog.date_from.isEnabled()
    with dialog.store.read() as session:
        chosen = [session.get(Activity, uuid.UUID(combo.itemData(row))) for row in range(combo.count())]
        rows = [(a.date, a.title, a.kind.value, a.post_code) for a in chosen if a is not None]
    assert len(rows) == combo.count()
    assert [r[0] for r in rows] == sorted((r[0] for r in rows), reverse=True)  # newest first
    assert {r[2] for r in rows} <= {"event", "training"} and {r[3] for r in rows} == {dialog.prefs.post_code}
    assert combo.itemText(0).endswith(" – " + rows[0][1])
    combo.setCurrentIndex(1)
    out = tmp_path / "event.pdf"
    make_and_wait(qtbot, dialog, out)
    first = pages_text(out)[0]
    assert rows[1][1].split()[0] in first and ("Event report" in first or "Training report" in first)


def test_a_folder_that_does_not_exist_is_said_before_the_build(qtbot: QtBot, demo_db: Path,
                                                             tmp_path: Path) -> None:
    _window, dialog = open_dialog(qtbot, demo_db)
    choose(dialog, "country")
    dialog.make(tmp_path / "nowhere" / "briefing.pdf")
    assert not dialog.building
    qtbot.waitUntil(lambda: dialog.findChild(QMessageBox, "errorMessage") is not None)
    box = dialog.findChild(QMessageBox, "errorMessage")
    assert "does not exist" in box.text()
    box.close()
