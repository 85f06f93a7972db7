"""The home dashboard on a hand-built post with a fixed today: overdue vs this week vs later, done
and deleted records left out, each kind of record present, bounded lists and counts."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

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
    FollowUp,
    KnowledgeNote,
    SupportCase,
)
from postapp.domain.base import utcnow
from postapp.services.dashboard import COUNT_CAP, DueKind, build_dashboard
from postapp.store import Store

TODAY = dt.date(2026, 3, 11)  # a Wednesday


def day(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


def at(offset: int, hour: int) -> dt.datetime:
    return dt.datetime.combine(day(offset), dt.time(hour), dt.UTC)


@dataclass
class Post:
    ids: dict[str, uuid.UUID] = field(default_factory=dict)


def activity(session: object, title: str, task: CoreTask, offset: int, deleted: bool = False) -> Activity:
    record = Activity(core_task=task, kind=ActivityKind.MEETING, title=title, date=day(offset),
                      deleted_at=utcnow() if deleted else None)
    session.add(record)  # type: ignore[attr-defined]
    return record


@pytest.fixture
def post(store: Store) -> Post:
    found = Post()
    with store.session() as s:
        support = activity(s, "Meeting with the garment association", CoreTask.SUPPORT, -10)
        gone = activity(s, "Deleted meeting", CoreTask.SUPPORT, -10, deleted=True)
        s.flush()
        found.ids["support_activity"] = support.id
        follow_ups = {
            "fu overdue": (support, -3, False, None),
            "fu done": (support, -2, True, None),
            "fu this week": (support, 6, False, None),
            "fu next week": (support, 7, False, None),
            "fu deleted": (support, -1, False, utcnow()),
            "fu of a deleted activity": (gone, -1, False, None),
        }
        for description, (parent, offset, done, deleted) in follow_ups.items():
            s.add(FollowUp(activity_id=parent.id, description=description, owner="Anna", due_date=day(offset),
                           done=done, deleted_at=deleted))
        s.add(FollowUp(activity_id=support.id, description="fu without a date", due_date=None))
        cases = {
            "case overdue": (CaseStatus.REFERRED, -1, None),
            "case closed": (CaseStatus.CLOSED, -1, None),
            "case due today": (CaseStatus.IN_PROGRESS, 0, None),
            "case deleted": (CaseStatus.NEW, -1, utcnow()),
        }
        for title, (status, offset, deleted) in cases.items():
            s.add(SupportCase(title=title, status=status, opened_on=day(-40), due_on=day(offset), deleted_at=deleted))
        s.add(SupportCase(title="case without due date", opened_on=day(-40)))
        for step, (offset, done) in {"step overdue": (-5, False), "step done": (-5, True),
                                     "step this week": (2, False)}.items():
            s.add(AgendaEntry(date=day(-20), topic=AgendaTopic.LIVING_WAGE, counterpart=Counterpart.HOST_GOVERNMENT,
                              next_step=step, next_step_due=day(offset), next_step_done=done))
        for title, (offset, deleted) in {"note overdue": (-30, None), "note this week": (3, None),
                                         "note later": (30, None), "note deleted": (-1, utcnow())}.items():
            s.add(KnowledgeNote(title=title, review_on=day(offset), deleted_at=deleted))
        events = {
            # (task, start, zone): the local date decides
            "event tomorrow": (CoreTask.AWARENESS, at(1, 8), "Europe/Amsterdam", False),
            "event yesterday": (CoreTask.AWARENESS, at(-1, 8), "UTC", False),
            "event in eight days": (CoreTask.AGENDA, at(8, 8), "UTC", False),
            "event today in Jakarta": (CoreTask.AGENDA, at(-1, 22), "Asia/Jakarta", False),  # 05:00 local
            "event day 7 in Jakarta": (CoreTask.AGENDA, at(6, 20), "Asia/Jakarta", False),  # day 7 local
            "event of a deleted activity": (CoreTask.AWARENESS, at(2, 8), "UTC", True),
        }
        for title, (task, starts, zone, deleted) in events.items():
            host = activity(s, title, task, (starts.date() - TODAY).days, deleted=deleted)
            s.flush()
            event = Event(activity_id=host.id, starts_at=starts, ends_at=starts + dt.timedelta(hours=2),
                          timezone=zone, location="Hà Nội")
            s.add(event)
            s.flush()
            found.ids[title] = event.id
    return found


def titles(items: list) -> list[str]:  # type: ignore[type-arg]
    return [i.title for i in items]


def test_overdue_and_this_week_hold_the_right_records(store: Store, post: Post) -> None:
    with store.read() as session:
        board = build_dashboard(session, TODAY)
    # Most recently missed first.
    assert titles(board.overdue.items) == ["case overdue", "fu overdue", "step overdue", "note overdue"]
    assert board.overdue.total == 4
    assert titles(board.this_week.items) == ["case due today", "event today in Jakarta", "event tomorrow",
                                             "step this week", "note this week", "fu this week"]
    assert board.this_week.total == 6
    kinds = {i.kind for i in board.overdue.items + board.this_week.items}
    assert kinds == set(DueKind)


def test_items_carry_their_core_task_dates_and_what_to_open(store: Store, post: Post) -> None:
    with store.read() as session:
        board = build_dashboard(session, TODAY)
    items = {i.title: i for i in board.overdue.items + board.this_week.items}
    follow_up = items["fu overdue"]
    assert follow_up.kind is DueKind.FOLLOW_UP and follow_up.task is CoreTask.SUPPORT
    assert follow_up.due == day(-3)
    assert follow_up.open_id == post.ids["support_activity"] != follow_up.record_id
    assert "Anna" in follow_up.detail and "garment association" in follow_up.detail
    assert (items["case overdue"].task, items["case overdue"].detail) == (CoreTask.SUPPORT, "Referred")
    assert items["step overdue"].task is CoreTask.AGENDA
    assert items["note overdue"].task is CoreTask.EXPERTISE
    jakarta = items["event today in Jakarta"]
    assert (jakarta.due, jakarta.task, jakarta.detail) == (TODAY, CoreTask.AGENDA, "Hà Nội")
    assert jakarta.open_id == jakarta.record_id == post.ids["event today in Jakarta"]
    assert items["event tomorrow"].task is CoreTask.AWARENESS


def test_another_today_moves_items_between_the_lists(store: Store, post: Post) -> None:
    with store.read() as session:
        board = build_dashboard(session, day(7))
    assert "fu this week" in titles(board.overdue.items)
    assert "fu next week" in titles(board.this_week.items)
    assert "note this week" in titles(board.overdue.items)
    assert not any(i.kind is DueKind.EVENT for i in board.overdue.items)  # events are never overdue


def test_recent_work_per_core_task(store: Store) -> None:
    with store.session() as s:
        for offset in (0, -1, -2, -29, -30, 3):
            activity(s, f"support {offset}", CoreTask.SUPPORT, offset)
        activity(s, "support deleted", CoreTask.SUPPORT, -1, deleted=True)
        activity(s, "agenda old", CoreTask.AGENDA, -400)
    with store.read() as session:
        board = build_dashboard(session, TODAY, per_task=3)
    recent = {w.task: w for w in board.recent}
    assert list(recent) == list(CoreTask)
    support = recent[CoreTask.SUPPORT]
    assert [a.title for a in support.activities] == ["support 0", "support -1", "support -2"]
    assert support.last_30_days == 4  # 0, -1, -2, -29: not -30, not the future, not the deleted one
    assert [a.title for a in recent[CoreTask.AGENDA].activities] == ["agenda old"]
    assert recent[CoreTask.AGENDA].last_30_days == 0
    assert recent[CoreTask.EXPERTISE].activities == []


def test_lists_and_counts_are_bounded(store: Store) -> None:
    with store.session() as s:
        parent = activity(s, "Busy meeting", CoreTask.AWARENESS, -200)
        s.flush()
        s.add_all(FollowUp(activity_id=parent.id, description=f"late {i}", due_date=day(-1 - i % 90))
                  for i in range(COUNT_CAP + 30))
    with store.read() as session:
        board = build_dashboard(session, TODAY, limit=10)
    assert len(board.overdue.items) == 10
    assert board.overdue.total == COUNT_CAP and board.overdue.capped
    assert [i.due for i in board.overdue.items] == sorted((i.due for i in board.overdue.items), reverse=True)
    assert board.overdue.items[0].due == day(-1)
    assert board.this_week.total == 0 and not board.this_week.capped


def test_an_empty_store_gives_an_empty_dashboard(store: Store) -> None:
    with store.read() as session:
        board = build_dashboard(session, TODAY)
    assert board.overdue.items == [] and board.this_week.items == []
    assert all(w.activities == [] and w.last_30_days == 0 for w in board.recent)
    assert board.today == TODAY
