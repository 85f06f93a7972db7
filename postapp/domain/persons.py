"""People at organisations, and the free tags staff put on them.

A person has one full-name field rather than given/family names: posts meet names from every
naming tradition, and a single field is the one that never forces a wrong split.
"""

import datetime as dt
import enum
import uuid

from sqlalchemy import Boolean, Column, Date, Enum, ForeignKey, String, Table, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from postapp.domain.base import Base, SyncedMixin
from postapp.domain.organisations import Organisation
from postapp.i18n import N_


class Gender(enum.StrEnum):
    """As the person states it; "" (not recorded) is the default. Counted in event attendance because
    the letter asks posts to pay attention to gender equality."""

    UNKNOWN = ""
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {Gender.UNKNOWN: N_("Not recorded"), Gender.FEMALE: N_("Woman"), Gender.MALE: N_("Man"),
                Gender.OTHER: N_("Other")}[self]


class LawfulBasis(enum.StrEnum):
    """GDPR article 6 grounds a post relies on for a contact; "" means not yet recorded."""

    UNKNOWN = ""
    CONSENT = "consent"
    LEGITIMATE_INTEREST = "legitimate_interest"
    PUBLIC_TASK = "public_task"
    CONTRACT = "contract"

    @property
    def label(self) -> str:
        return {LawfulBasis.UNKNOWN: N_("Not recorded"), LawfulBasis.CONSENT: N_("Consent"),
                LawfulBasis.LEGITIMATE_INTEREST: N_("Legitimate interest"),
                LawfulBasis.PUBLIC_TASK: N_("Public task"), LawfulBasis.CONTRACT: N_("Contract")}[self]


def _values(enum_cls: type[enum.Enum]) -> list[str]:
    return [str(m.value) for m in enum_cls]

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
    # Human rights defenders, trade unionists at risk: left out of exports, prints and calendar files
    # unless a person explicitly includes them there; sync never sends persons at all.
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    gender: Mapped[Gender] = mapped_column(
        Enum(Gender, native_enum=False, length=10, values_callable=_values), default=Gender.UNKNOWN)
    lawful_basis: Mapped[LawfulBasis] = mapped_column(
        Enum(LawfulBasis, native_enum=False, length=30, values_callable=_values), default=LawfulBasis.UNKNOWN)
    consent_date: Mapped[dt.date | None] = mapped_column(Date, default=None)

    organisation: Mapped[Organisation | None] = relationship()
    tags: Mapped[list[Tag]] = relationship(secondary=person_tag, order_by=Tag.name.collate("NOCASE"))
