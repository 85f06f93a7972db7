"""Where a condition check meets the sanctions lists: the screening result as the check stores it,
and whether (and how old) a list is there to screen against."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from postapp.conditions.checks import HitData
from postapp.sanctions.screening import Screener, list_status


def sanctions_state(session: Session) -> tuple[bool, dt.date | None]:
    """Whether any list is imported, and the publication date of the oldest active one (for the warning)."""
    lists = list_status(session)
    dates = [s.published or s.imported_at.date() for s in lists]
    return bool(lists), min(dates) if dates else None


def screen_company(session: Session, name: str) -> list[HitData]:
    screener = Screener.load(session)
    # Names are cut to the column sizes (PostgreSQL enforces them; lists can hold very long aliases).
    return [HitData(h.source, h.list_published, h.external_id[:100], h.matched_name[:500], h.primary_name[:500],
                    h.score, h.schema[:20], h.countries[:200], h.programme) for h in screener.screen(name)]
