"""Search over every kind of record: grouping and counts, best matches first, live records only,
accents, and input that must not break anything (quotes, LIKE wildcards, a 100,000-character paste)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from postapp.domain import (
    Activity,
    ActivityKind,
    AgendaEntry,
    AgendaTopic,
    CaseStatus,
    CoreTask,
    Counterpart,
    Event,
    KnowledgeNote,
    Person,
    SupportCase,
)
from postapp.domain.base import utcnow
from postapp.services import contacts
from postapp.services.contacts import OrganisationData, PersonData
from postapp.services.global_search import (
    MAX_TERM_LEN,
    MAX_TERMS,
    HitGroup,
    HitKind,
    fold,
    search_everything,
    terms,
)
from postapp.store import Store

DAY = dt.date(2026, 3, 11)


@pytest.fixture
def filled(store: Store) -> dict[str, uuid.UUID]:
    ids: dict[str, uuid.UUID] = {}
    with store.session() as s:
        org = contacts.create_organisation(s, OrganisationData(name="Living Wage Coalition", kind="ngo"))
        ids["org"] = org.id
        ids["person"] = contacts.create_person(s, PersonData(name="Đặng Thị Hà", email="ha@union.example.vn")).id
        gone = contacts.create_person(s, PersonData(name="Đặng Văn Gone"))
        gone.deleted_at = utcnow()
        for i in range(25):
            s.add(Activity(core_task=CoreTask.SUPPORT, kind=ActivityKind.MEETING, title=f"Call {i} about wages",
                           date=DAY - dt.timedelta(days=i)))
        s.add(Activity(core_task=CoreTask.AGENDA, kind=ActivityKind.DEMARCHE, title="Living wage démarche",
                       date=DAY - dt.timedelta(days=100)))
        s.add(Activity(core_task=CoreTask.AGENDA, kind=ActivityKind.MEETING, title="Deleted living wage talk",
                       date=DAY, deleted_at=utcnow()))
        s.add(Activity(core_task=CoreTask.EXPERTISE, kind=ActivityKind.MEETING, title="Sector scan",
                       notes="Discussed the living wage benchmark", date=DAY))
        s.add(Activity(core_task=CoreTask.EXPERTISE, kind=ActivityKind.MEETING, title="100% audit_2026",
                       notes="", date=DAY))
        host = Activity(core_task=CoreTask.AWARENESS, kind=ActivityKind.EVENT, title="IMVO session for exporters",
                        date=DAY)
        s.add(host)
        s.flush()
        starts = dt.datetime(2026, 3, 20, 2, tzinfo=dt.UTC)
        event = Event(activity_id=host.id, starts_at=starts, ends_at=starts, location="Đà Nẵng")
        s.add(event)
        case = SupportCase(title="Question on living wage", status=CaseStatus.NEW, opened_on=DAY,
                           question="How does a garment buyer pay a living wage?")
        s.add(case)
        s.add(SupportCase(title="Closed but found", status=CaseStatus.CLOSED, opened_on=DAY,
                          question="Old question about Đồng Nai suppliers"))
        entry = AgendaEntry(date=DAY, topic=AgendaTopic.LIVING_WAGE, topic_detail="Minimum wage review",
                            counterpart=Counterpart.HOST_GOVERNMENT, position="Support a living wage")
        s.add(entry)
        note = KnowledgeNote(title="Garment sector", body="Living wage gaps in Bình Dương factories")
        s.add(note)
        s.add(KnowledgeNote(title="Deleted note on living wage", deleted_at=utcnow()))
        s.flush()
        ids.update(event=event.id, case=case.id, entry=entry.id, note=note.id, host=host.id)
    return ids


def find(store: Store, query: str, **kw: object) -> dict[HitKind, HitGroup]:
    with store.read() as session:
        groups = search_everything(session, query, **kw)  # type: ignore[arg-type]
    assert [g.kind for g in groups] == sorted((g.kind for g in groups), key=list(HitKind).index)
    return {g.kind: g for g in groups}


def test_a_word_is_found_in_every_kind_grouped_with_counts(store: Store, filled: dict[str, uuid.UUID]) -> None:
    groups = find(store, "living wage")
    assert set(groups) == {HitKind.ORGANISATION, HitKind.ACTIVITY, HitKind.CASE, HitKind.AGENDA, HitKind.NOTE}
    assert [h.record_id for h in groups[HitKind.ORGANISATION].hits] == [filled["org"]]
    activity = groups[HitKind.ACTIVITY]
    # The title hit first (best match), then the one where it is only in the notes; not the deleted one.
    assert [h.title for h in activity.hits] == ["Living wage démarche", "Sector scan"]
    assert activity.total == 2 and not activity.more
    assert activity.hits[0].task is CoreTask.AGENDA and activity.hits[0].detail == "Démarche"
    assert groups[HitKind.CASE].hits[0].record_id == filled["case"]
    assert groups[HitKind.CASE].hits[0].task is CoreTask.SUPPORT
    assert groups[HitKind.AGENDA].hits[0].record_id == filled["entry"]  # found in its position
    assert groups[HitKind.AGENDA].hits[0].title == "Minimum wage review"
    note = groups[HitKind.NOTE]
    assert [h.record_id for h in note.hits] == [filled["note"]] and note.hits[0].task is CoreTask.EXPERTISE


def test_groups_are_bounded_with_the_full_count(store: Store, filled: dict[str, uuid.UUID]) -> None:
    groups = find(store, "wages", per_group=20)
    activity = groups[HitKind.ACTIVITY]
    assert len(activity.hits) == 20 and activity.total == 25 and activity.more
    assert [h.date for h in activity.hits] == sorted((h.date for h in activity.hits), reverse=True)
    more = find(store, "wages", per_group=20, limits={HitKind.ACTIVITY: 220})[HitKind.ACTIVITY]
    assert len(more.hits) == 25 and not more.more


def test_title_starting_with_the_word_ranks_first(store: Store, filled: dict[str, uuid.UUID]) -> None:
    titles = [h.title for h in find(store, "question")[HitKind.CASE].hits]
    assert titles == ["Question on living wage", "Closed but found"]  # closed cases are found too


def test_events_are_found_by_place_and_title_not_twice(store: Store, filled: dict[str, uuid.UUID]) -> None:
    by_place = find(store, "da nang")
    assert set(by_place) == {HitKind.EVENT}
    hit = by_place[HitKind.EVENT].hits[0]
    assert (hit.record_id, hit.task, hit.detail) == (filled["event"], CoreTask.AWARENESS, "Đà Nẵng")
    by_title = find(store, "exporters")
    assert set(by_title) == {HitKind.EVENT}  # its activity is not listed again


def test_persons_through_the_contact_index_accents_folded(store: Store, filled: dict[str, uuid.UUID]) -> None:
    groups = find(store, "dang ha")
    assert set(groups) == {HitKind.PERSON}
    assert [h.record_id for h in groups[HitKind.PERSON].hits] == [filled["person"]]  # not the deleted one
    assert groups[HitKind.PERSON].hits[0].task is None  # shown in Contacts
    assert find(store, "ĐẶNG")[HitKind.PERSON].total == 1


def test_accents_and_case_are_folded_in_the_smaller_tables(store: Store, filled: dict[str, uuid.UUID]) -> None:
    assert find(store, "DONG NAI")[HitKind.CASE].hits[0].title == "Closed but found"
    assert find(store, "binh duong")[HitKind.NOTE].hits[0].record_id == filled["note"]
    assert find(store, "Bình Dương")[HitKind.NOTE].total == 1
    # Activities (the large table): LIKE, any case for unaccented letters, accented ones as typed.
    assert find(store, "LIVING WAGE dém")[HitKind.ACTIVITY].hits[0].title == "Living wage démarche"
    assert HitKind.ACTIVITY not in find(store, "DÉMARCHE")  # the documented limit


def test_fold() -> None:
    assert fold("Đặng Thị Hà") == "dang thi ha"
    assert fold("Ærøskøbing Straße") == "ærøskobing strasse".replace("ø", "o")
    assert fold("PLAIN Ascii") == "plain ascii"
    assert fold(None) == "" and fold("") == ""


@pytest.mark.parametrize("query", ['"', "'", "O'Brien", '"living wage', "%", "_", "%%", "\\", "a%b", "*", "()",
                                   "NEAR(a b)", "'; DROP TABLE activity; --", "\x00", "\t\n"])
def test_odd_input_is_safe(store: Store, filled: dict[str, uuid.UUID], query: str) -> None:
    groups = find(store, query)
    for group in groups.values():
        assert group.total >= len(group.hits)
    with store.read() as session:
        assert session.query(Activity).count() == 30  # nothing was harmed


def test_wildcards_are_taken_literally(store: Store, filled: dict[str, uuid.UUID]) -> None:
    assert find(store, "%") == {}  # no word: nothing searched
    groups = find(store, "audit_2026")  # "_" is a word character: it must not match any one character
    assert [h.title for h in groups[HitKind.ACTIVITY].hits] == ["100% audit_2026"]
    assert HitKind.ACTIVITY not in find(store, "audit_2027")
    assert HitKind.ACTIVITY not in find(store, "auditX2026")


def test_a_huge_paste_is_bounded(store: Store, filled: dict[str, uuid.UUID]) -> None:
    paste = "living wage " * 9000  # 108,000 characters
    assert len(paste) > 100_000
    words = terms(paste)
    assert len(words) == MAX_TERMS and all(len(w) <= MAX_TERM_LEN for w in words)
    assert terms("x" * 100_000) == ["x" * MAX_TERM_LEN]
    assert HitKind.ACTIVITY in find(store, paste)
    assert find(store, "x" * 100_000) == {}


def test_empty_query_gives_nothing(store: Store, filled: dict[str, uuid.UUID]) -> None:
    assert find(store, "") == {} and find(store, "   ") == {}


def test_a_person_found_is_live(store: Store, filled: dict[str, uuid.UUID]) -> None:
    with store.read() as session:
        assert session.get(Person, filled["person"]) is not None
