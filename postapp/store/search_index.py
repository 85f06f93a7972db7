"""Bulk loading around the contact search index (migration ``0002_contact_search``).

The index triggers keep search right for every single-row write, but cost ~150 µs a row; a bulk
load (demo data, a large import) suspends them, writes, then rebuilds the index in a few set-based
statements and puts the same triggers back, all inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection


def _fold(expr: str) -> str:
    """Same folding of Vietnamese đ/Đ as the index triggers (migration 0002)."""
    return f"replace(replace({expr}, 'đ', 'd'), 'Đ', 'D')"


_TAGS = _fold(
    "coalesce((SELECT group_concat(t.name, ' ') FROM person_tag pt JOIN tag t ON t.id = pt.tag_id"
    " WHERE pt.person_id = p.id), '')"
)

_ORG_NAME = _fold("coalesce(o.name, '')")

REBUILD_SQL = (
    "DELETE FROM contact_fts",
    "DELETE FROM contact_index",
    "INSERT INTO contact_index(kind, ref, sort_key) SELECT 'organisation', id, name FROM organisation",
    "INSERT INTO contact_index(kind, ref, sort_key) SELECT 'person', id, name FROM person",
    "INSERT INTO contact_fts(rowid, name, email, organisation, tags)"
    f" SELECT ci.rowid, {_fold('o.name')}, o.website, {_fold('o.sector')}, o.kind FROM organisation o"
    " JOIN contact_index ci ON ci.ref = o.id WHERE o.deleted_at IS NULL",
    "INSERT INTO contact_fts(rowid, name, email, organisation, tags)"
    f" SELECT ci.rowid, {_fold('p.name')}, p.email, {_ORG_NAME}, {_TAGS} FROM person p"
    " JOIN contact_index ci ON ci.ref = p.id LEFT JOIN organisation o ON o.id = p.organisation_id"
    " WHERE p.deleted_at IS NULL",
)


def rebuild(connection: Connection) -> None:
    for statement in REBUILD_SQL:
        connection.exec_driver_sql(statement)


@contextmanager
def bulk_load(connection: Connection) -> Iterator[None]:
    """Suspends the search triggers for the block; rebuilds the index and restores them after it."""
    triggers = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%\\_search\\_%' ESCAPE '\\'"
    ).all()
    for name, _sql in triggers:
        connection.exec_driver_sql(f'DROP TRIGGER "{name}"')
    yield
    rebuild(connection)
    for _name, sql in triggers:
        connection.exec_driver_sql(sql)
