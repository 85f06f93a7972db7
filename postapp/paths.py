"""Where the app finds its shipped files and keeps the user's data.

Shipped folders (``resources/``, ``translations/``) sit next to the package in a source checkout and
inside the bundle when frozen by PyInstaller, so both cases are resolved here and nowhere else.
"""

import sys
from pathlib import Path

APP_NAME = "PostApp IMVO"
APP_AUTHOR = "Ministerie van Buitenlandse Zaken"


def install_root() -> Path:
    """The folder holding ``resources/`` and ``translations/``."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    return install_root() / "resources"


def translations_dir() -> Path:
    return install_root() / "translations"


def guide_path(lang: str) -> Path:
    """The user guide in ``lang`` (``docs/guide/user-guide.<lang>.md``), else the English one; the
    English path is returned even when missing, so the caller can say which file it looked for."""
    folder = install_root() / "docs" / "guide"
    own = folder / f"user-guide.{lang}.md"
    return own if own.is_file() else folder / "user-guide.en.md"


def user_data_dir() -> Path:
    """The per-user data folder; imported lazily because start-up time matters."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, APP_AUTHOR, ensure_exists=True)


def default_db_path() -> Path:
    return user_data_dir() / "postapp.sqlite3"
