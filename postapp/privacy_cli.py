"""``postapp gdpr export|erase|review`` and ``postapp duplicates``: personal data without a window.

PERSON is a person's id, e-mail address or exact name; when several persons answer to it the
candidates are listed with their ids and nothing is done (exit 1).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from postapp.errors import PostAppError
from postapp.i18n import _, format_date, format_number, ngettext


def _years(text: str) -> int:
    from postapp.services.privacy import MAX_RETENTION_YEARS

    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_RETENTION_YEARS:
        raise argparse.ArgumentTypeError(_("must be a whole number from 1 to {maximum}").format(
            maximum=MAX_RETENTION_YEARS))
    return value


def _score(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 50 <= value <= 100:
        raise argparse.ArgumentTypeError(_("must be a whole number from 50 to 100"))
    return value


def _login() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""


def _find(session: Any, text: str) -> Any:
    from postapp.services.privacy import AmbiguousPersonError, find_person

    try:
        return find_person(session, text)
    except AmbiguousPersonError as exc:
        print(str(exc), file=sys.stderr)
        for person_id, name, email in exc.candidates:
            print(f"  {person_id}  {name}  {email}", file=sys.stderr)
        raise PostAppError(_("Nothing was done.")) from exc


def _store(args: argparse.Namespace) -> Any:
    from postapp.cli import db_path
    from postapp.store import open_store

    return open_store(db_path(args))


def cmd_export(args: argparse.Namespace) -> int:
    from postapp.services import privacy

    store = _store(args)
    try:
        with store.read() as session:
            person = _find(session, args.person)
            if person.sensitive and not args.yes:
                raise PostAppError(_("{name} is marked sensitive. The export is their right, but the file must "
                                     "be kept safe; add --yes to write it.").format(name=person.name))
            data = privacy.export_person(session, person.id)
            name = person.name
    finally:
        store.close()
    out = Path(args.out) if args.out else Path(f"person-{data['person']['id']}.json")
    privacy.write_export(data, out)
    print(_("Wrote everything held on {name} to {path}.").format(name=name, path=out))
    return 0


def cmd_erase(args: argparse.Namespace) -> int:
    from postapp.services import privacy

    store = _store(args)
    try:
        with store.read() as session:
            person = _find(session, args.person)
            person_id, name, email = person.id, person.name, person.email
        if not args.yes:
            if not sys.stdin.isatty():
                raise PostAppError(_("Erasing cannot be undone; add --yes to erase {name}.").format(name=name))
            answer = input(_("Erase all personal data of {name} ({email})? This cannot be undone. [y/N] ").format(
                name=name, email=email or "–"))
            # "yes" in the app's languages: the prompt is translated, the answer must be too.
            if answer.strip().lower() not in ("y", "yes", "j", "ja", "o", "oui", "s", "si", "sí"):
                print(_("Nothing was erased."))
                return 1
        with store.session() as session:
            result = privacy.erase_person(session, person_id, reason=args.reason, erased_by=args.by or _login())
        privacy.fold_log(store)
    finally:
        store.close()
    print(result.summary())
    for mention in result.mentions:
        print(f"  {mention.kind} {mention.id}  {mention.title}")
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    from postapp.services import privacy

    store = _store(args)
    try:
        with store.read() as session:
            rows = privacy.review(session, args.years)
    finally:
        store.close()
    print(ngettext("{n} person untouched for {years} years or more:", "{n} persons untouched for {years} years "
                   "or more:", len(rows)).format(n=format_number(len(rows)), years=args.years))
    for row in sorted(rows, key=lambda r: r.last_touched):
        print(f"  {format_date(row.last_touched, 'short'):>10}  {row.id}  {row.name}  {row.organisation}")
    return 0


def cmd_duplicates(args: argparse.Namespace) -> int:
    from postapp.services import duplicates

    store = _store(args)
    try:
        with store.read() as session:
            result = duplicates.scan(session, min_score=args.min_score, max_pairs=args.limit)
    finally:
        store.close()
    print(ngettext("{n} likely duplicate pair among {persons} persons.",
                   "{n} likely duplicate pairs among {persons} persons.", len(result.pairs)).format(
        n=format_number(len(result.pairs)), persons=format_number(result.persons)))
    for pair in result.pairs:
        print(f"{pair.score:>4}  {pair.left.id}  {pair.left.name} <{pair.left.email}> [{pair.left.organisation}]")
        print(f"      {pair.right.id}  {pair.right.name} <{pair.right.email}> [{pair.right.organisation}]")
        print("      " + ", ".join(pair.reason_labels()))
    if result.truncated:
        print(_("{n} weaker pairs were left out; raise --limit to see them.").format(
            n=format_number(result.truncated)))
    for block in result.split_blocks:
        print(_("{size} persons share one {kind}: compared with their nearest names only.").format(
            size=format_number(block.size), kind=_(block.kind.label)))
    return 0


def register(commands: Any) -> None:
    gdpr = commands.add_parser("gdpr", help=_("personal data (GDPR): export or erase one person, retention review"))
    actions = gdpr.add_subparsers(dest="gdpr_command", metavar="ACTION", required=True)
    export = actions.add_parser("export", help=_("write everything held on one person to a file (.json or .txt)"))
    export.add_argument("person", metavar="PERSON", help=_("the person's id, e-mail address or exact name"))
    export.add_argument("--out", metavar="FILE", help=_("the file to write (default: person-ID.json)"))
    export.add_argument("--yes", action="store_true", help=_("also export a person marked sensitive"))
    export.set_defaults(func=cmd_export)
    erase = actions.add_parser("erase", help=_("erase one person's personal data, keeping an audit entry without it"))
    erase.add_argument("person", metavar="PERSON", help=_("the person's id, e-mail address or exact name"))
    erase.add_argument("--reason", default="", metavar="TEXT",
                       help=_("why (kept in the erasure log: no name or e-mail address)"))
    erase.add_argument("--by", default="", metavar="NAME", help=_("who erases (default: your login name)"))
    erase.add_argument("--yes", action="store_true", help=_("do not ask for confirmation"))
    erase.set_defaults(func=cmd_erase)
    review = actions.add_parser("review", help=_("list persons untouched for a number of years"))
    review.add_argument("--years", type=_years, default=2, metavar="N", help=_("years without contact (default 2)"))
    review.set_defaults(func=cmd_review)
    dup = commands.add_parser("duplicates", help=_("list persons that were probably entered twice"))
    dup.add_argument("--min-score", type=_score, default=90, metavar="N",
                     help=_("lowest score to list, 50 to 100 (default 90)"))
    dup.add_argument("--limit", type=int, default=200, metavar="N", help=_("list at most N pairs (default 200)"))
    dup.set_defaults(func=cmd_duplicates)
