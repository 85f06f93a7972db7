"""People at organisations, and the free tags staff put on them.

A person has one full-name field rather than given/family names: posts meet names from every
naming tradition, and a single field is the one that never forces a wrong split.
"""

import uuid

from sqlalchemy import Boolean, Column, ForeignKey, String, Table, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from postapp.domain.base import Base, SyncedMixin
from postapp.domain.organisations import Organisation

person_tag = Table(
    "person_tag",
    Base.metadata,
    Column("person_id", Uuid, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", Uuid, ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True),
)


class Tag(Base, SyncedMixin):
    __tablename__ = "tag"

    name: Mapped[str] = mapped_column(String(80), unique=True)


class Person(Base, SyncedMixin):
    __tablename__ = "person"

    name: Mapped[str] = mapped_column(String(200), index=True)
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("organisation.id", ondelete="SET NULL"), default=None, index=True
    )
    role: Mapped[str] = mapped_column(String(200), default="")
    # Human rights defenders, trade unionists: never leaves the laptop, not even on explicit sharing.
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")

    organisation: Mapped[Organisation | None] = relationship()
    tags: Mapped[list[Tag]] = relationship(secondary=person_tag, order_by=Tag.name.collate("NOCASE"))
