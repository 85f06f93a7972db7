"""HQ mode with real widgets on a real HQ database (SQLite) filled by two real posts through their bundles:
the Headquarters entry (only in HQ mode), the posts with what arrived, the analysis across posts beside
the activity counts, curating good examples (an approved one reaches every post), and the file road."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from postapp.coretasks import CoreTask
from postapp.hq.ingest import ingest
from postapp.hq.models import ExampleStatus, HQGoodExample
from postapp.hq.posts import initialise, post_summaries
from postapp.hq.store import HQStore, open_hq_store
from postapp.i18n import format_percent
from postapp.services.activities import ActivityData, create_activity
from postapp.survey.analysis import analyse
from postapp.survey.responses import STUDY_FORM_ID, form_of, latest_form
from postapp.sync import container, keys
from postapp.sync.keys import KeyPair
from postapp.sync.models import ExampleSource
from postapp.sync.models import GoodExample as PostExample
from postapp.ui.hq_workspace import HQWorkspace
from postapp.ui.main_window import HQ, WORKSPACES, MainWindow
from postapp.ui.settings import Preferences
from postapp.ui.survey_analysis import share_text
from tests.hq.helpers import LivePost

from .helpers import open_window

HQ_ID = "hq-ui-test"


@dataclass
class HQSetup:
    path: Path
    keys: KeyPair
    keys_folder: Path
    posts: dict[str, LivePost]
    examples: dict[str, uuid.UUID]  # post code -> the example it proposed


def add_activities(post: LivePost, task: CoreTask, count: int) -> None:
    with post.store.session() as session:
        for number in range(count):
            create_activity(session, ActivityData(core_task=task, title=f"{task.value} {number}",
                                                  date=dt.date.today()), post.code)


def send(post: LivePost, hq: HQStore, hq_keys: KeyPair) -> None:
    with hq.session() as session:
        ingest(session, post.next_bundle(), hq_keys, HQ_ID)


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[HQSetup]:
    hq_keys = keys.generate()
    folder = tmp_path / "hq-keys"
    keys.save(hq_keys, folder)
    path = tmp_path / "hq.sqlite3"
    hq = open_hq_store(path)
    with hq.session() as session:
        initialise(session, HQ_ID, hq_keys)
    posts = {code: LivePost.create(tmp_path / code, hq, hq_keys, code) for code in ("HAN", "NBO")}
    posts["HAN"].submit(3, seed=1)
    posts["NBO"].submit(2, seed=2)
    add_activities(posts["HAN"], CoreTask.AWARENESS, 2)
    add_activities(posts["HAN"], CoreTask.SUPPORT, 1)
    add_activities(posts["NBO"], CoreTask.EXPERTISE, 4)
    examples = {"HAN": posts["HAN"].propose_example("Due diligence clinic"),
                "NBO": posts["NBO"].propose_example("Roundtable with the Dutch chamber")}
    for post in posts.values():
        send(post, hq, hq_keys)
    hq.close()
    try:
        yield HQSetup(path, hq_keys, folder, posts, examples)
    finally:
        for post in posts.values():
            post.close()


@pytest.fixture(autouse=True)
def preferences_kept() -> Iterator[Preferences]:
    prefs = Preferences()
    kept = (prefs.hq_mode, prefs.hq_database_url, prefs.hq_keys_folder)
    yield prefs
    prefs.hq_mode, prefs.hq_database_url, prefs.hq_keys_folder = kept
    prefs.sync()


def hq_window(qtbot: QtBot, tmp_path: Path, setup: HQSetup) -> tuple[MainWindow, HQWorkspace]:
    prefs = Preferences()
    prefs.hq_mode, prefs.hq_database_url, prefs.hq_keys_folder = True, str(setup.path), str(setup.keys_folder)
    prefs.sync()
    window = open_window(qtbot, tmp_path / "post.sqlite3")
    assert window.workspace_keys == [*WORKSPACES, HQ]
    assert window.nav.item(len(WORKSPACES)).text() == "Headquarters"
    go = window.findChild(QAction, "actionGo8")
    assert go is not None and go.shortcut().toString() == "Ctrl+8"
    go.trigger()
    workspace = window.stack.currentWidget()
    assert isinstance(workspace, HQWorkspace)
    assert workspace.objectName() == "workspace_hq"
    qtbot.waitUntil(lambda: workspace.snapshot is not None and not workspace.job.running, timeout=30_000)
    return window, workspace


def cells(table: object, row: int) -> list[str]:
    return [table.item(row, c).text() for c in range(table.columnCount())]  # type: ignore[attr-defined]


def test_without_hq_mode_there_is_no_headquarters_entry_until_it_is_turned_on(
        qtbot: QtBot, tmp_path: Path, setup: HQSetup, preferences_kept: Preferences) -> None:
    preferences_kept.hq_mode = False
    preferences_kept.sync()
    window = open_window(qtbot, tmp_path / "post.sqlite3")
    assert window.workspace_keys == WORKSPACES
    assert window.nav.count() == len(WORKSPACES)
    assert window.findChild(QAction, "actionGo8") is None

    window.edit_preferences()
    from postapp.ui.preferences import PreferencesDialog

    dialog = window.findChild(PreferencesDialog)
    assert not dialog.hq_database.isEnabled()
    dialog.hq_mode.setChecked(True)
    assert dialog.hq_database.isEnabled()
    dialog.hq_database.setText(str(setup.path))
    dialog.hq_keys.setText(str(setup.keys_folder))
    dialog.accept()
    assert window.prefs.hq_mode and window.prefs.hq_database_url == str(setup.path)
    assert window.workspace_keys[-1] == HQ
    window.findChild(QAction, "actionGo8").trigger()
    workspace = window.stack.currentWidget()
    assert workspace.objectName() == "workspace_hq"
    qtbot.waitUntil(lambda: workspace.snapshot is not None, timeout=30_000)
    assert workspace.posts.rowCount() == 2

    window.prefs.hq_mode = False
    window._preferences_changed()
    assert window.workspace_keys == WORKSPACES
    assert window.nav.count() == len(WORKSPACES)
    assert window.findChild(QAction, "actionGo8") is None
    assert window.stack.currentWidget().objectName() == "workspace_home"


def test_posts_tab_lists_each_post_with_its_last_sync_and_what_arrived(
        qtbot: QtBot, tmp_path: Path, setup: HQSetup) -> None:
    _window, workspace = hq_window(qtbot, tmp_path, setup)
    assert workspace.tabs.currentIndex() == 0
    table = workspace.posts
    assert table.accessibleName() == "Posts"
    assert [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())] == [
        "Code", "Name", "Country", "Last sync", "Responses received", "Pending outgoing", "Revoked"]
    assert table.rowCount() == 2
    han, nbo = cells(table, 0), cells(table, 1)
    assert han[:3] == ["HAN", "Post HAN", "VN"] and nbo[:3] == ["NBO", "Post NBO", "VN"]
    assert han[3] and han[3] != "never"
    assert (han[4], nbo[4]) == ("3", "2")
    assert (han[5], nbo[5], han[6]) == ("0", "0", "No")
    assert "Interview notes: 0" in table.item(0, 0).toolTip()
    assert "5 responses received" in workspace.state.text()


def test_analysis_runs_across_posts_beside_the_activity_counts(qtbot: QtBot, tmp_path: Path,
                                                               setup: HQSetup) -> None:
    _window, workspace = hq_window(qtbot, tmp_path, setup)
    hq = open_hq_store(setup.path)
    try:
        with hq.read() as session:
            form = form_of(latest_form(session, STUDY_FORM_ID))
            expected = analyse(session, form, language="en")
            per_post = {code: analyse(session, form, post_codes=[code], language="en") for code in ("HAN", "NBO")}
    finally:
        hq.close()
    assert expected.respondents == 5
    assert workspace.respondents == expected.respondents
    workspace.tabs.setCurrentIndex(1)
    assert workspace.analysis.respondents.text() == "Responses analysed: 5"
    assert workspace.analysis.figures["all_three"].value.text() == format_percent(expected.all_three.share)

    table = workspace.engagement
    assert table.rowCount() == 2
    rows = {cells(table, r)[0]: cells(table, r) for r in range(2)}
    header = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    column = {name: header.index(name) for name in header}
    assert rows["HAN"][column["Create awareness"]] == "2"
    assert rows["HAN"][column["Support Dutch companies"]] == "1"
    assert rows["HAN"][column["Build expertise"]] == "0"
    assert rows["NBO"][column["Build expertise"]] == "4"
    assert rows["HAN"][column["All activities"]] == "3"
    for code, analysis in per_post.items():
        assert rows[code][column["Responses"]] == str(analysis.respondents)
        assert rows[code][column["Rated 4 or 5 on all three"]] == format_percent(analysis.all_three.share)
        answered = [b for b in analysis.by_activity if b.value]
        top = max(answered, key=lambda b: b.respondents)
        assert rows[code][column["Dutch business activity"]].startswith(top.label)
    row = next(r for r in range(2) if table.item(r, 0).text() == "HAN")
    tip = table.item(row, column["Create awareness"]).toolTip()
    assert share_text(per_post["HAN"].per_task_all_three["awareness"]) in tip


def test_approving_an_example_sends_it_to_every_post(qtbot: QtBot, tmp_path: Path, setup: HQSetup) -> None:
    _window, workspace = hq_window(qtbot, tmp_path, setup)
    workspace.tabs.setCurrentIndex(2)
    assert {e.title for e in workspace.shown_examples()} == {"Due diligence clinic",
                                                             "Roundtable with the Dutch chamber"}
    assert workspace.select_example(setup.examples["HAN"])
    assert workspace.approve_button.isEnabled() and workspace.reject_button.isEnabled()
    assert "Due diligence clinic" in workspace.example_summary.toPlainText()
    with qtbot.waitSignal(workspace.loaded, timeout=30_000):
        qtbot.mouseClick(workspace.approve_button, Qt.MouseButton.LeftButton)

    hq = open_hq_store(setup.path)
    try:
        with hq.read() as session:
            assert session.get(HQGoodExample, setup.examples["HAN"]).status is ExampleStatus.APPROVED
            assert {s.code: s.waiting_to_send for s in post_summaries(session)} == {"HAN": 1, "NBO": 1}
    finally:
        hq.close()
    # Only the one still waiting for a decision is listed now; the posts table shows what waits.
    assert [e.title for e in workspace.shown_examples()] == ["Roundtable with the Dutch chamber"]
    assert [cells(workspace.posts, r)[5] for r in range(2)] == ["1", "1"]

    # Rejecting the other one: it stays at HQ.
    assert workspace.select_example(setup.examples["NBO"])
    with qtbot.waitSignal(workspace.loaded, timeout=30_000):
        qtbot.mouseClick(workspace.reject_button, Qt.MouseButton.LeftButton)
    workspace.example_filter.setCurrentIndex(workspace.example_filter.findData(""))
    statuses = {e.title: e.status for e in workspace.shown_examples()}
    assert statuses == {"Due diligence clinic": "approved", "Roundtable with the Dutch chamber": "rejected"}
    assert workspace.select_example(setup.examples["HAN"])
    assert not workspace.approve_button.isEnabled() and not workspace.reject_button.isEnabled()

    # The file road: a sync file for NBO carries the approved example, and NBO takes it in.
    workspace.posts.selectRow(1)
    assert workspace.selected_post() == "NBO"
    out = tmp_path / "to-NBO.pab"
    assert workspace.export_for("NBO", out)
    qtbot.waitUntil(lambda: not workspace.job.running, timeout=30_000)
    box = workspace.findChild(QMessageBox, "hqMessage")
    assert box is not None and "written to" in box.text()
    box.close()
    post = setup.posts["NBO"]
    for data in container.read_file(out):
        post.apply(data)
    with post.store.read() as session:
        arrived = session.get(PostExample, setup.examples["HAN"])
        assert arrived is not None and arrived.source is ExampleSource.HQ and arrived.title == "Due diligence clinic"


def test_sync_files_from_posts_are_taken_in(qtbot: QtBot, tmp_path: Path, setup: HQSetup) -> None:
    _window, workspace = hq_window(qtbot, tmp_path, setup)
    post = setup.posts["NBO"]
    post.submit(4, seed=9)
    path = tmp_path / "from-NBO.pab"
    container.write_file(path, [post.next_bundle()])
    damaged = tmp_path / "damaged.pab"
    damaged.write_bytes(b"not a sync file")
    assert workspace.import_files([path, damaged])
    qtbot.waitUntil(lambda: not workspace.job.running and workspace.findChild(QMessageBox) is not None,
                    timeout=30_000)
    box = workspace.findChild(QMessageBox, "errorMessage")
    assert box is not None
    assert "Bundles taken in: 1." in box.text() and "damaged.pab" in box.text()
    box.close()
    qtbot.waitUntil(lambda: cells(workspace.posts, 1)[4] == "6", timeout=30_000)
    with hq_store(setup) as hq, hq.read() as session:
        assert {s.code: s.responses for s in post_summaries(session)} == {"HAN": 3, "NBO": 6}


@contextmanager
def hq_store(setup: HQSetup) -> Iterator[HQStore]:
    store = open_hq_store(setup.path)
    try:
        yield store
    finally:
        store.close()


def test_without_a_database_the_workspace_says_where_to_set_it(qtbot: QtBot, tmp_path: Path,
                                                                preferences_kept: Preferences) -> None:
    preferences_kept.hq_mode, preferences_kept.hq_database_url = True, ""
    preferences_kept.sync()
    window = open_window(qtbot, tmp_path / "post.sqlite3")
    window.findChild(QAction, "actionGo8").trigger()
    workspace = window.stack.currentWidget()
    assert isinstance(workspace, HQWorkspace)
    assert "Preferences" in workspace.state.text()
    assert not workspace.refresh_button.isEnabled()
    assert workspace.posts.rowCount() == 0
