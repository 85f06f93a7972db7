"""``postapp sanctions import FILE`` and ``postapp sanctions screen NAME``.

Only argparse and i18n are imported at module level: ``postapp.cli`` registers these commands on every
start, and the store, SQLAlchemy and rapidfuzz load only when one of them runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import TYPE_CHECKING, Any

from postapp.errors import PostAppError
from postapp.i18n import N_, _, format_date, format_number

if TYPE_CHECKING:
    from postapp.sanctions.screening import Hit, ListStatus

SOURCE_LABELS = {"eu": N_("EU consolidated list"), "opensanctions": N_("OpenSanctions list")}
SCHEMA_LABELS = {"person": N_("person"), "organisation": N_("organisation"), "other": N_("other")}
MAX_LIMIT = 1000


def source_label(source: str) -> str:
    return _(SOURCE_LABELS[source]) if source in SOURCE_LABELS else source


def list_label(source: str, published: dt.date | None) -> str:
    if published is None:
        return _("{source} (undated)").format(source=source_label(source))
    return _("{source} of {date}").format(source=source_label(source), date=format_date(published))


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_LIMIT:
        raise argparse.ArgumentTypeError(
            _("must be a whole number from 1 to {maximum}").format(maximum=format_number(MAX_LIMIT)))
    return value


def _score(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(_("must be a number from 0 to 100"))
    return value


class _TerminalProgress:
    """A percentage on the same line of a terminal; silent when output goes to a file or a pipe."""

    def __init__(self) -> None:
        self.shown = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if self.shown and total:
            percent = format_number(done * 100 // total)
            print("\r" + _("Importing... {percent}%").format(percent=percent), end="", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.shown:
            print("\r\033[K", end="", file=sys.stderr, flush=True)


def cmd_import(args: argparse.Namespace) -> int:
    from postapp.cli import db_path
    from postapp.sanctions.importer import import_list
    from postapp.store import open_store

    store = open_store(db_path(args))
    progress = _TerminalProgress()
    try:
        with store.session() as session:
            imported = import_list(session, args.file, progress=progress)
    finally:
        progress.close()
        store.close()
    print(_("Imported the {list} from {file}: {count} entries. Screening now uses this list.").format(
        list=list_label(imported.source, imported.published), file=imported.file_name,
        count=format_number(imported.entry_count)))
    return 0


def _print_lists(lists: list[ListStatus], today: dt.date) -> None:
    from postapp.sanctions.screening import DEFAULT_MAX_AGE_DAYS, is_stale, list_age_days

    print(_("Screened against: {lists}.").format(lists="; ".join(
        _("{list}, {count} entries").format(list=list_label(s.source, s.published), count=format_number(s.entry_count))
        for s in lists)))
    for status in lists:
        if is_stale(status, DEFAULT_MAX_AGE_DAYS, today):
            print(_("Warning: the {list} is {days} days old; import a recent one before relying on it.").format(
                list=list_label(status.source, status.published),
                days=format_number(list_age_days(status, today))))


def _print_hit(hit: Hit) -> None:
    names = hit.primary_name if hit.matched_name == hit.primary_name else _("{matched} (alias of {primary})").format(
        matched=hit.matched_name, primary=hit.primary_name)
    # At most one decimal, right-aligned; the locale writes the decimal sign ("96,7" in Dutch).
    print(f"{format_number(round(hit.score, 1)):>5}  {names}")
    details = [_(SCHEMA_LABELS.get(hit.schema, hit.schema)), hit.countries.replace(",", ", "), hit.programme,
               list_label(hit.source, hit.list_published)]
    print("       " + " | ".join(d for d in details if d))


def cmd_screen(args: argparse.Namespace) -> int:
    from postapp.cli import db_path
    from postapp.sanctions.screening import Screener, normalise
    from postapp.store import open_store

    if not normalise(args.name):
        raise PostAppError(_("Give the name of a person or organisation to screen."))
    store = open_store(db_path(args))
    try:
        with store.read() as session:
            screener = Screener.load(session)
    finally:
        store.close()
    if not screener.available:
        raise PostAppError(_("No sanctions list has been imported yet; import one first with: "
                             "postapp sanctions import FILE"))
    _print_lists(screener.lists, dt.date.today())
    hits = screener.screen(args.name, limit=args.limit, cutoff=args.min_score)
    if not hits:
        print(_("No candidate matches for \"{name}\" (score {score} or more).").format(
            name=args.name, score=format_number(args.min_score)))
        return 0
    print(_("Candidate matches for \"{name}\", best first (score out of 100):").format(name=args.name))
    for hit in hits:
        _print_hit(hit)
    return 0


def register(commands: Any) -> None:
    """Adds ``sanctions import`` and ``sanctions screen`` to the CLI's subcommands."""
    group = commands.add_parser("sanctions", help=_("import sanctions lists and screen names against them"))
    sub = group.add_subparsers(dest="sanctions_command", metavar="COMMAND", title=_("commands"),
                               parser_class=type(group), required=True)
    importer = sub.add_parser("import", help=_("import the EU consolidated list (XML) or an OpenSanctions "
                                               "targets.simple.csv; it replaces the list of the same source"))
    importer.add_argument("file", metavar="FILE", help=_("the downloaded list file"))
    importer.set_defaults(func=cmd_import)
    screen = sub.add_parser("screen", help=_("show candidate matches for a name, best first"))
    screen.add_argument("name", metavar="NAME", help=_("the person or organisation to screen"))
    screen.add_argument("--limit", type=_limit, default=10, metavar="N", help=_("show at most N candidates"))
    screen.add_argument("--min-score", type=_score, default=85.0, metavar="SCORE",
                        help=_("lowest score shown (0-100, default 85)"))
    screen.set_defaults(func=cmd_screen)
