"""Preview and import: per-row errors, duplicates, organisations, tags, one transaction, cancel."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from postapp.contacts_io import importer
from postapp.contacts_io.importer import ImportCancelled, ImportOptions, prepare, row_messages, write
from postapp.contacts_io.mapping import Field, suggest
from postapp.contacts_io.sources import FileRefused, open_source
from postapp.domain import Gender, Organisation, OrganisationKind, Person
from postapp.services import search
from postapp.services.contacts import OrganisationData, create_organisation
from tests.contacts_io.helpers import FIXTURES, many_rows, write_csv


def plan_of(store, path, fields=None):
    source = open_source(path)
    return prepare(store, source, fields if fields is not None else suggest(source.headers))


def persons(store) -> dict[str, Person]:
    with store.read() as session:
        found = session.scalars(select(Person)).all()
        for person in found:
            _ = person.organisation, person.tags
        return {p.name: p for p in found}


def snapshot(store) -> dict[str, object]:
    """Everything an import touches, to compare before and after."""
    with store.engine.connect() as conn:
        state: dict[str, object] = {
            table: conn.exec_driver_sql(f"SELECT * FROM {table} ORDER BY 1, 2").all()
            for table in ("person", "organisation", "tag", "person_tag", "contact_index")}
        state["fts"] = conn.exec_driver_sql("SELECT rowid, * FROM contact_fts ORDER BY rowid").all()
        state["triggers"] = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name").all()
    return state


def test_outlook_preview_lists_row_errors_and_writes_nothing(store):
    plan = plan_of(store, FIXTURES / "outlook.csv")
    assert len(plan.rows) == 6
    messages = list(row_messages(plan))
    assert "Row 4: 'pieter.bakker(at)example.nl' is not a valid e-mail address (example: name@example.org)." \
        in messages
    assert "Row 5: Name is required." in messages
    assert any(m.startswith("Row 6: '=HYPERLINK") for m in messages)
    assert (plan.ready_count, plan.error_count) == (3, 3)
    assert set(plan.new_organisations.values()) == {"Holland Textiles B.V.", "VCCI"}
    assert persons(store) == {}


def test_outlook_import_fields_tags_and_organisations(store):
    result = write(store, plan_of(store, FIXTURES / "outlook.csv"), post_code="HAN")
    assert (result.persons, result.organisations, result.skipped_errors) == (3, 2, 3)
    stored = persons(store)
    sanne = stored["Sanne de Vries"]
    assert sanne.email == "sanne.devries@holland-textiles.example.nl"
    assert sanne.phone == "+84 24 3831 5650"  # the business number, though "Home Phone" comes first
    assert sanne.role == "CSR manager" and sanne.post_code == "HAN"
    assert sorted(t.name for t in sanne.tags) == ["IMVO", "Textiles"]
    assert sanne.notes.startswith("Met at the IMVO session.\nAsked about living wage.")
    assert "E-mail 2 Address: sanne@example.org" in sanne.notes and "Mobile Phone: +31 6 1234 5678" in sanne.notes
    assert sanne.lawful_basis == "" and sanne.sensitive is False
    # "Holland Textiles B.V." twice in the file: one organisation, a company.
    assert sanne.organisation is not None and stored["Eva Mulder"].organisation_id == sanne.organisation_id
    assert sanne.organisation.kind is OrganisationKind.COMPANY
    assert stored["Nguyễn Thị Hoa"].organisation.name == "VCCI"
    with store.read() as session:  # the search index knows the new persons (per-row triggers here)
        assert search.count_persons(session, "Sanne") == 1
        assert search.count_persons(session, "textiles") >= 2


def test_existing_organisation_matched_case_insensitively(store):
    with store.session() as session:
        existing = create_organisation(session, OrganisationData(name="HOLLAND TEXTILES b.v.", kind="ngo")).id
    plan = plan_of(store, FIXTURES / "outlook.csv")
    assert "holland textiles b.v." not in plan.new_organisations
    write(store, plan)
    assert persons(store)["Sanne de Vries"].organisation_id == existing


def test_dutch_outlook_cp1252_with_gender(store):
    write(store, plan_of(store, FIXTURES / "outlook_nl.csv"))
    stored = persons(store)
    rene = stored["René van den Berg"]
    assert rene.gender is Gender.MALE and rene.organisation.name == "Coöperatie Zuivel"
    assert stored["Anouk Jansen"].gender is Gender.FEMALE
    assert stored["Anouk Jansen"].phone == "+31 6 9876 5432"


def test_google_old_and_new_exports(store):
    write(store, plan_of(store, FIXTURES / "google_old.csv"))
    write(store, plan_of(store, FIXTURES / "google_new.csv"))
    stored = persons(store)
    minh = stored["Trần Văn Minh"]  # the "Name" column wins over given + family
    assert minh.email == "minh.tran@vgcl.example.vn" and "minh@example.com" in minh.notes
    assert sorted(t.name for t in minh.tags) == ["IMVO", "Trade unions"]  # "* myContacts" dropped
    assert minh.role == "Policy officer" and minh.organisation.name == "VGCL"
    assert [t.name for t in stored["Lotte Smit"].tags] == ["starred"]
    femke = stored["Femke Hendriks"]
    assert [t.name for t in femke.tags] == ["IMVO"]  # the existing tag is reused
    assert femke.organisation.name == "MVO Nederland" and femke.role == "Adviseur"
    assert stored["Lê Thu Trang"].tags == []


def test_vcard_30_and_40(store):
    result3 = write(store, plan_of(store, FIXTURES / "contacts_v3.vcf"))
    assert (result3.persons, result3.skipped_errors) == (2, 1)  # the card without a name
    write(store, plan_of(store, FIXTURES / "contacts_v4.vcf"))
    stored = persons(store)
    bram = stored["Bram de Groot"]
    assert bram.email == "b.degroot@noordzee.example.nl" and bram.role == "Head of sustainability"
    assert sorted(t.name for t in bram.tags) == ["Energy", "IMVO"]
    iris = stored["Iris Peters"]
    assert iris.gender is Gender.FEMALE and iris.phone == "+31-20-555-0142"
    assert iris.organisation_id == stored["Ruben Vos"].organisation_id


def test_missing_name_column_is_refused(store, tmp_path):
    path = write_csv(tmp_path / "noname.csv", ["E-mail", "Company"], [["a@example.org", "Delta"]])
    with pytest.raises(FileRefused, match="No column holds the name"):
        plan_of(store, path)


def test_mapping_changed_by_the_user(store, tmp_path):
    path = write_csv(tmp_path / "odd.csv", ["Wie", "Waar", "Code"], [["Ann Smit", "Delta", "consent"]])
    plan = plan_of(store, path, [Field.NAME, Field.ORGANISATION, Field.LAWFUL_BASIS])
    write(store, plan)
    ann = persons(store)["Ann Smit"]
    assert ann.organisation.name == "Delta" and ann.lawful_basis == "consent"


def test_bad_gender_basis_date_and_lengths_are_row_errors(store, tmp_path):
    header = ["Name", "Gender", "Lawful basis", "Consent date", "Job Title"]
    path = write_csv(tmp_path / "bad.csv", header, [
        ["Ann", "robot", "", "", ""], ["Bob", "", "because", "", ""], ["Cas", "", "", "yesterday", ""],
        ["Dirk", "", "", "", "x" * 201], ["Eva", "vrouw", "toestemming", "2025-03-01", "Chair"]])
    plan = plan_of(store, path)
    messages = list(row_messages(plan))
    assert messages[0] == "Row 2: gender 'robot' is not recognised; use woman, man or other."
    assert messages[1].startswith("Row 3: lawful basis 'because' is not recognised")
    assert messages[2] == "Row 4: 'yesterday' is not a date. Use the form 2026-11-24."
    assert messages[3] == "Row 5: Role is too long: at most 200 characters, this has 201."
    assert plan.ready_count == 1
    write(store, plan)
    eva = persons(store)["Eva"]
    assert (eva.gender, eva.lawful_basis, eva.consent_date.isoformat()) == ("female", "consent", "2025-03-01")


def test_duplicates_flagged_and_skipped_by_default(store, tmp_path):
    write(store, plan_of(store, FIXTURES / "outlook.csv"))
    header = ["Name", "E-mail", "Company"]
    path = write_csv(tmp_path / "again.csv", header, [
        ["S. de Vries", "SANNE.DEVRIES@holland-textiles.example.nl", ""],  # same e-mail as stored
        ["eva mulder", "", "holland textiles b.v."],  # same name and organisation as stored
        ["New Person", "new@example.org", ""], ["New Person", "new@example.org", ""]])  # twice in the file
    plan = plan_of(store, path)
    messages = list(row_messages(plan))
    assert messages[0] == "Row 2: possible duplicate (same e-mail as Sanne de Vries, already in your contacts)"
    assert messages[1].startswith("Row 3: possible duplicate (same name and organisation")
    assert messages[2] == "Row 5: possible duplicate (same e-mail as row 4)"
    assert (plan.ready_count, plan.duplicate_count) == (1, 3)
    result = write(store, plan)
    assert (result.persons, result.skipped_duplicates) == (1, 3)
    assert len(persons(store)) == 4


def test_duplicates_imported_when_asked(store, tmp_path):
    path = write_csv(tmp_path / "twice.csv", ["Name", "E-mail"], [["Ann", "a@example.org"], ["Ann", "a@example.org"]])
    result = write(store, plan_of(store, path), ImportOptions(skip_duplicates=False))
    assert result.persons == 2


def test_organisations_not_created_when_the_option_is_off(store):
    result = write(store, plan_of(store, FIXTURES / "outlook.csv"), ImportOptions(create_organisations=False))
    assert (result.organisations, result.unmatched_organisations) == (0, 2)
    sanne = persons(store)["Sanne de Vries"]
    assert sanne.organisation_id is None and "Organisation: Holland Textiles B.V." in sanne.notes
    with store.read() as session:
        assert session.scalars(select(Organisation)).all() == []


def test_large_import_uses_bulk_load_and_rebuilds_search(store, tmp_path):
    before = snapshot(store)["triggers"]
    result = write(store, plan_of(store, many_rows(tmp_path / "many.csv", 6000)))
    assert (result.persons, result.organisations, result.tags) == (6000, 50, 2)
    after = snapshot(store)
    assert after["triggers"] == before  # the suspended index triggers are back
    with store.read() as session:
        assert search.count_persons(session, "Family5999") == 1
        assert search.count_persons(session, "bulk") == 6000


def test_cancel_mid_import_leaves_the_store_exactly_as_before(store, tmp_path):
    write(store, plan_of(store, FIXTURES / "outlook.csv"))
    before = snapshot(store)
    plan = plan_of(store, many_rows(tmp_path / "many.csv", 12_000))
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> bool:
        calls.append((done, total))
        return done < 2 * importer.BATCH  # cancel after two batches were written

    with pytest.raises(ImportCancelled, match="nothing was imported"):
        write(store, plan, progress=progress)
    assert calls == [(5000, 12_000), (10_000, 12_000)]
    assert snapshot(store) == before


def test_a_cancel_after_the_last_batch_still_leaves_the_store_as_before(store, tmp_path):
    before = snapshot(store)
    plan = plan_of(store, many_rows(tmp_path / "many.csv", 6000))
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> bool:
        calls.append((done, total))
        return len(calls) <= 2  # both batches written, then Cancel during the index rebuild

    with pytest.raises(ImportCancelled, match="nothing was imported"):
        write(store, plan, progress=progress)
    assert calls == [(5000, 6000), (6000, 6000), (6000, 6000)]
    assert snapshot(store) == before


def test_failure_mid_import_rolls_back(store, tmp_path, monkeypatch):
    before = snapshot(store)
    plan = plan_of(store, many_rows(tmp_path / "many.csv", 2000))

    def boom(done: int, total: int) -> bool:
        raise OSError("disk full")

    with pytest.raises(OSError):
        write(store, plan, progress=boom)
    assert snapshot(store) == before


def test_preview_can_be_cancelled(store, tmp_path):
    source = open_source(many_rows(tmp_path / "many.csv", 3000))
    with pytest.raises(ImportCancelled):
        prepare(store, source, suggest(source.headers), progress=lambda done, total: False)


def test_formula_escape_from_our_own_export_is_undone(store, tmp_path):
    path = write_csv(tmp_path / "escaped.csv", ["Name", "Phone"], [["Ann", "'+31 6 1234 5678"]])
    write(store, plan_of(store, path))
    assert persons(store)["Ann"].phone == "+31 6 1234 5678"


def test_imported_rows_are_stored_as_the_orm_stores_them(store, tmp_path):
    """The importer writes pre-converted values through untyped table clauses: same forms as the ORM."""
    from postapp.services.contacts import PersonData, create_person

    with store.session() as session:
        org = create_organisation(session, OrganisationData(name="Delta")).id
        person = create_person(session, PersonData(name="By Form", organisation_id=org, tags=["IMVO"]))
        person.consent_date = __import__("datetime").date(2025, 3, 1)
    path = write_csv(tmp_path / "one.csv", ["Name", "Company", "Categories", "Consent date"],
                     [["By Import", "Delta", "IMVO", "2025-03-01"]])
    write(store, plan_of(store, path))
    shape = ("SELECT typeof(p.id), length(p.id), typeof(p.created_at), length(p.created_at), typeof(p.sensitive),"
             " p.sensitive, typeof(p.consent_date), p.consent_date, typeof(p.organisation_id),"
             " length(p.organisation_id), typeof(pt.tag_id), length(pt.tag_id) FROM person p"
             " JOIN person_tag pt ON pt.person_id = p.id WHERE p.name = ?")
    with store.engine.connect() as conn:
        by_form = conn.exec_driver_sql(shape, ("By Form",)).one()
        by_import = conn.exec_driver_sql(shape, ("By Import",)).one()
    assert by_import == by_form
    stored = persons(store)
    assert stored["By Import"].organisation_id == org and stored["By Import"].created_at.tzinfo is not None
