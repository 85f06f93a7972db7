"""Checks on what a user typed, collected per field so a form can show every problem at once.

Values arrive as typed (strings from a form or a CSV cell) or already typed (from code); each
``clean_*`` returns the stored value or records a translated message for the field.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from postapp.errors import ValidationError
from postapp.i18n import _, format_number, parse_date, parse_decimal

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
MAX_NOTES = 100_000
MAX_LINE = 300
MAX_COUNT = 10_000_000  # more employees than any company has: a typing slip


def too_long(label: str, limit: int, size: int) -> str:
    return _("{label} is too long: at most {limit} characters, this has {size}.").format(
        label=label, limit=format_number(limit), size=format_number(size))


def split_list(text: str) -> list[str]:
    """``"living wage, gender,, "`` -> ``["living wage", "gender"]``: a comma-separated field's items."""
    return [item.strip() for item in text.split(",") if item.strip()]


class Checker:
    """Collects field errors; ``done()`` raises them together."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def fail(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def done(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)

    def required(self, field: str, value: str | None, label: str, max_len: int = MAX_LINE) -> str:
        text = (value or "").strip()
        if not text:
            self.fail(field, _("{label} is required.").format(label=label))
        return self.text(field, text, label, max_len)

    def text(self, field: str, value: str | None, label: str, max_len: int = MAX_LINE) -> str:
        text = (value or "").strip()
        if "\x00" in text:
            self.fail(field, _("{label} contains characters that cannot be stored.").format(label=label))
        if len(text) > max_len:
            self.fail(field, too_long(label, max_len, len(text)))
        return text

    def notes(self, field: str, value: str | None, label: str) -> str:
        # Notes keep their line breaks and inner spacing; only the ends are trimmed.
        return self.text(field, value, label, MAX_NOTES)

    def email(self, field: str, value: str | None) -> str:
        text = self.text(field, value, _("E-mail"), 254)
        if text and not EMAIL_RE.match(text):
            self.fail(field, _("'{value}' is not a valid e-mail address (example: name@example.org).").format(
                value=text[:60]))
        return text.lower()

    def integer(self, field: str, value: str | int | None, label: str, minimum: int = 0) -> int | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            # Parsed once; the range is checked on the Decimal, before a huge number becomes an int.
            number = Decimal(value) if isinstance(value, int) else parse_decimal(value)
            if number != number.to_integral_value():
                raise ValueError(value)
        except (ValueError, InvalidOperation):
            self.fail(field, _("{label} must be a whole number, for example {example}.").format(
                label=label, example=format_number(250)))
            return None
        if not minimum <= number <= MAX_COUNT:
            self.fail(field, _("{label} must be between {minimum} and {maximum}.").format(
                label=label, minimum=format_number(minimum), maximum=format_number(MAX_COUNT)))
            return None
        return int(number)

    def amount(self, field: str, value: str | int | Decimal | None, label: str) -> Decimal | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            amount = value if isinstance(value, Decimal) else (
                Decimal(value) if isinstance(value, int) else parse_decimal(value))
        except (ValueError, InvalidOperation):
            self.fail(field, _("{label} must be an amount in euros, for example {example}.").format(
                label=label, example=format_number(40_000_000)))
            return None
        if not amount.is_finite() or amount < 0 or amount >= Decimal(10) ** 16:
            self.fail(field, _("{label} must be between 0 and {maximum}.").format(
                label=label, maximum=format_number(Decimal(10) ** 16 - 1)))
            return None
        return amount.quantize(Decimal("0.01"))

    def date(self, field: str, value: str | dt.date | None, label: str, required: bool = True) -> dt.date | None:
        if isinstance(value, dt.date):
            return value
        if value is None or not value.strip():
            if required:
                self.fail(field, _("{label} is required.").format(label=label))
            return None
        try:
            return parse_date(value)
        except ValueError:
            self.fail(field, _("'{value}' is not a date. Use the form {example}.").format(
                value=value.strip()[:40], example="2026-11-24"))
            return None

    def country(self, field: str, value: str | None) -> str:
        text = (value or "").strip().upper()
        if text and not re.fullmatch(r"[A-Z]{2}", text):
            self.fail(field, _("Country must be a two-letter ISO code, for example VN or GH."))
        return text
