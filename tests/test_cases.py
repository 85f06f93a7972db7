"""Support cases: the status rules, the referral requirement, the list order, due cases, and starting
an IMVO condition check from a case."""

from __future__ import annotations

import datetime as dt
import random
import uuid

import pytest

from postapp.conditions.models import ConditionCheck
from postapp.domain import CaseStatus, OrganisationKind, ReferralTarget, SupportCase
from postapp.errors import NotFoundError, PostAppError, ValidationError
from postapp.services import cases
from postapp.services.activities import ActivityData, create_activity, delete_activity
from postapp.services.cases import CaseData
from postapp.services.contacts import OrganisationData, PersonData, create_organisation, create_person, delete_person
from postapp.store import Store

TODAY = dt.date(2026, 3, 10)


def company(store: Store, name: str = "Holland Textiles B.V.", kind: OrganisationKind = OrganisationKind.COMPANY,
            ) -> uuid.UUID:
    with store.session() as session:
        return create_organisation(session, OrganisationData(name=name, kind=kind, sector="Textiles and clothing",
                                                             country="NL")).id


def make(store: Store, **fields: object) -> uuid.UUID:
    values: dict[str, object] = {"title": "Living wage benchmark"}
    values.update(fields)
    with store.session() as session:
        return cases.create_case(session, CaseData(**values), "HAN", TODAY).id  # type: ignore[arg-type]


def errors_of(store: Store, **fields: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        make(store, **fields)
    return info.value.errors


def test_a_case_opens_today_by_default_with_its_links(store: Store) -> None:
    org = company(store)
    with store.session() as session:
        person = create_person(session, PersonData(name="Sanne de Vries", organisation_id=org)).id
        activity = create_activity(session, ActivityData(core_task="support", kind="support_request",
                                                         title="Question on wages", date="2026-03-01")).id
    case_id = make(store, organisation_id=org, person_ids=[person, person], activity_ids=[activity],
                   question="Which benchmark?", due_on="2026-03-20")
    with store.read() as session:
        view = cases.case_view(session, case_id)
        stored = session.get(SupportCase, case_id)
        assert stored is not None and stored.post_code == "HAN"
    assert view.data.opened_on == TODAY and view.data.status is CaseStatus.NEW
    assert view.company == "Holland Textiles B.V."
    assert view.persons == [(person, "Sanne de Vries")]
    assert view.activities == [(activity, "Question on wages")]
    assert view.data.due_on == dt.date(2026, 3, 20)


def test_each_field_error_is_reported_and_nothing_is_stored(store: Store) -> None:
    ngo = company(store, "Centre for Labour Rights", OrganisationKind.NGO)
    errors = errors_of(store, title="  ", status="pending", referral="unicef", opened_on="yesterday",
                       due_on="31-02-2026", organisation_id=ngo, question="x\x00")
    assert errors["title"] == "Title is required."
    assert errors["status"] == "Choose the status of the case."
    assert errors["referral"] == "Choose where the case was referred to."
    assert "not a date" in errors["opened_on"] and "not a date" in errors["due_on"]
    assert "not a company" in errors["organisation"]
    assert "cannot be stored" in errors["question"]
    assert errors_of(store, organisation_id=uuid.uuid4())["organisation"] == "The chosen company no longer exists."
    with store.read() as session:
        assert cases.count_cases(session) == 0


def test_a_referred_case_names_where_it_went(store: Store) -> None:
    errors = errors_of(store, status=CaseStatus.REFERRED)
    assert list(errors) == ["referral"] and "referred to" in errors["referral"]
    case_id = make(store, status="referred", referral="ncp")
    with store.read() as session:
        assert cases.get_case(session, case_id).referral is ReferralTarget.NCP


def test_closing_sets_the_date_and_reopening_clears_it(store: Store) -> None:
    case_id = make(store, opened_on="2026-03-01")
    with store.session() as session:
        data = cases.case_data(cases.get_case(session, case_id))
        data.status = CaseStatus.CLOSED
        assert cases.update_case(session, case_id, data, TODAY).closed_on == TODAY
    with store.session() as session:
        data = cases.case_data(cases.get_case(session, case_id))
        data.closed_on = "2026-03-05"
        assert cases.update_case(session, case_id, data, TODAY).closed_on == dt.date(2026, 3, 5)
        data.status, data.closed_on = CaseStatus.IN_PROGRESS, dt.date(2026, 3, 5)
        reopened = cases.update_case(session, case_id, data, TODAY)
        assert reopened.closed_on is None and reopened.status is CaseStatus.IN_PROGRESS


def test_a_case_cannot_close_before_it_opened_and_a_refused_edit_keeps_the_case(store: Store) -> None:
    errors = errors_of(store, status="closed", opened_on="2026-03-01", closed_on="2026-02-27")
    assert errors == {"closed_on": "A case cannot be closed before it was opened."}
    case_id = make(store, title="Original", opened_on="2026-03-01")
    with store.session() as session:
        data = cases.case_data(cases.get_case(session, case_id))
        data.title, data.status, data.closed_on = "Changed", CaseStatus.CLOSED, "2026-02-01"
        with pytest.raises(ValidationError):
            cases.update_case(session, case_id, data, TODAY)
    with store.read() as session:
        kept = cases.get_case(session, case_id)
        assert (kept.title, kept.status, kept.closed_on) == ("Original", CaseStatus.NEW, None)


def test_links_to_deleted_persons_or_activities_are_refused(store: Store) -> None:
    with store.session() as session:
        person = create_person(session, PersonData(name="Gone")).id
        activity = create_activity(session, ActivityData(core_task="support", title="Old", date="2026-01-01")).id
        delete_person(session, person)
        delete_activity(session, activity)
    errors = errors_of(store, person_ids=[person], activity_ids=[activity])
    assert set(errors) == {"persons", "activities"}


def test_list_shows_open_cases_first_by_due_date_and_filters_by_status(store: Store) -> None:
    org = company(store)
    make(store, title="Closed one", status="closed", due_on="2026-03-01")
    make(store, title="No due date")
    make(store, title="Due later", organisation_id=org, due_on="2026-04-01")
    make(store, title="Due soon", status="in_progress", due_on="2026-03-12")
    with store.read() as session:
        rows = cases.case_rows(session)
        assert [r.title for r in rows] == ["Due soon", "Due later", "No due date", "Closed one"]
        assert rows[1].company == "Holland Textiles B.V."
        assert [r.title for r in cases.case_rows(session, CaseStatus.CLOSED)] == ["Closed one"]
        assert [r.title for r in cases.case_rows(session, offset=1, limit=2)] == ["Due later", "No due date"]
        assert cases.count_cases(session, CaseStatus.NEW) == 2


def test_due_cases_lists_open_cases_due_by_a_date(store: Store) -> None:
    overdue = make(store, title="Overdue", due_on="2026-03-01")
    make(store, title="Next month", due_on="2026-04-15")
    make(store, title="Closed", status="closed", due_on="2026-03-02")
    this_week = make(store, title="This week", status="referred", referral="rvo", due_on="2026-03-14")
    gone = make(store, title="Deleted", due_on="2026-03-03")
    with store.session() as session:
        cases.delete_case(session, gone)
    with store.read() as session:
        due = cases.due_cases(session, dt.date(2026, 3, 15))
        with pytest.raises(NotFoundError):
            cases.get_case(session, gone)
    assert due == [(overdue, "Overdue", dt.date(2026, 3, 1), CaseStatus.NEW),
                   (this_week, "This week", dt.date(2026, 3, 14), CaseStatus.REFERRED)]


def test_a_case_starts_its_condition_check_once(store: Store) -> None:
    org = company(store)
    case_id = make(store, organisation_id=org)
    with store.session() as session:
        check, started = cases.start_condition_check(session, case_id, "trade_mission", "VN", "Alice")
        first = check.id
        assert started and check.organisation_id == org and check.post_code == "HAN"
    with store.session() as session:
        again, started = cases.start_condition_check(session, case_id, "matchmaking", "VN", "Alice")
        assert not started and again.id == first
        assert cases.get_case(session, case_id).condition_check_id == first
    with store.read() as session:
        assert session.query(ConditionCheck).count() == 1


def test_a_case_without_a_company_cannot_start_a_check(store: Store) -> None:
    case_id = make(store)
    with store.session() as session, pytest.raises(PostAppError, match="has no company"):
        cases.start_condition_check(session, case_id, "trade_mission", "VN", "Alice")
    with store.read() as session:
        assert session.query(ConditionCheck).count() == 0
        assert cases.get_case(session, case_id).condition_check_id is None


def test_a_bad_host_country_starts_no_check(store: Store) -> None:
    case_id = make(store, organisation_id=company(store))
    with store.session() as session, pytest.raises(ValidationError) as info:
        cases.start_condition_check(session, case_id, "trade_mission", "Vietnam", "Alice")
    assert "host_country" in info.value.errors
    with store.read() as session:
        assert cases.get_case(session, case_id).condition_check_id is None


def test_demo_cases_use_companies_in_the_store(store: Store) -> None:
    with store.session() as session:
        assert cases.add_demo_cases(session, random.Random(1), TODAY, "HAN") == 0
    with store.session() as session:
        create_organisation(session, OrganisationData(name="Delta Food B.V.", dutch_affiliated=True))
        made = cases.add_demo_cases(session, random.Random(1), TODAY, "HAN")
    with store.read() as session:
        rows = cases.case_rows(session)
    assert made == len(rows) >= 5
    assert {r.company for r in rows} == {"Delta Food B.V."}
    assert CaseStatus.REFERRED in {r.status for r in rows}
