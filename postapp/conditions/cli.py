"""``postapp audit verify``: walks the audit log's hash chain; exit 0 when it is intact."""

from __future__ import annotations

import argparse
from typing import Any

from postapp.errors import PostAppError
from postapp.i18n import _, format_number


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from postapp.cli import db_path
    from postapp.conditions import audit
    from postapp.store import open_store

    store = open_store(db_path(args))
    try:
        with store.read() as session:
            checked, broken = audit.verify(session)
    finally:
        store.close()
    if broken is not None:
        raise PostAppError(_("The audit log is broken at entry {seq}: {problem} ({checked} entries before it "
                             "are intact).").format(seq=broken.seq, problem=broken.problem,
                                                    checked=format_number(checked)))
    print(_("The audit log is intact: {count} entries verified.").format(count=format_number(checked)))
    return 0


def register(commands: Any) -> None:
    audit_parser = commands.add_parser("audit", help=_("check the audit log of the condition checks"))
    actions = audit_parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = actions.add_parser("verify", help=_("verify that no entry of the audit log was changed or removed"))
    verify.set_defaults(func=cmd_audit_verify)
