"""The agenda-setting log: its rules, filters, the due next steps and the summary per topic."""

from __future__ import annotations

import datetime as dt
import random
import uuid

import pytest

from postapp.domain import AgendaTopic, Counterpart, OrganisationKind
from postapp.errors import NotFoundError, ValidationError
from postapp.services import agenda
from postapp.services.agenda import AgendaData
from postapp.services.contacts import OrganisationData, create_organisation, delete_organisation
from postapp.store import Store

TODAY = dt.date(2026, 3, 10)


def add(store: Store, **fields: object) -> uuid.UUID:
    values: dict[str, object] = {"date": "2026-03-01", "topic": "living_wage", "counterpart": "host_government"}
    values.update(fields)
    with store.session() as session:
        return agenda.create_entry(session, AgendaData(**values), "HAN").id  # type: ignore[arg-type]


def errors_of(store: Store, **fields: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        add(store, **fields)
    return info.value.errors


def test_an_entry_is_stored_with_its_organisation(store: Store) -> None:
    with store.session() as session:
        org = create_organisation(session, OrganisationData(name="Department of Labour, Hanoi",
                                                            kind=OrganisationKind.AUTHORITY)).id
    entry_id = add(store, organisation_id=org, position="Support a living wage process", outcome="Draft shared",
                   next_step="Send the benchmark study", next_step_due="2026-03-20")
    with store.read() as session:
        entry = agenda.get_entry(session, entry_id)
        assert (entry.topic, entry.counterpart, entry.post_code) == (
            AgendaTopic.LIVING_WAGE, Counterpart.HOST_GOVERNMENT, "HAN")
        assert entry.next_step_due == dt.date(2026, 3, 20) and not entry.next_step_done
        assert agenda.organisation_name(session, entry_id) == "Department of Labour, Hanoi"


def test_each_field_error_is_reported(store: Store) -> None:
    errors = errors_of(store, date="", topic="weather", counterpart="press", next_step_due="soon",
                       organisation_id=uuid.uuid4(), activity_id=uuid.uuid4())
    assert errors["date"] == "Date is required."
    assert errors["topic"] == "Choose the topic that was raised."
    assert errors["counterpart"] == "Choose with whom the topic was raised."
    assert "not a date" in errors["next_step_due"]
    assert errors["organisation"] == "The chosen organisation no longer exists."
    assert errors["activity"] == "The linked activity no longer exists."
    with store.read() as session:
        assert agenda.count_entries(session) == 0


def test_other_topic_needs_a_detail(store: Store) -> None:
    assert list(errors_of(store, topic=AgendaTopic.OTHER)) == ["topic_detail"]
    entry_id = add(store, topic="other", topic_detail="Plastic waste imports")
    with store.read() as session:
        assert agenda.get_entry(session, entry_id).topic_detail == "Plastic waste imports"


def test_a_due_date_without_a_next_step_is_refused(store: Store) -> None:
    errors = errors_of(store, next_step="  ", next_step_due="2026-03-20")
    assert errors == {"next_step": "A due date needs a next step: describe it, or clear the due date."}


def test_a_refused_edit_keeps_the_entry_and_a_deleted_one_is_gone(store: Store) -> None:
    entry_id = add(store, outcome="Agreed")
    with store.session() as session:
        data = agenda.entry_data(agenda.get_entry(session, entry_id))
        data.outcome, data.next_step_due = "Changed", "2026-04-01"
        with pytest.raises(ValidationError):
            agenda.update_entry(session, entry_id, data)
    with store.session() as session:
        assert agenda.get_entry(session, entry_id).outcome == "Agreed"
        agenda.delete_entry(session, entry_id)
    with store.read() as session:
        with pytest.raises(NotFoundError):
            agenda.get_entry(session, entry_id)
        assert agenda.agenda_rows(session) == []


def test_an_organisation_deleted_later_leaves_the_entry_editable(store: Store) -> None:
    with store.session() as session:
        org = create_organisation(session, OrganisationData(name="Gone Association")).id
    entry_id = add(store, organisation_id=org)
    with store.session() as session:
        delete_organisation(session, org)
    with store.session() as session:
        data = agenda.entry_data(agenda.get_entry(session, entry_id))
        assert data.organisation_id is None
        data.outcome = "Still editable"
        agenda.update_entry(session, entry_id, data)


def test_rows_newest_first_filtered_by_topic_and_counterpart(store: Store) -> None:
    add(store, date="2026-01-05", topic="gender", counterpart="civil_society")
    add(store, date="2026-02-05", topic="gender", counterpart="eu_delegation")
    add(store, date="2026-03-05", topic="child_labour", counterpart="eu_delegation")
    with store.read() as session:
        assert [r.date.month for r in agenda.agenda_rows(session)] == [3, 2, 1]
        assert [r.date.month for r in agenda.agenda_rows(session, topic=AgendaTopic.GENDER)] == [2, 1]
        assert [r.date.month for r in agenda.agenda_rows(session, AgendaTopic.GENDER, Counterpart.EU_DELEGATION)
                ] == [2]
        assert agenda.count_entries(session, counterpart=Counterpart.EU_DELEGATION) == 2
        assert [r.date.month for r in agenda.agenda_rows(session, offset=1, limit=1)] == [2]


def test_due_next_steps_leave_out_done_and_later_ones(store: Store) -> None:
    overdue = add(store, topic="deforestation", next_step="Draft joint invitation", next_step_due="2026-03-01")
    add(store, next_step="Done already", next_step_due="2026-03-02", next_step_done=True)
    add(store, next_step="Next month", next_step_due="2026-04-20")
    add(store, next_step="No date")
    this_week = add(store, topic="gender", next_step="Share findings", next_step_due="2026-03-13")
    with store.read() as session:
        due = agenda.due_next_steps(session, dt.date(2026, 3, 15))
    assert due == [(overdue, "Deforestation", "Draft joint invitation", dt.date(2026, 3, 1)),
                   (this_week, "Gender equality", "Share findings", dt.date(2026, 3, 13))]


def test_summary_per_topic(store: Store) -> None:
    add(store, date="2026-01-05", topic="gender", next_step="Open step")
    add(store, date="2026-02-07", topic="gender", next_step="Done step", next_step_done=True)
    add(store, date="2026-02-01", topic="child_labour")
    with store.read() as session:
        summary = agenda.topic_summary(session)
    assert summary == [(AgendaTopic.GENDER, 2, dt.date(2026, 2, 7), 1),
                       (AgendaTopic.CHILD_LABOUR, 1, dt.date(2026, 2, 1), 0)]


def test_demo_entries(store: Store) -> None:
    with store.session() as session:
        create_organisation(session, OrganisationData(name="Department of Labour", kind=OrganisationKind.AUTHORITY))
        made = agenda.add_demo_agenda(session, random.Random(3), TODAY, "HAN")
    with store.read() as session:
        assert made == agenda.count_entries(session) >= 5
        assert any(r.next_step_due for r in agenda.agenda_rows(session))
