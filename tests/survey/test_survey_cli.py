"""``postapp survey …`` as a user runs it."""

from __future__ import annotations

import csv

from openpyxl import Workbook

from postapp.survey.responses import STUDY_FORM_FILE
from tests.test_cli import assert_one_line_error, run


def test_check_the_shipped_form(tmp_path):
    result = run("survey", "check", str(STUDY_FORM_FILE), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "imvo_guidelines_study" in result.stdout and "valid" in result.stdout


def test_check_refuses_an_unsupported_feature_naming_row_and_feature(tmp_path):
    book = Workbook()
    survey = book.active
    assert survey is not None
    survey.title = "survey"
    for row in (["type", "name", "label"], ["text", "name_q", "Name"], ["geopoint", "where", "Where?"]):
        survey.append(row)
    settings = book.create_sheet("settings")
    settings.append(["form_id", "version"])
    settings.append(["f", "1"])
    path = tmp_path / "bad.xlsx"
    book.save(path)
    line = assert_one_line_error(run("survey", "check", str(path), tmp_path=tmp_path))
    assert "3" in line and "geopoint" in line


def test_check_refuses_a_file_that_is_no_spreadsheet(tmp_path):
    path = tmp_path / "form.xlsx"
    path.write_text("type,name\ntext,a\n")
    assert_one_line_error(run("survey", "check", str(path), tmp_path=tmp_path))


def test_demo_then_analyse_to_screen_csv_and_xlsx(tmp_path):
    db = str(tmp_path / "post.sqlite3")
    made = run("--db", db, "survey", "demo", "--posts", "140", tmp_path=tmp_path)
    assert made.returncode == 0, made.stderr
    assert "140" in made.stdout and "SYNTHETIC" in made.stdout
    kept = run("--db", db, "survey", "demo", "--posts", "5", "--if-empty", tmp_path=tmp_path)
    assert kept.returncode == 0 and "nothing was added" in kept.stdout
    shown = run("--db", db, "survey", "analyse", tmp_path=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("SYNTHETIC DATA") and "Responses analysed: 140" in shown.stdout
    out = tmp_path / "analysis.csv"
    written = run("--db", db, "survey", "analyse", "--out", str(out), tmp_path=tmp_path)
    assert written.returncode == 0, written.stderr
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert ["Respondents", "Responses analysed", "", "140", "", "", "synthetic"] in rows
    xlsx = run("--db", db, "survey", "analyse", "--out", str(tmp_path / "a.xlsx"), tmp_path=tmp_path)
    assert xlsx.returncode == 0 and (tmp_path / "a.xlsx").stat().st_size > 0
    dutch = run("--db", db, "--lang", "nl", "survey", "analyse", tmp_path=tmp_path)
    assert dutch.returncode == 0 and "140" in dutch.stdout


def test_analyse_refuses_a_wrong_suffix_and_a_missing_form(tmp_path):
    db = str(tmp_path / "post.sqlite3")
    assert "csv" in assert_one_line_error(run("--db", db, "survey", "analyse", "--out", "x.pdf", tmp_path=tmp_path))
    assert "nothing" in assert_one_line_error(
        run("--db", db, "survey", "analyse", "--form", "nothing", tmp_path=tmp_path))


def test_demo_refuses_a_silly_number(tmp_path):
    result = run("--db", str(tmp_path / "p.sqlite3"), "survey", "demo", "--posts", "0", tmp_path=tmp_path)
    assert result.returncode == 2 and "20,000" in result.stderr
