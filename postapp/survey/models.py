"""Stored questionnaires, responses with their answers, interview notes, and the sync outbox.

A response keeps its answers as one JSON object (question name to value, in the plain form that also
travels to HQ: numbers as numbers, dates in ISO, a select_multiple as a list). Saving a draft rewrites
one small object, and the analysis reads ten thousand responses in one pass; answers in rows of their own
made the analysis spend its time regrouping rows by response (measured in bench/survey_analysis.py).
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Enum,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from postapp.domain.base import Base, SyncedMixin, UTCDateTime, utcnow
from postapp.i18n import N_


def _values(enum_cls: type[enum.Enum]) -> list[str]:
    return [str(m.value) for m in enum_cls]


class ResponseStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # locked, queued for headquarters
    SET_ASIDE = "set_aside"  # received for a form or version this store does not know; kept, not analysed

    @property
    def label(self) -> str:
        return {ResponseStatus.DRAFT: N_("Draft"), ResponseStatus.SUBMITTED: N_("Submitted"),
                ResponseStatus.SET_ASIDE: N_("Set aside")}[self]


class StoredForm(Base, SyncedMixin):
    """A questionnaire version as imported, kept as the XLSForm bytes it came from so it can travel
    and be read again exactly as HQ wrote it."""

    __tablename__ = "survey_form"
    __table_args__ = (UniqueConstraint("form_id", "version", name="uq_survey_form_version"),)

    form_id: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[str] = mapped_column(String(50))
    titles: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    source: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))


class SurveyResponse(Base, SyncedMixin):
    __tablename__ = "survey_response"

    form_id: Mapped[str] = mapped_column(String(100))
    form_version: Mapped[str] = mapped_column(String(50))
    status: Mapped[ResponseStatus] = mapped_column(
        Enum(ResponseStatus, native_enum=False, length=20, values_callable=_values),
        default=ResponseStatus.DRAFT)
    language: Mapped[str] = mapped_column(String(10), default="")
    page: Mapped[int] = mapped_column(Integer, default=0)  # where answering resumes
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    # A response set aside keeps what arrived, untouched, and why it could not be taken in.
    payload: Mapped[dict[str, object] | None] = mapped_column(JSON, default=None)
    set_aside_reason: Mapped[str] = mapped_column(Text, default="")

    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


Index("ix_survey_response_form", SurveyResponse.form_id, SurveyResponse.status)


class InterviewStatus(enum.StrEnum):
    DRAFT = "draft"
    FINAL = "final"  # queued for headquarters

    @property
    def label(self) -> str:
        return {InterviewStatus.DRAFT: N_("Draft"), InterviewStatus.FINAL: N_("Final")}[self]


class InterviewNote(Base, SyncedMixin):
    """Structured notes of one interview held with the interview guide."""

    __tablename__ = "interview_note"

    guide_id: Mapped[str] = mapped_column(String(100))
    guide_version: Mapped[str] = mapped_column(String(50))
    held_on: Mapped[dt.date] = mapped_column(Date)
    interviewee_role: Mapped[str] = mapped_column(String(200), default="")
    region: Mapped[str] = mapped_column(String(50), default="")
    business_activity: Mapped[str] = mapped_column(String(20), default="")
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    quotes: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)  # {"theme": code, "text": ...}
    follow_ups: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[InterviewStatus] = mapped_column(
        Enum(InterviewStatus, native_enum=False, length=20, values_callable=_values),
        default=InterviewStatus.DRAFT)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)


class OutboxEntry(Base):
    """A record waiting to travel to headquarters. Sync (a later module) sends these in order and marks
    them acknowledged; queuing here is all that submitting needs to do."""

    __tablename__ = "sync_outbox"
    __table_args__ = (UniqueConstraint("record_type", "record_id", name="uq_sync_outbox_record"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    queued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
