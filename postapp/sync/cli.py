"""``postapp sync enrol|now|export|import|status``: sync over the line, the road without a line, and what is
pending.

``now`` sends what headquarters has not acknowledged and takes in what it has for this post
(``postapp.sync.client.sync_now``). ``export`` writes every bundle HQ has not acknowledged into one sync
file (a ZIP of ``bundle-<seq>.pab``, see ``postapp.sync.container``); ``import`` applies HQ's bundles from a
sync file in order.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from postapp.i18n import _, format_number


def cmd_enrol(args: argparse.Namespace) -> int:
    from postapp.cli import db_path
    from postapp.store import open_store
    from postapp.sync import keys
    from postapp.sync.enrolment import enrol

    folder = keys.post_keys_dir()
    store = open_store(db_path(args))
    try:
        with store.session() as session:
            state = enrol(session, Path(args.file), folder, replace=args.replace)
            hq_id, post_code, server = state.hq_id, state.post_code, state.server_url
    finally:
        store.close()
    print(_("Enrolled as post {post} with headquarters {hq} ({server}).").format(
        post=post_code, hq=hq_id, server=server or "–"))
    print(_("Fingerprint of this post's keys, to compare with headquarters: {fingerprint}").format(
        fingerprint=keys.load(folder).public().fingerprint()))
    return 0


class _Printer:
    """Progress on the terminal: one line per bundle sent or fetched and per wait; never cancels."""

    def __init__(self) -> None:
        self.shown: tuple[object, ...] = ()

    def __call__(self, progress: Any) -> bool:
        from postapp.sync.client import SyncPhase

        if progress.phase is SyncPhase.WAITING:
            key: tuple[object, ...] = (progress.phase, progress.attempt)
            line = _("No answer from headquarters (attempt {attempt}); trying again in {seconds} s.").format(
                attempt=progress.attempt, seconds=format_number(round(progress.retry_in)))
        elif progress.phase is SyncPhase.UPLOADING and progress.seq is not None:
            key = (progress.phase, progress.seq)
            line = _("Sending bundle {seq} to headquarters…").format(seq=progress.seq)
        elif progress.phase is SyncPhase.APPLYING and progress.seq is not None:
            key = (progress.phase, progress.seq)
            line = _("Taking in bundle {seq} from headquarters…").format(seq=progress.seq)
        else:
            return True
        if key != self.shown:
            self.shown = key
            print(line, flush=True)
        return True


def cmd_now(args: argparse.Namespace) -> int:
    from postapp.cli import db_path
    from postapp.store import open_store
    from postapp.sync import keys
    from postapp.sync.client import sync_now

    pair = keys.load(keys.post_keys_dir())
    store = open_store(db_path(args))
    try:
        report = sync_now(store, pair, progress=_Printer(), server_url=args.server or None)
    finally:
        store.close()
    if report.acknowledged:
        print(_("Headquarters acknowledged bundles {first} to {last}.").format(
            first=min(report.acknowledged), last=max(report.acknowledged)))
    if report.bytes_total:
        print(_("Sent {sent} bytes of {total} (sent again after interruptions: {resent}).").format(
            sent=format_number(report.bytes_sent), total=format_number(report.bytes_total),
            resent=format_number(report.bytes_resent)))
    else:
        print(_("Nothing to send: headquarters has acknowledged everything."))
    fresh = [result for result in report.applied if not result.already_applied]
    if fresh:
        print(_("Took in {bundles} bundles from headquarters ({records} records).").format(
            bundles=format_number(len(fresh)), records=format_number(report.records_applied)))
    else:
        print(_("Nothing new from headquarters."))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from postapp.cli import db_path
    from postapp.store import open_store
    from postapp.sync import container, keys
    from postapp.sync.post_side import next_bundle, pending_bundles

    out = Path(args.out)
    pair = keys.load(keys.post_keys_dir())
    store = open_store(db_path(args))
    try:
        with store.session() as session:
            while next_bundle(session, pair) is not None:
                pass
            pending = [(b.seq, b.data, b.record_count) for b in pending_bundles(session)]
    finally:
        store.close()
    if not pending:
        print(_("Nothing to send: headquarters has acknowledged everything; no file was written."))
        return 0
    container.write_file(out, [data for _seq, data, _count in pending])
    print(_("Wrote bundles {first} to {last} ({records} records) to {path}. They stay pending until headquarters "
            "acknowledges them.").format(first=pending[0][0], last=pending[-1][0],
                                        records=format_number(sum(count for _seq, _data, count in pending)),
                                        path=out))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from postapp.cli import db_path
    from postapp.store import open_store
    from postapp.sync import container, keys
    from postapp.sync.post_side import apply_incoming

    bundles = container.read_file(Path(args.file))
    pair = keys.load(keys.post_keys_dir())
    store = open_store(db_path(args))
    try:
        for data in bundles:
            with store.session() as session:
                result = apply_incoming(session, data, pair)
            if result.already_applied:
                print(_("Bundle {seq} from headquarters was applied before; nothing changed.").format(seq=result.seq))
            else:
                print(_("Applied bundle {seq} from headquarters. Records: {records}; our bundles acknowledged: "
                        "{acks}.").format(seq=result.seq, records=format_number(result.record_count),
                                          acks=format_number(len(result.acknowledged))))
    finally:
        store.close()
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from postapp.cli import db_path
    from postapp.i18n import format_datetime
    from postapp.store import open_store
    from postapp.sync.post_side import status

    store = open_store(db_path(args))
    try:
        with store.read() as session:
            found = status(session)
    finally:
        store.close()
    if not found.enrolled:
        print(_("Not enrolled with headquarters; import the enrolment file with: postapp sync enrol FILE"))
        return 0
    print(_("Enrolled as post {post} with headquarters {hq} ({server}).").format(
        post=found.post_code, hq=found.hq_id, server=found.server_url or "–"))
    print(_("Bundles not yet acknowledged by headquarters: {bundles} ({records} records).").format(
        bundles=format_number(found.pending_bundles), records=format_number(found.pending_records)))
    print(_("Records waiting for the next bundle: {waiting}.").format(waiting=format_number(found.waiting_entries)))
    last = format_datetime(found.last_acknowledged_at) if found.last_acknowledged_at else _("never")
    print(_("Last acknowledgement from headquarters: {when}.").format(when=last))
    print(_("Last bundle applied from headquarters: {seq}.").format(seq=found.last_applied_hq_seq))
    return 0


def _check_out(text: str) -> str:
    if not text.lower().endswith(".pab"):
        raise argparse.ArgumentTypeError(_("choose a file name ending in .pab"))
    return text


def register(commands: Any) -> None:
    sync = commands.add_parser("sync", help=_("exchange data with headquarters: enrol, sync now, sync files, status"))
    actions = sync.add_subparsers(dest="sync_command", metavar="ACTION", required=True)
    enrol = actions.add_parser("enrol", help=_("import the enrolment file from headquarters"))
    enrol.add_argument("file", metavar="FILE")
    enrol.add_argument("--replace", action="store_true",
                       help=_("replace an enrolment with another headquarters (starts the numbering afresh)"))
    enrol.set_defaults(func=cmd_enrol)
    now = actions.add_parser("now", help=_("send what headquarters has not acknowledged and take in what it has "
                                           "for this post"))
    now.add_argument("--server", metavar="URL",
                     help=_("headquarters' server address, instead of the one in the enrolment file"))
    now.set_defaults(func=cmd_now)
    export = actions.add_parser("export", help=_("write what headquarters has not acknowledged to a sync file"))
    export.add_argument("--out", required=True, type=_check_out, metavar="FILE.pab")
    export.set_defaults(func=cmd_export)
    imp = actions.add_parser("import", help=_("apply a sync file from headquarters"))
    imp.add_argument("file", metavar="FILE.pab")
    imp.set_defaults(func=cmd_import)
    status = actions.add_parser("status", help=_("show the enrolment and what is pending"))
    status.set_defaults(func=cmd_status)

