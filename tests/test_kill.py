"""Killing the process (SIGKILL, no clean-up of any kind) at many points of three writes: a contacts
import, a survey draft saved as you go, and applying a sync bundle from HQ. After each kill the store
must open (with its start-up check), pass ``PRAGMA integrity_check`` and ``foreign_key_check``, and hold
all or nothing of the interrupted transaction.

The points are database events (each statement and each commit) counted in the child, see
``tests/killers/harness.py``: deterministic, and spread over the whole of each write.
"""

from __future__ import annotations

import shutil
import signal
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from postapp.domain import Organisation, Person
from postapp.store import open_store
from postapp.store.backup import backup_database
from tests.contacts_io.helpers import many_rows
from tests.killers.harness import Report, kill_points, run_child

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs fork and SIGKILL (POSIX)")

POINTS = 12  # kill points per scenario
IMPORT_ROWS = 3000
DRAFT_SAVES = 12


def assert_sound(path: Path) -> None:
    open_store(path).close()  # the start-up check (quick_check) and any WAL recovery
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        # The contact search index (FTS5) is checked by FTS5 itself: raises if it is out of step.
        con.execute("INSERT INTO contact_fts(contact_fts) VALUES ('integrity-check')")
    finally:
        con.close()


def copy_of(template: Path, folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    shutil.copy(template, target)
    return target


def template_store(folder: Path) -> Path:
    path = folder / "template.sqlite3"
    open_store(path).close()
    return path


# --- (a) a contacts import ------------------------------------------------------------------------------

def test_a_killed_import_keeps_all_or_none(tmp_path: Path) -> None:
    from postapp.contacts_io import importer

    source = many_rows(tmp_path / "contacts.csv", IMPORT_ROWS)
    template = template_store(tmp_path)

    def import_contacts(db: Path) -> None:
        def action(report: Report) -> None:
            from postapp.cli import main

            importer.BATCH = 400  # in the child only: more points inside the rows' own inserts
            code = main(["--db", str(db), "import", "contacts", str(source)])
            report(f"exit {code}")
        return action  # type: ignore[return-value]

    full = run_child(import_contacts(copy_of(template, tmp_path / "full", "post.sqlite3")))  # type: ignore[arg-type]
    assert not full.killed and full.reports == ["exit 0"], full.lines
    with_full = tmp_path / "full" / "post.sqlite3"
    assert count(with_full, Person) == IMPORT_ROWS
    organisations = count(with_full, Organisation)
    assert organisations == 50

    points = kill_points(full.events, POINTS)
    assert len(points) >= 10
    outcomes = set()
    for point in points:
        db = copy_of(template, tmp_path / f"kill{point}", "post.sqlite3")
        run = run_child(import_contacts(db), point)  # type: ignore[arg-type]
        assert run.killed, (point, run.lines)
        assert_sound(db)
        persons, orgs = count(db, Person), count(db, Organisation)
        assert (persons, orgs) in ((0, 0), (IMPORT_ROWS, organisations)), point
        outcomes.add(persons)
    print(f"import: {len(full.events)} events, killed at {points}, persons after: {sorted(outcomes)}")
    assert outcomes == {0, IMPORT_ROWS}  # killed before and after the commit


def count(path: Path, model: type) -> int:
    store = open_store(path)
    try:
        with store.read() as session:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        store.close()


# --- (b) a survey draft saved as you go -----------------------------------------------------------------

def answers_for(i: int) -> dict[str, str]:
    """Answers that name the save they belong to: a mixture of two saves cannot pass for either."""
    return {"role_other": f"save {i}", "remarks": f"remarks of save {i}", "overall_clarity": str(1 + i % 5),
            "overall_workability": str(1 + (i // 5) % 5)}


@pytest.fixture
def draft_store(tmp_path: Path) -> Iterator[tuple[Path, uuid.UUID]]:
    from postapp.survey import responses

    path = tmp_path / "template.sqlite3"
    store = open_store(path)
    with store.session() as session:
        record = responses.ensure_study_form(session)
        response = responses.start_response(session, record, post_code="HAN", language="en")
        responses.save_answers(session, response.id, answers_for(0), page=0)
        response_id = response.id
    store.close()
    yield path, response_id


def draft_state(path: Path, response_id: uuid.UUID) -> tuple[int, dict[str, object], int | None]:
    from postapp.survey import responses

    store = open_store(path)
    try:
        with store.read() as session:
            response = responses.get_response(session, response_id)
            answers = dict(response.answers or {})
            return int(str(answers["role_other"]).removeprefix("save ")), answers, response.page
    finally:
        store.close()


def test_a_killed_draft_save_holds_the_previous_or_the_new_answers(
        draft_store: tuple[Path, uuid.UUID], tmp_path: Path) -> None:
    from postapp.survey import responses

    template, response_id = draft_store

    def save_loop(db: Path):  # type: ignore[no-untyped-def]
        def action(report: Report) -> None:
            store = open_store(db)
            for i in range(1, DRAFT_SAVES + 1):
                with store.session() as session:
                    responses.save_answers(session, response_id, answers_for(i), page=i)
                report(f"saved {i}")
            store.close()
        return action

    full_db = copy_of(template, tmp_path / "full", "post.sqlite3")
    full = run_child(save_loop(full_db))
    assert not full.killed and full.reports[-1] == f"saved {DRAFT_SAVES}", full.lines
    assert draft_state(full_db, response_id)[0] == DRAFT_SAVES

    points = kill_points(full.events, POINTS)
    assert len(points) >= 10
    seen: list[tuple[int, int]] = []
    for point in points:
        db = copy_of(template, tmp_path / f"kill{point}", "post.sqlite3")
        run = run_child(save_loop(db), point)
        assert run.killed, (point, run.lines)
        assert_sound(db)
        last_reported = int(run.reports[-1].removeprefix("saved ")) if run.reports else 0
        save, answers, page = draft_state(db, response_id)
        # The save under way when killed either committed (not yet reported) or left nothing.
        assert save in (last_reported, last_reported + 1), point
        expected = answers_for(save)
        assert {k: answers[k] for k in expected} == expected, (point, answers)
        assert page == save
        seen.append((point, save))
    print(f"draft: {len(full.events)} events, (kill point, save kept): {seen}")


# --- (c) applying a sync bundle from HQ -----------------------------------------------------------------

def test_a_killed_sync_apply_applies_the_whole_bundle_or_none(tmp_path: Path) -> None:
    from postapp.sync import keys
    from postapp.sync.enrolment import enrol, require_state
    from postapp.sync.models import GoodExample, SyncBundle
    from postapp.sync.post_side import apply_incoming, next_bundle
    from tests.survey.study import study_form_variant
    from tests.sync.helpers import example_record, form_record, guideline_record, risk_record, to_post

    template = tmp_path / "template.sqlite3"
    keys_folder = tmp_path / "keys"
    store = open_store(template)
    with store.session() as session:
        enrol(session, _enrolment(tmp_path), keys_folder)
    post_keys = keys.load(keys_folder)
    with store.session() as session:
        next_bundle(session, post_keys)  # our bundle 1, acknowledged by HQ's below
    store.close()
    example_id = str(uuid.uuid4())
    records = [form_record(study_form_variant(version="2027.1"), "imvo_guidelines_study", "2027.1"),
               example_record(example_id), guideline_record("awareness"), risk_record()]
    bundle = to_post(records, 1, post_keys.public(), acks=(1,))

    def apply(db: Path, overrides: Path):  # type: ignore[no-untyped-def]
        def action(report: Report) -> None:
            opened = open_store(db)
            with opened.session() as session:
                result = apply_incoming(session, bundle, keys.load(keys_folder), overrides=overrides)
            report(f"applied {result.seq}")
            opened.close()
        return action

    def state(db: Path) -> tuple[int, int, int, bool]:
        from postapp.survey import responses

        opened = open_store(db)
        try:
            with opened.read() as session:
                sync = require_state(session)
                examples = session.scalar(select(func.count()).select_from(GoodExample)) or 0
                forms = 1 if responses.find_form(session, "imvo_guidelines_study", "2027.1") else 0
                acked = all(b.acknowledged_at is not None for b in session.scalars(select(SyncBundle)))
                return sync.last_applied_hq_seq, examples, forms, acked
        finally:
            opened.close()

    full_db = copy_of(template, tmp_path / "full", "post.sqlite3")
    full = run_child(apply(full_db, tmp_path / "full" / "overrides"))
    assert not full.killed and full.reports == ["applied 1"], full.lines
    assert state(full_db) == (1, 1, 1, True)
    assert state(template) == (0, 0, 0, False)

    points = kill_points(full.events, POINTS)
    assert len(points) >= 10
    applied: list[tuple[int, int]] = []
    for point in points:
        folder = tmp_path / f"kill{point}"
        db = copy_of(template, folder, "post.sqlite3")
        run = run_child(apply(db, folder / "overrides"), point)
        assert run.killed, (point, run.lines)
        assert_sound(db)
        assert state(db) in ((0, 0, 0, False), (1, 1, 1, True)), point
        applied.append((point, state(db)[0]))
    print(f"sync: {len(full.events)} events, (kill point, seq applied): {applied}")
    assert {seq for _point, seq in applied} == {0, 1}


def _enrolment(folder: Path) -> Path:
    from tests.sync.helpers import enrolment_file

    return enrolment_file(folder)


# --- a backup under way -----------------------------------------------------------------------------------

class _KillingConnection:
    """Stands in for ``sqlite3.connect``'s result inside ``backup_database``: the copy's progress callback
    kills the process after ``steps`` steps."""

    def __init__(self, real: sqlite3.Connection, steps: int) -> None:
        self.real, self.steps = real, steps

    def backup(self, target: _KillingConnection, *, pages: int = -1) -> None:
        import os

        def progress(_status: int, _remaining: int, _total: int) -> None:
            self.steps -= 1
            if self.steps == 0:
                os.kill(os.getpid(), signal.SIGKILL)

        self.real.backup(target.real, pages=pages, progress=progress)

    def __getattr__(self, name: str) -> object:
        return getattr(self.real, name)


@pytest.mark.parametrize("where", ["copy step 1", "copy step 5", "verify", "before rename"])
def test_a_killed_backup_leaves_no_backup_that_looks_complete(tmp_path: Path, where: str) -> None:
    import os
    import types

    from postapp import demo
    from postapp.store import backup as backups

    path = tmp_path / "post.sqlite3"
    store = open_store(path)
    with store.session() as session:
        demo.fill(session, 300)
    store.close()
    earlier = backup_database(path, "manual")

    def killed_backup(report: Report) -> None:
        backups.COPY_PAGES = 16
        if where.startswith("copy"):
            steps = int(where.rsplit(" ", 1)[1])
            backups.sqlite3 = types.SimpleNamespace(  # type: ignore[assignment]
                connect=lambda *a, **k: _KillingConnection(sqlite3.connect(*a, **k), steps))
        elif where == "verify":
            backups.integrity = types.SimpleNamespace(  # type: ignore[assignment]
                verify=lambda _p: os.kill(os.getpid(), signal.SIGKILL))
        else:
            backups._fsync = lambda _p: os.kill(os.getpid(), signal.SIGKILL)  # type: ignore[assignment]
        backups.backup_database(path, backups.SCHEDULED)
        report("not killed")

    run = run_child(killed_backup)
    assert run.killed, run.lines
    assert backups.list_backups(path) == [earlier]
    leftovers = [p.name for p in backups.backups_dir(path).iterdir() if p != earlier]
    assert leftovers and all(backups.PARTIAL in name for name in leftovers), leftovers
    assert backups.backup_if_due(path, __import__("datetime").timedelta(seconds=0.001)) is not None
    assert_sound(path)
