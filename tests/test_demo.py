"""The demo post: sizes, determinism, all-or-nothing filling and a search index that still works."""

from collections import Counter

import pytest
from sqlalchemy import func, select, text

from postapp import demo
from postapp.domain import (
    Activity,
    ActivityKind,
    AgendaEntry,
    CoreTask,
    Event,
    Gender,
    KnowledgeNote,
    Organisation,
    Person,
    SupportCase,
)
from postapp.errors import PostAppError
from postapp.i18n import format_number
from postapp.services import activities, contacts, search
from postapp.services.contacts import PersonData


def triggers(session) -> list[tuple[str, str]]:
    return session.execute(text(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")).all()


def table_counts(session) -> dict[str, int]:
    return {name: session.execute(text(f"SELECT count(*) FROM {name}")).scalar()
            for name in [*demo.TABLES, "contact_index", "contact_fts"]}


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    """One demo store of 500 persons, shared by the read-only checks below."""
    from postapp.store import open_store

    store = open_store(tmp_path_factory.mktemp("demo") / "post.sqlite3")
    with store.session() as s:
        original_triggers = triggers(s)
        calls: list[tuple[int, int]] = []
        def progress(done: int, total: int) -> bool:
            calls.append((done, total))
            return True

        result = demo.fill(s, 500, seed=2026, progress=progress)
    yield store, result, original_triggers, calls
    store.close()


def test_fill_sizes(filled):
    store, result, _triggers, _calls = filled
    assert (result.organisations, result.persons, result.activities) == (100, 500, 250)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Organisation)) == 100
        assert s.scalar(select(func.count()).select_from(Person)) == 500
        events = s.scalar(select(func.count()).select_from(Event))
        assert events and s.scalar(select(func.count()).select_from(Activity)) == 250 + events  # one each
        for model in (SupportCase, AgendaEntry, KnowledgeNote):
            assert s.scalar(select(func.count()).select_from(model)), model
        genders = dict(s.execute(select(Person.gender, func.count()).group_by(Person.gender)).all())
        assert genders.get(Gender.FEMALE) and genders.get(Gender.MALE)
        assert search.count_persons(s) == 500
        assert search.count_organisations(s) == 100
        assert s.execute(text("SELECT count(*) FROM contact_index")).scalar() == 600
        assert s.execute(text("SELECT count(*) FROM contact_fts")).scalar() == 600


def test_fill_reports_progress_up_to_the_total(filled):
    _store, _result, _triggers, calls = filled
    assert calls
    dones = [done for done, _total in calls]
    assert dones == sorted(dones)
    assert calls[-1][0] == calls[-1][1]
    assert len({total for _done, total in calls}) == 1


def test_every_core_task_and_kind(filled):
    store, *_ = filled
    with store.session() as s:
        by_task = activities.counts_by_task(s)
        assert set(by_task) == set(CoreTask)
        # 50 generated activities per task, plus one activity per demo event (its participants are the
        # event's list) under awareness or agenda-setting
        event_tasks = Counter(s.scalars(select(Activity.core_task).join(Event, Event.activity_id == Activity.id)))
        assert sum(by_task.values()) == 250 + sum(event_tasks.values())
        assert all(n - event_tasks[task] == 50 for task, n in by_task.items())
        for task in CoreTask:
            kinds = activities.counts_by_kind(s, task)
            allowed = {kind for kind, _title in demo.TASK_ACTIVITIES[task]} | (
                {ActivityKind.EVENT, ActivityKind.TRAINING} if event_tasks[task] else set())
            assert kinds and set(kinds) <= allowed
            assert sum(kinds.values()) == by_task[task]
            rows = activities.activity_rows(s, task, limit=1000)
            assert len(rows) == by_task[task]
            assert all(isinstance(r.kind, ActivityKind) and r.title for r in rows)
            assert [r.date for r in rows] == sorted((r.date for r in rows), reverse=True)
        assert s.execute(text("SELECT count(*) FROM activity WHERE kind IS NULL OR kind = ''")).scalar() == 0


def test_demo_activities_have_participants(filled):
    store, *_ = filled
    with store.session() as s:
        without = s.execute(text(
            "SELECT count(*) FROM activity a WHERE NOT EXISTS"
            " (SELECT 1 FROM activity_person ap WHERE ap.activity_id = a.id)"
            " AND NOT EXISTS (SELECT 1 FROM event e WHERE e.activity_id = a.id)")).scalar()
        assert without == 0


def test_search_works_after_fill(filled):
    store, _result, original_triggers, _calls = filled
    with store.session() as s:
        assert triggers(s) == original_triggers
        names = {name for name, _sql in triggers(s)}
        assert {"person_search_ai", "person_search_au", "organisation_search_au",
                "person_tag_search_ai"} <= names
        # The search triggers are back, and the audit log's guards were never touched.
        assert names - {n for n in names if "_search_" in n} == {"audit_log_no_update", "audit_log_no_delete"}
        some = s.execute(select(Person.id, Person.name).order_by(Person.name).limit(1)).one()
        assert some.id in {r.id for r in search.person_rows(s, some.name, limit=1000)}
        assert search.count_persons(s, "nguyen") == len(search.person_rows(s, "nguyen", limit=1000)) > 0
        before = search.count_persons(s, "zyxwvut")
        person = contacts.create_person(s, PersonData(name="Zyxwvut Tester", tags=["living wage"]))
        assert [r.id for r in search.person_rows(s, "zyxwvut")] == [person.id]
        assert search.count_persons(s, "zyxwvut") == before + 1
        s.rollback()


def test_generate_is_deterministic_for_a_seed():
    first = demo.generate(60, seed=7)
    second = demo.generate(60, seed=7)
    other = demo.generate(60, seed=8)
    assert [p["name"] for p in first["person"]] == [p["name"] for p in second["person"]]
    assert [p["id"] for p in first["person"]] == [p["id"] for p in second["person"]]
    assert [o["name"] for o in first["organisation"]] == [o["name"] for o in second["organisation"]]
    assert [a["title"] for a in first["activity"]] == [a["title"] for a in second["activity"]]
    assert [p["name"] for p in first["person"]] != [p["name"] for p in other["person"]]
    assert len(first["person"]) == 60


def test_generate_keeps_references_consistent():
    rows = demo.generate(80, seed=3)
    persons = {p["id"] for p in rows["person"]}
    orgs = {o["id"] for o in rows["organisation"]}
    assert {pt["person_id"] for pt in rows["person_tag"]} <= persons
    assert {p["organisation_id"] for p in rows["person"]} - {None} <= orgs
    assert {ap["person_id"] for ap in rows["activity_person"]} <= persons
    assert Counter(a["core_task"] for a in rows["activity"]) == {t: 8 for t in CoreTask}


@pytest.mark.parametrize("persons", [-1, 100_001])
def test_generate_refuses_out_of_range_sizes(persons):
    with pytest.raises(PostAppError) as info:
        demo.generate(persons)
    assert format_number(100_000) in str(info.value)
    assert "100000" not in str(info.value)  # numbers as the user's language writes them


def test_generate_zero_is_empty():
    rows = demo.generate(0)
    assert rows["person"] == rows["organisation"] == rows["activity"] == []


def test_fill_refuses_a_store_that_holds_contacts(store):
    with store.session() as s:
        contacts.create_person(s, PersonData(name="Already here"))
    with pytest.raises(PostAppError), store.session() as s:
        demo.fill(s, 20)
    with store.session() as s:
        assert search.count_persons(s) == 1
        assert s.scalar(select(func.count()).select_from(Organisation)) == 0


@pytest.mark.parametrize("cancel_after", [1, 3, 8])
def test_cancelling_leaves_the_store_empty_with_its_triggers(store, cancel_after):
    with store.session() as s:
        original_triggers = triggers(s)
        empty = table_counts(s)
    calls = []

    def progress(done: int, total: int) -> bool:
        calls.append(done)
        return len(calls) < cancel_after

    with pytest.raises(PostAppError) as info, store.session() as s:
        demo.fill(s, 200, progress=progress)
    assert "cancelled" in str(info.value)
    assert len(calls) == cancel_after
    with store.session() as s:
        assert table_counts(s) == empty
        assert triggers(s) == original_triggers
        person = contacts.create_person(s, PersonData(name="After Cancel"))
        assert [r.id for r in search.person_rows(s, "after cancel")] == [person.id]


def test_cancelling_inside_an_open_session_adds_nothing_and_keeps_the_triggers(store):
    """``fill`` promises that a cancel rolls back; a caller that shows the message and carries on with the
    same session (as a form or a progress dialog does) must not end up with half a demo and no triggers."""
    with store.session() as s:
        original_triggers = triggers(s)
        empty = table_counts(s)
    with store.session() as s, pytest.raises(PostAppError):
        demo.fill(s, 50, progress=lambda done, total: False)
    with store.session() as s:
        assert table_counts(s) == empty
        assert triggers(s) == original_triggers
