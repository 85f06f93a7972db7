"""Expertise: knowledge notes with their review dates, the country risk profile with the post's
annotations over the shipped reference data, and the stakeholder overview."""

from __future__ import annotations

import datetime as dt
import random
import uuid

import pytest

from postapp.conditions import risk_data
from postapp.domain import OrganisationKind, RiskAnnotation
from postapp.errors import NotFoundError, ValidationError
from postapp.services import expertise
from postapp.services.activities import ActivityData, create_activity, delete_activity
from postapp.services.contacts import OrganisationData, PersonData, create_organisation, create_person, delete_person
from postapp.services.expertise import NoteData
from postapp.store import Store

TODAY = dt.date(2026, 3, 10)


def note(store: Store, **fields: object) -> uuid.UUID:
    values: dict[str, object] = {"title": "Living wages in garments"}
    values.update(fields)
    with store.session() as session:
        return expertise.create_note(session, NoteData(**values), "HAN").id  # type: ignore[arg-type]


def test_a_note_takes_reference_keys_for_names_and_keeps_free_text(store: Store) -> None:
    by_name = note(store, sector="Textiel en kleding", theme="living wage", sources="WageIndicator 2024",
                   review_on="2026-06-01", body="Minimum wages stay below estimates.")
    free = note(store, title="Tourism", sector="Tourism and hotels", theme="Sexual exploitation")
    with store.read() as session:
        stored = expertise.get_note(session, by_name)
        assert (stored.sector, stored.theme, stored.review_on) == ("textiles", "living_wage", dt.date(2026, 6, 1))
        assert expertise.note_data(stored).sources == "WageIndicator 2024"
        other = expertise.get_note(session, free)
        assert (other.sector, other.theme) == ("Tourism and hotels", "Sexual exploitation")


def test_note_errors_and_a_refused_edit(store: Store) -> None:
    with pytest.raises(ValidationError) as info:
        note(store, title=" ", review_on="next spring", sector="x" * 121)
    assert set(info.value.errors) == {"title", "review_on", "sector"}
    note_id = note(store, title="Kept")
    with store.session() as session, pytest.raises(ValidationError):
        expertise.update_note(session, note_id, NoteData(title="", body="lost?"))
    with store.read() as session:
        assert expertise.get_note(session, note_id).title == "Kept"


def test_notes_filtered_by_sector_and_theme_and_deleted(store: Store) -> None:
    a = note(store, title="B garments wages", sector="textiles", theme="living_wage")
    note(store, title="A garments water", sector="textiles", theme="water")
    note(store, title="C coffee", sector="agriculture", theme="deforestation")
    with store.session() as session:
        assert [r.title for r in expertise.note_rows(session)] == ["A garments water", "B garments wages", "C coffee"]
        assert [r.title for r in expertise.note_rows(session, sector="textiles")] == [
            "A garments water", "B garments wages"]
        assert [r.title for r in expertise.note_rows(session, "textiles", "living_wage")] == ["B garments wages"]
        assert expertise.used_values(session, "sector") == ["agriculture", "textiles"]
        expertise.delete_note(session, a)
    with store.read() as session:
        with pytest.raises(NotFoundError):
            expertise.get_note(session, a)
        assert len(expertise.note_rows(session)) == 2


def test_reviews_due(store: Store) -> None:
    overdue = note(store, title="Overdue", review_on="2026-02-01")
    note(store, title="Later", review_on="2026-09-01")
    note(store, title="Never")
    soon = note(store, title="Soon", review_on="2026-03-12")
    with store.read() as session:
        assert expertise.reviews_due(session, dt.date(2026, 3, 15)) == [
            (overdue, "Overdue", dt.date(2026, 2, 1)), (soon, "Soon", dt.date(2026, 3, 12))]


def test_the_profile_is_the_reference_data_until_annotated(store: Store) -> None:
    data = risk_data.load()
    with store.read() as session:
        profile = expertise.risk_profile(session, "vn")
    assert profile.covered and profile.country == "VN"
    assert profile.sectors == list(data.sectors) and profile.themes == list(data.themes)
    # Each reference cell shows the highest level listed for that sector and theme.
    for risk in data.profiles[("VN", "textiles")]:
        assert expertise.LEVELS.index(profile.cell("textiles", risk.theme).reference) >= expertise.LEVELS.index(
            risk.level)
    assert profile.cell("textiles", "living_wage").effective == "high"
    unlisted = [t for t in data.themes if t not in {r.theme for r in data.profiles[("VN", "financial")]}]
    assert profile.cell("financial", unlisted[0]) == expertise.RiskCell("", "", "")
    with store.read() as session:
        assert not expertise.risk_profile(session, "NL").covered


def test_an_annotation_is_upserted_merged_and_cleared(store: Store) -> None:
    data = risk_data.load()
    reference = next(t for t in data.themes if t not in {r.theme for r in data.profiles[("VN", "financial")]})
    with store.session() as session:
        expertise.set_annotation(session, "VN", "financial", reference, "medium", "Seen in our own work", "HAN")
    with store.session() as session:
        expertise.set_annotation(session, "vn", "financial", reference, "high", "Worse than we thought", "HAN")
        expertise.set_annotation(session, "VN", "textiles", "living_wage", "", "Confirmed by unions", "HAN")
    with store.read() as session:
        profile = expertise.risk_profile(session, "VN")
        assert session.query(RiskAnnotation).count() == 2
        assert expertise.risk_profile(session, "GH").cell("financial", reference).level == ""
    assert profile.cell("financial", reference) == ("", "high", "Worse than we thought")
    assert profile.cell("financial", reference).effective == "high"
    living = profile.cell("textiles", "living_wage")
    assert (living.reference, living.level, living.effective, living.annotated) == (
        "high", "", "high", True)

    with store.session() as session:
        assert expertise.set_annotation(session, "VN", "financial", reference, "", "  ") is None
    with store.read() as session:
        assert expertise.risk_profile(session, "VN").cell("financial", reference) == ("", "", "")
    with store.session() as session:  # set again after clearing: the same row comes back
        expertise.set_annotation(session, "VN", "financial", reference, "low", "")
    with store.read() as session:
        rows = session.query(RiskAnnotation).filter_by(sector="financial").all()
        assert len(rows) == 1 and rows[0].level == "low" and rows[0].deleted_at is None


def test_annotation_errors(store: Store) -> None:
    with store.session() as session, pytest.raises(ValidationError) as info:
        expertise.set_annotation(session, "Viet Nam", "tourism", "noise", "extreme", "")
    assert set(info.value.errors) == {"country", "sector", "theme", "level"}
    with store.read() as session:
        assert session.query(RiskAnnotation).count() == 0


def test_stakeholders_counted_by_kind_without_naming_sensitive_persons(store: Store) -> None:
    with store.session() as session:
        union = create_organisation(session, OrganisationData(name="Garment Workers Union",
                                                              kind=OrganisationKind.TRADE_UNION)).id
        firm = create_organisation(session, OrganisationData(name="Holland Textiles B.V.")).id
        create_organisation(session, OrganisationData(name="Quiet B.V."))
        create_person(session, PersonData(name="Trần Thị Secret", organisation_id=union, sensitive=True))
        create_person(session, PersonData(name="Lê Văn Open", organisation_id=union))
        gone = create_person(session, PersonData(name="Deleted Person", organisation_id=union)).id
        delete_person(session, gone)
        create_person(session, PersonData(name="Sanne de Vries", organisation_id=firm))
        for date in ("2026-03-01", "2025-06-01", "2024-01-10", "2026-05-01"):  # two in the year, one old, one planned
            create_activity(session, ActivityData(title=f"Meeting {date}", date=date, organisation_ids=[union]))
        dropped = create_activity(session, ActivityData(title="Dropped", date="2026-03-05", organisation_ids=[firm]))
        delete_activity(session, dropped.id)
    with store.read() as session:
        rows = expertise.stakeholder_rows(session, TODAY)
        summary = expertise.stakeholder_summary(session, TODAY)
        unions = expertise.stakeholder_rows(session, TODAY, OrganisationKind.TRADE_UNION)
        second = expertise.stakeholder_rows(session, TODAY, offset=1, limit=1)
        assert expertise.count_stakeholders(session) == 3
        assert expertise.count_stakeholders(session, OrganisationKind.NGO) == 0
    # By kind (companies first, as the kinds are listed), then by name.
    assert [(r.name, r.persons, r.activities, r.last_activity) for r in rows] == [
        ("Holland Textiles B.V.", 1, 0, None), ("Quiet B.V.", 0, 0, None),
        ("Garment Workers Union", 2, 2, dt.date(2026, 3, 1))]
    assert [r.name for r in unions] == ["Garment Workers Union"]
    assert [r.name for r in second] == ["Quiet B.V."]
    assert summary == [(OrganisationKind.COMPANY, 2, 1, 0, None),
                       (OrganisationKind.TRADE_UNION, 1, 2, 2, dt.date(2026, 3, 1))]
    assert "Secret" not in repr(rows) + repr(summary)


def test_demo_notes_and_annotations(store: Store) -> None:
    with store.session() as session:
        made = expertise.add_demo_notes(session, random.Random(5), TODAY, "HAN")
    with store.read() as session:
        assert made == len(expertise.note_rows(session)) >= 5
        assert expertise.reviews_due(session, TODAY + dt.timedelta(days=7))
        profile = expertise.risk_profile(session, "VN")
    assert sum(cell.annotated for cell in profile.cells.values()) == 2
