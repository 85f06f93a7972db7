"""Exports: sensitive persons stay out by default, CSV is formula-safe, vCard 4.0 reads back."""

from __future__ import annotations

import csv
import io

import pytest

from postapp.contacts_io.export import export_contacts
from postapp.contacts_io.importer import prepare, write
from postapp.contacts_io.mapping import suggest
from postapp.contacts_io.sources import open_source
from postapp.contacts_io.vcard import read_cards_text
from postapp.errors import PostAppError
from postapp.services.contacts import OrganisationData, PersonData, create_organisation, create_person


@pytest.fixture
def filled(store):
    with store.session() as session:
        org = create_organisation(session, OrganisationData(name="Delta B.V.")).id
        create_person(session, PersonData(name="Ann Smit", email="ann@example.org", phone="+31 6 1234 5678",
                                          organisation_id=org, role="=cmd|' /C calc'!A0", tags=["IMVO", "gender"],
                                          notes="@SUM(1+1)\nsecond line"))
        create_person(session, PersonData(name="Thanh Defender", email="thanh@example.vn", sensitive=True))
        create_person(session, PersonData(name="Bob Bos", email="bob@example.org"))
    return store


def read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_csv_leaves_sensitive_out_and_is_formula_safe(filled, tmp_path):
    out = tmp_path / "contacts.csv"
    result = export_contacts(filled, out, "csv")
    assert (result.persons, result.sensitive_left_out) == (2, 1)
    rows = read_csv(out)
    assert rows[0][:4] == ["Name", "E-mail", "Phone", "Organisation"]
    assert [r[0] for r in rows[1:]] == ["Ann Smit", "Bob Bos"]
    assert "thanh" not in out.read_text(encoding="utf-8-sig").lower()
    ann = rows[1]
    assert ann[2] == "'+31 6 1234 5678" and ann[4] == "'=cmd|' /C calc'!A0"
    assert ann[6] == "'@SUM(1+1)\nsecond line"
    assert ann[3] == "Delta B.V." and ann[5] == "IMVO; gender"
    for cell in (c for r in rows for c in r):
        assert not cell.startswith(("=", "+", "-", "@"))


def test_csv_with_sensitive_when_asked(filled, tmp_path):
    out = tmp_path / "all.csv"
    result = export_contacts(filled, out, "csv", include_sensitive=True)
    assert (result.persons, result.sensitive_left_out) == (3, 0)
    assert "Thanh Defender" in [r[0] for r in read_csv(out)]


def test_csv_round_trip_through_the_importer(filled, tmp_path, store_factory):
    out = tmp_path / "contacts.csv"
    export_contacts(filled, out, "csv")
    other = store_factory("other.sqlite3")
    source = open_source(out)
    plan = prepare(other, source, suggest(source.headers))
    assert plan.error_count == 0
    write(other, plan)
    export_contacts(other, tmp_path / "again.csv", "csv")
    assert read_csv(tmp_path / "again.csv") == read_csv(out)


def test_vcard_40_export_reads_back(filled, tmp_path):
    out = tmp_path / "contacts.vcf"
    result = export_contacts(filled, out, "vcf")
    assert (result.persons, result.sensitive_left_out) == (2, 1)
    text = out.read_text(encoding="utf-8")
    assert text.count("BEGIN:VCARD") == 2 and text.count("VERSION:4.0") == 2
    assert "Thanh" not in text
    cards = read_cards_text(text)
    assert cards[0][0] == "Ann Smit" and cards[0][4] == "ann@example.org" and cards[0][8] == "Delta B.V."
    assert cards[0][11] == "@SUM(1+1)\nsecond line"  # vCard is not a spreadsheet: no apostrophe
    assert cards[0][12] == "IMVO ::: gender"


def test_missing_folder_is_a_clear_error(filled, tmp_path):
    with pytest.raises(PostAppError, match="Could not write"):
        export_contacts(filled, tmp_path / "no such folder" / "contacts.csv", "csv")


def test_failure_mid_write_keeps_the_old_file_and_no_temp(filled, tmp_path, monkeypatch):
    from postapp.contacts_io import export

    out = tmp_path / "contacts.csv"
    out.write_text("the previous export\n", encoding="utf-8")

    def half(out_file, rows):
        out_file.write("Name\nAnn")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export, "_write_csv", half)
    with pytest.raises(PostAppError, match="No space left"):
        export_contacts(filled, out, "csv")
    assert out.read_text(encoding="utf-8") == "the previous export\n"
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".part"]


def test_existing_file_replaced_whole(filled, tmp_path):
    out = tmp_path / "contacts.csv"
    out.write_text("old content that is much longer than nothing\n" * 100, encoding="utf-8")
    export_contacts(filled, out, "csv")
    assert "old content" not in out.read_text(encoding="utf-8-sig")
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".part"]
