"""The condition check, its six due-diligence steps and its sanctions hits.

A check is a record of a judgement that must hold up later: once decided and confirmed it is locked,
and a change of mind is a new version that points at the old one (``previous_id``).
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Enum, Float, ForeignKey, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from postapp.domain.base import Base, SyncedMixin, UTCDateTime
from postapp.domain.organisations import Organisation
from postapp.i18n import N_

OECD_STEPS = 6


def _values(enum_cls: type[enum.Enum]) -> list[str]:
    return [str(m.value) for m in enum_cls]


def _enum(enum_cls: type[enum.Enum], length: int) -> Enum:
    return Enum(enum_cls, native_enum=False, length=length, values_callable=_values)


class SupportKind(enum.StrEnum):
    TRADE_MISSION = "trade_mission"
    MATCHMAKING = "matchmaking"
    INTRODUCTION = "introduction"
    INSTRUMENT_REFERRAL = "instrument_referral"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            SupportKind.TRADE_MISSION: N_("Trade mission"),
            SupportKind.MATCHMAKING: N_("Matchmaking"),
            SupportKind.INTRODUCTION: N_("Introduction to authorities or partners"),
            SupportKind.INSTRUMENT_REFERRAL: N_("Referral to a government instrument"),
            SupportKind.OTHER: N_("Other support"),
        }[self]


class CheckStatus(enum.StrEnum):
    DRAFT = "draft"
    DECIDED = "decided"  # waiting for the second person's confirmation
    CONFIRMED = "confirmed"  # locked

    @property
    def label(self) -> str:
        return {CheckStatus.DRAFT: N_("Draft"), CheckStatus.DECIDED: N_("Awaiting confirmation"),
                CheckStatus.CONFIRMED: N_("Confirmed")}[self]


class RiskLevel(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def label(self) -> str:
        return {RiskLevel.LOW: N_("Low risk"), RiskLevel.MEDIUM: N_("Medium risk"),
                RiskLevel.HIGH: N_("High risk")}[self]

    @property
    def rank(self) -> int:
        return list(RiskLevel).index(self)


class Decision(enum.StrEnum):
    SUPPORT = "support"
    SUPPORT_WITH_CONDITIONS = "support_with_conditions"
    NO_SUPPORT = "no_support"

    @property
    def label(self) -> str:
        return {Decision.SUPPORT: N_("Support"), Decision.SUPPORT_WITH_CONDITIONS: N_("Support with conditions"),
                Decision.NO_SUPPORT: N_("No support")}[self]

    @property
    def positive(self) -> bool:
        return self is not Decision.NO_SUPPORT


class StepAnswer(enum.StrEnum):
    UNKNOWN = "unknown"
    YES = "yes"
    PARTLY = "partly"
    NO = "no"

    @property
    def label(self) -> str:
        return {StepAnswer.UNKNOWN: N_("Not yet known"), StepAnswer.YES: N_("Yes"),
                StepAnswer.PARTLY: N_("Partly"), StepAnswer.NO: N_("No")}[self]


class Verdict(enum.StrEnum):
    UNDECIDED = "undecided"
    TRUE_MATCH = "true_match"
    FALSE_MATCH = "false_match"

    @property
    def label(self) -> str:
        return {Verdict.UNDECIDED: N_("Not yet assessed"), Verdict.TRUE_MATCH: N_("True match"),
                Verdict.FALSE_MATCH: N_("False match")}[self]


class ConditionCheck(Base, SyncedMixin):
    __tablename__ = "condition_check"

    organisation_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("organisation.id"), index=True)
    support_kind: Mapped[SupportKind] = mapped_column(_enum(SupportKind, 30))
    host_country: Mapped[str] = mapped_column(String(2))
    version: Mapped[int] = mapped_column(Integer, default=1)
    previous_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("condition_check.id"), default=None)
    status: Mapped[CheckStatus] = mapped_column(_enum(CheckStatus, 20), default=CheckStatus.DRAFT, index=True)

    oecd_declared: Mapped[bool | None] = mapped_column(Boolean, default=None)
    conflict_minerals: Mapped[bool | None] = mapped_column(Boolean, default=None)
    minerals_from_cahra: Mapped[bool | None] = mapped_column(Boolean, default=None)
    minerals: Mapped[list[str]] = mapped_column(JSON, default=list)
    gender_answers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    ncp_complaints: Mapped[str] = mapped_column(Text, default="")
    screened_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)

    risk_level: Mapped[RiskLevel | None] = mapped_column(_enum(RiskLevel, 10), default=None)
    risk_reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    decision: Mapped[Decision | None] = mapped_column(_enum(Decision, 30), default=None)
    conditions: Mapped[list[str]] = mapped_column(JSON, default=list)
    rationale: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(200), default="")
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    confirmed_by: Mapped[str] = mapped_column(String(200), default="")
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    # The newest audit entry about this check: removing the log's tail, or the whole log, shows.
    audit_seq: Mapped[int] = mapped_column(Integer, default=0)
    audit_hash: Mapped[str] = mapped_column(String(64), default="")

    organisation: Mapped[Organisation] = relationship()
    steps: Mapped[list[DueDiligenceStep]] = relationship(
        back_populates="check", cascade="all, delete-orphan", order_by="DueDiligenceStep.step")
    hits: Mapped[list[ScreeningHit]] = relationship(
        back_populates="check", cascade="all, delete-orphan", order_by="ScreeningHit.score.desc()")

    @property
    def locked(self) -> bool:
        return self.status is not CheckStatus.DRAFT


class DueDiligenceStep(Base, SyncedMixin):
    """One of the six OECD due-diligence steps, with the evidence the company showed."""

    __tablename__ = "due_diligence_step"

    check_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("condition_check.id", ondelete="CASCADE"),
                                                index=True)
    step: Mapped[int] = mapped_column(Integer)
    answer: Mapped[StepAnswer] = mapped_column(_enum(StepAnswer, 10), default=StepAnswer.UNKNOWN)
    evidence_ref: Mapped[str] = mapped_column(String(300), default="")
    evidence_link: Mapped[str] = mapped_column(String(500), default="")
    note: Mapped[str] = mapped_column(Text, default="")

    check: Mapped[ConditionCheck] = relationship(back_populates="steps")

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence_ref.strip() or self.evidence_link.strip())


class ScreeningHit(Base, SyncedMixin):
    """A candidate match on a sanctions list, and the user's verdict on it."""

    __tablename__ = "screening_hit"

    check_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("condition_check.id", ondelete="CASCADE"),
                                                index=True)
    list_source: Mapped[str] = mapped_column(String(20))
    list_published: Mapped[dt.date | None] = mapped_column(Date, default=None)
    external_id: Mapped[str] = mapped_column(String(100), default="")
    matched_name: Mapped[str] = mapped_column(String(500))
    primary_name: Mapped[str] = mapped_column(String(500))
    score: Mapped[float] = mapped_column(Float)
    schema: Mapped[str] = mapped_column(String(20), default="")
    countries: Mapped[str] = mapped_column(String(200), default="")
    programme: Mapped[str] = mapped_column(Text, default="")  # OpenSanctions may put long text here
    verdict: Mapped[Verdict] = mapped_column(_enum(Verdict, 20), default=Verdict.UNDECIDED)
    reason: Mapped[str] = mapped_column(Text, default="")
    assessed_by: Mapped[str] = mapped_column(String(200), default="")

    check: Mapped[ConditionCheck] = relationship(back_populates="hits")


class AuditEntry(Base):
    """One line of the append-only audit log. ``hash`` covers the entry and the previous hash, so
    editing or removing any entry breaks the chain from there on (``postapp audit verify``)."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))  # ISO 8601 UTC, hashed as written
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(60))
    record_type: Mapped[str] = mapped_column(String(60))
    record_id: Mapped[str] = mapped_column(String(40), index=True)
    payload: Mapped[str] = mapped_column(Text)  # canonical JSON
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
