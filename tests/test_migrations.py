"""THE UPGRADE TEST: a data file written by the first release opens in this one with nothing lost."""

import datetime as dt
import sqlite3
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import text

from postapp.domain import Activity, ActivityKind, CoreTask, Organisation, OrganisationKind
from postapp.services import contacts, search
from postapp.services.contacts import PersonData
from postapp.store import SCHEMA_HEAD, StoreError, open_store
from postapp.store import migrate as migrations
from postapp.store.backup import list_backups
from postapp.store.database import current_revision, make_engine

ORG = uuid.UUID("11111111-1111-4111-8111-111111111111")
OTHER_ORG = uuid.UUID("22222222-2222-4222-8222-222222222222")
PERSON = uuid.UUID("33333333-3333-4333-8333-333333333333")
DELETED = uuid.UUID("44444444-4444-4444-8444-444444444444")
TAG_WAGE = uuid.UUID("55555555-5555-4555-8555-555555555555")
TAG_GENDER = uuid.UUID("66666666-6666-4666-8666-666666666666")
ACTIVITY = uuid.UUID("77777777-7777-4777-8777-777777777777")
FOLLOW_UP = uuid.UUID("88888888-8888-4888-8888-888888888888")
AGREEMENT = uuid.UUID("99999999-9999-4999-8999-999999999999")
CREATED = "2025-06-01 09:30:00.123456"
UPDATED = "2025-07-15 14:00:00.000000"


def stamps(deleted: str | None = None) -> tuple[str, str, str, str | None]:
    return CREATED, UPDATED, "HAN", deleted


def make_release_1_store(path) -> None:
    """A store exactly as release 1 (schema 0001_initial) left it, written with plain SQL."""
    engine = make_engine(path)
    migrations.upgrade(engine, "0001_initial")
    engine.dispose()
    con = sqlite3.connect(path)
    common = "created_at, updated_at, post_code, deleted_at"
    con.executemany(
        "INSERT INTO organisation (name, kind, sector, country, employees, turnover_eur, assets_eur,"
        f" dutch_affiliated, website, notes, id, {common}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [("Delta Textiles B.V.", "company", "Textiles and clothing", "NL", 750, "45000000.00", "10000000.00",
          1, "https://delta.example.nl", "convenant partner", ORG.hex, *stamps()),
         ("Centre for Labour Rights Hanoi", "ngo", "", "VN", None, None, None, 0, "", "", OTHER_ORG.hex,
          *stamps())])
    con.execute(f"INSERT INTO sector_agreement (name, id, {common}) VALUES (?,?,?,?,?,?)",
                ("Kleding en textiel", AGREEMENT.hex, *stamps()))
    con.execute("INSERT INTO organisation_agreement (organisation_id, agreement_id) VALUES (?,?)",
                (ORG.hex, AGREEMENT.hex))
    con.executemany(
        "INSERT INTO person (name, email, phone, organisation_id, role, sensitive, notes, id,"
        f" {common}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        [("Nguyễn Thị Hoa", "hoa.nguyen@delta.example.nl", "+84 24 1234 5678", ORG.hex, "CSR manager", 1,
          "Met at the\nIMVO session", PERSON.hex, *stamps()),
         ("Vanished Person", "vanished@example.org", "", OTHER_ORG.hex, "", 0, "", DELETED.hex,
          *stamps("2025-08-01 00:00:00.000000"))])
    con.executemany(f"INSERT INTO tag (name, id, {common}) VALUES (?,?,?,?,?,?)",
                    [("living wage", TAG_WAGE.hex, *stamps()), ("gender", TAG_GENDER.hex, *stamps())])
    con.executemany("INSERT INTO person_tag (person_id, tag_id) VALUES (?,?)",
                    [(PERSON.hex, TAG_WAGE.hex), (PERSON.hex, TAG_GENDER.hex), (DELETED.hex, TAG_WAGE.hex)])
    con.execute(
        f"INSERT INTO activity (core_task, kind, title, date, notes, outcome, id, {common})"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        ("support", "support_request", "Question on living wage", "2025-07-01", "", "Referred", ACTIVITY.hex,
         *stamps()))
    con.execute("INSERT INTO activity_person (activity_id, person_id) VALUES (?,?)",
                (ACTIVITY.hex, PERSON.hex))
    con.execute("INSERT INTO activity_organisation (activity_id, organisation_id) VALUES (?,?)",
                (ACTIVITY.hex, ORG.hex))
    con.execute(
        f"INSERT INTO follow_up (activity_id, description, owner, due_date, done, id, {common})"
        " VALUES (?,?,?,?,?,?,?,?,?,?)",
        (ACTIVITY.hex, "Send report", "Eva", "2025-07-15", 1, FOLLOW_UP.hex, *stamps()))
    con.commit()
    con.close()


def names(rows) -> list[str]:
    return [r.name for r in rows]


def test_upgrade_from_release_1_keeps_everything(tmp_path):
    path = tmp_path / "post.sqlite3"
    make_release_1_store(path)
    assert current_revision(path) == "0001_initial"
    assert list_backups(path) == []

    store = open_store(path)
    try:
        assert current_revision(path) == SCHEMA_HEAD
        with store.session() as s:
            person = contacts.get_person(s, PERSON)
            assert person.name == "Nguyễn Thị Hoa"
            assert person.email == "hoa.nguyen@delta.example.nl"
            assert person.notes == "Met at the\nIMVO session"
            assert person.sensitive is True
            assert person.post_code == "HAN"
            assert person.created_at.replace(tzinfo=None) == dt.datetime(2025, 6, 1, 9, 30, 0, 123456)
            assert person.organisation.id == ORG
            assert sorted(t.name for t in person.tags) == ["gender", "living wage"]

            org = contacts.get_organisation(s, ORG)
            assert org.kind is OrganisationKind.COMPANY
            assert org.turnover_eur == Decimal("45000000.00")
            assert org.employees == 750
            assert org.dutch_affiliated is True
            assert org.in_target_group is True
            assert [a.name for a in org.agreements] == ["Kleding en textiel"]

            act = s.get(Activity, ACTIVITY)
            assert (act.core_task, act.kind) == (CoreTask.SUPPORT, ActivityKind.SUPPORT_REQUEST)
            assert act.date == dt.date(2025, 7, 1)
            assert [p.id for p in act.persons] == [PERSON]
            assert [o.id for o in act.organisations] == [ORG]
            assert [(f.id, f.description, f.due_date, f.done) for f in act.follow_ups] == [
                (FOLLOW_UP, "Send report", dt.date(2025, 7, 15), True)]
            assert s.get(Organisation, OTHER_ORG).kind is OrganisationKind.NGO

            # The search index was built from what release 1 held.
            queries = ("Hoa", "nguyen", "Nguyễn Th", "hoa.nguyen", "Delta", "textiles b", "wage", "gender")
            for query in queries:
                assert [r.id for r in search.person_rows(s, query)] == [PERSON], query
                assert search.count_persons(s, query) == 1, query
            assert search.person_rows(s, "vanished") == []
            assert search.person_rows(s, "labour") == []  # only the soft-deleted person is at that NGO
            assert names(search.organisation_rows(s, "labour")) == ["Centre for Labour Rights Hanoi"]
            assert names(search.person_rows(s)) == ["Nguyễn Thị Hoa"]

            # And is kept current from here on by the new triggers.
            contacts.create_person(s, PersonData(name="Jan de Vries", organisation_id=ORG, tags=["gender"]))
            assert sorted(names(search.person_rows(s, "delta"))) == ["Jan de Vries", "Nguyễn Thị Hoa"]

        backups = list_backups(path)
        assert len(backups) == 1
        assert store.backups_made == backups
        assert backups[0].name.endswith(f"-before-{SCHEMA_HEAD}.sqlite3")
        con = sqlite3.connect(f"file:{backups[0]}?mode=ro", uri=True)
        try:
            assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001_initial",)]
            assert con.execute("SELECT name FROM person ORDER BY name").fetchall() == [
                ("Nguyễn Thị Hoa",), ("Vanished Person",)]
            assert con.execute(
                "SELECT count(*) FROM sqlite_master WHERE name = 'contact_fts'").fetchone() == (0,)
        finally:
            con.close()
    finally:
        store.close()

    again = open_store(path)
    try:
        assert again.backups_made == []
        assert list_backups(path) == backups
        with again.session() as s:
            assert sorted(names(search.person_rows(s, "gender"))) == ["Jan de Vries", "Nguyễn Thị Hoa"]
    finally:
        again.close()


def test_upgrade_builds_the_same_index_as_the_triggers(tmp_path):
    """Migrating release-1 data must index it exactly as if it had been typed into this release."""
    migrated = tmp_path / "migrated.sqlite3"
    make_release_1_store(migrated)
    store = open_store(migrated)
    try:
        with store.session() as s:
            from_migration = index_by_ref(s)
            from postapp.store import search_index

            search_index.rebuild(s.connection())
            assert index_by_ref(s) == from_migration
            assert len(from_migration) == 3  # two organisations and one live person
    finally:
        store.close()


def index_by_ref(session) -> dict[str, tuple[str, ...]]:
    rows = session.execute(text(
        "SELECT ci.ref, f.name, f.email, f.organisation, f.tags FROM contact_fts f"
        " JOIN contact_index ci ON ci.rowid = f.rowid")).all()
    # Tags as a sorted bag of words: group_concat gives them in no particular order.
    return {r[0]: (*r[1:4], tuple(sorted((r[4] or "").split()))) for r in rows}


CHILD_TABLES = ("person_tag", "activity_person", "activity_organisation", "follow_up", "organisation_agreement")


def child_rows(path) -> dict[str, list[tuple]]:
    con = sqlite3.connect(path)
    try:
        return {table: sorted(con.execute(f"SELECT * FROM {table}").fetchall()) for table in CHILD_TABLES}
    finally:
        con.close()


def test_upgrade_keeps_child_rows_and_leaves_foreign_keys_on(tmp_path):
    # Migrations run with foreign keys off (a batch rebuild of a parent table would otherwise cascade
    # into its children); every connection afterwards must have them on again.
    path = tmp_path / "post.sqlite3"
    make_release_1_store(path)
    before = child_rows(path)
    assert all(before.values())
    store = open_store(path)
    try:
        assert current_revision(path) == SCHEMA_HEAD
        for _ in range(3):  # the pool hands out the connection the migration used, among others
            with store.session() as s:
                assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
            with store.read() as s:
                assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
        with store.session() as s:
            assert s.execute(text("PRAGMA foreign_key_check")).all() == []
    finally:
        store.close()
    assert child_rows(path) == before


def test_upgrade_that_would_leave_a_broken_reference_changes_nothing(tmp_path):
    path = tmp_path / "post.sqlite3"
    make_release_1_store(path)
    con = sqlite3.connect(path)  # plain sqlite3 does not enforce foreign keys: a dangling tag link
    con.execute("INSERT INTO person_tag (person_id, tag_id) VALUES (?, ?)", (PERSON.hex, uuid.uuid4().hex))
    con.commit()
    con.close()
    with pytest.raises(StoreError) as info:
        open_store(path)
    assert "broken references" in str(info.value)
    assert current_revision(path) == "0001_initial"
    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT count(*) FROM sqlite_master WHERE name = 'contact_fts'").fetchone() == (0,)
    finally:
        con.close()
