"""Reading contact files: formats, encodings, delimiters, and the files that must be refused."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from postapp.contacts_io.mapping import Field, suggest
from postapp.contacts_io.sources import MAX_FILE_BYTES, FileRefused, SourceKind, open_source
from tests.contacts_io.helpers import FIXTURES, write_csv

HEADER = ["Name", "E-mail", "Notes"]
ROWS = [["Hélène Café", "helene@example.fr", "Première réunion"], ["Zoë Ångström", "zoe@example.se", ""]]


def rows_of(path: Path) -> list[tuple[int, list[str]]]:
    return list(open_source(path).rows())


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_encodings_read_accents_right(tmp_path, encoding):
    path = write_csv(tmp_path / f"{encoding}.csv", HEADER, ROWS, encoding=encoding)
    source = open_source(path)
    assert source.headers == HEADER  # no BOM left in the first heading
    rows = list(source.rows())
    assert rows[0] == (2, ["Hélène Café", "helene@example.fr", "Première réunion"])
    assert rows[1][1][0] == "Zoë Ångström"
    assert bool(source.notices) == (encoding == "cp1252")  # a guess the user should check is said


def test_semicolon_and_tab_delimiters(tmp_path):
    for delimiter, name in ((";", "semi.csv"), ("\t", "tab.txt")):
        path = write_csv(tmp_path / name, ["Naam", "E-mailadres", "Bedrijf"],
                         [["Jan de Vries", "jan@example.nl", "Delta, Maas & Co"]], delimiter=delimiter)
        source = open_source(path)
        assert source.delimiter == delimiter
        assert list(source.rows()) == [(2, ["Jan de Vries", "jan@example.nl", "Delta, Maas & Co"])]
        assert suggest(source.headers) == [Field.NAME, Field.EMAIL, Field.ORGANISATION]


def test_quoted_newline_stays_in_its_cell_and_rows_keep_spreadsheet_numbers(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text('Name,Notes\r\n"Ann","line one\r\nline two, with comma"\r\n\r\n"Bob","x"\r\n', encoding="utf-8")
    assert rows_of(path) == [(2, ["Ann", "line one\r\nline two, with comma"]), (4, ["Bob", "x"])]


def test_duplicate_headings_are_renamed_and_named_in_a_notice(tmp_path):
    path = write_csv(tmp_path / "dup.csv", ["Name", "E-mail", "e-mail", ""], [["Ann", "a@example.org", "b@x.org", "?"]])
    source = open_source(path)
    assert source.headers == ["Name", "E-mail", "e-mail (2)", "Column 4"]
    assert len(source.notices) == 1
    assert "'e-mail'" in source.notices[0] and "column 3" in source.notices[0]


def test_outlook_export_is_recognised_without_hand_editing():
    source = open_source(FIXTURES / "outlook.csv")
    assert source.kind is SourceKind.CSV and source.delimiter == ","
    fields = dict(zip(source.headers, suggest(source.headers), strict=True))
    assert fields["First Name"] is Field.FIRST_NAME and fields["Last Name"] is Field.LAST_NAME
    assert fields["Title"] is Field.IGNORE  # Outlook's "Title" is Mr./Ms.; "Job Title" is the role
    assert fields["Job Title"] is Field.ROLE
    assert fields["E-mail Address"] is fields["E-mail 2 Address"] is Field.EMAIL
    assert fields["Company"] is Field.ORGANISATION and fields["Categories"] is Field.TAGS
    assert fields["Business Phone"] is fields["Mobile Phone"] is Field.PHONE
    assert fields["Notes"] is Field.NOTES and fields["Business City"] is Field.IGNORE


def test_dutch_outlook_semicolon_cp1252_is_recognised():
    source = open_source(FIXTURES / "outlook_nl.csv")
    assert (source.delimiter, source.encoding) == (";", "cp1252")
    fields = dict(zip(source.headers, suggest(source.headers), strict=True))
    assert fields["Voornaam"] is Field.FIRST_NAME and fields["Achternaam"] is Field.LAST_NAME
    assert fields["Middelste naam"] is Field.MIDDLE_NAME and fields["Bedrijf"] is Field.ORGANISATION
    assert fields["Categorieën"] is Field.TAGS and fields["E-mailadres"] is Field.EMAIL
    assert fields["Functie"] is Field.ROLE and fields["Geslacht"] is Field.GENDER
    assert next(iter(source.rows()))[1][1] == "René"


@pytest.mark.parametrize("name", ["google_old.csv", "google_new.csv"])
def test_google_exports_are_recognised(name):
    source = open_source(FIXTURES / name)
    fields = dict(zip(source.headers, suggest(source.headers), strict=True))
    assert Field.EMAIL in fields.values() and Field.PHONE in fields.values()
    assert Field.ORGANISATION in fields.values() and Field.ROLE in fields.values()
    assert Field.TAGS in fields.values()
    assert fields.get("E-mail 1 - Type", fields.get("E-mail 1 - Label")) is Field.IGNORE


@pytest.mark.parametrize("name", ["contacts_v3.vcf", "contacts_v4.vcf"])
def test_vcards_become_rows(name):
    source = open_source(FIXTURES / name)
    assert source.kind is SourceKind.VCARD
    rows = [dict(zip(source.headers, cells, strict=True)) for _n, cells in source.rows()]
    first = rows[0]
    if name == "contacts_v3.vcf":
        assert first["FN"] == "Bram de Groot" and first["ORG"] == "Noordzee Offshore B.V."
        assert first["EMAIL"] == "b.degroot@noordzee.example.nl"  # the PREF one first
        assert first["EMAIL (other)"] == "bram@example.com"
        assert first["CATEGORIES"] == "IMVO ::: Energy"
        assert "offshore wind, 2025.\nWants" in first["NOTE"]
    else:
        assert first["FN"] == "Iris Peters" and first["GENDER"] == "F"
        assert first["TEL"] == "+31-20-555-0142"  # tel: URI unwrapped, PREF=1 first
        assert first["NOTE"] == "Cocoa due diligence; asked about the NCP procedure."


def test_vcard_detected_by_content_whatever_the_name(tmp_path):
    path = tmp_path / "contacts.txt"
    path.write_bytes((FIXTURES / "contacts_v4.vcf").read_bytes())
    assert open_source(path).kind is SourceKind.VCARD


def test_broken_vcard_is_refused_with_card_number(tmp_path):
    path = tmp_path / "broken.vcf"
    path.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\n"
                    "FN:Bob\r\nthis line has no colon\r\nEND:VCARD\r\n", encoding="utf-8")
    with pytest.raises(FileRefused, match="Card 2"):
        list(open_source(path).rows())


def test_xlsx_first_sheet_header_row(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "E-mail", "Phone", "Company"])
    sheet.append(["Ann Smit", "ann@example.org", 31612345678, "Delta"])
    sheet.append([None, None, None, None])
    sheet.append(["Bob Bos", None, None, None])
    workbook.create_sheet("Other").append(["ignored"])
    path = tmp_path / "contacts.xlsx"
    workbook.save(path)
    source = open_source(path)
    assert source.kind is SourceKind.XLSX and source.headers == ["Name", "E-mail", "Phone", "Company"]
    rows = list(source.rows())
    assert rows[0] == (2, ["Ann Smit", "ann@example.org", "31612345678", "Delta"])  # not 31612345678.0
    assert rows[1][0] == 4


def test_corrupt_xlsx_is_refused(tmp_path):
    path = tmp_path / "corrupt.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 100)
    with pytest.raises(FileRefused, match="not an Excel workbook"):
        open_source(path)
    # A real zip that is no workbook at all.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    path.write_bytes(buffer.getvalue())
    with pytest.raises(FileRefused, match="not an Excel workbook"):
        open_source(path)


def test_zip_bomb_xlsx_is_refused_before_unpacking(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (30 * 1024 * 1024))
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(FileRefused, match="possibly harmful"):
        open_source(path)


def test_too_large_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as fh:
        fh.write(b"Name\r\n")
        fh.truncate(200 * 1024 * 1024)  # sparse: nothing is written to disk
    assert path.stat().st_size > MAX_FILE_BYTES
    with pytest.raises(FileRefused, match="200 MB; contact files up to 100 MB"):
        open_source(path)


def test_empty_missing_and_folder_are_refused(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    for path, message in ((tmp_path / "empty.csv", "is empty"), (tmp_path / "nope.csv", "Could not read"),
                          (tmp_path, "folder")):
        with pytest.raises(FileRefused, match=message):
            open_source(path)


def test_an_old_excel_file_is_refused_with_what_to_do(tmp_path):
    xls = tmp_path / "contacts.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    renamed = tmp_path / "contacts.csv"  # the same bytes under another name
    renamed.write_bytes(xls.read_bytes())
    for path in (xls, renamed):
        with pytest.raises(FileRefused, match=r"old Excel file \(\.xls\).*\.xlsx"):
            open_source(path)


def test_a_damaged_utf16_file_is_refused_not_a_crash(tmp_path):
    broken = tmp_path / "broken.csv"
    # A UTF-16 byte-order mark, then a lone low surrogate in the header row.
    broken.write_bytes(b"\xff\xfe" + "Name,E-mail\r\n".encode("utf-16-le")[:4] + b"\x00\xdc"
                       + "me,E-mail\r\nAn,an@example.org\r\n".encode("utf-16-le"))
    with pytest.raises(FileRefused, match="Row 1 holds characters that are not"):
        open_source(broken)
