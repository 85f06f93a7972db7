"""Use cases over the store: contacts, activities and the checks on what a user typed."""

import datetime as dt
import time
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from postapp.domain import (
    Activity,
    ActivityKind,
    CoreTask,
    Organisation,
    OrganisationKind,
    Person,
    SectorAgreement,
    Tag,
)
from postapp.errors import ValidationError
from postapp.i18n import parse_decimal, set_language
from postapp.services import activities, contacts, search, validation
from postapp.services.activities import ActivityData, FollowUpData
from postapp.services.contacts import OrganisationData, PersonData
from postapp.services.validation import split_list


def count(store, model) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def person_errors(store, data: PersonData) -> dict[str, str]:
    with pytest.raises(ValidationError) as info, store.session() as s:
        contacts.create_person(s, data)
    return info.value.errors


def organisation_errors(store, data: OrganisationData) -> dict[str, str]:
    with pytest.raises(ValidationError) as info, store.session() as s:
        contacts.create_organisation(s, data)
    return info.value.errors


def activity_errors(store, data: ActivityData) -> dict[str, str]:
    with pytest.raises(ValidationError) as info, store.session() as s:
        activities.create_activity(s, data)
    return info.value.errors


# --- persons -----------------------------------------------------------------------------------------

def test_create_update_delete_person(store):
    with store.session() as s:
        org = contacts.create_organisation(s, OrganisationData(name="Delta B.V."))
        person = contacts.create_person(s, PersonData(
            name="  Trần Thị Lan ", email=" Lan.Tran@Example.VN ", phone="+84 24 1234 5678",
            role="CSR manager", organisation_id=org.id, notes="  met at the IMVO session\n\nfollow up  ",
            sensitive=True, tags=["gender", "ILO"]))
        pid = person.id
    with store.session() as s:
        stored = contacts.get_person(s, pid)
        assert stored.name == "Trần Thị Lan"
        assert stored.email == "lan.tran@example.vn"
        assert stored.phone == "+84 24 1234 5678"
        assert stored.role == "CSR manager"
        assert stored.organisation_id == org.id
        assert stored.organisation.name == "Delta B.V."
        assert stored.notes == "met at the IMVO session\n\nfollow up"
        assert stored.sensitive is True
        assert sorted(t.name for t in stored.tags) == ["ILO", "gender"]
        data = contacts.person_data(stored)
    assert data == PersonData(name="Trần Thị Lan", email="lan.tran@example.vn", phone="+84 24 1234 5678",
                              role="CSR manager", organisation_id=org.id,
                              notes="met at the IMVO session\n\nfollow up", sensitive=True,
                              tags=[t.name for t in stored.tags])

    data.name, data.organisation_id, data.tags, data.sensitive = "Lan Trần", None, ["ILO"], False
    with store.session() as s:
        contacts.update_person(s, pid, data)
    with store.session() as s:
        stored = contacts.get_person(s, pid)
        assert (stored.name, stored.organisation_id, stored.sensitive) == ("Lan Trần", None, False)
        assert [t.name for t in stored.tags] == ["ILO"]
        contacts.delete_person(s, pid)
    with store.session() as s:
        assert search.count_persons(s) == 0
        assert s.get(Person, pid).deleted_at is not None


def test_create_update_delete_organisation(store):
    with store.session() as s:
        org = contacts.create_organisation(s, OrganisationData(
            name="Holland Textiles B.V.", kind="company", sector="Textiles and clothing", country="nl",
            employees="1,200", turnover_eur="€ 45,000,000", assets_eur=Decimal("12500000.5"),
            dutch_affiliated=True, website="https://example.nl", notes="convenant partner",
            agreements=["Kleding en textiel", " Kleding en textiel "]))
        oid = org.id
    with store.session() as s:
        stored = contacts.get_organisation(s, oid)
        assert stored.kind is OrganisationKind.COMPANY
        assert stored.country == "NL"
        assert stored.employees == 1200
        assert stored.turnover_eur == Decimal("45000000.00")
        assert stored.assets_eur == Decimal("12500000.50")
        assert stored.dutch_affiliated is True
        assert [a.name for a in stored.agreements] == ["Kleding en textiel"]
        assert stored.in_target_group is True
        data = contacts.organisation_data(stored)
    data.name, data.kind, data.employees, data.agreements = "Holland Textiles N.V.", "ngo", None, []
    with store.session() as s:
        contacts.update_organisation(s, oid, data)
    with store.session() as s:
        stored = contacts.get_organisation(s, oid)
        assert stored.name == "Holland Textiles N.V."
        assert stored.kind is OrganisationKind.NGO
        assert stored.employees is None
        assert stored.agreements == []
        assert stored.turnover_eur == Decimal("45000000.00")
        contacts.delete_organisation(s, oid)
    with store.session() as s:
        assert contacts.organisation_choices(s) == []
        assert search.count_organisations(s) == 0


# --- validation, per field ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["", "   ", None])
def test_person_without_name_is_rejected(store, name):
    errors = person_errors(store, PersonData(name=name, email="a@example.org"))
    assert list(errors) == ["name"]
    assert "required" in errors["name"]
    assert count(store, Person) == 0


@pytest.mark.parametrize(
    "email", ["not-an-email", "a@b", "two@@example.org", "a b@example.org", "x@example.c"])
def test_invalid_email_is_rejected(store, email):
    errors = person_errors(store, PersonData(name="Lan", email=email))
    assert list(errors) == ["email"]
    assert "e-mail" in errors["email"]
    assert count(store, Person) == 0


def test_all_field_errors_are_reported_together(store):
    errors = person_errors(store, PersonData(name="", email="nope", phone="1" * 61, tags=["x" * 81]))
    assert set(errors) == {"name", "email", "phone", "tags"}


def test_a_megabyte_of_notes_is_rejected_and_nothing_is_stored(store):
    with store.session() as s:
        with pytest.raises(ValidationError) as info:
            contacts.create_person(s, PersonData(name="Paste", notes="x" * 1_000_000, tags=["pasted"]))
        # The form keeps its session open after showing the errors; nothing may be pending in it.
        assert not s.new and not s.dirty
    errors = info.value.errors
    assert list(errors) == ["notes"]
    assert "100,000" in errors["notes"]  # the limit
    assert "1,000,000" in errors["notes"]  # what was pasted
    assert "100,000" in str(info.value)
    assert count(store, Person) == 0
    assert count(store, Tag) == 0


def test_notes_at_the_limit_are_accepted(store):
    with store.session() as s:
        pid = contacts.create_person(s, PersonData(name="Long", notes="y" * 100_000)).id
    with store.session() as s:
        assert len(contacts.get_person(s, pid).notes) == 100_000


@pytest.mark.parametrize(("field", "value"), [
    ("turnover_eur", "lots"),
    ("assets_eur", "20 million"),
    ("turnover_eur", "-5"),
    ("employees", "1.5"),
    ("employees", "many"),
    ("employees", "-3"),
    ("country", "Vietnam"),
    ("country", "V1"),
    ("kind", "spaceship"),
])
def test_invalid_organisation_fields_are_rejected(store, field, value):
    errors = organisation_errors(store, OrganisationData(name="Org", **{field: value}))
    assert list(errors) == [field]
    assert count(store, Organisation) == 0


@pytest.mark.parametrize(("field", "value"), [
    ("turnover_eur", "NaN"),
    ("assets_eur", "sNaN"),
    ("employees", "Infinity"),
    ("employees", "NaN"),
    ("turnover_eur", "Infinity"),
])
def test_special_numbers_are_validation_errors_not_crashes(store, field, value):
    # A user can type these; they must come back as a message on the field, not an unexpected error.
    errors = organisation_errors(store, OrganisationData(name="Org", **{field: value}))
    assert list(errors) == [field]
    assert count(store, Organisation) == 0


def test_rejected_organisation_update_leaves_the_stored_record_unchanged(store):
    with store.session() as s:
        oid = contacts.create_organisation(s, OrganisationData(name="Acme", employees=600, country="NL")).id
    with store.session() as s:
        with pytest.raises(ValidationError) as info:
            contacts.update_organisation(
                s, oid, OrganisationData(name="", employees="lots", country="Vietnam"))
        assert set(info.value.errors) == {"name", "employees", "country"}
        # The form shows the errors and the session ends normally: the rejected input must not be saved.
    with store.session() as s:
        stored = contacts.get_organisation(s, oid)
        assert (stored.name, stored.employees, stored.country) == ("Acme", 600, "NL")


def test_rejected_person_update_leaves_the_stored_record_unchanged(store):
    with store.session() as s:
        pid = contacts.create_person(s, PersonData(name="Lan", email="lan@example.vn")).id
    with store.session() as s, pytest.raises(ValidationError):
        contacts.update_person(s, pid, PersonData(name="", email="broken"))
    with store.session() as s:
        stored = contacts.get_person(s, pid)
        assert (stored.name, stored.email) == ("Lan", "lan@example.vn")


@pytest.mark.parametrize("date", ["31/31/2026", "tomorrow", "2026-02-30", "24.11"])
def test_activity_with_a_wrong_date_is_rejected(store, date):
    errors = activity_errors(store, ActivityData(title="Visit", date=date))
    assert list(errors) == ["date"]
    assert date.strip()[:40] in errors["date"]
    assert "2026-11-24" in errors["date"]  # the example of the right form
    assert count(store, Activity) == 0


def test_activity_needs_title_date_and_known_task_and_kind(store):
    errors = activity_errors(store, ActivityData(core_task="sixth", kind="party", title=" ", date=None))
    assert set(errors) == {"core_task", "kind", "title", "date"}
    errors = activity_errors(store, ActivityData(title="T", date="2026-01-01", follow_ups=[
        FollowUpData(description="", due_date="soon")]))
    assert list(errors) == ["follow_ups"]


def test_activity_dates_in_iso_and_locale_form(store):
    with store.session() as s:
        iso = activities.create_activity(s, ActivityData(title="A", date="2026-11-24"))
        local = activities.create_activity(s, ActivityData(title="B", date="24/11/2026"))
        typed = activities.create_activity(s, ActivityData(title="C", date=dt.date(2026, 11, 24)))
    assert iso.date == local.date == typed.date == dt.date(2026, 11, 24)


# --- locale: Dutch number and date notation ----------------------------------------------------------

def test_amounts_are_read_in_the_english_notation(store):
    with store.session() as s:
        org = contacts.create_organisation(s, OrganisationData(
            name="Org", turnover_eur="45,000,000", employees="1,500"))
    assert org.turnover_eur == Decimal(45_000_000)
    assert org.employees == 1500
    errors = organisation_errors(store, OrganisationData(name="Org", turnover_eur="40.000.000"))
    assert list(errors) == ["turnover_eur"]


def test_amounts_are_read_in_the_dutch_notation(store):
    set_language("nl")
    with store.session() as s:
        org = contacts.create_organisation(s, OrganisationData(
            name="Org", turnover_eur="40.000.000", assets_eur="20.000.000,50", employees="1.500"))
    assert org.turnover_eur == Decimal(40_000_000)
    assert org.assets_eur == Decimal("20000000.50")
    assert org.employees == 1500
    assert org.in_target_group is True  # assets 20M + 50 cents
    errors = organisation_errors(store, OrganisationData(name="Org", turnover_eur="45,000,000"))
    assert list(errors) == ["turnover_eur"]
    errors = organisation_errors(store, OrganisationData(name="Org", employees="1,5"))
    assert list(errors) == ["employees"]


def test_dates_and_limits_in_the_dutch_notation(store):
    set_language("nl")
    with store.session() as s:
        act = activities.create_activity(s, ActivityData(title="Bezoek", date="24-11-2026"))
    assert act.date == dt.date(2026, 11, 24)
    errors = activity_errors(store, ActivityData(title="Bezoek", date="31-31-2026"))
    assert list(errors) == ["date"]
    errors = person_errors(store, PersonData(name="Plak", notes="x" * 1_000_000))
    assert "100.000" in errors["notes"]  # the limit, in Dutch notation
    assert "1.000.000" in errors["notes"]


# --- activity counts and rows ------------------------------------------------------------------------

def make_activities(store):
    spec = [
        (CoreTask.EXPERTISE, ActivityKind.MEETING, "2026-01-10"),
        (CoreTask.EXPERTISE, ActivityKind.MEETING, "2026-03-01"),
        (CoreTask.EXPERTISE, ActivityKind.PUBLICATION, "2025-12-31"),
        (CoreTask.EXPERTISE, ActivityKind.VISIT, "2026-02-15"),
        (CoreTask.AGENDA, ActivityKind.DEMARCHE, "2026-01-01"),
        (CoreTask.SUPPORT, ActivityKind.REFERRAL, "2026-01-01"),
        (CoreTask.SUPPORT, ActivityKind.REFERRAL, "2026-01-02"),
    ]
    ids = []
    with store.session() as s:
        for i, (task, kind, date) in enumerate(spec):
            ids.append(activities.create_activity(s, ActivityData(
                core_task=task, kind=kind, title=f"{task.value} {i}", date=date, outcome=f"outcome {i}")).id)
    return ids


def test_counts_by_task_and_kind(store):
    ids = make_activities(store)
    with store.session() as s:
        assert activities.counts_by_task(s) == {
            CoreTask.EXPERTISE: 4, CoreTask.AGENDA: 1, CoreTask.SUPPORT: 2}
        assert activities.counts_by_kind(s, CoreTask.EXPERTISE) == {
            ActivityKind.MEETING: 2, ActivityKind.PUBLICATION: 1, ActivityKind.VISIT: 1}
        assert activities.counts_by_kind(s, CoreTask.SUPPORT) == {ActivityKind.REFERRAL: 2}
        assert activities.counts_by_kind(s, CoreTask.CONDITIONS) == {}
        activities.delete_activity(s, ids[0])
    with store.session() as s:
        assert activities.counts_by_task(s)[CoreTask.EXPERTISE] == 3
        assert activities.counts_by_kind(s, CoreTask.EXPERTISE)[ActivityKind.MEETING] == 1


def test_activity_rows_are_newest_first_and_paged(store):
    ids = make_activities(store)
    with store.session() as s:
        rows = activities.activity_rows(s, CoreTask.EXPERTISE)
        assert [r.date for r in rows] == [dt.date(2026, 3, 1), dt.date(2026, 2, 15), dt.date(2026, 1, 10),
                                          dt.date(2025, 12, 31)]
        assert [r.id for r in rows] == [ids[1], ids[3], ids[0], ids[2]]
        assert rows[0].kind is ActivityKind.MEETING
        assert (rows[0].title, rows[0].outcome) == ("expertise 1", "outcome 1")
        first = activities.activity_rows(s, CoreTask.EXPERTISE, offset=0, limit=3)
        rest = activities.activity_rows(s, CoreTask.EXPERTISE, offset=3, limit=3)
        assert first + rest == rows
        assert [r.id for r in activities.activity_rows(s, CoreTask.SUPPORT)] == [ids[6], ids[5]]
        assert activities.activity_rows(s, CoreTask.AWARENESS) == []


# --- what a form hands over ---------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["1e999999", "1E5", "2e-3", "1,5E3", "-1e10", "€ 4e7"])
def test_exponent_notation_is_not_a_number_a_user_means(text):
    started = time.monotonic()
    with pytest.raises(ValueError):
        parse_decimal(text)
    assert time.monotonic() - started < 1


@pytest.mark.parametrize(("field", "value"), [("employees", "1e999999"), ("employees", "1E5"),
                                              ("turnover_eur", "1e999999"), ("assets_eur", "4E7")])
def test_exponents_are_field_errors_at_once(store, field, value):
    started = time.monotonic()
    errors = organisation_errors(store, OrganisationData(name="Org", **{field: value}))
    assert list(errors) == [field]
    assert time.monotonic() - started < 1  # int(Decimal("1E+999999")) would take many seconds


def test_a_whole_number_is_parsed_once(monkeypatch):
    calls = []

    def counting(text: str) -> Decimal:
        calls.append(text)
        return parse_decimal(text)

    monkeypatch.setattr(validation, "parse_decimal", counting)
    check = validation.Checker()
    assert check.integer("employees", "1,500", "Employees") == 1500
    assert calls == ["1,500"]
    assert check.integer("employees", "1.5", "Employees") is None
    assert check.integer("employees", 20_000_000, "Employees") is None
    assert check.integer("employees", 250, "Employees") == 250
    assert list(check.errors) == ["employees"]


@pytest.mark.parametrize(("text", "items"), [
    ("living wage, gender", ["living wage", "gender"]),
    (" ILO ,, ,NCP ", ["ILO", "NCP"]),
    ("", []),
    (" , ", []),
    ("one", ["one"]),
])
def test_split_list(text, items):
    assert split_list(text) == items


def test_existing_agreements_are_reused_not_added_again(store, monkeypatch):
    with store.session() as s:
        contacts.create_organisation(s, OrganisationData(name="A", agreements=["Kleding en textiel"]))
    added = []
    real_add = Session.add

    def spy(self, instance, *args, **kwargs):
        added.append(instance)
        return real_add(self, instance, *args, **kwargs)

    monkeypatch.setattr(Session, "add", spy)
    with store.session() as s:
        org = contacts.create_organisation(s, OrganisationData(
            name="B", agreements=["Kleding en textiel", "Metaal"]))
        assert sorted(a.name for a in org.agreements) == ["Kleding en textiel", "Metaal"]
    assert sorted(a.name for a in added if isinstance(a, SectorAgreement)) == ["Metaal"]
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(SectorAgreement)) == 2
