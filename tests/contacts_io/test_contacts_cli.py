"""``postapp import contacts`` and ``postapp export contacts``, run as a user runs them."""

from __future__ import annotations

import csv
import io

from postapp.services.contacts import PersonData, create_person
from postapp.store import open_store
from tests.contacts_io.helpers import FIXTURES, write_csv
from tests.test_cli import assert_one_line_error, run


def count_persons(db) -> int:
    store = open_store(db)
    try:
        with store.engine.connect() as conn:
            return int(conn.exec_driver_sql("SELECT count(*) FROM person").scalar_one())
    finally:
        store.close()


def test_import_prints_row_errors_imports_valid_rows_and_exits_3(tmp_path):
    db = tmp_path / "post.sqlite3"
    result = run("--db", str(db), "import", "contacts", str(FIXTURES / "outlook.csv"), tmp_path=tmp_path)
    assert result.returncode == 3, result.stderr
    assert "Row 4: 'pieter.bakker(at)example.nl' is not a valid e-mail address" in result.stderr
    assert "Row 5: Name is required." in result.stderr
    assert "Imported 3 persons" in result.stdout
    assert count_persons(db) == 3
    # Again: everything left is a possible duplicate, skipped; still exit 3 for the rows with errors.
    again = run("--db", str(db), "import", "contacts", str(FIXTURES / "outlook.csv"), tmp_path=tmp_path)
    assert "Row 2: possible duplicate" in again.stderr
    assert count_persons(db) == 3


def test_clean_file_exits_0(tmp_path):
    db = tmp_path / "post.sqlite3"
    result = run("--db", str(db), "import", "contacts", str(FIXTURES / "contacts_v4.vcf"), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert count_persons(db) == 2


def test_dry_run_writes_nothing(tmp_path):
    db = tmp_path / "post.sqlite3"
    result = run("--db", str(db), "import", "contacts", "--dry-run", str(FIXTURES / "google_old.csv"),
                 tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "2 can be imported" in result.stdout and "Nothing was written" in result.stdout
    assert count_persons(db) == 0


def test_refused_files_exit_1_with_one_line(tmp_path):
    db = tmp_path / "post.sqlite3"
    noname = write_csv(tmp_path / "noname.csv", ["E-mail"], [["a@example.org"]])
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as fh:
        fh.truncate(200 * 1024 * 1024)
    corrupt = tmp_path / "corrupt.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 damaged")
    for path, words in ((noname, "No column holds the name"), (huge, "100 MB"),
                        (corrupt, "not an Excel workbook"), (tmp_path / "missing.csv", "Could not read")):
        line = assert_one_line_error(run("--db", str(db), "import", "contacts", str(path), tmp_path=tmp_path))
        assert words in line
    assert count_persons(db) == 0


def test_export_csv_and_vcf_leave_sensitive_out_unless_asked(tmp_path):
    db = tmp_path / "post.sqlite3"
    store = open_store(db)
    with store.session() as session:
        create_person(session, PersonData(name="Ann Smit", email="ann@example.org"))
        create_person(session, PersonData(name="Secret Defender", sensitive=True))
    store.close()
    out = tmp_path / "contacts.csv"
    result = run("--db", str(db), "export", "contacts", "--format", "csv", "--out", str(out), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Wrote 1 persons" in result.stdout and "1 persons marked sensitive were left out" in result.stdout
    names = [r[0] for r in csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig")))]
    assert names == ["Name", "Ann Smit"]
    vcf = tmp_path / "contacts.vcf"
    result = run("--db", str(db), "export", "contacts", "--format", "vcf", "--out", str(vcf), "--include-sensitive",
                 tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Secret Defender" in vcf.read_text(encoding="utf-8")


def test_export_needs_format_and_out(tmp_path):
    result = run("export", "contacts", "--format", "pdf", "--out", "x", tmp_path=tmp_path)
    assert result.returncode == 2 and "invalid choice" in result.stderr
