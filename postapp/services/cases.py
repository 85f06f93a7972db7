"""Company support (core task 3): a Dutch company's question followed as a case until it is answered,
referred to the body that can help, or closed.

The status rules live here so a form, an import or the CLI cannot store a case the post could not
explain later: a referral names where it went, a closed case says when, and reopening forgets that.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass, field
from typing import NamedTuple, TypeVar

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from postapp.conditions import checks
from postapp.conditions.models import ConditionCheck, SupportKind
from postapp.domain import (
    Activity,
    CaseStatus,
    Organisation,
    OrganisationKind,
    Person,
    ReferralTarget,
    SupportCase,
)
from postapp.domain.base import SyncedMixin
from postapp.errors import PostAppError
from postapp.i18n import _
from postapp.services.records import get_live, soft_delete
from postapp.services.validation import Checker

R = TypeVar("R", bound=SyncedMixin)


@dataclass
class CaseData:
    """A case as the form holds it; dates as typed (or already dates)."""

    title: str = ""
    organisation_id: uuid.UUID | None = None
    status: str | CaseStatus = CaseStatus.NEW
    question: str = ""
    referral: str | ReferralTarget = ReferralTarget.NONE
    opened_on: str | dt.date | None = None  # today when empty
    due_on: str | dt.date | None = None
    closed_on: str | dt.date | None = None  # today when the case is closed without a date
    notes: str = ""
    person_ids: list[uuid.UUID] = field(default_factory=list)
    activity_ids: list[uuid.UUID] = field(default_factory=list)


def _apply(session: Session, record: SupportCase, data: CaseData, today: dt.date) -> None:
    # Everything is checked before anything is assigned: a refused edit leaves the case as it was.
    check = Checker()
    title = check.required("title", data.title, _("Title"), 300)
    try:
        status = CaseStatus(data.status)
    except ValueError:
        check.fail("status", _("Choose the status of the case."))
        status = CaseStatus.NEW
    try:
        referral = ReferralTarget(data.referral)
    except ValueError:
        check.fail("referral", _("Choose where the case was referred to."))
        referral = ReferralTarget.NONE
    if status is CaseStatus.REFERRED and referral is ReferralTarget.NONE:
        check.fail("referral", _("A referred case names where it was referred to (for example RVO or the NCP)."))
    if data.organisation_id is not None:
        org = session.get(Organisation, data.organisation_id)
        if org is None or org.is_deleted:
            check.fail("organisation", _("The chosen company no longer exists."))
        elif org.kind is not OrganisationKind.COMPANY:
            check.fail("organisation", _("A support case is about a company; this organisation is not a company."))
    question = check.notes("question", data.question, _("Question"))
    notes = check.notes("notes", data.notes, _("Notes"))
    opened = check.date("opened_on", data.opened_on, _("Opened on"), required=False) or today
    due = check.date("due_on", data.due_on, _("Due date"), required=False)
    closed = check.date("closed_on", data.closed_on, _("Closed on"), required=False)
    if status is CaseStatus.CLOSED:
        if closed is None and "closed_on" not in check.errors:
            closed = max(today, opened)
        if closed is not None and closed < opened:
            check.fail("closed_on", _("A case cannot be closed before it was opened."))
    else:
        closed = None  # an open (or reopened) case has no closing date
    persons = _live(session, Person, data.person_ids)
    activities = _live(session, Activity, data.activity_ids)
    if len(persons) != len(set(data.person_ids)):
        check.fail("persons", _("A linked person no longer exists; remove them from the case."))
    if len(activities) != len(set(data.activity_ids)):
        check.fail("activities", _("A linked activity no longer exists; remove it from the case."))
    check.done()
    record.title, record.status, record.referral, record.organisation_id = title, status, referral, data.organisation_id
    record.question, record.notes = question, notes
    record.opened_on, record.due_on, record.closed_on = opened, due, closed
    record.persons, record.activities = persons, activities


def _live(session: Session, model: type[R], ids: list[uuid.UUID]) -> list[R]:
    found: list[R] = []
    for record_id in dict.fromkeys(ids):
        record = session.get(model, record_id)
        if record is not None and not record.is_deleted:
            found.append(record)
    return found


def create_case(session: Session, data: CaseData, post_code: str = "", today: dt.date | None = None) -> SupportCase:
    record = SupportCase(post_code=post_code)
    _apply(session, record, data, today or dt.date.today())
    session.add(record)
    session.flush()
    return record


def get_case(session: Session, case_id: uuid.UUID) -> SupportCase:
    return get_live(session, SupportCase, case_id, _("This support case no longer exists."))


def update_case(session: Session, case_id: uuid.UUID, data: CaseData, today: dt.date | None = None) -> SupportCase:
    record = get_case(session, case_id)
    _apply(session, record, data, today or dt.date.today())
    session.flush()
    return record


def delete_case(session: Session, case_id: uuid.UUID) -> None:
    soft_delete(session, get_case(session, case_id))


def case_data(record: SupportCase) -> CaseData:
    """The editable view of a stored case, to fill a form."""
    return CaseData(
        title=record.title, organisation_id=record.organisation_id, status=record.status, question=record.question,
        referral=record.referral, opened_on=record.opened_on, due_on=record.due_on, closed_on=record.closed_on,
        notes=record.notes, person_ids=[p.id for p in record.persons if not p.is_deleted],
        activity_ids=[a.id for a in record.activities if not a.is_deleted],
    )


class CaseView(NamedTuple):
    """What the case form shows besides the fields: names of what the case links to."""

    data: CaseData
    company: str
    persons: list[tuple[uuid.UUID, str]]
    activities: list[tuple[uuid.UUID, str]]
    condition_check_id: uuid.UUID | None


def case_view(session: Session, case_id: uuid.UUID) -> CaseView:
    record = get_case(session, case_id)
    company = record.organisation.name if record.organisation and not record.organisation.is_deleted else ""
    return CaseView(case_data(record), company,
                    [(p.id, p.name) for p in record.persons if not p.is_deleted],
                    [(a.id, a.title) for a in record.activities if not a.is_deleted],
                    record.condition_check_id)


class CaseRow(NamedTuple):
    id: uuid.UUID
    status: CaseStatus
    title: str
    company: str
    referral: ReferralTarget
    due_on: dt.date | None
    opened_on: dt.date


def _where(status: CaseStatus | None) -> list[ColumnElement[bool]]:
    live: list[ColumnElement[bool]] = [SupportCase.deleted_at.is_(None)]
    return live if status is None else [*live, SupportCase.status == status]


def case_rows(session: Session, status: CaseStatus | None = None, offset: int = 0, limit: int = 200) -> list[CaseRow]:
    """Open cases first, soonest due first (those without a due date after them), then newest."""
    stmt = select(
        SupportCase.id, SupportCase.status, SupportCase.title, Organisation.name, SupportCase.referral,
        SupportCase.due_on, SupportCase.opened_on,
    ).outerjoin(Organisation, Organisation.id == SupportCase.organisation_id).where(*_where(status)).order_by(
        case((SupportCase.status == CaseStatus.CLOSED, 1), else_=0), SupportCase.due_on.is_(None),
        SupportCase.due_on, SupportCase.opened_on.desc(), SupportCase.id,
    ).offset(offset).limit(limit)
    return [CaseRow(r[0], r[1], r[2], r[3] or "", r[4], r[5], r[6]) for r in session.execute(stmt)]


def count_cases(session: Session, status: CaseStatus | None = None) -> int:
    return session.scalar(select(func.count()).select_from(SupportCase).where(*_where(status))) or 0


class DueCase(NamedTuple):
    id: uuid.UUID
    title: str
    due_on: dt.date
    status: CaseStatus


def due_cases(session: Session, until: dt.date) -> list[DueCase]:
    """Open cases due on or before ``until`` (overdue ones included), soonest first.

    For the home dashboard: each item is a tuple ``(id, title, due_on, status)``; ``status.label`` is
    the untranslated label, to pass through ``_()``.
    """
    stmt = (
        select(SupportCase.id, SupportCase.title, SupportCase.due_on, SupportCase.status)
        .where(SupportCase.deleted_at.is_(None), SupportCase.status != CaseStatus.CLOSED,
               SupportCase.due_on.is_not(None), SupportCase.due_on <= until)
        .order_by(SupportCase.due_on, SupportCase.title, SupportCase.id)
    )
    return [DueCase(r[0], r[1], r[2], r[3]) for r in session.execute(stmt) if r[2] is not None]


def person_choices(session: Session, query: str, limit: int = 20) -> list[tuple[uuid.UUID, str]]:
    """(id, "Name — Organisation") of persons matching ``query``, to link to a case."""
    from postapp.services.search import person_rows

    return [(r.id, f"{r.name} — {r.organisation}" if r.organisation else r.name)
            for r in person_rows(session, query, 0, limit)]


def start_condition_check(session: Session, case_id: uuid.UUID, support_kind: str | SupportKind, host_country: str,
                          actor: str) -> tuple[ConditionCheck, bool]:
    """The case's IMVO condition check, started now if it has none: (check, whether it was started).

    A case keeps one check; asked again, it returns that check (its newest version, when it was
    amended) instead of starting a second one. A check needs the company the post would support.
    """
    record = get_case(session, case_id)
    if record.condition_check_id is not None:
        existing = session.get(ConditionCheck, record.condition_check_id)
        if existing is not None and not existing.is_deleted:
            newest = [c for c in checks.versions(session, existing.id) if not c.is_deleted]
            return (newest[-1] if newest else existing), False
    org = record.organisation
    if org is None or org.is_deleted:
        raise PostAppError(_("This case has no company. Choose the company the post would support, save the case, "
                             "then start the IMVO condition check."))
    started = checks.start_check(session, org.id, support_kind, host_country, actor, record.post_code)
    record.condition_check_id = started.id
    session.flush()
    return started, True


DEMO_CASES = [
    ("Living wage benchmark for garment suppliers", CaseStatus.IN_PROGRESS, ReferralTarget.NONE,
     "Which living wage benchmark should we use for our suppliers in Binh Duong, and how do we discuss it "
     "with them?"),
    ("Complaint by workers at a supplier", CaseStatus.REFERRED, ReferralTarget.NCP,
     "A trade union contacted the company about dismissals at a supplier; what are the options?"),
    ("Trade mission participation: IMVO self-scan", CaseStatus.NEW, ReferralTarget.NONE,
     "The company wants to join the trade mission; what does the MVO-zelfscan involve?"),
    ("Financing a new factory: due diligence requirements", CaseStatus.REFERRED,
     ReferralTarget.INVEST_INTERNATIONAL,
     "Which IMVO conditions apply to financing for a new processing plant in Dong Nai?"),
    ("Joining the textile convenant", CaseStatus.CLOSED, ReferralTarget.SER_AGREEMENTS,
     "How can a mid-sized importer join the sector agreement on garments and textile?"),
    ("Deforestation risk in the wood supply chain", CaseStatus.IN_PROGRESS, ReferralTarget.NONE,
     "How does the EU deforestation regulation affect timber sourced from the Central Highlands?"),
]


def add_demo_cases(session: Session, rng: random.Random, today: dt.date, post_code: str) -> int:
    """A handful of realistic cases for the demo post, about Dutch companies already in the store;
    returns how many were made (none when the store has no companies)."""
    companies = list(session.scalars(
        select(Organisation).where(Organisation.kind == OrganisationKind.COMPANY, Organisation.deleted_at.is_(None),
                                   Organisation.dutch_affiliated.is_(True))
        .order_by(Organisation.name).limit(50)))
    if not companies:
        return 0
    made = 0
    for title, status, referral, question in DEMO_CASES:
        company = rng.choice(companies)
        persons = list(session.scalars(select(Person.id).where(
            Person.organisation_id == company.id, Person.deleted_at.is_(None)).limit(2)))
        opened = today - dt.timedelta(days=rng.randint(5, 120))
        due = None if status is CaseStatus.CLOSED else today + dt.timedelta(days=rng.randint(-10, 30))
        closed = opened + dt.timedelta(days=rng.randint(1, 4)) if status is CaseStatus.CLOSED else None
        create_case(session, CaseData(
            title=title, organisation_id=company.id, status=status, referral=referral, question=question,
            opened_on=opened, due_on=due, closed_on=closed, person_ids=persons,
        ), post_code, today)
        made += 1
    return made
