"""``postapp import contacts FILE`` and ``postapp export contacts --format vcf|csv --out FILE``.

"import" and "export" are top-level commands with the kind of record as sub-command, so other kinds
can follow. Exit codes of ``import contacts``: 0 when every row was imported or skipped as a possible
duplicate; 1 when the file is refused (unreadable, too large, damaged, no name column) and nothing is
written; 3 when the valid rows were imported but some rows had errors and were left out, so a script
notices without mistaking it for a refused file. ``--dry-run`` checks and reports without writing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from postapp.i18n import _, format_number

EXIT_ROWS_LEFT_OUT = 3
MAX_PRINTED = 200  # row messages printed; the count of the rest follows


def cmd_import_contacts(args: argparse.Namespace) -> int:
    from postapp.cli import db_path
    from postapp.contacts_io import importer, mapping
    from postapp.contacts_io.sources import open_source
    from postapp.store import open_store

    source = open_source(Path(args.file))
    fields = mapping.suggest(source.headers)
    store = open_store(db_path(args))
    try:
        plan = importer.prepare(store, source, fields)
        for notice in plan.notices:
            print(notice, file=sys.stderr)
        messages = list(importer.row_messages(plan))
        for line in messages[:MAX_PRINTED]:
            print(line, file=sys.stderr)
        if len(messages) > MAX_PRINTED:
            print(_("… and {count} more messages.").format(count=format_number(len(messages) - MAX_PRINTED)),
                  file=sys.stderr)
        options = importer.ImportOptions(create_organisations=not args.no_new_organisations,
                                         skip_duplicates=not args.include_duplicates)
        if args.dry_run:
            print(_("Checked {rows} rows: {ready} can be imported, {errors} have errors, {dups} are possible "
                    "duplicates, {orgs} new organisations. Nothing was written (--dry-run).").format(
                rows=format_number(len(plan.rows)), ready=format_number(plan.ready_count),
                errors=format_number(plan.error_count), dups=format_number(plan.duplicate_count),
                orgs=format_number(len(plan.new_organisations))))
        else:
            result = importer.write(store, plan, options, post_code=args.post_code or "")
            print(importer.summary(result))
    finally:
        store.close()
    return EXIT_ROWS_LEFT_OUT if plan.error_count else 0


def cmd_export_contacts(args: argparse.Namespace) -> int:
    from postapp.cli import db_path
    from postapp.contacts_io.export import export_contacts
    from postapp.store import open_store

    store = open_store(db_path(args))
    try:
        result = export_contacts(store, Path(args.out), args.format, include_sensitive=args.include_sensitive)
    finally:
        store.close()
    print(_("Wrote {count} persons to {path}.").format(count=format_number(result.persons), path=result.path))
    if result.sensitive_left_out:
        print(_("{count} persons marked sensitive were left out; add --include-sensitive to include them.").format(
            count=format_number(result.sensitive_left_out)))
    return 0


def register(commands: Any) -> None:
    imp = commands.add_parser("import", help=_("import records from a file: contacts"))
    kinds = imp.add_subparsers(dest="import_kind", metavar="KIND", required=True)
    contacts = kinds.add_parser(
        "contacts", help=_("import persons from a CSV, XLSX or vCard file (Outlook and Google exports too)"),
        description=_("Exit status: 0 all rows imported (possible duplicates skipped), 1 file refused and nothing "
                      "imported, 3 valid rows imported but rows with errors left out."))
    contacts.add_argument("file", metavar="FILE")
    contacts.add_argument("--dry-run", action="store_true", help=_("check and report only; write nothing"))
    contacts.add_argument("--include-duplicates", action="store_true",
                          help=_("also import rows that look like persons already stored"))
    contacts.add_argument("--no-new-organisations", action="store_true",
                          help=_("do not create unknown organisations (as companies); keep their names in notes"))
    contacts.add_argument("--post-code", metavar="CODE", default="", help=_("the post's code recorded on new records"))
    contacts.set_defaults(func=cmd_import_contacts)

    exp = commands.add_parser("export", help=_("export records to a file: contacts"))
    exports = exp.add_subparsers(dest="export_kind", metavar="KIND", required=True)
    out = exports.add_parser("contacts", help=_("export persons to CSV or vCard 4.0 (sensitive persons left out)"))
    out.add_argument("--format", choices=("vcf", "csv"), required=True)
    out.add_argument("--out", metavar="FILE", required=True)
    out.add_argument("--include-sensitive", action="store_true",
                     help=_("also export persons marked sensitive (think twice: the file can travel)"))
    out.set_defaults(func=cmd_export_contacts)
