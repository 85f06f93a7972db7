"""Sync with headquarters from the window, with real widgets, a real HQ database (SQLite) and a real
uvicorn server on 127.0.0.1: enrolment from HQ's file, sync files both ways, Sync now in the background
with the status bar following it, a cancel that leaves the upload to resume, and a failure shown briefly
with the whole message in the tooltip."""

from __future__ import annotations

import functools
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

import postapp.paths
from postapp.hq.ingest import ingest
from postapp.hq.models import HQUpload
from postapp.hq.outgoing import export_for_post, publish_form
from postapp.hq.posts import initialise, register_post, write_enrolment_file
from postapp.hq.store import HQStore, open_hq_store
from postapp.survey import responses
from postapp.survey.models import SurveyResponse
from postapp.sync import client, container, keys
from postapp.sync.bundle import read_header
from postapp.sync.keys import KeyPair
from postapp.sync.post_side import status
from postapp.ui.main_window import MainWindow
from postapp.ui.settings import Preferences
from tests.hq.helpers import LiveServer
from tests.survey.study import complete_answers, study_form_variant, submit_response

from .helpers import open_window

HQ_ID = "hq-ui-test"
POST = "HAN"


@pytest.fixture(autouse=True)
def user_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The post's keys and HQ's guideline files go to a folder of this test, not the user's."""
    folder = tmp_path / "userdata"
    folder.mkdir()
    monkeypatch.setattr(postapp.paths, "user_data_dir", lambda: folder)
    return folder


@pytest.fixture(autouse=True)
def preferences_kept() -> Iterator[None]:
    """Enrolling takes the post's code, name and country from HQ's file; the next tests get them back."""
    prefs = Preferences()
    kept = (prefs.post_code, prefs.post_name, prefs.country, prefs.sync_interval_minutes)
    yield
    prefs.post_code, prefs.post_name, prefs.country, prefs.sync_interval_minutes = kept
    prefs.sync()


@pytest.fixture
def hq_keys() -> KeyPair:
    return keys.generate()


@pytest.fixture
def hq(tmp_path: Path, hq_keys: KeyPair) -> Iterator[HQStore]:
    store = open_hq_store(tmp_path / "hq.sqlite3")
    with store.session() as session:
        initialise(session, HQ_ID, hq_keys)
        register_post(session, POST, name="Hanoi", country="VN")
    try:
        yield store
    finally:
        store.close()


def enrolment(hq: HQStore, hq_keys: KeyPair, path: Path, server_url: str = "") -> Path:
    with hq.session() as session:
        write_enrolment_file(session, POST, path, hq_keys, server_url)
    return path


def action(window: MainWindow, name: str) -> QAction:
    found = window.findChild(QAction, name)
    assert found is not None, name
    return found


def choose_file(monkeypatch: pytest.MonkeyPatch, path: Path, *, save: bool = False) -> list[str]:
    """Answers the next file dialog with ``path``; returns the titles the dialogs were opened with."""
    titles: list[str] = []

    def chosen(parent: object, title: str = "", *args: Any, **kwargs: Any) -> tuple[str, str]:
        titles.append(title)
        return str(path), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName" if save else "getOpenFileName", staticmethod(chosen))
    return titles


def close_message(window: MainWindow, name: str = "syncMessage") -> str:
    box = window.findChild(QMessageBox, name)
    assert box is not None, name
    text = box.text()
    box.close()
    box.deleteLater()
    return text


def enrol_in_window(qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    choose_file(monkeypatch, path)
    action(window, "actionEnrol").trigger()
    assert "Fingerprint" in close_message(window)


def submit(window: MainWindow) -> uuid.UUID:
    assert window.store is not None
    with window.store.session() as session:
        return submit_response(session, complete_answers(), post_code=POST)


def wait_idle(qtbot: QtBot, window: MainWindow, timeout: int = 60_000) -> None:
    qtbot.waitUntil(lambda: not window.sync.job.running, timeout=timeout)


def hq_responses(hq: HQStore) -> set[uuid.UUID]:
    with hq.read() as session:
        return set(session.scalars(select(SurveyResponse.id)))


def test_enrol_export_and_import_sync_files(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           hq: HQStore, hq_keys: KeyPair, user_data: Path) -> None:
    window = open_window(qtbot, tmp_path / "post.sqlite3")
    label = window.findChild(type(window.sync_label), "syncStatus")
    assert label is window.sync_label
    assert label.text() == "Sync: not enrolled"
    assert label.accessibleName() == "Sync state"
    assert not action(window, "actionSyncNow").isEnabled()  # nothing to sync with yet
    assert action(window, "actionSyncNow").shortcut().toString() == "Ctrl+Shift+S"

    titles = choose_file(monkeypatch, enrolment(hq, hq_keys, tmp_path / "enrol-HAN.json"))
    action(window, "actionEnrol").trigger()
    assert titles == ["Enrol with headquarters"]
    pair = keys.load(user_data / "keys")  # the post's own key pair was made in its data folder
    assert pair.public().fingerprint() in close_message(window)
    assert label.text() == "Sync: enrolled, nothing sent yet"
    assert "Enrolled as post HAN with headquarters hq-ui-test" in label.toolTip()
    assert action(window, "actionExportSync").isEnabled()

    response_id = submit(window)
    window.sync.refresh_status()
    assert label.text() == "Sync: 1 record pending"

    out = tmp_path / "to-hq.pab"
    choose_file(monkeypatch, out, save=True)
    action(window, "actionExportSync").trigger()
    assert "writing the sync file" in label.text()
    wait_idle(qtbot, window)
    assert "Wrote bundles 1 to 1" in close_message(window)
    bundles = container.read_file(out)
    assert [read_header(b).seq for b in bundles] == [1]
    assert read_header(bundles[0]).post_code == POST
    assert window.store is not None
    with window.store.read() as session:
        assert status(session).pending_bundles == 1  # until HQ confirms it
    assert label.text().startswith("Sync: 1 record pending · sync file written ")
    assert "1 bundle is not yet confirmed" in label.toolTip()

    # HQ takes the file in, publishes a newer questionnaire and writes a file for the post.
    with hq.session() as session:
        result = ingest(session, bundles[0], hq_keys, HQ_ID)
        assert result.responses == 1
        publish_form(session, study_form_variant(version="2099.1"))
        back = export_for_post(session, POST, hq_keys, HQ_ID)
    assert hq_responses(hq) == {response_id}
    incoming = tmp_path / "from-hq.pab"
    container.write_file(incoming, back)

    choose_file(monkeypatch, incoming)
    action(window, "actionImportSync").trigger()
    wait_idle(qtbot, window)
    assert "Applied 1 bundle from headquarters" in close_message(window)
    with window.store.read() as session:
        assert responses.find_form(session, responses.STUDY_FORM_ID, "2099.1") is not None
        assert status(session).pending_bundles == 0  # HQ's bundle confirmed ours
    assert label.text().startswith("Sync: last synced at ")

    # The same file again changes nothing and says so.
    action(window, "actionImportSync").trigger()
    wait_idle(qtbot, window)
    assert "applied before" in close_message(window)


def test_a_damaged_enrolment_file_is_refused_with_a_message(qtbot: QtBot, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch, hq: HQStore,
                                                            hq_keys: KeyPair, user_data: Path) -> None:
    window = open_window(qtbot, tmp_path / "post.sqlite3")
    path = enrolment(hq, hq_keys, tmp_path / "enrol.json")
    path.write_text(path.read_text("utf-8").replace('"Hanoi"', '"Hanoi!"'), "utf-8")
    choose_file(monkeypatch, path)
    action(window, "actionEnrol").trigger()
    box = window.findChild(QMessageBox, "errorMessage")
    assert box is not None
    assert "does not match its contents" in box.text()
    box.close()
    assert window.sync_label.text() == "Sync: not enrolled"
    assert not (user_data / "keys").exists()


def test_sync_now_runs_in_the_background_against_the_hq_server(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hq: HQStore, hq_keys: KeyPair) -> None:
    from postapp.hq.server import create_app

    server = LiveServer(create_app(hq, hq_keys, HQ_ID)).start()
    try:
        window = open_window(qtbot, tmp_path / "post.sqlite3")
        window.prefs.sync_interval_minutes = 15
        enrol_in_window(qtbot, window, monkeypatch, enrolment(hq, hq_keys, tmp_path / "enrol.json", server.url))
        # Enrolled with a server address: the timer runs at the interval from the preferences.
        assert window.sync.timer.isActive()
        assert window.sync.timer.interval() == 15 * 60_000
        first, second = submit(window), submit(window)
        window.sync.refresh_status()
        assert window.sync_label.text() == "Sync: 2 records pending"

        seen: list[str] = []
        window.sync.state_changed.connect(lambda: seen.append(window.sync_label.text()))
        # Small chunks: the upload takes several steps, each reported.
        monkeypatch.setattr(client, "sync_now", functools.partial(client.sync_now, chunk_size=512))
        window.activateWindow()
        action(window, "actionSyncNow").trigger()
        assert window.sync.job.running  # returned at once; the GUI goes on
        assert window.sync_label.text().startswith("Sync: syncing…")
        assert window.sync.cancel_button.isVisibleTo(window)
        assert not action(window, "actionSyncNow").isEnabled()  # one sync at a time
        wait_idle(qtbot, window)
        assert window.sync_label.text().startswith("Sync: last synced at ")
        assert not window.sync.cancel_button.isVisibleTo(window)
        assert hq_responses(hq) == {first, second}
        assert any(text.startswith("Sync: syncing… ") and text.endswith("%") and text != "Sync: syncing… 0%"
                   for text in seen), seen
        assert window.findChild(QMessageBox, "errorMessage") is None

        # Turning the interval to 0 stops the timer.
        window.prefs.sync_interval_minutes = 0
        window.sync.apply_preferences()
        assert not window.sync.timer.isActive()
    finally:
        server.stop()


def test_cancel_stops_the_sync_and_the_next_one_resumes(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hq: HQStore, hq_keys: KeyPair) -> None:
    from postapp.hq.server import create_app

    server = LiveServer(create_app(hq, hq_keys, HQ_ID)).start()
    try:
        window = open_window(qtbot, tmp_path / "post.sqlite3")
        enrol_in_window(qtbot, window, monkeypatch, enrolment(hq, hq_keys, tmp_path / "enrol.json", server.url))
        response_id = submit(window)

        real = client.sync_now
        at_gate, gate = threading.Event(), threading.Event()

        def gated(store: Any, pair: Any, *, progress: Any, **kwargs: Any) -> Any:
            def report(step: client.SyncProgress) -> bool:
                if step.phase is client.SyncPhase.UPLOADING and step.sent > 0 and not gate.is_set():
                    at_gate.set()  # part of the bundle is at HQ; hold here until the test has pressed Cancel
                    gate.wait(20)
                return bool(progress(step))

            return real(store, pair, progress=report, chunk_size=256, **kwargs)

        monkeypatch.setattr(client, "sync_now", gated)
        action(window, "actionSyncNow").trigger()
        qtbot.waitUntil(at_gate.is_set, timeout=30_000)
        qtbot.mouseClick(window.sync.cancel_button, Qt.MouseButton.LeftButton)
        assert window.sync_label.text() == "Sync: stopping…"
        gate.set()
        wait_idle(qtbot, window)
        assert hq_responses(hq) == set()  # HQ holds part of the bundle, nothing applied
        with hq.read() as session:
            assert session.scalar(select(func.max(HQUpload.received))) > 0
        assert window.sync_label.text() == "Sync: 1 record pending"
        assert window.findChild(QMessageBox, "errorMessage") is None  # a cancel is not a failure

        monkeypatch.setattr(client, "sync_now", real)
        action(window, "actionSyncNow").trigger()
        wait_idle(qtbot, window)
        assert hq_responses(hq) == {response_id}
        assert window.sync_label.text().startswith("Sync: last synced at ")
    finally:
        server.stop()


def test_a_failed_sync_says_why_briefly_and_the_timer_tries_again(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hq: HQStore, hq_keys: KeyPair) -> None:
    from postapp.hq.pgtest import free_port

    window = open_window(qtbot, tmp_path / "post.sqlite3")
    window.prefs.sync_interval_minutes = 30
    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    enrol_in_window(qtbot, window, monkeypatch, enrolment(hq, hq_keys, tmp_path / "enrol.json", dead))
    submit(window)
    attempts: list[int] = []
    real = client.sync_now

    def quick(*args: Any, **kwargs: Any) -> Any:
        attempts.append(1)
        return real(*args, max_attempts=2, backoff=(0.01, 0.02), **kwargs)

    monkeypatch.setattr(client, "sync_now", quick)
    window.sync.timer.timeout.emit()  # the timer's tick: no message box, only the status bar
    wait_idle(qtbot, window)
    assert window.sync_label.text() == "Sync failed: no connection to headquarters"
    tip = window.sync_label.toolTip()
    assert "could not be reached" in tip and dead in tip
    assert "1 record waits for headquarters" in tip
    assert window.findChild(QMessageBox, "errorMessage") is None
    assert window.sync.timer.isActive()  # the next tick tries again

    window.sync.timer.timeout.emit()
    wait_idle(qtbot, window)
    assert len(attempts) == 2
    assert window.sync_label.text() == "Sync failed: no connection to headquarters"

    action(window, "actionSyncNow").trigger()  # asked for: the whole message in a box as well
    wait_idle(qtbot, window)
    box = window.findChild(QMessageBox, "errorMessage")
    assert box is not None and "could not be reached" in box.text()
    box.close()
