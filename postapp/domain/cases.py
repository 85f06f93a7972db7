"""Company support (core task 3): a Dutch company's request or question followed as a case.

Cases are referred more often than solved at the post; the referral targets are the Dutch bodies the
guidelines name. A case can lead to an IMVO condition check when the post is asked for support.
"""

import datetime as dt
import enum
import uuid

from sqlalchemy import Column, Date, Enum, ForeignKey, String, Table, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

import postapp.conditions.models  # noqa: F401  (condition_check, which a case refers to)
from postapp.domain.activities import Activity
from postapp.domain.base import Base, SyncedMixin
from postapp.domain.organisations import Organisation
from postapp.domain.persons import Person
from postapp.i18n import N_


def _values(enum_cls: type[enum.Enum]) -> list[str]:
    return [str(m.value) for m in enum_cls]


class CaseStatus(enum.StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    REFERRED = "referred"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {CaseStatus.NEW: N_("New"), CaseStatus.IN_PROGRESS: N_("In progress"),
                CaseStatus.REFERRED: N_("Referred"), CaseStatus.CLOSED: N_("Closed")}[self]


class ReferralTarget(enum.StrEnum):
    NONE = ""
    RVO = "rvo"
    IMVO_STEUNPUNT = "imvo_steunpunt"
    NCP = "ncp"
    MVO_NEDERLAND = "mvo_nederland"
    SER_AGREEMENTS = "ser_agreements"
    INVEST_INTERNATIONAL = "invest_international"

    @property
    def label(self) -> str:
        return {ReferralTarget.NONE: N_("Not referred"), ReferralTarget.RVO: N_("RVO"),
                ReferralTarget.IMVO_STEUNPUNT: N_("IMVO steunpunt"), ReferralTarget.NCP: N_("NCP"),
                ReferralTarget.MVO_NEDERLAND: N_("MVO Nederland"),
                ReferralTarget.SER_AGREEMENTS: N_("SER sector agreements (convenanten)"),
                ReferralTarget.INVEST_INTERNATIONAL: N_("Invest International")}[self]


case_person = Table(
    "case_person",
    Base.metadata,
    Column("case_id", Uuid, ForeignKey("support_case.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", Uuid, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True, index=True),
)

case_activity = Table(
    "case_activity",
    Base.metadata,
    Column("case_id", Uuid, ForeignKey("support_case.id", ondelete="CASCADE"), primary_key=True),
    Column("activity_id", Uuid, ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class SupportCase(Base, SyncedMixin):
    __tablename__ = "support_case"

    title: Mapped[str] = mapped_column(String(300))
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("organisation.id", ondelete="SET NULL"), default=None, index=True)
    status: Mapped[CaseStatus] = mapped_column(
        Enum(CaseStatus, native_enum=False, length=20, values_callable=_values), default=CaseStatus.NEW,
        index=True)
    question: Mapped[str] = mapped_column(Text, default="")
    referral: Mapped[ReferralTarget] = mapped_column(
        Enum(ReferralTarget, native_enum=False, length=30, values_callable=_values), default=ReferralTarget.NONE)
    opened_on: Mapped[dt.date] = mapped_column(Date, index=True)
    due_on: Mapped[dt.date | None] = mapped_column(Date, default=None, index=True)
    closed_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    notes: Mapped[str] = mapped_column(Text, default="")
    condition_check_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("condition_check.id", ondelete="SET NULL"), default=None)

    organisation: Mapped[Organisation | None] = relationship()
    persons: Mapped[list[Person]] = relationship(secondary=case_person)
    activities: Mapped[list[Activity]] = relationship(secondary=case_activity)
