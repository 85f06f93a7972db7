"""The first run: the choices a new user makes once (language, post, headquarters, demo data, where the
data lives) checked and applied without a window, so the wizard stays a thin form over this.

Applying is ordered so that a failure never leaves a half-made start: everything that can be checked is
checked before anything is written; the store is created (or an existing one opened) next; demo data and
the enrolment go in one transaction (both or neither); the preferences are written last and
``first_run_done`` only once all of that succeeded. A failure raises ``FirstRunError``, which says what
was already done (at most: an empty data file was created, which a second attempt simply opens).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from postapp.errors import PostAppError, ValidationError
from postapp.i18n import LANGUAGES, _, format_number

if TYPE_CHECKING:
    from postapp.store import Store
    from postapp.sync.enrolment import Enrolment

DATA_FILE_NAME = "postapp.sqlite3"
DEMO_PERSONS = 2000
DEMO_SURVEY_POSTS = 40  # posts in the synthetic study round that comes with the demo
POST_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,15}$")
# Folder names of the sync clients staff meet on their laptops; SQLite files in them get corrupted when
# the client copies a file that is being written, or keeps two versions "in conflict".
SYNCED_FOLDER_HINTS = ("onedrive", "dropbox", "google drive", "googledrive", "my drive", "icloud", "sharepoint",
                       "box sync", "nextcloud", "owncloud")

# What the applying reports as it goes: a step's text, done and total (0, 0 when it cannot count);
# returning False asks to stop (honoured where the work can be undone: the demo data).
Progress = Callable[[str, int, int], bool]


class Settings(Protocol):
    """The preferences the first run writes (``postapp.ui.settings.Preferences`` in the app)."""

    language: str
    post_code: str
    post_name: str
    country: str
    user_name: str
    data_file: str
    first_run_done: bool

    def sync(self) -> None: ...


class FirstRunError(PostAppError):
    """Applying the choices failed; ``done`` lists, translated, what was done before the failure."""

    def __init__(self, message: str, done: list[str]) -> None:
        self.done = list(done)
        super().__init__(message)


@dataclass(frozen=True)
class Choices:
    language: str
    post_code: str
    post_name: str
    country: str
    user_name: str = ""
    enrolment_file: Path | None = None  # None: skip for now
    demo: bool = False
    data_folder: Path | None = None  # None: the default place in the user's data folder


@dataclass
class Outcome:
    data_file: Path
    done: list[str] = field(default_factory=list)  # translated, in order, for the user
    demo_added: bool = False
    enrolled_post: str = ""


def system_language(platform_name: str = "") -> str:
    """The language to offer first: ``POSTAPP_LANG`` and the usual environment variables (as the CLI), then
    the platform's locale name (``nl_NL``, from Qt on Windows where those variables are unset), else
    English."""
    for var in ("POSTAPP_LANG", "LANGUAGE", "LC_ALL", "LANG"):
        value = os.environ.get(var, "")
        if value[:2] in LANGUAGES:
            return value[:2]
    return platform_name[:2] if platform_name[:2] in LANGUAGES else "en"


def countries(language: str) -> list[tuple[str, str]]:
    """(ISO code, name in ``language``) of every country Babel knows, sorted by name as a reader of that
    language looks for it (accents ignored)."""
    import unicodedata

    from babel import Locale

    names = Locale.parse(language if language in LANGUAGES else "en").territories

    def key(item: tuple[str, str]) -> str:
        folded = unicodedata.normalize("NFKD", item[1].casefold())
        return "".join(c for c in folded if not unicodedata.combining(c))

    # Two letters only: Babel also names regions ("001" World) and pseudo-codes ("ZZ" Unknown).
    found = [(code, name) for code, name in names.items() if len(code) == 2 and code.isalpha() and code != "ZZ"]
    return sorted(found, key=key)


def check_post(code: str, name: str, country: str) -> None:
    """The post's code, name and country as the wizard and Preferences accept them."""
    errors: dict[str, str] = {}
    code = code.strip().upper()
    if not code:
        errors["post_code"] = _("Enter the post's code, for example HAN.")
    elif not POST_CODE.match(code):
        errors["post_code"] = _("A post code has up to 16 letters, digits or hyphens, for example HAN.")
    if not name.strip():
        errors["post_name"] = _("Enter the post's name, for example Embassy in Hanoi.")
    elif len(name.strip()) > 200:
        errors["post_name"] = _("The post's name can have at most 200 characters.")
    country = country.strip().upper()
    if not country:
        errors["country"] = _("Choose the country the post is in.")
    elif len(country) != 2 or not country.isalpha():
        errors["country"] = _("A country is a two-letter ISO code, for example VN.")
    if errors:
        raise ValidationError(errors)


def default_data_file() -> Path:
    from postapp.paths import default_db_path

    return default_db_path()


def data_file_in(folder: Path | None) -> Path:
    return default_data_file() if folder is None else folder / DATA_FILE_NAME


def check_writable(folder: Path) -> None:
    """Raises ``ValidationError({"data_folder": ...})`` unless a file can be made and removed in ``folder``
    (created if missing): asking the file system is the only test that holds for network drives, ACLs
    and read-only media alike."""
    folder = folder.expanduser()
    try:
        if folder.exists() and not folder.is_dir():
            raise ValidationError({"data_folder": _("{path} is a file, not a folder. Choose a folder.").format(
                path=folder)})
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=".postapp-write-test-", dir=folder)
        os.close(handle)
        os.unlink(name)
    except ValidationError:
        raise
    except OSError as exc:
        raise ValidationError({"data_folder": _("PostApp cannot write in {path} ({problem}). Choose a folder "
                                                "you may write in, such as one in your documents.").format(
            path=folder, problem=exc.strerror or type(exc).__name__)}) from exc


def synced_folder_warning(folder: Path) -> str:
    """A warning for a folder that a sync client or the network serves ("" otherwise): SQLite needs a
    local disk, and synced copies of an open data file end up damaged or in conflict."""
    text = str(folder)
    lowered = text.casefold().replace("\\", "/")
    onedrive = [os.environ.get(var, "") for var in ("OneDrive", "OneDriveCommercial", "OneDriveConsumer")]
    network = text.startswith(("\\\\", "//"))
    synced = any(hint in part for part in lowered.split("/") for hint in SYNCED_FOLDER_HINTS) or any(
        root and lowered.startswith(root.casefold().replace("\\", "/")) for root in onedrive)
    if network:
        return _("This is a network folder. A data file on the network is slow and can be damaged when the "
                 "connection drops; choose a folder on this laptop.")
    if synced:
        return _("This folder looks synced (OneDrive, Dropbox or similar). Data files do not belong in synced "
                 "folders: the copy can be damaged or end up in conflict. Choose a folder on this laptop; "
                 "PostApp makes its own backups.")
    return ""


def read_enrolment_file(path: Path) -> Enrolment:
    """The checked enrolment, or ``ValidationError({"enrolment_file": ...})`` saying what is wrong."""
    from postapp.sync.enrolment import read_enrolment

    try:
        return read_enrolment(path)
    except PostAppError as exc:
        raise ValidationError({"enrolment_file": str(exc)}) from exc


def check(choices: Choices) -> Enrolment | None:
    """Everything that can be checked before anything is written; returns the enrolment read."""
    errors: dict[str, str] = {}
    if choices.language not in LANGUAGES:
        errors["language"] = _("Choose one of the languages offered.")
    try:
        check_post(choices.post_code, choices.post_name, choices.country)
    except ValidationError as exc:
        errors.update(exc.errors)
    enrolment = None
    if choices.enrolment_file is not None:
        try:
            enrolment = read_enrolment_file(choices.enrolment_file)
        except ValidationError as exc:
            errors.update(exc.errors)
    try:
        check_writable(data_file_in(choices.data_folder).parent)
    except ValidationError as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    return enrolment


def _no_progress(step: str, done: int, total: int) -> bool:
    return True


def apply(choices: Choices, prefs: Settings, *, keys_folder: Path | None = None,
          progress: Progress = _no_progress) -> Outcome:
    """Applies the first run's choices (see the module's docstring for the order and what a failure
    leaves). Raises ``ValidationError`` before anything was written, ``FirstRunError`` after."""
    enrolment = check(choices)
    path = data_file_in(choices.data_folder)
    outcome = Outcome(path)
    from postapp.store import open_store

    progress(_("Creating the data file…"), 0, 0)
    existed = path.exists()
    try:
        store = open_store(path)
    except PostAppError as exc:
        raise FirstRunError(_("The data file {path} could not be created or opened: {problem}").format(
            path=path, problem=exc), outcome.done) from exc
    try:
        outcome.done.append((_("Opened the existing data file {path}.") if existed else
                             _("Created the data file {path}.")).format(path=store.path))
        problem = _fill(store, choices, enrolment, outcome, keys_folder, progress)
    finally:
        store.close()
    if problem is not None:
        if not existed:
            # A data file left behind would make the next start skip the wizard (an existing data file
            # means someone already works with the app) and open with no post set up.
            for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                leftover.unlink(missing_ok=True)
            outcome.done = [_("The new data file was removed again.")]
        raise FirstRunError(_("{problem} Nothing of the demo data or the enrolment was kept. What was done: "
                              "{done}").format(problem=problem, done=" ".join(outcome.done)), outcome.done)
    prefs.language = choices.language
    prefs.post_code = (enrolment.post_code if enrolment is not None else choices.post_code).strip().upper()
    prefs.post_name = (enrolment.post_name if enrolment is not None and enrolment.post_name
                       else choices.post_name).strip()
    prefs.country = (enrolment.country if enrolment is not None and enrolment.country
                     else choices.country).strip().upper()
    if choices.user_name.strip():
        prefs.user_name = choices.user_name.strip()
    prefs.data_file = "" if choices.data_folder is None else str(path)
    prefs.first_run_done = True
    prefs.sync()
    outcome.done.append(_("Saved your preferences."))
    return outcome


def _fill(store: Store, choices: Choices, enrolment: Enrolment | None, outcome: Outcome,
          keys_folder: Path | None, progress: Progress) -> str | None:
    """Demo data and the enrolment, in one transaction: both or neither. Returns the problem, in the
    user's words, when it failed (and nothing of it was kept)."""
    from postapp import demo

    added: list[str] = []
    try:
        with store.session() as session:
            if choices.demo:
                if demo.is_empty(session):
                    def report(done: int, total: int) -> bool:
                        return progress(_("Creating demo data…"), done, total)

                    result = demo.fill(session, DEMO_PERSONS, progress=report)
                    from postapp.survey.demo import generate_round

                    generate_round(session, DEMO_SURVEY_POSTS)
                    outcome.demo_added = True
                    added.append(_("Added the demo post: {persons} persons and {orgs} organisations.").format(
                        persons=format_number(result.persons), orgs=format_number(result.organisations)))
                else:
                    added.append(_("The data file already holds contacts, so no demo data was added."))
            if enrolment is not None and choices.enrolment_file is not None:
                from postapp.sync.enrolment import enrol
                from postapp.sync.keys import post_keys_dir

                progress(_("Taking in the enrolment…"), 0, 0)
                # No silent replace: an existing data file enrolled with another headquarters is refused
                # (and the demo with it); File › Enrol with headquarters… asks about that case.
                enrol(session, choices.enrolment_file, keys_folder or post_keys_dir())
                outcome.enrolled_post = enrolment.post_code
                added.append(_("Enrolled as post {post} with headquarters {hq}.").format(
                    post=enrolment.post_code, hq=enrolment.hq_id))
    except Exception as exc:
        return _describe(exc)
    outcome.done.extend(added)
    return None


def _describe(exc: Exception) -> str:
    """The user's words for a failure; an unexpected one is logged with its traceback."""
    if isinstance(exc, PostAppError):
        return str(exc)
    from postapp.store.errors import translate_db_error

    known = translate_db_error(exc)
    if known is not None:
        return str(known)
    import logging

    logging.getLogger("postapp").exception("first run failed")
    return _("Something went wrong ({kind}).").format(kind=type(exc).__name__)


def apply_defaults(prefs: Settings, language: str) -> None:
    """The first run skipped ("start with the defaults"): the language the user saw, the data file in
    the default place (the window creates it), everything else as Preferences shows it."""
    prefs.language = language if language in LANGUAGES else "en"
    prefs.data_file = ""
    prefs.first_run_done = True
    prefs.sync()
