"""Headquarters: the sync server (Starlette on uvicorn) and HQ's store, PostgreSQL in production.

No Qt here. ``store`` opens HQ's database and migrates it (``migrations/``, HQ's own Alembic tree);
``ingest`` takes in a post's bundle in one transaction; ``outgoing`` queues and seals what goes to the
posts; ``server`` is the HTTP API of ``docs/sync-http.md``; ``cli`` is ``postapp-hq``.
"""
