"""Events: saving with time zones, validation, the invitation list, statuses, attendance counts,
follow-ups, soft delete, the list order, look-up by reference, and the CLI."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from postapp.cli import main
from postapp.domain import (
    Activity,
    ActivityKind,
    CoreTask,
    Event,
    EventFormat,
    EventParticipant,
    FollowUp,
    Gender,
    OrganisationKind,
    ParticipantStatus,
    Person,
)
from postapp.errors import NotFoundError, PostAppError, ValidationError
from postapp.services import events as ev
from postapp.services.activities import FollowUpData
from postapp.services.contacts import OrganisationData, PersonData, create_organisation, create_person
from postapp.store import Store


def _data(**changes: object) -> ev.EventData:
    base = ev.EventData(title="IMVO session for Dutch companies", format=EventFormat.AWARENESS_SESSION,
                        starts=dt.datetime(2026, 11, 24, 9, 30), ends=dt.datetime(2026, 11, 24, 12, 0),
                        timezone="Asia/Ho_Chi_Minh", location="Embassy, Hanoi", capacity="30",
                        notes="Programme")
    for key, value in changes.items():
        setattr(base, key, value)
    return base


@pytest.fixture
def people(store: Store) -> dict[str, uuid.UUID]:
    """Four persons at organisations of three kinds and one without, with recorded genders and tags."""
    with store.session() as s:
        company = create_organisation(s, OrganisationData(name="Delta Textiles B.V.", kind="company"), "HAN")
        union = create_organisation(s, OrganisationData(name="VGCL", kind="trade_union"), "HAN")
        ngo = create_organisation(s, OrganisationData(name="CSR Vietnam", kind="ngo"), "HAN")
        specs = [("Lan Nguyễn", company.id, Gender.FEMALE, ["textiles"], "lan@delta.example", False),
                 ("Jan de Vries", company.id, Gender.MALE, ["textiles", "gender"], "jan@delta.example", False),
                 ("Hoa Trần", union.id, Gender.FEMALE, ["textiles"], "hoa@vgcl.example", True),
                 ("Minh Lê", None, Gender.UNKNOWN, ["gender"], "", False),
                 ("Thu Phạm", ngo.id, Gender.OTHER, [], "thu@csr.example", False)]
        ids = {}
        for name, org, gender, tags, email, sensitive in specs:
            person = create_person(s, PersonData(name=name, organisation_id=org, tags=tags, email=email,
                                                 sensitive=sensitive), "HAN")
            person.gender = gender
            ids[name.split()[0]] = person.id
    return ids


def _create(store: Store, data: ev.EventData | None = None) -> uuid.UUID:
    with store.session() as s:
        return ev.create_event(s, data or _data(), "HAN").id


def test_create_converts_wall_time_to_utc_and_back(store: Store) -> None:
    event_id = _create(store)
    with store.read() as s:
        event = ev.get_event(s, event_id)
        assert event.starts_at == dt.datetime(2026, 11, 24, 2, 30, tzinfo=dt.UTC)
        assert event.ends_at == dt.datetime(2026, 11, 24, 5, 0, tzinfo=dt.UTC)
        assert event.timezone == "Asia/Ho_Chi_Minh"
        assert event.capacity == 30
        assert event.activity.kind == ActivityKind.EVENT
        assert event.activity.core_task == CoreTask.AWARENESS
        assert event.activity.date == dt.date(2026, 11, 24)
        assert ev.event_data(event).starts == dt.datetime(2026, 11, 24, 9, 30)


def test_activity_date_is_the_local_date(store: Store) -> None:
    # 07:00 in Auckland is the previous day in UTC: the activity keeps the local day.
    event_id = _create(store, _data(starts="2026-03-02 07:00", ends="2026-03-02 09:00", timezone="Pacific/Auckland",
                                    format="training"))
    with store.read() as s:
        event = ev.get_event(s, event_id)
        assert event.starts_at.date() == dt.date(2026, 3, 1)
        assert event.activity.date == dt.date(2026, 3, 2)
        assert event.activity.kind == ActivityKind.TRAINING


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"ends": dt.datetime(2026, 11, 24, 9, 0)}, "ends", "end after"),
    ({"timezone": "Mars/Olympus"}, "timezone", "not a time zone"),
    ({"timezone": "../../etc/passwd"}, "timezone", "not a time zone"),
    ({"title": "   "}, "title", "required"),
    ({"capacity": "-3"}, "capacity", "between"),
    ({"capacity": "many"}, "capacity", "whole number"),
    ({"starts": "tomorrow"}, "starts", "not a date and time"),
    ({"starts": None}, "starts", "required"),
    ({"core_task": "support"}, "core_task", "core task 2"),
    # 02:30 on 29 March 2026 does not exist in Amsterdam (clocks go from 02:00 to 03:00).
    ({"starts": dt.datetime(2026, 3, 29, 2, 30), "timezone": "Europe/Amsterdam"}, "starts", "does not exist"),
])
def test_validation_messages_and_nothing_stored(store: Store, changes: dict[str, object], field: str,
                                                words: str) -> None:
    with pytest.raises(ValidationError) as caught, store.session() as s:
        ev.create_event(s, _data(**changes), "HAN")
    assert words in caught.value.errors[field]
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Event)) == 0
        assert s.scalar(select(func.count()).select_from(Activity)) == 0


def test_refused_edit_leaves_the_event_as_it_was(store: Store) -> None:
    event_id = _create(store)
    with pytest.raises(ValidationError), store.session() as s:
        ev.update_event(s, event_id, _data(title="Changed", ends=dt.datetime(2026, 11, 23, 9, 0)))
    with store.read() as s:
        event = ev.get_event(s, event_id)
        assert event.activity.title == "IMVO session for Dutch companies"
        assert event.ends_at == dt.datetime(2026, 11, 24, 5, 0, tzinfo=dt.UTC)


def test_invite_by_search_and_tag_without_duplicates(store: Store, people: dict[str, uuid.UUID]) -> None:
    event_id = _create(store)
    with store.session() as s:
        assert ev.invite_by_search(s, event_id, "delta") == ev.InviteResult(added=2, skipped=0)
        # "textiles": Lan and Jan already on the list, Hoa (sensitive) is invited: inviting stays local.
        assert ev.invite_by_tag(s, event_id, "textiles") == ev.InviteResult(added=1, skipped=2)
        assert ev.invite_by_tag(s, event_id, "gender") == ev.InviteResult(added=1, skipped=1)
        assert ev.invite_by_tag(s, event_id, "no such tag") == ev.InviteResult(added=0, skipped=0)
    with store.read() as s:
        listed = {p.person_id for p in ev.live_participants(ev.get_event(s, event_id))}
        assert listed == {people["Lan"], people["Jan"], people["Hoa"], people["Minh"]}
        assert s.scalar(select(func.count()).select_from(EventParticipant)) == 4
        assert ev.tag_names(s) == ["gender", "textiles"]


def test_deleted_person_is_not_invited(store: Store, people: dict[str, uuid.UUID]) -> None:
    event_id = _create(store)
    with store.session() as s:
        s.get_one(Person, people["Jan"]).deleted_at = dt.datetime.now(dt.UTC)
    with store.session() as s:
        assert ev.invite_by_tag(s, event_id, "textiles").added == 2


def test_status_changes_removal_and_reinvite(store: Store, people: dict[str, uuid.UUID]) -> None:
    event_id = _create(store)
    with store.session() as s:
        ev.invite(s, event_id, [people["Lan"], people["Jan"]])
        ev.set_status(s, event_id, people["Lan"], "registered")
        ev.set_status(s, event_id, people["Lan"], ParticipantStatus.ATTENDED)
        ev.remove_participant(s, event_id, people["Jan"])
    with store.read() as s:
        summary = ev.attendance(s, event_id)
        assert summary.by_status[ParticipantStatus.ATTENDED] == 1
        assert sum(summary.by_status.values()) == 1
    with pytest.raises(NotFoundError), store.session() as s:
        ev.set_status(s, event_id, people["Jan"], "registered")
    with pytest.raises(ValidationError), store.session() as s:
        ev.set_status(s, event_id, people["Lan"], "maybe")
    with store.session() as s:
        # The removed row is revived, not duplicated (one row per event and person).
        assert ev.invite(s, event_id, [people["Jan"]]).added == 1
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(EventParticipant)) == 2
        rows = {p.person_id: p.status for p in ev.live_participants(ev.get_event(s, event_id))}
        assert rows == {people["Lan"]: ParticipantStatus.ATTENDED, people["Jan"]: ParticipantStatus.INVITED}


def test_attendance_by_organisation_kind_and_gender(store: Store, people: dict[str, uuid.UUID]) -> None:
    statuses = {"Lan": "attended", "Jan": "attended", "Hoa": "attended", "Minh": "attended", "Thu": "no_show"}
    event_id = _create(store, _data(participants=[ev.ParticipantData(people[n], s) for n, s in statuses.items()]))
    with store.read() as s:
        summary = ev.attendance(s, event_id)
    assert summary.by_organisation_kind == [("Company", 2), ("Trade union", 1), ("No organisation", 1)]
    assert summary.by_gender == [("Woman", 2), ("Man", 1), ("Not recorded", 1)]
    assert summary.attended == 4
    assert summary.by_status[ParticipantStatus.NO_SHOW] == 1
    assert summary.registered == 4


def test_summarise_in_memory_and_capacity_warning() -> None:
    rows = [(ParticipantStatus.REGISTERED, OrganisationKind.NGO, Gender.FEMALE),
            (ParticipantStatus.ATTENDED, OrganisationKind.NGO, Gender.OTHER),
            (ParticipantStatus.DECLINED, None, Gender.MALE)]
    summary = ev.summarise(rows)
    assert summary.by_organisation_kind == [("NGO", 1)]
    assert summary.by_gender == [("Other", 1)]
    statuses = [r[0] for r in rows]
    assert ev.capacity_warning(2, statuses) is None
    assert ev.capacity_warning(None, statuses) is None
    warning = ev.capacity_warning(1, statuses)
    assert warning is not None and "1 more than the capacity" in warning


def test_participant_list_replaced_on_update(store: Store, people: dict[str, uuid.UUID]) -> None:
    event_id = _create(store, _data(participants=[ev.ParticipantData(people["Lan"]),
                                                  ev.ParticipantData(people["Jan"], "registered")]))
    with store.session() as s:
        ev.update_event(s, event_id, _data(participants=[ev.ParticipantData(people["Jan"], "attended")]))
    with store.session() as s:
        # participants=None leaves the list alone.
        ev.update_event(s, event_id, _data(title="Renamed"))
    with store.read() as s:
        rows = {p.person_id: p.status for p in ev.live_participants(ev.get_event(s, event_id))}
        assert rows == {people["Jan"]: ParticipantStatus.ATTENDED}
    with pytest.raises(ValidationError) as caught, store.session() as s:
        ev.update_event(s, event_id, _data(participants=[ev.ParticipantData(uuid.uuid4())]))
    assert "deleted in the meantime" in caught.value.errors["participants"]


def test_follow_ups_and_evaluation(store: Store) -> None:
    event_id = _create(store, _data(evaluation="Good turnout", follow_ups=[
        FollowUpData("Send slides", "Anouk", "2026-12-01"), FollowUpData("Report to The Hague", "Bram")]))
    with store.read() as s:
        data = ev.event_data(ev.get_event(s, event_id))
    assert data.evaluation == "Good turnout"
    # Ordered by due date, those without one first (as SQLite sorts NULL).
    assert [(f.description, f.owner, f.due_date) for f in data.follow_ups] == [
        ("Report to The Hague", "Bram", None), ("Send slides", "Anouk", dt.date(2026, 12, 1))]
    kept = data.follow_ups[1]
    kept.done = True
    with store.session() as s:
        ev.update_event(s, event_id, _data(follow_ups=[kept]))
    with store.read() as s:
        live = ev.get_event(s, event_id).activity.follow_ups
        assert [(f.description, f.done) for f in live] == [("Send slides", True)]
        assert s.scalar(select(func.count()).select_from(FollowUp).where(FollowUp.deleted_at.is_not(None))) == 1
    with pytest.raises(ValidationError) as caught, store.session() as s:
        ev.update_event(s, event_id, _data(follow_ups=[FollowUpData("", "x")]))
    assert "required" in caught.value.errors["follow_ups"]


def test_soft_delete_hides_event_and_activity(store: Store) -> None:
    event_id = _create(store)
    with store.session() as s:
        ev.delete_event(s, event_id)
    with store.read() as s:
        event = s.get_one(Event, event_id)
        assert event.deleted_at is not None and event.activity.deleted_at is not None
        assert ev.event_rows(s) == []
        with pytest.raises(NotFoundError):
            ev.get_event(s, event_id)
        with pytest.raises(NotFoundError):
            ev.find_event(s, str(event_id))


def test_event_rows_upcoming_first_then_past(store: Store, people: dict[str, uuid.UUID]) -> None:
    now = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    for title, day in [("Past old", 1), ("Future far", 90), ("Past recent", 20), ("Future near", 70)]:
        start = dt.datetime(2026, 4, 1, 9) + dt.timedelta(days=day)
        _create(store, _data(title=title, starts=start, ends=start + dt.timedelta(hours=2),
                             participants=[ev.ParticipantData(people["Lan"], "registered"),
                                           ev.ParticipantData(people["Jan"], "attended"),
                                           ev.ParticipantData(people["Thu"], "declined")]))
    _create(store, _data(title="Agenda roundtable", core_task="agenda"))
    with store.read() as s:
        rows = ev.event_rows(s, CoreTask.AWARENESS, now=now)
        assert [r.title for r in rows] == ["Future near", "Future far", "Past recent", "Past old"]
        assert (rows[0].registered, rows[0].attended, rows[0].invited, rows[0].capacity) == (2, 1, 3, 30)
        assert [r.title for r in ev.event_rows(s, CoreTask.AWARENESS, offset=1, limit=2, now=now)] == [
            "Future far", "Past recent"]
        assert [r.title for r in ev.event_rows(s, CoreTask.AGENDA, now=now)] == ["Agenda roundtable"]


def test_find_event_by_id_activity_id_and_title(store: Store) -> None:
    first = _create(store, _data(title="Roundtable living wage"))
    _create(store, _data(title="Roundtable freedom of association"))
    with store.read() as s:
        event = s.get_one(Event, first)
        assert ev.find_event(s, str(first)).id == first
        assert ev.find_event(s, str(event.activity_id)).id == first
        assert ev.find_event(s, "roundtable LIVING wage").id == first
        assert ev.find_event(s, "living").id == first
        with pytest.raises(PostAppError, match="2 events match"):
            ev.find_event(s, "roundtable")
        with pytest.raises(NotFoundError):
            ev.find_event(s, "100%_nothing")
        with pytest.raises(NotFoundError):
            ev.find_event(s, str(uuid.uuid4()))


def test_default_timezone() -> None:
    assert ev.default_timezone("VN", "Europe/Amsterdam") == "Asia/Ho_Chi_Minh"
    assert ev.default_timezone("ID", "Asia/Jakarta") == "Asia/Jakarta"
    assert ev.default_timezone("", "Europe/Amsterdam") == "Europe/Amsterdam"
    assert ev.default_timezone("", "") == "UTC"
    assert ev.common_timezones("VN")[0] == "Asia/Ho_Chi_Minh"


def test_demo_events(store: Store, people: dict[str, uuid.UUID]) -> None:
    with store.session() as s:
        made = ev.add_demo_events(s, random.Random(3), dt.date(2026, 5, 1), "HAN")
    assert made == 5
    with store.read() as s:
        rows = ev.event_rows(s, now=dt.datetime(2026, 5, 1, tzinfo=dt.UTC))
        assert len(rows) == 5
        past = [r for r in rows if r.ends_at < dt.datetime(2026, 5, 1, tzinfo=dt.UTC)]
        assert past and all(r.attended > 0 for r in past)


# --- CLI -----------------------------------------------------------------------------------------


def test_cli_list_and_ics(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    event_id = _create(store, _data(title="Roundtable living wage"))
    _create(store, _data(title="Roundtable gender"))
    db = str(store.path)
    assert main(["--db", db, "events", "list"]) == 0
    listed = capsys.readouterr().out
    assert str(event_id) in listed and "Roundtable gender" in listed

    out = tmp_path / "event.ics"
    assert main(["--db", db, "events", "ics", str(event_id), "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
    assert f"UID:{event_id}@postapp-imvo".encode() in out.read_bytes()

    out.unlink()
    assert main(["--db", db, "events", "ics", "roundtable", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "2 events match" in err and str(event_id) in err
    assert not out.exists()
    assert main(["--db", db, "events", "ics", "nothing like it", "--out", str(out)]) == 1
    assert main(["--db", db, "events", "ics", str(event_id), "--out", str(tmp_path / "event.txt")]) == 1
    assert main(["--db", db, "events", "ics", str(event_id), "--out", str(tmp_path / "missing" / "e.ics")]) == 1
    assert "Could not write" in capsys.readouterr().err
    assert main(["--db", db, "events", "ics", "living wage", "--out", str(out), "--attendees"]) == 0
    assert out.exists()
