"""Events the post organises for companies (awareness sessions, roundtables, trainings) and who came.

An event is an activity of core task 2 or 5 with a time, a place and a list of participants: the
activity keeps its core task, title, notes and follow-ups (owner and due date), so events count in
the core-task workspaces and their follow-ups appear among everything that is due.
"""

import datetime as dt
import enum
import uuid

from sqlalchemy import Enum, ForeignKey, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from postapp.domain.activities import Activity
from postapp.domain.base import Base, SyncedMixin, UTCDateTime
from postapp.domain.persons import Person
from postapp.i18n import N_


def _values(enum_cls: type[enum.Enum]) -> list[str]:
    return [str(m.value) for m in enum_cls]


class EventFormat(enum.StrEnum):
    AWARENESS_SESSION = "awareness_session"
    ROUNDTABLE = "roundtable"
    TRAINING = "training"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {EventFormat.AWARENESS_SESSION: N_("Awareness session"), EventFormat.ROUNDTABLE: N_("Roundtable"),
                EventFormat.TRAINING: N_("Training"), EventFormat.OTHER: N_("Other event")}[self]


class ParticipantStatus(enum.StrEnum):
    """Invited → registered → attended; declined and no-show end the line."""

    INVITED = "invited"
    REGISTERED = "registered"
    ATTENDED = "attended"
    DECLINED = "declined"
    NO_SHOW = "no_show"

    @property
    def label(self) -> str:
        return {ParticipantStatus.INVITED: N_("Invited"), ParticipantStatus.REGISTERED: N_("Registered"),
                ParticipantStatus.ATTENDED: N_("Attended"), ParticipantStatus.DECLINED: N_("Declined"),
                ParticipantStatus.NO_SHOW: N_("Did not come")}[self]


class Event(Base, SyncedMixin):
    __tablename__ = "event"

    activity_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("activity.id", ondelete="CASCADE"), unique=True)
    format: Mapped[EventFormat] = mapped_column(
        Enum(EventFormat, native_enum=False, length=30, values_callable=_values), default=EventFormat.OTHER)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # IANA zone of the place (e.g. "Asia/Jakarta"): times are shown and exported in it.
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    location: Mapped[str] = mapped_column(String(300), default="")
    capacity: Mapped[int | None] = mapped_column(Integer, default=None)
    evaluation: Mapped[str] = mapped_column(Text, default="")

    activity: Mapped[Activity] = relationship()
    participants: Mapped[list["EventParticipant"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", passive_deletes=True)


class EventParticipant(Base, SyncedMixin):
    __tablename__ = "event_participant"
    __table_args__ = (UniqueConstraint("event_id", "person_id", name="uq_event_participant_person"),)

    event_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("event.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("person.id", ondelete="CASCADE"), index=True)
    status: Mapped[ParticipantStatus] = mapped_column(
        Enum(ParticipantStatus, native_enum=False, length=20, values_callable=_values),
        default=ParticipantStatus.INVITED)

    event: Mapped[Event] = relationship(back_populates="participants")
    person: Mapped[Person] = relationship()
