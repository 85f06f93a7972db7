"""Merging a person entered twice keeps every linked record and leaves the data file consistent."""

import sqlite3
import uuid

import pytest
from privacy_world import LINK_TABLES, build, consistency, found_by_search, references
from sqlalchemy import select

from postapp.domain import EventParticipant, LawfulBasis, ParticipantStatus, Person
from postapp.domain.base import utcnow
from postapp.errors import NotFoundError, PostAppError
from postapp.services import contacts, merge


def test_person_links_cover_every_foreign_key_sqlite_knows(store):
    """A table added later with a person column is found from the metadata; compare with SQLite's own list."""
    con = sqlite3.connect(store.path)
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    in_db = {(t, row[3]) for t in tables for row in con.execute(f'PRAGMA foreign_key_list("{t}")')
             if row[2] == "person"}
    con.close()
    in_metadata = {(link.table.name, link.column.name) for link in merge.person_links()}
    assert in_db == in_metadata
    assert {t for t, _c in in_metadata} >= set(LINK_TABLES)


def test_merge_moves_every_link_and_merges_fields(store):
    w = build(store)
    before_kept, before_twin = references(store, w.kept), references(store, w.twin)
    assert found_by_search(store, "nguyen van an") == {w.kept, w.twin}

    with store.session() as s:
        result = merge.merge_persons(s, w.kept, w.twin)

    after_kept, after_twin = references(store, w.kept), references(store, w.twin)
    assert after_twin == dict.fromkeys(LINK_TABLES, 0)  # nothing refers to the merged person any more
    # Every link survives, except the twin's copy of a link the kept person already had.
    assert after_kept == {
        "activity_person": before_kept["activity_person"] + before_twin["activity_person"] - 1,  # shared one
        "person_tag": 3,  # textiles, living wage + gender (textiles once)
        "case_person": before_kept["case_person"] + before_twin["case_person"] - 1,
        "event_participant": before_kept["event_participant"] + before_twin["event_participant"] - 1,
    }
    assert result.dropped == {"activity_person": 1, "person_tag": 1, "case_person": 1, "event_participant": 1}
    assert sum(result.moved.values()) == sum(before_twin.values()) - sum(result.dropped.values())

    with store.read() as s:
        kept = s.get(Person, w.kept)
        twin = s.get(Person, w.twin)
        assert kept.name == "Nguyễn Văn An" and kept.email == "an.nguyen@delta.example"  # the kept values win
        assert kept.phone == "+84 24 1111 2222"  # an empty field takes the twin's
        assert kept.sensitive is True  # either was sensitive
        assert kept.lawful_basis == LawfulBasis.CONSENT and kept.consent_date is not None
        assert kept.notes == "Met at the living wage session.\n\nPhoned about the steunpunt."
        assert sorted(t.name for t in kept.tags) == ["gender", "living wage", "textiles"]
        assert twin.deleted_at is not None and str(w.kept) in twin.notes
        # On the event both were on, one place stays, with the status that says they took part.
        places = s.scalars(select(EventParticipant).where(EventParticipant.event_id == w.event,
                                                          EventParticipant.person_id == w.kept)).all()
        assert [p.status for p in places] == [ParticipantStatus.ATTENDED]

    fk, integrity = consistency(store.path)
    assert fk == [] and integrity == "ok"
    assert found_by_search(store, "nguyen van an") == {w.kept}
    assert found_by_search(store, "gender") >= {w.kept}  # the tag from the twin is searchable on the kept one
    assert found_by_search(store, "Lan") == {w.other}


def test_merge_refuses_itself_deleted_and_unknown_persons_and_changes_nothing(store):
    w = build(store)
    before = references(store, w.kept), references(store, w.twin)
    with pytest.raises(PostAppError, match="itself"), store.session() as s:
        merge.merge_persons(s, w.kept, w.kept)
    with pytest.raises(NotFoundError), store.session() as s:
        merge.merge_persons(s, w.kept, uuid.uuid4())
    with store.session() as s:
        contacts.delete_person(s, w.other)
    with pytest.raises(NotFoundError), store.session() as s:
        merge.merge_persons(s, w.kept, w.other)
    with pytest.raises(NotFoundError), store.session() as s:
        merge.merge_persons(s, w.other, w.twin)
    assert (references(store, w.kept), references(store, w.twin)) == before
    with store.read() as s:
        assert s.get(Person, w.twin).deleted_at is None


def test_failed_merge_rolls_back_everything(store, monkeypatch):
    w = build(store)
    before = references(store, w.kept), references(store, w.twin)

    def broken(session, keep, drop):
        raise RuntimeError("disk trouble halfway")

    monkeypatch.setitem(merge.RESOLVE, "event_participant", broken)
    with pytest.raises(RuntimeError), store.session() as s:
        merge.merge_persons(s, w.kept, w.twin)
    assert (references(store, w.kept), references(store, w.twin)) == before
    with store.read() as s:
        assert s.get(Person, w.twin).deleted_at is None
        assert s.get(Person, w.kept).phone == ""
    assert found_by_search(store, "nguyen van an") == {w.kept, w.twin}


def test_consent_date_kept_is_the_later_one(store):
    import datetime as dt

    early, late = dt.date(2024, 1, 5), dt.date(2025, 3, 1)
    with store.session() as s:
        a = contacts.create_person(s, contacts.PersonData(name="A", lawful_basis="consent", consent_date=early))
        b = contacts.create_person(s, contacts.PersonData(name="B", lawful_basis="consent", consent_date=late))
        c = contacts.create_person(s, contacts.PersonData(name="C", lawful_basis="public_task"))
        ids = a.id, b.id, c.id
    with store.session() as s:
        merge.merge_persons(s, ids[0], ids[1])
        merge.merge_persons(s, ids[2], ids[0])
    with store.read() as s:
        assert s.get(Person, ids[0]).consent_date == late
        kept = s.get(Person, ids[2])
        assert kept.lawful_basis == LawfulBasis.PUBLIC_TASK  # the kept person's own basis wins


def test_a_live_place_of_the_duplicate_revives_the_place_the_kept_person_was_taken_off(store):
    w = build(store)
    with store.session() as s:  # the kept person was taken off the event; the twin attended it
        kept_place = s.scalars(select(EventParticipant).where(EventParticipant.event_id == w.event,
                                                              EventParticipant.person_id == w.kept)).one()
        kept_place.deleted_at = utcnow()
    with store.session() as s:
        merge.merge_persons(s, w.kept, w.twin)
    with store.read() as s:
        places = s.scalars(select(EventParticipant).where(EventParticipant.event_id == w.event,
                                                          EventParticipant.person_id == w.kept)).all()
        assert [(p.status, p.deleted_at) for p in places] == [(ParticipantStatus.ATTENDED, None)]
