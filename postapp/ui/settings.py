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

    def sync(self) -> None:
        self._s.sync()
