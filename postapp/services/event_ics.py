"""An event as an iCalendar file (RFC 5545) that Outlook opens at the right local time.

The file carries the event, not the people: personal data stays on the laptop unless the user asks
for attendees, and even then sensitive persons (human rights defenders, trade unionists at risk) are
left out unless they are explicitly included too. The times keep the event's zone (``TZID`` with a
``VTIMEZONE``), so a laptop set to Amsterdam time still shows a Hanoi session at 09:00 Hanoi time.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import NamedTuple

from sqlalchemy.orm import Session

from postapp.domain import Event, ParticipantStatus
from postapp.files import write_atomically
from postapp.services.events import get_event, live_participants, local_end, local_start

PRODID = "-//PostApp IMVO//EN"
UID_DOMAIN = "postapp-imvo"
# Those still expected: invited (no answer yet) and registered. Declined, no-show and past attendance
# have no place in a calendar invitation.
ATTENDEE_STATUSES = {ParticipantStatus.INVITED: "NEEDS-ACTION", ParticipantStatus.REGISTERED: "ACCEPTED"}


class IcsExport(NamedTuple):
    path: Path
    attendees: int
    left_out_sensitive: int  # sensitive persons who would otherwise have been listed


def event_uid(event: Event) -> str:
    return f"{event.id}@{UID_DOMAIN}"


def calendar_bytes(event: Event, include_attendees: bool = False, include_sensitive: bool = False,
                   now: dt.datetime | None = None) -> tuple[bytes, int, int]:
    """The ``.ics`` content, with how many attendees it lists and how many sensitive ones it left out."""
    import icalendar

    activity = event.activity
    calendar = icalendar.Calendar.new(prodid=PRODID, method="PUBLISH")
    entry = icalendar.Event.new(
        uid=event_uid(event), stamp=now or dt.datetime.now(dt.UTC), start=local_start(event), end=local_end(event),
        summary=activity.title, location=event.location or None, description=activity.notes or None,
        last_modified=event.updated_at,
    )
    listed = left_out = 0
    if include_attendees:
        for participant in sorted(live_participants(event), key=lambda p: p.person.name.casefold()):
            person = participant.person
            if participant.status not in ATTENDEE_STATUSES or not person.email:
                continue
            if person.sensitive and not include_sensitive:
                left_out += 1
                continue
            address = icalendar.vCalAddress(f"mailto:{person.email}")
            address.params["CN"] = icalendar.vText(person.name)
            address.params["ROLE"] = icalendar.vText("REQ-PARTICIPANT")
            address.params["PARTSTAT"] = icalendar.vText(ATTENDEE_STATUSES[participant.status])
            entry.add("attendee", address, encode=False)
            listed += 1
    calendar.add_component(entry)
    # The zone's rules for the years around the event only: a short VTIMEZONE that Outlook reads.
    start, end = local_start(event), local_end(event)
    calendar.add_missing_timezones(first_date=dt.date(start.year, 1, 1), last_date=dt.date(end.year + 2, 1, 1))
    return calendar.to_ical(), listed, left_out


def export_ics(session: Session, event_id: uuid.UUID, path: Path, include_attendees: bool = False,
               include_sensitive: bool = False) -> IcsExport:
    event = get_event(session, event_id)
    content, listed, left_out = calendar_bytes(event, include_attendees, include_sensitive)
    write_atomically(path, content)
    return IcsExport(path, listed, left_out)
