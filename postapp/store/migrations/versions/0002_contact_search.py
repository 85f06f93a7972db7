"""Contact search: an FTS5 index over persons and organisations, kept current by triggers.

Triggers (rather than service code) maintain the index so every write path keeps it right: the
forms, bulk demo data, imports and later sync. ``contact_index`` gives each contact a stable integer
rowid, so the FTS row of one contact is found by key instead of by scanning, and holds the name as
sort key so a search sorts its matches without reading the person rows.

Revision ID: 0002_contact_search
Revises: 0001_initial
Create Date: 2026-11-25
"""

from alembic import op

revision = "0002_contact_search"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

def fold(expr: str) -> str:
    """Vietnamese đ/Đ has no Unicode decomposition, so FTS5's ``remove_diacritics`` keeps it; staff
    type "dang" for "Đặng". Indexed text (not the stored names) is folded here, queries in the app."""
    return f"replace(replace({expr}, 'đ', 'd'), 'Đ', 'D')"


TAGS_OF_P = fold(
    "coalesce((SELECT group_concat(t.name, ' ') FROM person_tag pt JOIN tag t ON t.id = pt.tag_id"
    " WHERE pt.person_id = p.id), '')"
)


def refresh_persons(where: str) -> str:
    """SQL that rewrites the FTS rows of the persons matching ``where`` (over alias ``p``)."""
    return f"""
    UPDATE contact_index SET sort_key = (SELECT p.name FROM person p WHERE p.id = contact_index.ref)
        WHERE ref IN (SELECT p.id FROM person p WHERE {where});
    DELETE FROM contact_fts WHERE rowid IN (
        SELECT ci.rowid FROM contact_index ci JOIN person p ON p.id = ci.ref WHERE {where});
    INSERT INTO contact_fts(rowid, name, email, organisation, tags)
        SELECT ci.rowid, {fold("p.name")}, p.email, {fold("coalesce(o.name, '')")}, {TAGS_OF_P}
        FROM person p JOIN contact_index ci ON ci.ref = p.id
        LEFT JOIN organisation o ON o.id = p.organisation_id
        WHERE ({where}) AND p.deleted_at IS NULL;"""


def refresh_organisations(where: str) -> str:
    return f"""
    UPDATE contact_index SET sort_key = (SELECT o.name FROM organisation o WHERE o.id = contact_index.ref)
        WHERE ref IN (SELECT o.id FROM organisation o WHERE {where});
    DELETE FROM contact_fts WHERE rowid IN (
        SELECT ci.rowid FROM contact_index ci JOIN organisation o ON o.id = ci.ref WHERE {where});
    INSERT INTO contact_fts(rowid, name, email, organisation, tags)
        SELECT ci.rowid, {fold("o.name")}, o.website, {fold("o.sector")}, o.kind
        FROM organisation o JOIN contact_index ci ON ci.ref = o.id
        WHERE ({where}) AND o.deleted_at IS NULL;"""


def forget(ref: str) -> str:
    return f"""
    DELETE FROM contact_fts WHERE rowid = (SELECT rowid FROM contact_index WHERE ref = {ref});
    DELETE FROM contact_index WHERE ref = {ref};"""


TRIGGERS = {
    "person_search_ai": f"""AFTER INSERT ON person BEGIN
        INSERT OR IGNORE INTO contact_index(kind, ref) VALUES ('person', new.id);
        {refresh_persons("p.id = new.id")}
    END""",
    "person_search_au": f"""AFTER UPDATE OF name, email, organisation_id, deleted_at ON person BEGIN
        {refresh_persons("p.id = new.id")}
    END""",
    "person_search_ad": f"AFTER DELETE ON person BEGIN {forget('old.id')} END",
    "person_tag_search_ai": f"AFTER INSERT ON person_tag BEGIN {refresh_persons('p.id = new.person_id')} END",
    "person_tag_search_ad": f"AFTER DELETE ON person_tag BEGIN {refresh_persons('p.id = old.person_id')} END",
    "tag_search_au": f"""AFTER UPDATE OF name ON tag BEGIN
        {refresh_persons("p.id IN (SELECT person_id FROM person_tag WHERE tag_id = new.id)")}
    END""",
    "organisation_search_ai": f"""AFTER INSERT ON organisation BEGIN
        INSERT OR IGNORE INTO contact_index(kind, ref) VALUES ('organisation', new.id);
        {refresh_organisations("o.id = new.id")}
    END""",
    "organisation_search_au": f"""AFTER UPDATE OF name, website, sector, kind, deleted_at ON organisation BEGIN
        {refresh_organisations("o.id = new.id")}
        {refresh_persons("p.organisation_id = new.id")}
    END""",
    "organisation_search_ad": f"AFTER DELETE ON organisation BEGIN {forget('old.id')} END",
}


def upgrade() -> None:
    op.execute(
        "CREATE TABLE contact_index ("
        " rowid INTEGER PRIMARY KEY, kind VARCHAR(20) NOT NULL, ref CHAR(32) NOT NULL UNIQUE,"
        " sort_key VARCHAR(300) NOT NULL DEFAULT '')"
    )
    op.execute(
        "CREATE VIRTUAL TABLE contact_fts USING fts5("
        "name, email, organisation, tags, tokenize = 'unicode61 remove_diacritics 2')"
    )
    op.execute("CREATE INDEX ix_person_name_nocase ON person (name COLLATE NOCASE)")
    op.execute("CREATE INDEX ix_organisation_name_nocase ON organisation (name COLLATE NOCASE)")
    # Index what the older schema already holds, then keep it current from here on.
    op.execute("INSERT INTO contact_index(kind, ref, sort_key) SELECT 'organisation', id, name FROM organisation")
    op.execute("INSERT INTO contact_index(kind, ref, sort_key) SELECT 'person', id, name FROM person")
    for statement in (refresh_organisations("1"), refresh_persons("1")):
        for part in statement.split(";"):
            if part.strip():
                op.execute(part)
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP INDEX IF EXISTS ix_organisation_name_nocase")
    op.execute("DROP INDEX IF EXISTS ix_person_name_nocase")
    op.execute("DROP TABLE IF EXISTS contact_fts")
    op.execute("DROP TABLE IF EXISTS contact_index")
