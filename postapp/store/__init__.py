"""The post's local SQLite store: opening, migrating, backing up, and turning database errors into
messages a user can act on."""

from postapp.store.database import SCHEMA_HEAD, Store, open_store
from postapp.store.errors import StoreError

__all__ = ["SCHEMA_HEAD", "Store", "StoreError", "open_store"]
