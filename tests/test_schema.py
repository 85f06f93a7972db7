"""The migrations and the models describe the same schema: a store migrated to the head has exactly
the tables, columns, indexes and foreign keys the SQLAlchemy models declare."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import postapp.conditions.models
import postapp.sanctions.models
import postapp.survey.models
import postapp.sync.models
from postapp.domain import Base
from postapp.store import open_store

# Tables the migrations make by hand for the search index; they have no model.
UNMODELLED = {"contact_index", "contact_fts", "contact_fts_config", "contact_fts_content", "contact_fts_data",
              "contact_fts_docsize", "contact_fts_idx", "alembic_version"}


def _table_of(diff: tuple[object, ...]) -> str:
    for part in diff[1:]:
        name = getattr(part, "name", None) if not isinstance(part, str) else part
        table = getattr(part, "table", None)
        if table is not None:
            return str(table.name)
        if name:
            return str(name)
    return ""


def test_migrated_store_matches_the_models(tmp_path: Path) -> None:
    assert postapp.conditions.models.ConditionCheck.__tablename__ in Base.metadata.tables
    store = open_store(tmp_path / "post.sqlite3")
    try:
        with store.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diffs = compare_metadata(context, Base.metadata)
    finally:
        store.close()
    relevant = []
    for diff in diffs:
        flat = diff[0] if isinstance(diff, list) else diff
        if flat[0] == "remove_table" and flat[1].name in UNMODELLED:
            continue
        if flat[0] == "remove_index" and flat[1].name.endswith("_nocase"):
            continue  # COLLATE NOCASE expression indexes of migration 0002, used by ORDER BY name
        relevant.append(diff)
    assert relevant == []
