"""``postapp survey check|import|demo|analyse``: the survey module without a window."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from postapp.errors import PostAppError
from postapp.i18n import _, format_number, language


def _posts(text: str) -> int:
    from postapp.survey.demo import MAX_POSTS

    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_POSTS:
        raise argparse.ArgumentTypeError(
            _("must be a whole number from 1 to {maximum}").format(maximum=format_number(MAX_POSTS)))
    return value


def _read(path: Path) -> bytes:
    from postapp.survey.xlsform import MAX_FORM_BYTES

    try:
        if path.stat().st_size > MAX_FORM_BYTES:
            raise PostAppError(_("{path} is too large for a questionnaire.").format(path=path))
        return path.read_bytes()
    except OSError as exc:
        raise PostAppError(_("Could not read {path}: {problem}").format(path=path, problem=exc.strerror)) from exc


def cmd_check(args: argparse.Namespace) -> int:
    from postapp.survey.xlsform import load_form

    form = load_form(_read(Path(args.file)))
    questions = [q for q in form.questions()]
    print(_("{path}: questionnaire {form} version {version} is valid: {count} questions on {pages} pages, "
            "languages {languages}.").format(path=args.file, form=form.form_id, version=form.version,
                                            count=len(questions), pages=len(form.pages()),
                                            languages=", ".join(form.languages) or "–"))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from postapp.cli import db_path
    from postapp.store import open_store
    from postapp.survey.responses import import_form

    source = _read(Path(args.file))
    store = open_store(db_path(args))
    try:
        with store.session() as session:
            record = import_form(session, source)
            form_id, version = record.form_id, record.version
    finally:
        store.close()
    print(_("Questionnaire {form} version {version} is ready to answer.").format(form=form_id, version=version))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from postapp.cli import db_path
    from postapp.store import open_store
    from postapp.survey.demo import generate_round
    from postapp.survey.models import SurveyResponse

    store = open_store(db_path(args))
    try:
        with store.session() as session:
            if args.if_empty and session.scalar(select(SurveyResponse.id).limit(1)) is not None:
                print(_("The data file already holds survey responses; nothing was added."))
                return 0
            count = generate_round(session, args.posts, seed=args.seed)
    finally:
        store.close()
    print(_("Created a SYNTHETIC study round: {count} responses, marked synthetic; real responses were not "
            "touched.").format(count=format_number(count)))
    return 0


def cmd_analyse(args: argparse.Namespace) -> int:
    from postapp.cli import db_path
    from postapp.store import open_store
    from postapp.survey import export
    from postapp.survey.analysis import analyse
    from postapp.survey.responses import STUDY_FORM_ID, form_of, latest_form

    out = Path(args.out) if args.out else None
    if out is not None and out.suffix.lower() not in (".csv", ".xlsx"):
        raise PostAppError(_("Choose a file name ending in .csv or .xlsx."))
    store = open_store(db_path(args))
    try:
        with store.read() as session:
            form = form_of(latest_form(session, args.form or STUDY_FORM_ID))
            result = analyse(session, form, language=language())
    finally:
        store.close()
    if result.respondents == 0:
        print(_("No submitted responses to questionnaire {form} yet.").format(form=form.form_id))
    if out is None:
        print("\n".join(export.headline(result)))
        return 0
    export.export(result, out)
    print(_("Wrote the analysis of {count} responses to {path}.").format(
        count=format_number(result.respondents), path=out))
    return 0


def register(commands: Any) -> None:
    survey = commands.add_parser("survey", help=_("questionnaires of the usability study: check, demo, analyse"))
    actions = survey.add_subparsers(dest="survey_command", metavar="ACTION", required=True)
    check = actions.add_parser("check", help=_("check that an XLSForm questionnaire can be used"))
    check.add_argument("file", metavar="FILE.xlsx")
    check.set_defaults(func=cmd_check)
    imp = actions.add_parser("import", help=_("add an XLSForm questionnaire to the data file"))
    imp.add_argument("file", metavar="FILE.xlsx")
    imp.set_defaults(func=cmd_import)
    demo = actions.add_parser("demo", help=_("create a synthetic study round (replaces an earlier synthetic one)"))
    demo.add_argument("--posts", type=_posts, default=140, metavar="N", help=_("number of posts that respond"))
    demo.add_argument("--seed", type=int, default=2026, help=_("random seed, for repeatable data"))
    demo.add_argument("--if-empty", action="store_true",
                      help=_("do nothing when the data file already holds survey responses"))
    demo.set_defaults(func=cmd_demo)
    analyse = actions.add_parser("analyse", help=_("analyse the submitted responses"))
    analyse.add_argument("--form", metavar="ID", help=_("questionnaire id (default: the usability study)"))
    analyse.add_argument("--out", metavar="FILE", help=_("write the tables to a .csv or .xlsx file"))
    analyse.set_defaults(func=cmd_analyse)
