"""The imported sanctions lists, their entries and the names each entry is known by.

A list is a snapshot of a file the user downloaded; it is replaced as a whole by the next import of the
same source, never edited. Entries and names therefore use small integer keys (fast bulk inserts, small
indexes) instead of the UUIDs synced records carry: they never leave the post, only ``SanctionsList``
(which file, of which date, imported when) is a record worth syncing or auditing.

A check that records a hit must copy what it needs (name, external id, source, list date): the entry
itself disappears when the list is replaced.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from postapp.domain.base import Base, SyncedMixin, UTCDateTime, utcnow

SOURCES = ("eu", "opensanctions")
SCHEMAS = ("person", "organisation", "other")


class SanctionsList(SyncedMixin, Base):
    """One imported file. Only one list per source is active: the one screening uses."""

    __tablename__ = "sanctions_list"
    __table_args__ = (
        Index("uq_sanctions_list_active_source", "source", unique=True,
              sqlite_where=text("active"), postgresql_where=text("active")),
    )

    source: Mapped[str] = mapped_column(String(20))
    file_name: Mapped[str] = mapped_column(String(300), default="")
    # The date the publisher gave the file (EU: generationDate; OpenSanctions: newest change in it);
    # how stale a list is is judged on this, not on when it was imported.
    published: Mapped[dt.date | None] = mapped_column(Date, default=None)
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    entry_count: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    # The ``names.VERSION`` that wrote ``SanctionsName.normalised`` for this list.
    normalised_with: Mapped[int] = mapped_column(Integer, default=0)


class SanctionsEntry(Base):
    """A sanctioned person, organisation or other subject (vessel, aircraft) as one list describes it."""

    __tablename__ = "sanctions_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sanctions_list.id", ondelete="CASCADE"), index=True)
    external_id: Mapped[str] = mapped_column(String(200))
    schema: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(Text)
    countries: Mapped[str] = mapped_column(Text, default="")  # ISO 3166 alpha-2, comma-separated
    programme: Mapped[str] = mapped_column(Text, default="")


class SanctionsName(Base):
    """One name of an entry (its primary name or an alias), as written in the file and normalised."""

    __tablename__ = "sanctions_name"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("sanctions_entry.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(Text)
    normalised: Mapped[str] = mapped_column(Text)
