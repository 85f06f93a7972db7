"""What the readers of the two list formats hand to the importer: one entry at a time, format-free."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from postapp.errors import PostAppError


class ParsedEntry(NamedTuple):
    external_id: str
    schema: str  # "person" | "organisation" | "other"
    name: str
    aliases: list[str]  # every other name the entry is known by, as the file writes it
    countries: list[str]  # ISO 3166 alpha-2, upper case
    programme: str


class ListFileError(PostAppError):
    """An import that cannot complete (a bad file, a cancel); the message says only what went wrong, and
    the importer adds what it means for the lists already imported."""


def iso_date(text: str | None) -> dt.date | None:
    """The date part of an ISO date or timestamp ("2026-11-20T10:00:00.123+01:00"), or None."""
    if not text or len(text) < 10:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def unique(values: list[str]) -> list[str]:
    """``values`` without blanks and repeats, in first-seen order (a list repeats a country per address)."""
    return list(dict.fromkeys(v for v in values if v))
