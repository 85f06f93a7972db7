"""The domain models: the 90% target-group rule, synced-record columns, soft delete, tags, activities."""

import datetime as dt
import time
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from postapp.domain import (
    Activity,
    ActivityKind,
    CoreTask,
    FollowUp,
    Organisation,
    OrganisationKind,
    Person,
    Tag,
)
from postapp.errors import NotFoundError, ValidationError
from postapp.services import activities, contacts, search
from postapp.services.activities import ActivityData, FollowUpData
from postapp.services.contacts import OrganisationData, PersonData

M = Decimal(1_000_000)


def company(employees, assets=None, turnover=None, kind=OrganisationKind.COMPANY):
    return Organisation(name="X", kind=kind, employees=employees, assets_eur=assets, turnover_eur=turnover)


# --- the government's 90% target group -------------------------------------------------------------

@pytest.mark.parametrize(
    ("employees", "assets", "turnover", "expected"),
    [
        (500, 20 * M + Decimal("0.01"), None, True),
        (500, None, 40 * M + Decimal("0.01"), True),
        (500, 21 * M, 41 * M, True),
        (10_000, 100 * M, None, True),
        (500, 20 * M, None, False),  # exactly 20M assets is not "more than"
        (500, None, 40 * M, False),  # exactly 40M turnover is not "more than"
        (500, 20 * M, 40 * M, False),
        (499, 100 * M, 100 * M, False),  # one employee short
        (None, 100 * M, 100 * M, False),  # unknown size
        (500, None, None, False),  # unknown money
        (0, 0, 0, False),
    ],
)
def test_in_target_group_boundaries(employees, assets, turnover, expected):
    assert company(employees, assets, turnover).in_target_group is expected


@pytest.mark.parametrize("kind", [k for k in OrganisationKind if k != OrganisationKind.COMPANY])
def test_non_company_is_never_in_target_group(kind):
    assert company(100_000, 10_000 * M, 10_000 * M, kind=kind).in_target_group is False


def test_target_group_survives_a_round_trip_through_the_store(store):
    with store.session() as s:
        inside = contacts.create_organisation(s, OrganisationData(
            name="Big", employees="500", assets_eur="20,000,001", turnover_eur="10"))
        border = contacts.create_organisation(s, OrganisationData(
            name="Border", employees=500, assets_eur=20_000_000, turnover_eur=40_000_000))
    with store.session() as s:
        assert s.get(Organisation, inside.id).in_target_group is True
        assert s.get(Organisation, border.id).in_target_group is False
        assert s.get(Organisation, border.id).turnover_eur == 40 * M


# --- columns every synced record shares -------------------------------------------------------------

def test_keys_are_random_uuids_stored_as_hex(store):
    with store.session() as s:
        a = contacts.create_person(s, PersonData(name="A"))
        b = contacts.create_person(s, PersonData(name="B"))
        org = contacts.create_organisation(s, OrganisationData(name="Org"))
    for key in (a.id, b.id, org.id):
        assert isinstance(key, uuid.UUID)
        assert key.version == 4
    assert len({a.id, b.id, org.id}) == 3
    with store.session() as s:
        stored = set(s.execute(text("SELECT id FROM person")).scalars())
    assert stored == {a.id.hex, b.id.hex}


def test_timestamps_are_set_and_updated_at_moves_on_update(store):
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with store.session() as s:
        pid = contacts.create_person(s, PersonData(name="Lan")).id
    with store.session() as s:
        person = s.get(Person, pid)
        created, updated = person.created_at, person.updated_at
    assert created is not None and updated is not None
    assert abs(created.replace(tzinfo=None) - before) < dt.timedelta(minutes=1)
    assert abs(updated.replace(tzinfo=None) - created.replace(tzinfo=None)) < dt.timedelta(seconds=1)

    time.sleep(0.01)
    with store.session() as s:
        contacts.update_person(s, pid, PersonData(name="Lan Trần"))
    with store.session() as s:
        person = s.get(Person, pid)
        assert person.name == "Lan Trần"
        assert person.created_at == created
        assert person.updated_at > updated


def test_post_code_is_stored_on_records_and_their_new_tags(store):
    with store.session() as s:
        org = contacts.create_organisation(s, OrganisationData(name="Org"), post_code="HAN")
        person = contacts.create_person(s, PersonData(name="P", tags=["ILO"]), post_code="HAN")
        act = activities.create_activity(s, ActivityData(title="T", date="2026-01-05", follow_ups=[
            FollowUpData(description="Call back")]), post_code="HAN")
    with store.session() as s:
        assert s.get(Organisation, org.id).post_code == "HAN"
        assert s.get(Person, person.id).post_code == "HAN"
        assert s.scalars(select(Tag.post_code)).all() == ["HAN"]
        stored = s.get(Activity, act.id)
        assert stored.post_code == "HAN"
        assert [f.post_code for f in stored.follow_ups] == ["HAN"]
        assert s.execute(text("SELECT post_code FROM person")).scalar() == "HAN"


# --- soft delete -------------------------------------------------------------------------------------

def test_soft_deleted_person_is_hidden_from_services_but_kept_in_the_table(store):
    with store.session() as s:
        gone = contacts.create_person(s, PersonData(name="Gone Person", email="gone@example.org"))
        kept = contacts.create_person(s, PersonData(name="Kept Person"))
    with store.session() as s:
        contacts.delete_person(s, gone.id)
    with store.session() as s:
        with pytest.raises(NotFoundError):
            contacts.get_person(s, gone.id)
        with pytest.raises(NotFoundError):
            contacts.update_person(s, gone.id, PersonData(name="Back"))
        with pytest.raises(NotFoundError):
            contacts.delete_person(s, gone.id)
        assert [r.id for r in search.person_rows(s)] == [kept.id]
        assert search.person_rows(s, "gone") == []
        assert [r.id for r in search.person_rows(s, "person")] == [kept.id]
        assert search.count_persons(s) == 1
        # Soft: the row is still there, marked deleted, so the deletion can travel as a change.
        row = s.get(Person, gone.id)
        assert row is not None and row.is_deleted
        assert s.scalar(select(func.count()).select_from(Person)) == 2


def test_soft_deleted_organisation_is_hidden_and_frees_its_persons(store):
    with store.session() as s:
        org = contacts.create_organisation(s, OrganisationData(name="Closing Ltd"))
        other = contacts.create_organisation(s, OrganisationData(name="Open Ltd"))
        person = contacts.create_person(s, PersonData(name="Staff", organisation_id=org.id))
    with store.session() as s:
        contacts.delete_organisation(s, org.id)
    with store.session() as s:
        with pytest.raises(NotFoundError):
            contacts.get_organisation(s, org.id)
        assert contacts.organisation_choices(s) == [(other.id, "Open Ltd")]
        assert [r.id for r in search.organisation_rows(s)] == [other.id]
        assert search.organisation_rows(s, "closing") == []
        assert contacts.get_person(s, person.id).organisation_id is None
        assert search.person_rows(s, "closing") == []
        # A deleted organisation cannot be chosen for a person any more.
        with pytest.raises(ValidationError) as info:
            contacts.create_person(s, PersonData(name="New", organisation_id=org.id))
        assert "organisation" in info.value.errors


# --- tags --------------------------------------------------------------------------------------------

def test_tags_are_shared_between_persons(store):
    with store.session() as s:
        a = contacts.create_person(s, PersonData(name="A", tags=["gender", "living wage"]))
        b = contacts.create_person(s, PersonData(name="B", tags=[" gender ", "NCP", "gender"]))
    with store.session() as s:
        tags = {t.name: t.id for t in s.scalars(select(Tag))}
        assert sorted(tags) == ["NCP", "gender", "living wage"]
        pa, pb = s.get(Person, a.id), s.get(Person, b.id)
        assert [t.name for t in pa.tags] == ["gender", "living wage"]
        assert [t.name for t in pb.tags] == ["gender", "NCP"]  # case-insensitive, as people read
        shared = {t.id for t in pa.tags} & {t.id for t in pb.tags}
        assert shared == {tags["gender"]}
        assert s.scalar(text("SELECT count(*) FROM person_tag")) == 4


# --- activities --------------------------------------------------------------------------------------

def test_activity_with_participants_and_follow_ups(store):
    with store.session() as s:
        org = contacts.create_organisation(s, OrganisationData(name="Delta B.V."))
        p1 = contacts.create_person(s, PersonData(name="Anouk", organisation_id=org.id))
        p2 = contacts.create_person(s, PersonData(name="Minh"))
        act = activities.create_activity(s, ActivityData(
            core_task=CoreTask.SUPPORT, kind=ActivityKind.SUPPORT_REQUEST, title="Question on living wage",
            date="2026-03-02", notes="line 1\nline 2", person_ids=[p1.id, p2.id], organisation_ids=[org.id],
            follow_ups=[
                FollowUpData(description="Send report", owner="Eva", due_date="2026-03-20"),
                FollowUpData(description="Introduce to RVO", owner="Bram", due_date=dt.date(2026, 3, 9),
                             done=True),
                FollowUpData(description="Someday"),
            ]))
    with store.session() as s:
        stored = activities.get_activity(s, act.id)
        assert stored.core_task is CoreTask.SUPPORT
        assert stored.kind is ActivityKind.SUPPORT_REQUEST
        assert stored.date == dt.date(2026, 3, 2)
        assert stored.notes == "line 1\nline 2"
        assert {p.id for p in stored.persons} == {p1.id, p2.id}
        assert [o.id for o in stored.organisations] == [org.id]
        assert {(f.description, f.owner, f.due_date, f.done) for f in stored.follow_ups} == {
            ("Send report", "Eva", dt.date(2026, 3, 20), False),
            ("Introduce to RVO", "Bram", dt.date(2026, 3, 9), True),
            ("Someday", "", None, False),
        }
        dated = [f.due_date for f in stored.follow_ups if f.due_date is not None]
        assert dated == sorted(dated)
        assert all(f.activity_id == act.id and f.activity is stored for f in stored.follow_ups)
        assert s.scalar(select(func.count()).select_from(FollowUp)) == 3


def test_activity_update_replaces_follow_ups_and_delete_hides_it(store):
    with store.session() as s:
        act = activities.create_activity(s, ActivityData(title="T", date="2026-01-05", follow_ups=[
            FollowUpData(description="Old")]))
    with store.session() as s:
        activities.update_activity(s, act.id, ActivityData(title="T2", date="2026-01-06", follow_ups=[
            FollowUpData(description="New")]))
    with store.session() as s:
        stored = activities.get_activity(s, act.id)
        assert stored.title == "T2"
        assert [f.description for f in stored.follow_ups] == ["New"]
        activities.delete_activity(s, act.id)
    with store.session() as s:
        with pytest.raises(NotFoundError):
            activities.get_activity(s, act.id)
        assert activities.activity_rows(s, CoreTask.EXPERTISE) == []
        assert activities.counts_by_task(s) == {}


def test_editing_an_activity_keeps_its_follow_ups_and_soft_deletes_removed_ones(store):
    with store.session() as s:
        act = activities.create_activity(s, ActivityData(title="T", date="2026-01-05", follow_ups=[
            FollowUpData(description="Send report", owner="Eva", due_date="2026-01-20"),
            FollowUpData(description="Call back", due_date="2026-01-10"),
        ]), post_code="HAN")
    with store.session() as s:
        data = activities.activity_data(activities.get_activity(s, act.id))
    ids = {f.description: f.id for f in data.follow_ups}
    assert None not in ids.values()

    report = next(f for f in data.follow_ups if f.description == "Send report")
    report.done, report.owner = True, "Bram"
    data.follow_ups = [report, FollowUpData(description="Visit the factory")]  # "Call back" removed
    with store.session() as s:
        updated = activities.update_activity(s, act.id, data)
        assert {f.description for f in updated.follow_ups} == {"Send report", "Visit the factory"}
    with store.session() as s:
        stored = activities.get_activity(s, act.id)
        by_description = {f.description: f for f in stored.follow_ups}
        assert set(by_description) == {"Send report", "Visit the factory"}
        assert by_description["Send report"].id == ids["Send report"]  # edited in place, same id
        assert (by_description["Send report"].done, by_description["Send report"].owner) == (True, "Bram")
        assert by_description["Visit the factory"].post_code == "HAN"
        removed = s.get(FollowUp, ids["Call back"])
        assert removed is not None and removed.is_deleted  # soft-deleted: the deletion can travel
        assert removed.activity_id == act.id
        assert s.scalar(select(func.count()).select_from(FollowUp)) == 3
        # Editing again with the same data changes no ids.
        again = activities.activity_data(stored)
    with store.session() as s:
        activities.update_activity(s, act.id, again)
    with store.session() as s:
        assert {f.id for f in activities.get_activity(s, act.id).follow_ups} == {
            ids["Send report"], by_description["Visit the factory"].id}


def test_a_follow_up_removed_meanwhile_cannot_be_edited(store):
    with store.session() as s:
        act = activities.create_activity(s, ActivityData(title="T", date="2026-01-05", follow_ups=[
            FollowUpData(description="Old")]))
    with store.session() as s:
        data = activities.activity_data(activities.get_activity(s, act.id))
    stale = data.follow_ups[0]
    with store.session() as s:
        activities.update_activity(s, act.id, ActivityData(title="T", date="2026-01-05"))
    with pytest.raises(ValidationError) as info, store.session() as s:
        activities.update_activity(s, act.id, ActivityData(title="T", date="2026-01-05", follow_ups=[stale]))
    assert list(info.value.errors) == ["follow_ups"]
