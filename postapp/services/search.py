"""Search-as-you-type over contacts, and the pages of rows the lazy lists fetch.

The FTS5 index (migration ``0002_contact_search``) covers names, e-mail, organisation and tags; each
word the user typed becomes a quoted prefix term, so any input is safe to pass to ``MATCH``.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from typing import NamedTuple

from sqlalchemy import Select, String, Subquery, Uuid, column, func, select, table, text
from sqlalchemy.orm import Session

from postapp.domain import Organisation, Person

MAX_TERMS = 8
MAX_TERM_LEN = 64

contact_index = table(
    "contact_index", column("rowid"), column("kind"), column("ref", Uuid), column("sort_key", String)
)
contact_fts = table("contact_fts", column("rowid"))
_WORD = re.compile(r"\w+", re.UNICODE)
_FOLD = str.maketrans("đĐ", "dD")  # as the index does (migration 0002): "dang" finds "Đặng"


def match_expression(query: str) -> str | None:
    """``'jan de'`` -> ``'"jan"* "de"*'``; ``None`` when nothing searchable was typed."""
    # Composed form first: a decomposed "Đặng" (D-stroke, a, combining marks) would otherwise split
    # into several words at the marks, and "đ" would escape the folding below.
    bounded = unicodedata.normalize("NFC", query[: MAX_TERMS * (MAX_TERM_LEN + 1) * 4]).translate(_FOLD)
    terms = [t[:MAX_TERM_LEN] for t in _WORD.findall(bounded)][:MAX_TERMS]
    if not terms:
        return None
    return " ".join(f'"{t}"*' for t in terms)


def _matches(kind: str, expression: str) -> Select[tuple[uuid.UUID, str]]:
    """Refs of live contacts of ``kind`` matching, sortable by name without reading the contact rows."""
    return (
        select(contact_index.c.ref, contact_index.c.sort_key)
        .select_from(contact_index.join(contact_fts, contact_fts.c.rowid == contact_index.c.rowid))
        .where(text("contact_fts MATCH :match").bindparams(match=expression))
        .where(contact_index.c.kind == kind)
    )


def _page(kind: str, query: str, offset: int, limit: int) -> Subquery | None:
    expression = match_expression(query)
    if expression is None:
        return None
    return (
        _matches(kind, expression)
        .order_by(contact_index.c.sort_key.collate("NOCASE"), contact_index.c.ref)
        .offset(offset)
        .limit(limit)
        .subquery()
    )


def _count(session: Session, kind: str, query: str) -> int:
    expression = match_expression(query)
    if expression is None:
        return 0
    return session.scalar(select(func.count()).select_from(_matches(kind, expression).subquery())) or 0


class PersonRow(NamedTuple):
    id: uuid.UUID
    name: str
    email: str
    organisation: str
    role: str


class OrganisationRow(NamedTuple):
    id: uuid.UUID
    name: str
    kind: str
    sector: str
    country: str


def person_rows(session: Session, query: str = "", offset: int = 0, limit: int = 200) -> list[PersonRow]:
    """A page of persons by name; with a query, only those matching it (name, e-mail, organisation, tags)."""
    stmt = select(Person.id, Person.name, Person.email, Organisation.name, Person.role).outerjoin(
        Organisation, Person.organisation_id == Organisation.id
    )
    if query.strip():
        page = _page("person", query, offset, limit)
        if page is None:
            return []
        stmt = stmt.join(page, page.c.ref == Person.id).order_by(page.c.sort_key.collate("NOCASE"), page.c.ref)
    else:
        stmt = (
            stmt.where(Person.deleted_at.is_(None))
            .order_by(Person.name.collate("NOCASE"), Person.id)
            .offset(offset)
            .limit(limit)
        )
    return [PersonRow(r[0], r[1], r[2], r[3] or "", r[4]) for r in session.execute(stmt)]


def count_persons(session: Session, query: str = "") -> int:
    if query.strip():
        return _count(session, "person", query)
    return session.scalar(select(func.count()).select_from(Person).where(Person.deleted_at.is_(None))) or 0


def organisation_rows(session: Session, query: str = "", offset: int = 0, limit: int = 200) -> list[OrganisationRow]:
    stmt = select(Organisation.id, Organisation.name, Organisation.kind, Organisation.sector, Organisation.country)
    if query.strip():
        page = _page("organisation", query, offset, limit)
        if page is None:
            return []
        stmt = stmt.join(page, page.c.ref == Organisation.id).order_by(
            page.c.sort_key.collate("NOCASE"), page.c.ref)
    else:
        stmt = (
            stmt.where(Organisation.deleted_at.is_(None))
            .order_by(Organisation.name.collate("NOCASE"), Organisation.id)
            .offset(offset)
            .limit(limit)
        )
    return [OrganisationRow(r[0], r[1], str(r[2]), r[3], r[4]) for r in session.execute(stmt)]


def count_organisations(session: Session, query: str = "") -> int:
    if query.strip():
        return _count(session, "organisation", query)
    return session.scalar(
        select(func.count()).select_from(Organisation).where(Organisation.deleted_at.is_(None))) or 0


def organisation_suggestions(session: Session, query: str, limit: int = 20) -> list[OrganisationRow]:
    """For a picker: organisations named exactly as typed (ignoring case) first, then the best matches.

    The exact ones come first so that a full name typed out is always among the suggestions, however
    many other organisations share its words.
    """
    name = query.strip()
    if not name:
        return []
    exact = session.execute(
        select(Organisation.id, Organisation.name, Organisation.kind, Organisation.sector, Organisation.country)
        .where(Organisation.deleted_at.is_(None), Organisation.name.collate("NOCASE") == name)
        .order_by(Organisation.id)
        .limit(limit)
    )
    rows = [OrganisationRow(r[0], r[1], str(r[2]), r[3], r[4]) for r in exact]
    seen = {r.id for r in rows}
    rows.extend(r for r in organisation_rows(session, query, 0, limit) if r.id not in seen)
    return rows[:limit]
