"""``postapp-hq``: headquarters from the command line: set up, register posts, serve, and the file road.

Every command takes ``--db URL`` (PostgreSQL ``postgresql+psycopg://user@host/db``, or an SQLite file
for trying it out) and, where keys are needed, ``--keys DIR``; both default to the environment variables
``POSTAPP_HQ_DB`` and ``POSTAPP_HQ_KEYS``. Expected failures print one translated line and exit 1.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from postapp.errors import PostAppError
from postapp.i18n import LANGUAGES, _, format_datetime, format_number, set_language

if TYPE_CHECKING:
    from postapp.hq.store import HQStore
    from postapp.sync.keys import KeyPair

EXIT_ERROR = 1
EXIT_BUG = 70
PROG = "postapp-hq"
log = logging.getLogger("postapp.hq")
Command = Callable[[argparse.Namespace], int]


class OneLineParser(argparse.ArgumentParser):
    """Usage errors as one line, like every other error of the CLI."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, _("{prog}: {message} (see {prog} --help)").format(prog=self.prog, message=message) + "\n")


def _store(args: argparse.Namespace) -> HQStore:
    from postapp.hq.store import open_hq_store

    if not args.db:
        raise PostAppError(_("Say which database HQ uses: --db URL (or set POSTAPP_HQ_DB)."))
    return open_hq_store(args.db)


def _keys_dir(args: argparse.Namespace) -> Path:
    if not args.keys:
        raise PostAppError(_("Say where HQ's keys are: --keys DIR (or set POSTAPP_HQ_KEYS)."))
    return Path(args.keys).expanduser()


def _keys(args: argparse.Namespace) -> KeyPair:
    from postapp.sync import keys

    return keys.load(_keys_dir(args))


def cmd_init(args: argparse.Namespace) -> int:
    from postapp.hq.posts import initialise
    from postapp.sync import keys

    folder = _keys_dir(args)
    pair = keys.load_or_generate(folder)
    store = _store(args)
    try:
        with store.session() as session:
            initialise(session, args.hq_id, pair, args.server_url or "")
    finally:
        store.close()
    print(_("HQ {hq} is ready; its keys are in {folder} (fingerprint {fingerprint}).").format(
        hq=args.hq_id, folder=folder, fingerprint=pair.public().fingerprint()))
    return 0


def cmd_register(args: argparse.Namespace) -> int:
    from postapp.hq.posts import register_post, write_enrolment_file

    pair = _keys(args)
    out = Path(args.out)
    store = _store(args)
    try:
        with store.session() as session:
            register_post(session, args.code, name=args.name, country=args.country or "")
            write_enrolment_file(session, args.code, out, pair, args.server_url or "")
    finally:
        store.close()
    print(_("Post {code} is registered; give it the enrolment file {path}.").format(code=args.code, path=out))
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    from postapp.hq.posts import revoke_post

    store = _store(args)
    try:
        with store.session() as session:
            revoke_post(session, args.code)
    finally:
        store.close()
    print(_("Post {code} is revoked: HQ refuses its requests and bundles from now on.").format(code=args.code))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from postapp.hq.server import create_app

    pair = _keys(args)
    store = _store(args)
    try:
        app = create_app(store, pair)
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
        uvicorn.run(app, host=args.host, port=args.port, limit_concurrency=args.max_connections,
                    timeout_keep_alive=15, h11_max_incomplete_event_size=64 * 1024, server_header=False,
                    log_level="info")
    finally:
        store.close()
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from postapp.hq.ingest import FILE, ingest
    from postapp.hq.posts import check_keys
    from postapp.sync import bundle as bundles
    from postapp.sync import container

    pair = _keys(args)
    store = _store(args)
    failed = 0
    try:
        with store.read() as session:
            hq_id = check_keys(session, pair)
        found: list[tuple[str, int, Path, bytes]] = []
        for name in args.files:
            path = Path(name)
            try:
                for data in container.read_file(path):
                    header = bundles.read_header(data)
                    found.append((header.post_code, header.seq, path, data))
            except PostAppError as exc:
                failed += 1
                print(f"{PROG}: {path}: {exc}", file=sys.stderr)
        for _code, _seq, path, data in sorted(found, key=lambda item: (item[0], item[1])):
            try:
                with store.session() as session:
                    result = ingest(session, data, pair, hq_id, via=FILE)
            except PostAppError as exc:
                failed += 1
                print(f"{PROG}: {path}: {exc}", file=sys.stderr)
                continue
            if result.already_received:
                print(_("{path}: bundle {seq} of post {code} was received before; nothing changed.").format(
                    path=path, seq=result.seq, code=result.post_code))
            else:
                print(_("{path}: bundle {seq} of post {code} taken in: {responses} responses ({aside} kept aside), "
                        "{notes} interview notes, {examples} good examples, {months} months of activity counts."
                        ).format(path=path, seq=result.seq, code=result.post_code,
                                 responses=format_number(result.responses), aside=format_number(result.set_aside),
                                 notes=result.notes, examples=result.examples, months=result.activity_months))
    finally:
        store.close()
    return EXIT_ERROR if failed else 0


def cmd_export(args: argparse.Namespace) -> int:
    from postapp.hq.outgoing import export_for_post
    from postapp.hq.posts import check_keys
    from postapp.sync import container

    pair = _keys(args)
    store = _store(args)
    try:
        with store.session() as session:
            hq_id = check_keys(session, pair)
            data = export_for_post(session, args.post, pair, hq_id)
    finally:
        store.close()
    if not data:
        print(_("Nothing waits for post {code}; no file written.").format(code=args.post))
        return 0
    container.write_file(Path(args.out), data)
    print(_("{count} bundles for post {code} written to {path}.").format(count=len(data), code=args.post,
                                                                        path=args.out))
    return 0


def cmd_posts(args: argparse.Namespace) -> int:
    from postapp.hq.posts import post_summaries

    store = _store(args)
    try:
        with store.read() as session:
            summaries = post_summaries(session)
    finally:
        store.close()
    if not summaries:
        print(_("No posts are registered yet."))
        return 0
    print("\t".join([_("Code"), _("Name"), _("Country"), _("Last sync"), _("Bundles"), _("Responses"),
                     _("Kept aside"), _("Interview notes"), _("Good examples"), _("Months counted"),
                     _("Waiting to send"), _("Keys")]))
    for s in summaries:
        state = _("revoked") if s.revoked_at else (s.fingerprint or _("not yet received"))
        print("\t".join([s.code, s.name, s.country, format_datetime(s.last_sync_at) or _("never"), str(s.bundles),
                         str(s.responses), str(s.set_aside), str(s.notes), str(s.examples), str(s.activity_months),
                         str(s.waiting_to_send), state]))
    return 0


def cmd_publish_form(args: argparse.Namespace) -> int:
    from postapp.hq.outgoing import publish_form
    from postapp.survey.xlsform import MAX_FORM_BYTES

    path = Path(args.file)
    try:
        if path.stat().st_size > MAX_FORM_BYTES:
            raise PostAppError(_("{path} is too large for a questionnaire.").format(path=path))
        source = path.read_bytes()
    except OSError as exc:
        raise PostAppError(_("Could not read {path}: {problem}").format(path=path, problem=exc.strerror)) from exc
    store = _store(args)
    try:
        with store.session() as session:
            record = publish_form(session, source)
            form_id, version = record.form_id, record.version
    finally:
        store.close()
    print(_("Questionnaire {form} version {version} goes out to every post with its next sync.").format(
        form=form_id, version=version))
    return 0


def cmd_examples(args: argparse.Namespace) -> int:
    from postapp.hq.models import ExampleStatus
    from postapp.hq.outgoing import examples

    store = _store(args)
    try:
        with store.read() as session:
            found = examples(session, ExampleStatus(args.status) if args.status else None)
    finally:
        store.close()
    for example in found:
        print("\t".join([str(example.id), example.post_code, example.core_task, _(example.status.label),
                         example.title]))
    return 0


def cmd_decide(args: argparse.Namespace) -> int:
    from postapp.hq.outgoing import approve_example, reject_example

    store = _store(args)
    try:
        with store.session() as session:
            example = (approve_example if args.approve else reject_example)(session, args.id)
            title = example.title
    finally:
        store.close()
    message = (_("Approved: \u201c{title}\u201d goes out to every post.") if args.approve
               else _("Rejected: \u201c{title}\u201d."))
    print(message.format(title=title))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog=PROG, description=_("PostApp IMVO headquarters: posts, sync server, sync files."))
    common = OneLineParser(add_help=False)
    # On the main parser and on every command; SUPPRESS keeps a value given before the command.
    for target, default in ((parser, None), (common, argparse.SUPPRESS)):
        target.add_argument("--db", metavar="URL", default=default if default else os.environ.get("POSTAPP_HQ_DB"),
                            help=_("HQ's database: postgresql+psycopg://user@host/name, or an SQLite file"))
        target.add_argument("--keys", metavar="DIR",
                            default=default if default else os.environ.get("POSTAPP_HQ_KEYS"),
                            help=_("the folder with HQ's private keys"))
    parser.add_argument("--lang", choices=sorted(LANGUAGES), help=_("language of messages (nl, en, fr or es)"))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title=_("commands"),
                                     parser_class=OneLineParser, required=True)

    def command(name: str, func: Command, text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, parents=[common], help=text, description=text)
        sub.set_defaults(func=func)
        return sub

    init = command("init", cmd_init, _("set HQ up: database schema, keys (made if the folder has none), HQ id"))
    init.add_argument("--hq-id", required=True, help=_("HQ's name in every bundle, e.g. minbuza-imvo"))
    init.add_argument("--server-url", help=_("the address posts reach the server at"))
    register = command("register-post", cmd_register, _("register a post and write its enrolment file"))
    register.add_argument("code", help=_("the post's code, e.g. HAN"))
    register.add_argument("--name", required=True)
    register.add_argument("--country", default="", help=_("the country's code, e.g. VN"))
    register.add_argument("--server-url", help=_("the address the post reaches the server at"))
    register.add_argument("--out", required=True, metavar="ENROLMENT.json")
    revoke = command("revoke-post", cmd_revoke, _("refuse a post's requests and bundles from now on"))
    revoke.add_argument("code")
    serve = command("serve", cmd_serve, _("run the sync server"))
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8470)
    serve.add_argument("--max-connections", type=int, default=100, help=argparse.SUPPRESS)
    importing = command("import", cmd_import, _("take in sync files from posts"))
    importing.add_argument("files", nargs="+", metavar="FILE")
    export = command("export", cmd_export, _("write a sync file for a post"))
    export.add_argument("--post", required=True, metavar="CODE")
    export.add_argument("--out", required=True, metavar="FILE")
    command("posts", cmd_posts, _("list the posts with their last sync and what was received"))
    publish = command("publish-form", cmd_publish_form, _("send a questionnaire (XLSForm) to every post"))
    publish.add_argument("file", metavar="FILE.xlsx")
    listing = command("examples", cmd_examples, _("list the good examples posts proposed"))
    listing.add_argument("--status", choices=["proposed", "approved", "rejected"])
    approve = command("approve-example", cmd_decide, _("approve a good example; it goes out to every post"))
    approve.add_argument("id")
    approve.set_defaults(approve=True)
    reject = command("reject-example", cmd_decide, _("reject a proposed good example"))
    reject.add_argument("id")
    reject.set_defaults(approve=False)
    return parser


def default_language() -> str:
    for var in ("POSTAPP_LANG", "LANGUAGE", "LC_ALL", "LANG"):
        value = os.environ.get(var, "")
        if value[:2] in LANGUAGES:
            return value[:2]
    return "en"


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    pre = OneLineParser(prog=PROG, add_help=False)
    pre.add_argument("--lang")
    known, _rest = pre.parse_known_args(argv)
    set_language(known.lang if known.lang in LANGUAGES else default_language())
    args = build_parser().parse_args(argv)
    func: Command = args.func
    try:
        return func(args)
    except PostAppError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print(_("{prog}: interrupted; nothing half-written was kept.").format(prog=PROG), file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:
        log.debug("unexpected error", exc_info=exc)
        print(_("{prog}: unexpected error ({kind}: {message})").format(prog=PROG, kind=type(exc).__name__,
                                                                       message=str(exc)[:200]), file=sys.stderr)
        return EXIT_BUG


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
