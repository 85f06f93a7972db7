"""Alembic environment of HQ's database: always run from code (``postapp.hq.store``)."""

from alembic import context

from postapp.hq.models import schema_metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - HQ never runs Alembic from the command line
    raise RuntimeError("Run HQ's migrations through postapp.hq.store")

context.configure(
    connection=connection,
    target_metadata=schema_metadata(),
    version_table="hq_alembic_version",
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
