"""The .ics export: read back with icalendar, zone kept, no personal data by default, sensitive never
unless explicitly included, RFC 5545 line endings and folding, and an atomic write."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path
from typing import Any

import icalendar
import pytest

from postapp.errors import PostAppError
from postapp.services import event_ics
from postapp.services import events as ev
from postapp.services.contacts import PersonData, create_person
from postapp.store import Store

LONG_VIETNAMESE = ("Hội thảo về trách nhiệm giải trình của doanh nghiệp: thẩm định trách nhiệm trong chuỗi cung ứng "
                   "dệt may, quyền của người lao động nữ, mức lương đủ sống và tự do hiệp hội. ") * 3


@pytest.fixture
def event_id(store: Store) -> uuid.UUID:
    with store.session() as s:
        persons = [create_person(s, PersonData(name=name, email=email, sensitive=sensitive), "HAN")
                   for name, email, sensitive in [
                       ("Lan Nguyễn", "lan@delta.example", False), ("Jan de Vries", "jan@delta.example", False),
                       ("Hoa Trần", "hoa@vgcl.example", True), ("No Mail", "", False),
                       ("Declined Person", "declined@example.org", False)]]
        statuses = ["registered", "invited", "registered", "registered", "declined"]
        event = ev.create_event(s, ev.EventData(
            title="IMVO-sessie: due diligence in de textielketen", starts=dt.datetime(2026, 11, 24, 9, 30),
            ends=dt.datetime(2026, 11, 24, 12, 0), timezone="Asia/Ho_Chi_Minh", location="Đại sứ quán, Hà Nội",
            notes=LONG_VIETNAMESE,
            participants=[ev.ParticipantData(p.id, st) for p, st in zip(persons, statuses, strict=True)]), "HAN")
        return event.id


def _export(store: Store, event_id: uuid.UUID, path: Path, **options: bool) -> event_ics.IcsExport:
    with store.read() as s:
        return event_ics.export_ics(s, event_id, path, **options)


def test_round_trip_with_zone(store: Store, event_id: uuid.UUID, tmp_path: Path) -> None:
    path = tmp_path / "event.ics"
    result = _export(store, event_id, path)
    assert result.attendees == 0
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    assert str(calendar["PRODID"]) == "-//PostApp IMVO//EN"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["METHOD"]) == "PUBLISH"
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == f"{event_id}@postapp-imvo"
    start = vevent.decoded("DTSTART")
    assert start.utcoffset() == dt.timedelta(hours=7)
    assert start.replace(tzinfo=None) == dt.datetime(2026, 11, 24, 9, 30)
    assert start.astimezone(dt.UTC) == dt.datetime(2026, 11, 24, 2, 30, tzinfo=dt.UTC)
    assert vevent["DTSTART"].params["TZID"] == "Asia/Ho_Chi_Minh"
    assert vevent.decoded("DTEND").replace(tzinfo=None) == dt.datetime(2026, 11, 24, 12, 0)
    assert str(vevent["SUMMARY"]) == "IMVO-sessie: due diligence in de textielketen"
    assert str(vevent["LOCATION"]) == "Đại sứ quán, Hà Nội"
    assert str(vevent["DESCRIPTION"]) == LONG_VIETNAMESE.strip()
    assert "DTSTAMP" in vevent
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Ho_Chi_Minh"]
    assert "ATTENDEE" not in vevent


def test_crlf_and_folding(store: Store, event_id: uuid.UUID, tmp_path: Path) -> None:
    path = tmp_path / "event.ics"
    _export(store, event_id, path)
    raw = path.read_bytes()
    lines = raw.split(b"\r\n")
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    # RFC 5545 3.1: lines of at most 75 octets, continuation lines start with a space, and no UTF-8
    # character is split across a fold (each line decodes on its own).
    assert all(len(line) <= 75 for line in lines)
    assert sum(line.startswith(b" ") for line in lines) >= 5
    for line in lines:
        line.decode("utf-8")
    assert "Personal" not in raw.decode("utf-8")
    for address in (b"lan@delta.example", b"jan@delta.example", b"hoa@vgcl.example", b"Lan Nguy"):
        assert address not in raw


def test_attendees_only_when_asked_and_never_sensitive(store: Store, event_id: uuid.UUID, tmp_path: Path) -> None:
    path = tmp_path / "with.ics"
    result = _export(store, event_id, path, include_attendees=True)
    assert (result.attendees, result.left_out_sensitive) == (2, 1)
    [vevent] = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    found: Any = vevent["ATTENDEE"]
    attendees: list[Any] = found if isinstance(found, list) else [found]
    assert sorted(str(a) for a in attendees) == ["mailto:jan@delta.example", "mailto:lan@delta.example"]
    names = {str(a.params["CN"]): str(a.params["PARTSTAT"]) for a in attendees}
    assert names == {"Jan de Vries": "NEEDS-ACTION", "Lan Nguyễn": "ACCEPTED"}
    assert b"hoa@vgcl.example" not in path.read_bytes()
    assert b"declined@example.org" not in path.read_bytes()

    explicit = _export(store, event_id, path, include_attendees=True, include_sensitive=True)
    assert (explicit.attendees, explicit.left_out_sensitive) == (3, 0)
    [vevent] = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    everyone: Any = vevent["ATTENDEE"]
    assert "mailto:hoa@vgcl.example" in [str(a) for a in everyone]
    # include_sensitive alone adds no attendees: personal data needs both choices.
    assert _export(store, event_id, path, include_sensitive=True).attendees == 0
    assert b"mailto:" not in path.read_bytes()


def test_utc_event_has_no_vtimezone(store: Store, tmp_path: Path) -> None:
    with store.session() as s:
        event_id = ev.create_event(s, ev.EventData(title="Webinar", starts="2026-11-24 09:00",
                                                   ends="2026-11-24 10:00", timezone="UTC")).id
    path = tmp_path / "utc.ics"
    _export(store, event_id, path)
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    [vevent] = calendar.walk("VEVENT")
    assert vevent.decoded("DTSTART") == dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
    assert not calendar.walk("VTIMEZONE")


def test_failed_write_keeps_the_old_file(store: Store, event_id: uuid.UUID, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "event.ics"
    path.write_bytes(b"old content")

    def broken(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(PostAppError, match="No space left"):
        _export(store, event_id, path)
    assert path.read_bytes() == b"old content"
    assert not [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"]
