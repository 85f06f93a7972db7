"""Translations and locale formatting for everything the user reads.

``_`` and ``ngettext`` look up the catalog chosen at start (``set_language``), so modules can bind them
at import time and still speak the user's language. Catalogs are compiled ``.mo`` files; when a
checkout has only the ``.po`` sources (no ``make`` run yet), Babel reads those directly so the app never
falls back to English silently. Dates, numbers and money go through Babel with the same locale.
"""

from __future__ import annotations

import gettext as _gettext
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from postapp.paths import translations_dir

if TYPE_CHECKING:
    import datetime as dt
    from decimal import Decimal

    from babel.support import Translations

DOMAIN = "messages"
LANGUAGES: dict[str, str] = {"nl": "Nederlands", "en": "English", "fr": "Français", "es": "Español"}
DEFAULT_LANGUAGE = "nl"
MIN_YEAR, MAX_YEAR = 1900, 2200

_current: _gettext.NullTranslations = _gettext.NullTranslations()
_language = "en"


def _load(language: str) -> _gettext.NullTranslations:
    folder = translations_dir() / language / "LC_MESSAGES"
    mo = folder / f"{DOMAIN}.mo"
    po = folder / f"{DOMAIN}.po"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fh:
            return _gettext.GNUTranslations(fh)
    if po.exists():
        return _translations_from_po(po, language)
    return _gettext.NullTranslations()


def _translations_from_po(po_path: object, language: str) -> Translations:
    from io import BytesIO

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    with open(str(po_path), "rb") as fh:
        catalog = read_po(fh, locale=language)
    buf = BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(buf, domain=DOMAIN)


def set_language(language: str) -> None:
    """Switch the catalog used by ``_``; unknown languages fall back to English source text."""
    global _current, _language
    if language not in LANGUAGES:
        language = "en"
    _language = language
    _current = _load(language)


# A language for one thread only: a briefing pack is made in its reader's language in a background
# thread while the window goes on speaking the user's.
_thread = threading.local()


def _active() -> tuple[_gettext.NullTranslations, str]:
    override: tuple[_gettext.NullTranslations, str] | None = getattr(_thread, "state", None)
    return override if override is not None else (_current, _language)


@contextmanager
def thread_language(language: str) -> Iterator[None]:
    """Messages, dates and numbers in ``language`` for the calling thread, for the length of the block."""
    if language not in LANGUAGES:
        language = "en"
    previous = getattr(_thread, "state", None)
    _thread.state = (_load(language), language)
    try:
        yield
    finally:
        _thread.state = previous


def language() -> str:
    return _active()[1]


def _(message: str) -> str:
    return _active()[0].gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _active()[0].ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a string for extraction where it is defined; ``_`` translates it where it is shown."""
    return message


def _babel_locale() -> str:
    code = language()
    return {"nl": "nl_NL", "en": "en_GB"}.get(code, code)


def format_date(value: dt.date | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    from babel.dates import format_date as babel_format_date

    return babel_format_date(value, format=fmt, locale=_babel_locale())


def format_datetime(value: dt.datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    from babel.dates import format_datetime as babel_format_datetime

    return babel_format_datetime(value, format=fmt, locale=_babel_locale())


def format_percent(share: float | None) -> str:
    """A share from 0 to 1 as a whole percentage in the locale's notation ("79%", "79 %")."""
    if share is None:
        return "–"
    from babel.numbers import format_percent as babel_format_percent

    return babel_format_percent(share, locale=_babel_locale())


def format_exact_number(value: int | float | Decimal) -> str:
    """A number in the locale's notation with every digit kept (``format_number`` rounds to three
    decimals): for values a person typed and will see again."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=_babel_locale(), decimal_quantization=False)


def format_number(value: int | float | Decimal | None) -> str:
    if value is None:
        return ""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=_babel_locale())


def format_money(value: int | float | Decimal | None, currency: str = "EUR") -> str:
    """Amounts as the locale writes them; whole amounts without cents ("€ 40.000.000" in Dutch)."""
    if value is None:
        return ""
    from copy import copy
    from decimal import Decimal

    from babel import Locale
    from babel.numbers import format_currency, parse_pattern

    amount = Decimal(str(value))
    locale = Locale.parse(_babel_locale())
    if amount != amount.to_integral_value():
        return format_currency(amount, currency, locale=locale)
    pattern = copy(parse_pattern(locale.currency_formats["standard"]))
    pattern.frac_prec = (0, 0)
    return str(pattern.apply(amount, locale, currency=currency, currency_digits=False))


def parse_date(text: str) -> dt.date:
    """Reads a date typed by the user: ISO (2026-11-24) or the locale's short form (24-11-2026)."""
    import datetime as dt

    from babel.dates import parse_date as babel_parse_date

    text = text.strip()
    # A four-digit year is required: "1/2/3" is more likely a typing slip than 1 February of year 3.
    if not re.search(r"(?<!\d)\d{4}(?!\d)", text):
        raise ValueError(text)
    try:
        value = dt.date.fromisoformat(text)
    except ValueError:
        try:
            value = babel_parse_date(text, locale=_babel_locale())
        except (ValueError, IndexError) as exc:
            raise ValueError(text) from exc
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(text)
    return value


def parse_decimal(text: str) -> Decimal:
    """Reads an amount typed by the user in the locale's notation (40.000.000 or 40,000,000)."""
    from babel.numbers import NumberFormatError
    from babel.numbers import parse_decimal as babel_parse_decimal

    cleaned = text.strip().replace("€", "").replace("EUR", "").replace(" ", "").replace("\u00a0", "")
    # Babel accepts exponent notation; "1e999999" is no amount anyone types, and turning it into an
    # integer later would keep the app busy for many seconds.
    if "e" in cleaned.casefold():
        raise ValueError(text)
    try:
        value = babel_parse_decimal(cleaned, locale=_babel_locale(), strict=True)
    except NumberFormatError as exc:
        raise ValueError(text) from exc
    if not value.is_finite():  # Babel accepts "NaN" and "Infinity"; no amount is either
        raise ValueError(text)
    return value
