"""Merging a person entered twice: every record linked to the duplicate moves to the person kept.

The links are found from the foreign keys in ``Base.metadata`` (every model module is imported
here), so a table added later that refers to ``person.id`` is covered without touching this module;
a test compares that list with the foreign keys SQLite itself reports. Where a link is unique per
person (a person is on an activity, a case or an event once), the duplicate's row is dropped when the
kept person already has one; on an event the row kept gets the status that says most that the person
took part. The duplicate is then soft-deleted with a note of the merge and no record refers to it.

All of it happens in the caller's unit of work: a failure anywhere leaves both persons as they were.
The contact search index is kept by the triggers of migration 0002: the kept person's row is touched
after the links moved (an ``UPDATE`` of ``person_tag.person_id`` fires no trigger of its own).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column, CursorResult, Table, UniqueConstraint, and_, delete, exists, select, update
from sqlalchemy.orm import Session

import postapp.conditions.models
import postapp.domain
import postapp.sanctions.models
import postapp.survey.models
import postapp.sync.models  # noqa: F401  (all tables on Base.metadata)
from postapp.domain import Base, EventParticipant, LawfulBasis, Organisation, ParticipantStatus, Person
from postapp.domain.base import utcnow
from postapp.errors import PostAppError, ValidationError
from postapp.i18n import _, format_date
from postapp.services.contacts import get_person
from postapp.services.validation import MAX_NOTES, too_long


def merge_mark(kept_id: uuid.UUID) -> str:
    """Written in a merged-away person's notes: how an erasure of the kept person finds the copy."""
    return f"[merged-into:{kept_id}]"


# The status that says most that the person took part comes first.
STATUS_RANK = [ParticipantStatus.ATTENDED, ParticipantStatus.REGISTERED, ParticipantStatus.NO_SHOW,
               ParticipantStatus.DECLINED, ParticipantStatus.INVITED]


@dataclass
class MergeResult:
    kept: uuid.UUID
    merged: uuid.UUID
    moved: dict[str, int] = field(default_factory=dict)  # table -> rows now pointing at the kept person
    dropped: dict[str, int] = field(default_factory=dict)  # table -> duplicate link rows removed


@dataclass(frozen=True)
class PersonLink:
    """A column that refers to ``person.id``, and the columns that, with it, must be unique."""

    table: Table
    column: Column[uuid.UUID]
    unique_with: tuple[tuple[str, ...], ...]


def person_links() -> list[PersonLink]:
    """Every column in the schema that refers to a person."""
    person_id = Person.__table__.c.id
    links = []
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column is not person_id:
                continue
            column = fk.parent
            sets = [tuple(c.name for c in table.primary_key.columns)]
            sets += [tuple(c.name for c in con.columns) for con in table.constraints
                     if isinstance(con, UniqueConstraint)]
            sets += [tuple(c.name for c in ix.columns) for ix in table.indexes if ix.unique]
            others = tuple(tuple(n for n in names if n != column.name) for names in sets
                           if column.name in names and len(names) > 1)
            links.append(PersonLink(table, column, others))
    return links


def _best_status(session: Session, keep: uuid.UUID, drop: uuid.UUID) -> None:
    """On an event both were on, the kept person's place gets the better of the two live statuses; a
    place the kept person was taken off (soft-deleted) comes back when the duplicate's place is live."""
    theirs = dict(session.execute(select(EventParticipant.event_id, EventParticipant.status)
                                  .where(EventParticipant.person_id == drop,
                                         EventParticipant.deleted_at.is_(None))).all())
    if not theirs:
        return
    for row in session.scalars(select(EventParticipant).where(EventParticipant.person_id == keep,
                                                              EventParticipant.event_id.in_(list(theirs)))):
        other = theirs[row.event_id]
        if row.deleted_at is not None:
            row.deleted_at, row.status = None, other
        elif STATUS_RANK.index(other) < STATUS_RANK.index(row.status):
            row.status = other
    session.flush()


RESOLVE = {"event_participant": _best_status}


def _rowcount(result: Any) -> int:
    return int(result.rowcount or 0) if isinstance(result, CursorResult) else 0


def _move_links(session: Session, keep: uuid.UUID, drop: uuid.UUID, result: MergeResult) -> None:
    now = utcnow()
    for link in person_links():
        table, column = link.table, link.column
        resolve = RESOLVE.get(table.name)
        if resolve is not None:
            resolve(session, keep, drop)
        dropped = 0
        for others in link.unique_with:
            twin = table.alias("twin")
            clash = exists().where(twin.c[column.name] == keep,
                                   *[twin.c[name] == table.c[name] for name in others])
            dropped += _rowcount(session.execute(delete(table).where(and_(column == drop, clash))))
        values: dict[str, object] = {column.name: keep}
        if "updated_at" in table.c:
            values["updated_at"] = now
        moved = _rowcount(session.execute(update(table).where(column == drop).values(values)))
        if moved:
            result.moved[table.name] = moved
        if dropped:
            result.dropped[table.name] = dropped


def _merge_fields(session: Session, keep: Person, drop: Person) -> None:
    """The kept person's values win; what it lacks it takes from the duplicate."""
    for name in ("email", "phone", "role"):
        if not getattr(keep, name):
            setattr(keep, name, getattr(drop, name))
    if keep.organisation_id is None and drop.organisation_id is not None:
        org = session.get(Organisation, drop.organisation_id)
        if org is not None and not org.is_deleted:
            keep.organisation_id = drop.organisation_id
    if not keep.gender:
        keep.gender = drop.gender
    if not keep.lawful_basis:
        keep.lawful_basis, keep.consent_date = drop.lawful_basis, drop.consent_date
    elif keep.lawful_basis == drop.lawful_basis == LawfulBasis.CONSENT:
        dates = [d for d in (keep.consent_date, drop.consent_date) if d is not None]
        keep.consent_date = max(dates) if dates else None
    keep.sensitive = keep.sensitive or drop.sensitive
    if drop.notes and drop.notes not in keep.notes:
        notes = f"{keep.notes}\n\n{drop.notes}" if keep.notes else drop.notes
        if len(notes) > MAX_NOTES:
            raise ValidationError({"notes": too_long(_("Notes"), MAX_NOTES, len(notes))})
        keep.notes = notes


def merge_persons(session: Session, keep_id: uuid.UUID, drop_id: uuid.UUID) -> MergeResult:
    """Merges person ``drop_id`` into ``keep_id``; the duplicate is soft-deleted and referred to by nothing."""
    if keep_id == drop_id:
        raise PostAppError(_("A person cannot be merged into itself."))
    keep, drop = get_person(session, keep_id), get_person(session, drop_id)
    result = MergeResult(keep.id, drop.id)
    _merge_fields(session, keep, drop)
    note = _("Merged into {name} on {date}.").format(name=keep.name, date=format_date(utcnow().date()))
    note += " " + merge_mark(keep.id)
    drop.notes = f"{drop.notes}\n\n{note}" if drop.notes else note
    drop.deleted_at = utcnow()
    session.flush()
    _move_links(session, keep.id, drop.id, result)
    # The index row of the kept person: its tags (and anything else indexed) as they now are.
    session.execute(update(Person).where(Person.id == keep.id).values(name=Person.name, updated_at=utcnow()))
    session.expire_all()
    return result
