"""Where a condition check meets the sanctions lists: the screening result as the check stores it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from postapp.conditions.checks import HitData
from postapp.sanctions.screening import Screener


def screen_company(session: Session, name: str) -> list[HitData]:
    screener = Screener.load(session)
    # Names are cut to the column sizes (PostgreSQL enforces them; lists can hold very long aliases).
    return [HitData(h.source, h.list_published, h.external_id[:100], h.matched_name[:500], h.primary_name[:500],
                    h.score, h.schema[:20], h.countries[:200], h.programme) for h in screener.screen(name)]
