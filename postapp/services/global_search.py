"""One search over every kind of record (Ctrl+F), results grouped by kind, best matches first.

Persons and organisations go through the contact FTS index (``services.search``). The other kinds
are matched word by word with ``LIKE`` (every word somewhere in the record's text fields), which
over the 50,000 activities of the benchmark store takes about 25 ms: fast enough per keystroke, so
no second index is kept up to date on every write.

Case and accents: the small tables (events, support cases, the agenda log, knowledge notes) are
compared through ``fold`` (registered on the connection), so "demarche" finds "Démarche" and
"dang" finds "Đặng". The activities table is too large for a Python function per row (it would
cost 80 ms and more), so there ``LIKE`` does the work: any case for unaccented letters, accented
letters as typed. Persons and organisations are folded by their index.

Any input is safe: the query is cut to ``MAX_QUERY`` characters and ``MAX_TERMS`` words of at most
``MAX_TERM_LEN`` characters, and ``%``, ``_`` and ``\\`` are escaped in the patterns.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
import unicodedata
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from postapp.domain import Activity, AgendaEntry, CoreTask, Event, KnowledgeNote, OrganisationKind, SupportCase
from postapp.i18n import N_, _
from postapp.services import search

PER_GROUP = 20
MAX_PER_GROUP = 1000
MAX_QUERY = 1000
MAX_TERMS = search.MAX_TERMS
MAX_TERM_LEN = search.MAX_TERM_LEN
FOLD_FUNCTION = "postapp_fold"
_WORD = re.compile(r"\w+", re.UNICODE)
_LETTERS = str.maketrans({"đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss"})


class HitKind(enum.StrEnum):
    """In the order the groups are shown."""

    PERSON = "person"
    ORGANISATION = "organisation"
    ACTIVITY = "activity"
    EVENT = "event"
    CASE = "case"
    AGENDA = "agenda"
    NOTE = "note"

    @property
    def label(self) -> str:
        """The group's heading, untranslated; show it through ``_()``."""
        return {HitKind.PERSON: N_("Persons"), HitKind.ORGANISATION: N_("Organisations"),
                HitKind.ACTIVITY: N_("Activities"), HitKind.EVENT: N_("Events"),
                HitKind.CASE: N_("Support cases"), HitKind.AGENDA: N_("Agenda log"),
                HitKind.NOTE: N_("Knowledge notes")}[self]


@dataclass(frozen=True)
class Hit:
    """A found record; ``task`` is the core task whose workspace shows it (None: Contacts)."""

    kind: HitKind
    record_id: uuid.UUID
    title: str
    detail: str
    task: CoreTask | None
    date: dt.date | None = None


@dataclass(frozen=True)
class HitGroup:
    kind: HitKind
    hits: list[Hit]
    total: int

    @property
    def more(self) -> bool:
        return self.total > len(self.hits)


def fold(text: str | None) -> str:
    """Lower case without accents: "Đặng Thị Hà" -> "dang thi ha". Registered as ``postapp_fold``."""
    if not text:
        return ""
    if text.isascii():
        return text.lower()
    # Titles and names are cached (SQLite calls this per row at every keystroke); long texts (notes,
    # bodies of up to 100,000 characters) are not, so the cache stays small.
    return _fold_cached(text) if len(text) <= CACHED_LENGTH else _fold_unicode(text)


CACHED_LENGTH = 300


@functools.lru_cache(maxsize=4096)
def _fold_cached(text: str) -> str:
    return _fold_unicode(text)


def _fold_unicode(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def terms(query: str) -> list[str]:
    """The words searched for, bounded: at most ``MAX_TERMS`` of ``MAX_TERM_LEN`` characters."""
    bounded = unicodedata.normalize("NFC", query[:MAX_QUERY])
    return [t[:MAX_TERM_LEN] for t in _WORD.findall(bounded)][:MAX_TERMS]


def _escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _register_fold(session: Session) -> None:
    """Makes ``postapp_fold`` known to this session's connection (cheap; the same function each time)."""
    raw = session.connection().connection.driver_connection
    raw.create_function(FOLD_FUNCTION, 1, fold, deterministic=True)  # type: ignore[union-attr]


Text = Callable[[Any], ColumnElement[Any]]


def _plain(column: Any) -> ColumnElement[Any]:
    return column  # type: ignore[no-any-return]


def _folded(column: Any) -> ColumnElement[Any]:
    return getattr(func, FOLD_FUNCTION)(column)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class _Match:
    """Where each word must be found, and the rank: 0 title starts with the first word, 1 title has
    every word, 2 the words are spread over the other fields."""

    where: ColumnElement[bool]
    rank: ColumnElement[int]


def _match(words: list[str], title: Any, others: Sequence[Any], text: Text) -> _Match:
    folded_words = words if text is _plain else [fold(w) for w in words]
    contains = [f"%{_escape(w)}%" for w in folded_words]
    title_text = text(title)
    fields = [title_text, *(text(c) for c in others)]
    where = and_(*(or_(*(f.like(p, escape="\\") for f in fields)) for p in contains))
    in_title = and_(*(title_text.like(p, escape="\\") for p in contains))
    starts = title_text.like(f"{_escape(folded_words[0])}%", escape="\\")
    rank = case((starts, 0), (in_title, 1), else_=2)
    return _Match(where, rank)


def _group(session: Session, kind: HitKind, stmt: Any, match: _Match, order: Sequence[Any], limit: int,
           make: Callable[[Any], Hit]) -> HitGroup:
    """One query: the first ``limit`` rows by rank, with the number of all matches (a window count)."""
    rows = session.connection().execute(  # Core: the ORM adds nothing to rows of plain columns
        stmt.add_columns(func.count().over().label("total"), match.rank.label("rank"))
        .where(match.where)
        .order_by(match.rank, *order)
        .limit(limit)
    ).all()
    return HitGroup(kind, [make(r) for r in rows], rows[0].total if rows else 0)


def _activities(session: Session, words: list[str], limit: int) -> HitGroup:
    # An event is found as an event (with its place), not a second time as an activity.
    is_event = exists().where(Event.activity_id == Activity.id, Event.deleted_at.is_(None))
    stmt = select(Activity.id, Activity.title, Activity.core_task, Activity.kind, Activity.date).where(
        Activity.deleted_at.is_(None), ~is_event)
    match = _match(words, Activity.title, [Activity.notes], _plain)
    return _group(session, HitKind.ACTIVITY, stmt, match, [Activity.date.desc(), Activity.id], limit,
                  lambda r: Hit(HitKind.ACTIVITY, r.id, r.title, _(r.kind.label), r.core_task, r.date))


def _events(session: Session, words: list[str], limit: int) -> HitGroup:
    # The events drive the join (SQLite starts from the first table when both sides are unique
    # keys): each event's activity is looked up by its key, so ``fold`` runs once per event and
    # never over the whole activities table (``bench/dashboard.py`` would show it: 80 ms more).
    stmt = (
        select(Event.id, Activity.title, Activity.core_task, Event.location, Event.starts_at)
        .select_from(Event)
        .join(Activity, Activity.id == Event.activity_id)
        .where(Event.deleted_at.is_(None), Activity.deleted_at.is_(None))
    )
    match = _match(words, Activity.title, [Activity.notes, Event.location], _folded)
    return _group(session, HitKind.EVENT, stmt, match, [Event.starts_at.desc(), Event.id], limit,
                  lambda r: Hit(HitKind.EVENT, r.id, r.title, r.location, r.core_task, r.starts_at.date()))


def _cases(session: Session, words: list[str], limit: int) -> HitGroup:
    stmt = select(SupportCase.id, SupportCase.title, SupportCase.status, SupportCase.opened_on).where(
        SupportCase.deleted_at.is_(None))
    match = _match(words, SupportCase.title, [SupportCase.question], _folded)
    return _group(session, HitKind.CASE, stmt, match, [SupportCase.opened_on.desc(), SupportCase.id], limit,
                  lambda r: Hit(HitKind.CASE, r.id, r.title, _(r.status.label), CoreTask.SUPPORT, r.opened_on))


def _agenda(session: Session, words: list[str], limit: int) -> HitGroup:
    stmt = select(AgendaEntry.id, AgendaEntry.topic, AgendaEntry.topic_detail, AgendaEntry.counterpart,
                  AgendaEntry.date).where(AgendaEntry.deleted_at.is_(None))
    match = _match(words, AgendaEntry.topic_detail,
                   [AgendaEntry.position, AgendaEntry.outcome, AgendaEntry.next_step], _folded)
    return _group(session, HitKind.AGENDA, stmt, match, [AgendaEntry.date.desc(), AgendaEntry.id], limit,
                  lambda r: Hit(HitKind.AGENDA, r.id, r.topic_detail or _(r.topic.label), _(r.counterpart.label),
                                CoreTask.AGENDA, r.date))


def _notes(session: Session, words: list[str], limit: int) -> HitGroup:
    stmt = select(KnowledgeNote.id, KnowledgeNote.title, KnowledgeNote.sector, KnowledgeNote.theme,
                  KnowledgeNote.review_on).where(KnowledgeNote.deleted_at.is_(None))
    match = _match(words, KnowledgeNote.title, [KnowledgeNote.body], _folded)
    return _group(session, HitKind.NOTE, stmt, match, [KnowledgeNote.title, KnowledgeNote.id], limit,
                  lambda r: Hit(HitKind.NOTE, r.id, r.title, " · ".join(p for p in (r.sector, r.theme) if p),
                                CoreTask.EXPERTISE, r.review_on))


def _org_kind(value: str) -> str:
    try:
        return _(OrganisationKind(value).label)
    except ValueError:
        return value


def _contacts(session: Session, query: str, person_limit: int, organisation_limit: int) -> list[HitGroup]:
    """Through the contact index; counted only when a page is full (counting thousands of "nguyen"
    costs more than finding the first twenty)."""
    persons = search.person_rows(session, query, 0, person_limit)
    organisations = search.organisation_rows(session, query, 0, organisation_limit)
    person_hits = [Hit(HitKind.PERSON, p.id, p.name, " · ".join(x for x in (p.organisation, p.email) if x), None)
                   for p in persons]
    organisation_hits = [Hit(HitKind.ORGANISATION, o.id, o.name, _org_kind(o.kind), None) for o in organisations]
    return [
        HitGroup(HitKind.PERSON, person_hits, search.count_persons(session, query)
                 if len(persons) >= person_limit else len(persons)),
        HitGroup(HitKind.ORGANISATION, organisation_hits, search.count_organisations(session, query)
                 if len(organisations) >= organisation_limit else len(organisations)),
    ]


def search_everything(session: Session, query: str, per_group: int = PER_GROUP,
                      limits: Mapping[HitKind, int] | None = None) -> list[HitGroup]:
    """The groups with at least one hit, in ``HitKind`` order; each holds its first ``per_group``
    hits (``limits`` gives other numbers for some kinds: "more…"), best first, and the number of all."""
    words = terms(query)
    if not words:
        return []
    limits = limits or {}

    def limit(kind: HitKind) -> int:
        return max(1, min(limits.get(kind, per_group), MAX_PER_GROUP))

    text = " ".join(words)  # what reaches the contact index: words only, as typed
    _register_fold(session)
    groups = _contacts(session, text, limit(HitKind.PERSON), limit(HitKind.ORGANISATION))
    readers = ((HitKind.ACTIVITY, _activities), (HitKind.EVENT, _events), (HitKind.CASE, _cases),
               (HitKind.AGENDA, _agenda), (HitKind.NOTE, _notes))
    for kind, read in readers:
        groups.append(read(session, words, limit(kind)))
    return [g for g in groups if g.total]

