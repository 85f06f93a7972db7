"""``postapp [--db PATH] [--lang nl|en] [COMMAND ...]``: without a command it opens the window.

Expected failures (``PostAppError``) print one translated line and exit 1; a bug prints one line
pointing at the log file, which holds the traceback, and exits 70. Nothing heavy is imported before
the command is known, so opening the window stays fast.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from postapp.backup_cli import register as register_backup
from postapp.conditions.cli import register as register_audit
from postapp.contacts_io.cli import register as register_contacts_io
from postapp.errors import PostAppError
from postapp.events_cli import register as register_events
from postapp.i18n import LANGUAGES, _, format_number, set_language
from postapp.privacy_cli import register as register_privacy
from postapp.reports.cli import register as register_report
from postapp.sanctions.cli import register as register_sanctions
from postapp.smoke import register as register_smoke
from postapp.survey.cli import register as register_survey
from postapp.sync.cli import register as register_sync

EXIT_ERROR = 1
EXIT_BUG = 70
log = logging.getLogger("postapp")

Command = Callable[[argparse.Namespace], int]


def default_language() -> str:
    for var in ("POSTAPP_LANG", "LANGUAGE", "LC_ALL", "LANG"):
        value = os.environ.get(var, "")
        if value[:2] in LANGUAGES:
            return value[:2]
    return "en"


def db_path(args: argparse.Namespace) -> Path:
    if args.db:
        return Path(args.db)
    from postapp.paths import default_db_path

    return default_db_path()


def cmd_demo(args: argparse.Namespace) -> int:
    from postapp import demo
    from postapp.store import open_store

    store = open_store(db_path(args))
    try:
        with store.session() as session:
            if args.if_empty and not demo.is_empty(session):
                print(_("The data file already holds data; no demo data added."))
                return 0
            result = demo.fill(session, args.persons, seed=args.seed)
    finally:
        store.close()
    print(_("Demo post created in {path}: {orgs} organisations, {persons} persons, {acts} activities.").format(
        path=store.path, orgs=format_number(result.organisations), persons=format_number(result.persons),
        acts=format_number(result.activities)))
    return 0


def cmd_window(args: argparse.Namespace) -> int:
    from postapp.ui.app import run

    return run(db_path(args) if args.db else None, language=args.lang)


def _persons(text: str) -> int:
    from postapp.demo import MAX_PERSONS

    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= MAX_PERSONS:
        raise argparse.ArgumentTypeError(
            _("must be a whole number from 0 to {maximum}").format(maximum=format_number(MAX_PERSONS)))
    return value


class OneLineParser(argparse.ArgumentParser):
    """Usage errors as one line, like every other error of the CLI."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, _("{prog}: {message} (see {prog} --help)").format(prog=self.prog, message=message) + "\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="postapp",
        description=_("PostApp IMVO: the post's IMVO work, offline. Without a command the window opens."),
    )
    parser.add_argument("--db", metavar="PATH", help=_("the data file to use (default: in your user data folder)"))
    parser.add_argument("--lang", choices=sorted(LANGUAGES), help=_("language of messages (nl, en, fr or es)"))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title=_("commands"),
                                     parser_class=OneLineParser)
    demo = commands.add_parser("demo", help=_("fill an empty data file with a realistic demo post"))
    demo.add_argument("--persons", type=_persons, default=2000, metavar="N",
                      help=_("number of persons (up to 100,000); organisations and activities scale with it"))
    demo.add_argument("--seed", type=int, default=2026, help=_("random seed, for repeatable data"))
    demo.add_argument("--if-empty", action="store_true", help=_("do nothing when the data file already has data"))
    demo.set_defaults(func=cmd_demo)
    register_sanctions(commands)
    register_audit(commands)
    register_survey(commands)
    register_report(commands)
    register_sync(commands)
    register_privacy(commands)
    register_contacts_io(commands)
    register_events(commands)
    register_backup(commands)
    register_smoke(commands)  # hidden: checks an installed copy (tests/test_installer.py)
    parser.set_defaults(func=cmd_window)
    return parser


def _log_file() -> Path | None:
    try:
        from platformdirs import user_log_path

        from postapp.paths import APP_AUTHOR, APP_NAME

        folder = user_log_path(APP_NAME, APP_AUTHOR, ensure_exists=True)
        return folder / "postapp.log"
    except OSError:
        return None


def _restore_hint(exc: Exception) -> None:
    from postapp.store.errors import CorruptStoreError

    if isinstance(exc, CorruptStoreError):
        print(_("postapp: to restore it here: postapp backup list, then postapp backup restore FILE"),
              file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # Language first, so --help and argparse's own errors speak it too. An unknown language is left to
    # the main parser, which refuses it in one line.
    pre = OneLineParser(prog="postapp", add_help=False)
    pre.add_argument("--lang")
    known, _rest = pre.parse_known_args(argv)
    set_language(known.lang if known.lang in LANGUAGES else default_language())
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Command = args.func
    try:
        return func(args)
    except PostAppError as exc:
        print(f"postapp: {exc}", file=sys.stderr)
        _restore_hint(exc)
        return EXIT_ERROR
    except BrokenPipeError:
        # The reader went away (``postapp events list | head``): not an error of ours. Python's docs: point
        # stdout at devnull so the interpreter's final flush does not raise again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_ERROR
    except KeyboardInterrupt:
        print(_("postapp: interrupted; nothing half-written was kept."), file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:
        from postapp.store.errors import translate_db_error

        known_error = translate_db_error(exc)
        if known_error is not None:
            print(f"postapp: {known_error}", file=sys.stderr)
            _restore_hint(known_error)
            return EXIT_ERROR
        log_file = _log_file()
        if log_file is not None:
            logging.basicConfig(filename=log_file, level=logging.ERROR)
            log.exception("unexpected error")
        print(_("postapp: unexpected error ({kind}: {message}); details in {log}").format(
            kind=type(exc).__name__, message=str(exc)[:200], log=log_file), file=sys.stderr)
        return EXIT_BUG
