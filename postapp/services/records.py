"""What every kind of record shares in the services: fetching a live one and soft deletion."""

from __future__ import annotations

import uuid
from typing import TypeVar

from sqlalchemy.orm import Session

from postapp.domain.base import SyncedMixin, utcnow
from postapp.errors import NotFoundError

R = TypeVar("R", bound=SyncedMixin)


def get_live(session: Session, model: type[R], record_id: uuid.UUID, missing: str) -> R:
    """The record, unless it never existed or was deleted; ``missing`` is the translated message."""
    record = session.get(model, record_id)
    if record is None or record.is_deleted:
        raise NotFoundError(missing)
    return record


def soft_delete(session: Session, record: SyncedMixin) -> None:
    """Marks the record deleted: it leaves lists and search, and the deletion can travel as a change."""
    record.deleted_at = utcnow()
    session.flush()
