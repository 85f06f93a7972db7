"""``postapp report country|company|event|study --out FILE.pdf``: the printed packs without a window.

The post's name, code and country come from ``--post-name``/``--post-code``/``--country`` or, when not
given, from the data (``options.post_defaults``); the window passes its preferences instead.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from postapp.errors import PostAppError
from postapp.i18n import LANGUAGES, _, format_number, language, parse_date

PACK_NAMES = ("country", "company", "event", "study")


def _date(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return parse_date(text)
    except ValueError:
        raise PostAppError(_("{option}: {value} is not a date; write it as 2026-11-24.").format(
            option=option, value=text)) from None


def _sections(text: str | None, pack: str) -> frozenset[str] | None:
    from postapp.reports.packs import SECTIONS

    if text is None:
        return None
    chosen = frozenset(part.strip() for part in text.split(",") if part.strip())
    unknown = sorted(chosen - set(SECTIONS[pack]))
    if unknown or not chosen:
        raise PostAppError(_("--sections: choose from {sections}.").format(sections=", ".join(SECTIONS[pack])))
    return chosen


def _check_subject(args: argparse.Namespace) -> None:
    if args.pack == "company" and not args.company:
        raise PostAppError(_("The company brief needs --company with the organisation's id or exact name."))
    if args.pack == "event" and not args.event:
        raise PostAppError(_("The event report needs --event with the event's id or exact title."))
    if args.company and args.pack != "company":
        raise PostAppError(_("--company only applies to the company brief."))
    if args.event and args.pack != "event":
        raise PostAppError(_("--event only applies to the event report."))


def cmd_report(args: argparse.Namespace) -> int:
    from postapp.cli import db_path
    from postapp.reports.company import find_organisation
    from postapp.reports.document import write_pdf
    from postapp.reports.event import find_event
    from postapp.reports.options import ReportOptions
    from postapp.reports.packs import PACKS
    from postapp.store import open_store

    out = Path(args.out)
    if out.suffix.lower() != ".pdf":
        raise PostAppError(_("Choose a file name ending in .pdf."))
    _check_subject(args)
    start, end = _date(args.date_from, "--from"), _date(args.date_to, "--to")
    if start and end and start > end:
        raise PostAppError(_("--from ({start}) is after --to ({end}).").format(start=args.date_from,
                                                                              end=args.date_to))
    if args.pack == "study" and (start or end):
        raise PostAppError(_("The study report covers every submitted response; --from and --to do not apply."))
    sections = _sections(args.sections, args.pack)
    store = open_store(db_path(args))
    try:
        with store.read() as session:
            company_id = find_organisation(session, args.company).id if args.company else None
            event_id = find_event(session, args.event).id if args.event else None
            options = ReportOptions(
                language=args.pack_language or language(), date_from=start, date_to=end, sections=sections,
                classification=args.classification or "", post_name=args.post_name or "",
                post_code=args.post_code or "", country=args.country or "", include_sensitive=args.include_sensitive,
                company_id=company_id, event_id=event_id)
            content = PACKS[args.pack](session, options)
        write_pdf(content, options, out)
    finally:
        store.close()
    print(_("Wrote {title} to {path}.").format(title=content.title, path=out))
    if content.left_out_sensitive:
        print(_("{count} sensitive contacts were left out; add --include-sensitive to print them.").format(
            count=format_number(content.left_out_sensitive)))
    return 0


def register(commands: Any) -> None:
    report = commands.add_parser("report", help=_("print a briefing pack as an A4 PDF"))
    report.add_argument("pack", choices=PACK_NAMES,
                        help=_("country briefing, company brief, event report or study report"))
    report.add_argument("--out", required=True, metavar="FILE.pdf", help=_("the PDF file to write"))
    report.add_argument("--lang", dest="pack_language", choices=sorted(LANGUAGES),
                        help=_("language of the pack (default: the language of messages)"))
    report.add_argument("--from", dest="date_from", metavar="DATE", help=_("first day of the period"))
    report.add_argument("--to", dest="date_to", metavar="DATE", help=_("last day of the period"))
    report.add_argument("--company", metavar="ID", help=_("the organisation (id or exact name) of a company brief"))
    report.add_argument("--event", metavar="ID", help=_("the event or training (id or exact title) of an event report"))
    report.add_argument("--classification", metavar="TEXT",
                        help=_("the classification line on every page (default: Internal use)"))
    report.add_argument("--include-sensitive", action="store_true",
                        help=_("include sensitive contacts (human rights defenders, trade unionists)"))
    report.add_argument("--sections", metavar="LIST", help=_("comma-separated sections to print (default: all)"))
    report.add_argument("--post-name", metavar="TEXT", help=_("the post's name (default: from the data)"))
    report.add_argument("--post-code", metavar="CODE", help=_("the post's code (default: the most common in the data)"))
    report.add_argument("--country", metavar="CC", help=_("host country, ISO code (default: from the data)"))
    report.set_defaults(func=cmd_report)
