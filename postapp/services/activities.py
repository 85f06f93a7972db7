"""Recording the post's activities under a core task, and the counts each workspace shows."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from postapp.domain import Activity, ActivityKind, CoreTask, FollowUp, Organisation, Person
from postapp.domain.base import utcnow
from postapp.i18n import _
from postapp.services.records import get_live, soft_delete
from postapp.services.validation import Checker


@dataclass
class FollowUpData:
    """A follow-up as a form holds it; ``id`` is that of a stored follow-up being edited, ``None`` for
    a new one. Stored follow-ups that an edit no longer lists are soft-deleted."""

    description: str = ""
    owner: str = ""
    due_date: str | dt.date | None = None
    done: bool = False
    id: uuid.UUID | None = None


@dataclass
class ActivityData:
    core_task: str | CoreTask = CoreTask.EXPERTISE
    kind: str | ActivityKind = ActivityKind.MEETING
    title: str = ""
    date: str | dt.date | None = None
    notes: str = ""
    outcome: str = ""
    person_ids: list[uuid.UUID] = field(default_factory=list)
    organisation_ids: list[uuid.UUID] = field(default_factory=list)
    follow_ups: list[FollowUpData] = field(default_factory=list)


CheckedFollowUp = tuple[FollowUpData, str, "dt.date | None", str]  # item, description, due date, owner


def check_follow_ups(check: Checker, activity: Activity, items: list[FollowUpData]) -> list[CheckedFollowUp]:
    """The follow-ups as typed, checked into ``check`` (fields ``follow_ups``); nothing is assigned yet,
    so a refused edit elsewhere in the form leaves them as they were."""
    stored = {f.id for f in activity.follow_ups}
    checked = []
    for item in items:
        description = check.required("follow_ups", item.description, _("Follow-up"), 2000)
        due = check.date("follow_ups", item.due_date, _("Due date"), required=False)
        owner = check.text("follow_ups", item.owner, _("Owner"), 200)
        if item.id is not None and item.id not in stored:
            check.fail("follow_ups", _("A follow-up you edited was removed in the meantime; add it again."))
        checked.append((item, description, due, owner))
    return checked


def apply_follow_ups(activity: Activity, checked: list[CheckedFollowUp], post_code: str) -> None:
    """Edited in place and new ones added, so ids stay stable for sync; the ones no longer listed are
    soft-deleted (their removal travels as a change)."""
    stored = {f.id: f for f in activity.follow_ups}
    listed = set()
    for item, description, due, owner in checked:
        follow_up = stored.get(item.id) if item.id is not None else None
        if follow_up is None:
            follow_up = FollowUp(post_code=post_code)
            activity.follow_ups.append(follow_up)
        follow_up.description, follow_up.owner, follow_up.due_date = description, owner, due
        follow_up.done = item.done
        listed.add(item.id)
    now = utcnow()
    for follow_up in stored.values():
        if follow_up.id not in listed:
            follow_up.deleted_at = now


def _apply(session: Session, activity: Activity, data: ActivityData, post_code: str) -> None:
    check = Checker()
    try:
        task = CoreTask(data.core_task)
    except ValueError:
        check.fail("core_task", _("Choose one of the five core tasks."))
        task = CoreTask.EXPERTISE
    try:
        kind = ActivityKind(data.kind)
    except ValueError:
        check.fail("kind", _("Choose the kind of activity."))
        kind = ActivityKind.MEETING
    title = check.required("title", data.title, _("Title"), 300)
    date = check.date("date", data.date, _("Date"))
    notes = check.notes("notes", data.notes, _("Notes"))
    outcome = check.notes("outcome", data.outcome, _("Outcome"))
    persons = [p for p in (session.get(Person, i) for i in data.person_ids) if p and not p.is_deleted]
    orgs = [o for o in (session.get(Organisation, i) for i in data.organisation_ids) if o and not o.is_deleted]
    follow_ups = check_follow_ups(check, activity, data.follow_ups)
    check.done()
    assert date is not None
    activity.core_task, activity.kind, activity.title, activity.date = task, kind, title, date
    activity.notes, activity.outcome = notes, outcome
    activity.persons, activity.organisations = persons, orgs
    apply_follow_ups(activity, follow_ups, post_code)


def create_activity(session: Session, data: ActivityData, post_code: str = "") -> Activity:
    activity = Activity(post_code=post_code)
    _apply(session, activity, data, post_code)
    session.add(activity)
    session.flush()
    return activity


def get_activity(session: Session, activity_id: uuid.UUID) -> Activity:
    return get_live(session, Activity, activity_id, _("This activity no longer exists."))


def update_activity(session: Session, activity_id: uuid.UUID, data: ActivityData) -> Activity:
    activity = get_activity(session, activity_id)
    _apply(session, activity, data, activity.post_code)
    session.flush()
    # Soft-deleted follow-ups stay in the loaded list until it is read again from the store.
    session.expire(activity, ["follow_ups"])
    return activity


def activity_data(activity: Activity) -> ActivityData:
    """The editable view of a stored activity, its follow-ups with their ids, to fill a form."""
    return ActivityData(
        core_task=activity.core_task, kind=activity.kind, title=activity.title, date=activity.date,
        notes=activity.notes, outcome=activity.outcome, person_ids=[p.id for p in activity.persons],
        organisation_ids=[o.id for o in activity.organisations],
        follow_ups=[FollowUpData(description=f.description, owner=f.owner, due_date=f.due_date, done=f.done,
                                 id=f.id) for f in activity.follow_ups],
    )


def delete_activity(session: Session, activity_id: uuid.UUID) -> None:
    soft_delete(session, get_activity(session, activity_id))


class ActivityRow(NamedTuple):
    id: uuid.UUID
    date: dt.date
    kind: ActivityKind
    title: str
    outcome: str


def activity_rows(session: Session, task: CoreTask, offset: int = 0, limit: int = 200) -> list[ActivityRow]:
    """Newest first, the page the task workspace's lazy list asks for."""
    stmt = (
        select(Activity.id, Activity.date, Activity.kind, Activity.title, Activity.outcome)
        .where(Activity.core_task == task, Activity.deleted_at.is_(None))
        .order_by(Activity.date.desc(), Activity.id)
        .offset(offset)
        .limit(limit)
    )
    return [ActivityRow(*r) for r in session.execute(stmt)]


def counts_by_kind(session: Session, task: CoreTask) -> Counter[ActivityKind]:
    stmt = (
        select(Activity.kind, func.count())
        .where(Activity.core_task == task, Activity.deleted_at.is_(None))
        .group_by(Activity.kind)
    )
    return Counter({kind: n for kind, n in session.execute(stmt)})


def counts_by_task(session: Session) -> Counter[CoreTask]:
    stmt = select(Activity.core_task, func.count()).where(Activity.deleted_at.is_(None)).group_by(Activity.core_task)
    return Counter({task: n for task, n in session.execute(stmt)})
