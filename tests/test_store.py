"""Opening the data file: pragmas, refusing wrong files, and database failures as user messages."""

import sqlite3

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from postapp.domain import Organisation, Person
from postapp.errors import PostAppError, ValidationError
from postapp.services import contacts
from postapp.services.contacts import OrganisationData, PersonData
from postapp.store import SCHEMA_HEAD, Store, StoreError, open_store
from postapp.store import migrate as migrations
from postapp.store.backup import list_backups
from postapp.store.database import make_engine
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
