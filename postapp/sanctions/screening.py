"""Screening a name against the active sanctions lists, and telling how old those lists are.

Matching is fuzzy on normalised names (``names.normalise``: script, transliteration, legal form and word
order folded away) with rapidfuzz's ``token_set_ratio``, which also scores a name that is a part of the
other ("Lukoil" in "Lukoil Oil Company") as a match. Because that also makes "Ali" match every
"Muhammad Ali ...", the few candidates above the cut-off are scored again:

- a part-match only counts when the shared part is a real name: two words, or for an organisation one
  word of at least ``MIN_PART_CHARS`` letters ("Lukoil", "Rosneft"); a person's single word is a given
  name or a nickname thousands share. It ranks below an exact match;
- every word of the shorter name must resemble a word of the other: "Nguyen Van A" and "Nguyen Van B"
  share most letters but are two people, while "Tariq" and "Tarek" are one name in two spellings.

The ``Screener`` holds every prepared name in plain lists, so one screening is one ``process.extract``
over them plus a little Python on the candidates: about the cost of rapidfuzz alone.
"""

from __future__ import annotations

import datetime as dt
from array import array
from typing import NamedTuple, Protocol

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from postapp.sanctions.models import SanctionsEntry, SanctionsList, SanctionsName
from postapp.sanctions.names import VERSION, normalise

__all__ = ["DEFAULT_CUTOFF", "DEFAULT_MAX_AGE_DAYS", "Hit", "ListStatus", "Screener", "is_stale", "list_status",
           "normalise"]

DEFAULT_CUTOFF = 85.0
DEFAULT_LIMIT = 10
# Older than this, a list gives a warning; the EU updates its list several times a month.
DEFAULT_MAX_AGE_DAYS = 30
MIN_PART_CHARS = 5
MIN_WORD_SCORE = 60.0  # "tarek"/"tarik" 80, "mohamed"/"muhamad" 71; "a"/"b" 0, "hoa"/"lan" 0
SCORER = fuzz.token_set_ratio
# A name wholly contained in the other scores between these, by how much of the longer name it covers.
PART_SCORE_LOW, PART_SCORE_HIGH = 90.0, 99.0


class Hit(NamedTuple):
    entry_id: int
    source: str
    matched_name: str  # the name (primary or alias) that matched, as the list writes it
    primary_name: str
    score: float  # 0-100
    schema: str
    countries: str
    programme: str
    external_id: str  # the list's own id: what a check records, since entry ids go with the list
    list_published: dt.date | None


class ListStatus(NamedTuple):
    source: str
    published: dt.date | None
    imported_at: dt.datetime
    entry_count: int


class Dated(Protocol):
    @property
    def published(self) -> dt.date | None: ...

    @property
    def imported_at(self) -> dt.datetime: ...


def list_status(session: Session) -> list[ListStatus]:
    """The active lists, one per source."""
    rows = session.execute(
        select(SanctionsList.source, SanctionsList.published, SanctionsList.imported_at, SanctionsList.entry_count)
        .where(SanctionsList.active, SanctionsList.deleted_at.is_(None)).order_by(SanctionsList.source))
    return [ListStatus(*row) for row in rows]


def list_age_days(lst: Dated, today: dt.date) -> int:
    """Days since the publisher dated the list (the import date when the file carried none)."""
    return (today - (lst.published or lst.imported_at.date())).days


def is_stale(lst: Dated, max_age_days: int, today: dt.date) -> bool:
    return list_age_days(lst, today) > max_age_days


def rescore(query: str, name: str, set_score: float, person: bool = False) -> float:
    """The final score of a candidate ``token_set_ratio`` found (see the module docstring)."""
    whole = fuzz.ratio(query, name)  # both token-sorted: rapidfuzz's token_sort_ratio
    if set_score <= whole:
        return whole
    q, n = set(query.split()), set(name.split())
    if not (q <= n or n <= q):
        return set_score
    common = q & n
    if len(common) < 2 and (person or sum(map(len, common)) < MIN_PART_CHARS):
        return whole
    shorter, longer = sorted((query, name), key=len)
    return max(whole, PART_SCORE_LOW + (PART_SCORE_HIGH - PART_SCORE_LOW) * len(shorter) / len(longer))


def words_align(query: str, name: str) -> bool:
    """Whether each word of the name with fewer words has a look-alike in the other."""
    q, n = query.split(), name.split()
    fewer, more = (n, q) if len(n) < len(q) else (q, n)
    return all(any(fuzz.ratio(word, other) >= MIN_WORD_SCORE for other in more) for word in fewer)


class _Entry(NamedTuple):
    entry_id: int
    source: str
    primary_name: str
    schema: str
    countries: str
    programme: str
    external_id: str
    list_published: dt.date | None


class Screener:
    """The active lists' names prepared for matching; build once, screen many names."""

    def __init__(self) -> None:
        self.choices: list[str] = []  # normalised names, what rapidfuzz compares
        self.names: list[str] = []  # the same names as the lists write them
        self.owner = array("l")  # index in ``entries`` of each name's entry
        self.entries: list[_Entry] = []
        self.lists: list[ListStatus] = []

    @classmethod
    def load(cls, session: Session) -> Screener:
        screener = cls()
        screener.lists = list_status(session)
        rows = session.execute(
            select(SanctionsEntry.id, SanctionsList.source, SanctionsEntry.name, SanctionsEntry.schema,
                   SanctionsEntry.countries, SanctionsEntry.programme, SanctionsEntry.external_id,
                   SanctionsList.published, SanctionsName.name, SanctionsName.normalised,
                   SanctionsList.normalised_with)
            .join(SanctionsList, SanctionsList.id == SanctionsEntry.list_id)
            .join(SanctionsName, SanctionsName.entry_id == SanctionsEntry.id)
            .where(SanctionsList.active, SanctionsList.deleted_at.is_(None))
            .order_by(SanctionsEntry.id))
        last_id = None
        for (entry_id, source, primary, schema, countries, programme, external_id, published, name, norm,
             version) in rows:
            if entry_id != last_id:
                screener.entries.append(
                    _Entry(entry_id, source, primary, schema, countries, programme, external_id, published))
                last_id = entry_id
            # A list imported by an older version compares only after normalising its names again.
            screener.choices.append(norm if version == VERSION else normalise(name))
            screener.names.append(name)
            screener.owner.append(len(screener.entries) - 1)
        return screener

    @property
    def available(self) -> bool:
        return bool(self.lists)

    def screen(self, name: str, limit: int = DEFAULT_LIMIT, cutoff: float = DEFAULT_CUTOFF) -> list[Hit]:
        """Candidate entries for ``name``, best first, each entry once (with its best-matching name)."""
        query = normalise(name)
        if not query or limit <= 0:
            return []
        found = process.extract(query, self.choices, scorer=SCORER, processor=None, limit=None,
                                score_cutoff=cutoff)
        best: dict[int, tuple[float, int]] = {}
        for choice, set_score, index in found:
            owner = self.owner[index]
            score = rescore(query, choice, set_score, self.entries[owner].schema == "person")
            if score < cutoff or not words_align(query, choice):
                continue
            if owner not in best or score > best[owner][0]:
                best[owner] = (score, index)
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
        hits = []
        for owner, (score, index) in ranked:
            e = self.entries[owner]
            hits.append(Hit(e.entry_id, e.source, self.names[index], e.primary_name, float(score), e.schema,
                            e.countries, e.programme, e.external_id, e.list_published))
        return hits
