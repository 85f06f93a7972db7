"""``postapp events list|ics``: find an event's id and put the event in Outlook without a window."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from postapp.errors import PostAppError
from postapp.i18n import _, format_datetime, format_number, ngettext

RECENT = 10
UPCOMING = 50


def cmd_list(args: argparse.Namespace) -> int:
    from postapp.cli import db_path
    from postapp.domain.base import utcnow
    from postapp.services.events import event_rows
    from postapp.store import open_store

    now = utcnow()
    store = open_store(db_path(args))
    try:
        with store.read() as session:
            rows = event_rows(session, None, 0, UPCOMING + RECENT + 1, now=now)
    finally:
        store.close()
    upcoming = [r for r in rows if r.ends_at >= now][:UPCOMING]
    recent = [r for r in rows if r.ends_at < now][:RECENT]
    if not upcoming and not recent:
        print(_("No events in this data file yet."))
        return 0
    for heading, part in ((_("Upcoming events"), upcoming), (_("Recent events"), recent)):
        if not part:
            continue
        print(heading)
        for row in part:
            places = f"/{format_number(row.capacity)}" if row.capacity is not None else ""
            print(f"  {row.id}  {format_datetime(row.local_start.replace(tzinfo=None), 'short')} ({row.timezone})  "
                  f"{row.title}  — " + _("{registered}{places} registered, {attended} attended").format(
                      registered=format_number(row.registered), places=places,
                      attended=format_number(row.attended)))
    return 0


def cmd_ics(args: argparse.Namespace) -> int:
    from postapp.cli import db_path
    from postapp.services.event_ics import export_ics
    from postapp.services.events import find_event
    from postapp.store import open_store

    out = Path(args.out)
    if out.suffix.lower() != ".ics":
        raise PostAppError(_("Choose a file name ending in .ics."))
    if out.is_dir():
        raise PostAppError(_("{path} is a folder; give a file name ending in .ics.").format(path=out))
    store = open_store(db_path(args))
    try:
        with store.read() as session:
            event = find_event(session, args.event)
            title = event.activity.title
            result = export_ics(session, event.id, out, include_attendees=args.attendees)
    finally:
        store.close()
    print(_("Wrote {title} to {path}.").format(title=title, path=out))
    if args.attendees:
        print(ngettext("{count} attendee listed.", "{count} attendees listed.", result.attendees).format(
            count=format_number(result.attendees)))
    if result.left_out_sensitive:
        print(ngettext("{count} sensitive contact left out.", "{count} sensitive contacts left out.",
                       result.left_out_sensitive).format(count=format_number(result.left_out_sensitive)))
    return 0


def register(commands: Any) -> None:
    events = commands.add_parser("events", help=_("events of the post: list them, export one to a calendar"))
    actions = events.add_subparsers(dest="events_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help=_("upcoming and recent events with their ids"))
    listing.set_defaults(func=cmd_list)
    ics = actions.add_parser("ics", help=_("write an event as an iCalendar (.ics) file for Outlook"))
    ics.add_argument("event", metavar="EVENT", help=_("the event's id (see: postapp events list) or its title"))
    ics.add_argument("--out", required=True, metavar="FILE.ics", help=_("the file to write"))
    ics.add_argument("--attendees", action="store_true",
                     help=_("list invited and registered participants with an e-mail address (never sensitive "
                            "contacts); without it no personal data is written"))
    ics.set_defaults(func=cmd_ics)
