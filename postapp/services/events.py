"""Events the post organises (awareness sessions, roundtables, trainings): the event and its activity
saved together, the invitation list, statuses, attendance counts and the list the panels show.

Times are typed as the clock on the wall where the event takes place and stored in UTC; the event keeps
its IANA zone so it is shown, and exported to Outlook, at the local time wherever the laptop is.
Inviting a sensitive person is allowed (it stays on the laptop); exports leave them out unless a
person explicitly includes them (``postapp.services.event_ics``).
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
import zoneinfo
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import ColumnElement, case, func, or_, select
from sqlalchemy.orm import Session

from postapp.domain import (
    Activity,
    ActivityKind,
    CoreTask,
    Event,
    EventFormat,
    EventParticipant,
    Gender,
    Organisation,
    OrganisationKind,
    ParticipantStatus,
    Person,
    Tag,
)
from postapp.domain.base import utcnow
from postapp.domain.persons import person_tag
from postapp.errors import NotFoundError, PostAppError
from postapp.i18n import N_, _, format_number
from postapp.services.activities import FollowUpData, apply_follow_ups, check_follow_ups
from postapp.services.records import get_live
from postapp.services.validation import Checker

EVENT_TASKS = (CoreTask.AWARENESS, CoreTask.AGENDA)
# Who counts as registered for the capacity: those who said they come, and those who came.
REGISTERED = (ParticipantStatus.REGISTERED, ParticipantStatus.ATTENDED)
NO_ORGANISATION = N_("No organisation")
MAX_CAPACITY = 100_000


@dataclass
class ParticipantData:
    person_id: uuid.UUID
    status: str | ParticipantStatus = ParticipantStatus.INVITED


@dataclass
class EventData:
    """An event as the dialog holds it. ``starts``/``ends`` are wall-clock times in ``timezone`` (naive,
    or text like ``2026-11-24 09:30``); an aware datetime is taken as the moment it names.
    ``participants`` ``None`` leaves the stored list alone; a list replaces it (removed ones are
    soft-deleted so the removal can travel)."""

    title: str = ""
    core_task: str | CoreTask = CoreTask.AWARENESS
    format: str | EventFormat = EventFormat.AWARENESS_SESSION
    starts: str | dt.datetime | None = None
    ends: str | dt.datetime | None = None
    timezone: str = "UTC"
    location: str = ""
    capacity: str | int | None = None
    notes: str = ""
    evaluation: str = ""
    follow_ups: list[FollowUpData] = field(default_factory=list)
    participants: list[ParticipantData] | None = None


def zone(name: str) -> zoneinfo.ZoneInfo | None:
    """The IANA zone called ``name``, or None when this computer does not know it."""
    name = (name or "").strip()
    if not name or len(name) > 64 or name.startswith(("/", ".")) or ".." in name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None


def country_zones(country: str) -> list[str]:
    """The IANA zones of a country (ISO two letters), from the CLDR data Babel ships."""
    from babel.core import get_global

    zones = get_global("territory_zones")
    return sorted(str(z) for z in zones.get(country.strip().upper(), []))


def default_timezone(country: str, system_zone: str = "") -> str:
    """The zone a new event starts in: the post's country when it has one zone, else the laptop's."""
    zones = country_zones(country)
    if system_zone in zones or (not zones and zone(system_zone) is not None):
        return system_zone
    if zones:
        return zones[0] if len(zones) == 1 or zone(system_zone) is None else system_zone
    return "UTC"


def common_timezones(country: str = "") -> list[str]:
    """Zones for a picker: the country's own first, then zones where many Dutch posts are."""
    extra = ["UTC", "Europe/Amsterdam", "Europe/Brussels", "Africa/Accra", "Africa/Lagos", "Africa/Nairobi",
             "Asia/Bangkok", "Asia/Dhaka", "Asia/Ho_Chi_Minh", "Asia/Jakarta", "Asia/Kolkata", "Asia/Shanghai",
             "Asia/Tokyo", "America/Bogota", "America/Lima", "America/New_York", "America/Sao_Paulo",
             "Australia/Sydney"]
    return list(dict.fromkeys([*country_zones(country), *extra]))


def _moment(check: Checker, field_name: str, value: str | dt.datetime | None, label: str,
            tz: zoneinfo.ZoneInfo | None) -> dt.datetime | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        check.fail(field_name, _("{label} is required.").format(label=label))
        return None
    if isinstance(value, str):
        typed = value.strip()
        try:
            value = dt.datetime.fromisoformat(typed)
        except ValueError:
            check.fail(field_name, _("'{value}' is not a date and time. Use the form {example}.").format(
                value=typed[:40], example="2026-11-24 09:30"))
            return None
    if not 1900 <= value.year <= 2200:
        check.fail(field_name, _("{label}: the year must be between 1900 and 2200.").format(label=label))
        return None
    if tz is None:
        return None
    if value.tzinfo is not None:
        return value.astimezone(dt.UTC)
    local = value.replace(tzinfo=tz)
    moment = local.astimezone(dt.UTC)
    if moment.astimezone(tz).replace(tzinfo=None) != value:
        # A time skipped when the clocks go forward: storing it would silently move the event.
        check.fail(field_name, _("{time} does not exist in {zone}: the clocks move forward then. "
                                 "Choose another time.").format(time=value.strftime("%H:%M"), zone=tz.key))
        return None
    return moment


def _status(check: Checker, value: str | ParticipantStatus) -> ParticipantStatus:
    try:
        return ParticipantStatus(value)
    except ValueError:
        check.fail("participants", _("Choose the status of each participant."))
        return ParticipantStatus.INVITED


def _apply(session: Session, event: Event, activity: Activity, data: EventData, post_code: str) -> None:
    # Everything is checked before anything is assigned: a refused edit leaves the event as it was.
    check = Checker()
    try:
        task = CoreTask(data.core_task)
        if task not in EVENT_TASKS:
            raise ValueError(task)
    except ValueError:
        check.fail("core_task", _("Events belong to core task 2 (awareness) or 5 (agenda-setting)."))
        task = CoreTask.AWARENESS
    try:
        fmt = EventFormat(data.format)
    except ValueError:
        check.fail("format", _("Choose the kind of event."))
        fmt = EventFormat.OTHER
    title = check.required("title", data.title, _("Title"), 300)
    tz_name = (data.timezone or "").strip()
    tz = zone(tz_name)
    if tz is None:
        check.fail("timezone", _("'{zone}' is not a time zone this computer knows. Choose one from the list, "
                                 "for example Asia/Ho_Chi_Minh.").format(zone=tz_name[:64]))
    starts = _moment(check, "starts", data.starts, _("Start"), tz)
    ends = _moment(check, "ends", data.ends, _("End"), tz)
    if starts is not None and ends is not None and ends <= starts:
        check.fail("ends", _("The event must end after it starts."))
    location = check.text("location", data.location, _("Location"), 300)
    capacity = check.integer("capacity", data.capacity, _("Capacity"))
    if capacity is not None and capacity > MAX_CAPACITY:
        check.fail("capacity", _("{label} must be between {minimum} and {maximum}.").format(
            label=_("Capacity"), minimum=format_number(0), maximum=format_number(MAX_CAPACITY)))
    notes = check.notes("notes", data.notes, _("Notes"))
    evaluation = check.notes("evaluation", data.evaluation, _("Evaluation"))
    follow_ups = check_follow_ups(check, activity, data.follow_ups)
    wanted: dict[uuid.UUID, ParticipantStatus] = {}
    if data.participants is not None:
        for participant in data.participants:
            wanted[participant.person_id] = _status(check, participant.status)
        if wanted:
            live = set(session.scalars(select(Person.id).where(
                Person.id.in_(list(wanted)), Person.deleted_at.is_(None))))
            if len(live) != len(wanted):
                check.fail("participants", _("A person on the list was deleted in the meantime; "
                                             "remove them from the list and save again."))
    check.done()
    assert starts is not None and ends is not None and tz is not None
    activity.core_task = task
    activity.kind = ActivityKind.TRAINING if fmt == EventFormat.TRAINING else ActivityKind.EVENT
    activity.title, activity.notes = title, notes
    activity.date = starts.astimezone(tz).date()
    event.format, event.starts_at, event.ends_at, event.timezone = fmt, starts, ends, tz.key
    event.location, event.capacity, event.evaluation = location, capacity, evaluation
    apply_follow_ups(activity, follow_ups, post_code)
    if data.participants is not None:
        _set_participants(event, wanted, post_code, utcnow())


def _set_participants(event: Event, wanted: dict[uuid.UUID, ParticipantStatus], post_code: str,
                      now: dt.datetime) -> None:
    # Rows are revived and soft-deleted rather than added and removed: one row per event and person.
    existing = {p.person_id: p for p in event.participants}
    for person_id, status in wanted.items():
        row = existing.get(person_id)
        if row is None:
            event.participants.append(EventParticipant(person_id=person_id, status=status, post_code=post_code))
            continue
        if row.status != status or row.deleted_at is not None:
            row.status, row.deleted_at = status, None
    for person_id, row in existing.items():
        if person_id not in wanted and row.deleted_at is None:
            row.deleted_at = now


def create_event(session: Session, data: EventData, post_code: str = "") -> Event:
    activity = Activity(post_code=post_code, follow_ups=[])
    event = Event(post_code=post_code, activity=activity, participants=[])
    _apply(session, event, activity, data, post_code)
    session.add_all([activity, event])
    session.flush()
    return event


def get_event(session: Session, event_id: uuid.UUID) -> Event:
    event = get_live(session, Event, event_id, _("This event no longer exists."))
    if event.activity.is_deleted:
        raise NotFoundError(_("This event no longer exists."))
    return event


def update_event(session: Session, event_id: uuid.UUID, data: EventData) -> Event:
    event = get_event(session, event_id)
    _apply(session, event, event.activity, data, event.post_code)
    session.flush()
    session.expire(event.activity, ["follow_ups"])
    return event


def delete_event(session: Session, event_id: uuid.UUID) -> None:
    """Soft-deletes the event with its activity: both leave lists, counts and search together."""
    event = get_event(session, event_id)
    now = utcnow()
    event.deleted_at = event.activity.deleted_at = now
    session.flush()


def local_start(event: Event) -> dt.datetime:
    """The start as the clock shows it where the event is (aware, in the event's zone)."""
    return event.starts_at.astimezone(zone(event.timezone) or dt.UTC)


def local_end(event: Event) -> dt.datetime:
    return event.ends_at.astimezone(zone(event.timezone) or dt.UTC)


def event_data(event: Event) -> EventData:
    """The editable view of a stored event, times as wall-clock times in its zone, to fill a form."""
    activity = event.activity
    return EventData(
        title=activity.title, core_task=activity.core_task, format=event.format,
        starts=local_start(event).replace(tzinfo=None), ends=local_end(event).replace(tzinfo=None),
        timezone=event.timezone, location=event.location, capacity=event.capacity, notes=activity.notes,
        evaluation=event.evaluation,
        follow_ups=[FollowUpData(description=f.description, owner=f.owner, due_date=f.due_date, done=f.done,
                                 id=f.id) for f in activity.follow_ups],
        participants=[ParticipantData(p.person_id, p.status) for p in live_participants(event)],
    )


def live_participants(event: Event) -> list[EventParticipant]:
    return [p for p in event.participants if p.deleted_at is None and not p.person.is_deleted]


# --- the invitation list -------------------------------------------------------------------------


class PersonBrief(NamedTuple):
    """What the participant list shows and counts of one person."""

    id: uuid.UUID
    name: str
    organisation: str
    organisation_kind: OrganisationKind | None
    gender: Gender
    email: str
    sensitive: bool


def _briefs(session: Session, *where: ColumnElement[bool]) -> list[PersonBrief]:
    stmt = (
        select(Person.id, Person.name, Organisation.name, Organisation.kind, Organisation.deleted_at, Person.gender,
               Person.email, Person.sensitive)
        .outerjoin(Organisation, Person.organisation_id == Organisation.id)
        .where(Person.deleted_at.is_(None), *where)
        .order_by(Person.name.collate("NOCASE"), Person.id)
    )
    return [PersonBrief(r[0], r[1], r[2] if r[4] is None and r[2] else "", r[3] if r[4] is None else None,
                        Gender(r[5] or ""), r[6], bool(r[7])) for r in session.execute(stmt)]


def person_briefs(session: Session, person_ids: Iterable[uuid.UUID]) -> list[PersonBrief]:
    ids = list(dict.fromkeys(person_ids))
    found: dict[uuid.UUID, PersonBrief] = {}
    for start in range(0, len(ids), 500):  # SQLite's limit on bound parameters
        found.update((b.id, b) for b in _briefs(session, Person.id.in_(ids[start:start + 500])))
    return [found[i] for i in ids if i in found]


def tag_names(session: Session) -> list[str]:
    """Tags that at least one live person carries, for the "invite by tag" list."""
    stmt = (select(Tag.name).join(person_tag, person_tag.c.tag_id == Tag.id)
            .join(Person, Person.id == person_tag.c.person_id)
            .where(Person.deleted_at.is_(None), Tag.deleted_at.is_(None))
            .group_by(Tag.name).order_by(Tag.name.collate("NOCASE")))
    return list(session.scalars(stmt))


def persons_with_tag(session: Session, tag: str) -> list[PersonBrief]:
    tagged = select(person_tag.c.person_id).join(Tag, Tag.id == person_tag.c.tag_id).where(Tag.name == tag.strip())
    return _briefs(session, Person.id.in_(tagged))


def search_persons(session: Session, query: str, limit: int = 50) -> list[PersonBrief]:
    """Contacts matching what was typed (name, e-mail, organisation, tags), best sorted by name."""
    from postapp.services.search import person_rows

    if not query.strip():
        return []
    return person_briefs(session, [r.id for r in person_rows(session, query, 0, limit)])


class InviteResult(NamedTuple):
    added: int
    skipped: int  # already on the list


def invite(session: Session, event_id: uuid.UUID, person_ids: Iterable[uuid.UUID]) -> InviteResult:
    """Adds live persons as invited; those already on the list keep their status."""
    event = get_event(session, event_id)
    on_list = {p.person_id: p for p in event.participants}
    added = skipped = 0
    for brief in person_briefs(session, person_ids):
        row = on_list.get(brief.id)
        if row is not None and row.deleted_at is None:
            skipped += 1
            continue
        if row is not None:
            row.status, row.deleted_at = ParticipantStatus.INVITED, None
        else:
            row = EventParticipant(person_id=brief.id, status=ParticipantStatus.INVITED, post_code=event.post_code)
            event.participants.append(row)
            on_list[brief.id] = row
        added += 1
    session.flush()
    return InviteResult(added, skipped)


def invite_by_search(session: Session, event_id: uuid.UUID, query: str, limit: int = 200) -> InviteResult:
    return invite(session, event_id, [b.id for b in search_persons(session, query, limit)])


def invite_by_tag(session: Session, event_id: uuid.UUID, tag: str) -> InviteResult:
    return invite(session, event_id, [b.id for b in persons_with_tag(session, tag)])


def _participant(session: Session, event_id: uuid.UUID, person_id: uuid.UUID) -> EventParticipant:
    row = session.scalar(select(EventParticipant).where(
        EventParticipant.event_id == event_id, EventParticipant.person_id == person_id,
        EventParticipant.deleted_at.is_(None)))
    if row is None:
        raise NotFoundError(_("This person is not on the event's list."))
    return row


def set_status(session: Session, event_id: uuid.UUID, person_id: uuid.UUID,
               status: str | ParticipantStatus) -> EventParticipant:
    get_event(session, event_id)
    check = Checker()
    new = _status(check, status)
    check.done()
    row = _participant(session, event_id, person_id)
    row.status = new
    session.flush()
    return row


def remove_participant(session: Session, event_id: uuid.UUID, person_id: uuid.UUID) -> None:
    get_event(session, event_id)
    _participant(session, event_id, person_id).deleted_at = utcnow()
    session.flush()


def capacity_warning(capacity: int | None, statuses: Iterable[ParticipantStatus]) -> str | None:
    """A translated warning when more people registered than the room holds; None when all fit."""
    registered = sum(s in REGISTERED for s in statuses)
    if capacity is None or registered <= capacity:
        return None
    return _("{registered} registered for {capacity} places: {over} more than the capacity.").format(
        registered=format_number(registered), capacity=format_number(capacity),
        over=format_number(registered - capacity))


# --- attendance ----------------------------------------------------------------------------------


@dataclass
class AttendanceSummary:
    """Attended participants by type of organisation and by gender (labels translated, in a fixed order,
    only those with someone), and everyone on the list by status."""

    by_organisation_kind: list[tuple[str, int]]
    by_gender: list[tuple[str, int]]
    by_status: dict[ParticipantStatus, int]

    @property
    def attended(self) -> int:
        return self.by_status.get(ParticipantStatus.ATTENDED, 0)

    @property
    def registered(self) -> int:
        return sum(self.by_status.get(s, 0) for s in REGISTERED)


def summarise(participants: Iterable[tuple[ParticipantStatus, OrganisationKind | None, Gender]]) -> AttendanceSummary:
    """Counts for a list held in memory (the dialog's, before it is saved) or read from the store."""
    statuses: Counter[ParticipantStatus] = Counter()
    kinds: Counter[OrganisationKind | None] = Counter()
    genders: Counter[Gender] = Counter()
    for status, kind, gender in participants:
        statuses[status] += 1
        if status == ParticipantStatus.ATTENDED:
            kinds[kind] += 1
            genders[gender] += 1
    by_kind = [(_(k.label), kinds[k]) for k in OrganisationKind if kinds[k]]
    if kinds[None]:
        by_kind.append((_(NO_ORGANISATION), kinds[None]))
    by_gender = [(_(g.label), genders[g]) for g in (Gender.FEMALE, Gender.MALE, Gender.OTHER, Gender.UNKNOWN)
                 if genders[g]]
    return AttendanceSummary(by_kind, by_gender, {s: statuses[s] for s in ParticipantStatus})


def attendance(session: Session, event_id: uuid.UUID) -> AttendanceSummary:
    event = get_event(session, event_id)
    briefs = {b.id: b for b in person_briefs(session, [p.person_id for p in live_participants(event)])}
    return summarise((p.status, briefs[p.person_id].organisation_kind, briefs[p.person_id].gender)
                     for p in live_participants(event) if p.person_id in briefs)


# --- lists and look-up ---------------------------------------------------------------------------


class EventRow(NamedTuple):
    id: uuid.UUID  # the event's
    activity_id: uuid.UUID
    title: str
    format: EventFormat
    starts_at: dt.datetime
    ends_at: dt.datetime
    timezone: str
    location: str
    capacity: int | None
    registered: int
    attended: int
    invited: int  # everyone on the list, whatever their status

    @property
    def local_start(self) -> dt.datetime:
        return self.starts_at.astimezone(zone(self.timezone) or dt.UTC)


def event_rows(session: Session, task: CoreTask | None = None, offset: int = 0, limit: int = 200,
               now: dt.datetime | None = None) -> list[EventRow]:
    """Upcoming events first, soonest first; then past ones, most recent first: one paged order.

    The page of events is read first and participants are counted for those events only (through the
    index on ``event_id``), so counting costs the same with 20 events or 20,000.
    """
    now = now or utcnow()
    past = case((Event.ends_at < now, 1), else_=0)
    coming_start = case((Event.ends_at >= now, Event.starts_at))
    page = (
        select(Event.id, Activity.id, Activity.title, Event.format, Event.starts_at, Event.ends_at, Event.timezone,
               Event.location, Event.capacity)
        # The events drive the query and each activity is found by its key: without statistics SQLite
        # would otherwise walk all activities (ten times more rows) looking for their event.
        .join(Activity, Activity.id == func.coalesce(Event.activity_id, Event.activity_id))
        .where(Event.deleted_at.is_(None), Activity.deleted_at.is_(None))
        .order_by(past, coming_start.asc(), Event.starts_at.desc(), Event.id)
        .offset(offset)
        .limit(limit)
    )
    if task is not None:
        # Compared as text, for the same reason: not through the core-task index of all activities.
        page = page.where(Activity.core_task.concat("") == task.value)
    found = session.execute(page).all()
    # Counted in one pass over the participants of this page's events (each person row read once).
    counts: dict[uuid.UUID, tuple[int, int, int]] = {}
    ids = [r[0] for r in found]
    if ids:
        stmt = (
            select(EventParticipant.event_id, func.count(),
                   func.sum(case((EventParticipant.status.in_(REGISTERED), 1), else_=0)),
                   func.sum(case((EventParticipant.status == ParticipantStatus.ATTENDED, 1), else_=0)))
            .join(Person, Person.id == EventParticipant.person_id)
            .where(EventParticipant.event_id.in_(ids), EventParticipant.deleted_at.is_(None),
                   Person.deleted_at.is_(None))
            .group_by(EventParticipant.event_id)
        )
        counts = {r[0]: (int(r[1]), int(r[2] or 0), int(r[3] or 0)) for r in session.execute(stmt)}
    rows = []
    for r in found:
        listed, registered, attended = counts.get(r[0], (0, 0, 0))
        rows.append(EventRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], registered, attended, listed))
    return rows


def find_event(session: Session, reference: str) -> Event:
    """The event with this id, or whose activity has it, or the one whose title matches (exactly, ignoring
    case, else as part of the title). More than one match is refused with the candidates' ids."""
    text = reference.strip()
    try:
        ref_id = uuid.UUID(text)
    except ValueError:
        ref_id = None
    if ref_id is not None:
        event = session.scalar(select(Event).where(or_(Event.id == ref_id, Event.activity_id == ref_id)))
        if event is None or event.is_deleted or event.activity.is_deleted:
            raise NotFoundError(_("There is no event {reference} in this data file.").format(reference=text))
        return event
    if not text:
        raise PostAppError(_("Give the id or the title of an event (postapp events list shows them)."))
    live = (select(Event).join(Activity, Activity.id == Event.activity_id)
            .where(Event.deleted_at.is_(None), Activity.deleted_at.is_(None))
            .order_by(Event.starts_at.desc()).limit(11))
    matches: Sequence[Event] = session.scalars(live.where(func.lower(Activity.title) == text.lower())).all()
    if not matches:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        matches = session.scalars(live.where(Activity.title.ilike(pattern, escape="\\"))).all()
    if not matches:
        raise NotFoundError(_("There is no event {reference} in this data file.").format(reference=text))
    if len(matches) > 1:
        listed = "; ".join(f"{e.id} {local_start(e).date().isoformat()} {e.activity.title}" for e in matches[:10])
        raise PostAppError(_("{count} events match {reference}; give the id of one: {events}").format(
            count=format_number(len(matches)) if len(matches) <= 10 else "10+", reference=text, events=listed))
    return matches[0]


# --- demo data -----------------------------------------------------------------------------------

_DEMO = [
    (EventFormat.AWARENESS_SESSION, CoreTask.AWARENESS, "IMVO-sessie voor Nederlandse bedrijven: due diligence in "
     "de textielketen", "Residence of the Ambassador, Hanoi", -40, 40),
    (EventFormat.ROUNDTABLE, CoreTask.AGENDA, "Roundtable living wage in the garment sector with MOLISA",
     "Embassy, Hanoi", -12, 20),
    (EventFormat.TRAINING, CoreTask.AWARENESS, "Training gender-responsive due diligence for suppliers",
     "Dutch Business Association, Ho Chi Minh City", -75, 25),
    (EventFormat.AWARENESS_SESSION, CoreTask.AWARENESS, "Awareness session: EU deforestation regulation for "
     "coffee and wood exporters", "Hotel du Parc, Hanoi", 16, 60),
    (EventFormat.ROUNDTABLE, CoreTask.AGENDA, "Roundtable freedom of association with the ILO and business",
     "Embassy, Hanoi", 38, 18),
]


def add_demo_events(session: Session, rng: random.Random, today: dt.date, post_code: str) -> int:
    """A handful of events from the persons already stored: past ones with attendance, an evaluation and
    follow-ups, coming ones with invitations and registrations. Returns how many were made."""
    persons = list(session.scalars(select(Person.id).where(Person.deleted_at.is_(None)).order_by(Person.id)
                                   .limit(2000)))
    made = 0
    for fmt, task, title, location, offset, size in _DEMO:
        day = today + dt.timedelta(days=offset)
        start = dt.datetime.combine(day, dt.time(rng.choice((9, 10, 14)), 0))
        chosen = rng.sample(persons, min(size, len(persons)))
        past = offset < 0
        participants = []
        for person_id in chosen:
            roll = rng.random()
            if past:
                status = (ParticipantStatus.ATTENDED if roll < 0.65 else ParticipantStatus.NO_SHOW if roll < 0.75
                          else ParticipantStatus.DECLINED)
            else:
                status = (ParticipantStatus.REGISTERED if roll < 0.45 else ParticipantStatus.DECLINED if roll < 0.55
                          else ParticipantStatus.INVITED)
            participants.append(ParticipantData(person_id, status))
        follow_ups = [FollowUpData(description="Send the presentation and the IMVO factsheet to all participants",
                                   owner="Economic section", due_date=day + dt.timedelta(days=7), done=past),
                      FollowUpData(description="Report the outcome to the IMVO team in The Hague",
                                   owner="Policy officer", due_date=day + dt.timedelta(days=21),
                                   done=past and offset < -30)]
        create_event(session, EventData(
            title=title, core_task=task, format=fmt, starts=start,
            ends=start + dt.timedelta(hours=rng.choice((2, 3, 4))), timezone="Asia/Ho_Chi_Minh",
            location=location, capacity=size - 5 if not past else size, notes="Programme: welcome, keynote on "
            "the OECD due diligence steps, company cases, discussion on risks for women workers, drinks.",
            evaluation=("Good turnout; companies asked for a follow-up session on remediation." if past else ""),
            follow_ups=follow_ups, participants=participants), post_code)
        made += 1
    return made
