"""The user's preferences, typed, over ``QSettings`` (registry on Windows, plist on macOS, ini on Linux)."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from postapp.i18n import DEFAULT_LANGUAGE, LANGUAGES

ORGANISATION = "Ministerie van Buitenlandse Zaken"
APPLICATION = "PostApp IMVO"


class Preferences:
    def __init__(self, qsettings: QSettings | None = None) -> None:
        self._s = qsettings if qsettings is not None else QSettings(ORGANISATION, APPLICATION)

    def _str(self, key: str, default: str = "") -> str:
        value = self._s.value(key, default)
        return str(value) if value is not None else default

    @property
    def language(self) -> str:
        value = self._str("language", DEFAULT_LANGUAGE)
        return value if value in LANGUAGES else DEFAULT_LANGUAGE

    @language.setter
    def language(self, value: str) -> None:
        self._s.setValue("language", value)

    @property
    def appearance(self) -> str:
        """Light or dark: ``system`` (follow the system), ``light`` or ``dark``."""
        value = self._str("appearance", "system")
        return value if value in ("system", "light", "dark") else "system"

    @appearance.setter
    def appearance(self, value: str) -> None:
        self._s.setValue("appearance", value if value in ("system", "light", "dark") else "system")

    @property
    def post_code(self) -> str:
        return self._str("post/code", "HAN")

    @post_code.setter
    def post_code(self, value: str) -> None:
        self._s.setValue("post/code", value.strip().upper())

    @property
    def post_name(self) -> str:
        return self._str("post/name", "Ambassade Hanoi")

    @post_name.setter
    def post_name(self, value: str) -> None:
        self._s.setValue("post/name", value.strip())

    @property
    def country(self) -> str:
        return self._str("post/country", "VN")

    @country.setter
    def country(self, value: str) -> None:
        self._s.setValue("post/country", value.strip().upper())

    @property
    def user_name(self) -> str:
        """Who is working: recorded on decisions and in the audit log. Defaults to the login name."""
        value = self._str("user/name", "")
        if value:
            return value
        import getpass

        try:
            return getpass.getuser()
        except (OSError, KeyError):
            return ""

    @user_name.setter
    def user_name(self, value: str) -> None:
        self._s.setValue("user/name", value.strip())

    @property
    def sanctions_max_age_days(self) -> int:
        """After how many days a sanctions list counts as old and the check warns."""
        try:
            value = int(str(self._s.value("sanctions/max_age_days", 30)))
        except ValueError:
            return 30
        return value if 1 <= value <= 365 else 30

    @sanctions_max_age_days.setter
    def sanctions_max_age_days(self, value: int) -> None:
        self._s.setValue("sanctions/max_age_days", int(value))

    @property
    def retention_years(self) -> int:
        """After how many years without contact a person is listed for the GDPR retention review."""
        try:
            value = int(str(self._s.value("privacy/retention_years", 2)))
        except ValueError:
            return 2
        return value if 1 <= value <= 50 else 2

    @retention_years.setter
    def retention_years(self, value: int) -> None:
        self._s.setValue("privacy/retention_years", max(1, min(int(value), 50)))

    # Sync with headquarters and HQ mode.

    def _bool(self, key: str, default: bool = False) -> bool:
        value = self._s.value(key, default)
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() in ("1", "true", "yes", "on")

    @property
    def sync_interval_minutes(self) -> int:
        """How often the app syncs in the background when enrolled with a server; 0 = only on request."""
        try:
            value = int(str(self._s.value("sync/interval_minutes", 30)))
        except ValueError:
            return 30
        return value if 0 <= value <= 24 * 60 else 30

    @sync_interval_minutes.setter
    def sync_interval_minutes(self, value: int) -> None:
        self._s.setValue("sync/interval_minutes", max(0, min(int(value), 24 * 60)))

    @property
    def hq_mode(self) -> bool:
        """Headquarters' own workspace (posts, analysis across posts, good examples) in the navigation."""
        return self._bool("hq/mode", False)

    @hq_mode.setter
    def hq_mode(self, value: bool) -> None:
        self._s.setValue("hq/mode", bool(value))

    @property
    def hq_database_url(self) -> str:
        """HQ's database: a PostgreSQL address (postgresql://…) or the path of an SQLite file."""
        return self._str("hq/database_url", "")

    @hq_database_url.setter
    def hq_database_url(self, value: str) -> None:
        self._s.setValue("hq/database_url", value.strip())

    @property
    def hq_keys_folder(self) -> str:
        """The folder with HQ's private keys (for sync files to and from posts)."""
        return self._str("hq/keys_folder", "")

    @hq_keys_folder.setter
    def hq_keys_folder(self, value: str) -> None:
        self._s.setValue("hq/keys_folder", value.strip())

    # The first run.

    @property
    def first_run_done(self) -> bool:
        """Whether the first-run wizard was completed (or skipped with the defaults)."""
        return self._bool("first_run/done", False)

    @first_run_done.setter
    def first_run_done(self, value: bool) -> None:
        self._s.setValue("first_run/done", bool(value))

    @property
    def data_file(self) -> str:
        """The data file's path; empty means the default one in the user's data folder."""
        return self._str("data/file", "")

    @data_file.setter
    def data_file(self, value: str) -> None:
        self._s.setValue("data/file", value.strip())

    # Backups of the data file (postapp/store/backup.py).

    @property
    def backup_interval_hours(self) -> int:
        """How often a scheduled backup is made while PostApp runs; 0 = never (backups before an update
        and before a restore are still made)."""
        try:
            value = int(str(self._s.value("backup/interval_hours", 24)))
        except ValueError:
            return 24
        return value if 0 <= value <= 24 * 7 else 24

    @backup_interval_hours.setter
    def backup_interval_hours(self, value: int) -> None:
        self._s.setValue("backup/interval_hours", max(0, min(int(value), 24 * 7)))

    @property
    def backups_keep(self) -> int:
        """How many scheduled backups are kept (and, separately, how many of the others)."""
        try:
            value = int(str(self._s.value("backup/keep", 10)))
        except ValueError:
            return 10
        return value if 1 <= value <= 100 else 10

    @backups_keep.setter
    def backups_keep(self, value: int) -> None:
        self._s.setValue("backup/keep", max(1, min(int(value), 100)))

    def sync(self) -> None:
        self._s.sync()
