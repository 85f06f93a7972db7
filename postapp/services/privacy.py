"""What the GDPR asks of the post's contact list: retention review, a person's own data, and erasure.

- **Retention review** (art. 5(1)(e), storage limitation): a person is *untouched* when the latest of
  their own last change and the dates of their linked activities, events and cases (closed, else
  opened) is older than the chosen number of years; those are listed by name with that date, for
  staff to keep, update or erase.
- **Export of one person** (art. 15, right of access): everything held on them, as JSON for a
  machine and as plain text for the person. It is the one export that includes a *sensitive* person
  (the data subject's own right); the window asks for confirmation first.
- **Erasure** (art. 17): the person row becomes a tombstone rather than being deleted: every
  personal field is cleared, the name replaced by ``ERASED_NAME``, tags and links to activities,
  events and cases removed, ``deleted_at`` set. A row that stays (with its id, post and
  ``deleted_at``) is how every other deletion in the app is recorded, so the deletion can travel to
  the post's other laptops or headquarters as a change should persons ever sync, and an id in the
  erasure log still points at a record that says it was erased. The ``ErasureEntry`` written in the
  same transaction names the record by id only: the reason is refused if it contains the name or
  the e-mail address. Persons merged into this one earlier (soft-deleted, still holding what was
  typed for them, found by the merge's mark in their notes) are erased with it. The search index
  loses the person (trigger on ``deleted_at``) and is then optimised, and the write runs with
  ``secure_delete``, so the erased text is not left behind in free pages of the data file. Free
  text elsewhere that mentions the name (activity notes, follow-ups) is not rewritten by guesswork:
  the erasure reports where it occurs, for staff to review.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from anyascii import anyascii
from sqlalchemy import ColumnElement, CursorResult, String, delete, func, or_, select, type_coerce, union_all
from sqlalchemy.orm import Session

from postapp.domain import (
    Activity,
    ErasureEntry,
    Event,
    EventParticipant,
    FollowUp,
    Gender,
    LawfulBasis,
    Organisation,
    Person,
    SupportCase,
)
from postapp.domain.activities import activity_person
from postapp.domain.base import utcnow
from postapp.domain.cases import case_person
from postapp.errors import NotFoundError, PostAppError, ValidationError
from postapp.files import write_atomically
from postapp.i18n import _, format_date, format_datetime, ngettext
from postapp.services.validation import Checker
from postapp.store import Store

DEFAULT_RETENTION_YEARS = 2
MAX_RETENTION_YEARS = 50
ERASED_NAME = "[erased]"
MIN_MENTION = 4  # shorter names would "mention" half the notes
EXPORT_FORMAT = "postapp-person-export"


class AmbiguousPersonError(PostAppError):
    """More than one person answers to what was typed; ``candidates`` lists (id, name, e-mail)."""

    def __init__(self, message: str, candidates: list[tuple[uuid.UUID, str, str]]) -> None:
        super().__init__(message)
        self.candidates = candidates


def held_person(session: Session, person_id: uuid.UUID) -> Person:
    """The person whose data the file still holds: a live one, or one deleted the ordinary way (a soft
    delete keeps every field, so it must still be exportable and erasable); not one already erased."""
    person = session.get(Person, person_id)
    if person is None or (person.is_deleted and person.name == ERASED_NAME and not person.email):
        raise NotFoundError(_("This person no longer exists."))
    return person


def find_person(session: Session, text: str) -> Person:
    """The person meant by ``text``: an id, an e-mail address or an exact name (ignoring case). Live
    persons first; when none matches, persons deleted the ordinary way, whose data is still held."""
    wanted = text.strip()
    if not wanted:
        raise NotFoundError(_("Name a person: their id, e-mail address or exact name."))
    try:
        person_id = uuid.UUID(wanted)
    except ValueError:
        person_id = None
    if person_id is not None:
        return held_person(session, person_id)
    column = Person.email if "@" in wanted else Person.name
    matches: list[Person] = []
    for which in (Person.deleted_at.is_(None), Person.deleted_at.is_not(None) & (Person.name != ERASED_NAME)):
        matches = list(session.scalars(select(Person).where(which, column.collate("NOCASE") == wanted)
                                       .order_by(Person.name, Person.id).limit(51)))
        if matches:
            break
    if not matches:
        raise NotFoundError(_("No person with the id, e-mail address or name '{text}'.").format(text=wanted[:80]))
    if len(matches) > 1:
        raise AmbiguousPersonError(
            _("{count} persons answer to '{text}'; name one by its id.").format(
                count=len(matches) if len(matches) <= 50 else "50+", text=wanted[:80]),
            [(p.id, p.name, p.email) for p in matches[:50]])
    return matches[0]


# --- retention review ---------------------------------------------------------------------------

def cutoff(years: int, today: dt.date | None = None) -> dt.date:
    """The day ``years`` years before ``today`` (29 February falls back to the 28th)."""
    if not 1 <= years <= MAX_RETENTION_YEARS:
        raise ValidationError({"years": _("Choose a number of years from 1 to {maximum}.").format(
            maximum=MAX_RETENTION_YEARS)})
    today = today or dt.date.today()
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


class ReviewRow(NamedTuple):
    id: uuid.UUID
    name: str
    organisation: str
    email: str
    last_touched: dt.date


def _linked_activity() -> Any:
    return (select(Activity.date).join(activity_person, activity_person.c.activity_id == Activity.id)
            .where(activity_person.c.person_id == Person.id, Activity.deleted_at.is_(None)))


def _linked_event() -> Any:
    return (select(Event.starts_at).join(EventParticipant, EventParticipant.event_id == Event.id)
            .where(EventParticipant.person_id == Person.id, EventParticipant.deleted_at.is_(None),
                   Event.deleted_at.is_(None)))


def _case_day() -> ColumnElement[dt.date]:
    return func.coalesce(SupportCase.closed_on, SupportCase.opened_on)


def _linked_case() -> Any:
    return (select(_case_day()).join(case_person, case_person.c.case_id == SupportCase.id)
            .where(case_person.c.person_id == Person.id, SupportCase.deleted_at.is_(None)))


def _last() -> ColumnElement[str]:
    """The latest date anything about the person happened, per person (correlated, index-driven).
    As text: dates and timestamps sort alike in SQLite's ISO form; every part is made non-NULL,
    since SQLite's ``max(a, NULL)`` is NULL."""
    parts = [func.coalesce(type_coerce(q, String), "") for q in (
        _linked_activity().with_only_columns(func.max(Activity.date)).scalar_subquery(),
        _linked_event().with_only_columns(func.max(Event.starts_at)).scalar_subquery(),
        _linked_case().with_only_columns(func.max(_case_day())).scalar_subquery())]
    return func.max(type_coerce(Person.updated_at, String), *parts)


def _due(years: int, today: dt.date | None) -> Any:
    """Live persons untouched since the cut-off, as "not among those touched since": the recent
    activities, events and cases are found through their date indexes, once, whatever the number of
    persons."""
    day = cutoff(years, today)
    moment = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    touched = union_all(
        select(activity_person.c.person_id).join(Activity, Activity.id == activity_person.c.activity_id)
        .where(Activity.date >= day, Activity.deleted_at.is_(None)),
        select(EventParticipant.person_id).join(Event, Event.id == EventParticipant.event_id)
        .where(Event.starts_at >= moment, Event.deleted_at.is_(None), EventParticipant.deleted_at.is_(None)),
        select(case_person.c.person_id).join(SupportCase, SupportCase.id == case_person.c.case_id)
        .where(_case_day() >= day, SupportCase.deleted_at.is_(None)))
    return select(Person.id).where(Person.deleted_at.is_(None), Person.updated_at < moment,
                                   Person.id.not_in(touched))


def due_persons(session: Session, years: int = DEFAULT_RETENTION_YEARS,
                today: dt.date | None = None) -> list[uuid.UUID]:
    """The ids of the persons untouched for ``years`` years, by name: one query for the whole list, so
    a window can page through it (``review_rows``) without asking again."""
    # Sorted here: SQLite would walk the name index and then fetch each row from all over the table.
    rows = list(session.execute(_due(years, today).add_columns(Person.name)))
    rows.sort(key=lambda r: (r[1].casefold(), r[0]))
    return [r[0] for r in rows]


def review_rows(session: Session, ids: list[uuid.UUID]) -> list[ReviewRow]:
    """Name, organisation, e-mail and last-touched date of the given persons, in the given order."""
    if not ids:
        return []
    last = _last()
    stmt = (select(Person.id, Person.name, Organisation.name, Person.email, last)
            .outerjoin(Organisation, Organisation.id == Person.organisation_id).where(Person.id.in_(ids)))
    rows = {r[0]: ReviewRow(r[0], r[1], r[2] or "", r[3], dt.date.fromisoformat(str(r[4])[:10]))
            for r in session.execute(stmt)}
    return [rows[i] for i in ids if i in rows]


def review(session: Session, years: int = DEFAULT_RETENTION_YEARS, today: dt.date | None = None,
           offset: int = 0, limit: int | None = None) -> list[ReviewRow]:
    """A page of the persons untouched for ``years`` years, by name, with the date last touched."""
    ids = due_persons(session, years, today)
    return review_rows(session, ids[offset:None if limit is None else offset + limit])


def count_due(session: Session, years: int = DEFAULT_RETENTION_YEARS, today: dt.date | None = None) -> int:
    return session.scalar(select(func.count()).select_from(_due(years, today).subquery())) or 0


def last_touched(session: Session, person_id: uuid.UUID) -> dt.date | None:
    value = session.scalar(select(_last()).where(Person.id == person_id))
    return dt.date.fromisoformat(str(value)[:10]) if value is not None else None


# --- mentions in free text ------------------------------------------------------------------------

@dataclass(frozen=True)
class Mention:
    kind: str  # "activity", "follow_up", "case"
    id: uuid.UUID
    title: str


def mentions(session: Session, name: str, email: str = "") -> list[Mention]:
    """Live records whose free text names the person (or their e-mail address): the export lists
    them, and an erasure reports them for staff to review."""
    needles = [n for n in (name.strip(), email.strip()) if len(n) >= MIN_MENTION]
    if not needles:
        return []

    def any_of(*columns: Any) -> ColumnElement[bool]:
        return or_(*[func.instr(func.lower(c), n.lower()) > 0 for c in columns for n in needles])

    found = [Mention("activity", r[0], r[1]) for r in session.execute(
        select(Activity.id, Activity.title).where(Activity.deleted_at.is_(None),
                                                  any_of(Activity.title, Activity.notes, Activity.outcome)))]
    found += [Mention("follow_up", r[0], r[1]) for r in session.execute(
        select(FollowUp.id, FollowUp.description).where(FollowUp.deleted_at.is_(None),
                                                        any_of(FollowUp.description, FollowUp.owner)))]
    found += [Mention("case", r[0], r[1]) for r in session.execute(
        select(SupportCase.id, SupportCase.title).where(
            SupportCase.deleted_at.is_(None), any_of(SupportCase.title, SupportCase.question, SupportCase.notes)))]
    return found


# --- export of one person -------------------------------------------------------------------------

def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_person(session: Session, person_id: uuid.UUID) -> dict[str, Any]:
    """Everything the post holds on one person, as plain JSON-ready data."""
    person = held_person(session, person_id)
    org = person.organisation
    activities = list(session.scalars(
        select(Activity).join(activity_person, activity_person.c.activity_id == Activity.id)
        .where(activity_person.c.person_id == person.id, Activity.deleted_at.is_(None))
        .order_by(Activity.date, Activity.id)))
    participations = session.execute(
        select(EventParticipant, Event, Activity).join(Event, Event.id == EventParticipant.event_id)
        .join(Activity, Activity.id == Event.activity_id)
        .where(EventParticipant.person_id == person.id, EventParticipant.deleted_at.is_(None),
               Event.deleted_at.is_(None)).order_by(Event.starts_at)).all()
    cases = list(session.scalars(
        select(SupportCase).join(case_person, case_person.c.case_id == SupportCase.id)
        .where(case_person.c.person_id == person.id, SupportCase.deleted_at.is_(None))
        .order_by(SupportCase.opened_on, SupportCase.id)))
    linked_follow_ups = {f.id for a in activities for f in a.follow_ups}
    mentioned = mentions(session, person.name, person.email)
    mentioned_follow_ups = [m.id for m in mentioned if m.kind == "follow_up" and m.id not in linked_follow_ups]
    return {
        "format": EXPORT_FORMAT,
        "version": 1,
        "exported_at": utcnow().isoformat(timespec="seconds"),
        "person": {
            "id": str(person.id), "name": person.name, "email": person.email, "phone": person.phone,
            "role": person.role, "gender": person.gender.value, "lawful_basis": person.lawful_basis.value,
            "consent_date": _iso(person.consent_date), "sensitive": person.sensitive, "notes": person.notes,
            "post": person.post_code, "created_at": _iso(person.created_at), "updated_at": _iso(person.updated_at),
        },
        "organisation": None if org is None else {
            "id": str(org.id), "name": org.name, "kind": org.kind.value, "sector": org.sector,
            "country": org.country},
        "tags": [t.name for t in person.tags],
        "activities": [{
            "id": str(a.id), "date": _iso(a.date), "core_task": a.core_task.value, "kind": a.kind.value,
            "title": a.title, "notes": a.notes, "outcome": a.outcome,
            "follow_ups": [{"description": f.description, "owner": f.owner, "due_date": _iso(f.due_date),
                            "done": f.done} for f in a.follow_ups]} for a in activities],
        "events": [{
            "id": str(event.id), "title": activity.title, "starts_at": _iso(event.starts_at),
            "location": event.location, "status": part.status.value} for part, event, activity in participations],
        "cases": [{
            "id": str(c.id), "title": c.title, "status": c.status.value, "referral": c.referral.value,
            "opened_on": _iso(c.opened_on), "closed_on": _iso(c.closed_on), "question": c.question,
            "notes": c.notes} for c in cases],
        "follow_ups_mentioning": [{
            "id": str(f.id), "activity_id": str(f.activity_id), "description": f.description, "owner": f.owner,
            "due_date": _iso(f.due_date)} for f in (session.get(FollowUp, i) for i in mentioned_follow_ups)
            if f is not None],
        "other_records_mentioning": [{"kind": m.kind, "id": str(m.id), "title": m.title} for m in mentioned
                                     if m.kind != "follow_up"
                                     and m.id not in {a.id for a in activities} | {c.id for c in cases}],
    }


def export_text(data: dict[str, Any]) -> str:
    """The export as plain text in the user's language, to hand to the person."""
    p = data["person"]
    lines = [_("Personal data held by the post on {name}").format(name=p["name"]),
             _("Exported on {date}").format(date=format_datetime(dt.datetime.fromisoformat(data["exported_at"]))), ""]
    fields = [(_("Name"), p["name"]), (_("E-mail"), p["email"]), (_("Phone"), p["phone"]), (_("Role"), p["role"]),
              (_("Organisation"), (data["organisation"] or {}).get("name", "")),
              (_("Gender"), _(Gender(p["gender"]).label)),
              (_("Lawful basis"), _(LawfulBasis(p["lawful_basis"]).label)),
              (_("Consent date"), format_date(dt.date.fromisoformat(p["consent_date"])) if p["consent_date"] else ""),
              (_("Tags"), ", ".join(data["tags"])), (_("Notes"), p["notes"])]
    lines += [f"{label}: {value}" for label, value in fields if value]
    sections = [
        (_("Activities"), [f"{a['date']}  {a['title']}" + (f"\n    {a['notes']}" if a["notes"] else "")
                           for a in data["activities"]]),
        (_("Events"), [f"{e['starts_at'][:10]}  {e['title']} ({e['status']})" for e in data["events"]]),
        (_("Support cases"), [f"{c['opened_on']}  {c['title']} ({c['status']})" for c in data["cases"]]),
        (_("Follow-ups that mention this person"), [f["description"] for f in data["follow_ups_mentioning"]]),
        (_("Other records that mention this person"), [m["title"] for m in data["other_records_mentioning"]]),
    ]
    for heading, items in sections:
        lines += ["", f"{heading} ({len(items)})"] + [f"  - {item}" for item in items]
    return "\n".join(lines) + "\n"


def write_export(data: dict[str, Any], path: Path) -> Path:
    """Writes the export: ``.txt`` as text, anything else as JSON. Atomically: a file already there
    stays whole if writing fails, and a half-written file never carries the name."""
    content = (export_text(data) if path.suffix.lower() == ".txt"
               else json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    write_atomically(path, content)  # owner-only permissions: a file of personal data
    return path


# --- erasure --------------------------------------------------------------------------------------

@dataclass
class ErasureResult:
    person_id: uuid.UUID
    links_removed: int
    entry_id: int
    mentions: list[Mention] = field(default_factory=list)  # free text elsewhere still naming them
    copies: int = 0  # persons merged into this one earlier, erased with it

    def summary(self) -> str:
        text = ngettext("The personal data was erased; {n} link to activities, events or cases was removed.",
                        "The personal data was erased; {n} links to activities, events or cases were removed.",
                        self.links_removed).format(n=self.links_removed)
        if self.copies:
            text += " " + ngettext("{n} earlier copy merged into this person was erased too.",
                                   "{n} earlier copies merged into this person were erased too.",
                                   self.copies).format(n=self.copies)
        if self.mentions:
            text += " " + ngettext("{n} other record still mentions the name in its text: review it.",
                                   "{n} other records still mention the name in their text: review them.",
                                   len(self.mentions)).format(n=len(self.mentions))
        return text


def _fold(text: str) -> str:
    return anyascii(text).casefold()


def _check_reason(person: Person, reason: str) -> str:
    check = Checker()
    text = check.text("reason", reason, _("Reason"), 500)
    folded = _fold(text)
    personal = [v for v in (person.name, person.email, person.phone) if len(v.strip()) >= 3]
    personal += [w for w in person.name.split() if len(w) >= MIN_MENTION]
    if any(_fold(v.strip()) in folded for v in personal):
        check.fail("reason", _("The reason is kept in the erasure log: leave out the person's name, e-mail "
                               "address and phone number."))
    check.done()
    return text


def merged_copies(session: Session, person_id: uuid.UUID) -> list[Person]:
    """Persons merged into this one earlier (and into those, and so on): soft-deleted, they still hold
    what was typed for them, so an erasure must reach them too."""
    from postapp.services.merge import merge_mark

    found: list[Person] = []
    seen, frontier = {person_id}, [person_id]
    while frontier:
        mark = merge_mark(frontier.pop())
        for copy in session.scalars(select(Person).where(Person.deleted_at.is_not(None),
                                                         func.instr(Person.notes, mark) > 0)):
            if copy.id not in seen:
                seen.add(copy.id)
                found.append(copy)
                frontier.append(copy.id)
    return found


def _blank(session: Session, person: Person) -> int:
    """Turns the person into a tombstone; returns the number of links removed."""
    from postapp.services.merge import person_links

    removed = 0
    for link in person_links():
        result = session.execute(delete(link.table).where(link.column == person.id))
        removed += int(result.rowcount or 0) if isinstance(result, CursorResult) else 0
    person.name, person.email, person.phone, person.role, person.notes = ERASED_NAME, "", "", "", ""
    person.organisation_id, person.sensitive = None, False
    person.gender, person.lawful_basis, person.consent_date = Gender.UNKNOWN, LawfulBasis.UNKNOWN, None
    person.deleted_at = person.deleted_at or utcnow()
    return removed


def erase_person(session: Session, person_id: uuid.UUID, reason: str = "", erased_by: str = "") -> ErasureResult:
    """Erases a person's personal data (see the module docstring), and that of the copies merged into
    them; one transaction, the caller's. One erasure log entry per record."""
    person = held_person(session, person_id)
    copies = merged_copies(session, person.id)
    clean_reason = _check_reason(person, reason)
    for copy in copies:  # a copy merged in may be spelled otherwise ("J. de Vries"): not in the log either
        _check_reason(copy, reason)
    found = mentions(session, person.name, person.email)
    # Deleted and overwritten content is zeroed, not left readable in free pages of the file.
    session.connection().exec_driver_sql("PRAGMA secure_delete = ON")
    now, who = utcnow(), erased_by.strip()[:200]
    entries = []
    for record in [person, *copies]:
        removed = _blank(session, record)
        entries.append(ErasureEntry(erased_at=now, record_kind="person", record_id=record.id, reason=clean_reason,
                                    erased_by=who, links_removed=removed))
    session.add_all(entries)
    session.flush()
    for record in [person, *copies]:
        session.expire(record)
    # FTS5 keeps deleted terms in its segments until they are merged: merge now.
    session.connection().exec_driver_sql("INSERT INTO contact_fts(contact_fts) VALUES ('optimize')")
    return ErasureResult(person_id, entries[0].links_removed, entries[0].id, found, len(copies))


def fold_log(store: Store) -> None:
    """After an erasure has been committed: the write-ahead log still holds the pages as they were before
    (with the name in them) until SQLite folds it into the data file; fold it now and empty it. Best
    effort: another connection reading at this moment only delays it to the next checkpoint."""
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def erasure_log(session: Session) -> list[ErasureEntry]:
    return list(session.scalars(select(ErasureEntry).order_by(ErasureEntry.erased_at.desc(), ErasureEntry.id.desc())))
