"""Never losing work: scheduled backups, pruning by kind, checking a store at start, and restoring a
backup (from the core and the CLI), on real SQLite files, damaged for real."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from postapp.cli import main
from postapp.domain import Person
from postapp.services import contacts
from postapp.services.contacts import PersonData
from postapp.store import SCHEMA_HEAD, StoreError, integrity, open_store
from postapp.store import migrate as migrations
from postapp.store.backup import (
    BEFORE_RESTORE,
    PARTIAL,
    SCHEDULED,
    backup_database,
    backup_if_due,
    backup_info,
    backups_dir,
    list_backups,
)
from postapp.store.database import make_engine
from postapp.store.errors import CorruptStoreError
from postapp.store.restore import restore_backup

DAY = dt.timedelta(hours=24)


def make_store(path: Path, *names: str) -> Path:
    store = open_store(path)
    with store.session() as s:
        for name in names:
            contacts.create_person(s, PersonData(name=name))
    store.close()
    return path


def names_in(path: Path) -> list[str]:
    store = open_store(path)
    try:
        with store.read() as s:
            return sorted(s.scalars(select(Person.name)))
    finally:
        store.close()


def checkpointed(path: Path) -> Path:
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return path


def damage_a_page(path: Path, table: str = "person") -> None:
    """Overwrites the middle of one of ``table``'s leaf pages, as a failing disk would."""
    con = sqlite3.connect(path)
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    pages = [r[0] for r in con.execute("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf'", (table,))]
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    assert pages, "the table needs rows on leaf pages"
    with path.open("r+b") as fh:
        fh.seek((pages[len(pages) // 2] - 1) * page_size + page_size // 2 - 256)
        fh.write(b"\xff" * 512)


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    return checkpointed(make_store(tmp_path / "post.sqlite3", *[f"Person {i:03}" for i in range(400)]))


# --- backups -----------------------------------------------------------------------------------------

def test_a_backup_is_verified_and_renamed_into_place(filled: Path) -> None:
    made = backup_database(filled, "manual")
    assert list_backups(filled) == [made]
    assert integrity.problems(made, "full") == []
    assert not list(backups_dir(filled).glob(f"*{PARTIAL}*"))
    copy = sqlite3.connect(made)
    try:  # one self-contained file: no log beside it
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert copy.execute("SELECT count(*) FROM person").fetchone()[0] == 400
    finally:
        copy.close()
    info = backup_info(filled, made)
    assert info.reason == "manual" and info.size == made.stat().st_size
    assert abs(dt.datetime.now(dt.UTC) - info.made_at) < dt.timedelta(minutes=1)


def test_a_damaged_store_is_not_backed_up_over_good_backups(filled: Path) -> None:
    good = backup_database(filled, "manual")
    damage_a_page(filled)
    with pytest.raises(CorruptStoreError):
        backup_database(filled, SCHEDULED)
    assert list_backups(filled) == [good]
    assert sorted(p.name for p in backups_dir(filled).iterdir()) == [good.name]  # no partial left behind


def test_a_partial_copy_is_never_listed_and_a_stale_one_is_removed(filled: Path) -> None:
    folder = backups_dir(filled)
    folder.mkdir()
    stale = folder / f"post-20250101T000000000000Z-scheduled.sqlite3{PARTIAL}"
    stale.write_bytes(b"SQLite format 3\x00 cut short by a crash")
    os.utime(stale, (0, 0))
    fresh = folder / f"post-20250102T000000000000Z-scheduled.sqlite3{PARTIAL}"
    fresh.write_bytes(b"being written by another process")
    assert list_backups(filled) == []
    assert backup_if_due(filled, DAY) is not None
    assert not stale.exists() and fresh.exists()


def test_a_scheduled_backup_is_made_only_when_due(filled: Path) -> None:
    first = backup_if_due(filled, DAY)
    assert first is not None and backup_info(filled, first).reason == SCHEDULED
    assert backup_if_due(filled, DAY) is None
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=25)
    second = backup_if_due(filled, DAY, now=later)
    assert second is not None and list_backups(filled) == [second, first]
    assert backup_if_due(filled, dt.timedelta(0), now=later + DAY) is None  # 0 = off
    assert backup_if_due(filled.with_name("missing.sqlite3"), DAY) is None


def test_any_recent_backup_counts_for_the_schedule(filled: Path) -> None:
    backup_database(filled, "before-0007_daily_work")
    assert backup_if_due(filled, DAY) is None


def test_scheduled_backups_never_prune_the_migration_backups(filled: Path) -> None:
    migration = backup_database(filled, "before-0007_daily_work", keep=3)
    scheduled = [backup_database(filled, SCHEDULED, keep=3) for _ in range(6)]
    assert list_backups(filled) == sorted([*scheduled[-3:], migration], reverse=True)
    others = [backup_database(filled, f"manual{i}", keep=3) for i in range(3)]
    assert list_backups(filled) == sorted(scheduled[-3:] + others, reverse=True)


# --- checking the store at start ---------------------------------------------------------------------

def test_a_sound_store_opens(filled: Path) -> None:
    assert names_in(filled)[:2] == ["Person 000", "Person 001"]


def test_a_damaged_page_is_found_at_start_and_the_file_left_alone(filled: Path) -> None:
    damage_a_page(filled)
    before = filled.read_bytes()
    with pytest.raises(CorruptStoreError) as info:
        open_store(filled)
    assert "damaged" in str(info.value) and "Restore from backup" in str(info.value)
    assert "\n" not in str(info.value)
    assert isinstance(info.value, StoreError)
    assert filled.read_bytes() == before
    assert list_backups(filled) == []


def test_a_truncated_store_is_damaged_even_with_the_quick_check_skipped(filled: Path) -> None:
    size = filled.stat().st_size
    with filled.open("r+b") as fh:
        fh.truncate(size // 2)
    for check in ("quick", "structure"):
        with pytest.raises(CorruptStoreError) as info:
            open_store(filled, check=check)  # type: ignore[arg-type]
        assert "damaged" in str(info.value)
    assert filled.stat().st_size == size // 2


def test_a_zeroed_store_or_one_overwritten_after_backups_is_damaged(filled: Path, tmp_path: Path) -> None:
    zeros = tmp_path / "zeros.sqlite3"
    zeros.write_bytes(b"\x00" * 8192)
    with pytest.raises(CorruptStoreError):
        open_store(zeros)
    backup_database(filled, "manual")
    filled.write_bytes(b"name;email\nLan;lan@example.vn\n")
    with pytest.raises(CorruptStoreError):
        open_store(filled)
    other = tmp_path / "contacts.csv"  # a wrong file chosen: not "damaged"
    other.write_bytes(b"name;email\nLan;lan@example.vn\n")
    with pytest.raises(StoreError) as info:
        open_store(other)
    assert not isinstance(info.value, CorruptStoreError)


def test_quick_and_full_checks_agree_on_a_sound_store(filled: Path) -> None:
    assert integrity.problems(filled, "quick") == [] and integrity.problems(filled, "full") == []
    damage_a_page(filled)
    assert integrity.problems(filled, "quick") and integrity.problems(filled, "full")


# --- restoring ---------------------------------------------------------------------------------------

def test_restore_brings_back_the_backup_and_keeps_the_replaced_file(tmp_path: Path) -> None:
    path = make_store(tmp_path / "post.sqlite3", "Lan")
    backup = backup_database(path, "manual")
    store = open_store(path)
    with store.session() as s:
        contacts.create_person(s, PersonData(name="Added after the backup"))
    store.close()

    result = restore_backup(path, backup)
    assert result.revision == SCHEMA_HEAD
    assert names_in(path) == ["Lan"]
    assert result.saved_current is not None
    assert backup_info(path, result.saved_current).reason == BEFORE_RESTORE
    assert names_in(result.saved_current) == ["Added after the backup", "Lan"]
    assert not list(tmp_path.glob("*.restoring*"))


def test_restoring_over_a_damaged_store_keeps_its_raw_bytes(filled: Path) -> None:
    good = backup_database(filled, "manual")
    with filled.open("r+b") as fh:
        fh.truncate(filled.stat().st_size // 3)
    damaged = filled.read_bytes()
    result = restore_backup(filled, good)
    assert result.saved_current is not None and result.saved_current.read_bytes()[:16] == damaged[:16]
    assert len(names_in(filled)) == 400


def test_restoring_over_a_zeroed_store_keeps_its_bytes(filled: Path) -> None:
    good = backup_database(filled, "manual")
    filled.write_bytes(b"\x00" * 4096)
    result = restore_backup(filled, good)
    assert result.saved_current is not None and result.saved_current.read_bytes() == b"\x00" * 4096
    assert len(names_in(filled)) == 400


def _unchanged(path: Path, backup: Path, match: str) -> None:
    before = path.read_bytes()
    with pytest.raises(StoreError, match=match):
        restore_backup(path, backup)
    assert path.read_bytes() == before
    assert not any(backup_info(path, p).reason == BEFORE_RESTORE for p in list_backups(path))


def test_an_unusable_backup_is_refused_and_nothing_changes(filled: Path, tmp_path: Path) -> None:
    damaged = backup_database(filled, "manual")
    damage_a_page(damaged)
    _unchanged(filled, damaged, "damaged too")
    text = tmp_path / "notes.txt"
    text.write_text("not a database")
    _unchanged(filled, text, "not a PostApp backup")
    foreign = tmp_path / "other.sqlite3"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    _unchanged(filled, foreign, "holds no PostApp data")
    newer = backup_database(filled, "manual")
    con = sqlite3.connect(newer)
    con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    con.commit()
    con.close()
    _unchanged(filled, newer, "newer version")
    _unchanged(filled, tmp_path / "missing.sqlite3", "does not exist")


def test_restore_refuses_while_the_store_is_open(filled: Path) -> None:
    backup = backup_database(filled, "manual")
    store = open_store(filled)
    try:
        with store.read() as s:
            assert s.scalar(select(func.count()).select_from(Person)) == 400
        with pytest.raises(StoreError, match="open in another program"):
            restore_backup(filled, backup)
    finally:
        store.close()
    assert restore_backup(filled, backup).saved_current is not None


def test_an_older_backup_is_migrated_when_the_store_opens(tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite3"
    engine = make_engine(old)
    migrations.upgrade(engine, "0001_initial")
    engine.dispose()
    checkpointed(old)
    path = make_store(tmp_path / "post.sqlite3", "Lan")
    result = restore_backup(path, old)
    assert result.revision == "0001_initial"
    store = open_store(path)
    try:
        assert len(store.backups_made) == 1  # the usual backup before migrating
        with store.read() as s:
            assert s.scalar(select(func.count()).select_from(Person)) == 0
    finally:
        store.close()
    con = sqlite3.connect(path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == SCHEMA_HEAD
    con.close()


# --- the CLI -----------------------------------------------------------------------------------------

def test_cli_backup_now_list_and_restore(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = make_store(tmp_path / "post.sqlite3", "Lan")
    assert main(["--db", str(path), "backup", "now"]) == 0
    made = list_backups(path)
    assert len(made) == 1 and str(made[0]) in capsys.readouterr().out
    assert main(["--db", str(path), "backup", "list"]) == 0
    listing = capsys.readouterr().out
    assert made[0].name in listing and "made by hand" in listing
    store = open_store(path)
    with store.session() as s:
        contacts.create_person(s, PersonData(name="Later"))
    store.close()
    assert main(["--db", str(path), "backup", "restore", made[0].name]) == 1  # stdin is not a terminal
    assert "--yes" in capsys.readouterr().err
    assert names_in(path) == ["Lan", "Later"]
    assert main(["--db", str(path), "backup", "restore", made[0].name, "--yes"]) == 0
    assert "Restored" in capsys.readouterr().out
    assert names_in(path) == ["Lan"]


def test_cli_on_a_damaged_store_points_at_the_restore(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = backup_database(filled, "manual")
    shutil.copy(filled, filled.with_name("copy.sqlite3"))
    damage_a_page(filled)
    assert main(["--db", str(filled), "gdpr", "review"]) == 1
    err = capsys.readouterr().err
    assert "damaged" in err and "postapp backup restore" in err
    assert main(["--db", str(filled), "backup", "restore", str(good), "--yes"]) == 0
    assert len(names_in(filled)) == 400


def test_only_damage_counts_as_damage(tmp_path):
    # "Not a database" is damage; a file that cannot be opened at all is not (it would have staff restore
    # an old backup over a sound file): that error is raised as it is.
    import sqlite3 as sqlite

    from postapp.store import integrity

    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"hello world" * 100)
    assert integrity.problems(junk) == ["file is not a database"]
    with pytest.raises(sqlite.OperationalError):
        integrity.problems(tmp_path / "no such folder" / "post.sqlite3")
