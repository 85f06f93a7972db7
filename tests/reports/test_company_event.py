"""The company conversation brief and the event report."""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import select

from postapp.conditions.checks import start_check
from postapp.conditions.models import CheckStatus, ConditionCheck, Decision, RiskLevel, SupportKind
from postapp.coretasks import CoreTask
from postapp.domain import Activity, ActivityKind, FollowUp, Organisation, OrganisationKind, Person
from postapp.domain.base import utcnow
from postapp.errors import NotFoundError, PostAppError
from postapp.i18n import format_date, format_money, set_language
from postapp.reports.options import ReportOptions
from postapp.reports.packs import make_pack
from tests.reports.conftest import pages_text

TODAY = dt.date.today()


def busiest_company(db) -> uuid.UUID:
    con = sqlite3.connect(db)
    try:
        row = con.execute("SELECT o.id FROM organisation o JOIN activity_organisation ao ON ao.organisation_id = o.id "
                          "WHERE o.kind = 'company' AND o.country = 'NL' GROUP BY o.id "
                          "ORDER BY count(*) DESC, o.name LIMIT 1").fetchone()
        return uuid.UUID(row[0])
    finally:
        con.close()


def history_dates(db, org_id: uuid.UUID) -> list[dt.date]:
    con = sqlite3.connect(db)
    try:
        rows = con.execute(
            "SELECT DISTINCT a.date FROM activity a WHERE a.deleted_at IS NULL AND (a.id IN "
            "(SELECT activity_id FROM activity_organisation WHERE organisation_id = ?) OR a.id IN "
            "(SELECT ap.activity_id FROM activity_person ap JOIN person p ON p.id = ap.person_id "
            "WHERE p.organisation_id = ?)) ORDER BY a.date DESC", (org_id.hex, org_id.hex)).fetchall()
        return [dt.date.fromisoformat(r[0]) for r in rows]
    finally:
        con.close()


def test_company_brief_profile_history_and_checks(demo_store, tmp_path):
    org_id = busiest_company(demo_store.path)
    with demo_store.session() as session:
        org = session.get(Organisation, org_id)
        assert org is not None
        org.turnover_eur, org.employees, org.assets_eur = Decimal(40_000_000), 650, Decimal(25_000_000)
        start_check(session, org_id, SupportKind.TRADE_MISSION, "VN", actor="Eva", post_code="HAN")
        session.add(ConditionCheck(
            organisation_id=org_id, support_kind=SupportKind.MATCHMAKING, host_country="VN", post_code="HAN",
            status=CheckStatus.CONFIRMED, risk_level=RiskLevel.HIGH, decision=Decision.SUPPORT_WITH_CONDITIONS,
            conditions=["Living wage plan within a year"], rationale="r", decided_by="Eva de Vries",
            decided_at=utcnow(), confirmed_by="Joost Bakker", confirmed_at=utcnow(), minerals=[],
            gender_answers={}, risk_reasons=[]))
        name = org.name
    out = tmp_path / "company.pdf"
    with demo_store.read() as session:
        make_pack("company", session, ReportOptions(language="en", company_id=org_id), out)
    pages = pages_text(out)
    text = " ".join(pages)
    assert f"Conversation brief: {name}" in pages[0]
    for title in ("Profile", "IMVO risks of the sector", "Contacts", "History with the post", "Condition checks"):
        assert title in text, title
    set_language("en")
    assert format_money(Decimal(40_000_000)) in text
    assert "In the 90% target group Yes" in text  # 650 employees and > EUR 20 million assets
    assert "Draft" in text and "Trade mission" in text
    assert "High risk" in text and "Support with conditions" in text and "• Living wage plan within a year" in text
    assert "Joost Bakker" in text
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
    dates = [format_date(d, "long") for d in history_dates(demo_store.path, org_id)[:4]]
    assert len(dates) >= 2
    history = text[text.index("History with the post", text.index("Contents") + 200):]
    positions = [history.index(d) for d in dates]
    assert positions == sorted(positions)  # newest first

    dutch = tmp_path / "bedrijf.pdf"
    with demo_store.read() as session:
        make_pack("company", session, ReportOptions(language="nl", company_id=org_id), dutch)
    assert "€ 40.000.000" in " ".join(pages_text(dutch))


def test_unknown_company_is_a_clear_error(demo_store, tmp_path):
    out = tmp_path / "company.pdf"
    with demo_store.read() as session, pytest.raises(NotFoundError, match="no organisation"):
        make_pack("company", session, ReportOptions(language="en", company_id=uuid.uuid4()), out)
    assert not out.exists()


def _event(session) -> uuid.UUID:
    company = Organisation(name="Delta Textiles B.V.", kind=OrganisationKind.COMPANY, post_code="HAN")
    ngo = Organisation(name="Centre for Women Workers", kind=OrganisationKind.NGO, post_code="HAN")
    people = [Person(name="Sanne Visser", organisation=company, post_code="HAN"),
              Person(name="Bram Bos", organisation=company, post_code="HAN"),
              Person(name="Lê Thị Mai", organisation=ngo, post_code="HAN"),
              Person(name="Trần Văn Hidden", organisation=ngo, sensitive=True, post_code="HAN"),
              Person(name="Free Agent", post_code="HAN")]
    event = Activity(core_task=CoreTask.AWARENESS, kind=ActivityKind.EVENT, title="IMVO session on living wage",
                     date=dt.date(2026, 11, 24), notes="09:00 Welcome & <opening>\n09:30 Living wage in garments",
                     outcome="", persons=people, organisations=[company, ngo], post_code="HAN")
    session.add(event)
    session.flush()
    session.add_all([FollowUp(activity_id=event.id, description="Send the slides", owner="Femke",
                              due_date=dt.date(2026, 12, 1), done=False, post_code="HAN"),
                     FollowUp(activity_id=event.id, description="Book the room", owner="Thijs",
                              due_date=dt.date(2026, 11, 1), done=True, post_code="HAN")])
    return event.id


def test_event_report_programme_attendance_and_follow_ups(demo_store, tmp_path):
    with demo_store.session() as session:
        event_id = _event(session)
    out = tmp_path / "event.pdf"
    with demo_store.read() as session:
        make_pack("event", session, ReportOptions(language="en", event_id=event_id), out)
    text = " ".join(pages_text(out))
    assert "Event report: IMVO session on living wage" in text
    assert "09:00 Welcome & <opening>" in text
    assert "Attendance by gender: not recorded" in text
    # persons by the type of their organisation, then the organisations linked
    assert "Company 2 1" in text and "NGO 2 1" in text and "No organisation 1 0" in text and "Total 5 2" in text
    assert "Trần Văn Hidden" not in text and "1 sensitive contact left out" in text
    assert "Send the slides Femke 1 December 2026 No" in text
    assert "Book the room Thijs 1 November 2026 Yes" in text
    assert "1 follow-up still open" in text

    with demo_store.read() as session:
        make_pack("event", session, ReportOptions(language="nl", event_id=event_id, include_sensitive=True),
                  tmp_path / "nl.pdf")
    dutch = " ".join(pages_text(tmp_path / "nl.pdf"))
    assert "1 december 2026" in dutch and "24 november 2026" in dutch
    assert "Trần Văn Hidden" in dutch


def test_an_event_without_follow_ups_or_notes_says_nothing_recorded(demo_store, tmp_path):
    with demo_store.session() as session:
        event = Activity(core_task=CoreTask.AGENDA, kind=ActivityKind.TRAINING, title="Quiet training",
                         date=TODAY, post_code="HAN")
        session.add(event)
        session.flush()
        event_id = event.id
    out = tmp_path / "event.pdf"
    with demo_store.read() as session:
        make_pack("event", session, ReportOptions(language="en", event_id=event_id), out)
    text = " ".join(pages_text(out))
    assert "Training report: Quiet training" in text
    assert text.count("Nothing recorded yet.") >= 4  # notes, outcome, attendance, participants, follow-ups


def test_a_meeting_is_no_event(demo_store, tmp_path):
    with demo_store.read() as session:
        meeting = session.scalars(select(Activity.id).where(Activity.kind == ActivityKind.MEETING).limit(1)).one()
        with pytest.raises(PostAppError, match="not an event or a training"):
            make_pack("event", session, ReportOptions(language="en", event_id=meeting), tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_event_report_counts_who_attended_by_organisation_type_and_gender(demo_store, tmp_path):
    from postapp.domain import Gender
    from postapp.services.events import EventData, ParticipantData, create_event

    with demo_store.session() as session:
        company = Organisation(name="Delta Textiles B.V.", kind=OrganisationKind.COMPANY, post_code="HAN")
        ngo = Organisation(name="Centre for Women Workers", kind=OrganisationKind.NGO, post_code="HAN")
        people = [Person(name="Sanne Visser", organisation=company, gender=Gender.FEMALE, post_code="HAN"),
                  Person(name="Bram Bos", organisation=company, gender=Gender.MALE, post_code="HAN"),
                  Person(name="Lê Thị Mai", organisation=ngo, gender=Gender.FEMALE, post_code="HAN"),
                  Person(name="Trần Văn Hidden", organisation=ngo, sensitive=True, post_code="HAN"),
                  Person(name="Stayed Home", organisation=company, gender=Gender.FEMALE, post_code="HAN")]
        session.add_all(people)
        session.flush()
        statuses = ["attended", "attended", "attended", "attended", "declined"]
        event = create_event(session, EventData(
            title="Roundtable on living wage", starts="2026-11-24 09:00", ends="2026-11-24 12:00",
            timezone="Asia/Ho_Chi_Minh",
            participants=[ParticipantData(p.id, s) for p, s in zip(people, statuses, strict=True)]), "HAN")
        activity_id = event.activity_id
    out = tmp_path / "event.pdf"
    with demo_store.read() as session:
        make_pack("event", session, ReportOptions(language="en", event_id=activity_id), out)
    text = " ".join(pages_text(out))
    assert "On the list: 5; registered: 4; attended: 4." in text
    # attended only: 2 company (Sanne, Bram), 2 NGO (Mai, the sensitive one is counted, not named)
    assert "Company 2" in text and "NGO 2" in text and "Total 4" in text
    assert "Woman 2" in text and "Man 1" in text and "Not recorded 1" in text
    assert "not recorded for an activity" not in text
    assert "Trần Văn Hidden" not in text and "1 sensitive contact left out" in text
    assert "Stayed Home Delta Textiles B.V. Declined" in text
