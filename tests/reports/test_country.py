"""The country briefing from a demo post, read back from the PDF."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import uuid

from reportlab.graphics.shapes import Drawing

from postapp.coretasks import CoreTask
from postapp.domain import Activity, ActivityKind, Organisation, OrganisationKind, Person
from postapp.i18n import format_number, format_percent, set_language
from postapp.reports.country import build_country
from postapp.reports.options import ReportOptions
from postapp.reports.packs import make_pack
from tests.reports.conftest import pages_text

TODAY = dt.date.today()
START, END = TODAY - dt.timedelta(days=364), TODAY


def sql_counts(db, start: dt.date, end: dt.date) -> dict[str, int]:
    con = sqlite3.connect(db)
    try:
        return dict(con.execute("SELECT core_task, count(*) FROM activity WHERE deleted_at IS NULL "
                                "AND date >= ? AND date <= ? GROUP BY core_task",
                                (start.isoformat(), end.isoformat())).fetchall())
    finally:
        con.close()


def test_headings_pages_footer_and_counts_per_core_task(demo_store, tmp_path):
    out = tmp_path / "country.pdf"
    options = ReportOptions(language="en", date_from=START, date_to=END)
    with demo_store.read() as session:
        make_pack("country", session, options, out)
    pages = pages_text(out)
    text = " ".join(pages)
    total = len(pages)
    assert total > 3
    assert f"Page {total} of {total}" in pages[-1]
    assert f"Page 2 of {total}" in pages[1]
    assert "Page 1 of" not in pages[0]  # the cover has no footer
    for title in ("Contents", "Risk profile of Viet Nam", "The post's work per core task",
                  "Coming events and trainings", "Key stakeholders", "Good examples"):
        assert title in text, title
    assert "Post HAN" in pages[1] and "Internal use" in pages[1]  # running header from the data
    counts = sql_counts(demo_store.path, START, END)
    all_activities = sum(counts.values())
    assert all_activities > 0
    set_language("en")
    for task in CoreTask:
        n = counts.get(task.value, 0)
        share = re.escape(format_percent(n / all_activities))
        assert re.search(rf"{task.number}\. {re.escape(task.label)} {n} {share}", text), (task, n)
    assert f"{format_number(all_activities)} activities recorded" in text


def test_dutch_dates_and_footer(demo_store, tmp_path):
    out = tmp_path / "land.pdf"
    options = ReportOptions(language="nl", date_from=dt.date(2025, 11, 25), date_to=dt.date(2026, 11, 24))
    with demo_store.read() as session:
        make_pack("country", session, options, out)
    pages = pages_text(out)
    assert "25 november 2025 – 24 november 2026" in pages[0]
    assert f"Pagina {len(pages)} van {len(pages)}" in pages[-1]
    english = tmp_path / "country.pdf"
    with demo_store.read() as session:
        make_pack("country", session, ReportOptions(language="en", date_from=dt.date(2025, 11, 25),
                                                    date_to=dt.date(2026, 11, 24)), english)
    assert "25 November 2025 – 24 November 2026" in pages_text(english)[0]


def test_five_charts_in_gray_with_value_labels(demo_store):
    with demo_store.read() as session:
        content = build_country(session, ReportOptions(language="en", date_from=START, date_to=END))
    drawings = [f for f in content.story if isinstance(f, Drawing)]
    assert len(drawings) == 5
    for drawing in drawings:
        chart = drawing.contents[0]
        assert chart.barLabelFormat is not None  # every bar carries its value
        for index in range(len(chart.data)):
            fill = chart.bars[index].fillColor
            assert fill.red == fill.green == fill.blue  # gray levels, not colour alone


def _sensitive_contact(session, name: str) -> None:
    union = Organisation(name="Union of Unique Workers", kind=OrganisationKind.TRADE_UNION, country="VN",
                         post_code="HAN")
    person = Person(name=name, organisation=union, sensitive=True, post_code="HAN")
    session.add(Activity(core_task=CoreTask.AGENDA, kind=ActivityKind.MEETING, title="Meeting with the union",
                         date=TODAY - dt.timedelta(days=3), persons=[person], organisations=[union], post_code="HAN"))


def _sensitive_in_period(db) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute(
            "SELECT count(DISTINCT p.id) FROM person p JOIN activity_person ap ON ap.person_id = p.id "
            "JOIN activity a ON a.id = ap.activity_id WHERE p.sensitive AND a.deleted_at IS NULL "
            "AND p.deleted_at IS NULL AND a.date >= ? AND a.date <= ?",
            (START.isoformat(), END.isoformat())).fetchone()[0]
    finally:
        con.close()


def test_sensitive_contacts_left_out_unless_included(demo_store, tmp_path):
    name = "Defender Uniquename Quỳnh"
    with demo_store.session() as session:
        _sensitive_contact(session, name)
    expected = _sensitive_in_period(demo_store.path)
    assert expected >= 1
    options = ReportOptions(language="en", date_from=START, date_to=END, max_rows=10_000)
    left_out = tmp_path / "without.pdf"
    with demo_store.read() as session:
        make_pack("country", session, options, left_out)
    text = " ".join(pages_text(left_out))
    assert "Uniquename" not in text
    noun = "contact" if expected == 1 else "contacts"
    assert f"{expected} sensitive {noun} left out" in text

    included = tmp_path / "with.pdf"
    with demo_store.read() as session:
        make_pack("country", session, ReportOptions(language="en", date_from=START, date_to=END, max_rows=10_000,
                                                    include_sensitive=True), included)
    text = " ".join(pages_text(included))
    assert f"{name} (sensitive)" in text
    assert "sensitive contacts left out" not in text and "sensitive contact left out" not in text


def test_an_empty_period_says_so(demo_store, tmp_path):
    out = tmp_path / "empty.pdf"
    options = ReportOptions(language="en", date_from=dt.date(1990, 1, 1), date_to=dt.date(1990, 12, 31))
    with demo_store.read() as session:
        make_pack("country", session, options, out)
    text = " ".join(pages_text(out))
    # the work per core task, the organisations and the people
    assert text.count("Nothing recorded in this period.") >= 3
    assert "The post's work per core task" in text and "Key stakeholders" in text


def test_chosen_sections_only(demo_store, tmp_path):
    out = tmp_path / "risk.pdf"
    with demo_store.read() as session:
        make_pack("country", session, ReportOptions(language="en", sections=frozenset({"risk"})), out)
    text = " ".join(pages_text(out))
    assert "Risk profile of Viet Nam" in text
    assert "Key stakeholders" not in text and "Good examples" not in text


def test_unicode_names_build_and_print(demo_store, tmp_path):
    arabic = "شركة النسيج العربية"
    vietnamese = "Công ty TNHH Dệt may Nguyễn Thị Hằng"
    unbroken = "X" * 150
    name = f"{arabic} {vietnamese} 🦜 A&B <Trading> {unbroken} "
    name = (name + "long name " * 50)[:500]
    assert len(name) == 500
    org_id = uuid.uuid4()
    with demo_store.session() as session:
        org = Organisation(id=org_id, name=name, kind=OrganisationKind.COMPANY, sector="Textiles and clothing",
                           country="VN", post_code="HAN", notes="Met <twice> & \U0001F9F5 thread\nsecond line")
        for days in range(40):  # many activities: the organisation heads the stakeholders table
            session.add(Activity(core_task=CoreTask.SUPPORT, kind=ActivityKind.MEETING,
                                 title=f"Talk {days} with {name}", date=TODAY - dt.timedelta(days=days + 1),
                                 organisations=[org], post_code="HAN"))
    out = tmp_path / "unicode.pdf"
    with demo_store.read() as session:
        make_pack("country", session, ReportOptions(language="en", date_from=START, date_to=END), out)
        make_pack("company", session, ReportOptions(language="en", company_id=org_id), tmp_path / "company.pdf")
    for path in (out, tmp_path / "company.pdf"):
        text = " ".join(pages_text(path))
        assert "Nguyễn Thị Hằng" in text
        assert "A&B <Trading>" in text
        assert "🦜" not in text and "□" in text  # the emoji the font lacks shows as a placeholder
        assert "ع" in text  # Arabic letters kept (unshaped)
    company_text = " ".join(pages_text(tmp_path / "company.pdf"))
    assert "Met <twice> &" in company_text
