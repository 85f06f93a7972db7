"""Alembic environment: always run from code with a connection handed over in ``config.attributes``."""

from alembic import context

# Every model module, so that autogenerate sees all tables.
import postapp.conditions.models
import postapp.sanctions.models
import postapp.survey.models
import postapp.sync.models  # noqa: F401
from postapp.domain import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - the app never runs Alembic from the command line
    raise RuntimeError("Run migrations through postapp.store.migrate")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
