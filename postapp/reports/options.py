"""What every pack is made from: the user's choices (``ReportOptions``) and the finished content
(``PackContent``), plus the language switch a build runs under and the post's defaults read from the data.

The post's name, code and country live in the window's preferences (Qt settings, which the core never
reads), so a build outside the window takes them from the options or derives them from the records:
the code is the most common ``post_code``; the country is the most common country of the post's local
organisations (not NL), else of its condition checks, else VN (the demo post); the name is "Post <code>".
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from postapp.i18n import LANGUAGES, _, format_date, thread_language

FALLBACK_COUNTRY = "VN"
HOME_COUNTRY = "NL"


@dataclass(frozen=True)
class ReportOptions:
    language: str = "nl"
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sections: frozenset[str] | None = None  # None: every section of the pack
    classification: str = ""  # empty: "Internal use" in the pack's language
    post_name: str = ""
    post_code: str = ""
    country: str = ""  # ISO 3166-1 alpha-2 of the host country
    include_sensitive: bool = False
    company_id: uuid.UUID | None = None
    event_id: uuid.UUID | None = None
    today: dt.date | None = None  # the day the pack is made; tests fix it
    max_rows: int = 30  # stakeholders listed in a country briefing

    def wants(self, section: str) -> bool:
        return self.sections is None or section in self.sections

    @property
    def day(self) -> dt.date:
        return self.today or dt.date.today()

    def classification_line(self) -> str:
        return self.classification.strip() or _("Internal use")


@dataclass
class PackContent:
    """A pack ready to print: cover texts and the body's flowables (headings, text, tables, charts)."""

    kind: str
    title: str
    subtitle: str
    story: list[Any] = field(default_factory=list)
    period: str = ""  # already formatted; empty when the pack is not about a period
    synthetic_notice: str = ""  # non-empty: the pack shows SYNTHETIC DATA on the cover and every page
    left_out_sensitive: int = 0
    post_name: str = ""  # as resolved by the build (``post_defaults``)


@contextmanager
def in_language(code: str) -> Iterator[None]:
    """Builds in ``code`` in this thread only: the window, in another thread, goes on in the user's
    language, and the user's language is back afterwards whatever happens."""
    with thread_language(code if code in LANGUAGES else "en"):
        yield


def format_period(start: dt.date | None, end: dt.date | None) -> str:
    if start and end:
        return "{start} – {end}".format(start=format_date(start, "long"), end=format_date(end, "long"))
    if start:
        return _("from {date}").format(date=format_date(start, "long"))
    if end:
        return _("until {date}").format(date=format_date(end, "long"))
    return _("All records")


def _most_common(session: Session, column: Any, *where: Any) -> str:
    value = session.scalar(select(column).where(column != "", *where).group_by(column)
                           .order_by(func.count().desc(), column).limit(1))
    return str(value) if value else ""


def post_defaults(session: Session, options: ReportOptions) -> ReportOptions:
    """The options with the post's code, name and country filled in from the data where not given."""
    from postapp.conditions.models import ConditionCheck
    from postapp.domain import Activity, Organisation

    code = options.post_code.strip().upper()
    if not code:
        code = (_most_common(session, Activity.post_code, Activity.deleted_at.is_(None))
                or _most_common(session, Organisation.post_code, Organisation.deleted_at.is_(None)))
    name = options.post_name.strip() or (_("Post {code}").format(code=code) if code else _("The post"))
    country = options.country.strip().upper()
    if not country:
        country = (_most_common(session, Organisation.country, Organisation.country != HOME_COUNTRY,
                                Organisation.deleted_at.is_(None))
                   or _most_common(session, ConditionCheck.host_country, ConditionCheck.deleted_at.is_(None))
                   or FALLBACK_COUNTRY)
    return replace(options, post_code=code, post_name=name, country=country)
