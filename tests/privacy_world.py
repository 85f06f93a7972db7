"""A small post for the merge, erasure and duplicate tests: two persons entered twice, each with
activities, an event place, a case, tags and a follow-up, in a real store on disk."""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select, text

from postapp.domain import (
    Activity,
    ActivityKind,
    CoreTask,
    Event,
    EventFormat,
    EventParticipant,
    FollowUp,
    ParticipantStatus,
    SupportCase,
)
from postapp.domain.activities import activity_person
from postapp.domain.base import utcnow
from postapp.domain.cases import case_person
from postapp.services import contacts, search
from postapp.services.contacts import OrganisationData, PersonData
from postapp.store import Store


@dataclass
class World:
    org: uuid.UUID
    kept: uuid.UUID  # "Nguyễn Văn An", the record to keep
    twin: uuid.UUID  # "Nguyen Van An", the same person entered again
    other: uuid.UUID  # an unrelated person
    shared_activity: uuid.UUID  # both kept and twin on it
    twin_activity: uuid.UUID  # only the twin on it
    event: uuid.UUID  # both on it: kept invited, twin attended
    twin_event: uuid.UUID  # only the twin on it
    case: uuid.UUID  # both on it
    twin_case: uuid.UUID  # only the twin


def _activity(session, title: str, persons, day: dt.date) -> Activity:
    act = Activity(core_task=CoreTask.AWARENESS, kind=ActivityKind.EVENT, title=title, date=day, post_code="HAN")
    session.add(act)
    session.flush()
    for pid in persons:
        session.execute(activity_person.insert().values(activity_id=act.id, person_id=pid))
    return act


def _event(session, title: str, places: dict[uuid.UUID, ParticipantStatus], day: dt.date) -> Event:
    act = _activity(session, title, [], day)
    start = dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)
    event = Event(activity_id=act.id, format=EventFormat.AWARENESS_SESSION, starts_at=start,
                  ends_at=start + dt.timedelta(hours=2), timezone="Asia/Ho_Chi_Minh", location="Hanoi",
                  post_code="HAN")
    session.add(event)
    session.flush()
    for pid, status in places.items():
        session.add(EventParticipant(event_id=event.id, person_id=pid, status=status, post_code="HAN"))
    session.flush()
    return event


def _case(session, title: str, persons, day: dt.date) -> SupportCase:
    case = SupportCase(title=title, opened_on=day, post_code="HAN")
    session.add(case)
    session.flush()
    for pid in persons:
        session.execute(case_person.insert().values(case_id=case.id, person_id=pid))
    return case


def build(store: Store) -> World:
    day = dt.date.today() - dt.timedelta(days=30)
    with store.session() as s:
        org = contacts.create_organisation(s, OrganisationData(name="Delta Textiles B.V."))
        kept = contacts.create_person(s, PersonData(
            name="Nguyễn Văn An", email="an.nguyen@delta.example", organisation_id=org.id, role="CSR manager",
            notes="Met at the living wage session.", tags=["textiles", "living wage"], gender="male"), "HAN")
        twin = contacts.create_person(s, PersonData(
            name="Nguyen Van An", email="", phone="+84 24 1111 2222", organisation_id=org.id,
            notes="Phoned about the steunpunt.", tags=["gender", "textiles"], sensitive=True,
            lawful_basis="consent", consent_date=day), "HAN")
        other = contacts.create_person(s, PersonData(name="Trần Thị Lan", email="lan@ngo.example"), "HAN")
        shared = _activity(s, "Living wage roundtable", [kept.id, twin.id, other.id], day)
        twin_act = _activity(s, "Phone call with An", [twin.id], day)
        s.add(FollowUp(activity_id=twin_act.id, description="Send An the steunpunt leaflet", owner="Marieke",
                       due_date=day + dt.timedelta(days=7), post_code="HAN"))
        event = _event(s, "IMVO awareness session", {kept.id: ParticipantStatus.INVITED,
                                                     twin.id: ParticipantStatus.ATTENDED,
                                                     other.id: ParticipantStatus.REGISTERED}, day)
        twin_event = _event(s, "Gender roundtable", {twin.id: ParticipantStatus.REGISTERED}, day)
        case = _case(s, "Delta asks about due diligence", [kept.id, twin.id], day)
        twin_case = _case(s, "Delta supplier audit", [twin.id], day)
        return World(org.id, kept.id, twin.id, other.id, shared.id, twin_act.id, event.id, twin_event.id,
                     case.id, twin_case.id)


LINK_TABLES = ("activity_person", "person_tag", "case_person", "event_participant")


def references(store: Store, person_id: uuid.UUID) -> dict[str, int]:
    """Rows of each link table that point at the person."""
    with store.read() as s:
        return {t: s.scalar(text(f"SELECT count(*) FROM {t} WHERE person_id = :p"), {"p": person_id.hex}) or 0
                for t in LINK_TABLES}


def found_by_search(store: Store, query: str) -> set[uuid.UUID]:
    with store.read() as s:
        return {r.id for r in search.person_rows(s, query)}


def consistency(path: Path) -> tuple[list[tuple[object, ...]], str]:
    """``PRAGMA foreign_key_check`` rows and ``PRAGMA integrity_check`` result of the data file."""
    con = sqlite3.connect(path)
    try:
        fk = con.execute("PRAGMA foreign_key_check").fetchall()
        integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
        con.execute("INSERT INTO contact_fts(contact_fts) VALUES ('integrity-check')")
    finally:
        con.close()
    return fk, integrity


def count_rows(store: Store, model) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def now() -> dt.datetime:
    return utcnow()
