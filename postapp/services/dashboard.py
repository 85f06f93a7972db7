"""The home dashboard: what is overdue, what is due this week, and the recent work per core task.

Every list is read with a bounded query on an indexed date column (``LIMIT``), so the dashboard
costs the same on a post with ten years of records as on a new one. Counts are bounded too
(``COUNT_CAP``): "100+ overdue" says as much to a person as the exact figure and never means
visiting every old follow-up (a thousand of them cost 20 ms on the benchmark store).

The records are read from the models directly, not through their services, so the dashboard
depends only on the schema.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, String, func, literal_column, select
from sqlalchemy.orm import Session

from postapp.domain import (
    Activity,
    ActivityKind,
    AgendaEntry,
    CaseStatus,
    CoreTask,
    Event,
    FollowUp,
    KnowledgeNote,
    SupportCase,
)
from postapp.i18n import N_, _

WEEK_DAYS = 7  # today and the six days after it
RECENT_DAYS = 30
ITEM_LIMIT = 50  # per section, all kinds together
RECENT_LIMIT = 5  # activities per core task
COUNT_CAP = 100
_unindexed_task = literal_column("+activity.core_task", String)


class DueKind(enum.StrEnum):
    FOLLOW_UP = "follow_up"
    CASE = "case"
    NEXT_STEP = "next_step"
    NOTE_REVIEW = "note_review"
    EVENT = "event"

    @property
    def label(self) -> str:
        """Untranslated; show it through ``_()``."""
        return {DueKind.FOLLOW_UP: N_("Follow-up"), DueKind.CASE: N_("Support case"),
                DueKind.NEXT_STEP: N_("Agenda next step"), DueKind.NOTE_REVIEW: N_("Note review"),
                DueKind.EVENT: N_("Event")}[self]


@dataclass(frozen=True)
class DueItem:
    """One thing to do. ``record_id`` is the record itself; ``open_id`` the one its workspace lists
    (a follow-up is shown with its activity)."""

    kind: DueKind
    title: str
    due: dt.date
    record_id: uuid.UUID
    task: CoreTask
    detail: str = ""
    activity_id: uuid.UUID | None = None

    @property
    def open_id(self) -> uuid.UUID:
        if self.kind is DueKind.FOLLOW_UP and self.activity_id is not None:
            return self.activity_id
        return self.record_id


@dataclass(frozen=True)
class DueList:
    """The first ``ITEM_LIMIT`` items, and how many there are (at most ``COUNT_CAP``, see ``capped``)."""

    items: list[DueItem]
    total: int

    @property
    def capped(self) -> bool:
        return self.total >= COUNT_CAP


@dataclass(frozen=True)
class RecentActivity:
    id: uuid.UUID
    date: dt.date
    kind: ActivityKind
    title: str


@dataclass(frozen=True)
class RecentWork:
    task: CoreTask
    activities: list[RecentActivity]
    last_30_days: int


@dataclass(frozen=True)
class Dashboard:
    today: dt.date
    overdue: DueList
    this_week: DueList
    recent: list[RecentWork]


@dataclass(frozen=True)
class _Window:
    """A range of due dates: ``start`` (inclusive, None = open) to ``end`` (exclusive); ``newest_first``
    orders overdue items from the most recently missed, so a long-forgotten backlog does not hide
    what was missed yesterday."""

    start: dt.date | None
    end: dt.date
    newest_first: bool

    def where(self, column: Any) -> list[Any]:
        conditions = [column.is_not(None), column < self.end]
        if self.start is not None:
            conditions.append(column >= self.start)
        return conditions

    def order(self, column: Any) -> Any:
        return column.desc() if self.newest_first else column.asc()


def _day(value: dt.date | None) -> dt.date:
    assert value is not None  # the queries keep only rows with a date
    return value


def _count(conn: Connection, stmt: Select[*tuple[Any, ...]], found: int, limit: int) -> int:
    """How many rows ``stmt`` gives, counted up to ``COUNT_CAP``; no query when the ``found`` rows of
    a page of ``limit`` were all there is (the usual case at a post that keeps up)."""
    if found < limit:
        return found
    ones: Select[Any] = stmt.with_only_columns(literal_column("1"), maintain_column_froms=True)
    limited = ones.limit(COUNT_CAP).subquery()
    return conn.scalar(select(func.count()).select_from(limited)) or 0


def _follow_ups(conn: Connection, window: _Window, limit: int) -> tuple[list[DueItem], int]:
    stmt = (
        select(FollowUp.id, FollowUp.description, FollowUp.due_date, FollowUp.owner, Activity.id,
               Activity.core_task, Activity.title)
        .join(Activity, Activity.id == FollowUp.activity_id)
        .where(FollowUp.deleted_at.is_(None), Activity.deleted_at.is_(None), FollowUp.done.is_(False),
               *window.where(FollowUp.due_date))
    )
    rows = conn.execute(stmt.order_by(window.order(FollowUp.due_date), FollowUp.id).limit(limit))
    items = [DueItem(DueKind.FOLLOW_UP, description, _day(due), fid, task, _join(owner, title), activity_id)
             for fid, description, due, owner, activity_id, task, title in rows]
    return items, _count(conn, stmt, len(items), limit)


def _cases(conn: Connection, window: _Window, limit: int) -> tuple[list[DueItem], int]:
    stmt = (
        select(SupportCase.id, SupportCase.title, SupportCase.due_on, SupportCase.status)
        .where(SupportCase.deleted_at.is_(None), SupportCase.status != CaseStatus.CLOSED,
               *window.where(SupportCase.due_on))
    )
    rows = conn.execute(stmt.order_by(window.order(SupportCase.due_on), SupportCase.id).limit(limit))
    items = [DueItem(DueKind.CASE, title, _day(due), cid, CoreTask.SUPPORT, _(status.label))
             for cid, title, due, status in rows]
    return items, _count(conn, stmt, len(items), limit)


def _next_steps(conn: Connection, window: _Window, limit: int) -> tuple[list[DueItem], int]:
    stmt = (
        select(AgendaEntry.id, AgendaEntry.next_step, AgendaEntry.next_step_due, AgendaEntry.topic,
               AgendaEntry.topic_detail)
        .where(AgendaEntry.deleted_at.is_(None), AgendaEntry.next_step_done.is_(False),
               *window.where(AgendaEntry.next_step_due))
    )
    rows = conn.execute(stmt.order_by(window.order(AgendaEntry.next_step_due), AgendaEntry.id).limit(limit))
    items = [DueItem(DueKind.NEXT_STEP, next_step.strip() or detail or _(topic.label), _day(due), eid,
                     CoreTask.AGENDA, detail or _(topic.label))
             for eid, next_step, due, topic, detail in rows]
    return items, _count(conn, stmt, len(items), limit)


def _note_reviews(conn: Connection, window: _Window, limit: int) -> tuple[list[DueItem], int]:
    stmt = (
        select(KnowledgeNote.id, KnowledgeNote.title, KnowledgeNote.review_on, KnowledgeNote.sector)
        .where(KnowledgeNote.deleted_at.is_(None), *window.where(KnowledgeNote.review_on))
    )
    rows = conn.execute(stmt.order_by(window.order(KnowledgeNote.review_on), KnowledgeNote.id).limit(limit))
    items = [DueItem(DueKind.NOTE_REVIEW, title, _day(due), nid, CoreTask.EXPERTISE, sector)
             for nid, title, due, sector in rows]
    return items, _count(conn, stmt, len(items), limit)


def _local_date(moment: dt.datetime, zone: str) -> dt.date:
    try:
        return moment.astimezone(zoneinfo.ZoneInfo(zone)).date()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name that is a folder
        return moment.date()


def _events(conn: Connection, today: dt.date, limit: int) -> tuple[list[DueItem], int]:
    """Events starting this week, by the date at their own place (a 09:00 session in Jakarta is
    the evening before in UTC): read a day wider in UTC, then kept by local date."""
    first = dt.datetime.combine(today - dt.timedelta(days=1), dt.time(), dt.UTC)
    last = dt.datetime.combine(today + dt.timedelta(days=WEEK_DAYS + 1), dt.time(), dt.UTC)
    rows = conn.execute(
        select(Event.id, Event.starts_at, Event.timezone, Event.location, Activity.id, Activity.core_task,
               Activity.title)
        .join(Activity, Activity.id == Event.activity_id)
        .where(Event.deleted_at.is_(None), Activity.deleted_at.is_(None), Event.starts_at >= first,
               Event.starts_at < last)
        .order_by(Event.starts_at, Event.id)
        .limit(COUNT_CAP)
    )
    week_end = today + dt.timedelta(days=WEEK_DAYS)
    items = []
    for eid, starts_at, zone, location, activity_id, task, title in rows:
        day = _local_date(starts_at, zone)
        if today <= day < week_end:
            items.append(DueItem(DueKind.EVENT, title, day, eid, task, location, activity_id))
    return items[:limit], len(items)


def _join(*parts: str) -> str:
    return " · ".join(p for p in parts if p)


def _merge(found: Iterable[tuple[list[DueItem], int]], newest_first: bool, limit: int) -> DueList:
    items: list[DueItem] = []
    total = 0
    for part, count in found:
        items.extend(part)
        total += count
    sign = -1 if newest_first else 1
    items.sort(key=lambda i: (sign * i.due.toordinal(), i.kind.value, str(i.record_id)))
    return DueList(items[:limit], min(total, COUNT_CAP))


def due_lists(session: Session, today: dt.date, limit: int = ITEM_LIMIT) -> tuple[DueList, DueList]:
    """(overdue, due this week). Overdue is before ``today`` and not done; this week is ``today`` and
    the six days after. Events are never overdue: one that took place is not a task left undone."""
    overdue = _Window(None, today, newest_first=True)
    week = _Window(today, today + dt.timedelta(days=WEEK_DAYS), newest_first=False)
    readers = (_follow_ups, _cases, _next_steps, _note_reviews)
    conn = session.connection()  # Core statements: the ORM adds nothing to rows of plain columns
    late = _merge((read(conn, overdue, limit) for read in readers), True, limit)
    soon = _merge([*(read(conn, week, limit) for read in readers), _events(conn, today, limit)], False, limit)
    return late, soon


def recent_work(session: Session, today: dt.date, per_task: int = RECENT_LIMIT) -> list[RecentWork]:
    """Per core task, its latest activities up to ``today`` and how many in the last 30 days."""
    since = today - dt.timedelta(days=RECENT_DAYS - 1)
    conn = session.connection()
    counts: dict[CoreTask, int] = {task: n for task, n in conn.execute(
        select(Activity.core_task, func.count())
        .where(Activity.deleted_at.is_(None), Activity.date >= since, Activity.date <= today)
        .group_by(Activity.core_task)
    )}
    work = []
    for task in CoreTask:
        # Walking the date index backwards finds a task's latest few at once; without statistics
        # SQLite would pick the core-task index and sort all of the task's activities instead, so
        # that index is ruled out with SQLite's unary "+". Ties go by rowid, which the date index
        # holds: a tie-break on ``id`` would sort the whole range again.
        rows = conn.execute(
            select(Activity.id, Activity.date, Activity.kind, Activity.title)
            .where(_unindexed_task == task.value, Activity.deleted_at.is_(None), Activity.date <= today)
            .order_by(Activity.date.desc(), literal_column("activity.rowid").desc())
            .limit(per_task)
        )
        work.append(RecentWork(task, [RecentActivity(*r) for r in rows], counts.get(task, 0)))
    return work


def build_dashboard(session: Session, today: dt.date | None = None, limit: int = ITEM_LIMIT,
                    per_task: int = RECENT_LIMIT) -> Dashboard:
    """Everything the home workspace shows; ``today`` is the local date (injectable for tests)."""
    today = today or dt.date.today()
    overdue, this_week = due_lists(session, today, limit)
    return Dashboard(today, overdue, this_week, recent_work(session, today, per_task))
