"""What the post does, each activity under one of the five core tasks, with its follow-ups."""

import datetime as dt
import enum
import uuid

from sqlalchemy import Boolean, Column, Date, Enum, ForeignKey, String, Table, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from postapp.coretasks import CoreTask
from postapp.domain.base import Base, SyncedMixin
from postapp.domain.organisations import Organisation
from postapp.domain.persons import Person
from postapp.i18n import N_


class ActivityKind(enum.StrEnum):
    MEETING = "meeting"
    VISIT = "visit"
    EVENT = "event"
    TRAINING = "training"
    DEMARCHE = "demarche"
    PUBLICATION = "publication"
    REFERRAL = "referral"
    SUPPORT_REQUEST = "support_request"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    ActivityKind.MEETING: N_("Meeting"),
    ActivityKind.VISIT: N_("Visit"),
    ActivityKind.EVENT: N_("Event"),
    ActivityKind.TRAINING: N_("Training"),
    ActivityKind.DEMARCHE: N_("Démarche"),
    ActivityKind.PUBLICATION: N_("Publication"),
    ActivityKind.REFERRAL: N_("Referral"),
    ActivityKind.SUPPORT_REQUEST: N_("Support request"),
}


def _values(enum_cls: type[enum.Enum]) -> list[str]:
    return [str(m.value) for m in enum_cls]


activity_person = Table(
    "activity_person",
    Base.metadata,
    Column("activity_id", Uuid, ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", Uuid, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True, index=True),
)

activity_organisation = Table(
    "activity_organisation",
    Base.metadata,
    Column("activity_id", Uuid, ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", Uuid, ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class Activity(Base, SyncedMixin):
    __tablename__ = "activity"

    core_task: Mapped[CoreTask] = mapped_column(
        Enum(CoreTask, native_enum=False, length=20, values_callable=_values), index=True
    )
    kind: Mapped[ActivityKind] = mapped_column(
        Enum(ActivityKind, native_enum=False, length=30, values_callable=_values)
    )
    title: Mapped[str] = mapped_column(String(300))
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(Text, default="")

    persons: Mapped[list[Person]] = relationship(secondary=activity_person)
    organisations: Mapped[list[Organisation]] = relationship(secondary=activity_organisation)
    # The live follow-ups only. One that is removed is soft-deleted (``deleted_at``), never deleted, so
    # its removal can travel as a change: hence no "delete-orphan", and a follow-up is never taken out
    # of this list in code (that would null its activity_id); ``services.activities`` expires it instead.
    follow_ups: Mapped[list["FollowUp"]] = relationship(
        primaryjoin="and_(Activity.id == FollowUp.activity_id, FollowUp.deleted_at.is_(None))",
        back_populates="activity", cascade="all", passive_deletes=True, order_by="FollowUp.due_date"
    )


class FollowUp(Base, SyncedMixin):
    __tablename__ = "follow_up"

    activity_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200), default="")
    due_date: Mapped[dt.date | None] = mapped_column(Date, default=None, index=True)
    done: Mapped[bool] = mapped_column(Boolean, default=False)

    activity: Mapped[Activity] = relationship(back_populates="follow_ups")
