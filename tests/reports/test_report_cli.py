"""``postapp report …`` as a user runs it: a separate process, exit codes, one-line errors."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from tests.reports.conftest import pages_text
from tests.test_cli import assert_one_line_error, run


@pytest.fixture
def db(demo_db, tmp_path) -> str:
    copy = tmp_path / "post.sqlite3"
    shutil.copy(demo_db, copy)
    return str(copy)


def test_country_briefing_in_dutch(db, tmp_path):
    out = tmp_path / "briefing.pdf"
    result = run("--db", db, "report", "country", "--lang", "nl", "--from", "2025-11-25", "--to", "24-11-2026",
                 "--classification", "Intern gebruik", "--out", str(out), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert str(out) in result.stdout
    pages = pages_text(out)
    assert "25 november 2025 – 24 november 2026" in pages[0]
    assert "Intern gebruik" in pages[1]
    assert f"Pagina {len(pages)} van {len(pages)}" in pages[-1]


def test_study_report_and_event_by_title(db, tmp_path):
    out = tmp_path / "study.pdf"
    result = run("--db", db, "report", "study", "--out", str(out), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "SYNTHETIC DATA" in pages_text(out)[1]
    con = sqlite3.connect(db)
    try:
        title = con.execute("SELECT title FROM activity WHERE kind = 'event' GROUP BY title HAVING count(*) = 1 "
                            "LIMIT 1").fetchone()[0]
    finally:
        con.close()
    event = tmp_path / "event.pdf"
    result = run("--db", db, "report", "event", "--event", title, "--out", str(event), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"Event report: {title}" in pages_text(event)[0]


@pytest.mark.parametrize(("args", "message"), [
    (("country", "--from", "2026-02-01", "--to", "2026-01-01", "--out", "x.pdf"), "is after --to"),
    (("country", "--from", "yesterday", "--out", "x.pdf"), "is not a date"),
    (("country", "--out", "x.docx"), ".pdf"),
    (("company", "--out", "x.pdf"), "needs --company"),
    (("company", "--company", "00000000-0000-4000-8000-000000000000", "--out", "x.pdf"), "no organisation"),
    (("company", "--company", "No Such Company B.V.", "--out", "x.pdf"), "no organisation"),
    (("event", "--event", "00000000-0000-4000-8000-000000000000", "--out", "x.pdf"), "no event or training"),
    (("study", "--from", "2026-01-01", "--out", "x.pdf"), "do not apply"),
    (("country", "--sections", "risk,gossip", "--out", "x.pdf"), "choose from"),
])
def test_bad_input_is_one_line_and_writes_nothing(db, tmp_path, args, message):
    line = assert_one_line_error(run("--db", db, "report", *args, tmp_path=tmp_path))
    assert message in line
    assert not (tmp_path / "x.pdf").exists()


def test_a_meeting_is_refused_as_an_event(db, tmp_path):
    con = sqlite3.connect(db)
    try:
        meeting = con.execute("SELECT id FROM activity WHERE kind = 'meeting' LIMIT 1").fetchone()[0]
    finally:
        con.close()
    line = assert_one_line_error(run("--db", db, "report", "event", "--event", meeting, "--out", "x.pdf",
                                     tmp_path=tmp_path))
    assert "not an event or a training" in line
