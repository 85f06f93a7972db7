"""Opening the data file: pragmas, refusing wrong files, and database failures as user messages."""

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from postapp.domain import Organisation, Person
from postapp.errors import PostAppError, ValidationError
from postapp.services import contacts
from postapp.services.contacts import OrganisationData, PersonData
from postapp.store import SCHEMA_HEAD, Store, StoreError, open_store
from postapp.store import migrate as migrations
from postapp.store.backup import backup_database, backups_dir, list_backups
from postapp.store.database import BUSY_TIMEOUT_MS, make_engine
from postapp.store.errors import translate_db_error


def test_pragmas_on_every_connection(store):
    with store.session() as s:
        assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert s.execute(text("PRAGMA busy_timeout")).scalar() == 5000
    raw = sqlite3.connect(store.path)
    try:
        # WAL is a property of the file, not only of the app's connections.
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        raw.close()


def test_foreign_keys_are_enforced(store):
    with pytest.raises(IntegrityError), store.session() as s:
        s.execute(text("INSERT INTO person_tag(person_id, tag_id) VALUES ('0' , '1')"))


def test_schema_head_is_alembics_head():
    assert migrations.head_revision() == SCHEMA_HEAD
    assert migrations.is_known_revision(SCHEMA_HEAD)
    assert migrations.is_known_revision("0001_initial")
    assert not migrations.is_known_revision("9999_future")


def test_new_store_is_at_head_and_has_no_backup(store):
    with store.session() as s:
        assert s.execute(text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD
    assert store.backups_made == []
    assert list_backups(store.path) == []


def test_reopening_keeps_the_data(tmp_path):
    path = tmp_path / "post.sqlite3"
    first = open_store(path)
    with first.session() as s:
        pid = contacts.create_person(s, PersonData(name="Lan")).id
    first.close()
    second = open_store(path)
    try:
        with second.session() as s:
            assert contacts.get_person(s, pid).name == "Lan"
        assert second.backups_made == []
    finally:
        second.close()


@pytest.mark.parametrize("content", [
    b"name;email\nLan;lan@example.vn\n" * 50,
    b"PK\x03\x04 a zip file, e.g. an .xlsx" + bytes(range(256)) * 8,
    b"hi",
])
def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(tmp_path, content):
    path = tmp_path / "contacts.csv"
    path.write_bytes(content)
    with pytest.raises(StoreError) as info:
        open_store(path)
    assert "not a PostApp data file" in str(info.value)
    assert "\n" not in str(info.value)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["contacts.csv"]


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(StoreError) as info:
        open_store(tmp_path)
    assert "folder" in str(info.value)


def test_a_store_from_a_newer_app_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "post.sqlite3"
    store = open_store(path)
    with store.session() as s:
        contacts.create_person(s, PersonData(name="Lan"))
    store.close()
    raw = sqlite3.connect(path)
    raw.execute("UPDATE alembic_version SET version_num = '9999_future'")
    raw.commit()
    raw.close()
    before = path.read_bytes()

    with pytest.raises(StoreError) as info:
        open_store(path)
    assert "newer version" in str(info.value)
    assert "9999_future" in str(info.value)
    assert path.read_bytes() == before
    assert list_backups(path) == []


def test_full_disk_is_a_store_error_and_keeps_earlier_rows(store):
    with store.session() as s:
        contacts.create_person(s, PersonData(name="Saved before"))
    with pytest.raises(StoreError) as info, store.session() as s:
        pages = s.execute(text("PRAGMA page_count")).scalar()
        s.execute(text(f"PRAGMA max_page_count = {pages}"))
        contacts.create_person(s, PersonData(name="Too big", notes="x" * 99_000))
    assert "disk is full" in str(info.value)
    # The raw driver error, passed through the translation, gives the same message.
    assert isinstance(info.value.__cause__, Exception)
    translated = translate_db_error(info.value.__cause__)
    assert isinstance(translated, StoreError)
    assert str(translated) == str(info.value)
    with store.session() as s:
        assert [p.name for p in s.scalars(select(Person))] == ["Saved before"]


def test_full_disk_on_a_raw_connection_translates(store):
    engine = make_engine(store.path)
    try:
        with pytest.raises(Exception) as info, engine.begin() as conn:
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
            conn.exec_driver_sql(f"PRAGMA max_page_count = {pages}")
            conn.exec_driver_sql("CREATE TABLE filler(x)")
            conn.exec_driver_sql("INSERT INTO filler VALUES (zeroblob(1000000))")
    finally:
        engine.dispose()
    translated = translate_db_error(info.value)
    assert isinstance(translated, StoreError)
    assert "disk is full" in str(translated)
    with store.session() as s:
        assert s.execute(text("SELECT count(*) FROM sqlite_master WHERE name = 'filler'")).scalar() == 0


def test_read_only_store_gives_the_read_only_message(store):
    with store.session() as s:
        contacts.create_organisation(s, OrganisationData(name="Existing"))
    store.close()
    engine = make_engine(store.path, read_only=True)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT name FROM organisation").scalar() == "Existing"
        with pytest.raises(Exception) as info, engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO tag(id, name, created_at, updated_at, post_code) VALUES ('00', 'x', '', '', '')")
        translated = translate_db_error(info.value)
        assert isinstance(translated, StoreError)
        assert "read-only" in str(translated)

        # Through a Store the caller gets the StoreError directly.
        read_only = Store(store.path, engine)
        with pytest.raises(StoreError) as info2, read_only.session() as s:
            contacts.create_organisation(s, OrganisationData(name="New"))
        assert "read-only" in str(info2.value)
    finally:
        engine.dispose()
    reopened = open_store(store.path)
    try:
        with reopened.session() as s:
            assert s.scalars(select(Organisation.name)).all() == ["Existing"]
    finally:
        reopened.close()


def test_translate_db_error_leaves_bugs_alone():
    assert translate_db_error(ValueError("disk is full")) is None
    assert translate_db_error(sqlite3.IntegrityError("UNIQUE constraint failed: tag.name")) is None
    known = StoreError("already translated")
    assert translate_db_error(known) is known
    locked = translate_db_error(sqlite3.OperationalError("database is locked"))
    assert isinstance(locked, StoreError) and "in use" in str(locked)
    assert isinstance(locked, PostAppError)


def test_a_session_block_is_all_or_nothing(store):
    with store.session() as s:
        contacts.create_organisation(s, OrganisationData(name="Before"))
    with pytest.raises(RuntimeError, match="boom"), store.session() as s:
        org = contacts.create_organisation(s, OrganisationData(name="Half"))
        contacts.create_person(s, PersonData(name="Half person", organisation_id=org.id, tags=["half"]))
        s.flush()
        assert s.scalar(select(func.count()).select_from(Person)) == 1
        raise RuntimeError("boom")
    with store.session() as s:
        assert s.scalars(select(Organisation.name)).all() == ["Before"]
        assert s.scalar(select(func.count()).select_from(Person)) == 0
        assert s.execute(text("SELECT count(*) FROM tag")).scalar() == 0
        assert s.execute(text("SELECT count(*) FROM contact_fts")).scalar() == 1


def test_a_validation_error_propagates_unchanged_and_rolls_back(store):
    with pytest.raises(ValidationError), store.session() as s:
        contacts.create_person(s, PersonData(name="Fine"))
        contacts.create_person(s, PersonData(name=""))
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Person)) == 0


# --- unusual paths, unreadable files, backups of other stores ----------------------------------------

def test_a_folder_with_hash_and_question_mark_in_its_name_is_used_as_it_is(tmp_path):
    # In an SQLite URI '#' starts a fragment and '?' the query: "rv#1 ?x/post.sqlite3" would open "rv".
    folder = tmp_path / "rv#1 ?x"
    path = folder / "post.sqlite3"
    folder.mkdir()
    migrations_engine = make_engine(path)  # a store as release 1 left it, so that opening migrates it
    migrations.upgrade(migrations_engine, "0001_initial")
    migrations_engine.dispose()
    raw = sqlite3.connect(path)
    raw.execute("INSERT INTO tag (name, id, created_at, updated_at, post_code) VALUES ('gender', 'ab', '', '', '')")
    raw.commit()
    raw.close()

    store = open_store(path)
    try:
        assert store.path == path
        with store.read() as s:
            assert s.execute(text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD
            assert s.execute(text("SELECT name FROM tag")).scalars().all() == ["gender"]
        with store.session() as s:
            contacts.create_person(s, PersonData(name="Lan"))
        backups = list_backups(path)
        assert store.backups_made == backups and len(backups) == 1
        assert backups[0].parent == folder / "backups"
        copy = sqlite3.connect(backups[0])
        try:
            assert copy.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001_initial",)]
            assert copy.execute("SELECT name FROM tag").fetchall() == [("gender",)]
        finally:
            copy.close()
    finally:
        store.close()
    # Nothing was created beside the folder (e.g. a file "rv" that a broken URI would open).
    assert [p.name for p in tmp_path.iterdir()] == ["rv#1 ?x"]

    read_only = make_engine(path, read_only=True)
    try:
        with read_only.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM person").scalar() == 1
    finally:
        read_only.dispose()

    raw = sqlite3.connect(path)
    raw.execute("UPDATE alembic_version SET version_num = '9999_future'")
    raw.commit()
    raw.close()
    with pytest.raises(StoreError) as info:
        open_store(path)
    assert "newer version" in str(info.value) and "9999_future" in str(info.value)
    assert len(list_backups(path)) == 1


def test_a_file_that_cannot_be_read_is_a_store_error(tmp_path, monkeypatch):
    path = tmp_path / "post.sqlite3"
    open_store(path).close()
    real_open = Path.open

    def refuse(self, *args, **kwargs):
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)  # running as root, chmod would not stop the read
    with pytest.raises(StoreError) as info:
        open_store(path)
    assert "not allowed to read" in str(info.value)
    assert str(path) in str(info.value)


def test_backups_of_another_store_in_the_folder_are_neither_listed_nor_pruned(tmp_path):
    path = tmp_path / "postapp.sqlite3"
    open_store(path).close()
    folder = backups_dir(path)
    folder.mkdir()
    others = [folder / f"postapp-test-2025010{i}T000000000000Z-before-0002.sqlite3" for i in range(1, 8)]
    others.append(folder / "postapp-2024-20250101T000000000000Z-before-0002.sqlite3")  # "postapp-2024.sqlite3"
    others.append(folder / "postapp-notes.sqlite3")
    for other in others:
        other.write_bytes(b"")
    made = [backup_database(path, f"test{i}", keep=3) for i in range(5)]
    assert list_backups(path) == sorted(made[-3:], reverse=True)
    assert all(other.exists() for other in others)
    assert all(p.exists() for p in made[-3:]) and not any(p.exists() for p in made[:2])


# --- two writers -------------------------------------------------------------------------------------

def test_a_unit_of_work_waits_for_another_writer_instead_of_failing(tmp_path):
    """A deferred transaction that read before another connection committed cannot write any more
    ("database is locked", at once); ``session()`` begins IMMEDIATE and waits for the other writer."""
    path = tmp_path / "post.sqlite3"
    first, second = open_store(path), open_store(path)
    try:
        with first.session() as s:
            org_id = contacts.create_organisation(s, OrganisationData(name="Delta")).id
        writing, failures = threading.Event(), []

        def hold_the_write_lock() -> None:
            try:
                with first.session() as s:
                    contacts.create_person(s, PersonData(name="First writer"))
                    s.flush()
                    writing.set()
                    time.sleep(0.5)
            except BaseException as exc:  # pragma: no cover - reported below
                failures.append(exc)
                writing.set()

        thread = threading.Thread(target=hold_the_write_lock)
        thread.start()
        assert writing.wait(5)
        started = time.monotonic()
        with second.session() as s:  # reads (the organisation, the tags), then writes
            contacts.create_person(s, PersonData(name="Second writer", organisation_id=org_id, tags=["x"]))
        waited = time.monotonic() - started
        thread.join(5)
        assert failures == []
        assert 0.2 < waited < BUSY_TIMEOUT_MS / 1000
        with second.read() as s:
            assert sorted(s.scalars(select(Person.name))) == ["First writer", "Second writer"]
    finally:
        first.close()
        second.close()


def test_reading_neither_waits_for_a_writer_nor_keeps_anything(store):
    with store.session() as s:
        contacts.create_person(s, PersonData(name="Lan"))
    other = open_store(store.path)
    try:
        with other.session() as writer:
            contacts.create_person(writer, PersonData(name="Not yet committed"))
            writer.flush()
            started = time.monotonic()
            with store.read() as s:
                assert s.scalars(select(Person.name)).all() == ["Lan"]
            assert time.monotonic() - started < 1
    finally:
        other.close()
    with store.read() as s:
        contacts.create_person(s, PersonData(name="Written in a read"))
        s.flush()
    with store.read() as s:
        assert sorted(s.scalars(select(Person.name))) == ["Lan", "Not yet committed"]
