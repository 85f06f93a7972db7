"""Agenda-setting (core task 5): what the post raised with whom, its position, the outcome, what is next."""

import datetime as dt
import enum
import uuid

from sqlalchemy import Boolean, Date, Enum, ForeignKey, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from postapp.domain.activities import Activity
from postapp.domain.base import Base, SyncedMixin
from postapp.domain.organisations import Organisation
from postapp.i18n import N_


def _values(enum_cls: type[enum.Enum]) -> list[str]:
    return [str(m.value) for m in enum_cls]


class AgendaTopic(enum.StrEnum):
    CHILD_LABOUR = "child_labour"
    LIVING_WAGE = "living_wage"
    GENDER = "gender"
    CONFLICT_MINERALS = "conflict_minerals"
    DEFORESTATION = "deforestation"
    FREEDOM_OF_ASSOCIATION = "freedom_of_association"
    FORCED_LABOUR = "forced_labour"
    LAND_RIGHTS = "land_rights"
    ENVIRONMENT = "environment"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _TOPIC_LABELS[self]


_TOPIC_LABELS = {
    AgendaTopic.CHILD_LABOUR: N_("Child labour"), AgendaTopic.LIVING_WAGE: N_("Living wage"),
    AgendaTopic.GENDER: N_("Gender equality"), AgendaTopic.CONFLICT_MINERALS: N_("Conflict minerals"),
    AgendaTopic.DEFORESTATION: N_("Deforestation"),
    AgendaTopic.FREEDOM_OF_ASSOCIATION: N_("Freedom of association"),
    AgendaTopic.FORCED_LABOUR: N_("Forced labour"), AgendaTopic.LAND_RIGHTS: N_("Land rights"),
    AgendaTopic.ENVIRONMENT: N_("Environment and climate"), AgendaTopic.OTHER: N_("Other topic"),
}


class Counterpart(enum.StrEnum):
    HOST_GOVERNMENT = "host_government"
    EU_DELEGATION = "eu_delegation"
    MEMBER_STATE_POST = "member_state_post"
    BUSINESS_ASSOCIATION = "business_association"
    CIVIL_SOCIETY = "civil_society"
    MULTILATERAL = "multilateral"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {Counterpart.HOST_GOVERNMENT: N_("Host government"), Counterpart.EU_DELEGATION: N_("EU delegation"),
                Counterpart.MEMBER_STATE_POST: N_("Other EU member state's post"),
                Counterpart.BUSINESS_ASSOCIATION: N_("Business association"),
                Counterpart.CIVIL_SOCIETY: N_("Civil society"),
                Counterpart.MULTILATERAL: N_("Multilateral organisation"),
                Counterpart.OTHER: N_("Other counterpart")}[self]


class AgendaEntry(Base, SyncedMixin):
    __tablename__ = "agenda_entry"

    date: Mapped[dt.date] = mapped_column(Date, index=True)
    topic: Mapped[AgendaTopic] = mapped_column(
        Enum(AgendaTopic, native_enum=False, length=30, values_callable=_values), index=True)
    topic_detail: Mapped[str] = mapped_column(String(200), default="")
    counterpart: Mapped[Counterpart] = mapped_column(
        Enum(Counterpart, native_enum=False, length=30, values_callable=_values))
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("organisation.id", ondelete="SET NULL"), default=None, index=True)
    activity_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("activity.id", ondelete="SET NULL"), default=None, index=True)
    position: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(Text, default="")
    next_step: Mapped[str] = mapped_column(Text, default="")
    next_step_due: Mapped[dt.date | None] = mapped_column(Date, default=None, index=True)
    next_step_done: Mapped[bool] = mapped_column(Boolean, default=False)

    organisation: Mapped[Organisation | None] = relationship()
    activity: Mapped[Activity | None] = relationship()
