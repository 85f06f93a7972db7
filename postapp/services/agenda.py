"""The agenda-setting log (core task 5): what the post raised, with whom, its position, the outcome
and what comes next, so a successor can pick up a conversation with the ministry where it was left.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from postapp.domain import Activity, AgendaEntry, AgendaTopic, Counterpart, Organisation, OrganisationKind
from postapp.i18n import _
from postapp.services.records import get_live, soft_delete
from postapp.services.validation import Checker


@dataclass
class AgendaData:
    date: str | dt.date | None = None
    topic: str | AgendaTopic = AgendaTopic.CHILD_LABOUR
    topic_detail: str = ""  # required for AgendaTopic.OTHER, a refinement otherwise
    counterpart: str | Counterpart = Counterpart.HOST_GOVERNMENT
    organisation_id: uuid.UUID | None = None
    activity_id: uuid.UUID | None = None
    position: str = ""
    outcome: str = ""
    next_step: str = ""
    next_step_due: str | dt.date | None = None
    next_step_done: bool = False


def _apply(session: Session, entry: AgendaEntry, data: AgendaData) -> None:
    check = Checker()
    date = check.date("date", data.date, _("Date"))
    try:
        topic = AgendaTopic(data.topic)
    except ValueError:
        check.fail("topic", _("Choose the topic that was raised."))
        topic = AgendaTopic.OTHER
    detail = check.text("topic_detail", data.topic_detail, _("Topic"), 200)
    if topic is AgendaTopic.OTHER and not detail and "topic" not in check.errors:
        check.fail("topic_detail", _("Say which topic was raised, since it is not one of the listed topics."))
    try:
        counterpart = Counterpart(data.counterpart)
    except ValueError:
        check.fail("counterpart", _("Choose with whom the topic was raised."))
        counterpart = Counterpart.OTHER
    if data.organisation_id is not None:
        org = session.get(Organisation, data.organisation_id)
        if org is None or org.is_deleted:
            check.fail("organisation", _("The chosen organisation no longer exists."))
    if data.activity_id is not None:
        activity = session.get(Activity, data.activity_id)
        if activity is None or activity.is_deleted:
            check.fail("activity", _("The linked activity no longer exists."))
    position = check.notes("position", data.position, _("Position of the post"))
    outcome = check.notes("outcome", data.outcome, _("Outcome"))
    next_step = check.notes("next_step", data.next_step, _("Next step"))
    due = check.date("next_step_due", data.next_step_due, _("Due date"), required=False)
    if due is not None and not next_step:
        check.fail("next_step", _("A due date needs a next step: describe it, or clear the due date."))
    check.done()
    assert date is not None
    entry.date, entry.topic, entry.topic_detail, entry.counterpart = date, topic, detail, counterpart
    entry.organisation_id, entry.activity_id = data.organisation_id, data.activity_id
    entry.position, entry.outcome, entry.next_step, entry.next_step_due = position, outcome, next_step, due
    entry.next_step_done = bool(data.next_step_done) and bool(next_step)


def create_entry(session: Session, data: AgendaData, post_code: str = "") -> AgendaEntry:
    entry = AgendaEntry(post_code=post_code)
    _apply(session, entry, data)
    session.add(entry)
    session.flush()
    return entry


def get_entry(session: Session, entry_id: uuid.UUID) -> AgendaEntry:
    return get_live(session, AgendaEntry, entry_id, _("This agenda entry no longer exists."))


def update_entry(session: Session, entry_id: uuid.UUID, data: AgendaData) -> AgendaEntry:
    entry = get_entry(session, entry_id)
    _apply(session, entry, data)
    session.flush()
    return entry


def delete_entry(session: Session, entry_id: uuid.UUID) -> None:
    soft_delete(session, get_entry(session, entry_id))


def entry_data(entry: AgendaEntry) -> AgendaData:
    return AgendaData(
        date=entry.date, topic=entry.topic, topic_detail=entry.topic_detail, counterpart=entry.counterpart,
        organisation_id=entry.organisation_id if entry.organisation and not entry.organisation.is_deleted else None,
        activity_id=entry.activity_id if entry.activity and not entry.activity.is_deleted else None,
        position=entry.position, outcome=entry.outcome, next_step=entry.next_step,
        next_step_due=entry.next_step_due, next_step_done=entry.next_step_done,
    )


def organisation_name(session: Session, entry_id: uuid.UUID) -> str:
    entry = get_entry(session, entry_id)
    return entry.organisation.name if entry.organisation and not entry.organisation.is_deleted else ""


class AgendaRow(NamedTuple):
    id: uuid.UUID
    date: dt.date
    topic: AgendaTopic
    topic_detail: str
    counterpart: Counterpart
    outcome: str
    next_step: str
    next_step_due: dt.date | None
    next_step_done: bool


def _where(topic: AgendaTopic | None, counterpart: Counterpart | None) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [AgendaEntry.deleted_at.is_(None)]
    if topic is not None:
        where.append(AgendaEntry.topic == topic)
    if counterpart is not None:
        where.append(AgendaEntry.counterpart == counterpart)
    return where


def agenda_rows(session: Session, topic: AgendaTopic | None = None, counterpart: Counterpart | None = None,
                offset: int = 0, limit: int = 200) -> list[AgendaRow]:
    """Newest first: the log is read from the last conversation back."""
    stmt = (
        select(AgendaEntry.id, AgendaEntry.date, AgendaEntry.topic, AgendaEntry.topic_detail, AgendaEntry.counterpart,
               AgendaEntry.outcome, AgendaEntry.next_step, AgendaEntry.next_step_due, AgendaEntry.next_step_done)
        .where(*_where(topic, counterpart))
        .order_by(AgendaEntry.date.desc(), AgendaEntry.created_at.desc(), AgendaEntry.id)
        .offset(offset).limit(limit)
    )
    return [AgendaRow(*row) for row in session.execute(stmt)]


def count_entries(session: Session, topic: AgendaTopic | None = None, counterpart: Counterpart | None = None) -> int:
    return session.scalar(select(func.count()).select_from(AgendaEntry).where(*_where(topic, counterpart))) or 0


class DueStep(NamedTuple):
    id: uuid.UUID
    topic_label: str  # untranslated: pass it through ``_()``
    next_step: str
    next_step_due: dt.date


def due_next_steps(session: Session, until: dt.date) -> list[DueStep]:
    """Next steps not done and due on or before ``until`` (overdue included), soonest first.

    For the home dashboard: each item is a tuple ``(id, topic label key, next_step, next_step_due)``.
    """
    stmt = (
        select(AgendaEntry.id, AgendaEntry.topic, AgendaEntry.next_step, AgendaEntry.next_step_due)
        .where(AgendaEntry.deleted_at.is_(None), AgendaEntry.next_step_done.is_(False),
               AgendaEntry.next_step_due.is_not(None), AgendaEntry.next_step_due <= until)
        .order_by(AgendaEntry.next_step_due, AgendaEntry.id)
    )
    return [DueStep(r[0], r[1].label, r[2], r[3]) for r in session.execute(stmt) if r[3] is not None]


class TopicSummary(NamedTuple):
    topic: AgendaTopic
    entries: int
    last_date: dt.date
    open_steps: int  # next steps written down and not done


def topic_summary(session: Session) -> list[TopicSummary]:
    """Per topic raised: how often, when last, and how many next steps are still open; latest first."""
    open_step = (AgendaEntry.next_step != "") & AgendaEntry.next_step_done.is_(False)
    stmt = (
        select(AgendaEntry.topic, func.count(), func.max(AgendaEntry.date),
               func.coalesce(func.sum(case((open_step, 1), else_=0)), 0))
        .where(AgendaEntry.deleted_at.is_(None))
        .group_by(AgendaEntry.topic)
    )
    rows = [TopicSummary(r[0], int(r[1]), r[2], int(r[3])) for r in session.execute(stmt)]
    return sorted(rows, key=lambda r: (r.last_date, r.entries), reverse=True)


DEMO_ENTRIES = [
    (AgendaTopic.LIVING_WAGE, Counterpart.HOST_GOVERNMENT, OrganisationKind.AUTHORITY,
     "The Netherlands supports a wage-setting process informed by living wage benchmarks.",
     "The Department of Labour will share the draft regional minimum wage review.",
     "Send the WageIndicator benchmark study to the department"),
    (AgendaTopic.FREEDOM_OF_ASSOCIATION, Counterpart.EU_DELEGATION, None,
     "Raise the ratification of ILO Convention 87 in the EU–Viet Nam trade and sustainable development dialogue.",
     "EU delegation includes it in the talking points for the domestic advisory group.",
     "Prepare input for the next domestic advisory group meeting"),
    (AgendaTopic.CHILD_LABOUR, Counterpart.BUSINESS_ASSOCIATION, OrganisationKind.BUSINESS_ASSOCIATION,
     "Invite members to use the IMVO steunpunt and the child labour due diligence guidance.",
     "Association agreed to co-host a session for garment exporters.", ""),
    (AgendaTopic.DEFORESTATION, Counterpart.MEMBER_STATE_POST, None,
     "Coordinate the outreach on the EU deforestation regulation to coffee and timber exporters.",
     "Germany and France will join a joint outreach event in the Central Highlands.",
     "Draft a joint invitation with the German and French posts"),
    (AgendaTopic.GENDER, Counterpart.CIVIL_SOCIETY, OrganisationKind.NGO,
     "Gender-responsive due diligence in garment supply chains.",
     "Partners shared findings on sexual harassment in factories; to be used in the next session.", ""),
    (AgendaTopic.CONFLICT_MINERALS, Counterpart.MULTILATERAL, OrganisationKind.INTERNATIONAL_ORGANISATION,
     "Support traceability of tin and tungsten from northern provinces.",
     "Agreed to exchange information on the EU Conflict Minerals Regulation.",
     "Share the list of Dutch importers covered by the regulation"),
]


def add_demo_agenda(session: Session, rng: random.Random, today: dt.date, post_code: str) -> int:
    """A handful of agenda entries for the demo post, with organisations already in the store when there
    are some of the right kind; returns how many were made."""
    made = 0
    for topic, counterpart, kind, position, outcome, next_step in DEMO_ENTRIES:
        org_id = None
        if kind is not None:
            org_id = session.scalar(select(Organisation.id).where(
                Organisation.kind == kind, Organisation.deleted_at.is_(None)).order_by(Organisation.name).limit(1))
        date = today - dt.timedelta(days=rng.randint(3, 200))
        due = today + dt.timedelta(days=rng.randint(-7, 30)) if next_step else None
        create_entry(session, AgendaData(
            date=date, topic=topic, counterpart=counterpart, organisation_id=org_id, position=position,
            outcome=outcome, next_step=next_step, next_step_due=due,
        ), post_code)
        made += 1
    return made
